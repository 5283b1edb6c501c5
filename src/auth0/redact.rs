//! The one place where secrets are taken out of what a server sent back.
//!
//! A token endpoint, or a proxy or WAF in front of it, may echo the request in its answer:
//! `"error_description": "bad request: ...client_secret=..."`, a `text/plain` 5xx page, a
//! `Location` or `Content-Type` header. The client knows every secret it sends (client
//! secret, static API token, access tokens it obtained, client assertions, private key
//! material, proxy credentials) and registers each here; every path that quotes or logs
//! server text ([`super::reply::Reply`]'s text accessors, transport error causes) goes
//! through [`Redactor::scrub`], which replaces every spelling of every secret with
//! [`MARKER`].

use std::borrow::Cow;
use std::sync::RwLock;

/// What a secret becomes in anything quoted or logged.
pub(crate) const MARKER: &str = "[redacted]";

/// Private key lines shorter than this are not redacted on their own: the last base64 line
/// of a PEM can be a few characters (`AQAB`, `==`), which carry nothing of the key and would
/// match ordinary text.
const MIN_KEY_LINE: usize = 16;

/// The secrets a client has sent or may send, as every spelling a server could echo.
#[derive(Debug, Default)]
pub(crate) struct Redactor {
    /// Longest first, so a spelling that contains another is replaced whole.
    needles: RwLock<Vec<Box<str>>>,
}

impl Redactor {
    /// Registers `secret`: the value itself and the ways a server may spell it back.
    pub fn add(&self, secret: &str) {
        if secret.is_empty() {
            return;
        }
        let mut needles = self.needles.write().unwrap_or_else(|p| p.into_inner());
        for spelling in spellings(secret) {
            if !needles.iter().any(|n| **n == *spelling) {
                needles.push(spelling.into_boxed_str());
            }
        }
        needles.sort_by_key(|n| std::cmp::Reverse(n.len()));
    }

    /// Registers a PEM private key: the whole text and each base64 line of its body (a
    /// server that echoes part of a key echoes lines of it).
    pub fn add_private_key(&self, pem: &str) {
        self.add(pem);
        // Keys passed through environment variables often carry literal "\n".
        for line in pem.split(['\n', '\r']).flat_map(|l| l.split("\\n")) {
            let line = line.trim();
            if line.len() >= MIN_KEY_LINE && !line.starts_with("-----") {
                self.add(line);
            }
        }
    }

    /// `text` with every registered secret, in every spelling, replaced by [`MARKER`].
    pub fn scrub<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let needles = self.needles.read().unwrap_or_else(|p| p.into_inner());
        let mut out = Cow::Borrowed(text);
        for needle in needles.iter() {
            if out.contains(&**needle) {
                out = Cow::Owned(out.replace(&**needle, MARKER));
            }
        }
        out
    }

    /// [`Self::scrub`] for every string of a JSON value, object keys included, so a parsed
    /// error body can be quoted whatever escapes the server used.
    pub fn scrub_json(&self, value: &mut serde_json::Value) {
        use serde_json::Value;
        match value {
            Value::String(s) => {
                if let Cow::Owned(clean) = self.scrub(s) {
                    *s = clean;
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|v| self.scrub_json(v)),
            Value::Object(map) => {
                let entries = std::mem::take(map);
                for (key, mut v) in entries {
                    self.scrub_json(&mut v);
                    map.insert(self.scrub(&key).into_owned(), v);
                }
            }
            Value::Null | Value::Bool(_) | Value::Number(_) => {}
        }
    }
}

/// The spellings of `secret` a server may echo: as is; form-encoded as the request body
/// carried it (`+` for space, `%2F`), with upper- or lower-case hex; percent-encoded with
/// `%20` for space; JSON-escaped (with `\/` for `/`, as some encoders write it).
fn spellings(secret: &str) -> Vec<String> {
    let form = percent_encode(secret, "+");
    let percent = percent_encode(secret, "%20");
    let quoted = serde_json::Value::String(secret.to_string()).to_string();
    let json = quoted[1..quoted.len() - 1].to_string();
    let mut out = vec![
        secret.to_string(),
        lower_hex(&form),
        lower_hex(&percent),
        json.replace('/', "\\/"),
        form,
        percent,
        json,
    ];
    out.sort();
    out.dedup();
    out
}

/// `application/x-www-form-urlencoded` bytes as reqwest writes them (alphanumerics and
/// `*-._` kept, every other byte `%XX` in upper case), with `space` for a space.
fn percent_encode(s: &str, space: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b' ' => out.push_str(space),
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// `%2F` as `%2f`: the hex digits of every escape in lower case, nothing else changed.
fn lower_hex(encoded: &str) -> String {
    let mut out = String::with_capacity(encoded.len());
    let mut rest = encoded;
    while let Some(i) = rest.find('%') {
        out.push_str(&rest[..i]);
        let escape = rest.get(i..i + 3).unwrap_or(&rest[i..]);
        out.push_str(&escape.to_ascii_lowercase());
        rest = &rest[i + escape.len()..];
    }
    out.push_str(rest);
    out
}

/// A domain as error messages may show it: never a user name or password (whatever is
/// before an `@` in the authority becomes `***`), and never a query, which could carry a
/// token. Control characters are escaped by the caller's `{:?}`.
pub(crate) fn redacted(domain: &str) -> String {
    let d = domain.trim();
    let (scheme, rest) = match d.find("://") {
        Some(i) => (&d[..i + 3], &d[i + 3..]),
        None => ("", d),
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let authority = match authority.rfind('@') {
        Some(at) => format!("***@{}", &authority[at + 1..]),
        None => authority.to_string(),
    };
    let tail = match tail.find(['?', '#']) {
        Some(q) => format!("{}…", &tail[..q]),
        None => tail.to_string(),
    };
    format!("{scheme}{authority}{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "cs/7f+3a 9e=21&\"x\"";

    fn redactor() -> Redactor {
        let r = Redactor::default();
        r.add(SECRET);
        r
    }

    #[test]
    fn every_spelling_is_replaced() {
        let r = redactor();
        for echoed in [
            SECRET,
            // The form body as reqwest sent it, and as a server re-encoding it may write it.
            "cs%2F7f%2B3a+9e%3D21%26%22x%22",
            "cs%2f7f%2b3a+9e%3d21%26%22x%22",
            "cs%2F7f%2B3a%209e%3D21%26%22x%22",
            // JSON-escaped, with and without an escaped solidus.
            r#"cs/7f+3a 9e=21&\"x\""#,
            r#"cs\/7f+3a 9e=21&\"x\""#,
        ] {
            let text = format!("bad request: client_secret={echoed}; try again");
            assert_eq!(
                r.scrub(&text),
                "bad request: client_secret=[redacted]; try again",
                "{echoed}"
            );
        }
    }

    #[test]
    fn text_without_secrets_is_borrowed() {
        let r = redactor();
        assert!(matches!(r.scrub("nothing to see"), Cow::Borrowed(_)));
        assert!(matches!(
            Redactor::default().scrub(SECRET),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn every_occurrence_of_every_secret_goes() {
        let r = redactor();
        r.add("tok-123");
        r.add("");
        assert_eq!(
            r.scrub(&format!("{SECRET} tok-123 {SECRET}tok-123")),
            "[redacted] [redacted] [redacted][redacted]"
        );
    }

    #[test]
    fn json_strings_and_keys_are_scrubbed_after_decoding() {
        let r = Redactor::default();
        r.add("s3cr3t-value");
        // A \u escape no spelling covers: decoded first, then scrubbed.
        let mut v: serde_json::Value = serde_json::from_str(
            r#"{"error_description":"bad: \u0073\u0033cr3t-value","s3cr3t-value":[1,"s3cr3t-value"]}"#,
        )
        .unwrap();
        r.scrub_json(&mut v);
        assert_eq!(
            v,
            serde_json::json!({"error_description": "bad: [redacted]", "[redacted]": [1, "[redacted]"]})
        );
    }

    #[test]
    fn private_key_lines_are_secrets_too() {
        let line1 = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7";
        let line2 = "q/+v0Y1t8ZcVnRr3p2wM5dX7kq9Jm4Yb";
        let pem = format!(
            "-----BEGIN PRIVATE KEY-----\n{line1}\n{line2}\nAQAB\n-----END PRIVATE KEY-----\n"
        );
        for key in [pem.clone(), pem.replace('\n', "\\n")] {
            let r = Redactor::default();
            r.add_private_key(&key);
            assert_eq!(
                r.scrub(&format!("echo {line2} {line1}")),
                "echo [redacted] [redacted]"
            );
            // The short last line and the armour are not secrets on their own.
            assert_eq!(
                r.scrub("AQAB -----BEGIN PRIVATE KEY-----"),
                "AQAB -----BEGIN PRIVATE KEY-----"
            );
        }
    }

    #[test]
    fn encodings_follow_the_form_rules() {
        assert_eq!(percent_encode("a b/c*-._~", "+"), "a+b%2Fc*-._%7E");
        assert_eq!(percent_encode("é", "+"), "%C3%A9");
        assert_eq!(lower_hex("a%2Fb%C3%A9%"), "a%2fb%c3%a9%");
    }
}
