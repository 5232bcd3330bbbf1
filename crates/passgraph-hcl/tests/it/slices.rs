//! Many resource instances are read in slices, each by a fork of the evaluator on a thread of
//! its own: the account and the diagnostics are those of reading them in turn, and reading
//! falls back to one slice when the order of evaluation could change them.

use std::fmt::Write as _;
use std::path::Path;

use passgraph_hcl::{Options, Stats};
use passgraph_model::{Code, Parsed};

use crate::support::MemSource;

/// `n` policies, roles, users and attachments (5 × `n` instances), whose attachments refer
/// across the whole list (so across slices), with the account from `aws_caller_identity`, a
/// module output, locals and a variable without a value; then `extra`.
fn config(n: usize, extra: &str) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        r#"
data "aws_caller_identity" "current" {{}}

variable "unset" {{}}

locals {{
  prefix = "app"
}}

module "m" {{
  source = "./modules/m"
  name   = "from-module"
}}

resource "aws_iam_policy" "p" {{
  count = {n}
  name  = "${{local.prefix}}-p${{count.index}}"
  policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{
      Effect   = "Allow"
      Action   = "iam:PassRole"
      Resource = "arn:aws:iam::${{data.aws_caller_identity.current.account_id}}:role/${{local.prefix}}-r${{count.index}}"
    }}]
  }})
}}

resource "aws_iam_role" "r" {{
  count = {n}
  name  = "${{local.prefix}}-r${{count.index}}"
  assume_role_policy = jsonencode({{
    Version   = "2012-10-17"
    Statement = [{{ Effect = "Allow", Action = "sts:AssumeRole", Principal = {{ Service = "ec2.amazonaws.com" }} }}]
  }})
}}

resource "aws_iam_user" "u" {{
  count = {n}
  name  = "u${{count.index}}"
}}

resource "aws_iam_role_policy_attachment" "a" {{
  count      = {n}
  role       = aws_iam_role.r[count.index].name
  policy_arn = aws_iam_policy.p[({n} - 1 - count.index)].arn
}}

resource "aws_iam_user_policy_attachment" "ua" {{
  count      = {n}
  user       = aws_iam_user.u[count.index].name
  policy_arn = aws_iam_policy.p[(count.index * 7) % {n}].arn
}}

resource "aws_iam_instance_profile" "ip" {{
  name = module.m.name
  role = aws_iam_role.r[0].name
}}

resource "aws_iam_role" "unknown" {{
  name               = var.unset
  assume_role_policy = aws_iam_role.r[1].assume_role_policy
}}
"#
    );
    s.push_str(extra);
    s
}

const MODULE: &str = r#"
variable "name" {}

output "name" {
  value = "${var.name}-profile"
}
"#;

fn load_in(threads: usize, files: &[(&str, &str)]) -> (Parsed, Stats) {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("pool");
    pool.install(|| {
        let mut src = MemSource::new(files);
        passgraph_hcl::load_with_stats(Path::new("/m"), &mut src, &Options::default())
    })
}

#[test]
fn slices_read_what_one_thread_reads() {
    let main = config(200, "");
    let files = [("main.tf", main.as_str()), ("modules/m/main.tf", MODULE)];
    let (one, one_stats) = load_in(1, &files);
    let (three, three_stats) = load_in(3, &files);
    assert_eq!(one_stats.slices, 1);
    assert_eq!(three_stats.slices, 3, "1,002 instances on three threads");
    let a = &one.account;
    assert_eq!(
        (
            a.policies.len(),
            a.roles.len(),
            a.users.len(),
            a.attachments.len()
        ),
        (200, 201, 200, 400)
    );
    assert_eq!(a.instance_profiles.len(), 1);
    assert_eq!(
        a.instance_profiles[0].name.as_known(),
        Some("from-module-profile")
    );
    assert!(
        one.diagnostics
            .iter()
            .any(|d| d.code == Code::UnknownValue && d.message.contains("var.unset")),
        "{:?}",
        one.diagnostics
    );
    assert_eq!(one.account, three.account);
    assert_eq!(one.diagnostics, three.diagnostics);
    assert_eq!(one_stats.resources, three_stats.resources);
}

#[test]
fn slices_fall_back_to_one_when_the_order_could_matter() {
    // A reference cycle: what each reader sees of it depends on who reads first.
    let cycle = config(
        200,
        r#"
locals {
  a = "${local.b}-x"
  b = local.a
}

resource "aws_iam_user" "cyclic" {
  name = local.a
}
"#,
    );
    // A file read: forks have no file source.
    let file = config(
        200,
        r#"
resource "aws_iam_user_policy" "from_file" {
  user   = aws_iam_user.u[0].name
  policy = file("${path.module}/policy.json")
}
"#,
    );
    let policy = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}]}"#;
    for (what, main, code) in [
        ("cycle", cycle, Some(Code::ReferenceCycle)),
        ("file", file, None),
    ] {
        let files = [
            ("main.tf", main.as_str()),
            ("modules/m/main.tf", MODULE),
            ("policy.json", policy),
        ];
        let (one, _) = load_in(1, &files);
        let (three, three_stats) = load_in(3, &files);
        assert_eq!(three_stats.slices, 1, "{what}");
        assert_eq!(one.account, three.account, "{what}");
        assert_eq!(one.diagnostics, three.diagnostics, "{what}");
        if let Some(code) = code {
            assert!(one.diagnostics.iter().any(|d| d.code == code), "{what}");
        }
    }
    // The file was read: its statement is the user's inline policy.
    let main = config(
        2,
        r#"
resource "aws_iam_user_policy" "from_file" {
  user   = aws_iam_user.u[0].name
  policy = file("${path.module}/policy.json")
}
"#,
    );
    let files = [
        ("main.tf", main.as_str()),
        ("modules/m/main.tf", MODULE),
        ("policy.json", policy),
    ];
    let (p, _) = load_in(3, &files);
    assert!(
        p.account
            .attachments
            .iter()
            .any(|a| matches!(&a.policy, passgraph_model::AttachedPolicy::Inline(i) if i.document.statements.len() == 1)),
        "{:?}",
        p.account.attachments
    );
}

#[test]
fn a_value_read_at_its_own_expression_is_the_same_on_every_thread() {
    // `aws_ssm_parameter.y[1].name` is y[0]'s name, read at the expression that also reads the
    // users for y[0]: the value of y[0].name carries that expression's origin without having
    // been made there, and a hole named after it must not depend on which slice read first.
    let mut main = String::from(
        r#"
variable "flag" {
  type = bool
}

resource "aws_iam_user" "a" {
  name = "a"
}

resource "aws_iam_user" "b" {
  name = "b"
}

resource "aws_ssm_parameter" "y" {
  count = 2
  name  = (count.index == 0 ? (var.flag ? aws_iam_user.a : aws_iam_user.b) : aws_ssm_parameter.y[0]).name
}

resource "aws_iam_role" "dyn" {
  name               = "r-${aws_ssm_parameter.y[1].name}"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }] })
}

resource "aws_iam_user" "fill" {
  count = 600
  name  = "u${count.index}"
}

resource "aws_iam_user" "z" {
  name = "z"
}

resource "aws_iam_user_policy" "z" {
  user   = aws_iam_user.z.name
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["iam:PassRole", "ec2:RunInstances"], Resource = "arn:aws:iam::*:role/r-${aws_ssm_parameter.y[0].name}" }] })
}
"#,
    );
    main.push('\n');
    let files = [("main.tf", main.as_str())];
    let (one, _) = load_in(1, &files);
    for threads in [2, 3] {
        let (more, stats) = load_in(threads, &files);
        assert_eq!(stats.slices, 2, "606 instances");
        assert_eq!(one.account, more.account, "{threads} threads");
        assert_eq!(one.diagnostics, more.diagnostics, "{threads} threads");
    }
}
