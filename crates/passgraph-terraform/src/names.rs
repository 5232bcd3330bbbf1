//! Names and ARNs the provider computes: the ARN kind of each IAM resource type, and the names
//! it generates when the configuration gives none.

use passgraph_model::{Part, Str};

/// The kind segment of the ARN of an IAM resource type (`aws_iam_role` → `role`), for the types
/// whose name, path and ARN the front ends synthesise.
#[must_use]
pub fn arn_kind(resource_type: &str) -> Option<&'static str> {
    Some(match resource_type {
        "aws_iam_role" => "role",
        "aws_iam_user" => "user",
        "aws_iam_group" => "group",
        "aws_iam_policy" => "policy",
        "aws_iam_instance_profile" => "instance-profile",
        _ => return None,
    })
}

/// What the provider prefixes a generated name with when neither `name` nor `name_prefix` is
/// set (`id.UniqueId`, `terraform-` and a time-ordered suffix).
pub const DEFAULT_NAME_PREFIX: &str = "terraform-";

/// A name the provider generates at apply: `name_prefix` (or [`DEFAULT_NAME_PREFIX`]) and a
/// suffix unknown until apply, the hole `suffix_key`: 26 characters of timestamp digits and a
/// hex counter (`id.PrefixedUniqueId`), so of the lower-case id class.
#[must_use]
pub fn generated_name(prefix: Option<Str>, suffix_key: impl Into<std::sync::Arc<str>>) -> Str {
    let mut s = prefix.unwrap_or_else(|| Str::lit(DEFAULT_NAME_PREFIX));
    s.push(Part::Hole(passgraph_model::value::Hole::new(
        suffix_key,
        passgraph_model::value::HoleClass::Name {
            charset: passgraph_model::value::Charset::LowerId,
            max_len: 26,
        },
    )));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_names_keep_their_prefix() {
        let n = generated_name(Some(Str::lit("gen-")), "aws_iam_role.r.name");
        assert_eq!(n.known_prefix(), "gen-");
        assert!(n.holes().any(|h| h == "aws_iam_role.r.name"));
        let d = generated_name(None, "aws_iam_role.r.name");
        assert_eq!(d.known_prefix(), "terraform-");
        assert_eq!(
            arn_kind("aws_iam_instance_profile"),
            Some("instance-profile")
        );
        assert_eq!(arn_kind("aws_lambda_function"), None);
    }
}
