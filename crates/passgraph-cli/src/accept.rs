//! `.passgraph.yaml` (found upward from the first input, or `--config-file`), `--baseline` and
//! `--write-baseline` for `audit`: accepted, inline-suppressed and baselined findings are
//! marked and do not count for `--fail-on` (issue 11, part).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use passgraph_config::baseline::{Baseline, Entry};
use passgraph_config::{Config, Date, Exposure, Suppressor};
use passgraph_graph::Finding;
use passgraph_model::SourceMap;
use passgraph_report::{Part, Report, Suppression};

use crate::args::{InputArgs, OutputArgs};

/// The configuration file of a run: where it is and its text.
pub(crate) struct ConfigFile {
    pub(crate) path: PathBuf,
    pub(crate) text: String,
}

/// `--config-file`, else the first `.passgraph.yaml` upward from the first input.
pub(crate) fn find(paths: &[PathBuf], input: &InputArgs) -> Result<Option<ConfigFile>> {
    let path = match &input.config_file {
        Some(p) => Some(p.clone()),
        None => paths
            .iter()
            .find(|p| p.as_os_str() != "-")
            .and_then(|first| {
                let start = std::fs::canonicalize(first).ok()?;
                let mut dir: Option<&Path> = if start.is_dir() {
                    Some(start.as_path())
                } else {
                    start.parent()
                };
                while let Some(d) = dir {
                    let c = d.join(passgraph_config::FILE_NAME);
                    if c.is_file() {
                        return Some(c);
                    }
                    dir = d.parent();
                }
                None
            }),
    };
    let Some(path) = path else {
        return Ok(None);
    };
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    Ok(Some(ConfigFile { path, text }))
}

/// Reads the configuration into `sources` (so its positions resolve); its errors stop the run
/// with file:line:col.
pub(crate) fn parse(c: &ConfigFile, sources: &mut SourceMap) -> Result<Config> {
    let id = sources.add(c.path.display().to_string(), c.text.as_str());
    passgraph_config::parse(id, &c.text).map_err(|errors| {
        let lines: Vec<String> = errors
            .iter()
            .map(|d| match &d.origin {
                Some(o) => {
                    let l = sources.locate(o);
                    format!("{}:{}:{}: {}", l.file, l.line, l.column, d.message)
                }
                None => format!("{}: {}", c.path.display(), d.message),
            })
            .collect();
        anyhow::anyhow!("{}", lines.join("\n"))
    })
}

/// Applies what the configuration says about reading the inputs: excluded paths, parameters,
/// variables and the account id (the command line wins).
pub(crate) fn apply(cfg: &Config, file: &ConfigFile, input: &InputArgs) -> InputArgs {
    let mut out = input.clone();
    out.excludes.extend(cfg.exclude.iter().cloned());
    out.path_accounts.extend(
        cfg.accounts
            .iter()
            .map(|a| (a.path.clone(), a.account_id.clone())),
    );
    // Variable files are relative to the configuration's folder and read before `--var-file`.
    let dir = file
        .path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    out.config_dir = Some(dir.to_path_buf());
    let mut var_files: Vec<PathBuf> = cfg.var_files.iter().map(|f| dir.join(f)).collect();
    var_files.append(&mut out.var_files);
    out.var_files = var_files;
    let mut params: Vec<String> = cfg
        .parameters
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    params.append(&mut out.parameters);
    out.parameters = params;
    let mut vars: Vec<String> = cfg
        .variables
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    vars.append(&mut out.vars);
    out.vars = vars;
    if out.account_id.is_none() {
        out.account_id.clone_from(&cfg.defaults.account_id);
    }
    out
}

/// The configuration's `defaults:` for every option the command line did not give.
pub(crate) fn defaults(
    cfg: &Config,
    file: &ConfigFile,
    given: Option<&clap::ArgMatches>,
    input: &InputArgs,
    output: &OutputArgs,
) -> Result<(InputArgs, OutputArgs)> {
    use clap::ValueEnum;
    use clap::parser::ValueSource;
    let on_line = |id: &str| {
        given.is_some_and(|m| {
            m.try_get_raw(id).is_ok() && m.value_source(id) == Some(ValueSource::CommandLine)
        })
    };
    fn pick<T: ValueEnum>(v: &str, key: &str) -> Result<T> {
        T::from_str(v, true).map_err(|_| anyhow::anyhow!("defaults.{key}: {v:?} is not a value"))
    }
    let d = &cfg.defaults;
    let (mut i, mut o) = (input.clone(), output.clone());
    if let (false, Some(v)) = (on_line("fail_on"), &d.fail_on) {
        o.fail_on = pick(v, "fail_on")?;
    }
    if let (false, Some(v)) = (on_line("certainty"), &d.certainty) {
        o.certainty = pick(v, "certainty")?;
    }
    if let (false, Some(v)) = (on_line("format"), &d.format) {
        o.format = pick(v, "format")?;
    }
    if let (false, Some(v)) = (on_line("min_level"), &d.min_level) {
        o.min_level = Some(pick(v, "min_level")?);
    }
    if o.services.is_empty() {
        o.services.clone_from(&d.services);
    }
    if !o.show_suppressed {
        o.show_suppressed = d.show_suppressed.unwrap_or(false);
    }
    if o.baseline.is_none()
        && let Some(b) = &d.baseline
    {
        let dir = file.path.parent().unwrap_or(Path::new("."));
        o.baseline = Some(dir.join(b));
    }
    if !i.one_account {
        i.one_account = d.one_account.unwrap_or(false);
    }
    if i.partition.is_none() {
        i.partition.clone_from(&d.partition);
    }
    if i.region.is_none() {
        i.region.clone_from(&d.region);
    }
    Ok((i, o))
}

/// `--baseline FILE`, read.
pub(crate) fn baseline(output: &OutputArgs) -> Result<Option<Baseline>> {
    let Some(p) = &output.baseline else {
        return Ok(None);
    };
    let text = std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
    Baseline::parse(&text)
        .map(Some)
        .map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))
}

/// Today, from the system clock (for acceptances' expiry dates).
pub(crate) fn today() -> Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    Date::from_unix_days(i64::try_from(secs / 86_400).unwrap_or(0))
}

/// Whether `f` is accepted, as the report hook wants it.
pub(crate) fn check(s: &Suppressor<'_>, r: &Report<'_>, f: &Finding) -> Option<Suppression> {
    let p = &r.analysis.principals[f.principal];
    let role = &r.analysis.principals[f.role];
    let fp = passgraph_report::fingerprint(r, f);
    let groups = through_group(r.account, &r.analysis.principals[f.holder], f);
    s.check(&Exposure {
        principal_kind: p.kind.as_str(),
        principal_name: &p.name,
        principal_arn: &p.arn,
        role_name: &role.name,
        role_arn: &role.arn,
        service: &f.service,
        groups: &groups,
        fingerprint: &fp,
    })
    .map(|s| Suppression {
        kind: s.kind.as_str(),
        reason: s.reason,
    })
}

/// The groups through which every grant of the finding comes: an inline policy of the group
/// (`group/NAME/inline/...`), or a managed policy that the group attaches and the holder does
/// not attach itself. A grant the holder also has on its own comes through no group (sound:
/// fewer acceptances match).
fn through_group(
    account: &passgraph_model::Account,
    holder: &passgraph_graph::Principal,
    f: &Finding,
) -> Vec<passgraph_model::Str> {
    use passgraph_model::{AttachedPolicy, PrincipalTarget, Str};
    let user = account
        .users
        .iter()
        .find(|u| u.arn == holder.arn || u.name == holder.name);
    let member_of: Vec<&Str> = user
        .map(|u| {
            u.groups
                .iter()
                .chain(
                    account
                        .memberships
                        .iter()
                        .filter(|m| m.user == u.name)
                        .map(|m| &m.group),
                )
                .collect()
        })
        .unwrap_or_default();
    let attaches = |target: &PrincipalTarget,
                    entity: Option<&[passgraph_model::PolicyRef]>,
                    arn: &str| {
        entity.is_some_and(|l| l.iter().any(|p| p.arn.as_known() == Some(arn)))
            || account.attachments.iter().any(|a| {
                &a.target == target
                    && matches!(&a.policy, AttachedPolicy::Managed(p) if p.arn.as_known() == Some(arn))
            })
    };
    let mut common: Option<Vec<Str>> = None;
    for g in f.proof.grants.iter() {
        let here: Vec<Str> = if let Some((name, _)) = g
            .policy
            .strip_prefix("group/")
            .and_then(|rest| rest.split_once("/inline/"))
        {
            vec![Str::lit(name)]
        } else if g.policy.starts_with("arn:") {
            let Some(u) = user else {
                return Vec::new();
            };
            if attaches(
                &PrincipalTarget::User(u.name.clone()),
                Some(&u.attached),
                &g.policy,
            ) {
                return Vec::new();
            }
            member_of
                .iter()
                .filter(|name| {
                    let group = account.groups.iter().find(|x| &x.name == **name);
                    attaches(
                        &PrincipalTarget::Group((**name).clone()),
                        group.map(|x| x.attached.as_slice()),
                        &g.policy,
                    )
                })
                .map(|n| (*n).clone())
                .collect()
        } else {
            return Vec::new();
        };
        common = Some(match common {
            None => here,
            Some(c) => c.into_iter().filter(|x| here.contains(x)).collect(),
        });
    }
    common.unwrap_or_default()
}

/// `--write-baseline FILE`: every finding shown, by fingerprint.
pub(crate) fn write_baseline(path: &Path, parts: &[Part<'_>]) -> Result<()> {
    let mut entries = Vec::new();
    for p in parts {
        let r = &p.report;
        for f in r.findings() {
            let x = &r.analysis.principals[f.principal];
            entries.push(Entry {
                fingerprint: passgraph_report::fingerprint(r, &f),
                principal: format!("{}/{}", x.kind.as_str(), x.name),
                role: r.analysis.principals[f.role].name.to_string(),
                service: f.service.to_string(),
            });
        }
    }
    std::fs::write(path, Baseline::new(entries).to_text())
        .with_context(|| format!("writing {}", path.display()))
}

/// The configuration's problems found while matching (expired or stale acceptances, inline
/// suppressions without a reason), on standard error.
pub(crate) fn report_diagnostics(s: &Suppressor<'_>, sources: &SourceMap) {
    for d in s.diagnostics() {
        match &d.origin {
            Some(o) => {
                let l = sources.locate(o);
                eprintln!(
                    "passgraph: {}: {}:{}:{}: {}",
                    d.level, l.file, l.line, l.column, d.message
                );
            }
            None => eprintln!("passgraph: {}: {}", d.level, d.message),
        }
    }
}

/// One suppressor per stack: the configuration's acceptances, the stack's inline suppressions
/// and the baseline.
pub(crate) fn suppressors<'a>(
    accepts: &'a [passgraph_config::Acceptance],
    stacks: &'a [crate::inputs::StackAccount],
    baseline: Option<&'a Baseline>,
    today: Date,
) -> Vec<Suppressor<'a>> {
    stacks
        .iter()
        .map(|s| Suppressor::new(accepts, &s.account.ignores, baseline, today))
        .collect()
}

/// Whether some stack's inputs carry inline suppressions.
pub(crate) fn any_inline(stacks: &[crate::inputs::StackAccount]) -> bool {
    stacks.iter().any(|s| !s.account.ignores.is_empty())
}
