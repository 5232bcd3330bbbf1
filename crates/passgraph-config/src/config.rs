//! `.passgraph.yaml`: what it may say, read with positions.

use passgraph_model::{Code, Diagnostic, FileId, Node, NodeKind, Origin, Str, TextRange};

use crate::accept::Acceptance;
use crate::date::Date;

/// The configuration file, read.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Config {
    /// The file it was read from.
    pub file: Option<FileId>,
    /// `accept:` exposures the team has decided to live with.
    pub accept: Vec<Acceptance>,
    /// `exclude:` globs of paths, relative to the file's folder, never read when searching.
    pub exclude: Vec<String>,
    /// `accounts:` the account id of the inputs below a path.
    pub accounts: Vec<PathAccount>,
    /// `parameters:` CloudFormation parameter values.
    pub parameters: Vec<(String, String)>,
    /// `variables:` Terraform variable values.
    pub variables: Vec<(String, String)>,
    /// `var_files:` Terraform variable files, relative to the file's folder.
    pub var_files: Vec<String>,
    /// `defaults:` flags used when the command line does not give them.
    pub defaults: Defaults,
}

/// `accounts:` one entry.
#[derive(Clone, Debug, PartialEq)]
pub struct PathAccount {
    /// A glob of paths relative to the file's folder (`prod/**`).
    pub path: String,
    /// The 12-digit account id.
    pub account_id: String,
    /// Where it is written.
    pub origin: Origin,
}

/// `defaults:` flags used when the command line does not give them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Defaults {
    /// `--fail-on`.
    pub fail_on: Option<String>,
    /// `--certainty`.
    pub certainty: Option<String>,
    /// `--format`.
    pub format: Option<String>,
    /// `--service` (repeatable).
    pub services: Vec<String>,
    /// `--account-id`.
    pub account_id: Option<String>,
    /// `--partition`.
    pub partition: Option<String>,
    /// `--region`.
    pub region: Option<String>,
    /// `--min-level`.
    pub min_level: Option<String>,
    /// `--one-account`.
    pub one_account: Option<bool>,
    /// `--show-suppressed`.
    pub show_suppressed: Option<bool>,
    /// `--baseline`, relative to the file's folder.
    pub baseline: Option<String>,
}

const TOP: &[&str] = &[
    "accept",
    "exclude",
    "accounts",
    "parameters",
    "variables",
    "var_files",
    "defaults",
];
const ACCEPT: &[&str] = &["principal", "role", "service", "reason", "expires"];
const ACCOUNT: &[&str] = &["path", "account_id"];
const DEFAULTS: &[(&str, &[&str])] = &[
    ("fail_on", &["low", "medium", "high", "critical", "none"]),
    ("certainty", &["any", "definite"]),
    (
        "format",
        &[
            "text", "json", "jsonl", "sarif", "markdown", "dot", "svg", "png",
        ],
    ),
    ("service", &[]),
    ("account_id", &[]),
    ("partition", &[]),
    ("region", &[]),
    ("min_level", &["note", "warning", "error"]),
    ("one_account", &[]),
    ("show_suppressed", &[]),
    ("baseline", &[]),
];

/// Reads `.passgraph.yaml`. Every problem is an error with its position; the file is used only
/// when there is none.
pub fn parse(file: FileId, text: &str) -> Result<Config, Vec<Diagnostic>> {
    let root = match passgraph_cfn::load_document(file, text) {
        Ok((Some(root), _)) => root,
        Ok((None, _)) => {
            return Ok(Config {
                file: Some(file),
                ..Config::default()
            });
        }
        Err(d) => return Err(vec![d]),
    };
    let mut r = Reader::default();
    let config = r.config(file, &root);
    if r.errors.is_empty() {
        Ok(config)
    } else {
        Err(r.errors)
    }
}

#[derive(Default)]
struct Reader {
    errors: Vec<Diagnostic>,
}

impl Reader {
    fn error(&mut self, message: impl Into<String>, origin: &Origin) {
        self.errors.push(Diagnostic::error(
            Code::Shape,
            message.into(),
            Some(start(origin)),
        ));
    }

    fn config(&mut self, file: FileId, root: &Node) -> Config {
        let mut c = Config {
            file: Some(file),
            ..Config::default()
        };
        let Some(entries) = self.object(root, "the configuration") else {
            return c;
        };
        for (key, key_origin, value) in entries {
            let Some(key) = self.key(key, key_origin, TOP, "a top-level key") else {
                continue;
            };
            match key {
                "accept" => {
                    for item in self.list(value, "accept") {
                        if let Some(a) = self.acceptance(item) {
                            c.accept.push(a);
                        }
                    }
                }
                "exclude" => {
                    for item in self.list(value, "exclude") {
                        if let Some(s) = self.string(item, "an exclude glob") {
                            c.exclude.push(s);
                        }
                    }
                }
                "accounts" => {
                    for item in self.list(value, "accounts") {
                        if let Some(a) = self.path_account(item) {
                            c.accounts.push(a);
                        }
                    }
                }
                "parameters" => c.parameters = self.pairs(value, "parameters"),
                "variables" => c.variables = self.pairs(value, "variables"),
                "var_files" => {
                    for item in self.list(value, "var_files") {
                        if let Some(s) = self.string(item, "a variable file") {
                            c.var_files.push(s);
                        }
                    }
                }
                "defaults" => c.defaults = self.defaults(value),
                _ => {}
            }
        }
        c
    }

    fn acceptance(&mut self, node: &Node) -> Option<Acceptance> {
        let entries = self.object(node, "an accepted exposure")?;
        let mut a = Acceptance {
            principal: None,
            role: None,
            service: None,
            reason: String::new(),
            expires: None,
            origin: start(&node.origin),
        };
        let mut reason = false;
        for (key, key_origin, value) in entries {
            let Some(key) = self.key(key, key_origin, ACCEPT, "a key of an accepted exposure")
            else {
                continue;
            };
            let Some(text) = self.string(value, key) else {
                continue;
            };
            match key {
                "principal" => a.principal = Some(text),
                "role" => a.role = Some(text),
                "service" => a.service = Some(text),
                "reason" => {
                    if text.trim().is_empty() {
                        self.error(
                            "reason must say why the exposure is accepted",
                            &value.origin,
                        );
                    }
                    a.reason = text;
                    reason = true;
                }
                "expires" => match Date::parse(&text) {
                    Some(d) => a.expires = Some(d),
                    None => self.error(
                        format!("expires must be a date YYYY-MM-DD, not {text:?}"),
                        &value.origin,
                    ),
                },
                _ => {}
            }
        }
        if !reason {
            self.error(
                "an accepted exposure needs a reason: say why the team lives with it",
                &node.origin,
            );
        }
        if a.principal.is_none() && a.role.is_none() && a.service.is_none() {
            self.error(
                "an accepted exposure names at least one of principal, role or service",
                &node.origin,
            );
        }
        Some(a)
    }

    fn path_account(&mut self, node: &Node) -> Option<PathAccount> {
        let entries = self.object(node, "an account entry")?;
        let (mut path, mut account_id) = (None, None);
        for (key, key_origin, value) in entries {
            match self.key(key, key_origin, ACCOUNT, "a key of an account entry") {
                Some("path") => path = self.string(value, "path"),
                Some("account_id") => {
                    if let Some(id) = self.string(value, "account_id") {
                        if is_account_id(&id) {
                            account_id = Some(id);
                        } else {
                            self.error(
                                format!("account_id must be 12 digits, not {id:?}"),
                                &value.origin,
                            );
                        }
                    }
                }
                _ => {}
            }
        }
        match (path, account_id) {
            (Some(path), Some(account_id)) => Some(PathAccount {
                path,
                account_id,
                origin: start(&node.origin),
            }),
            _ => {
                self.error("an account entry needs path and account_id", &node.origin);
                None
            }
        }
    }

    fn defaults(&mut self, node: &Node) -> Defaults {
        let mut d = Defaults::default();
        let Some(entries) = self.object(node, "defaults") else {
            return d;
        };
        let names: Vec<&str> = DEFAULTS.iter().map(|(k, _)| *k).collect();
        for (key, key_origin, value) in entries {
            let Some(key) = self.key(key, key_origin, &names, "a default") else {
                continue;
            };
            if matches!(key, "one_account" | "show_suppressed") {
                match &value.kind {
                    NodeKind::Bool(b) => {
                        if key == "one_account" {
                            d.one_account = Some(*b);
                        } else {
                            d.show_suppressed = Some(*b);
                        }
                    }
                    _ => self.error(format!("{key} must be true or false"), &value.origin),
                }
                continue;
            }
            if key == "service" {
                let items: Vec<&Node> = match &value.kind {
                    NodeKind::Array(items) => items.iter().collect(),
                    _ => vec![value],
                };
                for item in items {
                    if let Some(s) = self.string(item, "service") {
                        d.services.push(s);
                    }
                }
                continue;
            }
            let Some(text) = self.string(value, key) else {
                continue;
            };
            let allowed = DEFAULTS
                .iter()
                .find(|(k, _)| *k == key)
                .map_or(&[][..], |(_, v)| *v);
            if !allowed.is_empty() && !allowed.contains(&text.as_str()) {
                self.error(
                    format!("{key} must be one of {}, not {text:?}", allowed.join(", ")),
                    &value.origin,
                );
                continue;
            }
            if key == "account_id" && !is_account_id(&text) {
                self.error(
                    format!("account_id must be 12 digits, not {text:?}"),
                    &value.origin,
                );
                continue;
            }
            let slot = match key {
                "fail_on" => &mut d.fail_on,
                "certainty" => &mut d.certainty,
                "format" => &mut d.format,
                "account_id" => &mut d.account_id,
                "partition" => &mut d.partition,
                "region" => &mut d.region,
                "min_level" => &mut d.min_level,
                _ => &mut d.baseline,
            };
            *slot = Some(text);
        }
        d
    }

    fn pairs(&mut self, node: &Node, what: &str) -> Vec<(String, String)> {
        let Some(entries) = self.object(node, what) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (key, key_origin, value) in entries {
            let Some(k) = key.as_known() else {
                self.error(format!("a key of {what} must be plain text"), key_origin);
                continue;
            };
            let v = match &value.kind {
                NodeKind::String(s) => s.as_known().map(str::to_owned),
                NodeKind::Number(n) => Some(n.clone()),
                NodeKind::Bool(b) => Some(b.to_string()),
                _ => None,
            };
            match v {
                Some(v) => out.push((k.to_owned(), v)),
                None => self.error(
                    format!("{what}.{k} must be a string, a number or a boolean"),
                    &value.origin,
                ),
            }
        }
        out
    }

    fn key<'k>(
        &mut self,
        key: &Str,
        origin: &Origin,
        allowed: &[&'k str],
        what: &str,
    ) -> Option<&'k str> {
        let found = key
            .as_known()
            .and_then(|k| allowed.iter().find(|a| **a == k).copied());
        if found.is_none() {
            self.error(
                format!(
                    "unknown key {:?} ({what} is one of {})",
                    key.to_string(),
                    allowed.join(", ")
                ),
                origin,
            );
        }
        found
    }

    fn object<'n>(&mut self, node: &'n Node, what: &str) -> Option<&'n [(Str, Origin, Node)]> {
        match &node.kind {
            NodeKind::Object(entries) => Some(entries),
            _ => {
                self.error(format!("{what} must be a mapping"), &node.origin);
                None
            }
        }
    }

    fn list<'n>(&mut self, node: &'n Node, what: &str) -> &'n [Node] {
        match &node.kind {
            NodeKind::Array(items) => items,
            NodeKind::Null => &[],
            _ => {
                self.error(format!("{what} must be a list"), &node.origin);
                &[]
            }
        }
    }

    fn string(&mut self, node: &Node, what: &str) -> Option<String> {
        match &node.kind {
            NodeKind::String(s) if s.is_known() => s.as_known().map(str::to_owned),
            NodeKind::Number(n) => Some(n.clone()),
            _ => {
                self.error(format!("{what} must be a string"), &node.origin);
                None
            }
        }
    }
}

fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// The start of `origin`, so that a message points at where the value begins.
fn start(origin: &Origin) -> Origin {
    let mut o = origin.clone();
    o.range = TextRange {
        start: origin.range.start,
        end: origin.range.start,
    };
    o
}

#[cfg(test)]
mod tests;
