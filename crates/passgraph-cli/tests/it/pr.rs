//! Pull requests: `diff --base-ref` on a git repository the test makes, the widened-policy
//! scenario of the pull-request fixtures.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use crate::{root, stderr, stdout};

fn passgraph(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_passgraph"))
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("the binary runs")
}

fn git(dir: &Path, args: &[&str]) {
    let o = Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        o.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// A fresh folder under the system's temporary folder.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("passgraph-it-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir
}

fn fixture(which: &str) -> String {
    std::fs::read_to_string(root().join("testdata/pr").join(which).join("stack.yaml"))
        .expect("fixture")
}

fn added_removed(v: &serde_json::Value) -> (Vec<String>, Vec<String>) {
    let names = |k: &str| -> Vec<String> {
        v[k].as_array()
            .expect("list")
            .iter()
            .map(|f| {
                format!(
                    "{}/{} -> {} -> {}",
                    f["principal"]["kind"].as_str().unwrap_or("?"),
                    f["principal"]["name"].as_str().unwrap_or("?"),
                    f["role"]["name"].as_str().unwrap_or("?"),
                    f["service"].as_str().unwrap_or("?")
                )
            })
            .collect()
    };
    (names("added"), names("removed"))
}

#[test]
fn base_ref_compares_the_working_tree_with_a_revision() {
    let repo = scratch("base-ref");
    git(&repo, &["init", "-q", "-b", "main"]);
    std::fs::create_dir_all(repo.join("infra")).expect("mkdir");
    std::fs::write(repo.join("infra/stack.yaml"), fixture("base")).expect("write");
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-q", "-m", "base"]);
    std::fs::write(repo.join("infra/stack.yaml"), fixture("head")).expect("write");

    let args = [
        "diff",
        "--base-ref",
        "main",
        "infra",
        "--account-id",
        "111122223333",
    ];
    let o = passgraph(&repo, &[&args[..], &["-f", "json"]].concat());
    assert_eq!(
        o.status.code(),
        Some(1),
        "added findings fail: {}",
        stderr(&o)
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let (added, removed) = added_removed(&v);
    assert_eq!(
        added,
        [
            "user/deployer -> app-batch -> ecs-tasks.amazonaws.com",
            "user/deployer -> app-batch -> lambda.amazonaws.com"
        ]
    );
    assert!(removed.is_empty(), "{removed:?}");
    // The base is read through git, never from the working tree; its files are `REV:path`.
    git(&repo, &["stash", "-q"]);
    let o = passgraph(&repo, &[&args[..], &["-f", "json"]].concat());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(added_removed(&v), (vec![], vec![]));
    git(&repo, &["stash", "pop", "-q"]);

    // The same from inside the folder, with the default input (.).
    let o = passgraph(
        &repo.join("infra"),
        &["diff", "--base-ref", "main", "--account-id", "111122223333"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with("passgraph diff: 2 added, 0 removed"),
        "{}",
        stdout(&o)
    );

    // A file that does not exist at the revision: everything it has is added.
    std::fs::write(repo.join("infra/new.yaml"), fixture("base")).expect("write");
    let o = passgraph(
        &repo,
        &[
            "diff",
            "--base-ref",
            "main",
            "infra/new.yaml",
            "--account-id",
            "111122223333",
            "-f",
            "json",
        ],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let (added, _) = added_removed(&v);
    assert!(
        added.contains(&"user/deployer -> app-web -> ec2.amazonaws.com".to_owned()),
        "{added:?}"
    );
    assert_eq!(
        added.len(),
        4,
        "app-batch (AdministratorAccess) passes roles too: {added:?}"
    );

    // A revision that does not exist, and a folder outside any repository: clear errors.
    let o = passgraph(&repo, &["diff", "--base-ref", "no-such-branch", "infra"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no-such-branch: no such revision"),
        "{}",
        stderr(&o)
    );
    let _ = std::fs::remove_dir_all(&repo);
}

#[test]
fn base_ref_outside_a_repository_is_a_clear_error() {
    let dir = scratch("no-repo");
    std::fs::write(dir.join("stack.yaml"), fixture("base")).expect("write");
    let o = Command::new(env!("CARGO_BIN_EXE_passgraph"))
        .current_dir(&dir)
        .args(["diff", "--base-ref", "main", "stack.yaml"])
        .env("GIT_CEILING_DIRECTORIES", dir.parent().expect("parent"))
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("is not in a git repository"),
        "{}",
        stderr(&o)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn base_and_base_ref_exclude_each_other() {
    let o = crate::run(
        &["diff", "--base-ref", "main", "--base", "a", "--head", "b"],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    let o = crate::run(&["diff", "testdata/pr/head"], None);
    assert_eq!(
        o.status.code(),
        Some(2),
        "inputs without --base-ref are a usage error"
    );
}
