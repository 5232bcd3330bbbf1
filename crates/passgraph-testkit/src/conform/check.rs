//! Reading each rendering back and comparing the findings.
//!
//! This follows what `passgraph-cli` does for one input (`inputs.rs`): the reader, the overlay
//! onto an empty account, the partition and account binding (`--account-id` for the formats that
//! cannot carry the account), the built-in AWS managed policies, then
//! `passgraph_graph::analyze`.

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use passgraph_model::value::ACCOUNT_HOLE;
use passgraph_model::{FileId, Level, Parsed, SourceMap};

use super::{Account, Constructs, Inputs, render_with};

/// One input format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    /// `get-account-authorization-details` JSON (the reference).
    Snapshot,
    /// CloudFormation, JSON.
    CfnJson,
    /// CloudFormation, YAML.
    CfnYaml,
    /// A Terraform `.tf` folder.
    Terraform,
    /// A Terraform plan JSON.
    Plan,
}

impl Format {
    /// All formats, the reference first.
    pub const ALL: [Format; 5] = [
        Format::Snapshot,
        Format::CfnJson,
        Format::CfnYaml,
        Format::Terraform,
        Format::Plan,
    ];
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Snapshot => "snapshot",
            Format::CfnJson => "cfn-json",
            Format::CfnYaml => "cfn-yaml",
            Format::Terraform => "terraform",
            Format::Plan => "plan",
        })
    }
}

/// One finding, by what identifies it across formats.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Row {
    /// The principal's ARN.
    pub principal: String,
    /// The role's ARN.
    pub role: String,
    /// The service principal.
    pub service: String,
    /// `yes` (definite) or `maybe` (possible).
    pub certainty: String,
    /// Whether the holder can also hand the role to the service (instance profiles count).
    pub exploitable: String,
}

impl fmt::Display for Row {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} -> {} -> {} [{}; exploitable {}]",
            self.principal, self.role, self.service, self.certainty, self.exploitable
        )
    }
}

/// What one format gave.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// The format.
    pub format: Format,
    /// The findings.
    pub rows: BTreeSet<Row>,
    /// Error diagnostics of the reader, as text.
    pub errors: Vec<String>,
    /// Time to read the input into the model (with binding and built-ins).
    pub read: Duration,
    /// Time of the analysis.
    pub analyze: Duration,
}

/// An in-memory `.tf` folder.
struct MemSource<'a> {
    root: PathBuf,
    files: &'a [(String, String)],
    sources: SourceMap,
}

impl passgraph_hcl::FileSource for MemSource<'_> {
    fn list_dir(&mut self, dir: &Path) -> Vec<PathBuf> {
        self.files
            .iter()
            .map(|(n, _)| self.root.join(n))
            .filter(|p| p.parent() == Some(dir))
            .collect()
    }

    fn read(&mut self, path: &Path) -> Option<(FileId, Arc<str>)> {
        let (_, text) = self.files.iter().find(|(n, _)| self.root.join(n) == path)?;
        let text: Arc<str> = Arc::from(text.as_str());
        let id = self.sources.add(path.display().to_string(), text.clone());
        Some((id, text))
    }
}

fn parse(format: Format, inputs: &Inputs, account_id: Option<&str>) -> Parsed {
    let mut sources = SourceMap::default();
    let acct = account_id.map(str::to_owned);
    let partition = Some("aws".to_owned());
    match format {
        Format::Snapshot => {
            let file = sources.add("snapshot.json".to_owned(), inputs.snapshot.clone());
            passgraph_snapshot::parse(file, &inputs.snapshot)
        }
        Format::CfnJson | Format::CfnYaml => {
            let text = if format == Format::CfnJson {
                &inputs.cfn_json
            } else {
                &inputs.cfn_yaml
            };
            let file = sources.add("template".to_owned(), text.clone());
            let opts = passgraph_cfn::Options {
                account_id: acct,
                partition,
                ..passgraph_cfn::Options::default()
            };
            passgraph_cfn::parse(file, text, &opts)
        }
        Format::Terraform => {
            let opts = passgraph_hcl::Options {
                account_id: acct,
                partition,
                ..passgraph_hcl::Options::default()
            };
            let root = PathBuf::from("conform-tf");
            let mut src = MemSource {
                root: root.clone(),
                files: &inputs.tf,
                sources,
            };
            passgraph_hcl::load(&root, &mut src, &opts)
        }
        Format::Plan => {
            let file = sources.add("plan.json".to_owned(), inputs.plan.clone());
            let opts = passgraph_tfplan::Options {
                account_id: acct,
                partition,
            };
            passgraph_tfplan::parse(file, &inputs.plan, &opts)
        }
    }
}

/// Reads one format and analyses it. Every format but the snapshot gets the account id as
/// `--account-id` would give it.
#[must_use]
pub fn run(format: Format, inputs: &Inputs, account_id: &str) -> Outcome {
    run_as(format, inputs, Some(account_id))
}

/// [`run`], with `--account-id` or without (`None`: only what the input itself says).
#[must_use]
pub fn run_as(format: Format, inputs: &Inputs, account_id: Option<&str>) -> Outcome {
    let start = Instant::now();
    let parsed = parse(format, inputs, account_id);
    let mut account = passgraph_model::Account::default();
    let snapshot_account = parsed.account.account_id.clone();
    account.overlay(parsed.account);
    account.bind_partition("aws");
    let bound = match format {
        Format::Snapshot => snapshot_account,
        _ => account_id.map(str::to_owned).or(snapshot_account),
    };
    if let Some(id) = bound {
        account.bind(ACCOUNT_HOLE, &id);
    }
    let mut sources = SourceMap::default();
    passgraph_eval::managed::add_builtins(&mut account, &mut |path, text| {
        sources.add(path.to_owned(), text)
    });
    let read = start.elapsed();
    let start = Instant::now();
    let analysis = passgraph_graph::analyze(&account, &passgraph_graph::Options::default());
    let analyze = start.elapsed();
    let rows = analysis
        .findings
        .iter()
        .map(|f| Row {
            principal: analysis.principals[f.principal].arn.to_string(),
            role: analysis.principals[f.role].arn.to_string(),
            service: f.service.to_string(),
            certainty: f.certainty.to_string(),
            exploitable: f.exploitable.to_string(),
        })
        .collect();
    let errors = parsed
        .diagnostics
        .iter()
        .filter(|d| d.level == Level::Error)
        .map(|d| format!("{:?}: {}", d.code, d.message))
        .collect();
    Outcome {
        format,
        rows,
        errors,
        read,
        analyze,
    }
}

/// The findings of every format, and where they differ from the snapshot's.
#[derive(Clone, Debug)]
pub struct Comparison {
    /// One outcome per format, the snapshot first.
    pub outcomes: Vec<Outcome>,
}

impl Comparison {
    /// The snapshot's outcome.
    #[must_use]
    pub fn reference(&self) -> &Outcome {
        &self.outcomes[0]
    }

    /// Per format: findings the snapshot has and it lacks, and findings it has and the snapshot
    /// lacks. Empty when every format agrees.
    #[must_use]
    pub fn disagreements(&self) -> Vec<(Format, Vec<Row>, Vec<Row>)> {
        let reference = &self.reference().rows;
        self.outcomes[1..]
            .iter()
            .filter_map(|o| {
                let missing: Vec<Row> = reference.difference(&o.rows).cloned().collect();
                let extra: Vec<Row> = o.rows.difference(reference).cloned().collect();
                (!missing.is_empty() || !extra.is_empty()).then_some((o.format, missing, extra))
            })
            .collect()
    }

    /// A readable account of the disagreements (at most `limit` rows per side and format).
    #[must_use]
    pub fn explain(&self, limit: usize) -> String {
        let mut out = String::new();
        for (format, missing, extra) in self.disagreements() {
            out.push_str(&format!(
                "{format}: {} missing, {} extra (snapshot has {})\n",
                missing.len(),
                extra.len(),
                self.reference().rows.len()
            ));
            for r in missing.iter().take(limit) {
                out.push_str(&format!("  - {r}\n"));
            }
            for r in extra.iter().take(limit) {
                out.push_str(&format!("  + {r}\n"));
            }
        }
        for o in &self.outcomes {
            for e in o.errors.iter().take(limit) {
                out.push_str(&format!("{}: error diagnostic: {e}\n", o.format));
            }
        }
        out
    }
}

/// Writes `account` in every format, reads each back and analyses it.
#[must_use]
pub fn compare(account: &Account) -> Comparison {
    compare_with(account, &Constructs::default())
}

/// [`compare`] with the constructs of `extra`.
#[must_use]
pub fn compare_with(account: &Account, extra: &Constructs) -> Comparison {
    compare_inputs(&render_with(account, extra), &account.id)
}

/// [`compare`] over renderings already made.
#[must_use]
pub fn compare_inputs(inputs: &Inputs, account_id: &str) -> Comparison {
    Comparison {
        outcomes: Format::ALL
            .iter()
            .map(|&f| run(f, inputs, account_id))
            .collect(),
    }
}
