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

/// The widened exposure of the pull-request fixture, accepted three ways on the head side
/// (inline where the user is defined, a baseline, an acceptance that expired): the first two
/// let the diff pass and are counted, the expired one fails again.
#[test]
fn a_diff_honours_inline_baseline_and_expired_acceptances() {
    let dir = scratch("diff-accept");
    let head = dir.join("stack.yaml");
    let widened = fixture("head");
    let diff = |extra: &[&str]| {
        let h = head.to_string_lossy().into_owned();
        let mut a = vec![
            "diff",
            "--base",
            "testdata/pr/base/stack.yaml",
            "--head",
            h.as_str(),
            "--account-id",
            "111122223333",
        ];
        a.extend_from_slice(extra);
        crate::run(&a, None)
    };
    // Inline, on the deployer's resource.
    let inline = widened.replace(
        "    Type: AWS::IAM::User\n",
        "    Type: AWS::IAM::User\n    Metadata:\n      passgraph:\n        ignore:\n          - role: app-batch\n            reason: the deployer runs the batch jobs\n",
    );
    assert_ne!(inline, widened, "the fixture has the user resource");
    std::fs::write(&head, &inline).expect("write");
    let o = diff(&[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with("passgraph diff: 2 added (2 accepted"),
        "{}",
        stdout(&o)
    );
    // A baseline written from the head, then read.
    std::fs::write(&head, &widened).expect("write");
    assert_eq!(diff(&[]).status.code(), Some(1));
    let baseline = dir.join("baseline.json");
    let b = baseline.to_string_lossy().into_owned();
    let o = crate::run(
        &[
            "audit",
            head.to_string_lossy().as_ref(),
            "--account-id",
            "111122223333",
            "--write-baseline",
            b.as_str(),
        ],
        None,
    );
    assert!(baseline.exists(), "{}", stderr(&o));
    let o = diff(&["--baseline", b.as_str(), "-f", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(v["added"][0]["suppressed"]["kind"], "baseline");
    // An acceptance that expired fails again, and says so.
    std::fs::write(
        dir.join(".passgraph.yaml"),
        "accept:\n  - principal: deployer\n    role: app-batch\n    reason: until the batch role is split\n    expires: 2020-01-31\n",
    )
    .expect("config");
    let o = diff(&[]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(
        stderr(&o).contains("expired on 2020-01-31"),
        "{}",
        stderr(&o)
    );
    let _ = std::fs::remove_dir_all(&dir);
}
