//! Every CloudFormation template of the third-party corpora: no panic, a model or a diagnostic
//! with a position for each file, and pinned counts.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use passgraph_cfn::{Options, looks_like_template, parse};
use passgraph_model::{Code, SourceMap};

const CORPORA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpora");

/// The folders that hold CloudFormation templates (see each MANIFEST.md).
const FOLDERS: &[&str] = &[
    "aws-cfn-templates",
    "cfn-lint",
    "cfn-lint-v0",
    "cfn-policy-validator",
    "cfn_nag",
    "cfripper",
    "checkov/tests/cloudformation",
];

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
    statements: usize,
}

fn count(folder: &str) -> Counts {
    let mut files = Vec::new();
    walk(&Path::new(CORPORA).join(folder), &mut files);
    files.sort();
    let mut c = Counts::default();
    let options = Options::default();
    for path in files {
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let text = passgraph_json::decode(&bytes)
            .unwrap_or_else(|| String::from_utf8_lossy(&bytes).into_owned());
        let mut sm = SourceMap::default();
        let id = sm.add(path.display().to_string(), text.as_str());
        let start = Instant::now();
        let is_template = looks_like_template(&text);
        let parsed = parse(id, &text, &options);
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "{} took {:?}",
            path.display(),
            start.elapsed()
        );
        c.files += 1;
        c.templates += usize::from(is_template);
        for d in &parsed.diagnostics {
            let origin = d
                .origin
                .as_ref()
                .unwrap_or_else(|| panic!("{}: diagnostic without origin: {d:?}", path.display()));
            assert_eq!(origin.file, id);
            assert!(
                origin.range.start <= origin.range.end && origin.range.end as usize <= text.len(),
                "{}: {d:?}",
                path.display()
            );
            assert!(
                text.is_char_boundary(origin.range.start as usize),
                "{}: {d:?}",
                path.display()
            );
            *c.by_code.entry(d.code.id()).or_default() += 1;
        }
        let rejected = parsed
            .diagnostics
            .iter()
            .any(|d| matches!(d.code, Code::Syntax | Code::Limit | Code::NotAnInput));
        assert_eq!(
            is_template,
            !rejected,
            "{}: detection and parse disagree: {:?}",
            path.display(),
            parsed.diagnostics
        );
        let a = &parsed.account;
        c.roles += a.roles.len();
        c.users += a.users.len();
        c.groups += a.groups.len();
        c.policies += a.policies.len();
        c.instance_profiles += a.instance_profiles.len();
        c.attachments += a.attachments.len();
        c.memberships += a.memberships.len();
        c.role_uses += a.role_uses.len();
        c.statements += a
            .roles
            .iter()
            .flat_map(|r| r.inline.iter().map(|p| p.document.statements.len()))
            .sum::<usize>()
            + a.users
                .iter()
                .flat_map(|r| r.inline.iter().map(|p| p.document.statements.len()))
                .sum::<usize>()
            + a.groups
                .iter()
                .flat_map(|r| r.inline.iter().map(|p| p.document.statements.len()))
                .sum::<usize>()
            + a.policies
                .iter()
                .map(|p| p.document.statements.len())
                .sum::<usize>();
        if std::env::var_os("CFN_CORPUS_VERBOSE").is_some() {
            for d in &parsed.diagnostics {
                let l = d.origin.as_ref().map(|o| sm.locate(o));
                eprintln!(
                    "{}:{}:{}: {} {} {}",
                    path.display(),
                    l.as_ref().map_or(0, |l| l.line),
                    l.as_ref().map_or(0, |l| l.column),
                    d.level,
                    d.code.id(),
                    d.message
                );
            }
        }
    }
    c
}

#[test]
fn corpus_counts() {
    for f in FOLDERS {
        let c = count(f);
        eprintln!("{f}: {c:?}");
    }
}
