//! Terraform configuration folders (`.tf`, `.tf.json`) → the passgraph account model.
//!
//! The crate evaluates HCL offline the way Terraform would as far as that is possible: variables
//! (defaults, `terraform.tfvars`, `*.auto.tfvars`, `--var-file`, `--var`), locals, resources and
//! data sources with `count`/`for_each`, local module calls (followed, with inputs and outputs),
//! references, templates, conditionals, `for` expressions, splats and the functions IAM code
//! uses. What is not known until apply (an ARN, the account id, a generated name, a variable
//! without a value) stays symbolic as a hole of a [`passgraph_model::Str`]; ARNs of roles, users,
//! groups, policies and instance profiles are synthesised so that references resolve.
//!
//! Positions come from the parser (`syntax`, `hcl::edit`'s grammar and tree with spans; never
//! `hcl::from_str`, which drops them): every statement of a policy points at its `jsonencode`
//! object, its `statement` block or its JSON text.
//!
//! The crate does no I/O: the caller hands it a [`FileSource`]. Remote module sources are never
//! fetched (diagnostic `RemoteModule`).

mod config;
pub mod discover;
mod eval;
mod extract;
mod funcs;
mod ignore;
mod jsontext;
mod limits;
mod parse;
mod policydoc;
mod roleuse;
mod syntax;
mod value;
mod vars;

#[doc(hidden)]
pub use syntax::parser_disagreement;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use passgraph_model::{FileId, Parsed};

pub use passgraph_model::RoleUseSpec;
pub use passgraph_terraform::ROLE_USES;

/// Where the crate reads files from. The CLI implements it over the file system and registers
/// every file it reads in its `SourceMap`.
pub trait FileSource {
    /// The files (not folders) directly in `dir`, as paths that [`FileSource::read`] accepts.
    fn list_dir(&mut self, dir: &Path) -> Vec<PathBuf>;
    /// The text of a file and the id under which it is registered, or `None` when it cannot be
    /// read (missing, not UTF-8).
    fn read(&mut self, path: &Path) -> Option<(FileId, Arc<str>)>;
    /// Whether the loader may read under `path`: a module folder a `source` names, or a file
    /// that `file()` or `templatefile()` names. A source that confines reading to one folder
    /// (the CLI: the repository) answers `false` outside it, and the loader refuses the module
    /// or the file with a diagnostic. Every path by default.
    fn allows(&mut self, path: &Path) -> bool {
        let _ = path;
        true
    }
}

/// What the user tells the loader.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// `--var NAME=VALUE`, in order (later wins).
    pub vars: Vec<(String, String)>,
    /// `--var-file FILE`, in order (read before `vars`, after the automatic files).
    pub var_files: Vec<PathBuf>,
    /// The account id, when known (`--account-id`); otherwise the canonical account hole.
    pub account_id: Option<String>,
    /// The partition, when known; otherwise derived from the provider's literal region, or the
    /// canonical partition hole.
    pub partition: Option<String>,
    /// The region, when known; otherwise the provider's literal region or the region hole.
    pub region: Option<String>,
    /// Where the parse trees go after a load, for the caller to free when it likes (or never,
    /// when the process ends next); `None`: they are freed at once, on a worker thread.
    pub trees: Option<Trees>,
}

/// Parse trees that loads left behind. A large configuration's tree is millions of small
/// allocations; freeing it costs a core a few milliseconds, which a caller that goes on with
/// parallel work (the analysis) would rather spend later, or not at all.
#[derive(Clone, Default)]
pub struct Trees(Arc<Mutex<Vec<eval::Modules>>>);

impl Trees {
    fn keep(&self, modules: eval::Modules) {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(modules);
    }
}

impl std::fmt::Debug for Trees {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Trees")
    }
}

/// Loads the root module in `root` and every local module it calls.
#[must_use]
pub fn load(root: &Path, source: &mut dyn FileSource, options: &Options) -> Parsed {
    eval::run(root, source, options).parsed
}

/// The same as [`load`], with figures about what was loaded (for tests and `--verbose`).
#[must_use]
pub fn load_with_stats(
    root: &Path,
    source: &mut dyn FileSource,
    options: &Options,
) -> (Parsed, Stats) {
    let out = eval::run(root, source, options);
    (out.parsed, out.stats)
}

/// Figures about one load.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Configuration files read (`.tf`, `.tf.json`), over all modules.
    pub files: usize,
    /// Module instances, the root included, by address (`` for the root, `module.x`, ...).
    pub modules: Vec<String>,
    /// Resource instances by type (managed resources only), sorted by type.
    pub resources: Vec<(String, usize)>,
    /// Slices in which the resource instances were read, each by a fork of the evaluator on
    /// a thread of its own: 1 when they were read in turn (the answer is the same either way).
    pub slices: usize,
}

/// True when a folder's files make it a Terraform module (it has `.tf` or `.tf.json` files).
#[must_use]
pub fn is_root_module(files: &[PathBuf]) -> bool {
    files.iter().any(|p| config::is_config_file(p))
}

#[cfg(test)]
mod tests;
