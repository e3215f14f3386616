use super::*;

fn url(s: &str) -> Url {
    Url::parse(s).unwrap()
}

#[test]
fn card_with_matching_url_is_chosen_among_several() {
    let html = r#"<html><body>
      <div class="h-card"><a class="p-name u-url" href="https://friend.example/">A Friend</a></div>
      <div class="h-card">
        <img class="u-photo" src="/me.jpg" alt="">
        <a class="u-url" href="/"><span class="p-name">Ada  Lovelace</span></a>
        <p class="p-note">Writes <b>notes</b>.</p>
        <div class="h-card"><span class="p-name">Nested Org</span><a class="u-photo" href="/org.png">o</a></div>
      </div>
      <a rel="me" href="https://github.com/ada">gh</a>
      <link rel="me authn" href="mailto:ada@example.com">
      <a rel="me" href="https://github.com/ada">again</a>
    </body></html>"#;
    let c = representative(
        html,
        &url("https://ada.example/"),
        &url("https://ada.example/"),
    )
    .unwrap();
    assert_eq!(c.name, "Ada Lovelace");
    assert_eq!(c.url.as_deref(), Some("https://ada.example/"));
    assert_eq!(c.photo.as_deref(), Some("https://ada.example/me.jpg"));
    assert_eq!(c.note.as_deref(), Some("Writes notes."));
    assert_eq!(
        c.rel_me,
        vec![
            "https://github.com/ada".to_string(),
            "mailto:ada@example.com".to_string()
        ]
    );
}

#[test]
fn only_top_level_card_is_representative_with_implied_properties() {
    let html = r#"<a class="h-card" href="/about"><img src="/a.png" alt="Ada"> Ada L.</a>
        <article class="h-entry"><div class="p-author h-card">Someone Else</div></article>"#;
    let c = representative(
        html,
        &url("https://ada.example/"),
        &url("https://ada.example/"),
    )
    .unwrap();
    assert_eq!(c.name, "Ada L.");
    assert_eq!(c.url.as_deref(), Some("https://ada.example/about"));
    assert_eq!(c.photo.as_deref(), Some("https://ada.example/a.png"));
    assert_eq!(c.note, None);
}

#[test]
fn matching_uses_normalised_admin_me_too() {
    let html = r#"<div class="h-card"><a class="u-url p-name" href="HTTPS://Ada.Example:443">Ada</a></div>
        <div class="h-card"><span class="p-name">Bob</span></div>"#;
    let c = representative(
        html,
        &url("https://www.ada.example/"),
        &url("https://ada.example"),
    )
    .unwrap();
    assert_eq!(c.name, "Ada");
}

#[test]
fn ambiguous_or_missing_cards_give_nothing() {
    let two = r#"<div class="h-card">A</div><div class="h-card">B</div>"#;
    assert_eq!(
        representative(two, &url("https://x.example/"), &url("https://x.example/")),
        None
    );
    assert_eq!(
        representative(
            "<p>hello</p>",
            &url("https://x.example/"),
            &url("https://x.example/")
        ),
        None
    );
}

#[test]
fn img_and_abbr_names() {
    let html = r#"<img class="h-card" src="/p.jpg" alt="Pic Person">"#;
    let c = representative(html, &url("https://x.example/"), &url("https://x.example/")).unwrap();
    assert_eq!(c.name, "Pic Person");
    assert_eq!(c.photo.as_deref(), Some("https://x.example/p.jpg"));
    let html = r#"<div class="h-card"><abbr class="p-name" title="Full Name">FN</abbr></div>"#;
    let c = representative(html, &url("https://x.example/"), &url("https://x.example/")).unwrap();
    assert_eq!(c.name, "Full Name");
}
