//! Terraform resource addresses and references: `module.a["x"].aws_iam_role.r[0]`,
//! `data.aws_iam_policy_document.p.json`, `var.name`.
//!
//! Addresses are opaque strings in plan JSON, but resolving references needs their parts: the
//! module instance, the resource, and the instance key.

use std::fmt;

/// An instance key: `[0]` (count) or `["web"]` (for_each).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum InstKey {
    /// A count index.
    Int(i64),
    /// A for_each key.
    Str(String),
}

impl fmt::Display for InstKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InstKey::Int(i) => write!(f, "[{i}]"),
            InstKey::Str(s) => {
                f.write_str("[\"")?;
                for c in s.chars() {
                    match c {
                        '"' => f.write_str("\\\"")?,
                        '\\' => f.write_str("\\\\")?,
                        '\n' => f.write_str("\\n")?,
                        c => write!(f, "{c}")?,
                    }
                }
                f.write_str("\"]")
            }
        }
    }
}

/// One step of a traversal: `.name` or `[key]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Step {
    /// An attribute or name.
    Name(String),
    /// An index or key.
    Key(InstKey),
}

/// Splits an address or reference into steps. `None` when it is not well formed.
pub(crate) fn steps(s: &str) -> Option<Vec<Step>> {
    let mut out = Vec::new();
    let mut chars = s.chars().peekable();
    let mut expect_name = true;
    while let Some(&c) = chars.peek() {
        match c {
            '.' => {
                chars.next();
                expect_name = true;
            }
            '[' => {
                chars.next();
                let key = match chars.peek() {
                    Some('"') => {
                        chars.next();
                        let mut k = String::new();
                        loop {
                            match chars.next()? {
                                '"' => break,
                                '\\' => match chars.next()? {
                                    'n' => k.push('\n'),
                                    't' => k.push('\t'),
                                    'r' => k.push('\r'),
                                    other => k.push(other),
                                },
                                other => k.push(other),
                            }
                        }
                        InstKey::Str(k)
                    }
                    _ => {
                        let mut n = String::new();
                        while let Some(&d) = chars.peek() {
                            if d == ']' {
                                break;
                            }
                            n.push(d);
                            chars.next();
                        }
                        match n.trim().parse::<i64>() {
                            Ok(i) => InstKey::Int(i),
                            // `[*]` splats and other forms: not an instance key.
                            Err(_) => return None,
                        }
                    }
                };
                if chars.next()? != ']' {
                    return None;
                }
                out.push(Step::Key(key));
                expect_name = false;
            }
            _ => {
                if !expect_name {
                    return None;
                }
                let mut name = String::new();
                while let Some(&d) = chars.peek() {
                    if d == '.' || d == '[' {
                        break;
                    }
                    name.push(d);
                    chars.next();
                }
                if name.is_empty() {
                    return None;
                }
                out.push(Step::Name(name));
                expect_name = false;
            }
        }
    }
    Some(out)
}

/// A resource instance address, in parts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Address {
    /// The module instance: `module.a["x"].module.b` (empty for the root module).
    pub(crate) module: String,
    /// The module path without instance keys: `module.a.module.b`.
    pub(crate) module_path: String,
    /// The resource within its module, without instance key: `aws_iam_role.r` or
    /// `data.aws_iam_policy_document.p`.
    pub(crate) resource: String,
    /// The instance key.
    pub(crate) key: Option<InstKey>,
}

/// Parses a resource instance address. `None` when it is not one.
pub(crate) fn parse_address(s: &str) -> Option<Address> {
    let st = steps(s)?;
    let mut i = 0;
    let mut module = String::new();
    let mut module_path = String::new();
    while let (Some(Step::Name(m)), Some(Step::Name(name))) = (st.get(i), st.get(i + 1)) {
        // `module.<name>` followed by more than a resource type and name.
        if m != "module" || st.len() < i + 4 {
            break;
        }
        push_module(&mut module, name);
        push_module(&mut module_path, name);
        i += 2;
        if let Some(Step::Key(k)) = st.get(i) {
            module.push_str(&k.to_string());
            i += 1;
        }
    }
    let mut resource = String::new();
    if let Some(Step::Name(d)) = st.get(i)
        && d == "data"
    {
        resource.push_str("data.");
        i += 1;
    }
    let (Some(Step::Name(ty)), Some(Step::Name(name))) = (st.get(i), st.get(i + 1)) else {
        return None;
    };
    resource.push_str(ty);
    resource.push('.');
    resource.push_str(name);
    i += 2;
    let key = match st.get(i) {
        Some(Step::Key(k)) => {
            i += 1;
            Some(k.clone())
        }
        _ => None,
    };
    if i != st.len() {
        return None;
    }
    Some(Address {
        module,
        module_path,
        resource,
        key,
    })
}

fn push_module(s: &mut String, name: &str) {
    if !s.is_empty() {
        s.push('.');
    }
    s.push_str("module.");
    s.push_str(name);
}

/// Joins a module instance and a resource: `module.a` + `aws_iam_role.r` → `module.a.aws_iam_role.r`.
pub(crate) fn join(module: &str, resource: &str) -> String {
    if module.is_empty() {
        resource.to_owned()
    } else {
        format!("{module}.{resource}")
    }
}

/// Strips instance keys from a module instance address: `module.a["x"]` → `module.a`.
pub(crate) fn module_path(module: &str) -> String {
    let Some(st) = steps(module) else {
        return module.to_owned();
    };
    let mut out = String::new();
    for s in st {
        if let Step::Name(n) = s {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&n);
        }
    }
    out
}

#[cfg(test)]
mod tests;
