//! `--service` names: a name that is no known service principal is refused with the close ones,
//! so that a typo (`--service ec3`) does not silently show no finding.

use anyhow::{Result, bail};

use passgraph_model::policy::PrincipalKind;
use passgraph_model::service::CATALOGUE;

use crate::args::OutputArgs;
use crate::{Run, service_matches};

/// Levenshtein distance over characters.
pub(crate) fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The names a user may type for a service principal: itself, without `.amazonaws.com`, and its
/// last label.
fn forms(principal: &str) -> Vec<String> {
    let mut v = vec![principal.to_owned()];
    if let Some(short) = principal
        .strip_suffix(".amazonaws.com")
        .or_else(|| principal.strip_suffix(".amazonaws.com.cn"))
    {
        v.push(short.to_owned());
        if let Some((_, last)) = short.rsplit_once('.') {
            v.push(last.to_owned());
        }
    }
    v
}

/// The known principals closest to `name`, closest first (at most five).
pub(crate) fn close_to(name: &str, known: &[String]) -> Vec<String> {
    let name = name.to_ascii_lowercase();
    let limit = (name.chars().count() / 3).max(2);
    let mut scored: Vec<(usize, String)> = known
        .iter()
        .filter_map(|k| {
            let d = forms(k)
                .iter()
                .map(|f| distance(&name, &f.to_ascii_lowercase()))
                .min()?;
            let short = k.strip_suffix(".amazonaws.com").unwrap_or(k);
            let prefix = short.starts_with(&name) || name.starts_with(short);
            (d <= limit || (prefix && name.len() >= 3)).then(|| (d, short.to_owned()))
        })
        .collect();
    scored.sort();
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(5).map(|(_, s)| s).collect()
}

/// Refuses a `--service` that names neither a service of the catalogue nor one the inputs'
/// trust policies name.
pub(crate) fn check(run: &Run, output: &OutputArgs) -> Result<()> {
    if output.services.is_empty() {
        return Ok(());
    }
    let mut known: Vec<String> = CATALOGUE.iter().map(|s| s.principal.to_owned()).collect();
    for a in &run.analyses {
        known.extend(a.findings.iter().map(|f| f.service.to_string()));
    }
    // Services that the inputs' trust policies name, passable or not.
    for s in &run.loaded.stacks {
        for r in &s.account.roles {
            for st in &r.trust.statements {
                let Some(p) = &st.principals else { continue };
                known.extend(
                    p.entries
                        .iter()
                        .filter(|(k, _)| *k == PrincipalKind::Service)
                        .filter_map(|(_, v)| v.as_known().map(str::to_owned)),
                );
            }
        }
    }
    known.sort();
    known.dedup();
    for f in &output.services {
        if f == "*"
            || known
                .iter()
                .any(|k| service_matches(std::slice::from_ref(f), k))
        {
            continue;
        }
        let close = close_to(f, &known);
        if close.is_empty() {
            bail!(
                "--service {f:?} is not a service principal passgraph knows (e.g. ec2, lambda, ecs-tasks, monitoring.rds)"
            );
        }
        bail!(
            "--service {f:?} is not a service principal passgraph knows; did you mean {}?",
            close.join(", ")
        );
    }
    Ok(())
}

/// The principal names closest to `name`, for `explain`: names that contain it (ignoring case;
/// a name with an unknown part such as `chris-${var.cgid}` contains `chris`), then those within a
/// few edits, closest first (at most five).
pub(crate) fn close_principals(name: &str, known: &[String]) -> Vec<String> {
    let lower = name.to_ascii_lowercase();
    let limit = (lower.chars().count() / 3).max(2);
    let mut scored: Vec<(usize, &String)> = known
        .iter()
        .filter_map(|k| {
            let k_lower = k.to_ascii_lowercase();
            if lower.len() >= 3 && k_lower.contains(&lower) {
                return Some((0, k));
            }
            let d = distance(&lower, &k_lower);
            (d <= limit).then_some((d, k))
        })
        .collect();
    scored.sort();
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(5).map(|(_, k)| k.clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_principals_contain_the_name_or_are_a_few_edits_away() {
        let known: Vec<String> = ["chris-${var.cgid}", "Chrissy", "admin", "adnim-2", "bob"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        assert_eq!(
            close_principals("chris", &known),
            ["Chrissy", "chris-${var.cgid}"]
        );
        assert_eq!(close_principals("admn", &known), ["admin"]);
        assert_eq!(close_principals("adnim-3", &known), ["adnim-2"]);
        assert!(close_principals("zzzzzz", &known).is_empty());
    }

    #[test]
    fn edit_distance() {
        assert_eq!(distance("ec3", "ec2"), 1);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("lamdba", "lambda"), 2);
        assert_eq!(distance("kitten", "sitting"), 3);
    }

    #[test]
    fn close_names_come_from_the_catalogue() {
        let known: Vec<String> = CATALOGUE.iter().map(|s| s.principal.to_owned()).collect();
        assert_eq!(
            close_to("ec3", &known).first().map(String::as_str),
            Some("ec2")
        );
        assert!(close_to("lamdba", &known).contains(&"lambda".to_owned()));
        assert!(close_to("zzzzzzzzzzzz", &known).is_empty());
    }
}
