//! Parameter files: the two shapes users keep parameter values in.
//!
//! - The AWS CLI's (`aws cloudformation create-stack --parameters file://params.json`):
//!   `[{"ParameterKey": "Env", "ParameterValue": "prod"}, ...]`; an entry with
//!   `"UsePreviousValue": true` and no value keeps the value unknown (it is left out).
//! - CodePipeline's template configuration file: `{"Parameters": {"Env": "prod"}, "Tags": ...}`.
//!
//! Values are text; numbers and booleans are taken as written, a list as its items joined with
//! `,` (a `CommaDelimitedList`).

use passgraph_model::{Node, NodeKind, Origin};

/// A parameter file that cannot be used, with where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParamFileError {
    /// What is wrong.
    pub message: String,
    /// Where.
    pub origin: Origin,
}

fn err(message: impl Into<String>, n: &Node) -> ParamFileError {
    ParamFileError {
        message: message.into(),
        origin: n.origin.clone(),
    }
}

fn text(v: &Node, what: &str) -> Result<String, ParamFileError> {
    match &v.kind {
        NodeKind::String(s) => s
            .as_known()
            .map(str::to_owned)
            .ok_or_else(|| err(format!("{what} is not a plain string"), v)),
        NodeKind::Number(x) => Ok(x.clone()),
        NodeKind::Bool(b) => Ok(b.to_string()),
        NodeKind::Array(items) => items
            .iter()
            .map(|i| text(i, what))
            .collect::<Result<Vec<_>, _>>()
            .map(|v| v.join(",")),
        _ => Err(err(
            format!("{what} must be a string, not {}", v.kind_name()),
            v,
        )),
    }
}

/// The `(key, value)` pairs of a parameter file, in file order.
///
/// # Errors
/// When the document has neither shape, or an entry has no key or a value that is not text.
pub fn parameters_file(root: &Node) -> Result<Vec<(String, String)>, ParamFileError> {
    match &root.kind {
        NodeKind::Array(items) => {
            let mut out = Vec::new();
            for item in items {
                if !matches!(item.kind, NodeKind::Object(_)) {
                    return Err(err(
                        "each entry must be an object with ParameterKey and ParameterValue",
                        item,
                    ));
                }
                let key = item
                    .get("ParameterKey")
                    .ok_or_else(|| err("this entry has no ParameterKey", item))?;
                let key = text(key, "ParameterKey")?;
                match item.get("ParameterValue") {
                    Some(v) => out.push((key, text(v, "ParameterValue")?)),
                    None if item
                        .get("UsePreviousValue")
                        .is_some_and(|u| matches!(u.kind, NodeKind::Bool(true))) => {}
                    None => {
                        return Err(err(format!("parameter {key} has no ParameterValue"), item));
                    }
                }
            }
            Ok(out)
        }
        NodeKind::Object(_) => {
            let Some(params) = root.get("Parameters") else {
                return Err(err(
                    "not a parameter file: expected [{\"ParameterKey\": ..., \"ParameterValue\": ...}] or {\"Parameters\": {...}}",
                    root,
                ));
            };
            if !matches!(params.kind, NodeKind::Object(_)) {
                return Err(err(
                    "Parameters must be an object of names and values",
                    params,
                ));
            }
            params
                .entries()
                .iter()
                .map(|(k, _, v)| {
                    let key = k.as_known().unwrap_or_default().to_owned();
                    Ok((key.clone(), text(v, &format!("the value of {key}"))?))
                })
                .collect()
        }
        _ => Err(err(
            "not a parameter file: expected [{\"ParameterKey\": ..., \"ParameterValue\": ...}] or {\"Parameters\": {...}}",
            root,
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use passgraph_model::FileId;

    fn read(text: &str) -> Result<Vec<(String, String)>, ParamFileError> {
        parameters_file(&passgraph_json::parse(FileId(0), text).expect("JSON"))
    }

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn aws_cli_shape() {
        // The shape of `aws cloudformation create-stack --parameters file://...`.
        let got = read(
            r#"[{"ParameterKey": "Env", "ParameterValue": "prod"},
            {"ParameterKey": "Size", "ParameterValue": 3},
            {"ParameterKey": "Old", "UsePreviousValue": true}]"#,
        );
        assert_eq!(got, Ok(pairs(&[("Env", "prod"), ("Size", "3")])));
    }

    #[test]
    fn codepipeline_template_configuration_shape() {
        let got =
            read(r#"{"Parameters": {"Env": "prod", "Subnets": ["a", "b"]}, "Tags": {"t": "v"}}"#);
        assert_eq!(got, Ok(pairs(&[("Env", "prod"), ("Subnets", "a,b")])));
    }

    #[test]
    fn errors_say_where() {
        let e = read(
            "[{\"ParameterKey\": \"A\", \"ParameterValue\": \"x\"},\n {\"ParameterValue\": \"y\"}]",
        )
        .expect_err("no key");
        assert_eq!(e.message, "this entry has no ParameterKey");
        assert_eq!(e.origin.range.start, 48);
        let e = read(r#"{"Parameters": {"A": {"x": 1}}}"#).expect_err("object value");
        assert_eq!(e.message, "the value of A must be a string, not an object");
        assert!(read(r#"{"Env": "prod"}"#).is_err());
        assert!(read(r#""x""#).is_err());
    }
}
