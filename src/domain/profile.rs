//! The owner's profile, as the admin's Profile page edits it (own-identity mode).

use url::Url;

/// Longest display name, in characters.
pub const MAX_NAME: usize = 100;
/// Longest note, in characters.
pub const MAX_NOTE: usize = 500;
/// Most `rel=me` links.
pub const MAX_LINKS: usize = 20;
/// Longest URL (photo or link), in bytes.
pub const MAX_URL: usize = 2000;
/// Longest email address (RFC 5321's path limit).
pub const MAX_EMAIL: usize = 254;

/// Who the owner is: the site's h-card, `rel=me` links, the feeds' author and the
/// IndieAuth `userinfo` answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Profile {
    /// Display name; empty: `SITE_AUTHOR`.
    pub name: String,
    /// Absolute URL of the owner's picture.
    pub photo: Option<String>,
    /// A short description, plain text.
    pub note: String,
    /// Given only to apps granted the `email` scope.
    pub email: Option<String>,
    /// `rel=me` links to the owner's other profiles, in order.
    pub links: Vec<String>,
}

/// The Profile form's text fields, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileFields {
    pub name: String,
    /// The photo's address; empty: no photo (unless one is uploaded).
    pub photo: String,
    pub note: String,
    pub email: String,
    /// `rel=me` links, one per line.
    pub links: String,
}

impl ProfileFields {
    /// The fields showing a saved profile.
    pub fn of(p: &Profile) -> Self {
        ProfileFields {
            name: p.name.clone(),
            photo: p.photo.clone().unwrap_or_default(),
            note: p.note.clone(),
            email: p.email.clone().unwrap_or_default(),
            links: p.links.join("\n"),
        }
    }
}

impl Profile {
    /// Checks the form's fields. `site_url` (no trailing slash) is this site: a photo
    /// must be `https` or one of its own addresses (an uploaded photo on an `http` site).
    /// The error is a sentence for the owner.
    pub fn parse(f: &ProfileFields, site_url: &str) -> Result<Profile, String> {
        let name = f.name.trim();
        if name.chars().count() > MAX_NAME {
            return Err(format!("The name is longer than {MAX_NAME} characters."));
        }
        if name.chars().any(char::is_control) {
            return Err("The name must be one line of text.".into());
        }
        let note = f.note.trim().replace("\r\n", "\n");
        if note.chars().count() > MAX_NOTE {
            return Err(format!("The note is longer than {MAX_NOTE} characters."));
        }
        if note
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t')
        {
            return Err("The note may only hold text and line breaks.".into());
        }
        let photo = match f.photo.trim() {
            "" => None,
            p => Some(photo_url(p, site_url)?),
        };
        let email = match f.email.trim() {
            "" => None,
            e if is_email(e) => Some(e.to_string()),
            _ => return Err("The email address does not look like name@example.com.".into()),
        };
        let mut links: Vec<String> = Vec::new();
        for line in f.links.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let link = link_url(line)?;
            if !links.contains(&link) {
                links.push(link);
            }
        }
        if links.len() > MAX_LINKS {
            return Err(format!("At most {MAX_LINKS} profile links, please."));
        }
        Ok(Profile {
            name: name.to_string(),
            photo,
            note,
            email,
            links,
        })
    }
}

/// An absolute `http`/`https` URL without credentials, as text.
fn web_url(s: &str) -> Option<Url> {
    if s.len() > MAX_URL || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    Url::parse(s).ok().filter(|u| {
        matches!(u.scheme(), "http" | "https")
            && u.host_str().is_some_and(|h| !h.is_empty())
            && u.username().is_empty()
            && u.password().is_none()
    })
}

fn link_url(s: &str) -> Result<String, String> {
    web_url(s).map(|u| u.to_string()).ok_or_else(|| {
        format!(
            "“{}” is not a web address: each link must start with https:// (or http://), one per line.",
            shorten(s)
        )
    })
}

fn photo_url(s: &str, site_url: &str) -> Result<String, String> {
    let u = web_url(s).ok_or("The photo address must be a full https:// address.")?;
    let own = u.as_str().starts_with(&format!("{site_url}/"));
    if u.scheme() == "https" || own {
        Ok(u.to_string())
    } else {
        Err("The photo address must start with https:// so every browser shows it.".into())
    }
}

/// `local@domain.tld`: one `@`, no spaces, a dotted domain. Deliverability is the
/// owner's business; this only catches typing slips and markup.
fn is_email(e: &str) -> bool {
    let Some((local, domain)) = e.split_once('@') else {
        return false;
    };
    e.len() <= MAX_EMAIL
        && !local.is_empty()
        && local.len() <= 64
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && e.chars()
            .all(|c| c.is_alphanumeric() || ".!#$%&'*+/=?^_`{|}~-@".contains(c))
}

fn shorten(s: &str) -> String {
    if s.chars().count() > 60 {
        format!("{}…", s.chars().take(60).collect::<String>())
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SITE: &str = "http://blog.example.test";

    fn fields() -> ProfileFields {
        ProfileFields {
            name: " Ada Lovelace ".into(),
            photo: "https://cdn.example.com/ada.jpg".into(),
            note: "Writes notes.\r\nSecond line.".into(),
            email: "ada@example.com".into(),
            links:
                "https://mastodon.example/@ada\n\nhttps://github.com/ada\nhttps://github.com/ada\n"
                    .into(),
        }
    }

    #[test]
    fn a_good_form_is_kept_tidy() {
        let p = Profile::parse(&fields(), SITE).unwrap();
        assert_eq!(p.name, "Ada Lovelace");
        assert_eq!(p.note, "Writes notes.\nSecond line.");
        assert_eq!(p.email.as_deref(), Some("ada@example.com"));
        assert_eq!(
            p.links,
            ["https://mastodon.example/@ada", "https://github.com/ada"]
        );
        assert_eq!(ProfileFields::of(&p).links.lines().count(), 2);
    }

    #[test]
    fn empty_fields_are_an_empty_profile() {
        let p = Profile::parse(&ProfileFields::default(), SITE).unwrap();
        assert_eq!(p, Profile::default());
    }

    #[test]
    fn bad_fields_are_refused() {
        let bad = |f: fn(&mut ProfileFields)| {
            let mut x = fields();
            f(&mut x);
            Profile::parse(&x, SITE).unwrap_err()
        };
        bad(|f| f.name = "x".repeat(101));
        bad(|f| f.name = "two\nlines".into());
        bad(|f| f.note = "é".repeat(501));
        bad(|f| f.email = "not-an-email".into());
        bad(|f| f.email = "a@b".into());
        bad(|f| f.email = "a b@example.com".into());
        bad(|f| f.email = "<a>@example.com".into());
        bad(|f| f.links = "javascript:alert(1)".into());
        bad(|f| f.links = "mastodon.example/@ada".into());
        bad(|f| f.links = "https://user:pw@example.com/".into());
        bad(|f| f.links = "ftp://example.com/".into());
        bad(|f| {
            f.links = (0..21)
                .map(|i| format!("https://e{i}.example/"))
                .collect::<Vec<_>>()
                .join("\n")
        });
        bad(|f| f.photo = "http://elsewhere.example/a.jpg".into());
        bad(|f| f.photo = "data:image/png;base64,AAAA".into());
    }

    #[test]
    fn a_photo_may_be_on_this_site() {
        let mut f = fields();
        f.photo = format!("{SITE}/media/2026/11/a.jpg");
        assert!(Profile::parse(&f, SITE).is_ok());
        f.photo = format!("{SITE}.evil.example/a.jpg");
        assert!(Profile::parse(&f, SITE).is_err());
        f.name = "x".repeat(100);
        f.photo = String::new();
        assert!(Profile::parse(&f, SITE).is_ok());
    }
}
