//! The parser against what real clients send, and a property test: no input makes it
//! panic, and whatever it accepts obeys the limits.

use proptest::prelude::*;
use serde_json::json;

use super::*;

fn text(pairs: &[(&str, &str)]) -> Vec<(String, FormValue)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), FormValue::Text(v.to_string())))
        .collect()
}

fn entry(a: Action) -> Entry {
    match a {
        Action::Create(e) => e,
        other => panic!("not a create: {other:?}"),
    }
}

#[test]
fn quill_form_with_category_brackets() {
    let e = entry(
        parse_form(text(&[
            ("h", "entry"),
            ("content", "Hello"),
            ("category[]", "IndieWeb"),
            ("category[]", "rust"),
        ]))
        .unwrap(),
    );
    assert_eq!(e.content, Some(("Hello".into(), ContentKind::Markdown)));
    let names: Vec<&str> = e.tags.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["indieweb", "rust"]);
}

#[test]
fn indigenous_indexed_categories_and_curl_without_h() {
    let e = entry(
        parse_form(text(&[
            ("content", "x"),
            ("category[0]", "a"),
            ("category[1]", "b"),
        ]))
        .unwrap(),
    );
    assert_eq!(e.tags.len(), 2);
    assert!(parse_form(text(&[("h", "card"), ("name", "x")])).is_err());
}

#[test]
fn microblog_photos_with_alts() {
    let fields = vec![
        ("h".to_string(), FormValue::Text("entry".into())),
        ("content".into(), FormValue::Text("two".into())),
        ("mp-photo-alt[]".into(), FormValue::Text("first".into())),
        ("mp-photo-alt[]".into(), FormValue::Text("second".into())),
        ("photo[]".into(), FormValue::File(0)),
        ("photo[]".into(), FormValue::File(1)),
    ];
    let e = entry(parse_form(fields).unwrap());
    assert_eq!(
        e.photos,
        [
            PhotoRef {
                source: PhotoSource::Upload(0),
                alt: Some("first".into())
            },
            PhotoRef {
                source: PhotoSource::Upload(1),
                alt: Some("second".into())
            },
        ]
    );
    let bad = vec![("video".to_string(), FormValue::File(0))];
    assert!(parse_form(bad).is_err());
}

#[test]
fn json_entry_with_html_person_tags_and_nested_checkin() {
    let e = entry(
        parse_json(&json!({
            "type": ["h-entry"],
            "properties": {
                "name": ["Title"],
                "content": [{"html": "<b>hi</b>"}],
                "post-status": ["draft"],
                "category": ["tag", "https://alice.example/", {"type": ["h-card"], "properties": {"name": ["Bob"]}}],
                "checkin": [{"type": ["h-card"], "properties": {"name": ["Café"], "latitude": [45.5]}}],
                "photo": [{"value": "https://x.example/a.jpg", "alt": "A"}],
                "published": ["2030-01-01T10:00:00+01:00"],
                "mp-slug": ["custom"]
            }
        }))
        .unwrap(),
    );
    assert_eq!(e.content, Some(("<b>hi</b>".into(), ContentKind::Html)));
    assert_eq!(e.status, Some(Status::Draft));
    assert_eq!(e.tags.len(), 1);
    assert_eq!(e.kept["category"].as_array().unwrap().len(), 2);
    assert_eq!(e.kept["checkin"][0]["properties"]["latitude"][0], 45.5);
    assert_eq!(e.photos[0].alt.as_deref(), Some("A"));
    assert_eq!(
        e.published.unwrap().to_rfc3339(),
        "2030-01-01T09:00:00+00:00"
    );
    assert_eq!(e.slug.as_deref(), Some("custom"));
}

#[test]
fn wrong_types_are_refused() {
    let create =
        |props: serde_json::Value| parse_json(&json!({"type": ["h-entry"], "properties": props}));
    assert!(create(json!({"content": [5]})).is_err());
    assert!(create(json!({"content": "not an array"})).is_err());
    assert!(create(json!({"content": [["nested"]]})).is_err());
    assert!(create(json!({"category": [7]})).is_err());
    assert!(create(json!({"in-reply-to": ["not a url"]})).is_err());
    assert!(create(json!({"photo": ["javascript:alert(1)"]})).is_err());
    assert!(create(json!({"published": ["yesterday"]})).is_err());
    assert!(create(json!({"post-status": ["maybe"]})).is_err());
    let many: Vec<String> = (0..10_000).map(|i| format!("t{i}")).collect();
    assert!(create(json!({"category": many})).is_err());
    let mut deep = json!("x");
    for _ in 0..100 {
        deep = json!([deep]);
    }
    assert!(create(json!({ "checkin": [{"deep": deep}] })).is_err());
    assert!(parse_json(&json!({"type": ["h-card"], "properties": {}})).is_err());
    assert!(parse_json(&json!([1, 2])).is_err());
}

#[test]
fn actions_in_both_encodings() {
    assert_eq!(
        parse_form(text(&[
            ("action", "delete"),
            ("url", "https://b.example/note/a")
        ]))
        .unwrap(),
        Action::Delete {
            url: "https://b.example/note/a".into()
        }
    );
    assert!(matches!(
        parse_json(&json!({"action": "undelete", "url": "u"})).unwrap(),
        Action::Undelete { .. }
    ));
    assert!(
        parse_json(&json!({"action": "update", "url": "u", "replace": {"content": "x"}})).is_err()
    );
    assert!(
        parse_json(&json!({"action": "update", "url": "u", "replace": {"content": [5]}})).is_err()
    );
    assert!(parse_json(&json!({"action": "delete"})).is_err());
    assert!(parse_form(text(&[("action", "update"), ("url", "u")])).is_err());
    assert!(parse_json(&json!({"action": "explode", "url": "u"})).is_err());
}

/// Any JSON value, up to a few levels deep.
fn any_json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        ".{0,12}".prop_map(serde_json::Value::String),
        prop_oneof![
            Just("https://a.example/x"),
            Just("/media/2026/11/a.jpg"),
            Just("h-entry"),
            Just("draft"),
            Just("2026-01-01T00:00:00Z")
        ]
        .prop_map(|s| json!(s)),
    ];
    leaf.prop_recursive(5, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("type".to_string()),
                    Just("properties".to_string()),
                    Just("content".to_string()),
                    Just("category".to_string()),
                    Just("photo".to_string()),
                    Just("html".to_string()),
                    Just("value".to_string()),
                    Just("action".to_string()),
                    Just("url".to_string()),
                    Just("replace".to_string()),
                    "[a-z-]{1,8}",
                ],
                inner,
                0..5
            )
            .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

fn form_key() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("h".to_string()),
        Just("content".to_string()),
        Just("category[]".to_string()),
        Just("category[0]".to_string()),
        Just("photo[]".to_string()),
        Just("mp-photo-alt[]".to_string()),
        Just("content[html]".to_string()),
        Just("action".to_string()),
        Just("url".to_string()),
        Just("published".to_string()),
        ".{0,10}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn json_never_panics_and_accepted_posts_obey_the_limits(v in any_json()) {
        if let Ok(Action::Create(e)) = parse_json(&v) {
            prop_assert!(e.kept.len() <= MAX_PROPERTIES);
            prop_assert!(e.tags.len() <= MAX_VALUES);
            for values in e.kept.values() {
                prop_assert!(values.as_array().is_some_and(|a| a.iter().all(|x| !x.is_array())));
            }
        }
        let wrapped = json!({"type": ["h-entry"], "properties": v});
        let _ = parse_json(&wrapped);
    }

    #[test]
    fn forms_never_panic(
        pairs in prop::collection::vec((form_key(), ".{0,16}"), 0..12),
        files in prop::collection::vec(prop_oneof![Just("photo"), Just("photo[]"), Just("x")], 0..3),
    ) {
        let mut fields: Vec<(String, FormValue)> =
            pairs.into_iter().map(|(k, v)| (k, FormValue::Text(v))).collect();
        for (i, f) in files.into_iter().enumerate() {
            fields.push((f.to_string(), FormValue::File(i)));
        }
        if let Ok(Action::Create(e)) = parse_form(fields) {
            for p in &e.photos {
                if let PhotoSource::Url(u) = &p.source {
                    prop_assert!(u.starts_with("/media/") || u.starts_with("http"));
                }
            }
        }
    }

    #[test]
    fn raw_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        if let Ok(v) = serde_json::from_slice::<serde_json::Value>(&bytes) {
            let _ = parse_json(&v);
        }
    }
}

#[test]
fn photos_keep_form_order_and_alts_follow_their_position() {
    let fields = vec![
        ("photo[]".to_string(), FormValue::EmptyFile),
        ("photo[]".into(), FormValue::File(0)),
        (
            "photo[]".into(),
            FormValue::Text("https://x.example/b.jpg".into()),
        ),
        (
            "mp-photo-alt[]".into(),
            FormValue::Text("for the empty input".into()),
        ),
        ("mp-photo-alt[]".into(), FormValue::Text("the file".into())),
        ("mp-photo-alt[]".into(), FormValue::Text("the URL".into())),
    ];
    let e = entry(parse_form(fields).unwrap());
    assert_eq!(
        e.photos,
        [
            PhotoRef {
                source: PhotoSource::Upload(0),
                alt: Some("the file".into())
            },
            PhotoRef {
                source: PhotoSource::Url("https://x.example/b.jpg".into()),
                alt: Some("the URL".into())
            },
        ]
    );
}
