//! A file source that confines reading to one folder: modules and `file()`/`templatefile()`
//! paths outside it are refused with a diagnostic, and never read.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use passgraph_hcl::{FileSource, Options};
use passgraph_model::FileId;

use crate::support::MemSource;

/// `MemSource` rooted at `/m`, allowing only `/m/repo`, and recording every read.
struct Confined {
    inner: MemSource,
    reads: Vec<PathBuf>,
}

impl FileSource for Confined {
    fn list_dir(&mut self, dir: &Path) -> Vec<PathBuf> {
        self.inner.list_dir(dir)
    }
    fn read(&mut self, path: &Path) -> Option<(FileId, Arc<str>)> {
        self.reads.push(path.to_path_buf());
        self.inner.read(path)
    }
    fn allows(&mut self, path: &Path) -> bool {
        path.starts_with("/m/repo")
    }
}

#[test]
fn modules_and_files_outside_the_allowed_folder_are_refused() {
    let mut src = Confined {
        inner: MemSource::new(&[
            (
                "repo/root/main.tf",
                r#"
module "inside" {
  source = "../modules/x"
}
module "outside" {
  source = "../../elsewhere"
}
resource "aws_iam_policy" "p" {
  name   = "p"
  policy = file("../../secret.json")
}
resource "aws_iam_policy" "q" {
  name   = "q"
  policy = templatefile("${path.module}/../../secret.json", {})
}
"#,
            ),
            (
                "repo/modules/x/main.tf",
                "resource \"aws_iam_user\" \"in\" {\n  name = \"in\"\n}\n",
            ),
            (
                "elsewhere/main.tf",
                "resource \"aws_iam_user\" \"out\" {\n  name = \"out\"\n}\n",
            ),
            ("secret.json", r#"{"Statement":[]}"#),
        ]),
        reads: Vec::new(),
    };
    let parsed = passgraph_hcl::load(Path::new("/m/repo/root"), &mut src, &Options::default());
    let users: Vec<String> = parsed
        .account
        .users
        .iter()
        .map(|u| u.name.to_string())
        .collect();
    assert_eq!(users, ["in"]);
    let messages: Vec<&str> = parsed
        .diagnostics
        .iter()
        .map(|d| d.message.as_str())
        .collect();
    assert!(
        messages.iter().any(|m| m.starts_with(
            "module outside source \"../../elsewhere\" lies outside the folder passgraph reads"
        )),
        "{messages:#?}"
    );
    let files = messages
        .iter()
        .filter(|m| m.contains("secret.json") && m.contains("lies outside"))
        .count();
    assert_eq!(files, 2, "{messages:#?}");
    assert!(
        src.reads.iter().all(|p| p.starts_with("/m/repo")),
        "{:?}",
        src.reads
    );
}
