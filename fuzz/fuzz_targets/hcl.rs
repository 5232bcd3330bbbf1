//! The Terraform (.tf) reader through an in-memory `FileSource`: never panics, never reads a
//! file outside the source it is given.
//!
//! The input is split at lines `#--- <path>` into files: the text before the first marker is
//! `/root/main.tf`, each marker names a file relative to `/root` (`modules/a/main.tf`), so
//! modules, `file()` and `templatefile()` get exercised.
#![no_main]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use passgraph_hcl::FileSource;
use passgraph_model::FileId;

struct Mem {
    files: BTreeMap<PathBuf, Arc<str>>,
}

impl FileSource for Mem {
    fn list_dir(&mut self, dir: &Path) -> Vec<PathBuf> {
        self.files
            .keys()
            .filter(|p| p.parent() == Some(dir))
            .cloned()
            .collect()
    }

    fn read(&mut self, path: &Path) -> Option<(FileId, Arc<str>)> {
        let i = self.files.keys().position(|p| p == path)?;
        let text = self.files.get(path)?.clone();
        Some((FileId(i as u32), text))
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let root = Path::new("/root");
    let mut files = BTreeMap::new();
    let mut name = root.join("main.tf");
    let mut body = String::new();
    for line in text.split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix("#--- ") {
            files.insert(name, Arc::from(std::mem::take(&mut body)));
            name = root.join(rest.trim());
        } else {
            body.push_str(line);
        }
    }
    files.insert(name, Arc::from(body));
    let mut source = Mem { files };
    let _ = passgraph_hcl::load(root, &mut source, &passgraph_hcl::Options::default());
});
