//! Finding the root modules of a tree of Terraform folders without evaluating them.
//!
//! A root module is a folder with configuration files that no other folder of the tree calls as
//! a local module (`source = "../modules/x"`). A repository's `modules/` folders are called by
//! its root or its `examples/`; they are never analysed alone, because alone their variables
//! have no values. Both functions are pure: the caller reads the files.

use std::path::{Path, PathBuf};

use passgraph_model::FileId;

use crate::config::normalize_join;

/// The variable files Terraform reads by itself, first to last: `terraform.tfvars`,
/// `terraform.tfvars.json`, then the `*.auto.tfvars` and `*.auto.tfvars.json` files in lexical
/// order.
pub const FIRST_VAR_FILES: [&str; 2] = ["terraform.tfvars", "terraform.tfvars.json"];

/// True for a file name that Terraform reads as a variable file without being told
/// ([`FIRST_VAR_FILES`] and the `*.auto.tfvars(.json)` files).
#[must_use]
pub fn is_auto_var_file(name: &str) -> bool {
    FIRST_VAR_FILES.contains(&name) || is_auto_tfvars(name)
}

/// `*.auto.tfvars` or `*.auto.tfvars.json`.
pub(crate) fn is_auto_tfvars(name: &str) -> bool {
    name.ends_with(".auto.tfvars") || name.ends_with(".auto.tfvars.json")
}

/// The literal local sources (`./x`, `../x`) of the `module` blocks of one configuration file;
/// `json` for `.tf.json`. A file that does not parse calls nothing.
#[must_use]
pub fn local_module_sources(text: &str, json: bool) -> Vec<String> {
    let mut out = Vec::new();
    if json {
        let Ok(root) = passgraph_json::parse(FileId(0), text) else {
            return out;
        };
        let Some(modules) = root.get("module") else {
            return out;
        };
        let mut bodies: Vec<&passgraph_model::Node> = Vec::new();
        for (_, _, m) in modules.entries() {
            match &m.kind {
                passgraph_model::NodeKind::Array(items) => bodies.extend(items.iter()),
                _ => bodies.push(m),
            }
        }
        for b in bodies {
            if let Some(s) = b.get("source").and_then(|s| s.as_known_str()) {
                out.push(s.to_owned());
            }
        }
    } else if may_hold_module_block(text)
        && let Ok(body) = crate::syntax::parse_body(text)
    {
        for block in body.get_blocks("module") {
            if let Some(a) = block.body.get_attribute("source")
                && let crate::syntax::Expression::String(s) = &a.value
            {
                out.push(s.value().clone());
            }
        }
    }
    out.retain(|s| is_local(s));
    out
}

/// Whether some line could open a `module` block. A block's header (type, labels and `{`) is
/// on one line in HCL's native syntax, so a file without a line starting with `module` holds
/// none and is not parsed here (the search parses every file only once more, when it is read).
fn may_hold_module_block(text: &str) -> bool {
    text.lines().any(|l| {
        l.trim_start()
            .strip_prefix("module")
            .is_some_and(|rest| rest.starts_with([' ', '\t', '"', '{']))
    })
}

/// Terraform's rule: a local path starts with `./` or `../`.
fn is_local(s: &str) -> bool {
    s.starts_with("./") || s.starts_with("../") || s == "." || s == ".."
}

/// The indices of the root modules among `folders`: each is a folder with configuration files
/// and the local sources its files call. Folders are compared lexically (`a/./b/../c` is `a/c`).
#[must_use]
pub fn root_modules(folders: &[(PathBuf, Vec<String>)]) -> Vec<usize> {
    let norm = |p: &Path| normalize_join(p, ".").unwrap_or_else(|| p.to_path_buf());
    let dirs: Vec<PathBuf> = folders.iter().map(|(d, _)| norm(d)).collect();
    let mut called = vec![false; folders.len()];
    for (i, (_, sources)) in folders.iter().enumerate() {
        for s in sources {
            let Some(target) = normalize_join(&dirs[i], s) else {
                continue;
            };
            for (j, d) in dirs.iter().enumerate() {
                if j != i && *d == target {
                    called[j] = true;
                }
            }
        }
    }
    (0..folders.len()).filter(|&i| !called[i]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_sources_of_hcl_and_json() {
        let tf = "module \"a\" {\n  source = \"../modules/a\"\n}\nmodule \"b\" {\n  source = \"terraform-aws-modules/iam/aws\"\n}\nmodule \"c\" {\n  source = \"./c\"\n}\n";
        assert_eq!(local_module_sources(tf, false), ["../modules/a", "./c"]);
        let json = r#"{"module": {"a": {"source": "../.."}, "b": [{"source": "git::https://x"}]}}"#;
        assert_eq!(local_module_sources(json, true), ["../.."]);
        assert!(local_module_sources("module \"a\" {", false).is_empty());
        // Indented headers and a label-less `{` still count; comments and longer words do not.
        let indented = "  module \"a\" {\n    source = \"./a\"\n  }\n";
        assert_eq!(local_module_sources(indented, false), ["./a"]);
        assert!(may_hold_module_block("module{\n}"));
        assert!(!may_hold_module_block(
            "# module \"a\" {\nmodules = 1\nresource \"x\" \"module\" {}"
        ));
    }

    #[test]
    fn called_folders_are_not_roots() {
        let f = vec![
            (PathBuf::from("repo"), vec!["./modules/iam".to_owned()]),
            (PathBuf::from("repo/modules/iam"), vec![]),
            (
                PathBuf::from("repo/examples/complete"),
                vec!["../..".to_owned()],
            ),
            (
                PathBuf::from("repo/examples/bare"),
                vec!["../../modules/iam".to_owned()],
            ),
            (PathBuf::from("repo/tools/bootstrap"), vec![]),
            // A module calling itself is still a root.
            (PathBuf::from("repo/odd"), vec![".".to_owned()]),
        ];
        assert_eq!(root_modules(&f), [2, 3, 4, 5]);
    }
}
