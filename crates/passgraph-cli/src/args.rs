//! What the user typed: clap definitions and nothing else.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// `0.1.0 (AWS managed policies of 2026-03-07)`: the version and the date of the built-in
/// AWS managed policy documents.
fn version_line() -> &'static str {
    static LINE: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        format!(
            "{} (AWS managed policies of {})",
            env!("CARGO_PKG_VERSION"),
            passgraph_eval::managed::data_date()
        )
    });
    &LINE
}

/// Who can pass which IAM role to which AWS service, and why.
#[derive(Parser, Debug)]
#[command(name = "passgraph", version = version_line(), about, long_about = None, disable_help_subcommand = true)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Subcommand, Debug)]
pub(crate) enum Command {
    /// Who can pass which role to which service.
    Audit {
        #[command(flatten)]
        input: InputArgs,
        #[command(flatten)]
        output: OutputArgs,
        /// Inputs: files, folders, or - for standard input.
        #[arg(required = true, value_name = "INPUT")]
        inputs: Vec<PathBuf>,
    },
    /// The findings as a condensed picture (dot, svg, png), or the whole model (--full; dot or
    /// json).
    Graph {
        #[command(flatten)]
        input: InputArgs,
        #[command(flatten)]
        output: OutputArgs,
        #[command(flatten)]
        picture: PictureArgs,
        /// Inputs: files, folders, or - for standard input.
        #[arg(required = true, value_name = "INPUT")]
        inputs: Vec<PathBuf>,
    },
    /// Every step of the proof for one principal (and optionally one role and service), and
    /// why not when there is no finding.
    Explain {
        #[command(flatten)]
        input: InputArgs,
        #[command(flatten)]
        output: OutputArgs,
        /// The principal, by name or ARN.
        #[arg(long, value_name = "NAME|ARN")]
        principal: String,
        /// The role, by name or ARN.
        #[arg(long, value_name = "NAME|ARN")]
        role: Option<String>,
        /// Inputs: files, folders, or - for standard input.
        #[arg(required = true, value_name = "INPUT")]
        inputs: Vec<PathBuf>,
    },
    /// What a change adds and removes: `--base ... --head ...`, or `--base-ref REV [INPUT...]`
    /// (the inputs in the working tree against the same paths at a git revision).
    Diff {
        #[command(flatten)]
        input: InputArgs,
        #[command(flatten)]
        output: OutputArgs,
        /// The inputs before the change.
        #[arg(long, num_args = 1.., value_name = "INPUT", required_unless_present = "base_ref", conflicts_with = "base_ref")]
        base: Vec<PathBuf>,
        /// The inputs after the change.
        #[arg(long, num_args = 1.., value_name = "INPUT", required_unless_present = "base_ref", conflicts_with = "base_ref")]
        head: Vec<PathBuf>,
        /// Compare the inputs as they are in the working tree with the same paths at this git
        /// revision (a branch, tag or commit), read through git.
        #[arg(long, value_name = "REV")]
        base_ref: Option<String>,
        /// With --base-ref: the inputs (default: the current folder).
        #[arg(value_name = "INPUT", requires = "base_ref")]
        inputs: Vec<PathBuf>,
    },
    /// A shell completion script, generated from these definitions, on standard output.
    ///
    /// bash: `source <(passgraph completions bash)`; zsh: `passgraph completions zsh >
    /// "${fpath[1]}/_passgraph"`; fish: `passgraph completions fish >
    /// ~/.config/fish/completions/passgraph.fish`.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: Shell,
    },
    /// The manual page (roff), generated from these definitions, on standard output.
    ///
    /// `passgraph man > passgraph.1 && man ./passgraph.1`.
    Man,
}

/// Shells that `completions` writes for.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shell {
    /// GNU bash.
    Bash,
    /// Z shell.
    Zsh,
    /// fish.
    Fish,
    /// PowerShell.
    Powershell,
    /// Elvish.
    Elvish,
}

/// How inputs are read.
#[derive(Args, Debug, Clone, Default)]
pub(crate) struct InputArgs {
    /// Account id of inputs whose account is not known (templates, configurations, plans).
    #[arg(long, value_name = "ID")]
    pub(crate) account_id: Option<String>,
    /// Partition of inputs whose partition is not known (default: what a Terraform provider's
    /// region says, else `aws`; the partition's DNS suffix follows it).
    #[arg(long, value_name = "NAME")]
    pub(crate) partition: Option<String>,
    /// Region of inputs whose region is not known.
    #[arg(long, value_name = "NAME")]
    pub(crate) region: Option<String>,
    /// A service control policy of the account's organization (repeatable; one level).
    #[arg(long = "scp", value_name = "FILE")]
    pub(crate) scps: Vec<PathBuf>,
    /// More AWS managed policy documents: a file or a folder of files (bare documents named
    /// after the policy, `{"PolicyVersion": {"Document": ...}}`, or a snapshot's `Policies`).
    #[arg(long, value_name = "DIR|FILE")]
    pub(crate) aws_managed_policies: Vec<PathBuf>,
    /// A CloudFormation parameter value (repeatable; wins over --parameters-file).
    #[arg(long = "parameter", value_name = "KEY=VALUE")]
    pub(crate) parameters: Vec<String>,
    /// CloudFormation parameter values from a file (repeatable): the AWS CLI's
    /// `[{"ParameterKey": ..., "ParameterValue": ...}]` or a CodePipeline template configuration
    /// `{"Parameters": {...}}`.
    #[arg(long = "parameters-file", value_name = "FILE")]
    pub(crate) parameters_files: Vec<PathBuf>,
    /// When searching a folder, skip the files and folders this glob names (repeatable;
    /// `examples`, `**/test/**`, `*.json`; relative to the folder searched).
    #[arg(long = "exclude", value_name = "GLOB")]
    pub(crate) excludes: Vec<String>,
    /// `.passgraph.yaml` `accounts:`: the account id of the stacks found below a path (a glob
    /// relative to the configuration's folder, or to the folder searched), when `--account-id`
    /// does not give one.
    #[arg(skip)]
    pub(crate) path_accounts: Vec<(String, String)>,
    /// The folder of the `.passgraph.yaml` that `path_accounts` come from (their paths are
    /// relative to it).
    #[arg(skip)]
    pub(crate) config_dir: Option<PathBuf>,
    /// The configuration file (default: the first `.passgraph.yaml` upward from the first
    /// input). `audit` reads it: accepted exposures, excluded paths, parameters, variables.
    #[arg(long = "config-file", value_name = "FILE")]
    pub(crate) config_file: Option<PathBuf>,
    /// Analyse every stack found in a folder as one account (by default each Terraform root
    /// module and each CloudFormation template is its own account, unless they are linked).
    #[arg(long)]
    pub(crate) one_account: bool,
    /// A Terraform variable value (repeatable).
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub(crate) vars: Vec<String>,
    /// A Terraform variable file (repeatable).
    #[arg(long = "var-file", value_name = "FILE")]
    pub(crate) var_files: Vec<PathBuf>,
    /// The Terraform configuration of a plan, so that findings point at .tf lines.
    #[arg(long, value_name = "DIR")]
    pub(crate) config: Option<PathBuf>,
}

/// Output formats.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Format {
    /// For people.
    #[default]
    Text,
    /// The JSON contract.
    Json,
    /// One JSON object per line, streamed (statements written once, findings refer to them).
    Jsonl,
    /// SARIF 2.1.0.
    Sarif,
    /// A Markdown table.
    Markdown,
    /// Graphviz.
    Dot,
    /// SVG drawn by Graphviz `dot` (must be on PATH).
    Svg,
    /// PNG drawn by Graphviz `dot` (must be on PATH).
    Png,
}

/// Severity threshold for the exit code.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub(crate) enum FailOn {
    /// Any finding.
    #[default]
    Low,
    /// Medium and above.
    Medium,
    /// High and above.
    High,
    /// Critical only.
    Critical,
    /// Never: exit 0 whenever the run succeeds.
    None,
}

/// Which findings to show.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum CertaintyFilter {
    /// Definite and possible.
    #[default]
    Any,
    /// Definite only.
    Definite,
}

/// The least serious diagnostic shown.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub(crate) enum MinLevel {
    /// Everything.
    #[default]
    Note,
    /// Warnings and errors.
    Warning,
    /// Errors only.
    Error,
}

/// When to colour text.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Color {
    /// On a terminal, unless NO_COLOR is set.
    #[default]
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// What a picture shows.
#[derive(Args, Debug, Clone)]
pub(crate) struct PictureArgs {
    /// Only these principals (name or ARN; repeatable).
    #[arg(long = "principal", value_name = "NAME|ARN")]
    pub(crate) principals: Vec<String>,
    /// Only these roles (name or ARN; repeatable).
    #[arg(long = "role", value_name = "NAME|ARN")]
    pub(crate) roles: Vec<String>,
    /// At most N principal, role and service nodes (the most severe kept first).
    #[arg(long, value_name = "N", default_value_t = passgraph_report::condensed::DEFAULT_MAX_NODES)]
    pub(crate) max_nodes: usize,
    /// The whole model (users, groups, policies, roles, services, resources), not condensed.
    #[arg(long)]
    pub(crate) full: bool,
}

/// How results are written.
#[derive(Args, Debug, Clone, Default)]
pub(crate) struct OutputArgs {
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = Format::Text)]
    pub(crate) format: Format,
    /// Write to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
    /// Only findings for this service (repeatable; `ec2` or `ec2.amazonaws.com`).
    #[arg(long = "service", value_name = "SVC")]
    pub(crate) services: Vec<String>,
    /// Exit 1 when a finding is at or above this severity.
    #[arg(long, value_enum, default_value_t = FailOn::Low)]
    pub(crate) fail_on: FailOn,
    /// Only definite findings, or all.
    #[arg(long, value_enum, default_value_t = CertaintyFilter::Any)]
    pub(crate) certainty: CertaintyFilter,
    /// Colours in text output.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub(crate) color: Color,
    /// Show no diagnostics (findings and the summary only).
    #[arg(short, long)]
    pub(crate) quiet: bool,
    /// Show diagnostics at or above this level [default: warning for text, note for the
    /// other formats].
    #[arg(long, value_enum)]
    pub(crate) min_level: Option<MinLevel>,
    /// `audit`: findings recorded in this baseline file do not count for --fail-on.
    #[arg(long, value_name = "FILE")]
    pub(crate) baseline: Option<PathBuf>,
    /// `audit`: text lists accepted, inline-suppressed and baselined findings too (they are
    /// always counted, and marked in JSON, JSONL and SARIF).
    #[arg(long)]
    pub(crate) show_suppressed: bool,
    /// `audit`: record today's findings (by fingerprint) in FILE.
    #[arg(long, value_name = "FILE")]
    pub(crate) write_baseline: Option<PathBuf>,
    /// Worker threads (default: one per core). Output does not depend on it.
    #[arg(long, value_name = "N")]
    pub(crate) threads: Option<usize>,
}
