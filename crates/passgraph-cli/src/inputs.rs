//! Reading inputs: the only place that touches the file system. Each input's kind is detected
//! from its content; snapshots come first, then templates, configurations and plans are laid
//! over them, as one account.

use passgraph_model::hash::HashMap;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, bail};

use passgraph_model::diag::Code;
use passgraph_model::value::ACCOUNT_HOLE;
use passgraph_model::{
    Account, Diagnostic, FileId, Level, ManagedPolicy, Node, Origin, Parsed, PolicyDocument,
    SourceMap, Str, TextRange,
};

use crate::args::InputArgs;

/// One account to analyse: everything named on the command line, or one stack found by
/// searching a folder (laid over what was named).
pub(crate) struct StackAccount {
    /// The stack's name (root module folder or template path relative to the folder searched);
    /// `None` when nothing was searched.
    pub(crate) name: Option<String>,
    pub(crate) account: Account,
    /// The diagnostics of this stack's inputs.
    pub(crate) diagnostics: Vec<Diagnostic>,
}

/// What searching folders found, for the summary.
#[derive(Debug, Default, Clone)]
pub(crate) struct Discovery {
    /// Files read as inputs (templates, plans, snapshots, `.tf` files).
    pub(crate) files_read: usize,
    /// Stacks analysed (after linking and `--one-account`).
    pub(crate) stacks: usize,
    /// Files not read, by reason.
    pub(crate) skipped: BTreeMap<String, usize>,
}

/// The accounts the inputs describe, with everything needed to show them.
pub(crate) struct Loaded {
    pub(crate) sources: SourceMap,
    /// One account, or one per stack found by searching folders.
    pub(crate) stacks: Vec<StackAccount>,
    /// Diagnostics of no stack in particular (of inputs named on the command line, of the
    /// search itself).
    pub(crate) diagnostics: Vec<Diagnostic>,
    pub(crate) scps: Vec<PolicyDocument>,
    /// Set when a folder was searched.
    pub(crate) discovery: Option<Discovery>,
    /// The Terraform parse trees, kept to the end of the run: `audit` ends without freeing
    /// them (on the generated 1,000-user `.tf` folder, freeing them took 5 ms of a core while
    /// the report was written, and the run 4–7 ms longer).
    #[expect(
        dead_code,
        reason = "held, never read: the trees live as long as the run"
    )]
    pub(crate) trees: passgraph_hcl::Trees,
}

impl Loaded {
    /// No input at all (the base of a diff whose inputs did not exist yet): one empty account.
    pub(crate) fn empty() -> Loaded {
        Loaded {
            sources: SourceMap::default(),
            stacks: vec![StackAccount {
                name: None,
                account: Account::default(),
                diagnostics: Vec::new(),
            }],
            diagnostics: Vec::new(),
            scps: Vec::new(),
            discovery: None,
            trees: passgraph_hcl::Trees::default(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Snapshot,
    Template,
    Plan,
    Config,
}

#[derive(Clone)]
struct Input {
    kind: Kind,
    parsed: Parsed,
    /// A template's cross-stack references.
    refs: Option<passgraph_cfn::links::StackRefs>,
    /// A template found in a folder: its file, the name its unknown values are named after and
    /// its text, to read it again with what a parent stack passes to its parameters.
    template: Option<(FileId, String, Arc<str>)>,
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

/// A path as shown: `<stdin>` for `-`, without a leading `./` (`passgraph audit .` shows
/// `main.tf`, as `git` and the compilers do).
fn display(path: &Path) -> String {
    if path == Path::new("-") {
        return "<stdin>".to_owned();
    }
    let s = path.display().to_string();
    match s.strip_prefix("./") {
        Some(rest) if !rest.is_empty() => rest.to_owned(),
        _ => s,
    }
}

/// The HCL loader's view of the file system.
struct FsSource<'a> {
    sources: &'a mut SourceMap,
    /// Modules and `file()` paths are read only inside this folder (canonical).
    boundary: Option<PathBuf>,
}

impl<'a> FsSource<'a> {
    /// A source for the configuration in `root`, found in the folder `named` (the folder the
    /// user named; `root` itself when the configuration was named): see
    /// [`crate::limits::boundary`].
    fn confined(sources: &'a mut SourceMap, root: &Path, named: &Path) -> FsSource<'a> {
        FsSource {
            sources,
            boundary: crate::limits::boundary(root, named),
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
        let id = self.sources.add(display(path), text.clone());
        Some((id, text))
    }

    fn allows(&mut self, path: &Path) -> bool {
        self.boundary
            .as_deref()
            .is_none_or(|b| crate::limits::inside(b, path))
    }
}

impl InputArgs {
    fn hcl_options(&self, trees: &passgraph_hcl::Trees) -> Result<passgraph_hcl::Options> {
        Ok(passgraph_hcl::Options {
            vars: self
                .vars
                .iter()
                .map(|v| key_value(v, "--var"))
                .collect::<Result<_>>()?,
            var_files: self.var_files.clone(),
            account_id: self.account_id.clone(),
            partition: self.partition.clone(),
            region: self.region.clone(),
            trees: Some(trees.clone()),
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
/// `name` is the file as shown in locations; values a template leaves unknown are named after
/// `label` (the file relative to the folder searched, so that names and fingerprints do not
/// depend on where the run starts), or after `name` when there is none.
fn parse_text(
    sources: &mut SourceMap,
    name: String,
    label: Option<String>,
    text: String,
    args: &InputArgs,
    cfn: &passgraph_cfn::Options,
    explicit: bool,
) -> Result<Option<Input>> {
    let text: Arc<str> = text.into();
    let file = sources.add(name.clone(), text.clone());
    let name = label.unwrap_or(name);
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    let input = if trimmed.starts_with('{') || trimmed.starts_with('[') {
        if passgraph_tfplan::looks_like_plan(&text) {
            let opts = passgraph_tfplan::Options {
                account_id: args.account_id.clone(),
                partition: args.partition.clone(),
            };
            Some(Input {
                kind: Kind::Plan,
                parsed: passgraph_tfplan::parse(file, &text, &opts),
                refs: None,
                template: None,
            })
        } else {
            match passgraph_json::parse(file, &text) {
                Ok(node) if passgraph_snapshot::looks_like_snapshot(&node) => Some(Input {
                    kind: Kind::Snapshot,
                    parsed: passgraph_snapshot::from_node(node),
                    refs: None,
                    template: None,
                }),
                Ok(node) if passgraph_cfn::is_template_root(&node) => Some(Input {
                    kind: Kind::Template,
                    parsed: passgraph_cfn::parse_named_root(file, &name, &text, node, cfn),
                    refs: (!explicit)
                        .then(|| passgraph_cfn::links::refs(file, &text, &cfn.parameters))
                        .flatten(),
                    template: (!explicit).then(|| (file, name.clone(), text.clone())),
                }),
                Ok(_) => None,
                // CloudFormation's YAML reader accepts JSON-like text that strict JSON does not
                // (a trailing comma): let it say where a template breaks.
                Err(_) if passgraph_cfn::looks_like_template(&text) => Some(Input {
                    kind: Kind::Template,
                    parsed: passgraph_cfn::parse_named(file, &name, &text, cfn),
                    refs: (!explicit)
                        .then(|| passgraph_cfn::links::refs(file, &text, &cfn.parameters))
                        .flatten(),
                    template: (!explicit).then(|| (file, name.clone(), text.clone())),
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
                        refs: None,
                        template: None,
                    }));
                }
            }
        }
    } else if passgraph_cfn::looks_like_template(&text) {
        Some(Input {
            kind: Kind::Template,
            parsed: passgraph_cfn::parse_named(file, &name, &text, cfn),
            refs: (!explicit)
                .then(|| passgraph_cfn::links::refs(file, &text, &cfn.parameters))
                .flatten(),
            template: (!explicit).then(|| (file, name.clone(), text.clone())),
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

/// The CloudFormation options: `--parameters-file` values first, then `--parameter` (later wins).
fn cfn_options(sources: &mut SourceMap, args: &InputArgs) -> Result<passgraph_cfn::Options> {
    let mut parameters = Vec::new();
    for f in &args.parameters_files {
        let (node, _) = parse_document(sources, f)?;
        match passgraph_cfn::parameters_file(&node) {
            Ok(pairs) => parameters.extend(pairs),
            Err(e) => {
                let l = sources.locate(&e.origin);
                bail!("{}:{}:{}: {}", l.file, l.line, l.column, e.message);
            }
        }
    }
    for p in &args.parameters {
        parameters.push(key_value(p, "--parameter")?);
    }
    Ok(passgraph_cfn::Options {
        account_id: args.account_id.clone(),
        partition: args.partition.clone(),
        region: args.region.clone(),
        parameters,
        computed_parameters: Vec::new(),
    })
}

/// A Terraform configuration: the folder of a `.tf` file named on the command line.
fn is_tf_file(path: &Path) -> bool {
    matches!(path.extension().and_then(|e| e.to_str()), Some("tf"))
        || path.to_string_lossy().ends_with(".tf.json")
}

/// Reads one input named on the command line (not a folder).
fn load_named(
    sources: &mut SourceMap,
    path: &Path,
    args: &InputArgs,
    cfn: &passgraph_cfn::Options,
    trees: &passgraph_hcl::Trees,
) -> Result<Option<Input>> {
    if is_tf_file(path) {
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let opts = args.hcl_options(trees)?;
        let parsed = passgraph_hcl::load(dir, &mut FsSource::confined(sources, dir, dir), &opts);
        fail_on_syntax(sources, &parsed)?;
        return Ok(Some(Input {
            kind: Kind::Config,
            parsed,
            refs: None,
            template: None,
        }));
    }
    let text = read_text(path)?;
    parse_text(sources, display(path), None, text, args, cfn, true)
}

/// One input found by searching a folder.
struct Found {
    name: String,
    input: Input,
    /// For a Terraform root module, its folder.
    dir: Option<PathBuf>,
    /// The file or folder.
    path: PathBuf,
}

/// `a/b` relative to `root`, with `/`; `.` for `root` itself.
fn rel_name(root: &Path, p: &Path) -> String {
    let r = p.strip_prefix(root).unwrap_or(p);
    let parts: Vec<String> = r
        .components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.is_empty() {
        ".".to_owned()
    } else {
        parts.join("/")
    }
}

/// Searches a folder: every Terraform root module, template, plan and snapshot in it.
#[allow(clippy::too_many_arguments)]
fn search(
    sources: &mut SourceMap,
    root: &Path,
    prefix: Option<&str>,
    label_prefix: Option<&str>,
    args: &InputArgs,
    cfn: &passgraph_cfn::Options,
    trees: &passgraph_hcl::Trees,
    discovery: &mut Discovery,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Vec<Found>> {
    let tree = crate::discover::walk(root, &args.excludes);
    for (why, n) in &tree.skipped {
        *discovery.skipped.entry((*why).to_owned()).or_default() += n;
    }
    if let Some(why) = &tree.stopped {
        diagnostics.push(Diagnostic::warning(
            Code::Limit,
            format!("{}: {why}", root.display()),
            None,
        ));
    }
    let under = |pre: Option<&str>, p: &Path| match pre {
        Some(pre) => format!("{pre}/{}", rel_name(root, p)),
        None => rel_name(root, p),
    };
    let name = |p: &Path| under(prefix, p);
    let label = |p: &Path| under(label_prefix, p);
    let mut found = Vec::new();
    // Terraform: the root modules among the folders with `.tf` files.
    let mut folders = Vec::new();
    for (dir, files) in &tree.tf_dirs {
        let mut calls = Vec::new();
        for f in files {
            if let Ok(text) = read_text(f) {
                let json = f.to_string_lossy().ends_with(".tf.json");
                calls.extend(passgraph_hcl::discover::local_module_sources(&text, json));
            }
        }
        discovery.files_read += files.len();
        folders.push((dir.clone(), calls));
    }
    let roots = passgraph_hcl::discover::root_modules(&folders);
    let opts = args.hcl_options(trees)?;
    for i in roots {
        let dir = &folders[i].0;
        let parsed = passgraph_hcl::load(dir, &mut FsSource::confined(sources, dir, root), &opts);
        if dir == root {
            // The folder named is itself a root module: it fails the run as a named
            // configuration does.
            fail_on_syntax(sources, &parsed)?;
        }
        found.push(Found {
            name: name(dir),
            input: Input {
                kind: Kind::Config,
                parsed,
                refs: None,
                template: None,
            },
            dir: Some(dir.clone()),
            path: dir.clone(),
        });
    }
    for f in &tree.files {
        let Ok(text) = read_text(f) else {
            *discovery
                .skipped
                .entry("not UTF-8 or UTF-16 text".to_owned())
                .or_default() += 1;
            continue;
        };
        match parse_text(sources, display(f), Some(label(f)), text, args, cfn, false)? {
            Some(input) => {
                discovery.files_read += 1;
                found.push(Found {
                    name: name(f),
                    input,
                    dir: None,
                    path: f.clone(),
                });
            }
            None => {
                *discovery
                    .skipped
                    .entry("JSON or YAML but no template, plan or snapshot".to_owned())
                    .or_default() += 1;
            }
        }
    }
    Ok(found)
}

/// A plan found in a root module's folder is that module's plan: the module is read through it
/// (values known, deletions applied) and the plan's findings point at the module's `.tf` lines.
fn plans_beside_their_configuration(found: &mut Vec<Found>, diagnostics: &mut Vec<Diagnostic>) {
    let roots: HashMap<PathBuf, usize> = found
        .iter()
        .enumerate()
        .filter_map(|(i, f)| f.dir.clone().map(|d| (d, i)))
        .collect();
    let mut drop = Vec::new();
    for i in 0..found.len() {
        if found[i].input.kind != Kind::Plan || found[i].dir.is_some() {
            continue;
        }
        let Some(&c) = found[i].path.parent().and_then(|p| roots.get(p)) else {
            continue;
        };
        let config = found[c].input.parsed.account.clone();
        map_to_config(&mut found[i].input.parsed.account, &config);
        diagnostics.push(Diagnostic::note(
            Code::StacksLinked,
            format!(
                "{} is read as the plan of the root module {}; the module is not analysed apart",
                found[i].name, found[c].name
            ),
            None,
        ));
        drop.push(c);
    }
    drop.sort_unstable();
    drop.dedup();
    for c in drop.into_iter().rev() {
        found.remove(c);
    }
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
            let p = passgraph_snapshot::from_node(node);
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

/// Builds one account out of inputs: snapshots first, then the rest in the order given, then
/// `--aws-managed-policies` and the built-in AWS managed policies it attaches.
fn assemble(
    sources: &mut SourceMap,
    builtins: &mut HashMap<String, FileId>,
    mut inputs: Vec<Input>,
    args: &InputArgs,
) -> Result<(Account, Vec<Diagnostic>)> {
    inputs.sort_by_key(|i| i.kind != Kind::Snapshot);
    let mut account = Account::default();
    let mut diagnostics = Vec::new();
    let mut snapshot_account = None;
    for i in inputs {
        if i.kind == Kind::Snapshot {
            snapshot_account = snapshot_account.or_else(|| i.parsed.account.account_id.clone());
        }
        diagnostics.extend(i.parsed.diagnostics);
        diagnostics.extend(account.overlay(i.parsed.account));
    }
    let partition = args.partition.as_deref().unwrap_or("aws");
    account.bind_partition(partition);
    if let Some(id) = args.account_id.clone().or(snapshot_account) {
        account.bind(ACCOUNT_HOLE, &id);
    }
    for m in &args.aws_managed_policies {
        let extra = load_managed(sources, m, &account, &mut diagnostics)?;
        for p in extra {
            account.policies.retain(|o| o.arn != p.arn);
            account.policies.push(p);
        }
    }
    // A built-in document is registered as a source once, whatever the number of stacks.
    passgraph_eval::managed::add_builtins(&mut account, &mut |path, text| {
        *builtins
            .entry(path.to_owned())
            .or_insert_with(|| sources.add(path, text))
    });
    Ok((account, diagnostics))
}

/// Reads again each template that others nest, with what they pass to its parameters (its own
/// `Default` applies to the others): a value every nested stack resource passes alike, known
/// offline, is the parameter's; any other passed parameter stays unknown, with why. A parent
/// that is nested itself may have its own parameters overridden by its parent: what it computes
/// from them is unknown; and a link through a computed URL may name another template than the
/// one deployed: what it passes is unknown too. The templates' texts are let go.
fn pass_parameters(
    found: &mut [Found],
    templates: &[usize],
    links: &[passgraph_cfn::links::Link],
    cfn: &passgraph_cfn::Options,
) {
    let nested_parents: std::collections::BTreeSet<usize> = links
        .iter()
        .filter(|l| !l.nested.is_empty())
        .map(|l| l.to)
        .collect();
    let mut by_child: BTreeMap<usize, Vec<Passing<'_>>> = BTreeMap::new();
    for l in links {
        for (_, passed) in &l.nested {
            by_child.entry(templates[l.to]).or_default().push(Passing {
                parent: found[templates[l.from]].name.clone(),
                passed,
                parent_nested: nested_parents.contains(&l.from),
                computed_url: l.possible,
            });
        }
    }
    for (child, passing) in by_child {
        let Some((file, name, text)) = found[child].input.template.take() else {
            continue;
        };
        let (known, computed) = merge_passed(&passing);
        if known.is_empty() && computed.is_empty() {
            continue;
        }
        let mut opts = cfn.clone();
        // The parents decide: `--parameter` values are for the stacks the user deploys.
        if computed.iter().any(|(c, _)| c == "*") {
            opts.parameters.clear();
        } else {
            opts.parameters.retain(|(k, _)| {
                !computed.iter().any(|(c, _)| c == k) && !known.iter().any(|(n, _)| n == k)
            });
        }
        opts.parameters.extend(known);
        opts.computed_parameters = computed;
        found[child].input.parsed = parse_template(file, &name, &text, &opts);
    }
    for f in found {
        f.input.template = None;
    }
}

/// What one nested stack resource passes to a template.
struct Passing<'a> {
    /// The template that holds the resource.
    parent: String,
    passed: &'a passgraph_cfn::links::Passed,
    /// The parent is nested itself.
    parent_nested: bool,
    /// The link rests on a computed `TemplateURL`.
    computed_url: bool,
}

/// What the nested stack resources of one template pass, put together: (values all pass alike,
/// parameters left unknown with why; `*` for all).
fn merge_passed(passing: &[Passing<'_>]) -> (Vec<(String, String)>, Vec<(String, String)>) {
    use passgraph_cfn::links::Passed;
    if let Some(p) = passing
        .iter()
        .find(|p| matches!(p.passed, Passed::Unreadable))
    {
        let why = format!("{} passes parameters that cannot be read offline", p.parent);
        return (Vec::new(), vec![("*".to_owned(), why)]);
    }
    fn values<'a>(p: &Passing<'a>) -> &'a [passgraph_cfn::links::PassedValue] {
        match p.passed {
            Passed::Values(v) => v.as_slice(),
            Passed::Unreadable => &[],
        }
    }
    let names: std::collections::BTreeSet<&str> = passing
        .iter()
        .flat_map(|p| values(p).iter().map(|v| v.name.as_str()))
        .collect();
    let (mut known, mut computed) = (Vec::new(), Vec::new());
    for name in names {
        // What each resource passes: `Err(why)` when it is not known here.
        let one = |p: &Passing<'_>| -> Result<Option<String>, String> {
            let Some(v) = values(p).iter().rev().find(|v| v.name == name) else {
                return Ok(None);
            };
            if p.computed_url {
                return Err(format!(
                    "{} nests it through a computed TemplateURL, which may name another template",
                    p.parent
                ));
            }
            if v.uses_parameters && p.parent_nested {
                return Err(format!(
                    "{}, nested itself, passes a value computed from its own parameters",
                    p.parent
                ));
            }
            match &v.value {
                Some(x) => Ok(Some(x.clone())),
                None => Err(format!("{} passes a value known only at deploy", p.parent)),
            }
        };
        let all: Result<Vec<Option<String>>, String> = passing.iter().map(one).collect();
        match all {
            Err(why) => computed.push((name.to_owned(), why)),
            Ok(vs) => match vs.first() {
                Some(Some(v)) if vs.iter().all(|x| x.as_ref() == Some(v)) => {
                    known.push((name.to_owned(), v.clone()));
                }
                _ if vs.iter().any(Option::is_none) => computed.push((
                    name.to_owned(),
                    "some nested stack resources pass it and some do not".to_owned(),
                )),
                _ => computed.push((
                    name.to_owned(),
                    "nested stack resources pass it different values".to_owned(),
                )),
            },
        }
    }
    (known, computed)
}

/// A template's text read as [`parse_text`] reads it.
fn parse_template(file: FileId, name: &str, text: &str, cfn: &passgraph_cfn::Options) -> Parsed {
    match passgraph_json::parse(file, text) {
        Ok(node) if passgraph_cfn::is_template_root(&node) => {
            passgraph_cfn::parse_named_root(file, name, text, node, cfn)
        }
        _ => passgraph_cfn::parse_named(file, name, text, cfn),
    }
}

/// Reads every input and builds the accounts: one of everything named on the command line, or,
/// when folders are searched, one per stack found (each laid over what was named).
pub(crate) fn load(paths: &[PathBuf], args: &InputArgs) -> Result<Loaded> {
    let mut sources = SourceMap::default();
    if paths
        .iter()
        .filter(|p| p.as_path() == Path::new("-"))
        .count()
        > 1
    {
        bail!("standard input (-) can be given only once");
    }
    let cfn = cfn_options(&mut sources, args)?;
    let trees = passgraph_hcl::Trees::default();
    let is_folder = |p: &Path| p != Path::new("-") && p.is_dir();
    let folders = paths.iter().filter(|p| is_folder(p)).count();
    let mut named = Vec::new();
    let mut found = Vec::new();
    let mut discovery = Discovery::default();
    let mut diagnostics = Vec::new();
    for p in paths {
        if is_folder(p) {
            let shown = display(p);
            let shown = shown.trim_end_matches('/').to_owned();
            let prefix = (folders > 1).then(|| shown.clone());
            // Names of unknown values must not clash with those of another input: with more
            // than one, they start with the folder as given (`audit a.yaml sub/` would otherwise
            // name both templates' roles `${a.yaml:R.RoleName}`, one role).
            let label_prefix = (paths.len() > 1).then_some(shown);
            let here = search(
                &mut sources,
                p,
                prefix.as_deref(),
                label_prefix.as_deref(),
                args,
                &cfn,
                &trees,
                &mut discovery,
                &mut diagnostics,
            )?;
            if here.is_empty() {
                bail!(
                    "{}: no Terraform configuration, plan, CloudFormation template or snapshot found",
                    p.display()
                );
            }
            found.extend(here);
        } else if let Some(i) = load_named(&mut sources, p, args, &cfn, &trees)? {
            named.push(i);
        }
    }
    let mut builtins = HashMap::default();
    let mut stacks = Vec::new();
    let discovery = if folders == 0 {
        let (account, d) = assemble(&mut sources, &mut builtins, named, args)?;
        stacks.push(StackAccount {
            name: None,
            account,
            diagnostics: d,
        });
        None
    } else {
        plans_beside_their_configuration(&mut found, &mut diagnostics);
        // What was named lies under every stack; its diagnostics are said once.
        for n in &mut named {
            diagnostics.append(&mut n.parsed.diagnostics);
        }
        let templates: Vec<usize> = (0..found.len())
            .filter(|&i| found[i].input.refs.is_some())
            .collect();
        let list: Vec<(String, passgraph_cfn::links::StackRefs)> = templates
            .iter()
            .map(|&i| {
                (
                    found[i].name.clone(),
                    found[i].input.refs.clone().unwrap_or_default(),
                )
            })
            .collect();
        let mut pairs = Vec::new();
        // With one folder searched, paths are relative to it: its name may stand above them in
        // a computed TemplateURL (a Quick Start's S3 key prefix is its repository's name).
        let root = paths
            .iter()
            .find(|p| folders == 1 && is_folder(p))
            .and_then(|p| p.canonicalize().ok())
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_default();
        let (links, ambiguous) = passgraph_cfn::links::link_all(&list, &root);
        pass_parameters(&mut found, &templates, &links, &cfn);
        // One note per importing template: its ambiguous imports and every template that may
        // export one of them.
        let mut by_from: BTreeMap<usize, (Vec<String>, Vec<usize>, Origin)> = BTreeMap::new();
        for a in ambiguous {
            let e = by_from
                .entry(a.from)
                .or_insert_with(|| (Vec::new(), Vec::new(), a.origin.clone()));
            e.0.push(format!("{:?}", a.import));
            e.1.extend(a.candidates);
        }
        for (from, (imports, mut candidates, origin)) in by_from {
            candidates.sort_unstable();
            candidates.dedup();
            let names: Vec<&str> = candidates.iter().map(|&c| list[c].0.as_str()).collect();
            found[templates[from]].input.parsed.diagnostics.push(Diagnostic::note(
                Code::StacksLinked,
                format!(
                    "{} imports {}, which more than one template may export ({}); it is analysed apart from them (name it with the one deployed beside it, or use --one-account)",
                    list[from].0,
                    imports.join(", "),
                    names.join(", ")
                ),
                Some(origin),
            ));
        }
        for l in links {
            let (from, to) = (templates[l.from], templates[l.to]);
            pairs.push((from, to));
            // The nested stacks' template is read after all: the notes that it is not go.
            found[from].input.parsed.diagnostics.retain(|d| {
                !(d.code == Code::Unsupported
                    && d.origin
                        .as_ref()
                        .is_some_and(|o| *o == l.origin || l.nested.iter().any(|(n, _)| n == o)))
            });
            let maybe = if l.possible {
                " (the names are computed; they may differ once deployed)"
            } else {
                ""
            };
            found[from].input.parsed.diagnostics.push(Diagnostic::note(
                Code::StacksLinked,
                format!("{}: the two are analysed as one account{maybe}", l.why),
                Some(l.origin),
            ));
        }
        let units: Vec<passgraph_model::stack::Unit> = found
            .iter()
            .map(|f| passgraph_model::stack::Unit {
                name: f.name.clone(),
            })
            .collect();
        let groups = passgraph_model::stack::split(&units, &pairs, args.one_account);
        let mut slots: Vec<Option<Found>> = found.into_iter().map(Some).collect();
        for g in groups {
            // `accounts:` of the configuration: the first path glob that names one of the
            // stack's members (or the stack) gives its account, unless --account-id does.
            let config_dir = args.config_dir.as_ref().and_then(|d| d.canonicalize().ok());
            let member_names: Vec<String> = g
                .members
                .iter()
                .filter_map(|&m| slots[m].as_ref())
                .flat_map(|f| {
                    // The member as the folder search names it, and its path relative to the
                    // configuration's folder.
                    let in_config = config_dir.as_ref().and_then(|d| {
                        let p = f.path.canonicalize().ok()?;
                        let rel = p.strip_prefix(d).ok()?;
                        Some(rel_name(Path::new(""), rel))
                    });
                    std::iter::once(f.name.clone()).chain(in_config)
                })
                .collect();
            let path_account = args.account_id.is_none().then(|| {
                args.path_accounts.iter().find(|(glob, _)| {
                    std::iter::once(&g.name)
                        .chain(&member_names)
                        .any(|n| crate::discover::excluded(std::slice::from_ref(glob), n, n))
                })
            });
            let stack_args;
            let args = match path_account.flatten() {
                Some((_, id)) => {
                    stack_args = InputArgs {
                        account_id: Some(id.clone()),
                        ..args.clone()
                    };
                    &stack_args
                }
                None => args,
            };
            let mut inputs: Vec<Input> = named.clone();
            inputs.extend(
                g.members
                    .iter()
                    .filter_map(|&m| slots[m].take())
                    .map(|f| f.input),
            );
            let (account, d) = assemble(&mut sources, &mut builtins, inputs, args)?;
            stacks.push(StackAccount {
                name: Some(g.name),
                account,
                diagnostics: d,
            });
        }
        discovery.stacks = stacks.len();
        Some(discovery)
    };
    let mut scps = Vec::new();
    for s in &args.scps {
        let (node, _) = parse_document(&mut sources, s)?;
        let node = policy_document(&node, s, 0)?;
        let (doc, d) = PolicyDocument::from_node(&node);
        diagnostics.extend(d);
        scps.push(doc);
    }
    if let Some(dir) = &args.config {
        let opts = args.hcl_options(&trees)?;
        let parsed =
            passgraph_hcl::load(dir, &mut FsSource::confined(&mut sources, dir, dir), &opts);
        for s in &mut stacks {
            map_to_config(&mut s.account, &parsed.account);
        }
    }
    Ok(Loaded {
        sources,
        stacks,
        diagnostics,
        scps,
        discovery,
        trees,
    })
}

/// Points plan origins at the `.tf` blocks of the same resource address, and statements at the
/// `.tf` statements of the same document when the configuration has as many.
fn map_to_config(account: &mut Account, config: &Account) {
    use passgraph_model::hash::HashMap;
    let mut by_address: HashMap<String, Origin> = HashMap::default();
    let mut docs: HashMap<(String, bool), Vec<Origin>> = HashMap::default();
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
