//! Whether a finding is accepted, and why: by the configuration's `accept:` list, by an inline
//! suppression written where the principal or role is defined, or by a baseline.
//!
//! Matching is sound for a security tool: a pattern accepts a finding only when it matches
//! whatever the unknown parts of the finding's names turn out to be (a role whose name is
//! generated at apply is accepted by `role: "*"`, not by `role: app-*`).

use std::collections::BTreeSet;
use std::sync::Mutex;

use passgraph_model::service::names_service;
use passgraph_model::{Code, Diagnostic, Glob, Ignore, Origin, PrincipalTarget, Str, Tri};

use crate::baseline::Baseline;
use crate::date::Date;

/// `accept:` one exposure the team has decided to live with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Acceptance {
    /// A name, `kind/name` or ARN; `*` and `?` allowed. `group/NAME` accepts what members get
    /// through that group. `None`: every principal.
    pub principal: Option<String>,
    /// A role name or ARN; `*` and `?` allowed. `None`: every role.
    pub role: Option<String>,
    /// A service as `--service` takes it. `None`: every service.
    pub service: Option<String>,
    /// Why (required).
    pub reason: String,
    /// After this day the exposure fails again.
    pub expires: Option<Date>,
    /// Where it is written.
    pub origin: Origin,
}

/// A finding as the acceptance rules see it.
#[derive(Clone, Copy, Debug)]
pub struct Exposure<'a> {
    /// `user` or `role`.
    pub principal_kind: &'a str,
    /// The principal's name.
    pub principal_name: &'a Str,
    /// The principal's ARN.
    pub principal_arn: &'a Str,
    /// The passed role's name.
    pub role_name: &'a Str,
    /// The passed role's ARN.
    pub role_arn: &'a Str,
    /// The service principal.
    pub service: &'a str,
    /// The groups (by name) through which every grant of the finding comes: accepting one of
    /// them accepts the finding.
    pub groups: &'a [Str],
    /// The finding's fingerprint (baseline identity).
    pub fingerprint: &'a str,
}

/// How a finding was accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SuppressionKind {
    /// By the configuration file's `accept:`.
    Accepted,
    /// By a suppression where the principal or role is defined.
    Inline,
    /// By the baseline.
    Baseline,
}

impl SuppressionKind {
    /// The word used in outputs (`"suppressed": {"kind": ...}`).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            SuppressionKind::Accepted => "accepted",
            SuppressionKind::Inline => "inline",
            SuppressionKind::Baseline => "baseline",
        }
    }
}

/// Why a finding does not count.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppressed {
    /// How.
    pub kind: SuppressionKind,
    /// The reason written with it.
    pub reason: String,
    /// Where the acceptance is written (none for a baseline).
    pub origin: Option<Origin>,
}

/// Decides, finding by finding, whether it is accepted. Remembers what was used, so that
/// [`Suppressor::diagnostics`] can name acceptances that expired or matched nothing.
#[derive(Debug)]
pub struct Suppressor<'a> {
    accept: &'a [Acceptance],
    ignores: &'a [Ignore],
    baseline: Option<&'a Baseline>,
    today: Date,
    used: Mutex<Used>,
}

#[derive(Debug, Default)]
struct Used {
    accept: BTreeSet<usize>,
    expired: BTreeSet<usize>,
    ignores: BTreeSet<usize>,
}

impl<'a> Suppressor<'a> {
    /// A suppressor over the configuration's acceptances, the inputs' inline suppressions and
    /// a baseline, on `today`.
    #[must_use]
    pub fn new(
        accept: &'a [Acceptance],
        ignores: &'a [Ignore],
        baseline: Option<&'a Baseline>,
        today: Date,
    ) -> Suppressor<'a> {
        Suppressor {
            accept,
            ignores,
            baseline,
            today,
            used: Mutex::new(Used::default()),
        }
    }

    /// Whether the finding is accepted, and how: the configuration first, then inline
    /// suppressions, then the baseline. An expired acceptance accepts nothing.
    pub fn check(&self, e: &Exposure<'_>) -> Option<Suppressed> {
        let mut used = self
            .used
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        for (i, a) in self.accept.iter().enumerate() {
            if !acceptance_matches(a, e) {
                continue;
            }
            if a.expires.is_some_and(|d| d < self.today) {
                used.expired.insert(i);
                continue;
            }
            used.accept.insert(i);
            return Some(Suppressed {
                kind: SuppressionKind::Accepted,
                reason: a.reason.clone(),
                origin: Some(a.origin.clone()),
            });
        }
        for (i, ig) in self.ignores.iter().enumerate() {
            let Some(reason) = ig.reason.as_ref().filter(|r| !r.trim().is_empty()) else {
                continue;
            };
            if ignore_matches(ig, e) {
                used.ignores.insert(i);
                return Some(Suppressed {
                    kind: SuppressionKind::Inline,
                    reason: reason.clone(),
                    origin: Some(ig.origin.clone()),
                });
            }
        }
        if let Some(b) = self.baseline
            && b.contains(e.fingerprint)
        {
            return Some(Suppressed {
                kind: SuppressionKind::Baseline,
                reason: "in the baseline".to_owned(),
                origin: None,
            });
        }
        None
    }

    /// What the user should know after the run: acceptances that expired (and so fail again),
    /// inline suppressions without a reason (they suppress nothing), and acceptances that
    /// matched no finding (stale).
    #[must_use]
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        let used = self
            .used
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut out = Vec::new();
        for (i, a) in self.accept.iter().enumerate() {
            if let Some(d) = a.expires
                && d < self.today
            {
                let what = if used.expired.contains(&i) {
                    "its exposures fail again"
                } else {
                    "it matches no finding any more; remove it"
                };
                out.push(Diagnostic::warning(
                    Code::Suppression,
                    format!("accepted exposure expired on {d}: {what}"),
                    Some(a.origin.clone()),
                ));
            } else if !used.accept.contains(&i) {
                out.push(Diagnostic::note(
                    Code::Suppression,
                    "accepted exposure matches no finding; remove it if the exposure is gone",
                    Some(a.origin.clone()),
                ));
            }
        }
        for ig in self.ignores {
            if ig.reason.as_ref().is_none_or(|r| r.trim().is_empty()) {
                out.push(Diagnostic::warning(
                    Code::Suppression,
                    "suppression without a reason suppresses nothing: add reason=\"...\"",
                    Some(ig.origin.clone()),
                ));
            }
        }
        out
    }
}

fn acceptance_matches(a: &Acceptance, e: &Exposure<'_>) -> bool {
    a.principal
        .as_deref()
        .is_none_or(|p| principal_matches(p, e))
        && a.role.as_deref().is_none_or(|r| role_matches(r, e))
        && a.service
            .as_deref()
            .is_none_or(|s| names_service(s, e.service))
}

fn ignore_matches(ig: &Ignore, e: &Exposure<'_>) -> bool {
    if !ig
        .service
        .as_deref()
        .is_none_or(|s| names_service(s, e.service))
    {
        return false;
    }
    match &ig.on {
        // On a role with `role:` the role is the principal; otherwise it is the passed role.
        PrincipalTarget::Role(on) if ig.role.is_some() => {
            e.principal_kind == "role"
                && names(on, e.principal_name, e.principal_arn)
                && ig.role.as_deref().is_none_or(|r| role_matches(r, e))
        }
        PrincipalTarget::Role(on) => {
            names(on, e.role_name, e.role_arn)
                && ig
                    .principal
                    .as_deref()
                    .is_none_or(|p| principal_matches(p, e))
        }
        PrincipalTarget::User(on) => {
            e.principal_kind == "user"
                && names(on, e.principal_name, e.principal_arn)
                && ig.role.as_deref().is_none_or(|r| role_matches(r, e))
        }
        PrincipalTarget::Group(on) => {
            e.groups
                .iter()
                .any(|g| g == on || on.last_segment("/") == *g)
                && ig.role.as_deref().is_none_or(|r| role_matches(r, e))
        }
    }
}

/// Whether `on` (a name or ARN as an input writes it) is the entity with `name` and `arn`.
fn names(on: &Str, name: &Str, arn: &Str) -> bool {
    on == name || on == arn
}

/// `principal:` a name, `kind/name` or ARN, with wildcards.
fn principal_matches(pattern: &str, e: &Exposure<'_>) -> bool {
    if pattern.starts_with("arn:") {
        return glob(pattern, e.principal_arn);
    }
    if let Some((kind, name)) = pattern.split_once('/')
        && matches!(kind, "user" | "role" | "group")
    {
        return match kind {
            "group" => e.groups.iter().any(|g| glob(name, g)),
            _ => kind == e.principal_kind && glob(name, e.principal_name),
        };
    }
    glob(pattern, e.principal_name)
}

/// `role:` a name or ARN, with wildcards.
fn role_matches(pattern: &str, e: &Exposure<'_>) -> bool {
    if pattern.starts_with("arn:") {
        glob(pattern, e.role_arn)
    } else {
        glob(pattern, e.role_name)
    }
}

/// Case-sensitive wildcard match that holds whatever the subject's unknown parts are.
fn glob(pattern: &str, subject: &Str) -> bool {
    Glob::new(&Str::lit(pattern), false).matches(subject) == Tri::Yes
}

#[cfg(test)]
mod tests;
