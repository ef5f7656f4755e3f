//! URL slugs for outlets, sections, tags and entities.

/// ASCII, lowercase, hyphen-separated; transliterates other scripts (deunicode) so that
/// "Café Zürich" and "Cafe Zurich" share a slug. Never empty: falls back to "untitled".
pub fn slugify(s: &str) -> String {
    let ascii = deunicode::deunicode(s);
    let mut out = String::with_capacity(ascii.len());
    let mut pending_dash = false;
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.push(c.to_ascii_lowercase());
        } else if c != '\'' {
            pending_dash = true;
        }
        if out.len() >= 80 {
            break;
        }
    }
    if out.is_empty() {
        "untitled".to_owned()
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::slugify;

    #[test]
    fn slugs() {
        assert_eq!(slugify("Steve Witkoff"), "steve-witkoff");
        assert_eq!(
            slugify("The Armenian Mirror-Spectator"),
            "the-armenian-mirror-spectator"
        );
        assert_eq!(slugify("Trump's team"), "trumps-team");
        assert_eq!(slugify("Café  Zürich!"), "cafe-zurich");
        assert_eq!(slugify("—"), "untitled");
    }
}
