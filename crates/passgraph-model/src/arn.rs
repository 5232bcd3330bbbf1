//! Amazon Resource Names, parsed once and kept parsed.

use std::fmt;
use std::str::FromStr;

use crate::value::{ACCOUNT_HOLE, PARTITION_HOLE, Part, Str};

/// A known ARN: `arn:partition:service:region:account:resource`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Arn {
    /// `aws`, `aws-cn`, `aws-us-gov`, ...
    pub partition: String,
    /// `iam`, `s3`, ...
    pub service: String,
    /// Empty for IAM.
    pub region: String,
    /// 12 digits, `aws` for AWS managed policies, or empty.
    pub account: String,
    /// Everything after the fifth colon, `role/path/name` for roles.
    pub resource: String,
}

/// Why a string is not an ARN.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("not an ARN: {text:?}")]
pub struct ArnError {
    /// The text that was given.
    pub text: String,
}

impl FromStr for Arn {
    type Err = ArnError;

    fn from_str(s: &str) -> Result<Arn, ArnError> {
        let mut it = s.splitn(6, ':');
        let err = || ArnError { text: s.to_owned() };
        if it.next() != Some("arn") {
            return Err(err());
        }
        let partition = it.next().ok_or_else(err)?.to_owned();
        let service = it.next().ok_or_else(err)?.to_owned();
        let region = it.next().ok_or_else(err)?.to_owned();
        let account = it.next().ok_or_else(err)?.to_owned();
        let resource = it.next().ok_or_else(err)?.to_owned();
        if partition.is_empty() || service.is_empty() {
            return Err(err());
        }
        Ok(Arn {
            partition,
            service,
            region,
            account,
            resource,
        })
    }
}

impl fmt::Display for Arn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "arn:{}:{}:{}:{}:{}",
            self.partition, self.service, self.region, self.account, self.resource
        )
    }
}

impl Arn {
    /// For IAM ARNs, the resource type (`role`, `user`, `policy`, ...).
    #[must_use]
    pub fn resource_type(&self) -> &str {
        self.resource.split('/').next().unwrap_or("")
    }

    /// For IAM ARNs, the name: the last segment of the resource.
    #[must_use]
    pub fn name(&self) -> &str {
        self.resource.rsplit('/').next().unwrap_or("")
    }

    /// For IAM ARNs, the path between the type and the name, with its slashes (`/` by default).
    #[must_use]
    pub fn path(&self) -> String {
        let segs: Vec<&str> = self.resource.split('/').collect();
        if segs.len() <= 2 {
            return "/".to_owned();
        }
        format!("/{}/", segs[1..segs.len() - 1].join("/"))
    }
}

/// Builds the ARN of an IAM entity as a possibly symbolic value:
/// `arn:<partition>:iam::<account>:<kind>/<path without leading slash><name>`.
#[must_use]
pub fn iam_arn(
    partition: Option<&Str>,
    account: Option<&Str>,
    kind: &str,
    path: &Str,
    name: &Str,
) -> Str {
    let mut s = Str::lit("arn:");
    match partition {
        Some(p) => s.append(p),
        None => s.push(Part::Hole(PARTITION_HOLE.into())),
    }
    s.push_str(":iam::");
    match account {
        Some(a) => s.append(a),
        None => s.push(Part::Hole(ACCOUNT_HOLE.into())),
    }
    s.push_str(":");
    s.push_str(kind);
    // Paths begin and end with `/`; the default is `/`.
    match path.as_known() {
        Some("") => s.push_str("/"),
        Some(p) => {
            s.push_str(if p.starts_with('/') { "" } else { "/" });
            s.push_str(p);
            if !p.ends_with('/') {
                s.push_str("/");
            }
        }
        None => {
            s.push_str("/");
            s.append(path);
        }
    }
    s.append(name);
    // A path of "/" followed by "/" from the kind separator would give "role//name".
    normalise_double_slash(s)
}

fn normalise_double_slash(s: Str) -> Str {
    Str::from_parts(s.parts().iter().map(|p| match p {
        Part::Lit(t) => Part::Lit(t.replace("//", "/")),
        h => h.clone(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_parts() {
        let a: Arn = "arn:aws:iam::123456789012:role/application_abc/component_xyz/RDSAccess"
            .parse()
            .unwrap();
        assert_eq!(a.name(), "RDSAccess");
        assert_eq!(a.path(), "/application_abc/component_xyz/");
        assert_eq!(a.resource_type(), "role");
        assert_eq!(
            a.to_string(),
            "arn:aws:iam::123456789012:role/application_abc/component_xyz/RDSAccess"
        );
        assert!("arn:aws".parse::<Arn>().is_err());
        assert!("not-an-arn".parse::<Arn>().is_err());
    }

    #[test]
    fn iam_arn_builds_paths() {
        let p = Str::lit("aws");
        let a = Str::lit("123456789012");
        assert_eq!(
            iam_arn(Some(&p), Some(&a), "role", &Str::lit("/"), &Str::lit("web")).as_known(),
            Some("arn:aws:iam::123456789012:role/web")
        );
        assert_eq!(
            iam_arn(
                Some(&p),
                Some(&a),
                "role",
                &Str::lit("/service-role/"),
                &Str::lit("web")
            )
            .as_known(),
            Some("arn:aws:iam::123456789012:role/service-role/web")
        );
        assert_eq!(
            iam_arn(Some(&p), None, "role", &Str::lit(""), &Str::lit("web")).to_string(),
            "arn:aws:iam::${aws:account}:role/web"
        );
    }

    proptest::proptest! {
        #[test]
        fn display_from_str_round_trip(p in "[a-z-]{1,8}", s in "[a-z0-9]{1,8}", r in "[a-z0-9-]{0,8}", a in "[0-9]{0,12}", res in "[A-Za-z0-9/:*_-]{0,20}") {
            let text = format!("arn:{p}:{s}:{r}:{a}:{res}");
            let arn: Arn = text.parse().unwrap();
            proptest::prop_assert_eq!(arn.to_string(), text);
        }
    }
}
