//! From resource instances to the account model: each instance is read through
//! [`passgraph_terraform::ResourceView`] and the provider's adapters (`passgraph-terraform`)
//! say what it means; deletions and replacements become removals here.

use passgraph_model::hash::HashSet;
use std::sync::Arc;

use passgraph_model::{
    Account, Diagnostic, EntityKind, InlinePolicy, Node, NodeKind, Origin, PolicyDocument, Removal,
    Str, Tag,
};
use passgraph_terraform::{Arity, Item, ResourceView, Want};

use crate::json::Kind;
use crate::plan::{Action, Instance, Reader};
use crate::resolve::{self, Cursor, Field, Scope, State};

/// The resource types whose deletion removes an entity, and the entity kind.
fn entity_kind(rtype: &str) -> Option<EntityKind> {
    Some(match rtype {
        "aws_iam_user" => EntityKind::User,
        "aws_iam_group" => EntityKind::Group,
        "aws_iam_role" => EntityKind::Role,
        "aws_iam_policy" => EntityKind::Policy,
        "aws_iam_instance_profile" => EntityKind::InstanceProfile,
        _ => return None,
    })
}

/// Relation resources (their deletion is not modelled).
fn is_relation(rtype: &str) -> bool {
    rtype.starts_with("aws_iam_")
        && (rtype.contains("policy_attachment")
            || rtype.contains("membership")
            || rtype.ends_with("_policy")
            || rtype.ends_with("_exclusive"))
        && rtype != "aws_iam_policy"
}

fn top<'a>(inst: &Instance<'a>, expressions: Option<crate::json::Val<'a>>) -> Field<'a> {
    Field {
        cur: Cursor::of(inst),
        expr: expressions,
        range: inst.addr_range,
    }
}

impl<'a> Reader<'a> {
    /// Builds the account from every instance.
    pub(crate) fn build(&mut self) -> Account {
        let mut account = Account::default();
        for i in 0..self.insts.len() {
            // Most of a large plan is neither IAM nor a role-taking resource: skip it before
            // cloning anything.
            if !self
                .insts
                .get(i)
                .is_some_and(|x| !x.data && mapped(&x.rtype))
            {
                continue;
            }
            let Some(inst) = self.insts.get(i).cloned() else {
                continue;
            };
            self.build_one(&inst, &mut account);
        }
        self.removals(&mut account);
        account
    }

    fn build_one(&mut self, inst: &Instance<'a>, account: &mut Account) {
        let expressions = self.config_of(inst).and_then(|c| c.get("expressions"));
        let f = top(inst, expressions);
        let scope = Scope::of(inst);
        let origin = self.origin(inst.addr_range, &inst.address);
        let mut view = PlanView {
            reader: self,
            inst,
            f,
            scope,
            origin,
        };
        passgraph_terraform::adapt(&mut view, account);
    }

    fn read_doc(&mut self, node: &Node) -> PolicyDocument {
        let (doc, diags) = PolicyDocument::from_node(node);
        self.diags.extend(diags);
        doc
    }

    /// Removals: entities the plan deletes (or replaces under another name) that no live
    /// instance of the plan still defines.
    fn removals(&mut self, account: &mut Account) {
        self.relation_removals(account);
        let mut live: HashSet<(EntityKind, Str)> = HashSet::default();
        for u in &account.users {
            live.insert((EntityKind::User, u.name.clone()));
        }
        for g in &account.groups {
            live.insert((EntityKind::Group, g.name.clone()));
        }
        for r in &account.roles {
            live.insert((EntityKind::Role, r.name.clone()));
        }
        for p in &account.policies {
            live.insert((EntityKind::Policy, p.arn.clone()));
        }
        for p in &account.instance_profiles {
            live.insert((EntityKind::InstanceProfile, p.name.clone()));
        }
        let mut gone: Vec<(Instance<'a>, bool)> =
            self.deleted.iter().cloned().map(|d| (d, true)).collect();
        gone.extend(
            self.insts
                .iter()
                .filter(|i| i.action == Action::Replace && !i.data && i.before.is_some())
                .cloned()
                .map(|i| (i, false)),
        );
        let mut seen: HashSet<(EntityKind, Str)> = HashSet::default();
        for (mut inst, deleted) in gone {
            if !deleted {
                // A replaced instance: its old identity, from `before`.
                inst.values = inst.before;
                inst.unknown = None;
                inst.sensitive = None;
            }
            // Relations are taken away by `relation_removals` (the `delta` module).
            let Some(kind) = entity_kind(&inst.rtype) else {
                continue;
            };
            let name = if kind == EntityKind::Policy {
                self.arn_of(&inst, 0)
            } else {
                self.name_of(&inst, 0)
            };
            if live.contains(&(kind, name.clone())) || !seen.insert((kind, name.clone())) {
                continue;
            }
            account.removals.push(Removal {
                kind,
                name,
                origin: self.origin(inst.addr_range, &inst.address),
            });
        }
    }
}

/// True for the resource types this module maps.
fn mapped(rtype: &str) -> bool {
    entity_kind(rtype).is_some() || is_relation(rtype) || passgraph_terraform::is_mapped(rtype)
}

/// One planned resource instance, as the provider's adapters read it.
struct PlanView<'r, 'a> {
    reader: &'r mut Reader<'a>,
    inst: &'r Instance<'a>,
    f: Field<'a>,
    scope: Scope,
    origin: Origin,
}

fn want(w: Want) -> resolve::Want {
    match w {
        Want::Any => resolve::Want::Any,
        Want::Name => resolve::Want::Name,
        Want::Arn => resolve::Want::Arn,
    }
}

impl<'a> PlanView<'_, 'a> {
    fn items(&mut self, f: &Field<'a>, w: Want, what: &str, arity: Arity) -> Vec<Item> {
        let origin = self.reader.origin(f.range, &self.inst.address);
        let list = arity == Arity::Many
            || matches!(f.cur.state(), State::Known(v) if v.kind() == Kind::Array);
        let values = if list {
            self.reader.strings(f, &self.scope, want(w), what)
        } else {
            self.reader
                .string(f, &self.scope, want(w), what)
                .into_iter()
                .collect()
        };
        values
            .into_iter()
            .map(|value| Item {
                value,
                uncertain: false,
                origin: origin.clone(),
            })
            .collect()
    }
}

impl<'a> ResourceView for PlanView<'_, 'a> {
    fn resource_type(&self) -> &str {
        &self.inst.rtype
    }

    fn address(&self) -> Arc<str> {
        self.inst.address.clone()
    }

    fn origin(&self) -> Origin {
        self.origin.clone()
    }

    fn uncertain(&self) -> bool {
        false
    }

    fn name(&mut self) -> Str {
        self.reader.name_of(self.inst, 0)
    }

    fn path(&mut self) -> Str {
        self.reader.path_of(self.inst, 0)
    }

    fn arn(&mut self) -> Str {
        self.reader.arn_of(self.inst, 0)
    }

    fn strings(&mut self, attr: &str, w: Want, arity: Arity) -> Vec<Item> {
        let field = self.f.field(attr);
        self.items(&field, w, attr, arity)
    }

    fn at_path(&mut self, path: &str, w: Want) -> Vec<Item> {
        let segs: Vec<&str> = path.split('.').collect();
        let Some((last, blocks)) = segs.split_last() else {
            return Vec::new();
        };
        let mut fields = vec![self.f];
        for b in blocks {
            fields = fields.iter().flat_map(|x| x.field(b).items()).collect();
        }
        let mut out = Vec::new();
        for field in fields {
            let leaf = field.field(last);
            // An optional and computed argument that the configuration does not set is what
            // AWS computes (an instance without a profile): not a role handed over.
            if blocks.is_empty()
                && self.f.expr.is_some()
                && leaf.expr.is_none()
                && matches!(leaf.cur.state(), State::Unknown)
            {
                continue;
            }
            out.extend(self.items(&leaf, w, path, Arity::One));
        }
        out
    }

    fn attr_origin(&self, attr: &str) -> Origin {
        self.reader
            .origin(self.f.field(attr).range, &self.inst.address)
    }

    fn is_set(&self, attr: &str) -> bool {
        self.f.expr.is_none_or(|e| e.get(attr).is_some())
    }

    fn number(&mut self, attr: &str) -> Option<f64> {
        match self.f.field(attr).cur.state() {
            State::Known(v) => v.as_number().and_then(|n| n.parse::<f64>().ok()),
            _ => None,
        }
    }

    fn document(&mut self, attr: &str) -> Option<PolicyDocument> {
        let node = self
            .reader
            .document(&self.f.field(attr), &self.scope, attr)?;
        Some(self.reader.read_doc(&node))
    }

    fn inline_policies(&mut self) -> Vec<InlinePolicy> {
        let field = self.f.field("inline_policy");
        let mut inline = Vec::new();
        if matches!(field.cur.state(), State::Unknown) {
            // Configured inline policies, all known only after apply: one unknown policy
            // stands for them.
            let o = self.reader.origin(field.range, &self.inst.address);
            let why = format!(
                "{}.inline_policy is known only after apply",
                self.inst.address
            );
            let document = self
                .reader
                .read_doc(&Node::new(NodeKind::Unknown(why.into()), o.clone()));
            let name = Str::hole(format!("{}.inline_policy", self.inst.address));
            inline.push(InlinePolicy {
                name,
                document,
                origin: o,
            });
        }
        for block in field.items() {
            let Some(node) =
                self.reader
                    .document(&block.field("policy"), &self.scope, "inline_policy.policy")
            else {
                continue;
            };
            let name = self
                .reader
                .string(
                    &block.field("name"),
                    &self.scope,
                    resolve::Want::Any,
                    "inline_policy.name",
                )
                .unwrap_or_default();
            let document = self.reader.read_doc(&node);
            inline.push(InlinePolicy {
                name,
                document,
                origin: self.reader.origin(block.range, &self.inst.address),
            });
        }
        inline
    }

    fn tags(&mut self) -> Vec<Tag> {
        let all = self.f.field("tags_all");
        let field = if matches!(all.cur.state(), State::Known(v) if v.kind() == Kind::Object) {
            all
        } else {
            self.f.field("tags")
        };
        let State::Known(v) = field.cur.state() else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (k, _) in v.entries() {
            let key = k.text().into_owned();
            let value = self
                .reader
                .string(
                    &field.field(&key),
                    &self.scope,
                    resolve::Want::Any,
                    &format!("tags.{key}"),
                )
                .unwrap_or_default();
            out.push(Tag {
                key: Str::lit(key),
                value,
            });
        }
        out
    }

    fn diag(&mut self, d: Diagnostic) {
        self.reader.diags.push(d);
    }
}
