//! The comparison harness of the set engine: on every corpus file and folder and every test
//! input, the findings of `analyze` (sets, chains and proofs built when listed) equal, field by
//! field and proof by proof, those of the reference algorithm (one breadth-first search per
//! principal, every triple materialised). The binary compares them itself when
//! `PASSGRAPH_REFERENCE_CHECK` is set, after reading the inputs exactly as `audit` does.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::{root, shared};

fn inputs(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = rd.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    if entries
        .iter()
        .any(|p| p.extension().is_some_and(|e| e == "tf"))
    {
        out.push(dir.to_path_buf());
    }
    for p in entries {
        if p.is_dir() {
            inputs(&p, out);
        } else if p
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| ["json", "yaml", "yml", "template"].contains(&e))
        {
            out.push(p);
        }
    }
}

fn check(path: &Path) -> Option<String> {
    let out = Command::new(env!("CARGO_BIN_EXE_passgraph"))
        .current_dir(root())
        .arg("audit")
        .arg(path)
        .args(["--fail-on", "none"])
        .env("PASSGRAPH_REFERENCE_CHECK", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .expect("the binary runs");
    let err = String::from_utf8_lossy(&out.stderr);
    err.contains("differ from the reference")
        .then(|| format!("{}: {err}", path.display()))
}

#[test]
fn set_engine_equals_the_reference_on_every_corpus_and_test_input() {
    let mut paths = Vec::new();
    inputs(&shared().join("corpora"), &mut paths);
    inputs(&root().join("testdata"), &mut paths);
    assert!(paths.len() > 1000, "corpora not found: {}", paths.len());
    let half = paths.len() / 2;
    let (a, b) = paths.split_at(half);
    let diffs: Vec<String> = std::thread::scope(|s| {
        let t = s.spawn(|| a.iter().filter_map(|p| check(p)).collect::<Vec<_>>());
        let mut d: Vec<String> = b.iter().filter_map(|p| check(p)).collect();
        d.extend(t.join().unwrap_or_default());
        d
    });
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));
}
