//! How a role-taking attribute (the table is `passgraph_terraform::ROLE_USES`) is read from an
//! evaluated resource: through nested blocks, or object attributes written in their place.

use passgraph_model::Origin;
use passgraph_terraform::Item;

use crate::config::BodyRef;
use crate::eval::{Evaluator, Scope};
use crate::extract::{Ctx, collect_strings};
use crate::value::{V, Value};

/// The values at a dotted attribute path, through nested blocks (or object attributes).
fn path_values(
    ev: &mut Evaluator<'_>,
    sc: &Scope,
    body: BodyRef<'_>,
    path: &str,
    out: &mut Vec<(Value, Origin, bool)>,
    uncertain: bool,
) {
    match path.split_once('.') {
        None => {
            if let Some((e, r)) = body.attr(path) {
                let v = ev.eval_or_unknown(sc, e, path);
                let o = Origin::new(sc.file, e.range().unwrap_or(r));
                out.push((v, o, uncertain));
            }
        }
        Some((head, rest)) => {
            for b in ev.block_insts(sc, body, head) {
                path_values(ev, &b.sc, b.body, rest, out, uncertain || b.uncertain);
            }
            if let Some((e, r)) = body.attr(head) {
                // Written as an attribute: `iam_instance_profile = { name = ... }`.
                let v = ev.eval_or_unknown(sc, e, head);
                let v = ev.force_deep(v, 0);
                let items = match &v.v {
                    V::List(items) => items.as_ref().clone(),
                    _ => vec![v.clone()],
                };
                let o = Origin::new(sc.file, e.range().unwrap_or(r));
                for it in items {
                    let mut cur = Some(it);
                    for seg in rest.split('.') {
                        cur = cur.and_then(|x| x.get(seg).cloned());
                    }
                    if let Some(x) = cur {
                        out.push((x, o.clone(), uncertain));
                    }
                }
            }
        }
    }
}

/// The strings at a role-taking attribute path, each with where the attribute is written.
pub(crate) fn role_use_values(ev: &mut Evaluator<'_>, c: &Ctx<'_>, path: &str) -> Vec<Item> {
    let mut vals = Vec::new();
    path_values(ev, &c.sc, c.body, path, &mut vals, false);
    let mut out = Vec::new();
    for (v, o, unc) in vals {
        let v = ev.force_deep(v, 0);
        let mut names = Vec::new();
        collect_strings(ev, c, &v, unc, &mut names, 0);
        for (value, uncertain, _) in names {
            out.push(Item {
                value,
                uncertain,
                origin: o.clone().with_address(c.addr.clone()),
            });
        }
    }
    out
}
