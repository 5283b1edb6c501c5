//! Dependency and code hygiene, checked offline:
//! - `cargo deny --offline check licenses bans` passes against deny.toml (permissive
//!   licenses only; one version each of tonic, prost, hyper, h2, rustls, tokio; no `*`
//!   requirements). cargo-deny must be installed (`scripts/setup.sh` does it); set
//!   TFAUTH0_SKIP_DENY=1 to skip that one test knowingly.
//! - every `unsafe` keyword in our sources is preceded within 3 lines by a `SAFETY:`
//!   comment saying why it is sound.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string())
}

#[test]
fn cargo_deny_licenses_and_bans() {
    if std::env::var("TFAUTH0_SKIP_DENY").as_deref() == Ok("1") {
        eprintln!("TFAUTH0_SKIP_DENY=1: cargo deny check skipped");
        return;
    }
    let installed = Command::new(cargo())
        .args(["deny", "--version"])
        .current_dir(root())
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    assert!(
        installed,
        "cargo-deny is not installed: run scripts/setup.sh (it installs the pinned \
         cargo-deny), or set TFAUTH0_SKIP_DENY=1 to skip this check"
    );

    // `--offline` is a global option (before `check`): cargo metadata runs offline and no
    // index is fetched; the licenses and bans checks never fetch the advisory database.
    let out = Command::new(cargo())
        .args([
            "deny",
            "--offline",
            "--workspace",
            "--color",
            "never",
            "check",
            "licenses",
            "bans",
        ])
        .current_dir(root())
        .output()
        .expect("running cargo deny");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "cargo deny --offline check licenses bans failed ({}); see deny.toml\n\
         --- stdout ---\n{stdout}\n--- stderr ---\n{stderr}",
        out.status
    );
}

/// The keyword, spelled so that this file does not contain it as a word itself.
const KEYWORD: &str = concat!("un", "safe");

/// One source line split into the code outside comments and literals, and the text of
/// the comments on it.
#[derive(Default)]
struct Line {
    code: String,
    comment: String,
}

#[derive(Clone, Copy, PartialEq)]
enum State {
    Code,
    LineComment,
    BlockComment(u32),
    Str,
    RawStr(usize),
}

/// A small Rust lexer, enough to tell code from comments, strings and char literals.
fn split_lines(src: &str) -> Vec<Line> {
    let chars: Vec<char> = src.chars().collect();
    let mut lines = vec![Line::default()];
    let mut state = State::Code;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '\n' {
            lines.push(Line::default());
            if state == State::LineComment {
                state = State::Code;
            }
            i += 1;
            continue;
        }
        let line = lines.last_mut().unwrap();
        match state {
            State::Code => {
                if c == '/' && next == Some('/') {
                    state = State::LineComment;
                    i += 2;
                    continue;
                }
                if c == '/' && next == Some('*') {
                    state = State::BlockComment(1);
                    i += 2;
                    continue;
                }
                if c == '"' {
                    state = State::Str;
                    line.code.push(' ');
                    i += 1;
                    continue;
                }
                // r"..", r#".."#, br"..": a raw string starts at `r` not inside a word.
                let ident_at = |k: Option<usize>| k.is_some_and(|k| is_ident(chars[k]));
                let raw_prefix = !ident_at(i.checked_sub(1))
                    || (chars[i - 1] == 'b' && !ident_at(i.checked_sub(2)));
                if c == 'r' && raw_prefix {
                    let mut j = i + 1;
                    while chars.get(j) == Some(&'#') {
                        j += 1;
                    }
                    if chars.get(j) == Some(&'"') {
                        state = State::RawStr(j - i - 1);
                        line.code.push(' ');
                        i = j + 1;
                        continue;
                    }
                }
                if c == '\'' {
                    // A char literal ('x', '\n', '\u{..}') rather than a lifetime ('a).
                    if next == Some('\\') {
                        let mut j = i + 3;
                        while j < chars.len() && chars[j] != '\'' && chars[j] != '\n' {
                            j += 1;
                        }
                        i = j + 1;
                        line.code.push(' ');
                        continue;
                    }
                    if chars.get(i + 2) == Some(&'\'') {
                        i += 3;
                        line.code.push(' ');
                        continue;
                    }
                }
                line.code.push(c);
                i += 1;
            }
            State::LineComment => {
                line.comment.push(c);
                i += 1;
            }
            State::BlockComment(depth) => {
                if c == '*' && next == Some('/') {
                    state = if depth == 1 {
                        State::Code
                    } else {
                        State::BlockComment(depth - 1)
                    };
                    i += 2;
                } else if c == '/' && next == Some('*') {
                    state = State::BlockComment(depth + 1);
                    i += 2;
                } else {
                    line.comment.push(c);
                    i += 1;
                }
            }
            State::Str => {
                if c == '\\' {
                    // Skip the escaped char, unless it is the newline of a continuation.
                    i += if next == Some('\n') { 1 } else { 2 };
                } else {
                    if c == '"' {
                        state = State::Code;
                    }
                    i += 1;
                }
            }
            State::RawStr(hashes) => {
                if c == '"' && (1..=hashes).all(|k| chars.get(i + k) == Some(&'#')) {
                    state = State::Code;
                    i += 1 + hashes;
                } else {
                    i += 1;
                }
            }
        }
    }
    lines
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn has_word(code: &str, word: &str) -> bool {
    code.match_indices(word).any(|(at, _)| {
        let before = code[..at].chars().next_back();
        let after = code[at + word.len()..].chars().next();
        !before.is_some_and(is_ident) && !after.is_some_and(is_ident)
    })
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `path:line` of every keyword occurrence with no `SAFETY:` comment on it or on one of
/// the 3 lines before it.
fn undocumented(path: &Path, src: &str) -> Vec<String> {
    let lines = split_lines(src);
    let mut bad = Vec::new();
    for (n, line) in lines.iter().enumerate() {
        if !has_word(&line.code, KEYWORD) {
            continue;
        }
        let justified = lines[n.saturating_sub(3)..=n]
            .iter()
            .any(|l| l.comment.contains("SAFETY:"));
        if !justified {
            bad.push(format!("{}:{}", path.display(), n + 1));
        }
    }
    bad
}

#[test]
fn every_unsafe_has_a_safety_comment() {
    let mut files = Vec::new();
    for dir in ["src", "tenant/src", "tests", "benches", "examples"] {
        rust_files(&root().join(dir), &mut files);
    }
    assert!(
        files.iter().any(|f| f.ends_with("src/lib.rs")),
        "source scan found no src/lib.rs under {}",
        root().display()
    );
    let mut bad = Vec::new();
    for file in &files {
        let src = std::fs::read_to_string(file).unwrap();
        let rel = file.strip_prefix(root()).unwrap_or(file);
        bad.extend(undocumented(rel, &src));
    }
    assert!(
        bad.is_empty(),
        "`{KEYWORD}` without a `// SAFETY: ...` comment (within the 3 lines before) saying \
         why it is sound:\n  {}",
        bad.join("\n  ")
    );
}

/// The scanner itself: it must find the keyword in code and only there.
#[test]
fn safety_scanner_self_check() {
    let p = Path::new("x.rs");
    let kw = KEYWORD;
    let flagged = format!("fn f() {{\n    let x = {kw} {{ g() }};\n}}\n");
    assert_eq!(undocumented(p, &flagged), vec!["x.rs:2"]);

    let documented = format!(
        "fn f() {{\n    // SAFETY: g has no preconditions.\n\n    let x = {kw} {{ g() }};\n}}\n"
    );
    assert!(undocumented(p, &documented).is_empty());

    let too_far = format!("// SAFETY: stale\n\n\n\n{kw} fn g() {{}}\n");
    assert_eq!(undocumented(p, &too_far), vec!["x.rs:5"]);

    let block = format!("/* SAFETY: fine */ impl Send for X {{}}\n{kw} impl Sync for X {{}}\n");
    assert!(undocumented(p, &block).is_empty());

    // Not code: comments, doc comments, strings, raw strings, identifiers containing it.
    let inert = format!(
        "// {kw} here\n/// {kw} here\n/* a\n {kw} b */\nlet s = \"{kw}\";\n\
         let r = r#\"{kw} \"quoted\"\"#;\nlet c = '\"'; let t = \"{kw} \\\" more\";\n\
         #![forbid({kw}_code)]\nfn not_{kw}() {{}}\nfn f<'a>(x: &'a str) {{}}\n"
    );
    assert!(
        undocumented(p, &inert).is_empty(),
        "{:?}",
        undocumented(p, &inert)
    );

    // After a lifetime and a char literal, code is code again.
    let after = format!("fn f<'a>(x: &'a u8) {{ let c = 'x'; let q = '\\''; {kw} {{ g() }} }}\n");
    assert_eq!(undocumented(p, &after), vec!["x.rs:1"]);
}
