//! Walking a folder the way checkov `-d` and trivy `config` do: recursively, skipping hidden
//! folders (`.git`, `.terraform`, ...), `node_modules`, `target` and what `--exclude` names,
//! following symbolic links to folders at most once each (so loops end), and bounded in depth,
//! entries and file size. Which of the files found are inputs, and how they form stacks, is
//! decided elsewhere; this module only lists and counts.

use passgraph_model::hash::HashSet;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// Folders deeper than this below the folder searched are not entered.
pub(crate) const MAX_DEPTH: usize = 48;
/// Entries (files and folders) looked at before the search stops.
pub(crate) const MAX_ENTRIES: usize = 500_000;
/// Candidate files (templates, plans, snapshots, `.tf` files) kept before the search stops.
pub(crate) const MAX_FILES: usize = 100_000;
/// A file found in a folder larger than this is not read (a file named on the command line is).
pub(crate) const MAX_FILE_BYTES: u64 = 512 * 1024 * 1024;

/// What a search found.
#[derive(Debug, Default)]
pub(crate) struct Tree {
    /// Files that may be templates, plans or snapshots (`.json`, `.yaml`, `.yml`, `.template`),
    /// sorted.
    pub(crate) files: Vec<PathBuf>,
    /// Folders holding `.tf` / `.tf.json` files, with those files, sorted.
    pub(crate) tf_dirs: Vec<(PathBuf, Vec<PathBuf>)>,
    /// Files not read, by reason.
    pub(crate) skipped: BTreeMap<&'static str, usize>,
    /// Why the search stopped early, when it did.
    pub(crate) stopped: Option<String>,
}

/// A glob over `/`-separated paths: `**` any text, `*` any text without `/`, `?` one character
/// but `/`.
pub(crate) fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    // reach[j]: the first i pattern characters can match the first j text characters.
    let mut reach = vec![false; t.len() + 1];
    reach[0] = true;
    let mut i = 0;
    while i < p.len() {
        let mut next = vec![false; t.len() + 1];
        if p[i] == '*' {
            let double = p.get(i + 1) == Some(&'*');
            let mut on = false;
            for j in 0..=t.len() {
                if reach[j] {
                    on = true;
                }
                next[j] = on;
                if j < t.len() && t[j] == '/' && !double {
                    on = false;
                }
            }
            i += if double { 2 } else { 1 };
            // `**/` also matches nothing at all.
            if double && p.get(i) == Some(&'/') {
                for j in 0..=t.len() {
                    next[j] = next[j] || reach[j];
                }
                let mut after = vec![false; t.len() + 1];
                for j in 0..t.len() {
                    if next[j] && t[j] == '/' {
                        after[j + 1] = true;
                    }
                }
                for j in 0..=t.len() {
                    after[j] = after[j] || reach[j];
                }
                next = after;
                i += 1;
            }
        } else {
            for j in 0..t.len() {
                if reach[j] && (p[i] == t[j] || (p[i] == '?' && t[j] != '/')) {
                    next[j + 1] = true;
                }
            }
            i += 1;
        }
        reach = next;
    }
    reach[t.len()]
}

/// Whether `--exclude` patterns exclude an entry: `rel` is its path relative to the folder
/// searched, `shown` the path as given (`repo/examples`). A pattern without `/` matches an entry
/// by name at any depth (`examples`, `*.json`); one with `/` matches the whole path, either
/// form; `dir/**` excludes `dir` itself too.
pub(crate) fn excluded(patterns: &[String], rel: &str, shown: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    patterns.iter().any(|p| {
        let p = p.trim_start_matches("./").trim_end_matches('/');
        if p.is_empty() {
            return false;
        }
        let whole = |x: &str| glob(p, x) || p.strip_suffix("/**").is_some_and(|d| glob(d, x));
        if p.contains('/') {
            whole(rel) || whole(shown)
        } else {
            glob(p, name)
        }
    })
}

fn is_tf(name: &str) -> bool {
    name.ends_with(".tf") || name.ends_with(".tf.json")
}

fn is_candidate(name: &str) -> bool {
    !is_tf(name)
        && matches!(
            Path::new(name).extension().and_then(|e| e.to_str()),
            Some("json" | "yaml" | "yml" | "template")
        )
}

struct Walker<'a> {
    excludes: &'a [String],
    root: PathBuf,
    seen_dirs: HashSet<PathBuf>,
    entries: usize,
    kept: usize,
    tree: Tree,
}

impl Walker<'_> {
    fn rel(&self, p: &Path) -> String {
        let r = p.strip_prefix(&self.root).unwrap_or(p);
        let parts: Vec<String> = r
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        if parts.is_empty() {
            ".".to_owned()
        } else {
            parts.join("/")
        }
    }

    fn skip(&mut self, why: &'static str) {
        *self.tree.skipped.entry(why).or_default() += 1;
    }

    fn stop(&mut self, why: String) {
        if self.tree.stopped.is_none() {
            self.tree.stopped = Some(why);
        }
    }

    fn dir(&mut self, dir: &Path, depth: usize) {
        if self.tree.stopped.is_some() {
            return;
        }
        if depth > MAX_DEPTH {
            self.skip("deeper than the search goes");
            return;
        }
        // A folder reached twice (a symbolic link back up the tree, or two links to one place)
        // is read once.
        let canon = fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
        if !self.seen_dirs.insert(canon) {
            return;
        }
        let Ok(rd) = fs::read_dir(dir) else {
            self.skip("folder not readable");
            return;
        };
        let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok()).map(|e| e.path()).collect();
        entries.sort();
        let mut tf_files = Vec::new();
        let mut subdirs = Vec::new();
        for p in entries {
            self.entries += 1;
            if self.entries > MAX_ENTRIES {
                self.stop(format!(
                    "the search stopped after {MAX_ENTRIES} files and folders; name a smaller folder or use --exclude"
                ));
                return;
            }
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            // `metadata` follows symbolic links; a dangling link is neither file nor folder.
            let Ok(meta) = fs::metadata(&p) else {
                self.skip("broken link or not readable");
                continue;
            };
            let rel = self.rel(&p);
            if meta.is_dir() {
                if name.starts_with('.') || name == "node_modules" || name == "target" {
                    continue;
                }
                if excluded(self.excludes, &rel, &p.to_string_lossy()) {
                    self.skip("excluded (--exclude)");
                    continue;
                }
                subdirs.push(p);
                continue;
            }
            if name.starts_with('.') {
                continue;
            }
            if excluded(self.excludes, &rel, &p.to_string_lossy()) {
                self.skip("excluded (--exclude)");
                continue;
            }
            // Read with the folder's configuration, not as an input of its own.
            if passgraph_hcl::discover::is_auto_var_file(&name) {
                continue;
            }
            if !is_tf(&name) && !is_candidate(&name) {
                self.skip("of other types (not .tf, .json, .yaml, .yml, .template)");
                continue;
            }
            if meta.len() > MAX_FILE_BYTES {
                self.skip("larger than 512 MiB");
                continue;
            }
            self.kept += 1;
            if self.kept > MAX_FILES {
                self.stop(format!(
                    "the search stopped after {MAX_FILES} candidate files; name a smaller folder or use --exclude"
                ));
                return;
            }
            if is_tf(&name) {
                tf_files.push(p);
            } else {
                self.tree.files.push(p);
            }
        }
        if !tf_files.is_empty() {
            self.tree.tf_dirs.push((dir.to_path_buf(), tf_files));
        }
        for d in subdirs {
            self.dir(&d, depth + 1);
        }
    }
}

/// Searches `root`.
pub(crate) fn walk(root: &Path, excludes: &[String]) -> Tree {
    let mut w = Walker {
        excludes,
        root: root.to_path_buf(),
        seen_dirs: HashSet::default(),
        entries: 0,
        kept: 0,
        tree: Tree::default(),
    };
    w.dir(root, 0);
    w.tree.files.sort();
    w.tree.tf_dirs.sort();
    w.tree
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob("*.json", "a.json"));
        assert!(!glob("*.json", "x/a.json"));
        assert!(glob("**/a.json", "a.json"));
        assert!(glob("**/a.json", "x/y/a.json"));
        assert!(glob("examples/**", "examples/a/b.tf"));
        assert!(!glob("examples/**", "other/examples"));
        assert!(glob("a?c", "abc"));
        assert!(!glob("a?c", "a/c"));
        assert!(glob("x/**/y", "x/y"));
        assert!(glob("x/**/y", "x/a/b/y"));
    }

    #[test]
    fn exclude_patterns() {
        let ex = |p: &str, rel: &str| excluded(&[p.to_owned()], rel, &format!("repo/{rel}"));
        assert!(ex("examples", "examples"));
        assert!(ex("examples", "modules/x/examples"));
        assert!(ex("examples/**", "examples"));
        assert!(ex("./examples/", "examples"));
        assert!(ex("repo/examples", "examples"));
        assert!(ex("*.json", "a/b/c.json"));
        assert!(!ex("examples/complete", "examples"));
        assert!(!ex("", "examples"));
    }
}
