//! Policy evaluation, differential: a small random policy (plus, sometimes, a permissions
//! boundary) and a fully known request are decided by `passgraph_eval::evaluate` and by the
//! deliberately simple evaluator below, written from the AWS rules; both must agree, and with
//! everything known the engine must never answer `Maybe`.
//!
//! Alphabets are tiny on purpose so that wildcards, case and negation collide often.
#![no_main]

use libfuzzer_sys::fuzz_target;
use passgraph_eval::{
    CompiledPolicy, Context, CtxValue, Member, PolicyKind, PolicyLabel, PolicySet,
};
use passgraph_model::{FileId, PolicyDocument, Str, Tri};

/// Reads small choices from the fuzzer's bytes (zeros once they run out).
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn byte(&mut self) -> u8 {
        let Some((b, rest)) = self.0.split_first() else {
            return 0;
        };
        self.0 = rest;
        *b
    }
    fn below(&mut self, n: usize) -> usize {
        usize::from(self.byte()) % n
    }
    fn text(&mut self, alphabet: &[u8], max: usize) -> String {
        let len = self.below(max + 1);
        (0..len)
            .map(|_| char::from(alphabet[self.below(alphabet.len())]))
            .collect()
    }
}

struct Cond {
    op: &'static str,
    key: &'static str,
    values: Vec<String>,
}

struct Stmt {
    allow: bool,
    not_action: bool,
    actions: Vec<String>,
    not_resource: bool,
    resources: Vec<String>,
    conds: Vec<Cond>,
}

const OPS: &[&str] = &[
    "StringEquals",
    "StringNotEquals",
    "StringLike",
    "StringNotLike",
    "StringEqualsIfExists",
    "StringNotLikeIfExists",
    "StringEqualsIgnoreCase",
    "Null",
];
const KEYS: &[&str] = &["k:a", "K:B"];

fn gen_stmt(b: &mut Bytes<'_>) -> Stmt {
    let flags = b.byte();
    let n_act = 1 + b.below(2);
    let actions = (0..n_act)
        .map(|_| {
            let svc = ["iam", "IAM", "s3", "*", "i*"][b.below(5)];
            format!("{svc}:{}", b.text(b"aAbB*?", 3))
        })
        .collect();
    let n_res = 1 + b.below(2);
    let resources = (0..n_res).map(|_| b.text(b"ab/:*?", 5)).collect();
    let n_cond = b.below(3);
    let conds = (0..n_cond)
        .map(|_| {
            let op = OPS[b.below(OPS.len())];
            let key = KEYS[b.below(KEYS.len())];
            let n = 1 + b.below(2);
            let values = (0..n)
                .map(|_| {
                    if op == "Null" {
                        ["true", "false"][b.below(2)].to_owned()
                    } else {
                        b.text(b"aAb*?", 3)
                    }
                })
                .collect();
            Cond { op, key, values }
        })
        .collect();
    Stmt {
        allow: flags & 1 == 0,
        not_action: flags & 2 != 0,
        actions,
        not_resource: flags & 4 != 0,
        resources,
        conds,
    }
}

fn json_list(v: &[String]) -> String {
    let items: Vec<String> = v.iter().map(|s| format!("{s:?}")).collect();
    format!("[{}]", items.join(","))
}

fn to_json(stmts: &[Stmt]) -> String {
    let s: Vec<String> = stmts
        .iter()
        .map(|s| {
            let mut by_op: Vec<(&str, Vec<&Cond>)> = Vec::new();
            for c in &s.conds {
                match by_op.iter_mut().find(|(o, _)| *o == c.op) {
                    Some((_, v)) => v.push(c),
                    None => by_op.push((c.op, vec![c])),
                }
            }
            let conds: Vec<String> = by_op
                .iter()
                .map(|(op, cs)| {
                    let keys: Vec<String> = cs
                        .iter()
                        .map(|c| format!("{:?}:{}", c.key, json_list(&c.values)))
                        .collect();
                    format!("{op:?}:{{{}}}", keys.join(","))
                })
                .collect();
            format!(
                r#"{{"Effect":"{}","{}":{},"{}":{},"Condition":{{{}}}}}"#,
                if s.allow { "Allow" } else { "Deny" },
                if s.not_action { "NotAction" } else { "Action" },
                json_list(&s.actions),
                if s.not_resource {
                    "NotResource"
                } else {
                    "Resource"
                },
                json_list(&s.resources),
                conds.join(",")
            )
        })
        .collect();
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
        s.join(",")
    )
}

/// `*` any run, `?` one character, anchored at both ends.
fn glob(p: &[char], s: &[char]) -> bool {
    match p.split_first() {
        None => s.is_empty(),
        Some(('*', rest)) => (0..=s.len()).any(|i| glob(rest, &s[i..])),
        Some(('?', rest)) => !s.is_empty() && glob(rest, &s[1..]),
        Some((c, rest)) => s.first() == Some(c) && glob(rest, &s[1..]),
    }
}

fn glob_str(p: &str, s: &str) -> bool {
    let p: Vec<char> = p.chars().collect();
    let s: Vec<char> = s.chars().collect();
    glob(&p, &s)
}

/// The simple evaluator: one statement applies when its action part, resource part and every
/// condition hold.
fn applies(s: &Stmt, action: &str, resource: &str, ctx: &[(&str, Option<String>)]) -> bool {
    let a = s
        .actions
        .iter()
        .any(|p| glob_str(&p.to_lowercase(), &action.to_lowercase()));
    let r = s.resources.iter().any(|p| glob_str(p, resource));
    let c = s.conds.iter().all(|c| {
        let value = ctx
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(c.key))
            .and_then(|(_, v)| v.as_deref());
        match (c.op, value) {
            ("Null", v) => c.values.iter().any(|x| (x == "true") == v.is_none()),
            ("StringEquals", Some(v)) => c.values.iter().any(|x| x == v),
            ("StringEquals" | "StringLike" | "StringEqualsIgnoreCase", None) => false,
            ("StringNotEquals", Some(v)) => c.values.iter().all(|x| x != v),
            ("StringNotEquals" | "StringNotLike", None) => true,
            ("StringLike", Some(v)) => c.values.iter().any(|x| glob_str(x, v)),
            ("StringNotLike" | "StringNotLikeIfExists", Some(v)) => {
                c.values.iter().all(|x| !glob_str(x, v))
            }
            ("StringEqualsIfExists", Some(v)) => c.values.iter().any(|x| x == v),
            ("StringEqualsIfExists" | "StringNotLikeIfExists", None) => true,
            ("StringEqualsIgnoreCase", Some(v)) => c
                .values
                .iter()
                .any(|x| x.to_lowercase() == v.to_lowercase()),
            _ => unreachable!("operator {}", c.op),
        }
    });
    (a != s.not_action) && (r != s.not_resource) && c
}

fn simple(
    identity: &[Stmt],
    boundary: Option<&[Stmt]>,
    action: &str,
    resource: &str,
    ctx: &[(&str, Option<String>)],
) -> bool {
    let all = identity.iter().chain(boundary.into_iter().flatten());
    if all
        .filter(|s| !s.allow)
        .any(|s| applies(s, action, resource, ctx))
    {
        return false;
    }
    let allowed = |v: &[Stmt]| {
        v.iter()
            .any(|s| s.allow && applies(s, action, resource, ctx))
    };
    allowed(identity) && boundary.is_none_or(allowed)
}

fn compile(stmts: &[Stmt]) -> CompiledPolicy {
    let text = to_json(stmts);
    let node = passgraph_json::parse(FileId(0), &text).expect("generated JSON parses");
    let (doc, _) = PolicyDocument::from_node(&node);
    let label = PolicyLabel {
        kind: PolicyKind::Inline,
        name: "fuzz".into(),
    };
    CompiledPolicy::compile(&doc, label).0
}

fuzz_target!(|data: &[u8]| {
    let mut b = Bytes(data);
    let n = 1 + b.below(4);
    let identity: Vec<Stmt> = (0..n).map(|_| gen_stmt(&mut b)).collect();
    let boundary: Option<Vec<Stmt>> = (b.byte() & 1 == 1).then(|| {
        let n = 1 + b.below(2);
        (0..n).map(|_| gen_stmt(&mut b)).collect()
    });
    let action = format!("{}:{}", ["iam", "s3"][b.below(2)], b.text(b"aAbB", 3));
    let resource = b.text(b"ab/:", 5);
    let ctx: Vec<(&str, Option<String>)> = KEYS
        .iter()
        .map(|k| (*k, (b.byte() & 1 == 1).then(|| b.text(b"aAb", 2))))
        .collect();

    let id = compile(&identity);
    let bd = boundary.as_deref().map(compile);
    let set = PolicySet {
        identity: vec![Member::from(&id)],
        boundary: bd.as_ref().map(|p| Some(Member::from(p))),
        scps: Vec::new(),
    };
    let mut c = Context::new();
    for (k, v) in &ctx {
        match v {
            Some(v) => c.set_str(k, v),
            None => c.set(k, CtxValue::Absent),
        };
    }
    let got = passgraph_eval::evaluate(&set, &action, &Str::lit(resource.clone()), &c).allowed;
    let want = simple(&identity, boundary.as_deref(), &action, &resource, &ctx);
    assert_eq!(
        got,
        Tri::from_bool(want),
        "policy {} boundary {:?} action {action} resource {resource:?} context {ctx:?}",
        to_json(&identity),
        boundary.as_deref().map(to_json)
    );
});
