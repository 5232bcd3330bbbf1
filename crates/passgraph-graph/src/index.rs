//! Resolving the account: relations by name or ARN, policies compiled once, principals grouped
//! by the policies they hold.

use passgraph_model::hash::HashMap;
use std::collections::BTreeMap;
use std::sync::Arc;

use passgraph_eval::{
    CompiledPolicy, Context, CtxValue, Member, PolicyKind, PolicyLabel, PolicySet,
};
use passgraph_model::account::{AttachedPolicy, PrincipalTarget, RoleTarget};
use passgraph_model::diag::Code;
use passgraph_model::policy::PrincipalKind as PKind;
use passgraph_model::value::HoleClass;
use passgraph_model::{
    Account, Diagnostic, Effect, Glob, InlinePolicy, Origin, PolicyRef, Str, Tri,
};

use crate::{Options, Principal, PrincipalKind, Proof};

/// Resolves a name or ARN to entities: exact matches first, then possible matches when holes
/// are involved.
pub(crate) struct Resolver<'a> {
    case_insensitive_names: bool,
    exact: HashMap<&'a Str, Vec<usize>>,
    lower_names: HashMap<String, Vec<usize>>,
    symbolic: Vec<(usize, &'a Str, &'a Str)>,
    all: Vec<(usize, &'a Str, &'a Str)>,
}

impl<'a> Resolver<'a> {
    pub(crate) fn new(items: impl Iterator<Item = (usize, &'a Str, &'a Str)>) -> Resolver<'a> {
        Resolver::build(items, true)
    }

    /// A resolver of ARNs only: principal ARNs match case-sensitively.
    pub(crate) fn arns(items: impl Iterator<Item = (usize, &'a Str, &'a Str)>) -> Resolver<'a> {
        Resolver::build(items, false)
    }

    /// Borrows the names and ARNs (of the account, which outlives the index): a resolver of a
    /// large account is built several times, and cloning its strings was most of the cost.
    fn build(
        items: impl Iterator<Item = (usize, &'a Str, &'a Str)>,
        case_insensitive_names: bool,
    ) -> Resolver<'a> {
        let mut r = Resolver {
            case_insensitive_names,
            exact: HashMap::default(),
            lower_names: HashMap::default(),
            symbolic: Vec::new(),
            all: Vec::new(),
        };
        for (i, name, arn) in items {
            r.exact.entry(name).or_default().push(i);
            if arn != name {
                r.exact.entry(arn).or_default().push(i);
            }
            if case_insensitive_names && let Some(n) = name.as_known() {
                r.lower_names
                    .entry(n.to_ascii_lowercase())
                    .or_default()
                    .push(i);
            }
            if !name.is_known() || !arn.is_known() {
                r.symbolic.push((i, name, arn));
            }
            r.all.push((i, name, arn));
        }
        r
    }

    /// The entities `key` names, each with how surely.
    pub(crate) fn resolve(&self, key: &Str) -> Vec<(usize, Tri)> {
        if let Some(v) = self.exact.get(key) {
            return dedup(v.iter().map(|i| (*i, Tri::Yes)).collect());
        }
        if let (Some(k), true) = (key.as_known(), self.case_insensitive_names) {
            // IAM names are unique case-insensitively; a reference that differs only by case
            // names the same entity.
            if let Some(v) = self.lower_names.get(&k.to_ascii_lowercase()) {
                return dedup(v.iter().map(|i| (*i, Tri::Yes)).collect());
            }
        }
        let pool = if key.is_known() {
            &self.symbolic
        } else {
            &self.all
        };
        let g = Glob::exact(key, false);
        let mut out = Vec::new();
        for (i, name, arn) in pool {
            let t = g
                .matches(name)
                .or(g.matches(arn))
                .or(Glob::exact(name, false).matches(key))
                .or(Glob::exact(arn, false).matches(key));
            if t.possible() {
                out.push((*i, Tri::Maybe));
            }
        }
        dedup(out)
    }
}

fn dedup(mut v: Vec<(usize, Tri)>) -> Vec<(usize, Tri)> {
    v.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    v.dedup_by_key(|x| x.0);
    v
}

/// A policy held by a principal, by index into [`Index::policies`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Held {
    pub(crate) policy: usize,
    pub(crate) uncertain: bool,
}

/// What a principal holds.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Holding {
    pub(crate) identity: Vec<Held>,
    /// `Some(None)`: a boundary is set but its document is missing.
    pub(crate) boundary: Option<Option<Held>>,
}

/// A group of principals that hold the same policies and so share every evaluation.
#[derive(Clone, Debug)]
pub(crate) struct Key {
    pub(crate) holding: Holding,
    pub(crate) members: Vec<usize>,
}

/// A service a role's trust policy lets in.
#[derive(Clone, Debug)]
pub(crate) struct TrustedService {
    pub(crate) service: String,
    pub(crate) certainty: Tri,
    pub(crate) proofs: Vec<Proof>,
    /// The catalogue entry, looked up once.
    pub(crate) lookup: passgraph_model::service::Service,
    /// Its `iam:PassedToService` candidates, and whether all must be allowed.
    pub(crate) passed_to_service: (Vec<String>, bool),
    /// False when the trust names the service by a value not known offline
    /// (`ec2.${data.aws_partition.current.dns_suffix}`): the request's `iam:PassedToService`
    /// is then not known either, and a grant limited to some services may cover it.
    pub(crate) name_known: bool,
    /// `service` and the `passed_to_service` values as small numbers, the same for the same
    /// text across the index (below [`Index::service_ids`] and [`Index::value_ids`]).
    pub(crate) service_id: usize,
    pub(crate) value_ids: Vec<usize>,
}

/// The service name of findings about roles that trust every principal (`"*"`), services
/// included.
pub(crate) const ANY_SERVICE: &str = "*";

/// How a trust statement names AWS principals.
#[derive(Clone, Debug)]
pub(crate) enum TrustTarget {
    /// A specific principal of the account.
    Principal(usize, Tri),
    /// The account (root ARN or id, as written): an identity grant is needed too, and the
    /// caller must be of that account.
    Account(Str),
    /// Everyone (`*`).
    Everyone,
}

/// A trust statement that lets AWS principals assume a role.
#[derive(Clone, Debug)]
pub(crate) struct TrustGrant {
    /// The statement, or `None` for a trust policy that is not known offline.
    pub(crate) statement: Option<usize>,
    pub(crate) targets: Vec<TrustTarget>,
}

pub(crate) struct Index<'a> {
    pub(crate) account: &'a Account,
    /// Per principal: the account id of its ARN, when known ([`crate::pass::account_of`]).
    accounts: Vec<Option<Box<str>>>,
    pub(crate) principals: Vec<Principal>,
    pub(crate) n_users: usize,
    /// Source entity per principal (index into `account.users` or `account.roles`).
    pub(crate) source: Vec<usize>,
    pub(crate) policies: Vec<CompiledPolicy>,
    pub(crate) keys: Vec<Key>,
    pub(crate) key_of: Vec<usize>,
    pub(crate) scps: Vec<usize>,
    /// Roles (principal indices) whose ARN is known, sorted by ARN.
    pub(crate) roles_known: Vec<(String, usize)>,
    /// Roles whose ARN has holes.
    pub(crate) roles_symbolic: Vec<usize>,
    /// Trust policy per principal (roles only).
    pub(crate) trust: Vec<Option<usize>>,
    pub(crate) trusted_services: Vec<Vec<TrustedService>>,
    pub(crate) trust_grants: Vec<Vec<TrustGrant>>,
    /// Every (role, service) a role's trust lets in, sorted: the pairs findings are about, by
    /// id (their position). `pair_of[role]` gives the ids of `trusted_services[role]`, in order.
    pub(crate) pairs: Vec<(usize, Arc<str>)>,
    pub(crate) pair_of: Vec<Vec<u32>>,
    /// How many distinct services and `iam:PassedToService` values trusted services name.
    pub(crate) service_ids: usize,
    pub(crate) value_ids: usize,
    /// Per role principal: is it in some instance profile?
    pub(crate) in_profile: Vec<Tri>,
    /// Per role principal: role uses (index into account.role_uses) with the service.
    pub(crate) uses: Vec<Vec<(usize, String)>>,
    pub(crate) diagnostics: Vec<Diagnostic>,
    pub(crate) account_id: Option<String>,
    /// Per principal: where each built-in AWS managed policy it holds is attached in the
    /// inputs (policy index, origin of the reference), so that proofs point at the user's code
    /// rather than at the built-in table.
    pub(crate) attached_at: Vec<Vec<(usize, Origin)>>,
    /// Roles by the parts of their ARN ([`crate::parts`]); `None` scans by literal prefix only
    /// (the reference).
    pub(crate) role_parts: Option<crate::parts::RoleParts>,
}

fn compile(
    policies: &mut Vec<CompiledPolicy>,
    doc: &passgraph_model::PolicyDocument,
    l: PolicyLabel,
    diags: &mut Vec<Diagnostic>,
) -> usize {
    let (c, d) = CompiledPolicy::compile(doc, l);
    diags.extend(d);
    policies.push(c);
    policies.len() - 1
}

fn label(kind: PolicyKind, name: String) -> PolicyLabel {
    PolicyLabel {
        kind,
        name: name.into(),
    }
}

impl<'a> Index<'a> {
    #[allow(clippy::too_many_lines)]
    pub(crate) fn build(account: &'a Account, options: &Options) -> Index<'a> {
        let mut diagnostics = Vec::new();
        let mut policies: Vec<CompiledPolicy> = Vec::new();

        // Principals: users then roles, each sorted by ARN text, then name.
        let mut users: Vec<usize> = (0..account.users.len()).collect();
        users.sort_by_cached_key(|&i| {
            (
                account.users[i].arn.to_string(),
                account.users[i].name.to_string(),
                i,
            )
        });
        let mut roles: Vec<usize> = (0..account.roles.len()).collect();
        roles.sort_by_cached_key(|&i| {
            (
                account.roles[i].arn.to_string(),
                account.roles[i].name.to_string(),
                i,
            )
        });
        let mut principals = Vec::new();
        let mut source = Vec::new();
        for &u in &users {
            let x = &account.users[u];
            principals.push(Principal {
                kind: PrincipalKind::User,
                name: x.name.clone(),
                arn: x.arn.clone(),
                origin: x.origin.clone(),
                uncertain: x.uncertain,
            });
            source.push(u);
        }
        let n_users = principals.len();
        for &r in &roles {
            let x = &account.roles[r];
            principals.push(Principal {
                kind: PrincipalKind::Role,
                name: x.name.clone(),
                arn: x.arn.clone(),
                origin: x.origin.clone(),
                uncertain: x.uncertain,
            });
            source.push(r);
        }

        // Managed policies, compiled once.
        let mut managed_ids = Vec::new();
        for p in &account.policies {
            managed_ids.push(compile(
                &mut policies,
                &p.document,
                label(PolicyKind::Managed, p.arn.to_string()),
                &mut diagnostics,
            ));
        }
        // Built-in AWS managed documents (`passgraph_eval::managed::add_builtins`).
        let builtin_ids: std::collections::BTreeSet<usize> = account
            .policies
            .iter()
            .zip(&managed_ids)
            .filter(|(p, _)| {
                p.origin
                    .address
                    .as_deref()
                    .is_some_and(|a| a.starts_with("aws-managed:"))
            })
            .map(|(_, id)| *id)
            .collect();
        let managed = Resolver::new(
            account
                .policies
                .iter()
                .enumerate()
                .map(|(i, p)| (i, &p.arn, &p.arn)),
        );
        let mut missing: BTreeMap<String, usize> = BTreeMap::new();
        let mut managed_ref = |r: &PolicyRef,
                               diags: &mut Vec<Diagnostic>,
                               policies: &mut Vec<CompiledPolicy>|
         -> Vec<Held> {
            let found = managed.resolve(&r.arn);
            if found.is_empty() {
                let key = r.arn.to_string();
                let id = *missing.entry(key.clone()).or_insert_with(|| {
                    let (doc, message, level) = match passgraph_eval::managed::approximate(&key, &r.origin) {
                        Some((doc, _)) => (
                            doc,
                            format!("AWS managed policy {key} is not in the built-in table (AWS managed policies of {}); what it grants or denies is possible (load it with --aws-managed-policies)", passgraph_eval::managed::data_date()),
                            passgraph_model::Level::Warning,
                        ),
                        None => (
                            passgraph_model::PolicyDocument::unknown(format!("managed policy {key}"), r.origin.clone()),
                            format!("the document of managed policy {key} is not available; what it grants or denies is possible (load it with --aws-managed-policies or include it in the inputs)"),
                            passgraph_model::Level::Warning,
                        ),
                    };
                    diags.push(Diagnostic { level, code: Code::UnknownPolicy, message, origin: Some(r.origin.clone()) });
                    policies.push(CompiledPolicy::compile(&doc, label(PolicyKind::Managed, key.clone())).0);
                    policies.len() - 1
                });
                return vec![Held {
                    policy: id,
                    uncertain: false,
                }];
            }
            let several = found.len() > 1;
            found
                .into_iter()
                .map(|(i, t)| Held {
                    policy: managed_ids[i],
                    uncertain: t != Tri::Yes || several || account.policies[i].uncertain,
                })
                .collect()
        };

        // Groups.
        let group_res = Resolver::new(
            account
                .groups
                .iter()
                .enumerate()
                .map(|(i, g)| (i, &g.name, &g.arn)),
        );
        let mut group_held: Vec<Vec<Held>> = vec![Vec::new(); account.groups.len()];
        let mut group_attached_at: Vec<Vec<(usize, Origin)>> =
            vec![Vec::new(); account.groups.len()];
        let note_at = |list: &mut Vec<(usize, Origin)>, held: &[Held], origin: &Origin| {
            for h in held {
                if builtin_ids.contains(&h.policy) && list.iter().all(|(p, _)| *p != h.policy) {
                    list.push((h.policy, origin.clone()));
                }
            }
        };
        for (gi, g) in account.groups.iter().enumerate() {
            for p in &g.inline {
                let id = compile(
                    &mut policies,
                    &p.document,
                    label(
                        PolicyKind::Inline,
                        format!("group/{}/inline/{}", g.name, p.name),
                    ),
                    &mut diagnostics,
                );
                group_held[gi].push(Held {
                    policy: id,
                    uncertain: false,
                });
            }
            for r in &g.attached {
                let h = managed_ref(r, &mut diagnostics, &mut policies);
                note_at(&mut group_attached_at[gi], &h, &r.origin);
                group_held[gi].extend(h);
            }
        }

        let user_res = Resolver::new(
            users
                .iter()
                .enumerate()
                .map(|(pi, &u)| (pi, &account.users[u].name, &account.users[u].arn)),
        );
        let role_res = Resolver::new(
            roles
                .iter()
                .enumerate()
                .map(|(k, &r)| (n_users + k, &account.roles[r].name, &account.roles[r].arn)),
        );

        let mut holdings: Vec<Holding> = vec![Holding::default(); principals.len()];
        let mut attached_at: Vec<Vec<(usize, Origin)>> = vec![Vec::new(); principals.len()];
        let mut memberships: Vec<Vec<(usize, bool)>> = vec![Vec::new(); principals.len()];
        let mut missing_groups: Vec<(usize, Str, Origin)> = Vec::new();
        let unresolved = |what: &str, key: &Str, origin: &Origin, diags: &mut Vec<Diagnostic>| {
            diags.push(Diagnostic::warning(
                Code::UnresolvedReference,
                format!("{what} {key} is not defined by the inputs"),
                Some(origin.clone()),
            ));
        };

        // Per-principal inline and attached policies and boundaries.
        let inline = |owner: String,
                      p: &InlinePolicy,
                      diags: &mut Vec<Diagnostic>,
                      policies: &mut Vec<CompiledPolicy>| {
            compile(
                policies,
                &p.document,
                label(PolicyKind::Inline, format!("{owner}/inline/{}", p.name)),
                diags,
            )
        };
        for pi in 0..principals.len() {
            let (kind, src) = (principals[pi].kind, source[pi]);
            let (inl, att, bnd, owner) = match kind {
                PrincipalKind::User => {
                    let u = &account.users[src];
                    for g in &u.groups {
                        let found = group_res.resolve(g);
                        if found.is_empty() {
                            unresolved("group", g, &u.origin, &mut diagnostics);
                            missing_groups.push((pi, g.clone(), u.origin.clone()));
                        }
                        memberships[pi]
                            .extend(found.into_iter().map(|(gi, t)| (gi, t != Tri::Yes)));
                    }
                    (
                        &u.inline,
                        &u.attached,
                        &u.boundary,
                        format!("user/{}", u.name),
                    )
                }
                PrincipalKind::Role => {
                    let r = &account.roles[src];
                    (
                        &r.inline,
                        &r.attached,
                        &r.boundary,
                        format!("role/{}", r.name),
                    )
                }
            };
            for p in inl {
                let id = inline(owner.clone(), p, &mut diagnostics, &mut policies);
                holdings[pi].identity.push(Held {
                    policy: id,
                    uncertain: false,
                });
            }
            for r in att {
                let h = managed_ref(r, &mut diagnostics, &mut policies);
                note_at(&mut attached_at[pi], &h, &r.origin);
                holdings[pi].identity.extend(h);
            }
            if let Some(b) = bnd {
                let h = managed_ref(b, &mut diagnostics, &mut policies);
                holdings[pi].boundary = Some(match h.as_slice() {
                    // One candidate: it, possibly. Several: which one applies is unknown.
                    [one] => Some(*one),
                    _ => None,
                });
            }
        }

        // Memberships and attachments declared apart.
        for m in &account.memberships {
            let us = user_res.resolve(&m.user);
            let gs = group_res.resolve(&m.group);
            if us.is_empty() {
                unresolved("user", &m.user, &m.origin, &mut diagnostics);
            }
            if gs.is_empty() {
                unresolved("group", &m.group, &m.origin, &mut diagnostics);
                for &(u, _) in &us {
                    missing_groups.push((u, m.group.clone(), m.origin.clone()));
                }
            }
            for &(u, tu) in &us {
                for &(g, tg) in &gs {
                    memberships[u].push((g, m.uncertain || tu != Tri::Yes || tg != Tri::Yes));
                }
            }
        }
        for a in &account.attachments {
            let targets: Vec<(Target, Tri)> = match &a.target {
                PrincipalTarget::User(k) => user_res
                    .resolve(k)
                    .into_iter()
                    .map(|(i, t)| (Target::Principal(i), t))
                    .collect(),
                PrincipalTarget::Role(k) => role_res
                    .resolve(k)
                    .into_iter()
                    .map(|(i, t)| (Target::Principal(i), t))
                    .collect(),
                PrincipalTarget::Group(k) => group_res
                    .resolve(k)
                    .into_iter()
                    .map(|(i, t)| (Target::Group(i), t))
                    .collect(),
            };
            if targets.is_empty() {
                let (what, k) = match &a.target {
                    PrincipalTarget::User(k) => ("user", k),
                    PrincipalTarget::Role(k) => ("role", k),
                    PrincipalTarget::Group(k) => ("group", k),
                };
                unresolved(what, k, &a.origin, &mut diagnostics);
                continue;
            }
            let held: Vec<Held> = match &a.policy {
                AttachedPolicy::Managed(r) | AttachedPolicy::Boundary(r) => {
                    managed_ref(r, &mut diagnostics, &mut policies)
                }
                AttachedPolicy::Inline(p) => {
                    let owner = match &a.target {
                        PrincipalTarget::User(k) => format!("user/{k}"),
                        PrincipalTarget::Role(k) => format!("role/{k}"),
                        PrincipalTarget::Group(k) => format!("group/{k}"),
                    };
                    vec![Held {
                        policy: inline(owner, p, &mut diagnostics, &mut policies),
                        uncertain: false,
                    }]
                }
            };
            let several = targets.len() > 1;
            if let AttachedPolicy::Managed(r) = &a.policy {
                for (t, _) in &targets {
                    match t {
                        Target::Principal(p) => note_at(&mut attached_at[*p], &held, &r.origin),
                        Target::Group(g) => note_at(&mut group_attached_at[*g], &held, &r.origin),
                    }
                }
            }
            for (t, tri) in targets {
                let unc = a.uncertain || tri != Tri::Yes || several;
                for h in &held {
                    let h = Held {
                        uncertain: h.uncertain || unc,
                        ..*h
                    };
                    match (t, &a.policy) {
                        (Target::Principal(p), AttachedPolicy::Boundary(_)) => {
                            holdings[p].boundary = Some(Some(h))
                        }
                        (Target::Principal(p), _) => holdings[p].identity.push(h),
                        (Target::Group(g), _) => group_held[g].push(h),
                    }
                }
            }
        }
        // A group the inputs do not define (a snapshot filtered to users and roles, a group
        // made elsewhere): its policies are unknown, so they may grant anything.
        let mut unknown_groups: BTreeMap<String, usize> = BTreeMap::new();
        for (pi, g, origin) in missing_groups {
            let key = g.to_string();
            let id = *unknown_groups.entry(key.clone()).or_insert_with(|| {
                let doc = passgraph_model::PolicyDocument::unknown(
                    format!("the policies of group {key}, which the inputs do not define"),
                    origin,
                );
                policies.push(
                    CompiledPolicy::compile(
                        &doc,
                        label(PolicyKind::Managed, format!("group/{key} (not defined)")),
                    )
                    .0,
                );
                policies.len() - 1
            });
            holdings[pi].identity.push(Held {
                policy: id,
                uncertain: false,
            });
        }
        for pi in 0..n_users {
            for &(g, _) in &memberships[pi] {
                for (p, o) in &group_attached_at[g] {
                    if attached_at[pi].iter().all(|(q, _)| q != p) {
                        attached_at[pi].push((*p, o.clone()));
                    }
                }
            }
            for &(g, unc) in &memberships[pi] {
                let gu = account.groups[g].uncertain;
                for h in &group_held[g] {
                    holdings[pi].identity.push(Held {
                        uncertain: h.uncertain || unc || gu,
                        ..*h
                    });
                }
            }
        }
        for h in &mut holdings {
            h.identity.sort();
            h.identity.dedup();
            // A policy held both surely and possibly is held surely.
            let sure: Vec<usize> = h
                .identity
                .iter()
                .filter(|x| !x.uncertain)
                .map(|x| x.policy)
                .collect();
            h.identity
                .retain(|x| !x.uncertain || !sure.contains(&x.policy));
        }

        // SCPs.
        let scps: Vec<usize> = options
            .scps
            .iter()
            .enumerate()
            .map(|(i, d)| {
                compile(
                    &mut policies,
                    d,
                    label(PolicyKind::Scp, format!("scp/{i}")),
                    &mut diagnostics,
                )
            })
            .collect();

        // Keys: principals that hold the same policies share evaluations, unless a policy
        // depends on who the principal is.
        // Keys also separate accounts: PassRole never crosses one, and an account-root trust
        // names one.
        let mut key_map: HashMap<(Holding, PrincipalKind, Option<usize>, Str), usize> =
            HashMap::default();
        let mut accounts: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
        let mut keys: Vec<Key> = Vec::new();
        let mut key_of = vec![0; principals.len()];
        for pi in 0..principals.len() {
            let h = &holdings[pi];
            let sensitive = h
                .identity
                .iter()
                .chain(h.boundary.iter().flatten())
                .any(|x| policies[x.policy].principal_sensitive())
                || scps.iter().any(|&s| policies[s].principal_sensitive());
            // Service-linked roles are exempt from SCPs, so they cannot share with others.
            let slr = principals[pi].kind == PrincipalKind::Role
                && principals[pi]
                    .arn
                    .to_string()
                    .contains(":role/aws-service-role/");
            let account = principals[pi]
                .arn
                .split(":")
                .get(4)
                .cloned()
                .unwrap_or_default();
            if let Some(a) = crate::pass::account_of(&principals[pi].arn) {
                accounts.insert(a.to_owned());
            }
            let k = (
                h.clone(),
                principals[pi].kind,
                if sensitive || slr { Some(pi) } else { None },
                account,
            );
            let id = *key_map.entry(k).or_insert_with(|| {
                keys.push(Key {
                    holding: h.clone(),
                    members: Vec::new(),
                });
                keys.len() - 1
            });
            keys[id].members.push(pi);
            key_of[pi] = id;
        }

        // Roles sorted by ARN for range scans.
        let mut roles_known = Vec::new();
        let mut roles_symbolic = Vec::new();
        for pi in n_users..principals.len() {
            match principals[pi].arn.as_known() {
                Some(a) => roles_known.push((a.to_owned(), pi)),
                None => roles_symbolic.push(pi),
            }
        }
        roles_known.sort();
        let role_parts = crate::parts::RoleParts::build(
            (n_users..principals.len()).map(|pi| (pi, &principals[pi].arn)),
        );

        if accounts.len() > 1 {
            diagnostics.push(Diagnostic::note(
                Code::Unsupported,
                format!(
                    "the inputs hold principals of {} accounts ({}); roles are passed only within their own account, a role of another account is assumed only with the caller's own sts:AssumeRole grant, and principals the inputs only name are not modelled",
                    accounts.len(),
                    accounts.iter().cloned().collect::<Vec<_>>().join(", ")
                ),
                None,
            ));
        }
        let account_id = account.account_id.clone();
        let accounts = principals
            .iter()
            .map(|p| crate::pass::account_of(&p.arn).map(Box::from))
            .collect();
        let mut idx = Index {
            account,
            accounts,
            principals,
            n_users,
            source,
            policies,
            keys,
            key_of,
            scps,
            role_parts: Some(role_parts),
            roles_known,
            roles_symbolic,
            trust: Vec::new(),
            trusted_services: Vec::new(),
            pairs: Vec::new(),
            pair_of: Vec::new(),
            service_ids: 0,
            value_ids: 0,
            trust_grants: Vec::new(),
            in_profile: Vec::new(),
            uses: Vec::new(),
            diagnostics,
            account_id,
            attached_at,
        };
        idx.build_trust();
        idx.number_services();
        idx.build_profiles_and_uses(&role_res);
        idx.lint_passrole_statements();
        idx.diagnostics.sort();
        idx.diagnostics.dedup();
        idx
    }

    fn build_trust(&mut self) {
        let n = self.principals.len();
        self.trust = vec![None; n];
        self.trusted_services = vec![Vec::new(); n];
        self.trust_grants = vec![Vec::new(); n];
        let account = self.account;
        let (n_users, source) = (self.n_users, &self.source);
        let by_arn = Resolver::arns((0..n).map(|i| {
            let arn = if i < n_users {
                &account.users[source[i]].arn
            } else {
                &account.roles[source[i]].arn
            };
            (i, arn, arn)
        }));
        let mut ctx = Context::new();
        match &self.account_id {
            Some(a) => ctx.set_str("aws:SourceAccount", a),
            None => ctx.set("aws:SourceAccount", CtxValue::Unknown),
        };
        for pi in self.n_users..n {
            let role = &self.account.roles[self.source[pi]];
            let (c, d) = CompiledPolicy::compile(
                &role.trust,
                label(PolicyKind::Trust, format!("role/{}/trust", role.name)),
            );
            self.diagnostics.extend(d);
            // Services.
            // Service name → (allowed, denied, proofs, name known offline).
            let mut services: BTreeMap<String, (Tri, Tri, Vec<Proof>, bool)> = BTreeMap::new();
            let mut unknown_grant = None;
            if c.unknown.is_some() {
                // An unknown trust policy may let in any service, and any principal of the
                // account that an identity policy lets assume it.
                self.diagnostics.push(Diagnostic::warning(
                    Code::UnknownPolicy,
                    format!("the trust policy of role {} is not known; any service, and any principal allowed sts:AssumeRole on it, possibly", role.name),
                    Some(role.origin.clone()),
                ));
                let proof = Proof {
                    policy: c.label.name.clone(),
                    statement: Arc::from(""),
                    applies: Tri::Maybe,
                    origin: c.origin.clone(),
                };
                services.insert(
                    ANY_SERVICE.to_owned(),
                    (Tri::Maybe, Tri::No, vec![proof], true),
                );
                unknown_grant = Some(TrustGrant {
                    statement: None,
                    targets: vec![TrustTarget::Account(Str::hole(format!(
                        "the account trusted by role {}",
                        role.name
                    )))],
                });
            }
            for s in &c.statements {
                let Some(p) = &s.source.principals else {
                    continue;
                };
                if p.not {
                    continue;
                }
                let base = s
                    .action_match("sts:AssumeRole")
                    .and(s.conditions_hold(&ctx));
                let base = if s.source.uncertain {
                    base.weaken()
                } else {
                    base
                };
                if base == Tri::No {
                    continue;
                }
                let proof = Proof {
                    policy: c.label.name.clone(),
                    statement: s.sid.clone(),
                    applies: base,
                    origin: s.origin.clone(),
                };
                for (kind, value) in &p.entries {
                    if *kind != PKind::Service {
                        continue;
                    }
                    let (name, t) = match value.as_known() {
                        Some(v) => (v.to_owned(), base),
                        None => (value.to_string(), base.weaken()),
                    };
                    let e = services.entry(name).or_insert((
                        Tri::No,
                        Tri::No,
                        Vec::new(),
                        value.as_known().is_some(),
                    ));
                    match s.effect {
                        Effect::Allow => {
                            e.0 = e.0.or(t);
                            e.2.push(Proof {
                                applies: t,
                                ..proof.clone()
                            });
                        }
                        Effect::Deny => e.1 = e.1.or(t),
                        Effect::Unknown => {
                            e.0 = e.0.or(t.weaken());
                            e.1 = e.1.or(t.weaken());
                            e.2.push(Proof {
                                applies: t.weaken(),
                                ..proof.clone()
                            });
                        }
                    }
                }
                if p.everyone && s.effect != Effect::Deny {
                    self.diagnostics.push(Diagnostic::warning(
                        Code::EveryoneTrust,
                        format!("role {} trusts every principal (\"*\"); anyone who meets its conditions can assume it, and any service can be handed it", role.name),
                        Some(s.origin.clone()),
                    ));
                    // Everyone includes every service: passing the role to any service counts,
                    // under the service name "*".
                    let t = if s.effect == Effect::Unknown {
                        base.weaken()
                    } else {
                        base
                    };
                    let e = services.entry(ANY_SERVICE.to_owned()).or_insert((
                        Tri::No,
                        Tri::No,
                        Vec::new(),
                        true,
                    ));
                    e.0 = e.0.or(t);
                    e.2.push(Proof {
                        applies: t,
                        ..proof.clone()
                    });
                }
            }
            let role_uncertain = role.uncertain;
            self.trusted_services[pi] = services
                .into_iter()
                .filter_map(|(service, (allow, deny, proofs, name_known))| {
                    let mut t = allow.and(!deny);
                    if role_uncertain {
                        t = t.weaken();
                    }
                    let lookup = passgraph_model::service::Service::lookup(&service);
                    let passed_to_service = lookup.passed_to_service();
                    (t != Tri::No).then_some(TrustedService {
                        service,
                        certainty: t,
                        proofs,
                        lookup,
                        passed_to_service,
                        name_known,
                        service_id: 0,
                        value_ids: Vec::new(),
                    })
                })
                .collect();
            // AWS principals.
            let mut grants = Vec::new();
            for (si, s) in c.statements.iter().enumerate() {
                if s.effect == Effect::Deny {
                    continue;
                }
                let Some(p) = &s.source.principals else {
                    continue;
                };
                if p.not {
                    continue;
                }
                let mut targets = Vec::new();
                if p.everyone {
                    targets.push(TrustTarget::Everyone);
                }
                for (kind, value) in &p.entries {
                    if *kind != PKind::Aws || value.as_known() == Some("*") {
                        continue;
                    }
                    if let Some(a) = account_part(value) {
                        targets.push(TrustTarget::Account(a));
                        continue;
                    }
                    // A role session (`arn:aws:sts::1:assumed-role/ops/jane`): whoever holds a
                    // session of that role with that name, so the role itself, possibly.
                    if let Some(role_name) = session_role(value) {
                        let role_name = Str::lit(role_name);
                        let session_account = value.split(":").get(4).cloned().unwrap_or_default();
                        for i in self.n_users..self.principals.len() {
                            let role_account = self.principals[i]
                                .arn
                                .split(":")
                                .get(4)
                                .cloned()
                                .unwrap_or_default();
                            let other_account = session_account.is_known()
                                && role_account.is_known()
                                && session_account != role_account;
                            if self.principals[i].name == role_name && !other_account {
                                targets.push(TrustTarget::Principal(i, Tri::Maybe));
                            }
                        }
                        continue;
                    }
                    for (i, t) in by_arn.resolve(value) {
                        targets.push(TrustTarget::Principal(i, t));
                    }
                }
                if !targets.is_empty() {
                    grants.push(TrustGrant {
                        statement: Some(si),
                        targets,
                    });
                }
            }
            grants.extend(unknown_grant);
            self.trust_grants[pi] = grants;
            self.policies.push(c);
            self.trust[pi] = Some(self.policies.len() - 1);
        }
    }

    /// Whether principals `a` and `b` are of different accounts, both known
    /// ([`crate::pass::account_of`]).
    pub(crate) fn other_accounts(&self, a: usize, b: usize) -> bool {
        let id = |p: usize| self.accounts.get(p)?.as_deref();
        matches!((id(a), id(b)), (Some(x), Some(y)) if x != y)
    }

    /// How surely `caller` belongs to the account a trust policy names.
    pub(crate) fn same_account(&self, named: &Str, caller: usize) -> Tri {
        use passgraph_model::value::ACCOUNT_HOLE;
        let only_account_hole = |s: &Str| {
            !s.is_known() && s.holes().all(|h| h == ACCOUNT_HOLE) && s.known_prefix().is_empty()
        };
        let arn = &self.principals[caller].arn;
        let segs = arn.split(":");
        let caller_account = segs
            .get(4)
            .cloned()
            .unwrap_or_else(|| Str::hole(ACCOUNT_HOLE));
        let resolve = |s: &Str| -> Option<String> {
            match s.as_known() {
                Some(a) => Some(a.to_owned()),
                None if only_account_hole(s) => self.account_id.clone(),
                None => None,
            }
        };
        if named == &caller_account {
            return Tri::Yes;
        }
        // A caller's segment that is no account id (the `aws` of anonymised samples) is the
        // input's account, as in `crate::pass::account_of`.
        let caller_id = match caller_account.as_known() {
            Some(a) if !crate::pass::is_account_id(a) => self.account_id.clone(),
            _ => resolve(&caller_account),
        };
        match (resolve(named), caller_id) {
            (Some(a), Some(b)) => Tri::from_bool(a == b),
            _ => Tri::Maybe,
        }
    }

    fn build_profiles_and_uses(&mut self, role_res: &Resolver<'_>) {
        let n = self.principals.len();
        self.in_profile = vec![Tri::No; n];
        self.uses = vec![Vec::new(); n];
        let profile_res = Resolver::new(
            self.account
                .instance_profiles
                .iter()
                .enumerate()
                .map(|(i, p)| (i, &p.name, &p.arn)),
        );
        let mut profile_roles: Vec<Vec<(usize, Tri)>> = Vec::new();
        for p in &self.account.instance_profiles {
            let mut rs = Vec::new();
            for r in &p.roles {
                let found = role_res.resolve(r);
                if found.is_empty() {
                    self.diagnostics.push(Diagnostic::warning(
                        Code::UnresolvedReference,
                        format!(
                            "role {r} of instance profile {} is not defined by the inputs",
                            p.name
                        ),
                        Some(p.origin.clone()),
                    ));
                }
                for (ri, t) in found {
                    let t = if p.uncertain { t.weaken() } else { t };
                    self.in_profile[ri] = self.in_profile[ri].or(t);
                    rs.push((ri, t));
                }
            }
            profile_roles.push(rs);
        }
        for (ui, u) in self.account.role_uses.iter().enumerate() {
            let roles: Vec<(usize, Tri)> = match &u.target {
                RoleTarget::Role(k) => role_res.resolve(k),
                RoleTarget::InstanceProfile(k) => profile_res
                    .resolve(k)
                    .into_iter()
                    .flat_map(|(pi, _)| profile_roles[pi].clone())
                    .collect(),
            };
            if roles.is_empty() {
                self.diagnostics.push(Diagnostic::note(
                    Code::UnresolvedReference,
                    format!(
                        "{} {} hands {} ({}) to {}; the inputs do not define it",
                        u.resource_type,
                        u.resource,
                        match &u.target {
                            RoleTarget::Role(k) => format!("role {k}"),
                            RoleTarget::InstanceProfile(k) => format!("instance profile {k}"),
                        },
                        u.attribute,
                        u.service
                    ),
                    Some(u.origin.clone()),
                ));
            }
            for (ri, _) in roles {
                self.uses[ri].push((ui, u.service.clone()));
            }
        }
    }

    /// Numbers the services and `iam:PassedToService` values of trusted services, so that the
    /// PassRole pass keeps per-key caches in vectors rather than maps keyed by text.
    fn number_services(&mut self) {
        let mut services: HashMap<String, usize> = HashMap::default();
        let mut values: HashMap<String, usize> = HashMap::default();
        for ts in self.trusted_services.iter_mut().flatten() {
            let n = services.len();
            ts.service_id = *services.entry(ts.service.clone()).or_insert(n);
            ts.value_ids = ts
                .passed_to_service
                .0
                .iter()
                .map(|v| {
                    let n = values.len();
                    *values.entry(v.clone()).or_insert(n)
                })
                .collect();
        }
        self.service_ids = services.len();
        self.value_ids = values.len();
        let mut pairs: Vec<(usize, Arc<str>)> = self
            .trusted_services
            .iter()
            .enumerate()
            .flat_map(|(r, list)| list.iter().map(move |t| (r, Arc::from(t.service.as_str()))))
            .collect();
        pairs.sort_unstable();
        pairs.dedup();
        self.pair_of = self
            .trusted_services
            .iter()
            .enumerate()
            .map(|(r, list)| {
                list.iter()
                    .map(|t| {
                        let i = pairs
                            .binary_search_by(|(q, s)| (*q, &**s).cmp(&(r, t.service.as_str())))
                            .unwrap_or(0);
                        u32::try_from(i).unwrap_or(u32::MAX)
                    })
                    .collect()
            })
            .collect();
        self.pairs = pairs;
    }

    /// The account segment of a principal's ARN, when known.
    pub(crate) fn role_account(&self, pi: usize) -> Option<&str> {
        self.accounts[pi].as_deref()
    }

    /// The policy set of a key.
    pub(crate) fn policy_set(&self, key: usize) -> PolicySet<'_> {
        let h = &self.keys[key].holding;
        PolicySet {
            identity: h
                .identity
                .iter()
                .map(|x| Member {
                    policy: &self.policies[x.policy],
                    uncertain: x.uncertain,
                })
                .collect(),
            boundary: h.boundary.map(|b| {
                b.map(|x| Member {
                    policy: &self.policies[x.policy],
                    uncertain: x.uncertain,
                })
            }),
            scps: if self.exempt_from_scps(key) {
                Vec::new()
            } else {
                self.scps.iter().map(|&i| &self.policies[i]).collect()
            },
        }
    }

    fn exempt_from_scps(&self, key: usize) -> bool {
        let m = &self.keys[key].members;
        m.len() == 1
            && self.principals[m[0]].kind == PrincipalKind::Role
            && self.principals[m[0]]
                .arn
                .to_string()
                .contains(":role/aws-service-role/")
    }

    /// Diagnostics on the statements that allow `iam:PassRole`: a resource-tag condition (AWS
    /// documents it as unreliable for PassRole) and a role ARN that differs from an existing
    /// role's only by case (ARNs match case-sensitively: no match).
    fn lint_passrole_statements(&mut self) {
        let lower: HashMap<String, &str> = self
            .roles_known
            .iter()
            .map(|(a, _)| (a.to_ascii_lowercase(), a.as_str()))
            .collect();
        let exact: passgraph_model::hash::HashSet<&str> =
            self.roles_known.iter().map(|(a, _)| a.as_str()).collect();
        let mut out = Vec::new();
        for p in &self.policies {
            if !matches!(p.label.kind, PolicyKind::Inline | PolicyKind::Managed) {
                continue;
            }
            for s in &p.statements {
                if s.effect == Effect::Deny || s.action_match("iam:PassRole") == Tri::No {
                    continue;
                }
                for c in s.conditions() {
                    if c.key.starts_with("iam:resourcetag/")
                        || c.key.starts_with("aws:resourcetag/")
                    {
                        out.push(Diagnostic::note(
                            Code::UnreliableCondition,
                            format!(
                                "{} {} restricts iam:PassRole with {}, which AWS documents as unreliable for PassRole; it is treated as not known offline",
                                p.label.name, s.sid, c.key
                            ),
                            Some(c.origin.clone()),
                        ));
                    }
                }
                for pattern in s.source_resources() {
                    let Some(text) = pattern.as_known() else {
                        continue;
                    };
                    if text.contains(['*', '?']) || exact.contains(text) {
                        continue;
                    }
                    if let Some(real) = lower.get(&text.to_ascii_lowercase()) {
                        out.push(Diagnostic::warning(
                            Code::CaseMismatch,
                            format!("{} {} names {text}, which differs from role {real} only by case; AWS matches ARNs case-sensitively, so it does not grant that role", p.label.name, s.sid),
                            Some(s.origin.clone()),
                        ));
                    }
                }
            }
        }
        self.diagnostics.extend(out);
    }

    /// Per principal: policy labels held, and statements mentioning `iam:PassRole`.
    pub(crate) fn explain_tables(&self) -> (Vec<Vec<String>>, Vec<Vec<(Effect, Proof)>>) {
        let mut held = Vec::new();
        let mut stmts = Vec::new();
        for pi in 0..self.principals.len() {
            let set = self.policy_set(self.key_of[pi]);
            let mut labels: Vec<String> = set
                .identity
                .iter()
                .map(|m| {
                    let l = &m.policy.label.name;
                    if m.uncertain {
                        format!("{l} (possibly)")
                    } else {
                        l.to_string()
                    }
                })
                .collect();
            if let Some(b) = set.boundary {
                labels.push(match b {
                    Some(m) => format!("{} (permissions boundary)", m.policy.label.name),
                    None => "permissions boundary (document missing)".to_owned(),
                });
            }
            let mut st = Vec::new();
            for m in set.identity.iter().chain(set.boundary.iter().flatten()) {
                for s in &m.policy.statements {
                    let t = s.action_match("iam:PassRole");
                    if t != Tri::No {
                        st.push((
                            s.effect,
                            Proof {
                                policy: m.policy.label.name.clone(),
                                statement: s.sid.clone(),
                                applies: t,
                                origin: s.origin.clone(),
                            },
                        ));
                    }
                }
            }
            held.push(labels);
            stmts.push(st);
        }
        (held, stmts)
    }

    /// The request context for a principal (the representative of its key).
    pub(crate) fn principal_context(&self, pi: usize) -> Context {
        let p = &self.principals[pi];
        let mut c = Context::new();
        match p.kind {
            PrincipalKind::User => {
                c.set_str("aws:PrincipalType", "User");
                match p.name.as_known() {
                    Some(n) => c.set_str("aws:username", n),
                    None => c.set("aws:username", CtxValue::Unknown),
                };
                let tags = &self.account.users[self.source[pi]].tags;
                set_tags(&mut c, tags);
            }
            PrincipalKind::Role => {
                c.set_str("aws:PrincipalType", "AssumedRole");
                c.set("aws:username", CtxValue::Absent);
                let tags = &self.account.roles[self.source[pi]].tags;
                set_tags(&mut c, tags);
            }
        }
        if let Some(a) = p.arn.as_known() {
            c.set_str("aws:PrincipalArn", a);
        }
        if let Some(a) = &self.account_id {
            c.set_str("aws:PrincipalAccount", a);
        }
        // `iam:PassedToService` is in a PassRole request only (the pass sets it per service);
        // any other request, `sts:AssumeRole` included, lacks it.
        c.set("iam:PassedToService", CtxValue::Absent);
        c
    }
}

/// The account part of an AWS principal naming an account: a 12-digit id or a root ARN.
fn account_part(value: &Str) -> Option<Str> {
    // A bare account id is that account's root: a literal `123456789012`, or a value known to be
    // an account id (`!Ref AWS::AccountId`, `data.aws_caller_identity.current.account_id`).
    let bare_account = match value.as_known() {
        Some(v) => HoleClass::Account.admits_str(v),
        None => value
            .sole_hole()
            .is_some_and(|h| h.class() == HoleClass::Account),
    };
    if bare_account {
        return Some(value.clone());
    }
    let text = value.to_string();
    if text.starts_with("arn:") && text.ends_with(":root") {
        return value.split(":").get(4).cloned();
    }
    None
}

/// The role name of a role-session principal `arn:<p>:sts::<acct>:assumed-role/<role>/<session>`.
fn session_role(value: &Str) -> Option<&str> {
    let text = value.as_known()?;
    let rest = text.split_once(":assumed-role/")?.1;
    if !text.starts_with("arn:") || !text.contains(":sts::") {
        return None;
    }
    rest.split('/').next().filter(|n| !n.is_empty())
}

fn set_tags(c: &mut Context, tags: &[passgraph_model::Tag]) {
    for t in tags {
        if let (Some(k), Some(v)) = (t.key.as_known(), t.value.as_known()) {
            c.set_str(&format!("aws:PrincipalTag/{k}"), v);
        }
    }
}

#[derive(Clone, Copy)]
enum Target {
    Principal(usize),
    Group(usize),
}
