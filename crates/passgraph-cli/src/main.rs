//! The `passgraph` binary: glue between the command line, the file system and the library
//! crates. It holds no analysis logic.

mod accept;
mod args;
mod discover;
mod gitrev;
mod inputs;
mod limits;
mod progress;
mod render;
mod services;

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::CommandFactory;

use passgraph_graph::{Analysis, Finding, Severity};
use passgraph_model::{Diagnostic, Level};
use passgraph_report::condensed::Focus;
use passgraph_report::{Part, Report, Selection};

/// mimalloc instead of the system allocator: the readers make many small allocations (HCL
/// evaluation, document trees), and glibc's malloc and free were a quarter of the time of a
/// Terraform folder (docs/performance.md). Its 2.x series (the crate's `v2` feature): it keeps
/// 15-55 MB less resident than 3.x for the same work, so fewer fresh pages are faulted in, and
/// faulting a page in (the kernel zeroing it) was a tenth of a run.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use crate::args::{
    CertaintyFilter, Cli, Color, Command, FailOn, Format, InputArgs, MinLevel, OutputArgs, Shell,
};

/// The parsed command line, for `accept::defaults` (which options were given).
static MATCHES: std::sync::OnceLock<clap::ArgMatches> = std::sync::OnceLock::new();

fn main() -> ExitCode {
    let matches = Cli::command().get_matches();
    let cli = match <Cli as clap::FromArgMatches>::from_arg_matches(&matches) {
        Ok(c) => c,
        Err(e) => e.exit(),
    };
    let _ = MATCHES.set(matches);
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
            picture,
            inputs,
        } => with_pool(&output, || graph(&inputs, &input, &output, &picture)),
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
            base_ref: Some(rev),
            inputs,
        } => {
            debug_assert!(base.is_empty() && head.is_empty());
            let head = if inputs.is_empty() {
                vec![PathBuf::from(".")]
            } else {
                inputs
            };
            let at = gitrev::extract(&head, &rev)?;
            // The working tree's configuration reads both sides alike.
            let (_, input, output) = configured(&head, &input, &output, "diff")?;
            with_pool(&output, || {
                diff_runs(
                    at_revision(&at, &rev, &input)?,
                    analyze(&head, &input)?,
                    &output,
                    &head,
                    &input,
                )
            })
        }
        Command::Diff {
            input,
            output,
            base,
            head,
            ..
        } => with_pool(&output, || diff(&base, &head, &input, &output)),
        Command::Completions { shell } => {
            completions(shell, &mut io::stdout().lock())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Man => {
            let mut out = io::stdout().lock();
            clap_mangen::Man::new(Cli::command()).render(&mut out)?;
            out.flush()?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Writes the completion script of `shell`, generated from the clap definitions.
fn completions(shell: Shell, w: &mut dyn Write) -> Result<()> {
    use clap_complete::Shell as S;
    let shell = match shell {
        Shell::Bash => S::Bash,
        Shell::Zsh => S::Zsh,
        Shell::Fish => S::Fish,
        Shell::Powershell => S::PowerShell,
        Shell::Elvish => S::Elvish,
    };
    clap_complete::generate(shell, &mut Cli::command(), "passgraph", w);
    w.flush()?;
    Ok(())
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

pub(crate) struct Run {
    loaded: inputs::Loaded,
    /// One analysis per account of `loaded.stacks`, in the same order.
    pub(crate) analyses: Vec<Analysis>,
}

fn analyze(paths: &[PathBuf], input: &InputArgs) -> Result<Run> {
    analyze_with(paths, input, false)
}

/// `findings_only`: the output reads the findings only, no graph and no `explain` tables
/// (every format of `audit`, the condensed pictures of `graph`).
fn analyze_with(paths: &[PathBuf], input: &InputArgs, findings_only: bool) -> Result<Run> {
    let mut progress = progress::Progress::start(true);
    let loaded = inputs::load(paths, input)?;
    let options = passgraph_graph::Options {
        scps: loaded.scps.clone(),
        findings_only,
    };
    let reference_check = std::env::var_os("PASSGRAPH_REFERENCE_CHECK").is_some();
    progress.stage("analysing");
    let analyses = loaded
        .stacks
        .iter()
        .map(|s| {
            let mut analysis = passgraph_graph::analyze(&s.account, &options);
            // The comparison harness of the set engine: the reference algorithm must agree.
            if reference_check
                && let Some(d) =
                    passgraph_graph::reference_difference(&s.account, &options, &analysis)
            {
                bail!("findings differ from the reference: {d}");
            }
            if let Some(note) = passgraph_graph::unknown_account(&s.account, &options, &analysis) {
                let d = unknown_account_note(&note, &analysis);
                analysis.diagnostics.push(d);
            }
            Ok(analysis)
        })
        .collect::<Result<Vec<_>>>()?;
    progress.finish();
    Ok(Run { loaded, analyses })
}

/// The least serious diagnostic shown: `--min-level`, else warnings for people (text) and
/// everything for programs (JSON, SARIF, ...).
fn min_level(output: &OutputArgs) -> Level {
    match output.min_level {
        Some(MinLevel::Note) => Level::Note,
        Some(MinLevel::Warning) => Level::Warning,
        Some(MinLevel::Error) => Level::Error,
        None if output.format == Format::Text => Level::Warning,
        None => Level::Note,
    }
}

/// Whether a diagnostic is shown: `--quiet` shows none, `--min-level` those at or above it.
fn shown(output: &OutputArgs, d: &Diagnostic) -> bool {
    !output.quiet && d.level >= min_level(output)
}

/// The reports of a run, one per stack, with the selected findings and the diagnostics shown.
/// With no folder searched, the one report also carries the diagnostics of no stack. The second
/// value is the number of diagnostics hidden by `--min-level` (and `--quiet`).
fn parts<'a>(run: &'a Run, output: &OutputArgs) -> (Vec<Part<'a>>, Vec<Diagnostic>, usize) {
    let l = &run.loaded;
    let searched = l.discovery.is_some();
    let mut hidden = 0;
    let mut parts = Vec::new();
    for (s, a) in l.stacks.iter().zip(&run.analyses) {
        let mut diags = s.diagnostics.clone();
        if !searched {
            diags.extend(l.diagnostics.iter().cloned());
        }
        let mut report = Report::new(a, &s.account, &l.sources, diags);
        report.selection = selection(output);
        passgraph_report::stacks::dedup_by_place(&mut report.diagnostics);
        let before = report.diagnostics.len();
        report.diagnostics.retain(|d| shown(output, d));
        hidden += before - report.diagnostics.len();
        parts.push(Part {
            stack: s.name.clone(),
            report,
        });
    }
    // The same file read by several stacks (a module called by every example) says the same
    // thing once: in the first stack, which counts the others.
    let mut seen: passgraph_model::hash::HashMap<_, (usize, usize)> =
        passgraph_model::hash::HashMap::default();
    // Stacks read a shared file each under its own id: places compare by file name.
    let key = |d: &Diagnostic| {
        d.origin.as_ref().map(|o| {
            let at = l.sources.locate(o);
            (
                d.code,
                at.file,
                o.range.start,
                o.range.end,
                passgraph_report::stacks::cause(&d.message),
            )
        })
    };
    for p in 0..parts.len() {
        let mut keep = Vec::new();
        for d in &parts[p].report.diagnostics {
            match key(d) {
                Some(k) => match seen.get_mut(&k) {
                    Some(e) => {
                        e.1 += 1;
                        keep.push(false);
                    }
                    None => {
                        seen.insert(k, (p, 0));
                        keep.push(true);
                    }
                },
                None => keep.push(true),
            }
        }
        let mut k = keep.into_iter();
        parts[p]
            .report
            .diagnostics
            .retain(|_| k.next().unwrap_or(true));
    }
    for (k, (p, n)) in seen {
        if n == 0 {
            continue;
        }
        let d = parts[p]
            .report
            .diagnostics
            .iter_mut()
            .find(|d| key(d).as_ref() == Some(&k));
        if let Some(d) = d {
            d.message.push_str(&format!(
                " (and in {n} more stack{})",
                if n == 1 { "" } else { "s" }
            ));
        }
    }
    let mut extra: Vec<Diagnostic> = if searched {
        l.diagnostics.clone()
    } else {
        Vec::new()
    };
    extra.sort_by_cached_key(|d| {
        (
            d.origin.as_ref().map(|o| l.sources.locate(o)),
            d.code,
            d.message.clone(),
            d.level,
        )
    });
    extra.dedup();
    passgraph_report::stacks::dedup_by_place(&mut extra);
    let before = extra.len();
    extra.retain(|d| shown(output, d));
    hidden += before - extra.len();
    (parts, extra, hidden)
}

fn discovery(run: &Run) -> Option<passgraph_report::Discovery> {
    run.loaded
        .discovery
        .as_ref()
        .map(|d| passgraph_report::Discovery {
            files_read: d.files_read,
            stacks: d.stacks,
            skipped: d.skipped.iter().map(|(k, v)| (k.clone(), *v)).collect(),
        })
}

/// One note for the findings that are possible only because the account id is unknown.
fn unknown_account_note(
    note: &passgraph_graph::UnknownAccount,
    analysis: &Analysis,
) -> passgraph_model::Diagnostic {
    let possible = analysis.findings.len() - analysis.findings.definite();
    let (word, list) = match note.accounts.as_slice() {
        [one] => ("account", one.clone()),
        many => ("accounts", many.join(", ")),
    };
    let first = note.tried.first().map_or("", String::as_str);
    passgraph_model::Diagnostic::note(
        passgraph_model::Code::UnknownValue,
        format!(
            "{possible} {} possible, at least {} of them only because the account id is unknown: the inputs' own ARNs hold it while their policies name {word} {list}; --account-id decides them (with --account-id {first}, {} definite)",
            if possible == 1 {
                "finding is"
            } else {
                "findings are"
            },
            note.findings,
            if note.findings == 1 {
                "1 is".to_owned()
            } else {
                format!("{} are", note.findings)
            },
        ),
        None,
    )
}

/// `--service`: the service principal, or its name without `.amazonaws.com` (`ec2`), or its
/// last label before it (`rds` for `monitoring.rds.amazonaws.com`).
pub(crate) fn service_matches(filters: &[String], service: &str) -> bool {
    passgraph_report::service_matches(filters, service)
}

/// The findings `--service` and `--certainty` select.
fn selection(output: &OutputArgs) -> Selection {
    Selection {
        services: output.services.clone(),
        definite_only: output.certainty != CertaintyFilter::Any,
        show_suppressed: output.show_suppressed,
        ..Selection::default()
    }
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

/// Exit 1 when a finding of the reports is at or above `--fail-on`.
fn exit_code<'r, 'a: 'r>(
    reports: impl IntoIterator<Item = &'r Report<'a>>,
    fail_on: FailOn,
) -> ExitCode {
    let fail = threshold(fail_on).is_some_and(|t| reports.into_iter().any(|r| r.fails(t)));
    if fail {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Exit 1 when one of `findings` is at or above `--fail-on`.
fn exit_code_of(findings: &[&Finding], fail_on: FailOn) -> ExitCode {
    if threshold(fail_on).is_some_and(|t| findings.iter().any(|f| f.severity >= t)) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn writer(output: &OutputArgs) -> Result<Box<dyn Write>> {
    Ok(match &output.output {
        Some(p) => Box::new(OutputFile {
            path: p.clone(),
            file: None,
        }),
        None => Box::new(BufWriter::new(io::stdout().lock())),
    })
}

/// The `-o` file, created when the first byte or the final flush reaches it: a run that fails
/// before it writes (more stacks than a picture holds, Graphviz missing) leaves an existing
/// file as it was, and a run that writes nothing still replaces it with an empty one.
struct OutputFile {
    path: PathBuf,
    file: Option<BufWriter<File>>,
}

impl OutputFile {
    fn file(&mut self) -> io::Result<&mut BufWriter<File>> {
        let file = match self.file.take() {
            Some(f) => f,
            None => BufWriter::new(File::create(&self.path).map_err(|e| {
                io::Error::new(e.kind(), format!("creating {}: {e}", self.path.display()))
            })?),
        };
        Ok(self.file.insert(file))
    }
}

impl Write for OutputFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file()?.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file()?.flush()
    }
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
        Format::Jsonl => passgraph_report::jsonl::emit(w, report)?,
        Format::Sarif => passgraph_report::sarif::emit(w, report)?,
        Format::Markdown => passgraph_report::markdown::emit(w, report)?,
        Format::Dot if dot_findings_only => {
            passgraph_report::condensed::emit(w, report, &Focus::default())?;
        }
        Format::Dot => passgraph_report::dot::emit(w, report, false)?,
        Format::Svg | Format::Png => {
            let mut dot = Vec::new();
            passgraph_report::condensed::emit(&mut dot, report, &Focus::default())?;
            render::draw(&dot, output.format, w)?;
        }
    }
    w.flush()?;
    Ok(())
}

/// The inputs and output options as `.passgraph.yaml` (found upward from the first input, or
/// `--config-file`) completes them for `subcommand`: its defaults for what the command line
/// does not give, its excluded paths, accounts, parameters and variables.
fn configured(
    paths: &[PathBuf],
    input: &InputArgs,
    output: &OutputArgs,
    subcommand: &str,
) -> Result<(Option<accept::ConfigFile>, InputArgs, OutputArgs)> {
    let config_file = accept::find(paths, input)?;
    let (input, output) = match &config_file {
        Some(c) => {
            let mut scratch = passgraph_model::SourceMap::default();
            let cfg = accept::parse(c, &mut scratch)?;
            let given = MATCHES.get().and_then(|m| m.subcommand_matches(subcommand));
            let (i, o) = accept::defaults(&cfg, c, given, input, output)?;
            (accept::apply(&cfg, c, &i), o)
        }
        None => (input.clone(), output.clone()),
    };
    Ok((config_file, input, output))
}

fn audit(paths: &[PathBuf], input: &InputArgs, output: &OutputArgs) -> Result<ExitCode> {
    let (config_file, input, output) = configured(paths, input, output, "audit")?;
    let output = &output;
    // No format of `audit` reads the petgraph view: its pictures are condensed from findings.
    let mut run = analyze_with(paths, &input, true)?;
    let config = match &config_file {
        Some(c) => Some(accept::parse(c, &mut run.loaded.sources)?),
        None => None,
    };
    let baseline = accept::baseline(output)?;
    let today = accept::today();
    let accepts: &[passgraph_config::Acceptance] = config.as_ref().map_or(&[], |c| &c.accept);
    let suppressors = accept::suppressors(accepts, &run.loaded.stacks, baseline.as_ref(), today);
    let active = config.is_some() || baseline.is_some() || accept::any_inline(&run.loaded.stacks);
    let hooks: Vec<Box<passgraph_report::Suppress<'_>>> = suppressors
        .iter()
        .map(|s| {
            Box::new(move |r: &Report<'_>, f: &Finding| accept::check(s, r, f))
                as Box<passgraph_report::Suppress<'_>>
        })
        .collect();
    services::check(&run, output)?;
    let (mut parts, extra, hidden) = parts(&run, output);
    if active {
        for (p, h) in parts.iter_mut().zip(&hooks) {
            p.report.suppress = Some(&**h);
        }
    }
    let found = discovery(&run);
    let mut w = writer(output)?;
    emit_parts(&mut *w, &parts, &extra, found.as_ref(), output, true)?;
    if output.format == Format::Text && hidden > 0 && !output.quiet {
        let what = match min_level(output) {
            Level::Warning => "note",
            _ => "diagnostic",
        };
        writeln!(
            w,
            "\n({hidden} {what}{} not shown; --min-level note shows them)",
            if hidden == 1 { "" } else { "s" }
        )?;
    }
    w.flush()?;
    if let Some(path) = &output.write_baseline {
        accept::write_baseline(path, &parts)?;
    }
    let code = exit_code(parts.iter().map(|p| &p.report), output.fail_on);
    if active {
        for s in &suppressors {
            accept::report_diagnostics(s, &run.loaded.sources);
        }
    }
    // The process ends after this: freeing the reports, the analyses and the model one
    // allocation at a time would cost more than a tenth of the run on a large account.
    std::mem::forget(parts);
    drop(hooks);
    drop(suppressors);
    std::mem::forget(run);
    Ok(code)
}

/// Writes a run: as before for the one account of inputs named one by one, grouped per stack
/// when folders were searched.
fn emit_parts(
    w: &mut dyn Write,
    parts: &[Part<'_>],
    extra: &[Diagnostic],
    found: Option<&passgraph_report::Discovery>,
    output: &OutputArgs,
    dot_findings_only: bool,
) -> Result<()> {
    if let ([one], None) = (parts, found) {
        return emit(w, &one.report, output, dot_findings_only);
    }
    let text = passgraph_report::text::TextOptions {
        color: color(output),
    };
    match output.format {
        Format::Text => passgraph_report::stacks::emit_text(w, parts, extra, found, text)?,
        Format::Json => passgraph_report::json::emit_stacks(w, parts, extra, found)?,
        Format::Jsonl => passgraph_report::jsonl::emit_stacks(w, parts, extra, found)?,
        Format::Sarif => passgraph_report::sarif::emit_stacks(w, parts, extra)?,
        Format::Markdown => passgraph_report::stacks::emit_markdown(w, parts, found)?,
        Format::Dot if dot_findings_only => {
            passgraph_report::stacks::emit_condensed(w, parts, &Focus::default())?;
        }
        Format::Dot => passgraph_report::stacks::emit_dot(w, parts, false)?,
        Format::Svg | Format::Png if parts.len() == 1 => {
            let mut dot = Vec::new();
            passgraph_report::condensed::emit(&mut dot, &parts[0].report, &Focus::default())?;
            render::draw(&dot, output.format, w)?;
        }
        Format::Svg | Format::Png => bail!(
            "-f {} draws one stack, and the search found {}: name one stack's folder or template, or use -f dot",
            if output.format == Format::Svg {
                "svg"
            } else {
                "png"
            },
            parts.len()
        ),
    }
    w.flush()?;
    Ok(())
}

fn graph(
    paths: &[PathBuf],
    input: &InputArgs,
    output: &OutputArgs,
    picture: &args::PictureArgs,
) -> Result<ExitCode> {
    let (_, input, output) = configured(paths, input, output, "graph")?;
    let (input, output) = (&input, &output);
    // JSON and --full write the whole model; the condensed picture reads the findings only.
    let run = analyze_with(
        paths,
        input,
        !picture.full && !matches!(output.format, Format::Json),
    )?;
    services::check(&run, output)?;
    let (parts, _, _) = parts(&run, output);
    let focus = Focus {
        principals: picture.principals.clone(),
        roles: picture.roles.clone(),
        max_nodes: picture.max_nodes,
    };
    let mut w = writer(output)?;
    match (output.format, parts.as_slice()) {
        (Format::Json, [one]) => passgraph_report::json::emit_graph(&mut *w, &one.report)?,
        (Format::Json, _) => bail!(
            "graph -f json draws one account, and the search found {} stacks: name one stack's folder or template, or add --one-account",
            parts.len()
        ),
        (Format::Dot | Format::Text, [one]) if picture.full => {
            passgraph_report::dot::emit(&mut *w, &one.report, false)?;
        }
        (Format::Dot | Format::Text, _) if picture.full => {
            passgraph_report::stacks::emit_dot(&mut *w, &parts, false)?;
        }
        (Format::Dot | Format::Text, [one]) => {
            passgraph_report::condensed::emit(&mut *w, &one.report, &focus)?;
        }
        (Format::Dot | Format::Text, _) => {
            passgraph_report::stacks::emit_condensed(&mut *w, &parts, &focus)?;
        }
        (Format::Svg | Format::Png, [one]) => {
            let mut dot = Vec::new();
            if picture.full {
                passgraph_report::dot::emit(&mut dot, &one.report, false)?;
            } else {
                passgraph_report::condensed::emit(&mut dot, &one.report, &focus)?;
            }
            render::draw(&dot, output.format, &mut *w)?;
        }
        (Format::Svg | Format::Png, _) => bail!(
            "graph -f svg or png draws one stack, and the search found {}: name one stack's folder or template, or use -f dot",
            parts.len()
        ),
        (other, _) => bail!("graph writes dot, svg, png or json, not {other:?}"),
    }
    w.flush()?;
    Ok(exit_code(parts.iter().map(|p| &p.report), output.fail_on))
}

fn explain(
    paths: &[PathBuf],
    input: &InputArgs,
    output: &OutputArgs,
    principal: &str,
    role: Option<&str>,
) -> Result<ExitCode> {
    let (_, input, output) = configured(paths, input, output, "explain")?;
    let (input, output) = (&input, &output);
    let run = analyze(paths, input)?;
    services::check(&run, output)?;
    let (all_parts, extra, _) = parts(&run, output);
    let searched = run.loaded.discovery.is_some();
    // The stacks that hold the principal (and the role, when one is named).
    let mut chosen = Vec::new();
    for mut part in all_parts {
        let a = part.report.analysis;
        let named = |key: &str| {
            let names = passgraph_report::Names::new(&[key.to_owned()]);
            (0..a.principals.len())
                .filter(|&i| names.matches(&a.principals[i].name, &a.principals[i].arn))
                .collect::<Vec<usize>>()
        };
        let matches = named(principal);
        let roles: Option<Vec<usize>> = role.map(named);
        if matches.is_empty() || roles.as_ref().is_some_and(Vec::is_empty) {
            continue;
        }
        // One principal's findings: small enough to list.
        let mut who = matches.clone();
        who.sort_unstable();
        part.report.selection.list = Some(
            who.iter()
                .flat_map(|p| a.findings.principal(*p).iter().collect::<Vec<_>>())
                .filter(|f| roles.as_ref().is_none_or(|rs| rs.contains(&f.role)))
                .collect(),
        );
        chosen.push((part, matches, roles));
    }
    if chosen.is_empty() {
        // Names as `explain` accepts them, to suggest the close ones.
        let mut known: Vec<String> = run
            .analyses
            .iter()
            .flat_map(|a| a.principals.iter().map(|p| p.name.to_string()))
            .collect();
        known.sort();
        known.dedup();
        let hint = |name: &str| {
            let close = services::close_principals(name, &known);
            if close.is_empty() || known.iter().any(|k| k == name) {
                String::new()
            } else {
                format!(" (close: {})", close.join(", "))
            }
        };
        match role {
            Some(r) => bail!(
                "no principal named \"{principal}\"{} with a role named \"{r}\"{} in the inputs",
                hint(principal),
                hint(r)
            ),
            None => bail!(
                "no principal named \"{principal}\" in the inputs{}",
                hint(principal)
            ),
        }
    }
    let mut w = writer(output)?;
    match output.format {
        Format::Text => {
            for (i, (part, matches, roles)) in chosen.iter().enumerate() {
                if searched {
                    if i > 0 {
                        writeln!(w)?;
                    }
                    writeln!(w, "stack {}", part.stack.as_deref().unwrap_or("(inputs)"))?;
                }
                let mut options = passgraph_graph::Options::default();
                options.scps.clone_from(&run.loaded.scps);
                let service = output.services.first().map(String::as_str);
                // Indexed once, when a pair without a finding is explained.
                let index = std::cell::OnceCell::new();
                let why = |p: usize, r: usize| {
                    index
                        .get_or_init(|| passgraph_graph::WhyNot::new(part.report.account, &options))
                        .explain(p, r, service)
                };
                passgraph_report::explain::emit(
                    &mut *w,
                    &part.report,
                    matches,
                    roles.as_deref(),
                    &why,
                    color(output),
                )?;
            }
        }
        _ => {
            let parts: Vec<Part<'_>> = chosen.into_iter().map(|(p, _, _)| p).collect();
            let found = discovery(&run);
            emit_parts(&mut *w, &parts, &extra, found.as_ref(), output, true)?;
            w.flush()?;
            return Ok(exit_code(parts.iter().map(|p| &p.report), output.fail_on));
        }
    }
    w.flush()?;
    Ok(exit_code(
        chosen.iter().map(|(p, _, _)| &p.report),
        output.fail_on,
    ))
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

/// The base of `diff --base-ref`: the extracted inputs, shown as `REV:path`; nothing when
/// none of the inputs existed at the revision.
fn at_revision(at: &gitrev::AtRevision, rev: &str, input: &InputArgs) -> Result<Run> {
    let mut run = if at.paths.is_empty() {
        let loaded = inputs::Loaded::empty();
        let analyses = loaded
            .stacks
            .iter()
            .map(|s| passgraph_graph::analyze(&s.account, &passgraph_graph::Options::default()))
            .collect();
        Run { loaded, analyses }
    } else {
        analyze(&at.paths, input)?
    };
    let prefix = format!("{}/", at.dir.path().display());
    run.loaded
        .sources
        .rename_prefix(&prefix, &format!("{rev}:"));
    Ok(run)
}

fn diff(
    base: &[PathBuf],
    head: &[PathBuf],
    input: &InputArgs,
    output: &OutputArgs,
) -> Result<ExitCode> {
    // The head's configuration reads both sides alike.
    let (_, input, output) = configured(head, input, output, "diff")?;
    diff_runs(
        analyze(base, &input)?,
        analyze(head, &input)?,
        &output,
        head,
        &input,
    )
}

fn diff_runs(
    b: Run,
    mut h: Run,
    output: &OutputArgs,
    head_paths: &[PathBuf],
    input: &InputArgs,
) -> Result<ExitCode> {
    // The head's acceptances (.passgraph.yaml, inline, --baseline) mark added exposures; an
    // accepted one does not fail the run.
    let config_file = accept::find(head_paths, input)?;
    let config = match &config_file {
        Some(c) => Some(accept::parse(c, &mut h.loaded.sources)?),
        None => None,
    };
    let baseline = accept::baseline(output)?;
    let today = accept::today();
    let accepts: &[passgraph_config::Acceptance] = config.as_ref().map_or(&[], |c| &c.accept);
    let suppressors = accept::suppressors(accepts, &h.loaded.stacks, baseline.as_ref(), today);
    let active = config.is_some() || baseline.is_some() || accept::any_inline(&h.loaded.stacks);
    let hooks: Vec<Box<passgraph_report::Suppress<'_>>> = suppressors
        .iter()
        .map(|s| {
            Box::new(move |r: &Report<'_>, f: &Finding| accept::check(s, r, f))
                as Box<passgraph_report::Suppress<'_>>
        })
        .collect();
    services::check(&h, output)?;
    let (bp, _, _) = parts(&b, output);
    let (mut hp, _, _) = parts(&h, output);
    if active {
        for (p, hook) in hp.iter_mut().zip(&hooks) {
            p.report.suppress = Some(&**hook);
        }
    }
    // The selected findings of each stack, materialised: a diff compares two lists.
    let listed = |parts: &[Part<'_>]| -> Vec<Vec<Finding>> {
        parts
            .iter()
            .map(|p| p.report.findings().collect())
            .collect()
    };
    let (bl, hl) = (listed(&bp), listed(&hp));
    // Findings are compared within the stack of the same name (one account when nothing was
    // searched): principal, role and service by ARN.
    let ids =
        |parts: &[Part<'_>],
         lists: &[Vec<Finding>]|
         -> std::collections::BTreeSet<(Option<String>, (String, String, String, String))> {
            parts
                .iter()
                .zip(lists)
                .flat_map(|(p, l)| {
                    l.iter()
                        .map(|f| (p.stack.clone(), identity(p.report.analysis, f)))
                })
                .collect()
        };
    let (bset, hset) = (ids(&bp, &bl), ids(&hp, &hl));
    let added: Vec<(&Part<'_>, Vec<&Finding>)> = hp
        .iter()
        .zip(&hl)
        .map(|(p, l)| {
            let fs = l
                .iter()
                .filter(|f| !bset.contains(&(p.stack.clone(), identity(p.report.analysis, f))))
                .collect();
            (p, fs)
        })
        .collect();
    let removed: Vec<(&Part<'_>, Vec<&Finding>)> = bp
        .iter()
        .zip(&bl)
        .map(|(p, l)| {
            let fs = l
                .iter()
                .filter(|f| !hset.contains(&(p.stack.clone(), identity(p.report.analysis, f))))
                .collect();
            (p, fs)
        })
        .collect();
    let n_added: usize = added.iter().map(|(_, f)| f.len()).sum();
    let n_removed: usize = removed.iter().map(|(_, f)| f.len()).sum();
    let mut w = writer(output)?;
    let searched = h.loaded.discovery.is_some() || b.loaded.discovery.is_some();
    match output.format {
        Format::Json if !searched => {
            let (hr, ha) = (&added[0].0.report, &added[0].1);
            let (br, bra) = (&removed[0].0.report, &removed[0].1);
            passgraph_report::json::emit_diff(&mut *w, hr, ha, br, bra)?;
        }
        Format::Json => passgraph_report::json::emit_diff_stacks(&mut *w, &added, &removed)?,
        Format::Markdown => passgraph_report::markdown::emit_diff(&mut *w, &added, &removed)?,
        Format::Sarif => {
            // The added exposures, as code scanning shows new alerts.
            let shown: Vec<Part<'_>> = added
                .iter()
                .map(|(p, fs)| {
                    let mut r = p.report.with_selection(Selection {
                        list: Some(fs.iter().map(|f| (*f).clone()).collect()),
                        ..Selection::default()
                    });
                    r.diagnostics.clone_from(&p.report.diagnostics);
                    Part {
                        stack: p.stack.clone(),
                        report: r,
                    }
                })
                .collect();
            passgraph_report::sarif::emit_stacks(&mut *w, &shown, &[])?;
        }
        Format::Text => {
            let accepted = added
                .iter()
                .flat_map(|(p, fs)| fs.iter().filter(|f| p.report.suppression(f).is_some()))
                .count();
            writeln!(
                w,
                "passgraph diff: {n_added} added{}, {n_removed} removed",
                if active {
                    format!(" ({accepted} accepted: they do not count for --fail-on)")
                } else {
                    String::new()
                }
            )?;
            let opts = passgraph_report::text::TextOptions {
                color: color(output),
            };
            for (title, list) in [
                ("added by the change", &added),
                ("removed by the change", &removed),
            ] {
                for (p, fs) in list.iter().filter(|(_, fs)| !fs.is_empty()) {
                    let mut r = Report::new(
                        p.report.analysis,
                        p.report.account,
                        p.report.sources,
                        Vec::new(),
                    );
                    r.diagnostics.clone_from(&p.report.diagnostics);
                    r.selection.list = Some(fs.iter().map(|f| (*f).clone()).collect());
                    r.selection.show_suppressed = true;
                    r.suppress = p.report.suppress;
                    match &p.stack {
                        Some(s) => writeln!(w, "\n{title} in stack {s}:")?,
                        None => writeln!(w, "\n{title}:")?,
                    }
                    passgraph_report::text::emit(&mut *w, &r, opts)?;
                }
            }
        }
        other => bail!("diff writes text, markdown, json or sarif, not {other:?}"),
    }
    w.flush()?;
    let all: Vec<&Finding> = added
        .iter()
        .flat_map(|(p, fs)| fs.iter().filter(|f| p.report.suppression(f).is_none()))
        .copied()
        .collect();
    let code = exit_code_of(&all, output.fail_on);
    if active {
        for s in &suppressors {
            accept::report_diagnostics(s, &h.loaded.sources);
        }
    }
    Ok(code)
}
