//! No panic on any input: every corpus file, and deterministic mutations of it (truncations,
//! byte flips, duplicated and deleted spans), goes through its reader and the analysis.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use passgraph_model::{Account, FileId, SourceMap};

use crate::shared;

/// A small deterministic generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            usize::try_from(self.next() % n as u64).unwrap_or(0)
        }
    }
}

fn mutations(text: &str, rng: &mut Rng) -> Vec<String> {
    let bytes = text.as_bytes();
    let n = bytes.len();
    let mut out = Vec::new();
    for _ in 0..6 {
        let mut b = bytes.to_vec();
        match rng.below(4) {
            0 => b.truncate(rng.below(n + 1)),
            1 => {
                for _ in 0..1 + rng.below(8) {
                    if !b.is_empty() {
                        let i = rng.below(b.len());
                        let palette = b"{}[]\":,!-*?$\n \\&|>#0a";
                        b[i] = palette[rng.below(palette.len())];
                    }
                }
            }
            2 => {
                let (i, j) = (rng.below(n + 1), rng.below(n + 1));
                let (i, j) = (i.min(j), i.max(j).min(i.min(j) + 4096));
                let chunk = b[i..j].to_vec();
                let at = rng.below(b.len() + 1);
                b.splice(at..at, chunk);
            }
            _ => {
                let (i, j) = (rng.below(n + 1), rng.below(n + 1));
                b.drain(i.min(j)..i.max(j));
            }
        }
        out.push(String::from_utf8_lossy(&b).into_owned());
    }
    out
}

fn files(dir: &Path, exts: &[&str], out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = rd.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files(&p, exts, out);
        } else if p
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| exts.contains(&e))
        {
            out.push(p);
        }
    }
}

/// Reads `text` the way the CLI would and analyses the result.
fn read_and_analyze(text: &str) {
    let mut sm = SourceMap::default();
    let file = sm.add("mutated", text);
    let mut account = if passgraph_tfplan::looks_like_plan(text) {
        passgraph_tfplan::parse(file, text, &passgraph_tfplan::Options::default()).account
    } else if let Ok(node) = passgraph_json::parse(file, text)
        && passgraph_snapshot::looks_like_snapshot(&node)
    {
        passgraph_snapshot::from_node(node).account
    } else if passgraph_cfn::looks_like_template(text) {
        passgraph_cfn::parse(file, text, &passgraph_cfn::Options::default()).account
    } else {
        Account::default()
    };
    account.bind(passgraph_model::value::PARTITION_HOLE, "aws");
    passgraph_eval::managed::add_builtins(&mut account, &mut |p, t| sm.add(p, t));
    let a = passgraph_graph::analyze(&account, &passgraph_graph::Options::default());
    // Every origin a finding points at lies inside its file.
    for f in &a.findings {
        for p in f.proof.grants.iter().chain(f.proof.trust.iter()) {
            let Some(src) = sm.get(p.origin.file) else {
                continue;
            };
            assert!(
                p.origin.range.start as usize <= src.len(),
                "origin outside its file"
            );
        }
    }
}

#[test]
fn json_and_yaml_corpora_and_their_mutations() {
    let mut paths = Vec::new();
    for corpus in [
        "cloudsplaining",
        "cloudmapper",
        "aws-cli-examples",
        "cfn-policy-validator",
        "cfripper",
        "cfn-lint-v0",
        "cfn_nag",
        "aws-cfn-templates",
        "terraform-show-json",
        "trivy-tfplan",
        "conftest",
        "tf-iam-policy-validator",
    ] {
        files(
            &shared().join("corpora").join(corpus),
            &["json", "yaml", "yml", "template"],
            &mut paths,
        );
    }
    assert!(paths.len() > 300, "{}", paths.len());
    let mut rng = Rng(0x5eed);
    let mut runs = 0usize;
    for p in &paths {
        let Ok(bytes) = std::fs::read(p) else {
            continue;
        };
        let Some(text) = passgraph_json::decode(&bytes) else {
            continue;
        };
        // Large files are read whole but mutated only when small, to keep the test short.
        read_and_analyze(&text);
        runs += 1;
        if text.len() > 200_000 {
            continue;
        }
        for m in mutations(&text, &mut rng) {
            read_and_analyze(&m);
            runs += 1;
        }
    }
    assert!(runs > 2000, "{runs}");
}

/// An in-memory file system for the HCL reader.
struct Mem(Vec<(PathBuf, Arc<str>)>, SourceMap);

impl passgraph_hcl::FileSource for Mem {
    fn list_dir(&mut self, dir: &Path) -> Vec<PathBuf> {
        self.0
            .iter()
            .filter(|(p, _)| p.parent() == Some(dir))
            .map(|(p, _)| p.clone())
            .collect()
    }
    fn read(&mut self, path: &Path) -> Option<(FileId, Arc<str>)> {
        let text = self.0.iter().find(|(p, _)| p == path)?.1.clone();
        Some((self.1.add(path.display().to_string(), text.clone()), text))
    }
}

#[test]
fn terraform_files_and_their_mutations() {
    let mut paths = Vec::new();
    for corpus in ["iam-vulnerable", "cloudgoat", "terraform-aws-iam-v5"] {
        files(&shared().join("corpora").join(corpus), &["tf"], &mut paths);
    }
    assert!(paths.len() > 300, "{}", paths.len());
    let mut rng = Rng(0xface);
    let mut runs = 0usize;
    for p in paths.iter().step_by(3) {
        let Ok(text) = std::fs::read_to_string(p) else {
            continue;
        };
        for m in std::iter::once(text.clone()).chain(mutations(&text, &mut rng)) {
            let root = PathBuf::from("/mem");
            let mut src = Mem(vec![(root.join("main.tf"), m.into())], SourceMap::default());
            let parsed = passgraph_hcl::load(&root, &mut src, &passgraph_hcl::Options::default());
            let _ = passgraph_graph::analyze(&parsed.account, &passgraph_graph::Options::default());
            runs += 1;
        }
    }
    assert!(runs > 500, "{runs}");
}
