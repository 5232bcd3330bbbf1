//! `diff --base-ref REV`: the inputs as they are at a git revision, read through git into a
//! temporary folder (the working tree is never touched).

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

/// The inputs at a revision, extracted.
pub(crate) struct AtRevision {
    /// Holds the extracted files; removed on drop.
    pub(crate) dir: tempfile::TempDir,
    /// The inputs' paths inside `dir` that exist at the revision.
    pub(crate) paths: Vec<PathBuf>,
}

/// Extracts `paths` (files or folders of the working tree) as they are at `rev`.
pub(crate) fn extract(paths: &[PathBuf], rev: &str) -> Result<AtRevision> {
    let anchor = paths
        .iter()
        .find(|p| p.as_path() != Path::new("-"))
        .map_or_else(|| PathBuf::from("."), Clone::clone);
    let anchor_dir = if anchor.is_dir() {
        anchor.clone()
    } else {
        anchor
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
    };
    let top = git(&anchor_dir, &["rev-parse", "--show-toplevel"]).with_context(|| {
        format!(
            "--base-ref reads the inputs through git, but {} is not in a git repository",
            anchor.display()
        )
    })?;
    let top = PathBuf::from(top.trim_end_matches(['\n', '\r']));
    let commit = git(
        &top,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{rev}^{{commit}}"),
        ],
    )
    .with_context(|| format!("--base-ref {rev}: no such revision in {}", top.display()))?;
    let commit = commit.trim().to_owned();
    let top_real = top
        .canonicalize()
        .with_context(|| format!("reading {}", top.display()))?;
    let dir = tempfile::Builder::new()
        .prefix("passgraph-base-")
        .tempdir()
        .context("creating a temporary folder for --base-ref")?;
    let mut out = Vec::new();
    let mut wanted = Vec::new();
    for p in paths {
        if p.as_path() == Path::new("-") {
            bail!("--base-ref cannot read standard input (-) at a revision");
        }
        let rel = relative(&top_real, p)?;
        let listing = git(
            &top,
            &[
                "ls-tree",
                "-r",
                "-z",
                "--full-tree",
                "--name-only",
                &commit,
                "--",
                &rel,
            ],
        )?;
        let files: Vec<&str> = listing.split('\0').filter(|s| !s.is_empty()).collect();
        if files.is_empty() {
            continue; // the input does not exist at the revision: the base has nothing there
        }
        wanted.extend(files.iter().map(|f| (*f).to_owned()));
        let target = if rel.is_empty() {
            dir.path().to_path_buf()
        } else {
            dir.path().join(&rel)
        };
        if p.is_dir() || files.len() > 1 || files[0] != rel {
            std::fs::create_dir_all(&target)?;
        }
        out.push(target);
    }
    wanted.sort();
    wanted.dedup();
    write_blobs(&top, &commit, &wanted, dir.path())?;
    Ok(AtRevision { dir, paths: out })
}

/// `p` relative to the repository's top folder, with `/` separators (`""` for the top).
fn relative(top: &Path, p: &Path) -> Result<String> {
    let abs = if p.exists() {
        p.canonicalize()?
    } else {
        // Deleted in the working tree: resolve its folder.
        let parent = p
            .parent()
            .filter(|x| !x.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        parent
            .canonicalize()
            .with_context(|| format!("reading {}", p.display()))?
            .join(p.file_name().unwrap_or_default())
    };
    let rel = abs.strip_prefix(top).map_err(|_| {
        anyhow::anyhow!(
            "{} is outside the git repository {}",
            p.display(),
            top.display()
        )
    })?;
    let parts: Vec<String> = rel
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    Ok(parts.join("/"))
}

/// Writes the blobs `files` of `commit` under `dir`, through one `git cat-file --batch`.
fn write_blobs(top: &Path, commit: &str, files: &[String], dir: &Path) -> Result<()> {
    if files.is_empty() {
        return Ok(());
    }
    let mut child = Command::new("git")
        .arg("-C")
        .arg(top)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("running git")?;
    let mut stdin = child.stdin.take().context("git's standard input")?;
    let requests: String = files.iter().map(|f| format!("{commit}:{f}\n")).collect();
    let writer = std::thread::spawn(move || stdin.write_all(requests.as_bytes()));
    let mut reader = BufReader::new(child.stdout.take().context("git's standard output")?);
    for f in files {
        let mut header = String::new();
        reader.read_line(&mut header)?;
        let mut fields = header.split_whitespace();
        let (_, kind, size) = (fields.next(), fields.next(), fields.next());
        let size: usize = match (kind, size) {
            (Some("blob"), Some(n)) => n.parse().context("git's object size")?,
            _ => {
                // A submodule or symlink: nothing to read. Skip what git sent.
                if let Some(n) = size.and_then(|n| n.parse::<usize>().ok()) {
                    std::io::copy(&mut (&mut reader).take(n as u64 + 1), &mut std::io::sink())?;
                }
                continue;
            }
        };
        let mut body = vec![0; size];
        reader.read_exact(&mut body)?;
        let mut newline = [0u8; 1];
        reader.read_exact(&mut newline)?;
        let path = dir.join(f);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, body)?;
    }
    writer
        .join()
        .map_err(|_| anyhow::anyhow!("writing to git failed"))??;
    let status = child.wait()?;
    if !status.success() {
        bail!("git cat-file failed at {commit}");
    }
    Ok(())
}

/// Runs git in `dir`; its standard output, or an error with its standard error.
fn git(dir: &Path, args: &[&str]) -> Result<String> {
    let mut cmd = Command::new("git");
    cmd.arg("-C").arg(dir).args(args).stdin(Stdio::null());
    let out = cmd.output().context("running git (is it installed?)")?;
    if !out.status.success() {
        let msg = String::from_utf8_lossy(&out.stderr);
        bail!("git {}: {}", args.join(" "), msg.trim());
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}
