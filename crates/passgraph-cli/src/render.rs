//! `-f svg` and `-f png`: Graphviz `dot` draws the DOT text, when it is on PATH.

use std::io::Write;
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

use crate::args::Format;

/// Runs `dot -Tsvg` or `dot -Tpng` on `dot` and writes the picture to `w`.
pub(crate) fn draw(dot: &[u8], format: Format, w: &mut dyn Write) -> Result<()> {
    let t = match format {
        Format::Png => "-Tpng",
        _ => "-Tsvg",
    };
    let child = Command::new("dot")
        .arg(t)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => bail!(
            "-f svg and -f png need Graphviz `dot` on PATH, and it is not there: install Graphviz (apt-get install graphviz, brew install graphviz, choco install graphviz) or write -f dot and draw it elsewhere"
        ),
        Err(e) => return Err(e).context("starting Graphviz `dot`"),
    };
    // Feed stdin from a thread so that a large picture cannot deadlock on full pipes.
    let mut stdin = child.stdin.take().context("dot's standard input")?;
    let input = dot.to_vec();
    let feeder = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().context("running Graphviz `dot`")?;
    let fed = feeder.join();
    if !out.status.success() {
        bail!(
            "Graphviz `dot` failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    if let Ok(Err(e)) = fed {
        return Err(e).context("writing to Graphviz `dot`");
    }
    w.write_all(&out.stdout)?;
    Ok(())
}
