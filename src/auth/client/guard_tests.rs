use super::*;

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

#[test]
fn private_and_odd_ipv4_ranges_are_forbidden() {
    for s in [
        "10.0.0.1",
        "10.255.255.255",
        "172.16.0.1",
        "172.31.255.254",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "100.127.255.255",
        "0.0.0.0",
        "0.1.2.3",
        "224.0.0.1",
        "255.255.255.255",
        "240.0.0.1",
    ] {
        assert!(is_forbidden(ip(s)), "{s}");
    }
}

#[test]
fn public_and_loopback_ipv4_are_allowed() {
    for s in [
        "127.0.0.1",
        "127.8.9.10",
        "8.8.8.8",
        "93.184.216.34",
        "172.15.255.255",
        "172.32.0.1",
        "100.63.255.255",
        "100.128.0.1",
        "169.253.1.1",
        "192.169.0.1",
    ] {
        assert!(!is_forbidden(ip(s)), "{s}");
    }
}

#[test]
fn private_and_odd_ipv6_ranges_are_forbidden() {
    for s in [
        "::",
        "fc00::1",
        "fd12:3456::1",
        "fe80::1",
        "febf::1",
        "fec0::1",
        "ff02::1",
        "::ffff:10.0.0.1",
        "::ffff:192.168.0.1",
        "::ffff:169.254.169.254",
        "::ffff:0.0.0.0",
        "64:ff9b::a00:1",
        "::10.0.0.1",
        "::8.8.8.8",
    ] {
        assert!(is_forbidden(ip(s)), "{s}");
    }
}

#[test]
fn public_loopback_and_mapped_public_ipv6_are_allowed() {
    for s in [
        "::1",
        "2001:db8::1",
        "2606:4700:4700::1111",
        "::ffff:127.0.0.1",
        "::ffff:8.8.8.8",
        "64:ff9b::808:808",
        "fbff::1",
    ] {
        assert!(!is_forbidden(ip(s)), "{s}");
    }
}

#[test]
fn redirects_to_private_literals_are_refused() {
    let u = |s: &str| Url::parse(s).unwrap();
    assert!(
        refuse_literal(&u("https://10.0.0.1/x?secret=1")).is_some_and(|m| !m.contains("secret"))
    );
    assert!(refuse_literal(&u("http://[fd00::1]/")).is_some());
    assert!(refuse_literal(&u("http://0.0.0.0:8080/")).is_some());
    assert!(refuse_literal(&u("http://127.0.0.1:8080/")).is_none());
    assert!(refuse_literal(&u("https://app.example/")).is_none());
}

#[test]
fn raster_images_are_recognised_by_their_bytes() {
    assert_eq!(sniff_image(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
    assert_eq!(
        sniff_image(&[0xff, 0xd8, 0xff, 0xe0, 0]),
        Some("image/jpeg")
    );
    assert_eq!(sniff_image(b"GIF89a...."), Some("image/gif"));
    assert_eq!(sniff_image(b"GIF87a...."), Some("image/gif"));
    assert_eq!(sniff_image(b"RIFF\0\0\0\0WEBPVP8 "), Some("image/webp"));
    assert_eq!(sniff_image(b"RIFF\0\0\0\0WAVE"), None);
    assert_eq!(
        sniff_image(b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script/></svg>"),
        None
    );
    assert_eq!(sniff_image(b"<html>"), None);
    assert_eq!(sniff_image(b""), None);
}

#[tokio::test]
async fn the_resolver_refuses_names_with_a_private_answer() {
    use std::str::FromStr;
    let resolve = |n: &str| GuardedResolver.resolve(Name::from_str(n).unwrap());
    let local: Vec<SocketAddr> = resolve("127.0.0.1").await.unwrap().collect();
    assert!(local.iter().all(|a| a.ip().is_loopback()), "{local:?}");
    for name in ["0.0.0.0", "10.1.2.3", "169.254.169.254"] {
        let err = resolve(name).await.err().expect(name).to_string();
        assert!(err.contains("private"), "{name}: {err}");
    }
}
