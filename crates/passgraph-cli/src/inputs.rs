//! Reading inputs: the only place that touches the file system. Each input's kind is detected
//! from its content; snapshots come first, then templates, configurations and plans are laid
//! over them, as one account.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, bail};

use passgraph_model::diag::Code;
use passgraph_model::value::{ACCOUNT_HOLE, PARTITION_HOLE};
use passgraph_model::{
    Account, Diagnostic, FileId, Level, ManagedPolicy, Node, Origin, Parsed, PolicyDocument,
    SourceMap, Str, TextRange,
};

use crate::args::InputArgs;

/// The account the inputs describe, with everything needed to show it.
pub(crate) struct Loaded {
    pub(crate) sources: SourceMap,
    pub(crate) account: Account,
    pub(crate) diagnostics: Vec<Diagnostic>,
    pub(crate) scps: Vec<PolicyDocument>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Snapshot,
    Template,
    Plan,
    Config,
}

struct Input {
    kind: Kind,
    parsed: Parsed,
}

fn key_value(s: &str, what: &str) -> Result<(String, String)> {
    match s.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_owned(), v.to_owned())),
        _ => bail!("{what} must be KEY=VALUE, got {s:?}"),
    }
}

fn read_text(path: &Path) -> Result<String> {
    let bytes = if path == Path::new("-") {
        crate::limits::read_stdin().context("reading standard input")?
    } else {
        crate::limits::read_file(path).with_context(|| format!("reading {}", path.display()))?
    };
    passgraph_json::decode(&bytes)
        .with_context(|| format!("{}: not UTF-8 or UTF-16 text", path.display()))
}

fn display(path: &Path) -> String {
    if path == Path::new("-") {
        "<stdin>".to_owned()
    } else {
        path.display().to_string()
    }
}

/// The HCL loader's view of the file system.
struct FsSource<'a> {
    sources: &'a mut SourceMap,
    /// Modules and `file()` paths are read only inside this folder (canonical).
    boundary: Option<PathBuf>,
}

impl<'a> FsSource<'a> {
    fn confined(sources: &'a mut SourceMap, root: &Path) -> FsSource<'a> {
        FsSource {
            sources,
            boundary: crate::limits::boundary(root),
        }
    }
}

impl passgraph_hcl::FileSource for FsSource<'_> {
    fn list_dir(&mut self, dir: &Path) -> Vec<PathBuf> {
        let Ok(rd) = fs::read_dir(dir) else {
            return Vec::new();
        };
        let mut out: Vec<PathBuf> = rd
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.is_file())
            .collect();
        out.sort();
        out
    }

    fn read(&mut self, path: &Path) -> Option<(FileId, Arc<str>)> {
        let bytes = crate::limits::read_file(path).ok()?;
        let text: Arc<str> = passgraph_json::decode(&bytes)?.into();
        let id = self.sources.add(path.display().to_string(), text.clone());
        Some((id, text))
    }

    fn allows(&mut self, path: &Path) -> bool {
        self.boundary
            .as_deref()
            .is_none_or(|b| crate::limits::inside(b, path))
    }
}

fn is_tf_dir(dir: &Path) -> bool {
    let files: Vec<PathBuf> = fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    passgraph_hcl::is_root_module(&files)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>, depth: usize) {
    if depth > 32 {
        return;
    }
    let Ok(rd) = fs::read_dir(dir) else { return };
    let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') || name == "node_modules" || name == "target" {
            continue;
        }
        // Symbolic links to folders are not followed: a link to an ancestor would make the
        // walk exponential.
        if p.is_dir() && !p.is_symlink() {
            walk(&p, out, depth + 1);
        } else if matches!(
            p.extension().and_then(|e| e.to_str()),
            Some("json" | "yaml" | "yml" | "template")
        ) {
            out.push(p);
        }
    }
}

impl InputArgs {
    fn hcl_options(&self) -> Result<passgraph_hcl::Options> {
        Ok(passgraph_hcl::Options {
            vars: self
                .vars
                .iter()
                .map(|v| key_value(v, "--var"))
                .collect::<Result<_>>()?,
            var_files: self.var_files.clone(),
            account_id: self.account_id.clone(),
            partition: Some(self.partition.clone()),
            region: self.region.clone(),
        })
    }
}

/// A Terraform configuration the user names fails the run when one of its files cannot be
/// parsed at all: the contract's exit 2, with the position.
fn fail_on_syntax(sources: &SourceMap, parsed: &Parsed) -> Result<()> {
    if let Some(d) = parsed
        .diagnostics
        .iter()
        .find(|d| d.level == Level::Error && d.code == Code::Syntax)
    {
        let at = d
            .origin
            .as_ref()
            .map(|o| sources.locate(o))
            .map(|l| format!("{}:{}:{}: ", l.file, l.line, l.column))
            .unwrap_or_default();
        bail!("{at}{}", d.message);
    }
    Ok(())
}

/// Detects and parses one text. `explicit` inputs fail the run when they cannot be read at all.
fn parse_text(
    sources: &mut SourceMap,
    name: String,
    text: String,
    args: &InputArgs,
    explicit: bool,
) -> Result<Option<Input>> {
    let text: Arc<str> = text.into();
    let file = sources.add(name.clone(), text.clone());
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    let input = if trimmed.starts_with('{') || trimmed.starts_with('[') {
        if passgraph_tfplan::looks_like_plan(&text) {
            let opts = passgraph_tfplan::Options {
                account_id: args.account_id.clone(),
                partition: Some(args.partition.clone()),
            };
            Some(Input {
                kind: Kind::Plan,
                parsed: passgraph_tfplan::parse(file, &text, &opts),
            })
        } else {
            match passgraph_json::parse(file, &text) {
                Ok(node) if passgraph_snapshot::looks_like_snapshot(&node) => Some(Input {
                    kind: Kind::Snapshot,
                    parsed: passgraph_snapshot::from_node(&node),
                }),
                Ok(_) if passgraph_cfn::looks_like_template(&text) => Some(Input {
                    kind: Kind::Template,
                    parsed: passgraph_cfn::parse(file, &text, &cfn_options(args)?),
                }),
                Ok(_) => None,
                // CloudFormation's YAML reader accepts JSON-like text that strict JSON does not
                // (a trailing comma): let it say where a template breaks.
                Err(_) if passgraph_cfn::looks_like_template(&text) => Some(Input {
                    kind: Kind::Template,
                    parsed: passgraph_cfn::parse(file, &text, &cfn_options(args)?),
                }),
                Err(e) => {
                    let l = sources.locate(&Origin::new(file, TextRange::new(e.offset, e.offset)));
                    if explicit {
                        bail!("{}:{}:{}: invalid JSON: {e}", l.file, l.line, l.column);
                    }
                    return Ok(Some(Input {
                        kind: Kind::Template,
                        parsed: Parsed {
                            account: Account::default(),
                            diagnostics: vec![Diagnostic::warning(
                                Code::Syntax,
                                format!("invalid JSON: {e}"),
                                Some(Origin::new(file, TextRange::new(e.offset, e.offset))),
                            )],
                        },
                    }));
                }
            }
        }
    } else if passgraph_cfn::looks_like_template(&text) {
        Some(Input {
            kind: Kind::Template,
            parsed: passgraph_cfn::parse(file, &text, &cfn_options(args)?),
        })
    } else {
        None
    };
    let Some(input) = input else {
        if explicit {
            bail!(
                "{name}: not a Terraform plan, a CloudFormation template, a Terraform configuration or an authorization-details snapshot"
            );
        }
        return Ok(None);
    };
    if explicit {
        // A file that could not be read at all fails the run, with its position.
        let fatal = input.parsed.diagnostics.iter().find(|d| {
            d.level == Level::Error
                && matches!(d.code, Code::Syntax | Code::NotAnInput | Code::Limit)
        });
        if let (Some(d), true) = (fatal, input.parsed.account == Account::default()) {
            let at = d
                .origin
                .as_ref()
                .map(|o| sources.locate(o))
                .map(|l| format!("{}:{}:{}", l.file, l.line, l.column))
                .unwrap_or(name);
            bail!("{at}: {}", d.message);
        }
    }
    Ok(Some(input))
}

fn cfn_options(args: &InputArgs) -> Result<passgraph_cfn::Options> {
    Ok(passgraph_cfn::Options {
        account_id: args.account_id.clone(),
        partition: Some(args.partition.clone()),
        region: args.region.clone(),
        parameters: args
            .parameters
            .iter()
            .map(|p| key_value(p, "--parameter"))
            .collect::<Result<_>>()?,
    })
}

fn load_one(
    sources: &mut SourceMap,
    path: &Path,
    args: &InputArgs,
    out: &mut Vec<Input>,
) -> Result<()> {
    if path != Path::new("-") && path.is_dir() {
        if is_tf_dir(path) {
            let opts = args.hcl_options()?;
            let parsed = passgraph_hcl::load(path, &mut FsSource::confined(sources, path), &opts);
            fail_on_syntax(sources, &parsed)?;
            out.push(Input {
                kind: Kind::Config,
                parsed,
            });
            return Ok(());
        }
        let mut files = Vec::new();
        walk(path, &mut files, 0);
        let before = out.len();
        for f in files {
            let Ok(text) = read_text(&f) else { continue };
            if let Some(i) = parse_text(sources, display(&f), text, args, false)? {
                out.push(i);
            }
        }
        if out.len() == before {
            bail!(
                "{}: no Terraform configuration, plan, CloudFormation template or snapshot found",
                path.display()
            );
        }
        return Ok(());
    }
    if matches!(path.extension().and_then(|e| e.to_str()), Some("tf"))
        || path.to_string_lossy().ends_with(".tf.json")
    {
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let opts = args.hcl_options()?;
        let parsed = passgraph_hcl::load(dir, &mut FsSource::confined(sources, dir), &opts);
        fail_on_syntax(sources, &parsed)?;
        out.push(Input {
            kind: Kind::Config,
            parsed,
        });
        return Ok(());
    }
    let text = read_text(path)?;
    if let Some(i) = parse_text(sources, display(path), text, args, true)? {
        out.push(i);
    }
    Ok(())
}

fn parse_document(sources: &mut SourceMap, path: &Path) -> Result<(Node, FileId)> {
    let text = read_text(path)?;
    let file = sources.add(display(path), text.clone());
    match passgraph_json::parse(file, &text) {
        Ok(n) => Ok((n, file)),
        Err(e) => {
            let l = sources.locate(&Origin::new(file, TextRange::new(e.offset, e.offset)));
            bail!("{}:{}:{}: invalid JSON: {e}", l.file, l.line, l.column)
        }
    }
}

/// The policy document in a file given by `--scp` or `--aws-managed-policies`: a document, a
/// document as a JSON string (URL-encoded or not), `{"Policy": {"Content": ...}}` (what
/// `aws organizations describe-policy` prints) or `{"PolicyVersion": {"Document": ...}}` (what
/// `aws iam get-policy-version` prints). Anything else fails the run: a file the user names must
/// not silently become a policy that allows nothing.
fn policy_document(node: &Node, path: &Path, depth: usize) -> Result<Node> {
    if depth > 4 {
        bail!("{}: no policy document found", path.display());
    }
    if let Some(text) = node.as_known_str() {
        let decoded = if text.trim_start().starts_with('{') {
            text.to_owned()
        } else {
            percent_decode(text)
        };
        let inner = passgraph_json::parse_embedded(&node.origin, &decoded, false)
            .with_context(|| format!("{}: the policy string is not JSON", path.display()))?;
        return policy_document(&inner, path, depth + 1);
    }
    if let Some(c) = node.get("Policy").and_then(|p| p.get("Content")) {
        return policy_document(c, path, depth + 1);
    }
    if let Some(d) = node.get("PolicyVersion").and_then(|p| p.get("Document")) {
        return policy_document(d, path, depth + 1);
    }
    if node.get("Statement").is_some() {
        return Ok(node.clone());
    }
    bail!(
        "{}: not a policy document (no Statement, Policy.Content or PolicyVersion.Document)",
        path.display()
    )
}

/// `%XX` escapes decoded; invalid escapes are kept as they are.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(h) = text.get(i + 1..i + 3)
            && let Ok(b) = u8::from_str_radix(h, 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Loads `--aws-managed-policies`: each file is a bare document named after the policy, a
/// `{"PolicyVersion": {"Document": ...}}` object, or a snapshot with `Policies`.
fn load_managed(
    sources: &mut SourceMap,
    path: &Path,
    account: &Account,
    diags: &mut Vec<Diagnostic>,
) -> Result<Vec<ManagedPolicy>> {
    let mut files = Vec::new();
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = fs::read_dir(path)
            .with_context(|| format!("reading {}", path.display()))?
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.is_file())
            .collect();
        entries.sort();
        files = entries;
    } else {
        files.push(path.to_owned());
    }
    let referenced: Vec<String> = account
        .users
        .iter()
        .flat_map(|u| u.attached.iter().chain(u.boundary.iter()))
        .chain(account.groups.iter().flat_map(|g| g.attached.iter()))
        .chain(
            account
                .roles
                .iter()
                .flat_map(|r| r.attached.iter().chain(r.boundary.iter())),
        )
        .chain(account.attachments.iter().filter_map(|a| match &a.policy {
            passgraph_model::AttachedPolicy::Managed(r)
            | passgraph_model::AttachedPolicy::Boundary(r) => Some(r),
            passgraph_model::AttachedPolicy::Inline(_) => None,
        }))
        .filter_map(|r| r.arn.as_known().map(str::to_owned))
        .collect();
    let mut out = Vec::new();
    for f in files {
        let (node, _) = parse_document(sources, &f)?;
        if passgraph_snapshot::looks_like_snapshot(&node) {
            let p = passgraph_snapshot::from_node(&node);
            diags.extend(p.diagnostics);
            out.extend(p.account.policies);
            continue;
        }
        let name = f
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("policy")
            .trim_end_matches(".json")
            .to_owned();
        let doc_node = policy_document(&node, &f, 0)?;
        let (document, d) = PolicyDocument::from_node(&doc_node);
        diags.extend(d);
        let arn = referenced
            .iter()
            .find(|a| {
                a.contains(":iam::aws:policy/") && a.rsplit('/').next() == Some(name.as_str())
            })
            .cloned()
            .unwrap_or_else(|| format!("arn:aws:iam::aws:policy/{name}"));
        out.push(ManagedPolicy {
            name: Str::lit(name),
            path: Str::lit("/"),
            arn: Str::lit(arn),
            document,
            uncertain: false,
            origin: doc_node.origin.clone(),
        });
    }
    Ok(out)
}

/// Reads every input and builds the account.
pub(crate) fn load(paths: &[PathBuf], args: &InputArgs) -> Result<Loaded> {
    let mut sources = SourceMap::default();
    let mut inputs = Vec::new();
    if paths
        .iter()
        .filter(|p| p.as_path() == Path::new("-"))
        .count()
        > 1
    {
        bail!("standard input (-) can be given only once");
    }
    for p in paths {
        load_one(&mut sources, p, args, &mut inputs)?;
    }
    // Snapshots first, then the rest in the order given.
    inputs.sort_by_key(|i| i.kind != Kind::Snapshot);
    let mut account = Account::default();
    let mut diagnostics = Vec::new();
    let mut snapshot_account = None;
    for i in inputs {
        if i.kind == Kind::Snapshot {
            snapshot_account = snapshot_account.or_else(|| i.parsed.account.account_id.clone());
        }
        diagnostics.extend(i.parsed.diagnostics);
        account.overlay(i.parsed.account);
    }
    account.bind(PARTITION_HOLE, &args.partition);
    if let Some(id) = args.account_id.clone().or(snapshot_account) {
        account.bind(ACCOUNT_HOLE, &id);
    }
    for m in &args.aws_managed_policies {
        let extra = load_managed(&mut sources, m, &account, &mut diagnostics)?;
        for p in extra {
            account.policies.retain(|o| o.arn != p.arn);
            account.policies.push(p);
        }
    }
    passgraph_eval::managed::add_builtins(&mut account, &mut |path, text| sources.add(path, text));
    let mut scps = Vec::new();
    for s in &args.scps {
        let (node, _) = parse_document(&mut sources, s)?;
        let node = policy_document(&node, s, 0)?;
        let (doc, d) = PolicyDocument::from_node(&node);
        diagnostics.extend(d);
        scps.push(doc);
    }
    if let Some(dir) = &args.config {
        let opts = args.hcl_options()?;
        let parsed = passgraph_hcl::load(dir, &mut FsSource::confined(&mut sources, dir), &opts);
        map_to_config(&mut account, &parsed.account);
    }
    Ok(Loaded {
        sources,
        account,
        diagnostics,
        scps,
    })
}

/// Points plan origins at the `.tf` blocks of the same resource address, and statements at the
/// `.tf` statements of the same document when the configuration has as many.
fn map_to_config(account: &mut Account, config: &Account) {
    use std::collections::HashMap;
    let mut by_address: HashMap<String, Origin> = HashMap::new();
    let mut docs: HashMap<(String, bool), Vec<Origin>> = HashMap::new();
    let mut note = |o: &Origin| {
        if let Some(a) = &o.address {
            by_address
                .entry(strip_instance(a))
                .or_insert_with(|| o.clone());
        }
    };
    config.users.iter().for_each(|x| note(&x.origin));
    config.groups.iter().for_each(|x| note(&x.origin));
    config.roles.iter().for_each(|x| note(&x.origin));
    config.policies.iter().for_each(|x| note(&x.origin));
    config
        .instance_profiles
        .iter()
        .for_each(|x| note(&x.origin));
    config.attachments.iter().for_each(|x| note(&x.origin));
    config.role_uses.iter().for_each(|x| note(&x.origin));
    let mut note_doc = |d: &PolicyDocument, trust: bool| {
        if let Some(a) = &d.origin.address {
            docs.entry((strip_instance(a), trust))
                .or_insert_with(|| d.statements.iter().map(|s| s.origin.clone()).collect());
        }
    };
    for r in &config.roles {
        note_doc(&r.trust, true);
        r.inline.iter().for_each(|p| note_doc(&p.document, false));
    }
    for u in &config.users {
        u.inline.iter().for_each(|p| note_doc(&p.document, false));
    }
    for g in &config.groups {
        g.inline.iter().for_each(|p| note_doc(&p.document, false));
    }
    config
        .policies
        .iter()
        .for_each(|p| note_doc(&p.document, false));
    for a in &config.attachments {
        if let passgraph_model::AttachedPolicy::Inline(p) = &a.policy {
            note_doc(&p.document, false);
        }
    }
    let fix = |o: &mut Origin| {
        if let Some(a) = &o.address
            && let Some(t) = by_address.get(&strip_instance(a))
        {
            o.file = t.file;
            o.range = t.range;
        }
    };
    let fix_doc = |d: &mut PolicyDocument, trust: bool| {
        let statements = d
            .origin
            .address
            .as_ref()
            .and_then(|a| docs.get(&(strip_instance(a), trust)));
        match statements {
            Some(s) if s.len() == d.statements.len() && !s.is_empty() => {
                for (st, o) in d.statements.iter_mut().zip(s) {
                    st.origin.file = o.file;
                    st.origin.range = o.range;
                }
                fix(&mut d.origin);
            }
            _ => {
                fix(&mut d.origin);
                d.statements.iter_mut().for_each(|s| fix(&mut s.origin));
            }
        }
    };
    for u in &mut account.users {
        fix(&mut u.origin);
        u.inline
            .iter_mut()
            .for_each(|p| fix_doc(&mut p.document, false));
    }
    for r in &mut account.roles {
        fix(&mut r.origin);
        fix_doc(&mut r.trust, true);
        r.inline
            .iter_mut()
            .for_each(|p| fix_doc(&mut p.document, false));
    }
    for g in &mut account.groups {
        fix(&mut g.origin);
        g.inline
            .iter_mut()
            .for_each(|p| fix_doc(&mut p.document, false));
    }
    for p in &mut account.policies {
        fix(&mut p.origin);
        fix_doc(&mut p.document, false);
    }
    for a in &mut account.attachments {
        fix(&mut a.origin);
        if let passgraph_model::AttachedPolicy::Inline(p) = &mut a.policy {
            fix_doc(&mut p.document, false);
        }
    }
    for u in &mut account.role_uses {
        fix(&mut u.origin);
    }
}

/// `module.a["x"].aws_iam_role.r[0]` → `module.a.aws_iam_role.r`: instance keys do not appear
/// in the configuration.
fn strip_instance(address: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in address.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn strip_instance_keys() {
        assert_eq!(
            super::strip_instance("module.a[\"x\"].aws_iam_role.r[0]"),
            "module.a.aws_iam_role.r"
        );
    }
}
