//! A complete answer of the tenant, whose text can only be read with the client's
//! secrets taken out.

use std::borrow::Cow;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{AsHeaderName, HeaderMap, LOCATION};
use serde_json::Value;

use super::error::body_excerpt;
use super::redact::Redactor;
use super::retry::rate_limit_wait;

/// A complete HTTP answer (headers and whole body). What the server sent can only be read
/// as text through the [`Redactor`] (`header`, `text`, `excerpt`, `json`), so no path that
/// quotes or logs it can forget to take the client's secrets out; `secret_bytes` is the one
/// exception, for the token grant.
pub(crate) struct Reply {
    pub status: u16,
    headers: HeaderMap,
    body: Vec<u8>,
    redactor: Arc<Redactor>,
    /// "N attempts over T", filled in when the reply ends a run of retries.
    pub retries: Option<String>,
}

impl Reply {
    pub fn new(status: u16, headers: HeaderMap, body: Vec<u8>, redactor: Arc<Redactor>) -> Reply {
        Reply {
            status,
            headers,
            body,
            redactor,
            retries: None,
        }
    }

    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    pub fn is_redirect(&self) -> bool {
        (300..400).contains(&self.status)
    }

    /// A header as text fit to quote or log; `None` when absent or not text.
    pub fn header(&self, name: impl AsHeaderName) -> Option<Cow<'_, str>> {
        let value = self.headers.get(name)?.to_str().ok()?;
        Some(self.redactor.scrub(value))
    }

    /// Where a redirect points, fit to quote.
    pub fn location(&self) -> Option<Cow<'_, str>> {
        self.header(LOCATION)
    }

    /// The body as text fit to quote or log.
    pub fn text(&self) -> Cow<'_, str> {
        match String::from_utf8_lossy(&self.body) {
            Cow::Borrowed(text) => self.redactor.scrub(text),
            Cow::Owned(text) => Cow::Owned(self.redactor.scrub(&text).into_owned()),
        }
    }

    /// A short, one-line quote of the body for messages.
    pub fn excerpt(&self) -> String {
        body_excerpt(self.text().as_bytes())
    }

    /// The body as JSON, every string in it (decoded, so whatever escapes the server used)
    /// with the client's secrets replaced: fit to quote.
    pub fn json(&self) -> Result<Value, serde_json::Error> {
        let mut value: Value = serde_json::from_slice(&self.body)?;
        self.redactor.scrub_json(&mut value);
        Ok(value)
    }

    /// The body as it came, for reading the access token out of a token grant. Never quote
    /// or log it: it holds a secret the redactor does not know yet.
    pub fn secret_bytes(&self) -> &[u8] {
        &self.body
    }

    pub fn body_len(&self) -> usize {
        self.body.len()
    }

    /// How long a 429 asks to wait (numbers only, so nothing to redact).
    pub fn rate_limit_wait(&self, now_unix_secs: f64) -> Option<Duration> {
        rate_limit_wait(&self.headers, now_unix_secs)
    }
}

#[cfg(test)]
impl Reply {
    /// A reply without headers, for unit tests of the code that reads replies.
    pub fn for_test(status: u16, body: &str) -> Reply {
        Reply::for_test_with(status, &[], body, Arc::default())
    }

    /// A reply with headers, whose text is redacted by `redactor`.
    pub fn for_test_with(
        status: u16,
        headers: &[(&'static str, &str)],
        body: &str,
        redactor: Arc<Redactor>,
    ) -> Reply {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.insert(*name, value.parse().unwrap());
        }
        Reply::new(status, map, body.as_bytes().to_vec(), redactor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::CONTENT_TYPE;

    #[test]
    fn replies_are_read_through_the_redactor() {
        let redactor = Arc::new(Redactor::default());
        redactor.add("s3cr3t-token");
        let reply = Reply::for_test_with(
            302,
            &[
                ("location", "https://x.example/?t=s3cr3t-token"),
                ("content-type", "text/plain; s3cr3t-token"),
            ],
            r#"{"message":"echo s3cr3t-token","error":"s3cr3t-token"}"#,
            redactor,
        );
        assert_eq!(reply.location().unwrap(), "https://x.example/?t=[redacted]");
        assert_eq!(
            reply.header(CONTENT_TYPE).unwrap(),
            "text/plain; [redacted]"
        );
        assert!(!reply.text().contains("s3cr3t"), "{}", reply.text());
        assert!(!reply.excerpt().contains("s3cr3t"), "{}", reply.excerpt());
        let json = reply.json().unwrap();
        assert_eq!(json["message"], "echo [redacted]");
        assert_eq!(json["error"], "[redacted]");
        assert!(reply.is_redirect() && !reply.is_success());
    }
}
