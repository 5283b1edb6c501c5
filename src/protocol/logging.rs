//! Log lines Terraform understands: one JSON object per stderr line with `@level`,
//! `@message`, `@timestamp` (exactly `2006-01-02T15:04:05.000000Z07:00`) and `@module`.
//! Terraform shows them under `provider.terraform-provider-auth0` at their level.
//!
//! The level comes from `TF_LOG_PROVIDER`, else `TF_LOG`; unset means nothing is written,
//! which keeps a normal run free of formatting work. Panics are reported separately
//! (see [`install_panic_hook`]) so they reach the user whatever the level.

use std::fmt::Write as _;
use std::io::Write as _;

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::Context;
use tracing_subscriber::Layer;

/// Reads the level Terraform asked for. `JSON` is Terraform's alias for trace.
pub fn level_from_env(provider: Option<&str>, global: Option<&str>) -> Option<Level> {
    let raw = provider
        .filter(|v| !v.trim().is_empty())
        .or(global.filter(|v| !v.trim().is_empty()))?;
    match raw.trim().to_ascii_uppercase().as_str() {
        "TRACE" | "JSON" => Some(Level::TRACE),
        "DEBUG" => Some(Level::DEBUG),
        "INFO" => Some(Level::INFO),
        "WARN" => Some(Level::WARN),
        "ERROR" => Some(Level::ERROR),
        "OFF" => None,
        // Terraform treats an unknown value as TRACE.
        _ => Some(Level::TRACE),
    }
}

/// A tracing layer writing Terraform's JSON log lines to a writer (stderr in production).
pub struct TerraformJsonLayer<W> {
    max: Level,
    make_writer: W,
}

impl<W> TerraformJsonLayer<W>
where
    W: Fn() -> Box<dyn std::io::Write> + Send + Sync + 'static,
{
    pub fn new(max: Level, make_writer: W) -> Self {
        TerraformJsonLayer { max, make_writer }
    }
}

/// Installs the global subscriber for the provider process.
pub fn init_from_env() {
    let level = level_from_env(
        std::env::var("TF_LOG_PROVIDER").ok().as_deref(),
        std::env::var("TF_LOG").ok().as_deref(),
    );
    let Some(level) = level else { return };
    use tracing_subscriber::layer::SubscriberExt;
    let layer = TerraformJsonLayer::new(level, || Box::new(std::io::stderr()));
    let subscriber = tracing_subscriber::registry().with(layer);
    let _ = tracing::subscriber::set_global_default(subscriber);
}

/// `2006-01-02T15:04:05.000000Z07:00` with the local offset as Go prints it (`Z` for UTC).
pub fn timestamp(now: time::OffsetDateTime) -> String {
    let mut s = String::with_capacity(32);
    let _ = write!(
        s,
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}",
        now.year(),
        u8::from(now.month()),
        now.day(),
        now.hour(),
        now.minute(),
        now.second(),
        now.microsecond()
    );
    let off = now.offset();
    if off.is_utc() {
        s.push('Z');
    } else {
        let (h, m, _) = off.as_hms();
        let sign = if off.is_negative() { '-' } else { '+' };
        let _ = write!(s, "{sign}{:02}:{:02}", h.unsigned_abs(), m.unsigned_abs());
    }
    s
}

fn level_name(level: &Level) -> &'static str {
    match *level {
        Level::TRACE => "trace",
        Level::DEBUG => "debug",
        Level::INFO => "info",
        Level::WARN => "warn",
        Level::ERROR => "error",
    }
}

struct JsonFields {
    message: String,
    extra: serde_json::Map<String, serde_json::Value>,
}

impl Visit for JsonFields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let text = format!("{value:?}");
        if field.name() == "message" {
            self.message = text;
        } else {
            self.extra
                .insert(field.name().to_string(), serde_json::Value::String(text));
        }
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message = value.to_string();
        } else {
            self.extra.insert(
                field.name().to_string(),
                serde_json::Value::String(value.into()),
            );
        }
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.extra.insert(field.name().to_string(), value.into());
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.extra.insert(field.name().to_string(), value.into());
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.extra.insert(field.name().to_string(), value.into());
    }
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.extra.insert(field.name().to_string(), value.into());
    }
}

/// Formats one event as Terraform's JSON line (without the newline).
pub fn format_line(
    level: &Level,
    module: &str,
    message: String,
    extra: serde_json::Map<String, serde_json::Value>,
    now: time::OffsetDateTime,
) -> String {
    let mut obj = serde_json::Map::with_capacity(extra.len() + 4);
    obj.insert("@level".into(), level_name(level).into());
    obj.insert("@message".into(), message.into());
    obj.insert("@module".into(), module.into());
    obj.insert("@timestamp".into(), timestamp(now).into());
    for (k, v) in extra {
        // Terraform reserves the @ keys.
        let key = if k.starts_with('@') {
            format!("field{k}")
        } else {
            k
        };
        obj.insert(key, v);
    }
    serde_json::Value::Object(obj).to_string()
}

/// `tfauth0::auth0::client` -> `auth0.client`: short, stable module names.
fn module_of(target: &str) -> String {
    let t = target.strip_prefix("tfauth0::").unwrap_or(target);
    t.replace("::", ".")
}

impl<S, W> Layer<S> for TerraformJsonLayer<W>
where
    S: Subscriber,
    W: Fn() -> Box<dyn std::io::Write> + Send + Sync + 'static,
{
    fn enabled(&self, metadata: &tracing::Metadata<'_>, _ctx: Context<'_, S>) -> bool {
        // Our own code only: dependencies (hyper, h2, rustls) log at trace about bytes on
        // the wire, which is noise to a Terraform user.
        *metadata.level() <= self.max && metadata.target().starts_with("tfauth0")
    }

    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let mut fields = JsonFields {
            message: String::new(),
            extra: serde_json::Map::new(),
        };
        event.record(&mut fields);
        let meta = event.metadata();
        let now = time::OffsetDateTime::now_utc();
        let mut line = format_line(
            meta.level(),
            &module_of(meta.target()),
            fields.message,
            fields.extra,
            now,
        );
        line.push('\n');
        let mut w = (self.make_writer)();
        let _ = w.write_all(line.as_bytes());
        let _ = w.flush();
    }
}

/// Reports a panic the way Terraform's crash capture recognises (`panic: ` at the start of
/// a line, shown to the user as "The terraform-provider-auth0 plugin crashed!"), plus one
/// JSON error line for the log, then exits: a half-dead provider helps nobody.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let msg = if let Some(s) = info.payload().downcast_ref::<&str>() {
            (*s).to_string()
        } else if let Some(s) = info.payload().downcast_ref::<String>() {
            s.clone()
        } else {
            "unknown panic payload".to_string()
        };
        let location = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let json = format_line(
            &Level::ERROR,
            "panic",
            format!("provider panicked: {msg} at {location}"),
            serde_json::Map::new(),
            time::OffsetDateTime::now_utc(),
        );
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "{json}");
        let _ = writeln!(
            err,
            "panic: {msg}\n\nat {location}\nThis is a bug in terraform-provider-auth0; please report it with this output."
        );
        let _ = err.flush();
        std::process::exit(2);
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamp_has_go_shape() {
        let t = time::macros::datetime!(2026-11-29 05:13:36.123456 UTC);
        assert_eq!(timestamp(t), "2026-11-29T05:13:36.123456Z");
        let t = time::macros::datetime!(2026-01-02 03:04:05.000007 +01:30);
        assert_eq!(timestamp(t), "2026-01-02T03:04:05.000007+01:30");
        let t = time::macros::datetime!(2026-01-02 03:04:05 -05:00);
        assert_eq!(timestamp(t), "2026-01-02T03:04:05.000000-05:00");
    }

    #[test]
    fn level_precedence() {
        assert_eq!(
            level_from_env(Some("debug"), Some("ERROR")),
            Some(Level::DEBUG)
        );
        assert_eq!(level_from_env(None, Some("WARN")), Some(Level::WARN));
        assert_eq!(level_from_env(Some(""), Some("info")), Some(Level::INFO));
        assert_eq!(level_from_env(None, None), None);
        assert_eq!(level_from_env(Some("off"), Some("trace")), None);
        assert_eq!(level_from_env(Some("json"), None), Some(Level::TRACE));
    }

    #[test]
    fn line_is_json_with_required_keys() {
        let mut extra = serde_json::Map::new();
        extra.insert("status".into(), 200.into());
        extra.insert("@level".into(), "sneaky".into());
        let line = format_line(
            &Level::WARN,
            "auth0.client",
            "hello".into(),
            extra,
            time::macros::datetime!(2026-11-29 05:13:36 UTC),
        );
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["@level"], "warn");
        assert_eq!(v["@message"], "hello");
        assert_eq!(v["@module"], "auth0.client");
        assert_eq!(v["@timestamp"], "2026-11-29T05:13:36.000000Z");
        assert_eq!(v["status"], 200);
        assert_eq!(v["field@level"], "sneaky");
    }
}
