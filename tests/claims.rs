//! Every claim of README.md's "Failure behaviour" names the tests that prove it, in the
//! table of tests/README.md or inline in the bullet (`` `tests/file.rs`: `test_name` ``),
//! and every test named there exists, is a test, and says in its doc comment which claim
//! it proves. A claim added without a test, or a test renamed, fails here.
#![forbid(unsafe_code)]

use std::path::Path;

const SECTION: &str = "## Failure behaviour";

/// A test named for a claim: (claim, file relative to the repository, test function).
#[derive(Debug, Clone, PartialEq)]
struct Named {
    claim: String,
    file: String,
    test: String,
    /// Named in tests/README.md's table, whose tests also name their claim; a test named
    /// inline in the bullet is linked from README itself.
    from_table: bool,
}

/// The bullets of README's "Failure behaviour": (bold lead, whole text of the bullet).
fn claims(readme: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut inside = false;
    for line in readme.lines() {
        if line.starts_with("## ") {
            inside = line.trim() == SECTION;
            continue;
        }
        if !inside {
            continue;
        }
        if let Some(rest) = line.strip_prefix("- **") {
            let lead = rest.split("**").next().unwrap_or_default().to_string();
            out.push((lead, line.to_string()));
        } else if line.starts_with("  ") {
            if let Some((_, text)) = out.last_mut() {
                text.push('\n');
                text.push_str(line);
            }
        }
    }
    out
}

/// Every test `text` names: `` `path.rs`: `name` `` (the table's form) or `path.rs: name,
/// other_name` (inline in a bullet), the path relative to the repository.
fn references(text: &str) -> Vec<(String, String)> {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find(".rs") {
        let start = rest[..at]
            .rfind(|c: char| !(ident(c) || c == '/' || c == '.' || c == '-'))
            .map_or(0, |i| i + 1);
        let path = &rest[start..at + 3];
        let mut tail = rest[at + 3..].trim_start_matches('`');
        rest = &rest[at + 3..];
        let Some(after) = tail.strip_prefix(':') else {
            continue;
        };
        tail = after;
        // One or more names, each maybe in backticks, separated by commas.
        loop {
            let t = tail.trim_start().trim_start_matches('`');
            let len = t.find(|c: char| !ident(c)).unwrap_or(t.len());
            if len == 0 || path.is_empty() {
                break;
            }
            out.push((path.to_string(), t[..len].to_string()));
            tail = t[len..].trim_start_matches('`');
            match tail.strip_prefix(',') {
                Some(more)
                    if more
                        .trim_start()
                        .starts_with(|c: char| c.is_ascii_lowercase() || c == '`') =>
                {
                    tail = more
                }
                _ => break,
            }
        }
        rest = tail;
    }
    out
}

/// The rows of the table in tests/README.md: `| claim | ref |`.
fn table(tests_readme: &str) -> Vec<Named> {
    tests_readme
        .lines()
        .filter_map(|l| {
            let cells: Vec<&str> = l.trim().trim_matches('|').split('|').collect();
            let [claim, reference] = cells[..] else {
                return None;
            };
            let (file, test) = references(reference).into_iter().next()?;
            Some(Named {
                claim: claim.trim().to_string(),
                file,
                test,
                from_table: true,
            })
        })
        .collect()
}

/// Why `named` does not prove its claim in `source`, if it does not: the function must
/// exist, carry a test attribute, and name the claim in its doc comment.
fn problem(named: &Named, source: Option<&str>) -> Option<String> {
    let Named {
        claim,
        file,
        test,
        from_table,
    } = named;
    let Some(source) = source else {
        return Some(format!("{file} (named for {claim:?}) does not exist"));
    };
    let lines: Vec<&str> = source.lines().collect();
    let signature = format!("fn {test}(");
    let Some(at) = lines.iter().position(|l| l.contains(&signature)) else {
        return Some(format!("{file} has no fn {test} (named for {claim:?})"));
    };
    // The attributes and comments right above the function.
    let above: Vec<&str> = lines[..at]
        .iter()
        .rev()
        .map(|l| l.trim())
        .take_while(|l| l.starts_with("#[") || l.starts_with("//"))
        .collect();
    if !above
        .iter()
        .any(|l| l.starts_with("#[test]") || l.starts_with("#[tokio::test"))
    {
        return Some(format!("{file}: {test} is not a test"));
    }
    let comment = above
        .iter()
        .filter(|l| l.starts_with("//"))
        .rev()
        .map(|l| l.trim_start_matches('/').trim())
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    if *from_table
        && !(comment.contains("failure behaviour") && comment.contains(&claim.to_lowercase()))
    {
        return Some(format!(
            "{file}: the doc comment of {test} does not say it proves README \"Failure \
             behaviour\", {claim:?}"
        ));
    }
    None
}

/// Every problem with the claims of `readme` and the table of `tests_readme`; `read`
/// gives a file's text by its path relative to the repository.
fn check(readme: &str, tests_readme: &str, read: &dyn Fn(&str) -> Option<String>) -> Vec<String> {
    let claims = claims(readme);
    let mut named = table(tests_readme);
    let mut problems = Vec::new();
    if claims.is_empty() {
        problems.push(format!("README.md has no bullets under {SECTION:?}"));
    }
    for row in &named {
        if !claims.iter().any(|(lead, _)| *lead == row.claim) {
            problems.push(format!(
                "tests/README.md names {} for {:?}, which is not a bullet of README's {SECTION:?}",
                row.test, row.claim
            ));
        }
    }
    for (lead, text) in &claims {
        named.extend(references(text).into_iter().map(|(file, test)| Named {
            claim: lead.clone(),
            file,
            test,
            from_table: false,
        }));
        if !named.iter().any(|n| n.claim == *lead) {
            problems.push(format!(
                "README's {SECTION:?} claims {lead:?} without a test: add a row to tests/README.md"
            ));
        }
    }
    for n in &named {
        problems.extend(problem(n, read(&n.file).as_deref()));
    }
    problems
}

fn repo_file(path: &str) -> Option<String> {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).ok()
}

#[test]
fn every_failure_claim_names_tests_that_exist() {
    let readme = repo_file("README.md").unwrap();
    let tests_readme = repo_file("tests/README.md").unwrap();
    assert!(claims(&readme).len() >= 10, "{:?}", claims(&readme));
    let problems = check(&readme, &tests_readme, &repo_file);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Positive control: the same check refuses a claim without a test, a row for a claim
/// README does not make, a renamed test, a function that is not a test, and a table's
/// test whose comment does not name its claim; and it accepts tests named inline in a
/// bullet, in either form.
#[test]
fn the_check_refuses_what_it_must() {
    let readme = "# x\n\n## Failure behaviour\n\n- **Tested** in the table.\n\
                  - **Inline** is proved by `tests/a.rs`: `inline_test`.\n\
                  - **Plain** is proved inline (tests/a.rs: inline_test, plain_test) and\n  \
                  (tests/a.rs: gone_test).\n\
                  - **Untested** has nothing.\n\n## Layout\n\n- **Not a claim**\n";
    let tests_readme = "| Claim | Test |\n|---|---|\n\
                        | Tested | `tests/a.rs`: `good_test` |\n\
                        | Tested | `tests/a.rs`: `renamed_test` |\n\
                        | Tested | `tests/a.rs`: `helper` |\n\
                        | Tested | `tests/a.rs`: `silent_test` |\n\
                        | Gone | `tests/a.rs`: `good_test` |\n\
                        | Tested | `tests/missing.rs`: `good_test` |\n";
    let a = "/// README \"Failure behaviour\", tested.\n#[test]\nfn good_test() {}\n\
             /// README \"Failure behaviour\": inline.\n#[tokio::test]\nasync fn inline_test() {}\n\
             /// README \"Failure behaviour\", tested.\nfn helper() {}\n\
             /// Says nothing of the claim.\n#[test]\nfn silent_test() {}\n\
             #[test]\nfn plain_test() {}\n";
    let read = |p: &str| (p == "tests/a.rs").then(|| a.to_string());
    let mut problems = check(readme, tests_readme, &read);
    problems.sort();
    let expected = [
        "README's \"## Failure behaviour\" claims \"Untested\" without a test: add a row to tests/README.md",
        "tests/README.md names good_test for \"Gone\", which is not a bullet of README's \"## Failure behaviour\"",
        "tests/a.rs has no fn renamed_test (named for \"Tested\")",
        "tests/a.rs has no fn gone_test (named for \"Plain\")",
        "tests/a.rs: helper is not a test",
        "tests/a.rs: the doc comment of good_test does not say it proves README \"Failure behaviour\", \"Gone\"",
        "tests/a.rs: the doc comment of silent_test does not say it proves README \"Failure behaviour\", \"Tested\"",
        "tests/missing.rs (named for \"Tested\") does not exist",
    ];
    let mut expected = expected.map(String::from).to_vec();
    expected.sort();
    assert_eq!(problems, expected);
}
