//! Inline suppressions: `Metadata: {passgraph: {ignore: [{role: ..., service: ..., reason:
//! ...}]}}` on a user, group or role resource (`{principal: ..., service: ..., reason: ...}` on
//! a role: who may pass it).

use passgraph_model::{Account, Code, Diagnostic, Ignore, Node, NodeKind, Origin, PrincipalTarget};

use crate::template::Resource;

const KEYS: &[&str] = &["principal", "role", "service", "reason"];

/// Adds an [`Ignore`] on every user, group and role that resource `r` added (from the counts
/// `before` on) for each entry of its `Metadata.passgraph.ignore`.
pub(crate) fn collect(
    acc: &mut Account,
    r: &Resource,
    before: [usize; 5],
    diags: &mut Vec<Diagnostic>,
) {
    let Some(list) = r
        .metadata
        .as_ref()
        .and_then(|m| m.get("passgraph"))
        .and_then(|p| p.get("ignore"))
    else {
        return;
    };
    let items: Vec<&Node> = match &list.kind {
        NodeKind::Array(items) => items.iter().collect(),
        NodeKind::Object(_) => vec![list],
        _ => {
            diags.push(Diagnostic::warning(
                Code::Suppression,
                "Metadata.passgraph.ignore must be a list of {role|principal, service, reason}",
                Some(list.origin.clone()),
            ));
            return;
        }
    };
    let mut targets: Vec<PrincipalTarget> = Vec::new();
    targets.extend(
        acc.users
            .iter()
            .skip(before[0])
            .map(|u| PrincipalTarget::User(u.name.clone())),
    );
    targets.extend(
        acc.groups
            .iter()
            .skip(before[1])
            .map(|g| PrincipalTarget::Group(g.name.clone())),
    );
    targets.extend(
        acc.roles
            .iter()
            .skip(before[2])
            .map(|x| PrincipalTarget::Role(x.name.clone())),
    );
    if targets.is_empty() {
        diags.push(Diagnostic::warning(
            Code::Suppression,
            format!("{}: passgraph suppressions go on users, groups and roles; this one suppresses nothing", r.id),
            Some(list.origin.clone()),
        ));
        return;
    }
    for item in items {
        let Some(entry) = entry(item, diags) else {
            continue;
        };
        for on in &targets {
            acc.ignores.push(Ignore {
                on: on.clone(),
                ..entry.clone()
            });
        }
    }
}

fn entry(item: &Node, diags: &mut Vec<Diagnostic>) -> Option<Ignore> {
    let NodeKind::Object(fields) = &item.kind else {
        diags.push(Diagnostic::warning(
            Code::Suppression,
            "a passgraph suppression is a mapping {role|principal, service, reason}",
            Some(item.origin.clone()),
        ));
        return None;
    };
    let mut ig = Ignore {
        on: PrincipalTarget::User(passgraph_model::Str::lit("")),
        principal: None,
        role: None,
        service: None,
        reason: None,
        origin: Origin::new(
            item.origin.file,
            passgraph_model::TextRange {
                start: item.origin.range.start,
                end: item.origin.range.start,
            },
        ),
    };
    for (key, key_origin, value) in fields {
        let k = key.as_known().unwrap_or_default();
        if !KEYS.contains(&k) {
            diags.push(Diagnostic::warning(
                Code::Suppression,
                format!("unknown key {k:?} in a passgraph suppression (principal, role, service or reason); it suppresses nothing"),
                Some(key_origin.clone()),
            ));
            return None;
        }
        let Some(text) = value.as_known_str().map(str::to_owned) else {
            diags.push(Diagnostic::warning(
                Code::Suppression,
                format!("{k} of a passgraph suppression must be plain text; it suppresses nothing"),
                Some(value.origin.clone()),
            ));
            return None;
        };
        match k {
            "principal" => ig.principal = Some(text),
            "role" => ig.role = Some(text),
            "service" => ig.service = Some(text),
            _ => ig.reason = Some(text),
        }
    }
    Some(ig)
}
