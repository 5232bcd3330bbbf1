//! Bounds on what one run reads, so that a hostile input gives a clear error instead of
//! exhausting memory: no file or standard input larger than [`MAX_INPUT_BYTES`] is read.

use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// The largest input read, in bytes (512 MiB). Terraform plans of 100 MB are read in about
/// their own size of memory; anything five times larger is refused before it is read.
pub(crate) const MAX_INPUT_BYTES: u64 = 512 * 1024 * 1024;

fn too_large(max: u64) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("more than {max} bytes, the most passgraph reads from one input"),
    )
}

/// Reads at most `max` bytes from `r`; more is an error.
fn read_bounded(r: impl Read, max: u64, size_hint: u64) -> io::Result<Vec<u8>> {
    // One allocation of the expected size (`take` hides the file's size from `read_to_end`).
    let mut buf = Vec::with_capacity(usize::try_from(size_hint.min(max) + 1).unwrap_or(0));
    r.take(max + 1).read_to_end(&mut buf)?;
    if buf.len() as u64 > max {
        return Err(too_large(max));
    }
    Ok(buf)
}

/// Reads a file, refusing one larger than [`MAX_INPUT_BYTES`] before reading it (and while
/// reading it, for files that grow or report no size).
pub(crate) fn read_file(path: &Path) -> io::Result<Vec<u8>> {
    let file = fs::File::open(path)?;
    let len = file.metadata()?.len();
    if len > MAX_INPUT_BYTES {
        return Err(too_large(MAX_INPUT_BYTES));
    }
    read_bounded(file, MAX_INPUT_BYTES, len)
}

/// Reads standard input, refusing more than [`MAX_INPUT_BYTES`].
pub(crate) fn read_stdin() -> io::Result<Vec<u8>> {
    read_bounded(io::stdin().lock(), MAX_INPUT_BYTES, 0)
}

/// The folder a Terraform configuration in `root` may read modules and files from: the git
/// work tree that holds it (the repository of a pull request), or else the current folder when
/// it holds `root`, or else the folder the user named (`named`, searched for configurations)
/// when it holds `root`, or else `root` itself. Canonical (symbolic links resolved); `None`
/// when `root` cannot be resolved (then nothing can be read from it anyway).
pub(crate) fn boundary(root: &Path, named: &Path) -> Option<PathBuf> {
    let root = fs::canonicalize(root).ok()?;
    if let Some(top) = root.ancestors().find(|a| a.join(".git").exists()) {
        return Some(top.to_path_buf());
    }
    let cwd = std::env::current_dir()
        .ok()
        .and_then(|c| fs::canonicalize(c).ok());
    let named = fs::canonicalize(named).ok();
    [cwd, named]
        .into_iter()
        .flatten()
        .find(|c| root.starts_with(c))
        .or(Some(root))
}

/// Whether `path` lies inside `boundary` once symbolic links are resolved. A path that does not
/// exist is judged by its nearest existing ancestor, so a missing file is reported as missing,
/// not as outside.
pub(crate) fn inside(boundary: &Path, path: &Path) -> bool {
    path.ancestors()
        .find_map(|a| fs::canonicalize(a).ok())
        .is_some_and(|c| c.starts_with(boundary))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_up_to_the_bound_and_refuses_more() {
        let exact = read_bounded(&b"{}"[..], 2, 2).expect("input at the bound");
        assert_eq!(exact, b"{}");
        // A reader that never ends (io::repeat) stops one byte past the bound.
        let err = read_bounded(io::repeat(b' '), 1000, 0).expect_err("endless input");
        assert_eq!(
            err.to_string(),
            "more than 1000 bytes, the most passgraph reads from one input"
        );
    }
}
