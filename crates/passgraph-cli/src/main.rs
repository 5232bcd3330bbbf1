//! The `passgraph` binary: glue between the command line, the file system and the library
//! crates. It holds no analysis logic.

mod args;
mod inputs;

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::Parser;

use passgraph_graph::{Analysis, Finding, Severity};
use passgraph_model::Tri;
use passgraph_report::{Report, Selection};

use crate::args::{CertaintyFilter, Cli, Color, Command, FailOn, Format, InputArgs, OutputArgs};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            if e.chain().any(|c| {
                c.downcast_ref::<io::Error>()
                    .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            eprintln!("passgraph: error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Audit {
            input,
            output,
            inputs,
        } => with_pool(&output, || audit(&inputs, &input, &output)),
        Command::Graph {
            input,
            output,
            inputs,
        } => with_pool(&output, || graph(&inputs, &input, &output)),
        Command::Explain {
            input,
            output,
            principal,
            role,
            inputs,
        } => with_pool(&output, || {
            explain(&inputs, &input, &output, &principal, role.as_deref())
        }),
        Command::Diff {
            input,
            output,
            base,
            head,
        } => with_pool(&output, || diff(&base, &head, &input, &output)),
    }
}

fn with_pool(output: &OutputArgs, f: impl FnOnce() -> Result<ExitCode> + Send) -> Result<ExitCode> {
    match output.threads {
        Some(0) => bail!("--threads must be at least 1"),
        Some(n) => rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .context("starting worker threads")?
            .install(f),
        None => f(),
    }
}

struct Run {
    loaded: inputs::Loaded,
    analysis: Analysis,
}

fn analyze(paths: &[PathBuf], input: &InputArgs) -> Result<Run> {
    analyze_with(paths, input, false)
}

/// `skip_graph`: the output reads no graph (every format of `audit` but DOT).
fn analyze_with(paths: &[PathBuf], input: &InputArgs, skip_graph: bool) -> Result<Run> {
    let loaded = inputs::load(paths, input)?;
    let options = passgraph_graph::Options {
        scps: loaded.scps.clone(),
        skip_graph,
    };
    let analysis = passgraph_graph::analyze(&loaded.account, &options);
    // The comparison harness of the set engine: the reference algorithm must agree.
    if std::env::var_os("PASSGRAPH_REFERENCE_CHECK").is_some()
        && let Some(d) = passgraph_graph::reference_difference(&loaded.account, &options, &analysis)
    {
        bail!("findings differ from the reference: {d}");
    }
    Ok(Run { loaded, analysis })
}

/// The findings `--service` and `--certainty` select.
fn selection(output: &OutputArgs) -> Selection {
    Selection {
        services: output.services.clone(),
        definite_only: output.certainty != CertaintyFilter::Any,
        ..Selection::default()
    }
}

/// The selected findings, materialised (for `diff`, which compares two lists).
fn selected(analysis: &Analysis, output: &OutputArgs) -> Vec<Finding> {
    analysis
        .findings
        .stream()
        .filter(|f| passgraph_report::service_matches(&output.services, &f.service))
        .filter(|f| output.certainty == CertaintyFilter::Any || f.certainty == Tri::Yes)
        .collect()
}

fn threshold(fail_on: FailOn) -> Option<Severity> {
    match fail_on {
        FailOn::None => None,
        FailOn::Low => Some(Severity::Low),
        FailOn::Medium => Some(Severity::Medium),
        FailOn::High => Some(Severity::High),
        FailOn::Critical => Some(Severity::Critical),
    }
}

fn fails(findings: &[Finding], fail_on: FailOn) -> bool {
    threshold(fail_on).is_some_and(|t| findings.iter().any(|f| f.severity >= t))
}

fn exit_code(report: &Report<'_>, fail_on: FailOn) -> ExitCode {
    let fail = threshold(fail_on).is_some_and(|t| report.max_severity().is_some_and(|s| s >= t));
    if fail {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn writer(output: &OutputArgs) -> Result<Box<dyn Write>> {
    Ok(match &output.output {
        Some(p) => Box::new(BufWriter::new(
            File::create(p).with_context(|| format!("creating {}", p.display()))?,
        )),
        None => Box::new(BufWriter::new(io::stdout().lock())),
    })
}

fn color(output: &OutputArgs) -> bool {
    match output.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            output.output.is_none()
                && io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none()
        }
    }
}

fn emit(
    w: &mut dyn Write,
    report: &Report<'_>,
    output: &OutputArgs,
    dot_findings_only: bool,
) -> Result<()> {
    match output.format {
        Format::Text => passgraph_report::text::emit(
            w,
            report,
            passgraph_report::text::TextOptions {
                color: color(output),
            },
        )?,
        Format::Json => passgraph_report::json::emit(w, report)?,
        Format::Sarif => passgraph_report::sarif::emit(w, report)?,
        Format::Markdown => passgraph_report::markdown::emit(w, report)?,
        Format::Dot => passgraph_report::dot::emit(w, report, dot_findings_only)?,
    }
    w.flush()?;
    Ok(())
}

fn audit(paths: &[PathBuf], input: &InputArgs, output: &OutputArgs) -> Result<ExitCode> {
    let run = analyze_with(paths, input, output.format != Format::Dot)?;
    let mut report = Report::new(
        &run.analysis,
        &run.loaded.account,
        &run.loaded.sources,
        run.loaded.diagnostics.clone(),
    );
    report.selection = selection(output);
    let mut w = writer(output)?;
    emit(&mut *w, &report, output, true)?;
    Ok(exit_code(&report, output.fail_on))
}

fn graph(paths: &[PathBuf], input: &InputArgs, output: &OutputArgs) -> Result<ExitCode> {
    let run = analyze(paths, input)?;
    let mut report = Report::new(
        &run.analysis,
        &run.loaded.account,
        &run.loaded.sources,
        run.loaded.diagnostics.clone(),
    );
    report.selection = selection(output);
    let mut w = writer(output)?;
    match output.format {
        Format::Json => passgraph_report::json::emit_graph(&mut *w, &report)?,
        Format::Dot | Format::Text => passgraph_report::dot::emit(&mut *w, &report, false)?,
        other => bail!("graph writes dot or json, not {other:?}"),
    }
    w.flush()?;
    Ok(exit_code(&report, output.fail_on))
}

fn names_principal(analysis: &Analysis, i: usize, key: &str) -> bool {
    let p = &analysis.principals[i];
    p.name.as_known() == Some(key)
        || p.arn.as_known() == Some(key)
        || p.name.to_string() == key
        || p.arn.to_string() == key
}

fn explain(
    paths: &[PathBuf],
    input: &InputArgs,
    output: &OutputArgs,
    principal: &str,
    role: Option<&str>,
) -> Result<ExitCode> {
    let run = analyze(paths, input)?;
    let a = &run.analysis;
    let matches: Vec<usize> = (0..a.principals.len())
        .filter(|&i| names_principal(a, i, principal))
        .collect();
    if matches.is_empty() {
        bail!("no principal named {principal:?} in the inputs");
    }
    let roles: Option<Vec<usize>> = role.map(|r| {
        (0..a.principals.len())
            .filter(|&i| names_principal(a, i, r))
            .collect()
    });
    if let Some(rs) = &roles
        && rs.is_empty()
    {
        bail!("no role named {:?} in the inputs", role.unwrap_or_default());
    }
    let mut report = Report::new(
        a,
        &run.loaded.account,
        &run.loaded.sources,
        run.loaded.diagnostics.clone(),
    );
    // One principal's findings: small enough to list.
    let mut sel = selection(output);
    let mut who = matches.clone();
    who.sort_unstable();
    sel.list = Some(
        who.iter()
            .flat_map(|p| a.findings.principal(*p).iter().collect::<Vec<_>>())
            .filter(|f| roles.as_ref().is_none_or(|rs| rs.contains(&f.role)))
            .collect(),
    );
    report.selection = sel;
    let mut w = writer(output)?;
    match output.format {
        Format::Text => passgraph_report::explain::emit(
            &mut *w,
            &report,
            &matches,
            roles.as_deref(),
            color(output),
        )?,
        _ => emit(&mut *w, &report, output, true)?,
    }
    w.flush()?;
    Ok(exit_code(&report, output.fail_on))
}

/// The identity of a finding across two analyses: principal, role and service by ARN.
fn identity(a: &Analysis, f: &Finding) -> (String, String, String, String) {
    let p = &a.principals[f.principal];
    (
        p.kind.as_str().to_owned(),
        p.arn.to_string(),
        a.principals[f.role].arn.to_string(),
        f.service.to_string(),
    )
}

fn diff(
    base: &[PathBuf],
    head: &[PathBuf],
    input: &InputArgs,
    output: &OutputArgs,
) -> Result<ExitCode> {
    let b = analyze(base, input)?;
    let h = analyze(head, input)?;
    let bf = selected(&b.analysis, output);
    let hf = selected(&h.analysis, output);
    let bset: std::collections::BTreeSet<_> = bf.iter().map(|f| identity(&b.analysis, f)).collect();
    let hset: std::collections::BTreeSet<_> = hf.iter().map(|f| identity(&h.analysis, f)).collect();
    let added: Vec<Finding> = hf
        .into_iter()
        .filter(|f| !bset.contains(&identity(&h.analysis, f)))
        .collect();
    let removed: Vec<Finding> = bf
        .into_iter()
        .filter(|f| !hset.contains(&identity(&b.analysis, f)))
        .collect();
    let mut hr = Report::new(
        &h.analysis,
        &h.loaded.account,
        &h.loaded.sources,
        h.loaded.diagnostics.clone(),
    );
    let mut br = Report::new(
        &b.analysis,
        &b.loaded.account,
        &b.loaded.sources,
        b.loaded.diagnostics.clone(),
    );
    let mut w = writer(output)?;
    match output.format {
        Format::Json => passgraph_report::json::emit_diff(
            &mut *w,
            &hr,
            &added.iter().collect::<Vec<_>>(),
            &br,
            &removed.iter().collect::<Vec<_>>(),
        )?,
        Format::Text | Format::Markdown => {
            writeln!(
                w,
                "passgraph diff: {} added, {} removed",
                added.len(),
                removed.len()
            )?;
            hr.selection.list = Some(added.clone());
            br.selection.list = Some(removed.clone());
            if !added.is_empty() {
                writeln!(w, "\nadded by the change:")?;
                passgraph_report::text::emit(
                    &mut *w,
                    &hr,
                    passgraph_report::text::TextOptions {
                        color: color(output),
                    },
                )?;
            }
            if !removed.is_empty() {
                writeln!(w, "\nremoved by the change:")?;
                passgraph_report::text::emit(
                    &mut *w,
                    &br,
                    passgraph_report::text::TextOptions {
                        color: color(output),
                    },
                )?;
            }
        }
        other => bail!("diff writes text, markdown or json, not {other:?}"),
    }
    w.flush()?;
    Ok(if fails(&added, output.fail_on) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
