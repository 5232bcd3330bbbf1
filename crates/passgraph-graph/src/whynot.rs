//! Why a principal cannot pass a role: the real reason, layer by layer, the way AWS decides
//! (`explain --role`).

use passgraph_eval::{CompiledStatement, Context, Decision};
use passgraph_model::{Account, Str, Tri};

use crate::Options;
use crate::index::{ANY_SERVICE, Index};
use crate::pass::{PASS, account_of};

/// Why `principal` (an index into [`crate::Analysis::principals`]) cannot pass `role` directly,
/// to `service` when given, else to each service the role trusts: one sentence per reason,
/// naming the statements, the boundary or the SCPs that decide it. Empty when it can. For many
/// pairs, [`WhyNot`] indexes the account once.
#[must_use]
pub fn why_not(
    account: &Account,
    options: &Options,
    principal: usize,
    role: usize,
    service: Option<&str>,
) -> Vec<String> {
    WhyNot::new(account, options).explain(principal, role, service)
}

/// [`why_not`] for many pairs of one account: the account is indexed once (`explain
/// --principal '*' --role '*'` indexed it again for every pair).
pub struct WhyNot<'a> {
    idx: Index<'a>,
}

impl<'a> WhyNot<'a> {
    /// Indexes `account` as the analysis does.
    #[must_use]
    pub fn new(account: &'a Account, options: &Options) -> WhyNot<'a> {
        WhyNot {
            idx: Index::build(account, options),
        }
    }

    /// [`why_not`] of one pair.
    #[must_use]
    pub fn explain(&self, principal: usize, role: usize, service: Option<&str>) -> Vec<String> {
        explain(&self.idx, principal, role, service)
    }
}

fn explain(idx: &Index<'_>, principal: usize, role: usize, service: Option<&str>) -> Vec<String> {
    let (Some(p), Some(r)) = (idx.principals.get(principal), idx.principals.get(role)) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let services: Vec<_> = idx.trusted_services[role]
        .iter()
        .filter(|t| service.is_none_or(|s| passgraph_model::service::names_service(s, &t.service)))
        .collect();
    if services.is_empty() {
        out.push(match service {
            Some(s) => format!(
                "role {} does not trust {s}: its trust policy lets in {}",
                r.name,
                list(
                    idx.trusted_services[role]
                        .iter()
                        .map(|t| t.service.as_str())
                )
            ),
            None => format!(
                "role {} trusts no AWS service, so no service can be handed it",
                r.name
            ),
        });
        return out;
    }
    if let (Some(a), Some(b)) = (account_of(&p.arn), account_of(&r.arn))
        && a != b
    {
        out.push(format!(
            "role {} is in account {b} and {} {} in account {a}: iam:PassRole passes only roles of the caller's own account",
            r.name,
            p.kind.as_str(),
            p.name
        ));
        return out;
    }
    let set = idx.policy_set(idx.key_of[principal]);
    let prep = set.prepare(PASS);
    let base = idx.principal_context(principal);
    let allow_statements: Vec<&CompiledStatement> = prep.allow_statements().collect();
    if allow_statements.is_empty() && !prep.has_unknown_identity() {
        out.push(format!(
            "no policy of {} {} allows iam:PassRole at all",
            p.kind.as_str(),
            p.name
        ));
        return out;
    }
    for ts in services {
        // Per iam:PassedToService value the service may use; the value is named only when the
        // values have different reasons.
        let mut per_value: Vec<(&str, Vec<String>)> = Vec::new();
        for value in &ts.passed_to_service.0 {
            let mut ctx = base.clone();
            if value == ANY_SERVICE || !ts.name_known {
                ctx.set("iam:PassedToService", passgraph_eval::CtxValue::Unknown);
            } else {
                ctx.set_str("iam:PassedToService", value);
            }
            let d = prep.evaluate(&r.arn, &ctx);
            if !d.allowed.possible() {
                per_value.push((value, reasons(&d, &allow_statements, &r.arn, &ctx)));
            }
        }
        let same = per_value.windows(2).all(|w| w[0].1 == w[1].1);
        for (value, rs) in &per_value {
            let to = if same {
                format!("to {}", ts.service)
            } else {
                format!("to {} (iam:PassedToService {value})", ts.service)
            };
            out.extend(rs.iter().map(|x| format!("{to}: {x}")));
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The layer that says no, for one request AWS denies.
fn reasons(
    d: &Decision<'_>,
    allows: &[&CompiledStatement],
    role: &Str,
    ctx: &Context,
) -> Vec<String> {
    if let Some(deny) = d.denies.iter().find(|a| a.applies == Tri::Yes) {
        return vec![format!(
            "{} denies it explicitly",
            statement(deny.policy.label.name.as_ref(), deny.statement)
        )];
    }
    if !d.allows.is_empty() {
        let mut out = Vec::new();
        if d.boundary == Some(Tri::No) {
            out.push(
                "an identity policy allows it, but the permissions boundary does not".to_owned(),
            );
        }
        if d.scp == Some(Tri::No) {
            out.push("an identity policy allows it, but no service control policy does".to_owned());
        }
        return out;
    }
    // No identity statement applies: say for each allowing statement which part misses.
    let mut out = Vec::new();
    for s in allows {
        let label = statement_of(s);
        if s.resource_match(role, ctx) == Tri::No {
            let on: Vec<String> = s
                .source_resources()
                .iter()
                .map(ToString::to_string)
                .collect();
            out.push(format!(
                "{label} allows iam:PassRole only on {}, not on {role}",
                if on.is_empty() {
                    "other resources (NotResource)".to_owned()
                } else {
                    on.join(", ")
                }
            ));
        } else if s.conditions_hold(ctx) == Tri::No {
            let keys: Vec<String> = s
                .conditions()
                .iter()
                .map(|c| {
                    let values: Vec<String> = c.values.iter().map(ToString::to_string).collect();
                    format!("{} {} {}", c.operator, c.key, values.join(", "))
                })
                .collect();
            out.push(format!(
                "{label} allows iam:PassRole on the role only when {}",
                keys.join(" and ")
            ));
        }
    }
    if out.is_empty() {
        out.push("no statement of the principal's policies allows it".to_owned());
    }
    out
}

fn statement_of(s: &CompiledStatement) -> String {
    format!("statement {}", s.sid)
}

fn statement(policy: &str, s: Option<&CompiledStatement>) -> String {
    match s {
        Some(s) => format!("statement {} of {policy}", s.sid),
        None => format!("{policy} (not known offline)"),
    }
}

fn list<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let v: Vec<&str> = items.collect();
    if v.is_empty() {
        "no service".to_owned()
    } else {
        v.join(", ")
    }
}
