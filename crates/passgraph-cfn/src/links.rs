//! What ties templates together into one account: one template's `Export` imported by another
//! (`Fn::ImportValue`), and a nested stack (`AWS::CloudFormation::Stack`) whose `TemplateURL`
//! names another template. [`refs`] reads them from one template, [`link`] pairs templates; both
//! are pure functions over text already read.
//!
//! Names are often computed (`!Sub "${AWS::StackName}-VpcId"`, `!Sub "${NetworkStack}-VpcId"`).
//! Parameters take their given value or their `Default`; what is not known offline (a pseudo
//! parameter, a parameter without a value, any other function) becomes a wildcard, and two names
//! are linked when some text matches both and each holds at least [`MIN_LITERAL`] known
//! characters (a wholly unknown name links nothing).

use passgraph_model::{Diagnostic, FileId, Node, NodeKind, Origin};

/// The known characters a computed name needs before it may link two templates.
pub const MIN_LITERAL: usize = 3;

/// The cross-stack references of one template. Names are patterns: `*` stands for a part not
/// known offline.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StackRefs {
    /// `Outputs.*.Export.Name`.
    pub exports: Vec<(String, Origin)>,
    /// Every `Fn::ImportValue` argument.
    pub imports: Vec<(String, Origin)>,
    /// Nested stacks: their `TemplateURL` (or SAM's `Location`), where the resource is, what it
    /// passes to the template's parameters.
    pub nested: Vec<Nested>,
}

/// One nested stack resource (`AWS::CloudFormation::Stack`, `AWS::Serverless::Application`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Nested {
    /// The template's URL as a name pattern.
    pub url: String,
    /// The resource.
    pub origin: Origin,
    /// Its `Parameters`.
    pub passed: Passed,
}

impl Nested {
    /// A nested stack that passes no parameter.
    #[must_use]
    pub fn new(url: &str, origin: Origin) -> Nested {
        Nested {
            url: url.to_owned(),
            origin,
            passed: Passed::Values(Vec::new()),
        }
    }
}

/// One parameter a nested stack resource passes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PassedValue {
    /// The nested template's parameter.
    pub name: String,
    /// Its value; `None` when not known offline (a reference to a resource, a pseudo
    /// parameter, a parameter of the parent without a value).
    pub value: Option<String>,
    /// The value was computed from the parent's own parameters (their given values or
    /// defaults), which a stack nesting the parent may override.
    pub uses_parameters: bool,
}

/// What a nested stack resource passes to its template's parameters; the template's own
/// `Default` applies to those it does not pass.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Passed {
    /// Each parameter passed.
    Values(Vec<PassedValue>),
    /// `Parameters` is no mapping this reader can read (a condition, a reference): any parameter
    /// may be given a value not known offline.
    Unreadable,
}

/// A link between two templates of the slice given to [`link`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    /// The template that refers (imports, or holds the nested stack).
    pub from: usize,
    /// The template referred to.
    pub to: usize,
    /// What links them, for a note: `imports export "net-VpcId"`, `nests it as stack Network`.
    pub why: String,
    /// Where, in `from`.
    pub origin: Origin,
    /// True when computed names may differ (both have unknown parts).
    pub possible: bool,
    /// For a nested stack, each resource of `from` that nests `to` (often one) and what it
    /// passes to the template's parameters; empty for an import.
    pub nested: Vec<(Origin, Passed)>,
}

/// Reads the cross-stack references of a template. `parameters` are the values given by the
/// user (later wins). `None` when the text is not a template that loads.
#[must_use]
pub fn refs(file: FileId, text: &str, parameters: &[(String, String)]) -> Option<StackRefs> {
    let mut ignored: Vec<Diagnostic> = Vec::new();
    let root = crate::load(file, text, &mut ignored).ok()??;
    if !crate::is_template(&root) {
        return None;
    }
    // A parameter's value as the template reader takes it: given, else its default; none for
    // a name the template does not declare (a resource, a pseudo parameter), for an SSM-typed
    // parameter (its value is read from SSM at deploy) and for a value its type refuses.
    let params = |name: &str| -> Option<String> {
        let decl = root.get("Parameters")?.get(name)?;
        let ty = decl
            .get("Type")
            .and_then(Node::as_known_str)
            .unwrap_or("String");
        if ty.starts_with("AWS::SSM::Parameter::Value<") {
            return None;
        }
        let value = match parameters.iter().rev().find(|(k, _)| k == name) {
            Some((_, v)) => v.clone(),
            None => match &decl.get("Default")?.kind {
                NodeKind::String(s) => s.as_known()?.to_owned(),
                NodeKind::Number(n) => n.clone(),
                _ => return None,
            },
        };
        let is_list = ty == "CommaDelimitedList" || ty.starts_with("List<");
        (is_list || crate::resolve::parameter_class(ty, decl).admits_str(&value)).then_some(value)
    };
    let mut out = StackRefs::default();
    if let Some(outputs) = root.get("Outputs") {
        for (_, _, o) in outputs.entries() {
            if let Some(name) = o.get("Export").and_then(|e| e.get("Name")) {
                out.exports
                    .push((pattern(name, &params, 0), name.origin.clone()));
            }
        }
    }
    if let Some(res) = root.get("Resources") {
        for (_, ko, r) in res.entries() {
            // The resource's origin as the template reader gives it: key to end of value.
            let at = Origin::new(
                ko.file,
                passgraph_model::TextRange {
                    start: ko.range.start,
                    end: r.origin.range.end.max(ko.range.end),
                },
            );
            let ty = r.get("Type").and_then(Node::as_known_str).unwrap_or("");
            let props = r.get("Properties");
            let url = match ty {
                "AWS::CloudFormation::Stack" => props.and_then(|p| p.get("TemplateURL")),
                "AWS::Serverless::Application" => props.and_then(|p| p.get("Location")),
                _ => None,
            };
            if let Some(u) = url
                && matches!(u.kind, NodeKind::String(_) | NodeKind::Object(_))
            {
                let passed = match props.and_then(|p| p.get("Parameters")) {
                    None => Passed::Values(Vec::new()),
                    Some(m)
                        if matches!(m.kind, NodeKind::Object(_))
                            && crate::resolve::intrinsic(m).is_none() =>
                    {
                        Passed::Values(
                            m.entries()
                                .iter()
                                .filter_map(|(k, _, v)| {
                                    let name = k.as_known()?.to_owned();
                                    let used = std::cell::Cell::new(false);
                                    let watched = |n: &str| {
                                        used.set(true);
                                        params(n)
                                    };
                                    // A value is known when its pattern has no wildcard (a
                                    // literal `*` counts as unknown, which is safe).
                                    let p = pattern(v, &watched, 0);
                                    Some(PassedValue {
                                        name,
                                        value: (!p.contains('*')).then_some(p),
                                        uses_parameters: used.get(),
                                    })
                                })
                                .collect(),
                        )
                    }
                    Some(_) => Passed::Unreadable,
                };
                out.nested.push(Nested {
                    url: pattern(u, &params, 0),
                    origin: at,
                    passed,
                });
            }
        }
        imports(res, &params, &mut out.imports, 0);
    }
    if let Some(o) = root.get("Outputs") {
        imports(o, &params, &mut out.imports, 0);
    }
    Some(out)
}

fn imports(
    n: &Node,
    params: &dyn Fn(&str) -> Option<String>,
    out: &mut Vec<(String, Origin)>,
    depth: usize,
) {
    if depth > 64 {
        return;
    }
    match &n.kind {
        NodeKind::Object(entries) => {
            for (k, _, v) in entries {
                if k.as_known() == Some("Fn::ImportValue") {
                    out.push((pattern(v, params, 0), v.origin.clone()));
                } else {
                    imports(v, params, out, depth + 1);
                }
            }
        }
        NodeKind::Array(items) | NodeKind::Choice(items) => {
            for i in items {
                imports(i, params, out, depth + 1);
            }
        }
        _ => {}
    }
}

/// A name as a pattern: literals kept, `*` for what is not known offline.
fn pattern(n: &Node, params: &dyn Fn(&str) -> Option<String>, depth: usize) -> String {
    if depth > 16 {
        return "*".to_owned();
    }
    match &n.kind {
        NodeKind::String(s) => s.as_known().map_or_else(|| "*".to_owned(), escape),
        NodeKind::Number(x) => x.clone(),
        NodeKind::Object(entries) if entries.len() == 1 => {
            let (k, _, v) = &entries[0];
            match k.as_known() {
                Some("Ref") => v
                    .as_known_str()
                    .and_then(params)
                    .map_or_else(|| "*".to_owned(), |x| escape(&x)),
                Some("Fn::Sub") => {
                    let (template, vars) = match &v.kind {
                        NodeKind::Array(items) if !items.is_empty() => {
                            (items[0].as_known_str(), items.get(1))
                        }
                        _ => (v.as_known_str(), None),
                    };
                    let Some(t) = template else {
                        return "*".to_owned();
                    };
                    sub(t, |name| {
                        if let Some(val) = vars.and_then(|m| m.get(name)) {
                            return pattern(val, params, depth + 1);
                        }
                        params(name).map_or_else(|| "*".to_owned(), |x| escape(&x))
                    })
                }
                Some("Fn::Join") => match v.items() {
                    [sep, list] => {
                        let sep = sep.as_known_str().map_or_else(|| "*".to_owned(), escape);
                        match &list.kind {
                            NodeKind::Array(parts) => parts
                                .iter()
                                .map(|p| pattern(p, params, depth + 1))
                                .collect::<Vec<_>>()
                                .join(&sep),
                            _ => "*".to_owned(),
                        }
                    }
                    _ => "*".to_owned(),
                },
                _ => "*".to_owned(),
            }
        }
        _ => "*".to_owned(),
    }
}

/// A literal as pattern text: a `*` inside it cannot be told from a wildcard, so it is one.
fn escape(s: &str) -> String {
    s.to_owned()
}

/// `Fn::Sub` text with `${Name}` replaced by `lookup(Name)` and `${!x}` kept as `${x}`.
fn sub(t: &str, lookup: impl Fn(&str) -> String) -> String {
    let mut out = String::new();
    let mut rest = t;
    while let Some(i) = rest.find("${") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let Some(j) = after.find('}') else {
            out.push_str(&rest[i..]);
            return out;
        };
        let name = &after[..j];
        if let Some(lit) = name.strip_prefix('!') {
            out.push_str("${");
            out.push_str(lit);
            out.push('}');
        } else if name.contains('.') {
            // `${Res.Attr}`: a resource attribute, known only once deployed.
            out.push('*');
        } else {
            out.push_str(&lookup(name));
        }
        rest = &after[j + 1..];
    }
    out.push_str(rest);
    out
}

fn literal_len(p: &str) -> usize {
    p.chars().filter(|&c| c != '*').count()
}

/// Whether some text matches both patterns (`*`: any text). Product of the two automata,
/// `O(len(a) * len(b))`.
#[must_use]
pub fn may_match(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (n, m) = (a.len(), b.len());
    let mut seen = vec![false; (n + 1) * (m + 1)];
    let mut stack = vec![(0usize, 0usize)];
    while let Some((i, j)) = stack.pop() {
        let k = i * (m + 1) + j;
        if seen[k] {
            continue;
        }
        seen[k] = true;
        if i == n && j == m {
            return true;
        }
        let (ca, cb) = (a.get(i).copied(), b.get(j).copied());
        if ca == Some('*') {
            stack.push((i + 1, j));
        }
        if cb == Some('*') {
            stack.push((i, j + 1));
        }
        match (ca, cb) {
            (Some('*'), Some(c)) if c != '*' => stack.push((i, j + 1)),
            (Some(c), Some('*')) if c != '*' => stack.push((i + 1, j)),
            (Some(x), Some(y)) if x == y && x != '*' => stack.push((i + 1, j + 1)),
            _ => {}
        }
    }
    false
}

/// Whether a `TemplateURL` pattern names the template at `path` (relative to the folder
/// searched, with `/`) when written in the template at `from` (same form). A URL without a
/// scheme is a local path (`aws cloudformation package` input), relative to `from`'s folder; a
/// URL (`https://bucket.s3.amazonaws.com/prefix/templates/vpc.yaml`, S3 keys often computed)
/// names `path` when its known tail, from a `/` on, is a tail of `path` of at least one folder
/// and a file name.
fn names_file(url: &str, from: &str, path: &str, root: &str) -> bool {
    let url = url.trim();
    if !url.contains("://") && !url.contains('*') {
        let dir = from.rsplit_once('/').map_or("", |(d, _)| d);
        return normalize(&format!("{dir}/{url}")) == path;
    }
    if !url.contains('*') {
        // A known URL (`https://s3.amazonaws.com/bucket/infrastructure/vpc.yaml`) names the
        // file its path ends with.
        return url.ends_with(&format!("/{path}"));
    }
    let tail = url.rsplit('*').next().unwrap_or(url);
    let Some(slash) = tail.find('/') else {
        return false;
    };
    let tail = &tail[slash + 1..];
    if tail.is_empty() || tail.ends_with('/') {
        return false;
    }
    // The file's path with the folder searched above it: a Quick Start searched from its root
    // (`quickstart-x/`) names its templates under its S3 key prefix, the same name
    // (`*/quickstart-x/templates/iam.yaml`).
    let full = if root.is_empty() {
        format!("/{path}")
    } else {
        format!("/{root}/{path}")
    };
    // A file name alone matches too many files: ask for a folder as well.
    tail.contains('/') && full.ends_with(&format!("/{tail}"))
}

fn normalize(p: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for s in p.split('/') {
        match s {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            x => parts.push(x),
        }
    }
    parts.join("/")
}

/// An import that several templates may export: it links none of them (each could be the one
/// deployed beside it), and a note says so.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ambiguous {
    /// The importing template.
    pub from: usize,
    /// The import, as a pattern.
    pub import: String,
    /// The templates whose exports may match it, ascending (the first [`AMBIGUOUS_NAMED`]).
    pub candidates: Vec<usize>,
    /// Where, in `from`.
    pub origin: Origin,
}

/// The literal text after the last wildcard.
fn tail(p: &str) -> &str {
    p.rsplit('*').next().unwrap_or(p)
}

/// Whether an import and an export name the same value: some text matches both, each holds
/// [`MIN_LITERAL`] known characters, and their known endings agree over at least that many
/// characters (`*-CodeCommitArn` and `LambdaARN-*` both match `LambdaARN-CodeCommitArn`, but
/// nothing says they are meant for each other).
fn names_match(import: &str, export: &str) -> bool {
    let (ti, te) = (tail(import), tail(export));
    let (short, long) = if ti.len() <= te.len() {
        (ti, te)
    } else {
        (te, ti)
    };
    literal_len(import) >= MIN_LITERAL
        && literal_len(export) >= MIN_LITERAL
        && short.chars().count() >= MIN_LITERAL
        && long.ends_with(short)
        && may_match(import, export)
}

/// The links between templates: `templates[i]` is a template's path (relative to the folder
/// searched, with `/`) and its references. Sorted by `(from, to)`; one link per pair.
#[must_use]
pub fn link(templates: &[(String, StackRefs)]) -> Vec<Link> {
    link_all(templates, "").0
}

/// [`link`], and the imports that several templates may export (which link nothing). `root` is
/// the name of the folder searched when the paths are relative to it (empty otherwise): a
/// computed `TemplateURL` may name it above a path (`*/quickstart-x/templates/a.yaml` is
/// `templates/a.yaml` of the folder `quickstart-x`).
#[must_use]
pub fn link_all(templates: &[(String, StackRefs)], root: &str) -> (Vec<Link>, Vec<Ambiguous>) {
    use passgraph_model::hash::HashMap;
    // Exports by the last characters of their known ending (two names that match agree on at
    // least MIN_LITERAL of them), and templates by file name: a tree of many templates is
    // linked in time near its size, not its square.
    let ending = |p: &str| -> Option<String> {
        let t: Vec<char> = tail(p).chars().collect();
        (t.len() >= MIN_LITERAL).then(|| t[t.len() - MIN_LITERAL..].iter().collect())
    };
    let mut exports: HashMap<String, Vec<(usize, &String)>> = HashMap::default();
    for (to, (_, t)) in templates.iter().enumerate() {
        for (e, _) in &t.exports {
            if let Some(k) = ending(e) {
                exports.entry(k).or_default().push((to, e));
            }
        }
    }
    let file_name = |p: &str| p.rsplit('/').next().unwrap_or(p).to_owned();
    let mut by_name: HashMap<String, Vec<usize>> = HashMap::default();
    for (i, (p, _)) in templates.iter().enumerate() {
        by_name.entry(file_name(p)).or_default().push(i);
    }
    let mut out: Vec<Link> = Vec::new();
    // Each pair's link, by its index in `out`.
    let mut linked: HashMap<(usize, usize), usize> = HashMap::default();
    let mut ambiguous = Vec::new();
    for (from, (from_path, r)) in templates.iter().enumerate() {
        for (import, origin) in &r.imports {
            let mut candidates: Vec<(usize, &String)> = Vec::new();
            for &(to, e) in ending(import)
                .and_then(|k| exports.get(&k))
                .map_or(&[][..], Vec::as_slice)
            {
                if to != from
                    && candidates.last().is_none_or(|(t, _)| *t != to)
                    && names_match(import, e)
                {
                    candidates.push((to, e));
                    // Enough to know it is ambiguous, and to name some.
                    if candidates.len() >= AMBIGUOUS_NAMED {
                        break;
                    }
                }
            }
            match candidates.as_slice() {
                [] => {}
                [(to, export)] => {
                    if linked.contains_key(&(from, *to)) {
                        continue;
                    }
                    linked.insert((from, *to), out.len());
                    out.push(Link {
                        from,
                        to: *to,
                        why: format!(
                            "{from_path} imports {import:?}, exported by {} as {export:?}",
                            templates[*to].0
                        ),
                        origin: origin.clone(),
                        possible: import.contains('*') || export.contains('*'),
                        nested: Vec::new(),
                    });
                }
                many => ambiguous.push(Ambiguous {
                    from,
                    import: import.clone(),
                    candidates: many.iter().map(|(to, _)| *to).collect(),
                    origin: origin.clone(),
                }),
            }
        }
        for Nested {
            url,
            origin,
            passed,
        } in &r.nested
        {
            let name = file_name(url);
            let pool: Vec<usize> = if name.contains('*') {
                (0..templates.len()).collect()
            } else {
                by_name.get(&name).cloned().unwrap_or_default()
            };
            let named: Vec<usize> = pool
                .into_iter()
                .filter(|&to| to != from && names_file(url, from_path, &templates[to].0, root))
                .collect();
            // The longest path the URL names: `.../infrastructure/vpc.yaml` is
            // `infrastructure/vpc.yaml`, not a `vpc.yaml` at the top of the tree.
            let longest = named.iter().map(|&to| templates[to].0.len()).max();
            for to in named {
                if Some(templates[to].0.len()) != longest {
                    continue;
                }
                // A second resource nesting the same template joins the pair's link: what each
                // passes counts.
                let nested = (origin.clone(), passed.clone());
                if let Some(&i) = linked.get(&(from, to)) {
                    out[i].nested.push(nested);
                    out[i].possible |= url.contains('*');
                    continue;
                }
                linked.insert((from, to), out.len());
                out.push(Link {
                    from,
                    to,
                    why: format!("{from_path} nests {} as a stack ({url})", templates[to].0),
                    origin: origin.clone(),
                    possible: url.contains('*'),
                    nested: vec![nested],
                });
            }
        }
    }
    out.sort_by_key(|l| (l.from, l.to));
    (out, ambiguous)
}

/// How many templates an ambiguous import's note names at most.
pub const AMBIGUOUS_NAMED: usize = 8;

#[cfg(test)]
mod tests {
    use super::*;

    fn o() -> Origin {
        Origin::new(FileId(0), passgraph_model::TextRange::new(0, 0))
    }

    fn r(text: &str) -> StackRefs {
        refs(FileId(0), text, &[]).expect("a template")
    }

    #[test]
    fn export_and_import_names_are_read_with_parameter_defaults() {
        let net = r(
            "Resources:\n  V:\n    Type: AWS::EC2::VPC\nOutputs:\n  Id:\n    Value: !Ref V\n    Export:\n      Name: !Sub \"${AWS::StackName}-VpcId\"\n",
        );
        assert_eq!(net.exports[0].0, "*-VpcId");
        let app = r(
            "Parameters:\n  Net:\n    Type: String\n    Default: network\nResources:\n  F:\n    Type: AWS::Lambda::Function\n    Properties:\n      VpcConfig:\n        SubnetIds:\n          - !ImportValue\n            Fn::Sub: \"${Net}-VpcId\"\n",
        );
        assert_eq!(app.imports[0].0, "network-VpcId");
        let joined = r(
            "{\"Resources\": {\"F\": {\"Type\": \"AWS::SNS::Topic\", \"Properties\": {\"X\": {\"Fn::ImportValue\": {\"Fn::Join\": [\"-\", [\"shared\", \"TopicArn\"]]}}}}}}",
        );
        assert_eq!(joined.imports[0].0, "shared-TopicArn");
        let given = refs(
            FileId(0),
            "Parameters:\n  Net:\n    Type: String\nResources:\n  F:\n    Type: AWS::SNS::Topic\n    Properties:\n      X: !ImportValue {\"Fn::Sub\": \"${Net}-Id\"}\n",
            &[("Net".to_owned(), "core".to_owned())],
        )
        .expect("template");
        assert_eq!(given.imports[0].0, "core-Id");
        assert!(refs(FileId(0), "a: 1\n", &[]).is_none());
    }

    #[test]
    fn patterns_match_when_some_text_matches_both() {
        assert!(may_match("network-VpcId", "*-VpcId"));
        assert!(may_match("*-VpcId", "net*"));
        assert!(!may_match("network-SubnetId", "*-VpcId"));
        assert!(may_match("a*b", "a*b"));
        assert!(!may_match("ab", "abc"));
        assert!(may_match("", "*"));
    }

    #[test]
    fn nested_stacks_say_what_they_pass() {
        let t = r(concat!(
            "Parameters:\n  Env:\n    Type: String\n    Default: prod\n  Free:\n    Type: String\n",
            "Resources:\n",
            "  A:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n",
            "      TemplateURL: ./a.yaml\n",
            "      Parameters:\n        Name: fixed\n        Size: 3\n        Env: !Ref Env\n",
            "        Tag: !Sub \"${Env}-x\"\n        Stack: !Ref AWS::StackName\n",
            "        Given: !Ref Free\n        Role: !GetAtt R.Arn\n",
            "  B:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n",
            "      TemplateURL: ./b.yaml\n      Parameters: !If [C, {X: 1}, {X: 2}]\n",
            "  C:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: ./c.yaml\n",
        ));
        let v = |name: &str, value: Option<&str>, uses_parameters: bool| PassedValue {
            name: name.to_owned(),
            value: value.map(str::to_owned),
            uses_parameters,
        };
        assert_eq!(
            t.nested[0].passed,
            Passed::Values(vec![
                v("Name", Some("fixed"), false),
                v("Size", Some("3"), false),
                v("Env", Some("prod"), true),
                v("Tag", Some("prod-x"), true),
                v("Stack", None, true),
                v("Given", None, true),
                v("Role", None, false),
            ])
        );
        assert_eq!(t.nested[1].passed, Passed::Unreadable);
        assert_eq!(t.nested[2].passed, Passed::Values(Vec::new()));
    }

    #[test]
    fn link_pairs_importers_with_exporters_and_nested_stacks_with_their_file() {
        let t = vec![
            (
                "net/vpc.yaml".to_owned(),
                StackRefs {
                    exports: vec![("*-VpcId".into(), o())],
                    ..StackRefs::default()
                },
            ),
            (
                "app/app.yaml".to_owned(),
                StackRefs {
                    imports: vec![("network-VpcId".into(), o()), ("*".into(), o())],
                    nested: vec![Nested::new("./db.yaml", o())],
                    ..StackRefs::default()
                },
            ),
            ("app/db.yaml".to_owned(), StackRefs::default()),
            (
                "db.yaml".to_owned(),
                StackRefs {
                    nested: vec![Nested::new(
                        "https://s3.amazonaws.com/bucket/app/db.yaml",
                        o(),
                    )],
                    ..StackRefs::default()
                },
            ),
            (
                "qs/main.yaml".to_owned(),
                StackRefs {
                    nested: vec![
                        Nested::new("https://*.s3.amazonaws.com/*/net/vpc.yaml", o()),
                        Nested::new("https://*.s3.amazonaws.com/*db.yaml", o()),
                    ],
                    ..StackRefs::default()
                },
            ),
            (
                "other/unrelated.yaml".to_owned(),
                StackRefs {
                    imports: vec![("*".into(), o()), ("x*".into(), o())],
                    ..StackRefs::default()
                },
            ),
        ];
        let l = link(&t);
        let pairs: Vec<(usize, usize, bool)> =
            l.iter().map(|l| (l.from, l.to, l.possible)).collect();
        assert_eq!(
            pairs,
            [(1, 0, true), (1, 2, false), (3, 2, false), (4, 0, true)]
        );
        assert!(
            l[0].why.contains("app/app.yaml imports \"network-VpcId\""),
            "{}",
            l[0].why
        );
    }

    /// A Quick Start names its nested templates under its S3 key prefix (the repository's
    /// name), which is the folder searched when the search starts at the repository's root.
    #[test]
    fn a_url_may_name_a_file_below_the_folder_searched() {
        let url = "https://*.s3.*.*/quickstart-eks/templates/iam.yaml";
        assert!(names_file(
            url,
            "templates/main.yaml",
            "templates/iam.yaml",
            "quickstart-eks"
        ));
        assert!(names_file(
            url,
            "main.yaml",
            "quickstart-eks/templates/iam.yaml",
            ""
        ));
        // Under another folder, or a file name alone: no.
        assert!(!names_file(
            url,
            "templates/main.yaml",
            "templates/iam.yaml",
            "other"
        ));
        assert!(!names_file(
            url,
            "templates/main.yaml",
            "templates/iam.yaml",
            ""
        ));
        assert!(!names_file(url, "main.yaml", "iam.yaml", "quickstart-eks"));
        // A submodule the tree does not hold is not the tree's own template.
        let sub = "https://*.s3.amazonaws.com/*submodules/qs-vpc/templates/iam.yaml";
        assert!(!names_file(
            sub,
            "templates/main.yaml",
            "templates/iam.yaml",
            "qs-x"
        ));
    }

    #[test]
    fn names_must_agree_on_their_known_ending() {
        assert!(names_match("production:ClusterName", "*:ClusterName"));
        assert!(!names_match("*-CodeCommitArn", "LambdaARN-*"));
        assert!(!names_match("x*", "*"));
        assert!(names_match("shared-roles-WorkerRoleArn", "*-WorkerRoleArn"));
    }

    #[test]
    fn an_import_several_templates_may_export_links_none() {
        let export = |e: &str| StackRefs {
            exports: vec![(e.into(), o())],
            ..StackRefs::default()
        };
        let t = vec![
            ("clusters/public.yml".to_owned(), export("*:ClusterName")),
            ("clusters/private.yml".to_owned(), export("*:ClusterName")),
            (
                "services/web.yml".to_owned(),
                StackRefs {
                    imports: vec![("production:ClusterName".into(), o())],
                    ..StackRefs::default()
                },
            ),
        ];
        let (links, ambiguous) = link_all(&t, "");
        assert!(links.is_empty());
        assert_eq!(ambiguous.len(), 1);
        assert_eq!(ambiguous[0].from, 2);
        assert_eq!(ambiguous[0].candidates, [0, 1]);
    }
}
