//! File sources for the tests: one over the file system, one in memory.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use passgraph_hcl::{FileSource, Options};
use passgraph_model::{FileId, Origin, Parsed, SourceMap};

/// Reads files from disk and registers them in a source map.
#[derive(Default)]
pub struct FsSource {
    pub map: SourceMap,
    ids: HashMap<PathBuf, (FileId, Arc<str>)>,
    pub base: PathBuf,
}

impl FsSource {
    pub fn new(base: &Path) -> FsSource {
        let base = std::fs::canonicalize(base).unwrap_or_else(|_| base.to_path_buf());
        FsSource {
            base,
            ..FsSource::default()
        }
    }
}

impl FileSource for FsSource {
    fn list_dir(&mut self, dir: &Path) -> Vec<PathBuf> {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return Vec::new();
        };
        let mut v: Vec<PathBuf> = rd
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_file())
            .collect();
        v.sort();
        v
    }

    fn read(&mut self, path: &Path) -> Option<(FileId, Arc<str>)> {
        if let Some(hit) = self.ids.get(path) {
            return Some(hit.clone());
        }
        let text: Arc<str> = Arc::from(std::fs::read_to_string(path).ok()?);
        let shown = path
            .strip_prefix(&self.base)
            .unwrap_or(path)
            .to_string_lossy()
            .into_owned();
        let id = self.map.add(shown, text.clone());
        self.ids.insert(path.to_path_buf(), (id, text.clone()));
        Some((id, text))
    }
}

/// Files held in memory, under the root `/m`.
#[derive(Default)]
pub struct MemSource {
    files: BTreeMap<PathBuf, String>,
    pub map: SourceMap,
    ids: HashMap<PathBuf, (FileId, Arc<str>)>,
}

impl MemSource {
    /// Files given as `(path relative to /m, text)`.
    pub fn new(files: &[(&str, &str)]) -> MemSource {
        let mut s = MemSource::default();
        for (p, t) in files {
            s.files.insert(Path::new("/m").join(p), (*t).to_owned());
        }
        s
    }
}

impl FileSource for MemSource {
    fn list_dir(&mut self, dir: &Path) -> Vec<PathBuf> {
        self.files
            .keys()
            .filter(|p| p.parent() == Some(dir))
            .cloned()
            .collect()
    }

    fn read(&mut self, path: &Path) -> Option<(FileId, Arc<str>)> {
        if let Some(hit) = self.ids.get(path) {
            return Some(hit.clone());
        }
        let text: Arc<str> = Arc::from(self.files.get(path)?.as_str());
        let shown = path
            .strip_prefix("/m")
            .unwrap_or(path)
            .to_string_lossy()
            .into_owned();
        let id = self.map.add(shown, text.clone());
        self.ids.insert(path.to_path_buf(), (id, text.clone()));
        Some((id, text))
    }
}

/// Loads an in-memory configuration rooted at `/m`.
pub fn load_mem(files: &[(&str, &str)]) -> (Parsed, MemSource) {
    load_mem_with(files, &Options::default())
}

pub fn load_mem_with(files: &[(&str, &str)], options: &Options) -> (Parsed, MemSource) {
    let mut src = MemSource::new(files);
    let parsed = passgraph_hcl::load(Path::new("/m"), &mut src, options);
    (parsed, src)
}

/// `file:line:col` of an origin.
pub fn at(map: &SourceMap, o: &Origin) -> String {
    let l = map.locate(o);
    format!("{}:{}:{}", l.file, l.line, l.column)
}

/// The corpora folder.
pub fn corpora() -> PathBuf {
    let p = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/corpora"
    ));
    std::fs::canonicalize(&p).unwrap_or(p)
}
