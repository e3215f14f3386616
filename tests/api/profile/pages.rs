//! What a saved profile changes on the public side: the home page's h-card, every
//! entry's author, `rel=me` links (markup and `Link` header) and the feeds' author;
//! never the email address.

use reqwest::StatusCode;

use super::Owner;
use crate::helpers::{SITE, find_item, mf2, parse_feed, strings};

const MASTODON: &str = "https://mastodon.example/@ada";
const GITHUB: &str = "https://github.com/ada";
const EMAIL: &str = "ada.secret@example.com";

async fn owner_with_profile() -> Owner {
    let owner = Owner::start().await;
    owner
        .server
        .state
        .notes
        .create(starpunk::domain::NoteInput {
            content: "A first note".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    // Pages and feeds are cached before the save: the save must show through.
    for path in ["/", "/feed.atom", "/feed.rss", "/feed.json"] {
        assert!(!owner.public(path).await.body.contains("Ada Lovelace"));
    }
    let links = format!("{MASTODON}\n{GITHUB}");
    let res = owner
        .save_profile(&[
            ("name", "Ada Lovelace"),
            ("note", "Writes about <engines> & looms."),
            ("email", EMAIL),
            ("photo_url", "https://cdn.example.com/ada.jpg"),
            ("links", &links),
        ])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    owner
}

#[tokio::test]
async fn the_home_page_shows_the_profile_as_its_h_card() {
    let owner = owner_with_profile().await;
    let home = owner.public("/").await;
    assert_eq!(home.status, StatusCode::OK);
    let doc = mf2(&home.body, &format!("{SITE}/"));
    let feed = find_item(&doc, "h-feed");
    // The representative h-card: top-level, u-url and u-uid equal to the page's URL.
    let card = find_item(&doc, "h-card");
    assert_eq!(card["type"][0], "h-card");
    assert_eq!(
        strings(&feed["properties"]["author"][0], "name"),
        ["Ada Lovelace"]
    );
    assert_eq!(strings(card, "name"), ["Ada Lovelace"]);
    let urls = strings(card, "url");
    assert_eq!(urls[0], format!("{SITE}/"));
    assert!(urls.contains(&MASTODON.to_string()), "{urls:?}");
    assert_eq!(strings(card, "uid"), [format!("{SITE}/")]);
    assert_eq!(
        card["properties"]["photo"][0]["value"],
        "https://cdn.example.com/ada.jpg"
    );
    assert_eq!(strings(card, "note"), ["Writes about <engines> & looms."]);
    assert_eq!(doc["rels"]["me"], serde_json::json!([MASTODON, GITHUB]));
    // Visible links, not only <link> elements (either satisfies Mastodon).
    assert!(home.body.contains(&format!(
        "<a class=\"u-url\" rel=\"me\" href=\"{MASTODON}\">"
    )));
    // Every entry's author is the profile's name too.
    let entry = &feed["children"][0];
    assert_eq!(
        strings(&entry["properties"]["author"][0], "name"),
        ["Ada Lovelace"]
    );
    let link = home.header("link");
    assert!(
        link.contains(&format!("<{MASTODON}>; rel=\"me\"")),
        "{link}"
    );
    assert!(link.contains(&format!("<{GITHUB}>; rel=\"me\"")), "{link}");
    assert!(!home.body.contains(EMAIL));
    assert!(
        !home.body.contains("<engines>"),
        "the note is text, escaped"
    );
}

#[tokio::test]
async fn feeds_name_the_profile_as_author_and_never_the_email() {
    let owner = owner_with_profile().await;
    let atom = owner.public("/feed.atom").await;
    let f = parse_feed(&atom.body);
    assert_eq!(f["feed"]["author"], "Ada Lovelace");
    let rss = owner.public("/feed.rss").await;
    let f = parse_feed(&rss.body);
    assert_eq!(f["feed"]["author"], "Ada Lovelace", "{}", rss.body);
    assert_eq!(f["entries"][0]["author"], "Ada Lovelace");
    let json = owner.public("/feed.json").await;
    let v: serde_json::Value = serde_json::from_str(&json.body).unwrap();
    assert_eq!(v["authors"][0]["name"], "Ada Lovelace");
    assert_eq!(v["authors"][0]["url"], format!("{SITE}/"));
    assert_eq!(v["authors"][0]["avatar"], "https://cdn.example.com/ada.jpg");
    for (what, body) in [
        ("atom", &atom.body),
        ("rss", &rss.body),
        ("json", &json.body),
    ] {
        assert!(!body.contains(EMAIL), "{what}");
    }
    for path in ["/sitemap.xml", "/feed.opml", "/search?q=first"] {
        let page = owner.public(path).await;
        assert!(!page.body.contains(EMAIL), "{path}");
    }
}

#[tokio::test]
async fn without_a_saved_profile_nothing_changes() {
    let owner = Owner::start().await;
    let home = owner.public("/").await;
    let doc = mf2(&home.body, &format!("{SITE}/"));
    let card = find_item(&doc, "h-card");
    assert_eq!(strings(card, "name"), ["Ada Owner"]);
    assert_eq!(strings(card, "url"), [format!("{SITE}/")]);
    assert!(card["properties"]["note"].is_null());
    assert!(doc["rels"]["me"].is_null(), "{}", doc["rels"]);
    assert!(!home.header("link").contains("rel=\"me\""));
    let f = parse_feed(&owner.public("/feed.atom").await.body);
    assert_eq!(f["feed"]["author"], "Ada Owner");

    // A profile saved with an empty name keeps SITE_AUTHOR.
    let res = owner.save_profile(&[("name", ""), ("note", "Hello")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let doc = mf2(&owner.public("/").await.body, &format!("{SITE}/"));
    let card = find_item(&doc, "h-card");
    assert_eq!(strings(card, "name"), ["Ada Owner"]);
    assert_eq!(strings(card, "note"), ["Hello"]);
}

#[tokio::test]
async fn the_saved_profile_is_applied_at_start_up() {
    let owner = owner_with_profile().await;
    // Another view of the site, as a restart would make: nothing applied yet.
    let state = &owner.server.state;
    state.site.set_author(starpunk::site::Author {
        name: "Stale".into(),
        url: state.config.me(),
        photo: None,
        note: String::new(),
    });
    state.site.set_rel_me(Vec::new());
    starpunk::site::profile::apply_saved(state).await;
    let author = state.site.author();
    assert_eq!(author.name, "Ada Lovelace");
    assert_eq!(state.site.rel_me(), [MASTODON, GITHUB]);
}
