//! Every CloudFormation template of the third-party corpora (see each folder's MANIFEST.md):
//! no panic, bounded time, a model or a diagnostic with a position for each file, and pinned
//! counts of what was read.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use passgraph_cfn::{Options, looks_like_template, parse};
use passgraph_model::{Account, Code, SourceMap};

const CORPORA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpora");

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else if matches!(
            p.extension().and_then(|x| x.to_str()),
            Some("json" | "yaml" | "yml" | "template")
        ) {
            out.push(p);
        }
    }
}

#[derive(Debug, Default, PartialEq, Eq)]
struct Counts {
    files: usize,
    templates: usize,
    by_code: BTreeMap<&'static str, usize>,
    roles: usize,
    users: usize,
    groups: usize,
    policies: usize,
    instance_profiles: usize,
    attachments: usize,
    memberships: usize,
    role_uses: usize,
    /// Statements of identity policies (inline and managed).
    statements: usize,
    /// Templates that give neither an entity nor a diagnostic (no IAM content at all).
    silent: Vec<String>,
    /// Files refused as a whole: (path below the folder, code, line).
    refused: Vec<(String, &'static str, u32)>,
}

fn count(folder: &str) -> Counts {
    let root = Path::new(CORPORA).join(folder);
    let mut files = Vec::new();
    walk(&root, &mut files);
    files.sort();
    let mut c = Counts::default();
    let options = Options::default();
    for path in files {
        let rel = path
            .strip_prefix(&root)
            .unwrap_or(&path)
            .display()
            .to_string();
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{rel}: {e}"));
        let text = passgraph_json::decode(&bytes)
            .unwrap_or_else(|| String::from_utf8_lossy(&bytes).into_owned());
        let mut sm = SourceMap::default();
        let id = sm.add(rel.clone(), text.as_str());
        let start = Instant::now();
        let is_template = looks_like_template(&text);
        let parsed = parse(id, &text, &options);
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "{rel} took {:?}",
            start.elapsed()
        );
        c.files += 1;
        c.templates += usize::from(is_template);
        for d in &parsed.diagnostics {
            let o = d
                .origin
                .as_ref()
                .unwrap_or_else(|| panic!("{rel}: a diagnostic without a position: {d:?}"));
            assert_eq!(o.file, id);
            let (s, e) = (o.range.start as usize, o.range.end as usize);
            assert!(
                s <= e && e <= text.len() && text.is_char_boundary(s),
                "{rel}: {d:?}"
            );
            assert!(
                !d.message.is_empty() && !d.message.ends_with('.'),
                "{rel}: {d:?}"
            );
            *c.by_code.entry(d.code.id()).or_default() += 1;
        }
        let refused = parsed
            .diagnostics
            .iter()
            .find(|d| matches!(d.code, Code::Syntax | Code::Limit | Code::NotAnInput));
        assert_eq!(
            is_template,
            refused.is_none(),
            "{rel}: detection and parsing disagree: {:?}",
            parsed.diagnostics
        );
        if let Some(d) = refused {
            assert!(
                parsed.account == Account::default(),
                "{rel}: a refused file gives no model"
            );
            c.refused.push((
                rel.clone(),
                d.code.id(),
                d.origin.as_ref().map_or(0, |o| sm.locate(o).line),
            ));
        }
        let a = &parsed.account;
        if refused.is_none() && parsed.diagnostics.is_empty() && *a == Account::default() {
            c.silent.push(rel.clone());
        }
        c.roles += a.roles.len();
        c.users += a.users.len();
        c.groups += a.groups.len();
        c.policies += a.policies.len();
        c.instance_profiles += a.instance_profiles.len();
        c.attachments += a.attachments.len();
        c.memberships += a.memberships.len();
        c.role_uses += a.role_uses.len();
        let inline = |v: &[passgraph_model::InlinePolicy]| {
            v.iter().map(|p| p.document.statements.len()).sum::<usize>()
        };
        c.statements += a.roles.iter().map(|r| inline(&r.inline)).sum::<usize>()
            + a.users.iter().map(|u| inline(&u.inline)).sum::<usize>()
            + a.groups.iter().map(|g| inline(&g.inline)).sum::<usize>()
            + a.policies
                .iter()
                .map(|p| p.document.statements.len())
                .sum::<usize>();
        if std::env::var_os("CFN_CORPUS_VERBOSE").is_some() {
            for d in &parsed.diagnostics {
                let l = d.origin.as_ref().map(|o| sm.locate(o));
                let (line, col) = l.as_ref().map_or((0, 0), |l| (l.line, l.column));
                eprintln!(
                    "{folder}/{rel}:{line}:{col}: {} {} {}",
                    d.level,
                    d.code.id(),
                    d.message
                );
            }
        }
    }
    c
}

fn codes(pairs: &[(&'static str, usize)]) -> BTreeMap<&'static str, usize> {
    pairs.iter().copied().collect()
}

fn names(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| (*s).to_owned()).collect()
}

fn refused(v: &[(&str, &'static str, u32)]) -> Vec<(String, &'static str, u32)> {
    v.iter()
        .map(|(p, c, l)| ((*p).to_owned(), *c, *l))
        .collect()
}

fn check(folder: &str, expected: Counts) {
    let got = count(folder);
    assert_eq!(got, expected, "{folder}");
}

#[test]
fn print_counts() {
    for f in [
        "aws-cfn-templates",
        "cfn-lint",
        "cfn-lint-v0",
        "cfn-policy-validator",
        "cfn_nag",
        "cfripper",
        "checkov/tests/cloudformation",
    ] {
        eprintln!("{f}: {:#?}", count(f));
    }
}
