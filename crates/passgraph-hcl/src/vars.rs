//! Values of the root module's variables, in Terraform's order of precedence (later wins):
//! `terraform.tfvars`, `terraform.tfvars.json`, `*.auto.tfvars(.json)` in lexical order,
//! `--var-file` in order, `--var` in order.

use passgraph_model::hash::HashMap;
use std::path::{Path, PathBuf};

use crate::syntax::Span;
use passgraph_model::{Code, Diagnostic, Origin, TextRange};

use crate::Options;
use crate::config::{ExprRef, ModuleDef};
use crate::eval::{Evaluator, Scope, value_from_node};
use crate::value::Value;

/// Reads every source of root variable values.
pub(crate) fn root_values(
    ev: &mut Evaluator<'_>,
    def: &ModuleDef,
    options: &Options,
) -> HashMap<String, Value> {
    let mut out = HashMap::default();
    let mut files: Vec<PathBuf> = Vec::new();
    let listing = ev.source.list_dir(&def.dir);
    for name in crate::discover::FIRST_VAR_FILES {
        if let Some(p) = listing
            .iter()
            .find(|p| p.file_name().and_then(|n| n.to_str()) == Some(name))
        {
            files.push(p.clone());
        }
    }
    let mut auto: Vec<PathBuf> = listing
        .iter()
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(crate::discover::is_auto_tfvars)
        })
        .cloned()
        .collect();
    auto.sort();
    files.extend(auto);
    files.extend(options.var_files.iter().cloned());
    for f in files {
        read_var_file(ev, &f, &mut out);
    }
    for (name, text) in &options.vars {
        let Some(decl) = def.variables.get(name) else {
            ev.diag(Diagnostic::warning(
                Code::UnresolvedReference,
                format!("--var {name}: the root module declares no such variable"),
                None,
            ));
            continue;
        };
        let origin = Origin::new(decl.file, decl.range);
        let v = if decl.primitive {
            Value::lit(text, origin)
        } else {
            match crate::syntax::parse_expr(text) {
                Ok(e) => {
                    let mut sc = Scope::new(0, decl.file);
                    sc.template_only = true;
                    sc.fixed = Some(decl.range);
                    ev.eval(&sc, ExprRef::Hcl(&e))
                        .unwrap_or_else(|_| Value::lit(text, origin))
                }
                Err(_) => Value::lit(text, origin),
            }
        };
        out.insert(name.clone(), v);
    }
    out
}

fn read_var_file(ev: &mut Evaluator<'_>, path: &Path, out: &mut HashMap<String, Value>) {
    let Some((file, text)) = ev.source.read(path) else {
        ev.diag(Diagnostic::error(
            Code::Syntax,
            format!("cannot read variable file {}", path.display()),
            None,
        ));
        return;
    };
    ev.add_text(file, &text);
    ev.paths.insert(file, path.to_path_buf());
    let is_json = path.extension().and_then(|e| e.to_str()) == Some("json");
    if is_json {
        match passgraph_json::parse(file, &text) {
            Ok(node) => {
                for (k, _, v) in node.entries() {
                    if let Some(k) = k.as_known() {
                        out.insert(k.to_owned(), value_from_node(v, 0));
                    }
                }
            }
            Err(e) => ev.diag(Diagnostic::error(
                Code::Syntax,
                format!("invalid JSON variable file: {e}"),
                Some(Origin::new(file, TextRange::new(e.offset, e.offset))),
            )),
        }
        return;
    }
    match crate::syntax::parse_body(&text) {
        Ok(body) => {
            let mut sc = Scope::new(0, file);
            sc.template_only = true;
            for a in body.attributes() {
                match ev.eval(&sc, ExprRef::Hcl(&a.value)) {
                    Ok(v) => {
                        out.insert(a.key.as_str().to_owned(), v);
                    }
                    Err(f) => ev.fail_diag(&f),
                }
            }
            if body.blocks().next().is_some() {
                let r = body
                    .blocks()
                    .next()
                    .and_then(|b| b.span())
                    .map_or_else(TextRange::default, |r| TextRange::new(r.start, r.end));
                ev.diag(Diagnostic::warning(
                    Code::Shape,
                    "a variable file holds only attributes; blocks are ignored",
                    Some(Origin::new(file, r)),
                ));
            }
        }
        Err(e) => {
            let off = e.location().offset();
            ev.diag(Diagnostic::error(
                Code::Syntax,
                format!(
                    "invalid HCL in variable file: {}",
                    e.message().to_lowercase()
                ),
                Some(Origin::new(file, TextRange::new(off, off))),
            ));
        }
    }
}
