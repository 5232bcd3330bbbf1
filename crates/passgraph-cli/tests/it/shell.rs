//! Completion scripts and the man page, generated from the clap definitions.

use std::process::Command;

use crate::{run, stderr, stdout};

/// The bash script loads in a real bash and completes `passgraph au` to `audit`, and the
/// options of a subcommand.
#[test]
fn bash_completion_loads_and_completes_a_subcommand() {
    let o = run(&["completions", "bash"], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let dir = tempdir();
    let script = dir.join("passgraph.bash");
    std::fs::write(&script, &o.stdout).expect("write the script");
    let complete = |words: &str, cword: usize| -> Vec<String> {
        let probe = format!(
            "source {script}\n\
             COMP_WORDS=({words}); COMP_CWORD={cword}; COMP_LINE=\"{words}\"; COMP_POINT=${{#COMP_LINE}}\n\
             _passgraph passgraph \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"\n\
             printf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
            script = script.display()
        );
        let out = Command::new("bash")
            .args(["--norc", "--noprofile", "-c", &probe])
            .output()
            .expect("bash runs");
        assert!(
            out.status.success(),
            "bash failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_owned)
            .collect()
    };
    assert_eq!(complete("passgraph au", 1), ["audit"]);
    let options = complete("passgraph audit --fail", 2);
    assert!(options.iter().any(|o| o == "--fail-on"), "{options:?}");
    let levels = complete("passgraph audit --fail-on ''", 3);
    for level in ["low", "medium", "high", "critical", "none"] {
        assert!(levels.iter().any(|l| l == level), "{levels:?}");
    }
}

#[test]
fn every_shell_gets_a_script_naming_every_subcommand() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let o = run(&["completions", shell], None);
        assert_eq!(o.status.code(), Some(0), "{shell}: {}", stderr(&o));
        let text = stdout(&o);
        for sub in ["audit", "graph", "explain", "diff"] {
            assert!(text.contains(sub), "{shell} script lacks {sub}");
        }
    }
    let o = run(&["completions", "tcsh"], None);
    assert_eq!(
        o.status.code(),
        Some(2),
        "an unknown shell is a usage error"
    );
}

#[test]
fn man_page_is_roff_with_the_commands() {
    let o = run(&["man"], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.starts_with(".ie") || text.contains(".TH passgraph 1"),
        "{text}"
    );
    assert!(text.contains(".SH NAME"));
    for sub in ["audit", "graph", "explain", "diff"] {
        assert!(text.contains(sub), "man page lacks {sub}");
    }
}

fn tempdir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("passgraph-shell-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}
