//! Inline suppressions: a comment `# passgraph:ignore role=NAME service=SVC reason="..."`
//! (or `//`) directly above the block that defines a user, group or role. On a role,
//! `principal=` names who may pass it.

use passgraph_model::hash::HashMap;
use std::sync::Arc;

use passgraph_model::{
    Account, Code, Diagnostic, FileId, Ignore, Origin, PrincipalTarget, TextRange,
};

const MARKER: &str = "passgraph:ignore";

/// Adds an [`Ignore`] for every suppression comment above the block of a user, group or role.
pub(crate) fn collect(
    texts: &HashMap<FileId, Arc<str>>,
    acc: &mut Account,
    diags: &mut Vec<Diagnostic>,
) {
    let mut found = Vec::new();
    let users = acc
        .users
        .iter()
        .map(|u| (PrincipalTarget::User(u.name.clone()), &u.origin));
    let groups = acc
        .groups
        .iter()
        .map(|g| (PrincipalTarget::Group(g.name.clone()), &g.origin));
    let roles = acc
        .roles
        .iter()
        .map(|r| (PrincipalTarget::Role(r.name.clone()), &r.origin));
    for (on, origin) in users.chain(groups).chain(roles) {
        let Some(text) = texts.get(&origin.file) else {
            continue;
        };
        for (start, comment) in comments_above(text, origin.range.start as usize) {
            let o = Origin::new(origin.file, TextRange::new(start, start));
            match parse(comment) {
                Ok(Some(fields)) => found.push(ignore(on.clone(), fields, o)),
                Ok(None) => {}
                Err(message) => {
                    diags.push(Diagnostic::warning(Code::Suppression, message, Some(o)))
                }
            }
        }
    }
    found.sort_by(|a: &Ignore, b| a.origin.cmp(&b.origin).then_with(|| a.on.cmp(&b.on)));
    found.dedup();
    acc.ignores.extend(found);
}

fn ignore(on: PrincipalTarget, fields: Vec<(String, String)>, origin: Origin) -> Ignore {
    let mut ig = Ignore {
        on,
        principal: None,
        role: None,
        service: None,
        reason: None,
        origin,
    };
    for (k, v) in fields {
        match k.as_str() {
            "principal" => ig.principal = Some(v),
            "role" => ig.role = Some(v),
            "service" => ig.service = Some(v),
            _ => ig.reason = Some(v),
        }
    }
    ig
}

/// The comments on the lines directly above the line holding `offset`, with their offsets.
fn comments_above(text: &str, offset: usize) -> Vec<(usize, &str)> {
    let offset = offset.min(text.len());
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let mut out = Vec::new();
    let mut end = line_start;
    while end > 0 {
        let prev_end = end - 1;
        let start = text[..prev_end].rfind('\n').map_or(0, |i| i + 1);
        let line = text[start..prev_end].trim();
        let body = line
            .strip_prefix('#')
            .or_else(|| line.strip_prefix("//"))
            .map(str::trim);
        match body {
            Some(b) => out.push((
                start + (text[start..].len() - text[start..].trim_start().len()),
                b,
            )),
            None => break,
        }
        end = start;
    }
    out.reverse();
    out
}

/// `passgraph:ignore key=value ...`: `None` when the comment is no suppression.
fn parse(comment: &str) -> Result<Option<Vec<(String, String)>>, String> {
    let Some(rest) = comment.strip_prefix(MARKER) else {
        return Ok(None);
    };
    let mut fields = Vec::new();
    let mut s = rest.trim_start();
    while !s.is_empty() {
        let Some(eq) = s.find('=') else {
            return Err(format!("passgraph:ignore: expected key=value, found {s:?}"));
        };
        let key = s[..eq].trim();
        if !matches!(key, "principal" | "role" | "service" | "reason") {
            return Err(format!(
                "passgraph:ignore: unknown key {key:?} (principal, role, service or reason)"
            ));
        }
        let after = &s[eq + 1..];
        let (value, next) = if let Some(quoted) = after.strip_prefix('"') {
            match quoted.find('"') {
                Some(close) => (&quoted[..close], &quoted[close + 1..]),
                None => return Err("passgraph:ignore: unterminated quote".to_owned()),
            }
        } else {
            let end = after.find(char::is_whitespace).unwrap_or(after.len());
            (&after[..end], &after[end..])
        };
        fields.push((key.to_owned(), value.to_owned()));
        s = next.trim_start();
    }
    Ok(Some(fields))
}

#[cfg(test)]
mod tests {
    use super::{comments_above, parse};

    #[test]
    fn comments_directly_above_a_block() {
        let text = "# unrelated\n\n# passgraph:ignore role=app-* reason=\"ok\"\n// another\nresource \"aws_iam_user\" \"u\" {\n}\n";
        let at = text.find("resource").unwrap();
        let found: Vec<&str> = comments_above(text, at + 5)
            .into_iter()
            .map(|(_, c)| c)
            .collect();
        assert_eq!(
            found,
            ["passgraph:ignore role=app-* reason=\"ok\"", "another"]
        );
        assert!(comments_above(text, 0).is_empty());
    }

    #[test]
    fn key_values_with_quotes() {
        assert_eq!(
            parse("passgraph:ignore role=app-* service=ec2 reason=\"deployers launch it\"")
                .unwrap(),
            Some(vec![
                ("role".into(), "app-*".into()),
                ("service".into(), "ec2".into()),
                ("reason".into(), "deployers launch it".into())
            ])
        );
        assert_eq!(parse("just a comment").unwrap(), None);
        assert!(
            parse("passgraph:ignore roles=x")
                .unwrap_err()
                .contains("unknown key")
        );
        assert!(
            parse("passgraph:ignore reason=\"open")
                .unwrap_err()
                .contains("unterminated")
        );
        assert!(
            parse("passgraph:ignore role")
                .unwrap_err()
                .contains("key=value")
        );
    }
}
