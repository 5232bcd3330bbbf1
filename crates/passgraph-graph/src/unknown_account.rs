//! Findings that are possible only because the account id is unknown.
//!
//! A template or `.tf` folder does not say which account it is deployed to: its own ARNs hold
//! the account hole (`arn:aws:iam::${aws:account}:role/app`). A policy of the same input that
//! names a literal account (`arn:aws:iam::111122223333:role/*`) then matches those roles only
//! possibly. [`unknown_account`] finds how many findings are possible for that reason alone, so
//! that the caller can say once that fixing the account id decides them.

use passgraph_model::hash::HashSet;
use std::collections::BTreeMap;
use std::sync::Arc;

use passgraph_model::value::{ACCOUNT_HOLE, HoleClass};
use passgraph_model::{Account, Str, Tri};

use crate::{Analysis, Options, analyze};

/// How many named accounts are tried (the most named first): each costs one more analysis.
const MAX_TRIED: usize = 1;

/// Findings possible only because the account id is unknown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownAccount {
    /// How many possible findings become definite once the account id is one the inputs name.
    pub findings: usize,
    /// Every literal account id the inputs name, sorted.
    pub accounts: Vec<String>,
    /// The ids that were tried (the most named one).
    pub tried: Vec<String>,
}

/// When `account`'s id is unknown and its inputs name literal account ids: the findings of
/// `analysis` that are possible, and definite once the account id is bound to one of those ids.
/// `None` when there are none. Costs one more analysis: only the most named id is tried, so
/// findings that name another account are not counted.
#[must_use]
pub fn unknown_account(
    account: &Account,
    options: &Options,
    analysis: &Analysis,
) -> Option<UnknownAccount> {
    if account.account_id.is_some() {
        return None;
    }
    let has_hole = |s: &Str| s.holes().any(|h| h == ACCOUNT_HOLE);
    // (principal, role, service) of each possible finding that names the hole; keys only, no
    // proofs are built.
    let f = &analysis.findings;
    let possible: Vec<(usize, usize, Arc<str>)> = (0..f.principal_count())
        .flat_map(|p| {
            f.principal(p)
                .keys()
                .filter(|k| {
                    k.certainty == Tri::Maybe
                        && (has_hole(&analysis.principals[k.role].arn)
                            || has_hole(&analysis.principals[k.principal].arn))
                })
                .map(|k| (k.principal, k.role, k.service.clone()))
                .collect::<Vec<_>>()
        })
        .collect();
    if possible.is_empty() {
        return None;
    }
    let named = named_accounts(account);
    if named.is_empty() {
        return None;
    }
    let mut by_count: Vec<(&String, &usize)> = named.iter().collect();
    by_count.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let tried: Vec<String> = by_count
        .into_iter()
        .take(MAX_TRIED)
        .map(|(a, _)| a.clone())
        .collect();
    let mut decided = vec![false; possible.len()];
    for id in &tried {
        let mut bound = account.clone();
        bound.bind(ACCOUNT_HOLE, id);
        let after = analyze(&bound, options);
        let value = Str::lit(id.as_str());
        let af = &after.findings;
        let definite: HashSet<(&Str, &Str, Arc<str>)> = (0..af.principal_count())
            .flat_map(|p| {
                af.principal(p)
                    .keys()
                    .filter(|k| k.certainty == Tri::Yes)
                    .map(|k| {
                        (
                            &after.principals[k.principal].arn,
                            &after.principals[k.role].arn,
                            k.service.clone(),
                        )
                    })
                    .collect::<Vec<_>>()
            })
            .collect();
        for (k, (principal, role, service)) in possible.iter().enumerate() {
            if decided[k] {
                continue;
            }
            let p = analysis.principals[*principal]
                .arn
                .substitute(ACCOUNT_HOLE, &value);
            let r = analysis.principals[*role]
                .arn
                .substitute(ACCOUNT_HOLE, &value);
            decided[k] = definite.contains(&(&p, &r, service.clone()));
        }
    }
    let findings = decided.iter().filter(|d| **d).count();
    (findings > 0).then(|| UnknownAccount {
        findings,
        accounts: named.into_keys().collect(),
        tried,
    })
}

/// The literal account ids the account's strings name (twelve digits between non-digits, in
/// ARNs, principals and conditions), with how often.
fn named_accounts(account: &Account) -> BTreeMap<String, usize> {
    let mut out: BTreeMap<String, usize> = BTreeMap::new();
    account.each_str(&mut |s| {
        for p in s.parts() {
            if let passgraph_model::Part::Lit(t) = p {
                // Most strings hold no twelve digits at all: one pass over the bytes says so.
                if t.bytes().filter(u8::is_ascii_digit).count() < 12 {
                    continue;
                }
                for run in t.split(|c: char| !c.is_ascii_digit()) {
                    if HoleClass::Account.admits_str(run) {
                        *out.entry(run.to_owned()).or_default() += 1;
                    }
                }
            }
        }
    });
    out
}
