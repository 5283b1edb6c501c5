//! Two rules about the shape of `src/` that the compiler does not keep (DESIGN.md, "Rules
//! the tests keep"):
//!
//! - **Small files.** No file has more than [`MAX_CODE_LINES`] lines of code before its
//!   tests. A line of code is a line that holds something once comments (`//`, `///`,
//!   `/* */`) are removed; blank lines and comment lines do not count, the lines of a
//!   string literal do. "Before its tests" means above the file's `#[cfg(test)] mod
//!   tests`. A file declared `#[cfg(test)] mod x;` is tests as a whole: neither rule
//!   reads it.
//! - **No import circles.** The files form a graph: a file depends on the file that
//!   defines what it names, through a `use` (grouped `use a::{b, c::d}` included) or a
//!   path written in code (`crate::..`, `super::..`, `self::..`, or a module in scope).
//!   A path is followed through every `use` on its way, a parent's `pub use` re-export
//!   included, to the file where the name is no longer an import: so a child's `use
//!   super::Item` depends on the file that defines `Item`, not on the parent that
//!   re-exports it, and only an item the parent itself defines makes the child depend on
//!   the parent. A `use` that names a module (`use super::x;`, `{self}`) is no edge by
//!   itself; the paths written through it are. `mod x;` is no edge. This graph has no
//!   cycle at any level of the module tree ([`levels`]): a file and a directory module
//!   that import each other are a circle too. `main.rs` is its own crate (it names the library as `tfauth0::`), so it is
//!   counted for size only.
//!
//! The checker is plain text work over the sources (no compiler, no new dependency); the
//! controls at the bottom run it on small trees written here, so each rule is shown to
//! fail when it should.

#![forbid(unsafe_code)]

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::path::Path;

const MAX_CODE_LINES: usize = 500;

/// A module's path from its crate root: `["provider", "provider_config"]`.
type ModPath = Vec<String>;

// ---------------------------------------------------------------------------------------
// Reading a file: comments out, string contents masked, the tests cut off.

/// The source with comments removed and the contents of string and character literals
/// replaced by `x`, line breaks kept: what is left is code, and nothing in it that looks
/// like a path or a brace comes from text.
fn clean(text: &str) -> String {
    let c: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mask = |out: &mut String, ch: char| out.push(if ch == '\n' { '\n' } else { 'x' });
    let mut i = 0;
    while i < c.len() {
        let at = |k: usize| c.get(k).copied();
        if c[i] == '/' && at(i + 1) == Some('/') {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if c[i] == '/' && at(i + 1) == Some('*') {
            let mut depth = 0;
            while i < c.len() {
                if c[i] == '/' && at(i + 1) == Some('*') {
                    depth += 1;
                    i += 2;
                } else if c[i] == '*' && at(i + 1) == Some('/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    if c[i] == '\n' {
                        out.push('\n');
                    }
                    i += 1;
                }
            }
        } else if let Some(hashes) = raw_string_at(&c, i) {
            // r"..", r#".."#: the opening up to the quote, then the contents to the closing.
            while c[i] != '"' {
                out.push(c[i]);
                i += 1;
            }
            out.push('"');
            i += 1;
            let closes = |k: usize| c[k] == '"' && (1..=hashes).all(|h| at(k + h) == Some('#'));
            while i < c.len() && !closes(i) {
                mask(&mut out, c[i]);
                i += 1;
            }
            out.push('"');
            i += 1 + hashes;
        } else if c[i] == '"' {
            out.push('"');
            i += 1;
            while i < c.len() && c[i] != '"' {
                if c[i] == '\\' {
                    mask(&mut out, c[i]);
                    i += 1;
                }
                if i < c.len() {
                    mask(&mut out, c[i]);
                    i += 1;
                }
            }
            out.push('"');
            i += 1;
        } else if c[i] == '\'' && at(i + 1) == Some('\\') {
            // An escaped character: '\n', '\'', '\u{7f}'.
            out.push_str("'x");
            i += 3;
            while i < c.len() && c[i] != '\'' {
                i += 1;
            }
            out.push('\'');
            i += 1;
        } else if c[i] == '\'' && at(i + 2) == Some('\'') {
            out.push_str("'x'");
            i += 3;
        } else {
            // Code, a lifetime's quote included.
            out.push(c[i]);
            i += 1;
        }
    }
    out
}

/// At `i`, the start of a raw string (`r"`, `r#"`, `br"`, ...)? Its number of `#`s.
fn raw_string_at(c: &[char], i: usize) -> Option<usize> {
    let ident = |ch: char| ch.is_alphanumeric() || ch == '_';
    if i > 0 && ident(c[i - 1]) {
        return None;
    }
    let mut k = i;
    if matches!(c.get(k), Some('b' | 'c')) {
        k += 1;
    }
    if c.get(k) != Some(&'r') {
        return None;
    }
    k += 1;
    let hashes = c[k..].iter().take_while(|ch| **ch == '#').count();
    (c.get(k + hashes) == Some(&'"')).then_some(hashes)
}

/// The cleaned lines above the file's `#[cfg(test)] mod tests`.
fn before_tests(cleaned: &str) -> Vec<&str> {
    let lines: Vec<&str> = cleaned.lines().collect();
    let is_tests = |l: &str| {
        let l = l.trim();
        let l = l.strip_prefix("pub").map_or(l, |rest| {
            rest.trim_start()
                .strip_prefix('(')
                .and_then(|r| r.split_once(')'))
                .map_or(rest, |(_, after)| after)
                .trim_start()
        });
        // `mod tests {`, not `mod tests;` (a file of tests, see `without_test_files`).
        l.starts_with("mod tests") && !l.ends_with(';')
    };
    let end = (0..lines.len())
        .find(|&k| {
            lines[k].trim() == "#[cfg(test)]"
                && lines[k + 1..]
                    .iter()
                    .find(|l| !l.trim().is_empty())
                    .is_some_and(|l| is_tests(l))
        })
        .unwrap_or(lines.len());
    lines[..end].to_vec()
}

/// The module declared by a line such as `mod x;` or `pub(crate) mod x;`.
fn declared_module(line: &str) -> Option<&str> {
    let l = line.trim();
    let l = match l.strip_prefix("pub") {
        Some(rest) if rest.starts_with('(') => rest.split_once(')')?.1.trim_start(),
        Some(rest) => rest.trim_start(),
        None => l,
    };
    let name = l.strip_prefix("mod ")?.trim().strip_suffix(';')?.trim();
    name.chars()
        .all(|c| c.is_alphanumeric() || c == '_')
        .then_some(name)
}

/// The sources without the files of modules declared `#[cfg(test)] mod x;` (shared test
/// helpers, tests kept in their own file): they are tests, like a `mod tests` block.
fn without_test_files(sources: &[(String, String)]) -> Vec<(String, String)> {
    let mut test_modules: Vec<ModPath> = Vec::new();
    for (path, text) in sources {
        let cleaned = clean(text);
        let lines: Vec<&str> = cleaned.lines().collect();
        for (k, line) in lines.iter().enumerate() {
            let next = lines[k + 1..].iter().find(|l| !l.trim().is_empty());
            if let (true, Some(name)) = (
                line.trim() == "#[cfg(test)]",
                next.and_then(|l| declared_module(l)),
            ) {
                test_modules.push(child(&module_of(path), name));
            }
        }
    }
    sources
        .iter()
        .filter(|(path, _)| {
            let m = module_of(path);
            !test_modules.iter().any(|t| m.starts_with(t))
        })
        .cloned()
        .collect()
}

fn code_lines(lines: &[&str]) -> usize {
    lines.iter().filter(|l| !l.trim().is_empty()).count()
}

// ---------------------------------------------------------------------------------------
// What a file says about modules: its inline modules, its imports, the paths in its code.

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Ident(String),
    PathSep,
    Punct(char),
}

/// Tokens of cleaned code, each with its line (1-based).
fn tokens(code: &str) -> Vec<(Tok, usize)> {
    let c: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let (mut i, mut line) = (0, 1);
    while i < c.len() {
        let ch = c[i];
        if ch == '\n' {
            line += 1;
            i += 1;
        } else if ch.is_whitespace() {
            i += 1;
        } else if ch.is_alphanumeric() || ch == '_' {
            let start = i;
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                i += 1;
            }
            let word: String = c[start..i].iter().collect();
            // r#ident is the identifier `ident`.
            if word == "r" && c.get(i) == Some(&'#') {
                i += 1;
                continue;
            }
            out.push((Tok::Ident(word), line));
        } else if ch == ':' && c.get(i + 1) == Some(&':') {
            out.push((Tok::PathSep, line));
            i += 2;
        } else {
            out.push((Tok::Punct(ch), line));
            i += 1;
        }
    }
    out
}

/// One name a `use` brings into scope: the path it names (`self` leaves folded into
/// their module's path), the name it binds (None for `_` and globs), and its line.
#[derive(Clone, Debug)]
struct Import {
    module: ModPath,
    path: Vec<String>,
    binds: Option<String>,
    glob: bool,
    line: usize,
}

/// A path written in code (not in a `use`), and where.
#[derive(Clone, Debug)]
struct Written {
    module: ModPath,
    path: Vec<String>,
    line: usize,
}

#[derive(Default, Debug)]
struct FileFacts {
    /// Inline modules (`mod x { .. }`), as paths from the crate root.
    inline_modules: Vec<ModPath>,
    imports: Vec<Import>,
    written: Vec<Written>,
}

fn ident(t: Option<&(Tok, usize)>) -> Option<&str> {
    match t {
        Some((Tok::Ident(s), _)) => Some(s),
        _ => None,
    }
}

/// Walks the tokens of the code before the tests of the file whose module is `module`.
fn facts(module: &ModPath, code: &str) -> FileFacts {
    let toks = tokens(code);
    let mut f = FileFacts::default();
    // Inline modules open around the cursor: (name, brace depth inside it).
    let mut open: Vec<(String, usize)> = Vec::new();
    let mut depth = 0;
    let here = |open: &[(String, usize)]| {
        let mut m = module.clone();
        m.extend(open.iter().map(|(n, _)| n.clone()));
        m
    };
    let mut i = 0;
    while i < toks.len() {
        match &toks[i].0 {
            Tok::Punct('{') => depth += 1,
            Tok::Punct('}') => {
                depth -= 1;
                if open.last().is_some_and(|(_, d)| *d > depth) {
                    open.pop();
                }
            }
            Tok::Ident(w) if w == "mod" => {
                if let (Some(name), Some((Tok::Punct('{'), _))) =
                    (ident(toks.get(i + 1)), toks.get(i + 2))
                {
                    open.push((name.to_string(), depth + 1));
                    f.inline_modules.push(here(&open));
                }
            }
            Tok::Ident(w) if w == "use" => {
                let end = (i..toks.len())
                    .find(|&k| toks[k].0 == Tok::Punct(';'))
                    .unwrap_or(toks.len());
                let mut leaves = Vec::new();
                use_tree(&toks[i + 1..end], Vec::new(), &mut leaves);
                for (path, binds, glob) in leaves {
                    f.imports.push(Import {
                        module: here(&open),
                        path,
                        binds,
                        glob,
                        line: toks[i].1,
                    });
                }
                i = end;
                continue;
            }
            // The first segment of a path (`a::b`, not the `b` of it).
            Tok::Ident(_) if starts_path(&toks, i) => {
                let mut path = Vec::new();
                let mut k = i;
                while let Some(seg) = ident(toks.get(k)) {
                    path.push(seg.to_string());
                    if toks.get(k + 1).map(|t| &t.0) != Some(&Tok::PathSep) {
                        break;
                    }
                    k += 2;
                }
                f.written.push(Written {
                    module: here(&open),
                    path,
                    line: toks[i].1,
                });
                i = k + 1;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    f
}

fn starts_path(toks: &[(Tok, usize)], i: usize) -> bool {
    let sep = |k: usize| toks.get(k).map(|t| &t.0) == Some(&Tok::PathSep);
    (i == 0 || !sep(i - 1)) && sep(i + 1)
}

/// The leaves of a use tree: `a::{b, c::{self as d, *}}` gives `a::b`, `a::c` (as `d`)
/// and the glob `a::c::*`.
fn use_tree(
    toks: &[(Tok, usize)],
    prefix: Vec<String>,
    out: &mut Vec<(Vec<String>, Option<String>, bool)>,
) {
    let mut path = prefix;
    let mut i = 0;
    if toks.first().map(|t| &t.0) == Some(&Tok::PathSep) {
        i += 1;
    }
    while i < toks.len() {
        match &toks[i].0 {
            Tok::Ident(seg) if seg != "as" => {
                path.push(seg.clone());
                i += 1;
            }
            Tok::PathSep => i += 1,
            Tok::Punct('*') => {
                out.push((path, None, true));
                return;
            }
            Tok::Punct('{') => {
                // Split the group at its top-level commas.
                let mut level = 0;
                let mut start = i + 1;
                for k in i..toks.len() {
                    match toks[k].0 {
                        Tok::Punct('{') => level += 1,
                        Tok::Punct('}') | Tok::Punct(',') if level == 1 => {
                            if k > start {
                                use_tree(&toks[start..k], path.clone(), out);
                            }
                            start = k + 1;
                            if toks[k].0 == Tok::Punct('}') {
                                return;
                            }
                        }
                        Tok::Punct('}') => level -= 1,
                        _ => {}
                    }
                }
                return;
            }
            _ => break,
        }
    }
    let alias = match (&toks.get(i).map(|t| &t.0), ident(toks.get(i + 1))) {
        (Some(Tok::Ident(a)), Some(name)) if a == "as" => Some(name.to_string()),
        _ => None,
    };
    if path.last().map(String::as_str) == Some("self") {
        path.pop();
    }
    let binds = match alias {
        Some(a) if a == "_" => None,
        Some(a) => Some(a),
        None => path.last().cloned(),
    };
    out.push((path, binds, false));
}

// ---------------------------------------------------------------------------------------
// Resolving paths to files, and the graph.

#[derive(Clone, Debug, PartialEq)]
enum Resolved {
    Module(ModPath),
    /// An item found in this module (defined there, or named from outside the crate).
    Item(ModPath),
}

struct Crate {
    /// Every module and the file that holds it.
    files: BTreeMap<ModPath, String>,
    /// What each `use` binds, per module: name -> the import.
    bindings: HashMap<(ModPath, String), Import>,
    facts: BTreeMap<String, (ModPath, FileFacts)>,
}

/// How far a path may be followed through imports before the checker gives up on it
/// (an import that names itself would otherwise loop).
const MAX_HOPS: usize = 32;

impl Crate {
    fn new(sources: &[(String, String)]) -> Crate {
        let mut files = BTreeMap::new();
        let mut facts_by_file = BTreeMap::new();
        for (path, text) in sources.iter().filter(|(p, _)| p != "main.rs") {
            let module = module_of(path);
            let cleaned = clean(text);
            let f = facts(&module, &before_tests(&cleaned).join("\n"));
            files.insert(module.clone(), path.clone());
            for m in &f.inline_modules {
                files.insert(m.clone(), path.clone());
            }
            facts_by_file.insert(path.clone(), (module, f));
        }
        let mut bindings = HashMap::new();
        for (_, f) in facts_by_file.values() {
            for imp in &f.imports {
                if let Some(name) = &imp.binds {
                    bindings.insert((imp.module.clone(), name.clone()), imp.clone());
                }
            }
        }
        Crate {
            files,
            bindings,
            facts: facts_by_file,
        }
    }

    /// Where `path`, written in module `from`, leads; None for other crates.
    fn resolve_from(&self, from: &ModPath, path: &[String], hops: usize) -> Option<Resolved> {
        let (first, rest) = path.split_first()?;
        match first.as_str() {
            "crate" => self.resolve(Vec::new(), rest, hops),
            "self" | "super" => self.resolve(from.clone(), path, hops),
            _ if self.files.contains_key(&child(from, first))
                || self.bindings.contains_key(&(from.clone(), first.clone())) =>
            {
                self.resolve(from.clone(), path, hops)
            }
            _ => None,
        }
    }

    /// Where the segments lead from module `at`.
    fn resolve(&self, at: ModPath, segs: &[String], hops: usize) -> Option<Resolved> {
        let Some((seg, rest)) = segs.split_first() else {
            return Some(Resolved::Module(at));
        };
        if hops > MAX_HOPS {
            return None;
        }
        match seg.as_str() {
            "self" => return self.resolve(at, rest, hops),
            "super" => {
                let mut parent = at;
                parent.pop();
                return self.resolve(parent, rest, hops);
            }
            _ => {}
        }
        let sub = child(&at, seg);
        if self.files.contains_key(&sub) {
            return self.resolve(sub, rest, hops);
        }
        if let Some(imp) = self.bindings.get(&(at.clone(), seg.clone())) {
            let mut through = imp.path.clone();
            through.extend(rest.iter().cloned());
            return self.resolve_from(&imp.module, &through, hops + 1);
        }
        Some(Resolved::Item(at))
    }

    /// The file a path in `from` depends on: None for other crates, for a module named
    /// only as a module, and for the file itself.
    fn target(&self, from: &ModPath, path: &[String], glob: bool) -> Option<&String> {
        match self.resolve_from(from, path, 0)? {
            Resolved::Item(m) => self.file_of(&m),
            Resolved::Module(m) if glob => self.file_of(&m),
            Resolved::Module(_) => None,
        }
    }

    fn file_of(&self, m: &ModPath) -> Option<&String> {
        self.files.get(m)
    }

    /// file -> file it depends on -> the first line that says so.
    fn edges(&self) -> Graph {
        let mut edges = Graph::new();
        for (file, (_, f)) in &self.facts {
            let named = f
                .imports
                .iter()
                .map(|i| (&i.module, &i.path, i.glob, i.line))
                .chain(
                    f.written
                        .iter()
                        .map(|w| (&w.module, &w.path, false, w.line)),
                );
            for (module, path, glob, line) in named {
                if let Some(to) = self.target(module, path, glob).filter(|to| *to != file) {
                    let first = edges.entry(file.clone()).or_default();
                    let seen = first.entry(to.clone()).or_insert((file.clone(), line));
                    seen.1 = seen.1.min(line);
                }
            }
        }
        edges
    }
}

/// node -> node it depends on -> the file and line that say so.
type Graph = BTreeMap<String, BTreeMap<String, (String, usize)>>;

/// The file graph seen from each module: an edge between two files is an edge between
/// the two children of their closest common module that hold them (a directory's
/// `mod.rs` standing for itself beside its children). So `a.rs -> d/x.rs` and
/// `d/y.rs -> a.rs` are the cycle `a.rs -> d/ -> a.rs`: a directory module and a file
/// that import each other are a circle even when no single file of the directory is in
/// it. Every cycle between files is also a cycle at some level.
fn levels(files: &Graph) -> BTreeMap<ModPath, Graph> {
    let mut out: BTreeMap<ModPath, Graph> = BTreeMap::new();
    for (from, to) in files {
        for (target, evidence) in to {
            let (a, b) = (module_of(from), module_of(target));
            let common: ModPath = a
                .iter()
                .zip(&b)
                .take_while(|(x, y)| x == y)
                .map(|(x, _)| x.clone())
                .collect();
            let node = |file: &String, m: &ModPath| -> String {
                match m.get(common.len()) {
                    None => file.clone(),
                    Some(_) if m.len() == common.len() + 1 && !file.ends_with("mod.rs") => {
                        file.clone()
                    }
                    Some(c) => format!("{}/", child(&common, c).join("/")),
                }
            };
            let (x, y) = (node(from, &a), node(target, &b));
            let level = out.entry(common.clone()).or_default().entry(x).or_default();
            let seen = level.entry(y).or_insert_with(|| evidence.clone());
            if evidence < seen {
                *seen = evidence.clone();
            }
        }
    }
    out
}

fn child(m: &ModPath, name: &str) -> ModPath {
    let mut c = m.clone();
    c.push(name.to_string());
    c
}

/// `provider/provider_config/mod.rs` -> `["provider", "provider_config"]`.
fn module_of(path: &str) -> ModPath {
    let mut segs: Vec<String> = path
        .trim_end_matches(".rs")
        .split('/')
        .map(String::from)
        .collect();
    if matches!(segs.last().map(String::as_str), Some("mod" | "lib")) {
        segs.pop();
    }
    segs
}

/// A cycle: its nodes, the first one again at the end, and for each step the file and
/// line that make it.
#[derive(Debug)]
struct Cycle {
    nodes: Vec<String>,
    steps: Vec<(String, usize)>,
}

/// The cycles of a graph: for each edge on a cycle, the shortest cycle through it, unless
/// a cycle listed before already shows that edge; so every circular import is named,
/// and none twice.
fn cycles(edges: &Graph) -> Vec<Cycle> {
    let mut shown: BTreeSet<(String, String)> = BTreeSet::new();
    let mut found = Vec::new();
    for (from, to) in edges {
        for target in to.keys() {
            if shown.contains(&(from.clone(), target.clone())) {
                continue;
            }
            let Some(back) = shortest_path(edges, target, from) else {
                continue;
            };
            let nodes: Vec<String> = std::iter::once(from.clone()).chain(back).collect();
            let steps = nodes
                .windows(2)
                .map(|w| edges[&w[0]][&w[1]].clone())
                .collect();
            shown.extend(nodes.windows(2).map(|w| (w[0].clone(), w[1].clone())));
            found.push(Cycle { nodes, steps });
        }
    }
    found
}

/// The shortest path from `start` to `goal`, both included, breadth first.
fn shortest_path(edges: &Graph, start: &String, goal: &String) -> Option<Vec<String>> {
    let mut came_from: BTreeMap<&String, &String> = BTreeMap::new();
    let mut queue = VecDeque::from([start]);
    while let Some(n) = queue.pop_front() {
        if n == goal {
            let mut path = vec![n.clone()];
            while let Some(prev) = came_from.get(path.last().unwrap()) {
                path.push((*prev).clone());
            }
            path.reverse();
            return Some(path);
        }
        for next in edges.get(n).into_iter().flat_map(|t| t.keys()) {
            if next != start && !came_from.contains_key(next) {
                came_from.insert(next, n);
                queue.push_back(next);
            }
        }
    }
    None
}

// ---------------------------------------------------------------------------------------
// The checks.

/// What the rules find wrong in a tree of sources (paths relative to `src/`).
#[derive(Debug, Default)]
struct Findings {
    /// Files over the limit, with their lines of code before their tests.
    long_files: Vec<(String, usize)>,
    /// Each cycle, at each level of the module tree.
    cycles: Vec<Cycle>,
}

fn check(sources: &[(String, String)]) -> Findings {
    let sources = &without_test_files(sources);
    let long_files = sources
        .iter()
        .map(|(path, text)| (path.clone(), code_lines(&before_tests(&clean(text)))))
        .filter(|(_, n)| *n > MAX_CODE_LINES)
        .collect();
    let files = Crate::new(sources).edges();
    Findings {
        long_files,
        cycles: levels(&files).values().flat_map(cycles).collect(),
    }
}

/// A cycle as a person reads it: the nodes in order, then each step's line.
fn describe(cycle: &Cycle, sources: &[(String, String)]) -> String {
    let mut s = cycle.nodes.join(" → ");
    for (file, line) in &cycle.steps {
        let text = sources
            .iter()
            .find(|(p, _)| p == file)
            .and_then(|(_, t)| t.lines().nth(line - 1))
            .unwrap_or("");
        s.push_str(&format!("\n    src/{file}:{line}: {}", text.trim()));
    }
    s
}

fn read_tree(root: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.push((rel, std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    out.sort();
    out
}

fn src() -> Vec<(String, String)> {
    read_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"))
}

#[test]
fn no_file_in_src_has_more_than_500_lines_of_code_before_its_tests() {
    let sources = src();
    assert!(
        sources.len() > 10,
        "src/ not found: {} files",
        sources.len()
    );
    let found = check(&sources);
    let listed: Vec<String> = found
        .long_files
        .iter()
        .map(|(f, n)| format!("src/{f}: {n} lines of code before its tests"))
        .collect();
    assert!(
        listed.is_empty(),
        "files over {MAX_CODE_LINES} lines of code (non-blank, non-comment lines above \
         `#[cfg(test)] mod tests`); split them along their seams:\n{}",
        listed.join("\n")
    );
}

#[test]
fn no_import_circle_between_files_in_src() {
    let sources = src();
    // The graph is read: most files import from another (a checker that resolved
    // nothing would pass).
    let edges = Crate::new(&without_test_files(&sources)).edges();
    assert!(
        edges.len() * 2 > sources.len(),
        "only {} of {} files have a resolved import: {edges:#?}",
        edges.len(),
        sources.len()
    );
    let found: Vec<String> = check(&sources)
        .cycles
        .iter()
        .map(|c| describe(c, &sources))
        .collect();
    assert!(
        found.is_empty(),
        "import circles in src/ (each: the files or directory modules, then the line \
         that makes each step):\n{}",
        found.join("\n")
    );
}

// ---------------------------------------------------------------------------------------
// Controls: the checker on trees written here.

fn tree(files: &[(&str, &str)]) -> Vec<(String, String)> {
    files
        .iter()
        .map(|(p, t)| (p.to_string(), t.to_string()))
        .collect()
}

fn cycle_files(f: &Findings) -> Vec<Vec<String>> {
    f.cycles.iter().map(|c| c.nodes.clone()).collect()
}

#[test]
fn control_a_cycle_between_two_files_is_named_with_its_lines() {
    let sources = tree(&[
        ("lib.rs", "mod a;\nmod b;\n"),
        ("a.rs", "use crate::b::B;\npub struct A;\n"),
        (
            "b.rs",
            "//! b\n\npub struct B;\nfn f() -> super::a::A { todo!() }\n",
        ),
    ]);
    let found = check(&sources);
    assert_eq!(cycle_files(&found), vec![vec!["a.rs", "b.rs", "a.rs"]]);
    let text = describe(&found.cycles[0], &sources);
    assert!(text.contains("src/a.rs:1: use crate::b::B;"), "{text}");
    assert!(text.contains("src/b.rs:4: fn f() -> super::a::A"), "{text}");
    // Positive control: b without the path back.
    let acyclic = tree(&[
        ("lib.rs", "mod a;\nmod b;\n"),
        ("a.rs", "use crate::b::B;\npub struct A;\n"),
        ("b.rs", "pub struct B;\n"),
    ]);
    let found = check(&acyclic);
    assert!(
        found.cycles.is_empty() && found.long_files.is_empty(),
        "{found:?}"
    );
    assert_eq!(
        Crate::new(&acyclic).edges()["a.rs"]
            .keys()
            .collect::<Vec<_>>(),
        ["b.rs"]
    );
}

#[test]
fn control_grouped_imports_and_longer_cycles_are_followed() {
    let sources = tree(&[
        ("lib.rs", "pub mod x;\npub mod y;\n"),
        ("x/mod.rs", "pub mod p;\npub mod q;\n"),
        (
            "x/p.rs",
            "use crate::{x::{self, q::{Q, R as S}}, y::*};\npub struct P;\n",
        ),
        ("x/q.rs", "pub struct Q; pub struct R;\n"),
        ("y.rs", "pub fn y() { let _ = super::x::p::P; }\n"),
    ]);
    let edges = Crate::new(&sources).edges();
    assert_eq!(
        edges["x/p.rs"].keys().collect::<Vec<_>>(),
        ["x/q.rs", "y.rs"]
    );
    assert_eq!(cycles(&edges)[0].nodes, ["x/p.rs", "y.rs", "x/p.rs"]);
    // Seen from the root, x/ and y.rs import each other.
    assert_eq!(
        cycle_files(&check(&sources)),
        vec![vec!["x/", "y.rs", "x/"]]
    );
    // Three files round: p -> q -> r -> p.
    let sources = tree(&[
        ("lib.rs", "pub mod x;\n"),
        ("x/mod.rs", "pub mod p;\npub mod q;\npub mod r;\n"),
        ("x/p.rs", "use self::super::q::Q;\npub struct P;\n"),
        ("x/q.rs", "use crate::x::r::R;\npub struct Q;\n"),
        ("x/r.rs", "pub struct R(super::p::P);\n"),
    ]);
    assert_eq!(
        cycle_files(&check(&sources)),
        vec![vec!["x/p.rs", "x/q.rs", "x/r.rs", "x/p.rs"]]
    );
}

#[test]
fn control_a_directory_and_a_file_that_import_each_other_are_a_circle() {
    // a.rs uses d/x.rs and d/y.rs uses a.rs: no file is in a cycle, the modules a and d
    // are.
    let sources = tree(&[
        ("lib.rs", "mod a;\nmod d;\n"),
        ("a.rs", "use crate::d::X;\npub struct A;\n"),
        ("d/mod.rs", "mod x;\nmod y;\npub use x::X;\n"),
        ("d/x.rs", "pub struct X;\n"),
        ("d/y.rs", "use crate::a::A;\n"),
    ]);
    assert!(cycles(&Crate::new(&sources).edges()).is_empty());
    let found = check(&sources);
    assert_eq!(cycle_files(&found), vec![vec!["a.rs", "d/", "a.rs"]]);
    let text = describe(&found.cycles[0], &sources);
    assert!(text.contains("src/a.rs:1: use crate::d::X;"), "{text}");
    assert!(text.contains("src/d/y.rs:1: use crate::a::A;"), "{text}");
    // Positive control: d/y.rs without the import.
    let mut acyclic = sources.clone();
    acyclic[4].1 = "pub struct Y;\n".into();
    assert!(check(&acyclic).cycles.is_empty());
}

#[test]
fn control_re_exports_lead_to_the_defining_file() {
    // A façade: the parent re-exports its children, a child names its sibling's item
    // through the parent. No cycle, and the edge goes to the sibling.
    let facade = [
        ("lib.rs", "pub mod p;\n"),
        (
            "p/mod.rs",
            "mod c1;\nmod c2;\npub use c1::X;\npub use c2::{Y, Z};\n",
        ),
        ("p/c1.rs", "use super::Y;\npub struct X;\n"),
        ("p/c2.rs", "pub struct Y; pub struct Z;\n"),
    ];
    let sources = tree(&facade);
    assert!(check(&sources).cycles.is_empty());
    let edges = Crate::new(&sources).edges();
    assert_eq!(edges["p/c1.rs"].keys().collect::<Vec<_>>(), ["p/c2.rs"]);
    // From outside, through two re-exports: `crate::q::X` -> p/mod.rs -> c1.
    let mut outside = facade.to_vec();
    outside[0] = ("lib.rs", "pub mod p;\npub mod q;\n");
    outside.push(("q.rs", "pub use crate::p::X;\nfn f(_: crate::q::X) {}\n"));
    let edges = Crate::new(&tree(&outside)).edges();
    assert_eq!(edges["q.rs"].keys().collect::<Vec<_>>(), ["p/c1.rs"]);
    // An item the parent defines itself, used by a child the parent uses: a cycle.
    let mut own = facade.to_vec();
    own[1] = (
        "p/mod.rs",
        "mod c1;\nmod c2;\npub use c1::X;\npub use c2::{Y, Z};\npub struct W(X);\n",
    );
    own[3] = ("p/c2.rs", "use super::W;\npub struct Y; pub struct Z;\n");
    assert_eq!(
        cycle_files(&check(&tree(&own))),
        vec![
            vec!["p/c1.rs", "p/c2.rs", "p/mod.rs", "p/c1.rs"],
            vec!["p/mod.rs", "p/c2.rs", "p/mod.rs"]
        ]
    );
}

#[test]
fn control_comments_strings_and_tests_are_not_imports() {
    let sources = tree(&[
        ("lib.rs", "mod a;\nmod b;\n"),
        ("a.rs", "use crate::b::B;\npub struct A;\n"),
        (
            "b.rs",
            "// use crate::a::A;\n/* crate::a::A */\nconst S: &str = \"crate::a::A\";\n\
             const R: &str = r#\"use crate::a::A;\"#;\nconst C: char = '{';\n\
             pub struct B<'a>(&'a str);\n\
             #[cfg(test)]\nmod tests {\n    use crate::a::A;\n}\n",
        ),
    ]);
    let found = check(&sources);
    assert!(found.cycles.is_empty(), "{found:?}");
    // Positive control: the same line as code makes the cycle.
    let sources = tree(&[
        ("lib.rs", "mod a;\nmod b;\n"),
        ("a.rs", "use crate::b::B;\npub struct A;\n"),
        (
            "b.rs",
            "const C: char = '{';\npub struct B<'a>(&'a str);\nuse crate::a::A;\n",
        ),
    ]);
    assert_eq!(cycle_files(&check(&sources)).len(), 1);
}

#[test]
fn control_files_declared_for_tests_are_tests() {
    // r/tests.rs, a test module in its own file, imports reg.rs, which imports r/.
    let with = |declaration: &str| {
        let r = format!("pub mod adapters;\n{declaration}\n");
        check(&tree(&[
            ("lib.rs", "mod r;\nmod reg;\n"),
            ("r/mod.rs", &r),
            ("r/adapters.rs", "pub struct Rpc;\n"),
            ("r/tests.rs", "use crate::reg::Registry;\n"),
            (
                "reg.rs",
                "use crate::r::adapters::Rpc;\npub struct Registry;\n",
            ),
        ]))
    };
    let found = with("#[cfg(test)]\nmod tests;");
    assert!(found.cycles.is_empty(), "{found:?}");
    // Positive control: the same file as library code closes the circle.
    let found = with("mod tests;");
    assert_eq!(cycle_files(&found), vec![vec!["r/", "reg.rs", "r/"]]);
}

#[test]
fn control_an_over_long_file_is_named_with_its_count() {
    let code = |n: usize| {
        (0..n)
            .map(|k| format!("const C{k}: u32 = {k};\n"))
            .collect::<String>()
    };
    // 500 lines of code, with comments, blank lines and a long test module: within.
    let at_limit = format!(
        "//! docs\n\n{}/* a\n block */\n\n#[cfg(test)]\nmod tests {{\n{}}}\n",
        code(MAX_CODE_LINES),
        code(600)
    );
    // One more line of code, a string line: over.
    let over = format!("{}const S: &str = \"a\n b\";\n", code(MAX_CODE_LINES - 1));
    let sources = tree(&[
        ("lib.rs", "mod a;\nmod b;\n"),
        ("a.rs", &at_limit),
        ("b.rs", &over),
    ]);
    let found = check(&sources);
    assert_eq!(
        found.long_files,
        vec![("b.rs".to_string(), MAX_CODE_LINES + 1)]
    );
    assert!(found.cycles.is_empty());
}
