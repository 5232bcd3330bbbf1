//! Local, three-valued evaluation of IAM policies, the way AWS evaluates them.
//!
//! A [`CompiledPolicy`] is a policy document with its patterns compiled once. [`evaluate`]
//! decides one request (`action` on `resource` with a [`Context`]) against a principal's
//! [`PolicySet`]: an explicit Deny anywhere wins; otherwise an identity Allow is needed, and the
//! permissions boundary and the SCPs, when present, must allow too. Anything that depends on a
//! value not known offline makes the answer `Maybe`, never a silent yes or no.
//!
//! The crate also ships the built-in table of AWS managed policies ([`managed`]).

pub mod condition;
pub mod context;
pub mod managed;

use std::sync::Arc;

use passgraph_model::pattern::VarValue;
use passgraph_model::policy::PolicyDocument;
use passgraph_model::{
    ActionSpec, Diagnostic, Effect, Glob, Origin, ResourceSpec, Statement, Str, Tri,
};

pub use condition::CompiledCondition;
pub use context::{Context, CtxValue};

/// What a policy is, for proofs.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PolicyLabel {
    /// `inline`, `managed`, `boundary`, `scp`, `trust`.
    pub kind: PolicyKind,
    /// A readable name: the managed policy ARN, or `user/alice/inline/deploy`.
    pub name: Arc<str>,
}

/// The role a policy plays for a principal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PolicyKind {
    /// An inline policy of a user, group or role.
    Inline,
    /// A managed policy.
    Managed,
    /// A trust policy.
    Trust,
    /// A service control policy.
    Scp,
}

/// A statement with compiled patterns.
#[derive(Clone, Debug)]
pub struct CompiledStatement {
    /// Effect.
    pub effect: Effect,
    /// `Sid`, or `#<index>`.
    pub sid: Arc<str>,
    /// Position in the document.
    pub index: usize,
    actions: Vec<Glob>,
    not_action: bool,
    resources: Resources,
    conditions: Vec<CompiledCondition>,
    uncertain: bool,
    /// Where the statement is.
    pub origin: Origin,
    /// The statement as parsed (for principals in trust policies, and for display).
    pub source: Arc<Statement>,
}

#[derive(Clone, Debug)]
enum Resources {
    /// Patterns without policy variables, compiled once.
    Fixed { globs: Vec<Glob>, not: bool },
    /// Patterns with policy variables, compiled per principal.
    Variable { patterns: Vec<Str>, not: bool },
    /// No Resource element.
    Absent,
}

/// A compiled policy document.
#[derive(Clone, Debug)]
pub struct CompiledPolicy {
    /// What it is.
    pub label: PolicyLabel,
    /// The statements.
    pub statements: Vec<CompiledStatement>,
    /// Set when the document is unknown offline: it may allow and deny anything.
    pub unknown: Option<Arc<str>>,
    /// Where the document is.
    pub origin: Origin,
    vars: bool,
}

impl CompiledPolicy {
    /// Compiles a document. Diagnostics name unknown condition operators.
    #[must_use]
    pub fn compile(doc: &PolicyDocument, label: PolicyLabel) -> (CompiledPolicy, Vec<Diagnostic>) {
        let vars = doc.substitutes_variables();
        let mut diags = Vec::new();
        let statements = doc
            .statements
            .iter()
            .map(|s| compile_statement(s, vars, &mut diags))
            .collect();
        (
            CompiledPolicy {
                label,
                statements,
                unknown: doc.unknown.clone(),
                origin: doc.origin.clone(),
                vars,
            },
            diags,
        )
    }

    /// True when the policy's verdicts can depend on who the principal is (policy variables or
    /// principal condition keys), so principals that share it cannot share one evaluation.
    #[must_use]
    pub fn principal_sensitive(&self) -> bool {
        self.statements.iter().any(|s| {
            matches!(s.resources, Resources::Variable { .. })
                || s.conditions
                    .iter()
                    .any(CompiledCondition::principal_sensitive)
        })
    }

    /// Whether policy variables are substituted (`Version: 2012-10-17`).
    #[must_use]
    pub fn substitutes_variables(&self) -> bool {
        self.vars
    }
}

fn compile_statement(s: &Statement, vars: bool, diags: &mut Vec<Diagnostic>) -> CompiledStatement {
    let (actions, not_action) = match &s.actions {
        ActionSpec::Action(v) => (v, false),
        ActionSpec::NotAction(v) => (v, true),
    };
    let actions = actions.iter().map(|a| Glob::new(a, true)).collect();
    // A policy variable is literal text (`${aws:username}`); a hole is not one (its display
    // form `${key}` would make every pattern with an unknown account "variable", compiled per
    // request and never range-scanned).
    let has_var = |v: &[Str]| {
        vars && v.iter().any(|p| {
            p.parts()
                .iter()
                .any(|x| matches!(x, passgraph_model::Part::Lit(t) if t.contains("${")))
        })
    };
    let resources = match &s.resources {
        ResourceSpec::Absent => Resources::Absent,
        ResourceSpec::Resource(v) | ResourceSpec::NotResource(v) => {
            let not = matches!(s.resources, ResourceSpec::NotResource(_));
            if has_var(v) {
                Resources::Variable {
                    patterns: v.clone(),
                    not,
                }
            } else {
                Resources::Fixed {
                    globs: v.iter().map(|p| Glob::new(p, false)).collect(),
                    not,
                }
            }
        }
    };
    let conditions = s
        .conditions
        .iter()
        .map(|c| CompiledCondition::compile(c, vars, diags))
        .collect();
    CompiledStatement {
        effect: s.effect,
        sid: s
            .sid
            .clone()
            .filter(|x| !x.is_empty())
            .unwrap_or_else(|| format!("#{}", s.index))
            .into(),
        index: s.index,
        actions,
        not_action,
        resources,
        conditions,
        uncertain: s.uncertain,
        origin: s.origin.clone(),
        source: Arc::new(s.clone()),
    }
}

impl CompiledStatement {
    /// Whether the statement's action part covers `action`.
    #[must_use]
    pub fn action_match(&self, action: &str) -> Tri {
        let any = self
            .actions
            .iter()
            .fold(Tri::No, |acc, g| acc.or(g.matches_str(action)));
        if self.not_action { !any } else { any }
    }

    /// Whether the statement's resource part covers `resource`.
    #[must_use]
    pub fn resource_match(&self, resource: &Str, ctx: &Context) -> Tri {
        match &self.resources {
            Resources::Absent => Tri::Yes,
            Resources::Fixed { globs, not } => {
                let any = globs
                    .iter()
                    .fold(Tri::No, |acc, g| acc.or(g.matches(resource)));
                if *not { !any } else { any }
            }
            Resources::Variable { patterns, not } => {
                let lookup = |k: &str| ctx.variable(k);
                let any = patterns.iter().fold(Tri::No, |acc, p| {
                    acc.or(
                        Glob::with_vars(p, false, Some(&lookup as &dyn Fn(&str) -> VarValue))
                            .matches(resource),
                    )
                });
                if *not { !any } else { any }
            }
        }
    }

    /// Whether the resource element's answer depends only on the resource (no policy
    /// variables), so that it can be computed once per resource and reused for every request
    /// ([`Prepared::evaluate_with`]).
    #[must_use]
    pub fn resource_is_fixed(&self) -> bool {
        !matches!(self.resources, Resources::Variable { .. })
    }

    /// The compiled resource patterns without variables, for range scans (`None` when the
    /// statement uses `NotResource`, variables, or no resource element: every role is a candidate).
    #[must_use]
    pub fn fixed_resource_globs(&self) -> Option<&[Glob]> {
        match &self.resources {
            Resources::Fixed { globs, not: false } => Some(globs),
            _ => None,
        }
    }

    /// Whether all conditions hold.
    #[must_use]
    pub fn conditions_hold(&self, ctx: &Context) -> Tri {
        self.conditions
            .iter()
            .fold(Tri::Yes, |acc, c| acc.and(c.eval(ctx)))
    }

    /// Whether the statement applies to the request: action × resource × conditions, capped at
    /// `Maybe` when the statement itself exists only possibly.
    #[must_use]
    pub fn applies(&self, action: &str, resource: &Str, ctx: &Context) -> Tri {
        self.applies_given(self.action_match(action), resource, ctx)
    }

    /// [`CompiledStatement::applies`] with the action part already decided.
    #[must_use]
    pub fn applies_given(&self, a: Tri, resource: &Str, ctx: &Context) -> Tri {
        self.applies_given_resource(a, resource, None, ctx)
    }

    /// [`CompiledStatement::applies_given`] with the resource part, when `known`, decided
    /// beforehand.
    fn applies_given_resource(
        &self,
        a: Tri,
        resource: &Str,
        known: Option<Tri>,
        ctx: &Context,
    ) -> Tri {
        if a == Tri::No {
            return Tri::No;
        }
        let r = known.unwrap_or_else(|| self.resource_match(resource, ctx));
        if r == Tri::No {
            return Tri::No;
        }
        let t = a.and(r).and(self.conditions_hold(ctx));
        if self.uncertain { t.weaken() } else { t }
    }

    /// The patterns of the `Resource` element (empty for `NotResource` or none).
    #[must_use]
    pub fn source_resources(&self) -> &[Str] {
        match &self.source.resources {
            ResourceSpec::Resource(v) => v,
            _ => &[],
        }
    }

    /// The conditions, compiled.
    #[must_use]
    pub fn conditions(&self) -> &[CompiledCondition] {
        &self.conditions
    }
}

/// A policy as one principal holds it.
#[derive(Clone, Copy, Debug)]
pub struct Member<'a> {
    /// The policy.
    pub policy: &'a CompiledPolicy,
    /// Held only possibly (a conditional attachment or membership): what it allows or denies
    /// is at most `Maybe`.
    pub uncertain: bool,
}

impl<'a> From<&'a CompiledPolicy> for Member<'a> {
    fn from(policy: &'a CompiledPolicy) -> Member<'a> {
        Member {
            policy,
            uncertain: false,
        }
    }
}

/// The policies that decide what one principal may do.
#[derive(Clone, Debug, Default)]
pub struct PolicySet<'a> {
    /// Identity policies: inline and managed, the user's groups' included.
    pub identity: Vec<Member<'a>>,
    /// The permissions boundary, when one is set (`Some(None)`: set, but its document is missing).
    pub boundary: Option<Option<Member<'a>>>,
    /// Service control policies (one level: any allows; their denies always apply).
    pub scps: Vec<&'a CompiledPolicy>,
}

/// A policy with only the statements that can concern one action, each with its action part.
type Narrowed<'a> = (Member<'a>, Vec<(&'a CompiledStatement, Tri)>);

/// A policy set narrowed to the statements that can concern one action, with their action part
/// decided once: the hot loop evaluates many resources for one action.
#[derive(Clone, Debug)]
pub struct Prepared<'a> {
    identity: Vec<Narrowed<'a>>,
    boundary: Option<Option<Narrowed<'a>>>,
    scps: Vec<Narrowed<'a>>,
    has_scps: bool,
}

fn narrow<'a>(m: Member<'a>, action: &str) -> Narrowed<'a> {
    let v = m
        .policy
        .statements
        .iter()
        .filter_map(|s| {
            let t = s.action_match(action);
            (t != Tri::No).then_some((s, t))
        })
        .collect();
    (m, v)
}

impl<'a> PolicySet<'a> {
    /// Narrows the set to the statements that can concern `action`.
    #[must_use]
    pub fn prepare(&self, action: &str) -> Prepared<'a> {
        Prepared {
            identity: self.identity.iter().map(|m| narrow(*m, action)).collect(),
            boundary: self.boundary.map(|b| b.map(|m| narrow(m, action))),
            scps: self
                .scps
                .iter()
                .map(|p| narrow(Member::from(*p), action))
                .collect(),
            has_scps: !self.scps.is_empty(),
        }
    }
}

impl<'a> Prepared<'a> {
    /// True when no identity statement can allow the action (and no document is unknown).
    #[must_use]
    pub fn allows_nothing(&self) -> bool {
        self.identity.iter().all(|(m, v)| {
            m.policy.unknown.is_none() && v.iter().all(|(s, _)| s.effect == Effect::Deny)
        })
    }

    /// The identity statements that may allow the action.
    pub fn allow_statements(&self) -> impl Iterator<Item = &'a CompiledStatement> + '_ {
        self.identity.iter().flat_map(|(_, v)| {
            v.iter()
                .filter(|(s, _)| s.effect != Effect::Deny)
                .map(|(s, _)| *s)
        })
    }

    /// True when some identity policy's document is unknown.
    #[must_use]
    pub fn has_unknown_identity(&self) -> bool {
        self.identity
            .iter()
            .any(|(m, _)| m.policy.unknown.is_some())
    }

    /// Every statement of the set that can concern the action (identity, boundary, SCPs).
    pub fn statements(&self) -> impl Iterator<Item = &'a CompiledStatement> + '_ {
        let boundary = self.boundary.iter().flatten();
        self.identity
            .iter()
            .chain(boundary)
            .chain(self.scps.iter())
            .flat_map(|(_, v)| v.iter().map(|(s, _)| *s))
    }

    /// Decides the action on `resource`.
    #[must_use]
    pub fn evaluate(&self, resource: &Str, ctx: &Context) -> Decision<'a> {
        self.evaluate_with(resource, ctx, &|_| None)
    }

    /// [`Prepared::evaluate`] where `known` may give, per statement, what its resource element
    /// says of `resource` (computed once per statement and resource by the caller; only for
    /// statements whose [`CompiledStatement::resource_is_fixed`]). The decision is the same.
    #[must_use]
    pub fn evaluate_with(
        &self,
        resource: &Str,
        ctx: &Context,
        known: &dyn Fn(&CompiledStatement) -> Option<Tri>,
    ) -> Decision<'a> {
        let mut allows = Vec::new();
        let mut denies = Vec::new();
        let scan_prepared = |m, v, allows: &mut Vec<Applied<'a>>, denies: &mut Vec<Applied<'a>>| {
            scan_prepared(m, v, resource, ctx, known, allows, denies);
        };
        for (m, v) in &self.identity {
            scan_prepared(*m, v, &mut allows, &mut denies);
        }
        let boundary = self.boundary.as_ref().map(|b| match b {
            None => Tri::Maybe,
            Some((m, v)) => {
                let mut a = Vec::new();
                scan_prepared(*m, v, &mut a, &mut denies);
                if m.uncertain {
                    any(&a).or(Tri::Maybe)
                } else {
                    any(&a)
                }
            }
        });
        let scp = if self.has_scps {
            let mut a = Vec::new();
            for (m, v) in &self.scps {
                scan_prepared(*m, v, &mut a, &mut denies);
            }
            Some(any(&a))
        } else {
            None
        };
        let allowed = any(&allows)
            .and(boundary.unwrap_or(Tri::Yes))
            .and(scp.unwrap_or(Tri::Yes))
            .and(!any(&denies));
        Decision {
            allowed,
            allows,
            denies,
            boundary,
            scp,
        }
    }
}

fn scan_prepared<'a>(
    m: Member<'a>,
    v: &[(&'a CompiledStatement, Tri)],
    resource: &Str,
    ctx: &Context,
    known: &dyn Fn(&CompiledStatement) -> Option<Tri>,
    allows: &mut Vec<Applied<'a>>,
    denies: &mut Vec<Applied<'a>>,
) {
    let p = m.policy;
    if p.unknown.is_some() {
        allows.push(Applied {
            policy: p,
            statement: None,
            applies: Tri::Maybe,
        });
        denies.push(Applied {
            policy: p,
            statement: None,
            applies: Tri::Maybe,
        });
        return;
    }
    for (s, a) in v {
        let r = if *a == Tri::No || !s.resource_is_fixed() {
            None
        } else {
            known(s)
        };
        let mut t = s.applies_given_resource(*a, resource, r, ctx);
        if t == Tri::No {
            continue;
        }
        if m.uncertain {
            t = t.weaken();
        }
        match s.effect {
            Effect::Allow => allows.push(Applied {
                policy: p,
                statement: Some(s),
                applies: t,
            }),
            Effect::Deny => denies.push(Applied {
                policy: p,
                statement: Some(s),
                applies: t,
            }),
            Effect::Unknown => {
                allows.push(Applied {
                    policy: p,
                    statement: Some(s),
                    applies: t.weaken(),
                });
                denies.push(Applied {
                    policy: p,
                    statement: Some(s),
                    applies: t.weaken(),
                });
            }
        }
    }
}

/// A statement that took part in a decision.
#[derive(Clone, Debug)]
pub struct Applied<'a> {
    /// The policy.
    pub policy: &'a CompiledPolicy,
    /// The statement, or `None` for an unknown document.
    pub statement: Option<&'a CompiledStatement>,
    /// How surely it applies.
    pub applies: Tri,
}

/// The decision for one request, with its proof.
#[derive(Clone, Debug)]
pub struct Decision<'a> {
    /// Allowed: `Yes`, `Maybe` or `No`.
    pub allowed: Tri,
    /// The identity statements that allow (surely or possibly).
    pub allows: Vec<Applied<'a>>,
    /// The statements that deny (surely or possibly), from any policy.
    pub denies: Vec<Applied<'a>>,
    /// What the boundary says, when there is one.
    pub boundary: Option<Tri>,
    /// What the SCPs say, when there are some.
    pub scp: Option<Tri>,
}

fn any(v: &[Applied<'_>]) -> Tri {
    v.iter().fold(Tri::No, |acc, a| acc.or(a.applies))
}

/// Decides one request for one principal.
#[must_use]
pub fn evaluate<'a>(
    set: &PolicySet<'a>,
    action: &str,
    resource: &Str,
    ctx: &Context,
) -> Decision<'a> {
    set.prepare(action).evaluate(resource, ctx)
}

#[cfg(test)]
mod tests;

#[cfg(test)]
#[path = "../gen/managed_policies.rs"]
mod gen_managed;
