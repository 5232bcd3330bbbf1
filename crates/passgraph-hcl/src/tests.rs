//! Unit tests of the evaluator: every expression form and function, through `locals`.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use passgraph_model::{Code, Diagnostic, FileId, Origin, TextRange};

use crate::eval::evaluator;
use crate::value::{V, Value, num_text, render_json};
use crate::{FileSource, Options};

/// Files in memory under `/m`.
struct Mem {
    files: BTreeMap<PathBuf, String>,
    ids: Vec<PathBuf>,
}

impl Mem {
    fn new(files: &[(&str, &str)]) -> Mem {
        Mem {
            files: files
                .iter()
                .map(|(p, t)| (Path::new("/m").join(p), (*t).to_owned()))
                .collect(),
            ids: Vec::new(),
        }
    }
}

impl FileSource for Mem {
    fn list_dir(&mut self, dir: &Path) -> Vec<PathBuf> {
        self.files
            .keys()
            .filter(|p| p.parent() == Some(dir))
            .cloned()
            .collect()
    }

    fn read(&mut self, path: &Path) -> Option<(FileId, Arc<str>)> {
        let t = self.files.get(path)?;
        let id = match self.ids.iter().position(|p| p == path) {
            Some(i) => i,
            None => {
                self.ids.push(path.to_path_buf());
                self.ids.len() - 1
            }
        };
        Some((FileId(id as u32), Arc::from(t.as_str())))
    }
}

/// A value in a compact, readable form: strings quoted with holes as `${key}`, unknowns as
/// `?key`, choices as `(a | b)`, JSON documents as `json:<text>`.
fn show(v: &Value) -> String {
    match &v.v {
        V::Null => "null".to_owned(),
        V::Bool(b) => b.to_string(),
        V::Num(n) => num_text(*n),
        V::Str(s, _) => format!("{:?}", s.to_string()),
        V::List(items) => format!(
            "[{}]",
            items.iter().map(show).collect::<Vec<_>>().join(", ")
        ),
        V::Map(m) => format!(
            "{{{}}}",
            m.iter()
                .map(|(k, _, x)| format!("{k} = {}", show(x)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        V::Unknown(k) => format!("?{k}"),
        V::Choice(alts) => format!(
            "({})",
            alts.iter().map(show).collect::<Vec<_>>().join(" | ")
        ),
        V::Doc(n) => {
            let mut s = passgraph_model::Str::default();
            render_json(n, &mut s, 0);
            format!("json:{s}")
        }
        V::Res(_) => "resource".to_owned(),
        V::Module(_) => "module".to_owned(),
    }
}

/// Evaluates `local.t` of a configuration whose `main.tf` is `main` plus `locals { t = expr }`.
fn eval_in(files: &[(&str, &str)], expr: &str) -> (String, Vec<Diagnostic>) {
    let main = files
        .iter()
        .find(|(p, _)| *p == "main.tf")
        .map_or("", |(_, t)| *t);
    let text = format!("{main}\nlocals {{\n  t = {expr}\n}}\n");
    let mut all: Vec<(&str, &str)> = files
        .iter()
        .filter(|(p, _)| *p != "main.tf")
        .copied()
        .collect();
    all.push(("main.tf", &text));
    let mut src = Mem::new(&all);
    let mut ev = evaluator(Path::new("/m"), &mut src, &Options::default());
    let o = Origin::new(FileId(0), TextRange::default());
    let r = match ev.local(0, "t", &o) {
        Ok(v) => {
            let v = ev.force_deep(v, 0);
            show(&v)
        }
        Err(f) => format!("error: {}", f.msg),
    };
    (r, ev.diags.clone())
}

fn check(expr: &str, expect: &str) {
    check_with(&[], expr, expect);
}

fn check_with(files: &[(&str, &str)], expr: &str, expect: &str) {
    let (got, diags) = eval_in(files, expr);
    assert_eq!(got, expect, "{expr}\ndiagnostics: {diags:?}");
}

#[test]
fn literals_and_collections() {
    check("null", "null");
    check("true", "true");
    check("1.5", "1.5");
    check("\"a\"", "\"a\"");
    check("[1, \"b\", false]", "[1, \"b\", false]");
    check(
        "{ b = 1, a = \"x\", \"c\" = 2 }",
        "{a = \"x\", b = 1, c = 2}",
    );
    check("{ \"Key\": 1, k2 = 2, }", "{Key = 1, k2 = 2}");
    check("{ (\"dyn${1}\") = 3 }", "{dyn1 = 3}");
}

#[test]
fn operators() {
    check("1 + 2 * 3", "7");
    check("10 / 4", "2.5");
    check("7 % 3", "1");
    check("-(2)", "-2");
    check("1 < 2 && 2 >= 2", "true");
    check("!true || false", "false");
    check("\"a\" == \"a\"", "true");
    check("[1, 2] == [1, 2]", "true");
    check("{a = 1} != {a = 2}", "true");
    check("\"1\" == 1", "false");
}

#[test]
fn templates_and_heredocs() {
    check("\"x-${1 + 1}-${true}\"", "\"x-2-true\"");
    check("\"${\"only\"}\"", "\"only\"");
    check("\"${[1]}\"", "[1]");
    check("\"$${literal}\"", "\"${literal}\"");
    check("<<EOT\na ${\"b\"}\nEOT", "\"a b\\n\"");
    check("<<-EOT\n    a\n      b\n    EOT", "\"a\\n  b\\n\"");
    check("\"%{ if true }yes%{ else }no%{ endif }\"", "\"yes\"");
    check("\"%{ for x in [1, 2] }<${x}>%{ endfor }\"", "\"<1><2>\"");
    check("\"a ${~ \"b\" ~} c\"", "\"abc\"");
    check(
        "<<EOT\n%{ for k, v in {a = 1} ~}\n${k}=${v}\n%{ endfor ~}\nEOT",
        "\"a=1\\n\"",
    );
}

#[test]
fn conditionals() {
    check("true ? \"a\" : \"b\"", "\"a\"");
    check("1 > 2 ? \"a\" : \"b\"", "\"b\"");
    // An undecidable condition keeps both alternatives.
    check_with(
        &[("main.tf", "variable \"c\" {}")],
        "var.c ? \"a\" : \"b\"",
        "(\"a\" | \"b\")",
    );
    check_with(
        &[("main.tf", "variable \"c\" {}")],
        "var.c ? \"a\" : \"a\"",
        "\"a\"",
    );
    check(
        "null ? 1 : 2",
        "error: the condition of a conditional is null",
    );
}

#[test]
fn for_expressions() {
    check("[for x in [1, 2, 3] : x * 2]", "[2, 4, 6]");
    check(
        "[for i, x in [\"a\", \"b\"] : \"${i}${x}\"]",
        "[\"0a\", \"1b\"]",
    );
    check(
        "{for k, v in {a = 1, b = 2} : v => k}",
        "{1 = \"a\", 2 = \"b\"}",
    );
    check("[for x in [1, 2, 3] : x if x != 2]", "[1, 3]");
    check(
        "{for x in [\"a\", \"b\", \"a\"] : x => 1...}",
        "{a = [1, 1], b = [1]}",
    );
    check_with(
        &[("main.tf", "variable \"l\" {}")],
        "[for x in var.l : x]",
        "?[for x in var.l : x] at main.tf:3:7",
    );
}

#[test]
fn splats_and_indexes() {
    check("[{a = 1}, {a = 2}][*].a", "[1, 2]");
    check("[{a = {b = 1}}][*].a.b", "[1]");
    check("[[1, 2], [3, 4]][*][0]", "[1, 3]");
    check("{a = 1}[*].a", "[1]");
    check("null[*].a", "[]");
    check("[\"x\", \"y\"][1]", "\"y\"");
    check("[\"x\", \"y\"].0", "\"x\"");
    check("{a = {b = \"c\"}}[\"a\"].b", "\"c\"");
    check("[1][3]", "error: index 3 is out of range");
    check("{a = 1}.b", "error: object has no attribute \"b\"");
}

#[test]
fn variables_locals_and_paths() {
    let files = [(
        "main.tf",
        "variable \"a\" { default = \"x\" }\nvariable \"n\" {}\nvariable \"o\" {\n  type = object({ k = optional(string, \"d\"), m = optional(number) })\n  default = { extra = 1 }\n}\nlocals { l = \"${var.a}-l\" }",
    )];
    check_with(&files, "var.a", "\"x\"");
    check_with(&files, "var.n", "?var.n");
    check_with(&files, "\"p-${var.n}\"", "\"p-${var.n}\"");
    check_with(&files, "local.l", "\"x-l\"");
    check_with(&files, "var.o", "{k = \"d\", m = null}");
    check_with(&files, "path.module", "\".\"");
    check_with(&files, "terraform.workspace", "\"default\"");
    check_with(
        &files,
        "var.missing",
        "error: reference to undeclared input variable var.missing",
    );
}

#[test]
fn local_cycles_are_reported() {
    let (got, diags) = eval_in(
        &[("main.tf", "locals {\n  a = local.b\n  b = local.a\n}")],
        "local.a",
    );
    assert_eq!(got, "error: local.a depends on itself");
    assert!(
        diags.iter().any(|d| d.code == Code::ReferenceCycle),
        "{diags:?}"
    );
}

#[test]
fn deep_nesting_is_bounded() {
    // A chain of locals deeper than the evaluation limit gives a limit error, not a crash.
    let mut main = String::from("locals {\n  l0 = 1\n");
    for i in 1..400 {
        main.push_str(&format!("  l{i} = local.l{}\n", i - 1));
    }
    main.push_str("}\n");
    let (got, _) = eval_in(&[("main.tf", &main)], "local.l399");
    assert_eq!(got, "error: expression nesting too deep");
}

#[test]
fn resource_references() {
    let files = [(
        "main.tf",
        r#"
provider "aws" { region = "us-east-1" }
data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}
resource "aws_iam_role" "r" {
  name = "web"
  path = "/app/"
  assume_role_policy = "{}"
}
resource "aws_iam_role" "p" {
  name_prefix = "gen-"
  assume_role_policy = "{}"
}
resource "aws_iam_role" "g" { assume_role_policy = "{}" }
resource "aws_iam_policy" "pol" {
  name = "deploy"
  policy = "{}"
}
resource "aws_iam_user" "u" {
  count = 2
  name  = "dev${count.index}"
}
resource "aws_iam_group" "grp" {
  for_each = toset(["a", "b"])
  name     = "g-${each.key}"
}
resource "aws_s3_bucket" "b" { bucket = "bkt" }
"#,
    )];
    check_with(
        &files,
        "aws_iam_role.r.arn",
        "\"arn:aws:iam::${aws:account}:role/app/web\"",
    );
    check_with(&files, "aws_iam_role.r.name", "\"web\"");
    check_with(&files, "aws_iam_role.r.id", "\"web\"");
    check_with(
        &files,
        "aws_iam_role.r.unique_id",
        "?aws_iam_role.r.unique_id",
    );
    check_with(
        &files,
        "aws_iam_role.p.arn",
        "\"arn:aws:iam::${aws:account}:role/gen-${aws_iam_role.p.name}\"",
    );
    check_with(
        &files,
        "aws_iam_role.g.name",
        "\"terraform-${aws_iam_role.g.name}\"",
    );
    check_with(
        &files,
        "aws_iam_policy.pol.arn",
        "\"arn:aws:iam::${aws:account}:policy/deploy\"",
    );
    check_with(
        &files,
        "aws_iam_policy.pol.id",
        "\"arn:aws:iam::${aws:account}:policy/deploy\"",
    );
    check_with(
        &files,
        "aws_iam_user.u[1].arn",
        "\"arn:aws:iam::${aws:account}:user/dev1\"",
    );
    check_with(&files, "aws_iam_user.u[*].name", "[\"dev0\", \"dev1\"]");
    check_with(&files, "length(aws_iam_user.u)", "2");
    check_with(&files, "aws_iam_group.grp[\"b\"].name", "\"g-b\"");
    check_with(
        &files,
        "[for k, g in aws_iam_group.grp : k]",
        "[\"a\", \"b\"]",
    );
    check_with(&files, "aws_s3_bucket.b.bucket", "\"bkt\"");
    check_with(&files, "aws_s3_bucket.b.arn", "?aws_s3_bucket.b.arn");
    check_with(
        &files,
        "data.aws_caller_identity.current.account_id",
        "\"${aws:account}\"",
    );
    check_with(&files, "data.aws_partition.current.partition", "\"aws\"");
    check_with(&files, "data.aws_region.current.name", "\"us-east-1\"");
    check_with(
        &files,
        "aws_iam_role.nope.arn",
        "error: reference to undeclared resource aws_iam_role.nope",
    );
    check_with(
        &files,
        "\"arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:role/RDS-*\"",
        "\"arn:aws:iam::${aws:account}:role/RDS-*\"",
    );
}

#[test]
fn unknown_partition_without_provider_region() {
    check_with(
        &[("main.tf", "data \"aws_partition\" \"p\" {}")],
        "data.aws_partition.p.partition",
        "\"${aws:partition}\"",
    );
}

/// The provider's region decides the partition also when it is written through variables and
/// locals, as most examples do (`provider "aws" { region = local.region }`); a region that is
/// not known offline leaves the partition a hole, and a local computed from the partition while
/// the region was being looked for is not remembered with the hole.
#[test]
fn provider_region_through_variables_and_locals() {
    let arn = "data.aws_partition.p.partition";
    let with = |provider: &str| {
        [(
            "main.tf",
            format!(
                r#"
variable "region" {{ default = "cn-north-1" }}
variable "other" {{}}
locals {{
  region = "us-gov-west-1"
  both   = {{ region = "eu-west-1", arn = "arn:${{data.aws_partition.p.partition}}:iam::1:role/x" }}
}}
data "aws_partition" "p" {{}}
provider "aws" {{ {provider} }}
"#
            ),
        )]
    };
    for (provider, expect) in [
        ("region = local.region", "\"aws-us-gov\""),
        ("region = var.region", "\"aws-cn\""),
        ("region = \"us-east-1\"", "\"aws\""),
        ("region = local.both.region", "\"aws\""),
        ("region = var.other", "\"${aws:partition}\""),
        ("region = \"${var.other}-x\"", "\"${aws:partition}\""),
    ] {
        let files = with(provider);
        let files: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
        check_with(&files, arn, expect);
    }
    let files = with("region = local.both.region");
    let files: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
    check_with(&files, "local.both.arn", "\"arn:aws:iam::1:role/x\"");
    // JSON syntax: a string with `${` is a template.
    let json = r#"{"variable": {"region": {"default": "cn-north-1"}},
        "provider": {"aws": {"region": "${var.region}"}},
        "data": {"aws_partition": {"p": {}}}}"#;
    check_with(&[("main.tf.json", json)], arn, "\"aws-cn\"");
}

#[test]
fn functions_json() {
    check(
        "jsonencode({b = [1, true], a = null})",
        "json:{\"a\":null,\"b\":[1,true]}",
    );
    check("jsonencode(\"<&>\")", "json:\"\\u003c\\u0026\\u003e\"");
    check(
        "jsondecode(\"{\\\"a\\\": [1, \\\"x\\\"]}\")",
        "{a = [1, \"x\"]}",
    );
    check("jsondecode(jsonencode({k = \"v\"})).k", "\"v\"");
    check(
        "jsondecode(\"{\")",
        "error: jsondecode: expected a string key in object",
    );
    check_with(
        &[("main.tf", "variable \"v\" {}")],
        "jsonencode({a = var.v})",
        "json:{\"a\":${var.v}}",
    );
}

#[test]
fn functions_strings() {
    check(
        "format(\"arn:aws:iam::%s:root\", \"123\")",
        "\"arn:aws:iam::123:root\"",
    );
    check(
        "format(\"%d-%05.1f-%q-%%-%v\", 3, 2.25, \"x\", true)",
        "\"3-002.2-\\\"x\\\"-%-true\"",
    );
    check_with(
        &[("main.tf", "variable \"a\" {}")],
        "format(\"id:%s\", var.a)",
        "\"id:${var.a}\"",
    );
    check(
        "formatlist(\"%s-%s\", [\"a\", \"b\"], \"x\")",
        "[\"a-x\", \"b-x\"]",
    );
    check("join(\",\", [\"a\", \"b\"], [\"c\"])", "\"a,b,c\"");
    check("split(\"/\", \"a/b/c\")", "[\"a\", \"b\", \"c\"]");
    check("replace(\"a-b-c\", \"-\", \"_\")", "\"a_b_c\"");
    check("lower(\"AbC\")", "\"abc\"");
    check("upper(\"AbC\")", "\"ABC\"");
    check("trimprefix(\"role/web\", \"role/\")", "\"web\"");
    check("trimsuffix(\"web.json\", \".json\")", "\"web\"");
    check_with(
        &[("main.tf", "variable \"a\" {}")],
        "trimprefix(\"arn:${var.a}\", \"arn:\")",
        "\"${var.a}\"",
    );
    check("trimspace(\"  x \")", "\"x\"");
    check("substr(\"hello\", 1, 3)", "\"ell\"");
    check("startswith(\"arn:aws\", \"arn:\")", "true");
    check("title(\"hello world\")", "\"Hello World\"");
    check("tostring(5)", "\"5\"");
    check("tonumber(\"5\")", "5");
}

#[test]
fn functions_collections() {
    check("concat([1], [2, 3])", "[1, 2, 3]");
    check("merge({a = 1, b = 1}, {b = 2}, null)", "{a = 1, b = 2}");
    check("lookup({a = 1}, \"a\")", "1");
    check("lookup({a = 1}, \"b\", 0)", "0");
    check("element([\"a\", \"b\"], 3)", "\"b\"");
    check("toset([\"b\", \"a\", \"b\"])", "[\"a\", \"b\"]");
    check("tolist(toset([\"x\"]))", "[\"x\"]");
    check("tomap({a = \"1\"})", "{a = \"1\"}");
    check("flatten([[1, [2]], 3, []])", "[1, 2, 3]");
    check("distinct([2, 1, 2])", "[2, 1]");
    check("length({a = 1, b = 2})", "2");
    check("keys({b = 1, a = 2})", "[\"a\", \"b\"]");
    check("values({b = 1, a = 2})", "[2, 1]");
    check("contains([\"a\"], \"a\")", "true");
    check("compact([\"a\", \"\", null])", "[\"a\"]");
    check("zipmap([\"a\", \"b\"], [1, 2])", "{a = 1, b = 2}");
    check("range(3)", "[0, 1, 2]");
    check("slice([1, 2, 3], 1, 3)", "[2, 3]");
    check("reverse([1, 2])", "[2, 1]");
    check("sort([\"b\", \"a\"])", "[\"a\", \"b\"]");
    check("one([\"x\"])", "\"x\"");
    check("index([\"a\", \"b\"], \"b\")", "1");
    check("setunion([\"a\"], [\"b\"])", "[\"a\", \"b\"]");
    check("coalescelist([], [1])", "[1]");
    check("max(1, 3, 2)", "3");
    check("concat([1], [2]...)", "error: expected a list");
    check("concat([[1], [2]]...)", "[1, 2]");
}

#[test]
fn functions_coalesce_try_can() {
    check("coalesce(null, \"\", \"x\")", "\"x\"");
    check_with(
        &[("main.tf", "variable \"v\" {}")],
        "coalesce(var.v, \"x\")",
        "?coalesce(var.v, \"x\") at main.tf:3:7",
    );
    check("try({a = 1}.b, \"fallback\")", "\"fallback\"");
    check("try({a = 1}.a, \"fallback\")", "1");
    check("can({a = 1}.b)", "false");
    check("can({a = 1}.a)", "true");
    check("try(undefined_thing.x, 2)", "2");
}

#[test]
fn functions_files() {
    let files = [
        ("main.tf", ""),
        ("policy.json", "{\"Version\": \"2012-10-17\"}"),
        (
            "tpl.json.tpl",
            "{\"name\": \"${name}\", \"list\": [%{ for i in items }\"${i}\",%{ endfor }\"end\"]}",
        ),
        ("modules/m/x.txt", "in module"),
    ];
    check_with(
        &files,
        "file(\"policy.json\")",
        "\"{\\\"Version\\\": \\\"2012-10-17\\\"}\"",
    );
    check_with(
        &files,
        "file(\"${path.module}/policy.json\")",
        "\"{\\\"Version\\\": \\\"2012-10-17\\\"}\"",
    );
    check_with(
        &files,
        "jsondecode(file(\"policy.json\")).Version",
        "\"2012-10-17\"",
    );
    check_with(
        &files,
        "templatefile(\"tpl.json.tpl\", {name = \"n\", items = [\"a\"]})",
        "\"{\\\"name\\\": \\\"n\\\", \\\"list\\\": [\\\"a\\\",\\\"end\\\"]}\"",
    );
    check_with(
        &files,
        "file(\"missing.json\")",
        "error: file \"missing.json\" cannot be read",
    );
    check_with(
        &files,
        "file(\"/etc/passwd\")",
        "error: file \"/etc/passwd\" lies outside the configuration's module folders; it is not read",
    );
    check_with(
        &files,
        "file(\"../outside\")",
        "error: file \"../outside\" lies outside the configuration's module folders; it is not read",
    );
}

#[test]
fn unknown_function_is_unknown_with_a_note() {
    let (got, diags) = eval_in(&[], "frobnicate(1)");
    assert_eq!(got, "?frobnicate(1) at main.tf:3:7");
    assert!(
        diags
            .iter()
            .any(|d| d.code == Code::Unsupported && d.message.contains("frobnicate"))
    );
}

#[test]
fn doubling_values_are_bounded() {
    let mut main = String::from("locals {\n  s0 = \"xxxxxxxxxxxxxxxx\"\n  l0 = [1]\n");
    for i in 1..26 {
        main.push_str(&format!(
            "  s{i} = \"${{local.s{}}}${{local.s{}}}\"\n  l{i} = [local.l{}, local.l{}]\n",
            i - 1,
            i - 1,
            i - 1,
            i - 1
        ));
    }
    main.push_str("}\n");
    let (got, diags) = eval_in(&[("main.tf", &main)], "jsonencode(local.l25)");
    assert_eq!(got, "error: a value grows past the size limit");
    assert!(diags.iter().any(|d| d.code == Code::Limit));
    let (got, _) = eval_in(&[("main.tf", &main)], "length(local.s25)");
    assert_eq!(got, "error: a value grows past the size limit");
}

#[test]
fn module_inputs_null_and_defaults() {
    let files = [
        (
            "main.tf",
            "module \"m\" {\n  source = \"./m\"\n  a = null\n  b = null\n}\n",
        ),
        (
            "m/main.tf",
            "variable \"a\" { default = \"da\" }\nvariable \"b\" {\n  default  = \"db\"\n  nullable = false\n}\nvariable \"c\" { default = \"dc\" }\noutput \"o\" { value = [var.a, var.b, var.c] }\n",
        ),
    ];
    check_with(&files, "module.m.o", "[null, \"db\", \"dc\"]");
}

#[test]
fn collections_of_big_values_are_bounded() {
    let x400 = "x".repeat(400);
    let main = format!("locals {{\n  big = join(\"\", [for i in range(1000) : \"{x400}\"])\n}}\n");
    check_with(&[("main.tf", &main)], "length(local.big)", "400000");
    let (got, _) = eval_in(&[("main.tf", &main)], "[for i in range(20) : local.big]");
    assert_eq!(got, "error: a value grows past the size limit");
    let (got, _) = eval_in(
        &[("main.tf", &main)],
        "concat([local.big], [local.big], [local.big], [local.big], [local.big], [local.big], [local.big], [local.big], [local.big], [local.big], [local.big])",
    );
    assert_eq!(got, "error: a value grows past the size limit");
    let (got, _) = eval_in(
        &[("main.tf", &main)],
        "replace(local.big, \"x\", \"yyyyyyyyyy\")",
    );
    assert_eq!(got, "error: a string grows past the size limit");
    check(
        "format(\"%99999999d\", 1)",
        "error: format: width or precision too large",
    );
}

#[test]
fn resources_unrelated_to_iam_say_nothing() {
    // A subnet per unknown key and a network ACL per unknown count: nothing IAM refers to them,
    // so neither their expansion nor their variables are spoken of. The role, counted the same
    // way, is.
    let main = "variable \"subnets\" {}\nvariable \"n\" {}\nresource \"aws_subnet\" \"s\" {\n  for_each = var.subnets\n  cidr_block = each.value\n}\nresource \"aws_network_acl\" \"a\" {\n  count = var.n\n  vpc_id = \"v\"\n}\n";
    let p = crate::load(
        Path::new("/m"),
        &mut Mem::new(&[("main.tf", main)]),
        &crate::Options::default(),
    );
    assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
    let with_role = format!(
        "{main}resource \"aws_iam_role\" \"r\" {{\n  count = var.n\n  name = \"r\"\n  assume_role_policy = \"{{}}\"\n}}\n"
    );
    let p = crate::load(
        Path::new("/m"),
        &mut Mem::new(&[("main.tf", &with_role)]),
        &crate::Options::default(),
    );
    let messages: Vec<&str> = p.diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("count of aws_iam_role.r is not known")),
        "{messages:?}"
    );
    assert!(
        !messages
            .iter()
            .any(|m| m.contains("subnet") || m.contains("network_acl")),
        "{messages:?}"
    );
}

/// Terraform strips the least indentation of an indented heredoc's lines: a line at column 0
/// means nothing is stripped, however many interpolations follow (hcl-edit 0.10 stripped two
/// characters from every line here, and the JSON policy became unreadable).
#[test]
fn indented_heredoc_with_a_flush_line_and_interpolations() {
    check(
        "<<-EOT\n[\n  \"a${1}\",\n  \"b${2}\"\n]\n  EOT",
        "\"[\\n  \\\"a1\\\",\\n  \\\"b2\\\"\\n]\\n\"",
    );
    check(
        "<<-EOT\n{\n  \"R\": [\n    \"x:${\"a\"}:1\",\n    \"x:${\"b\"}:$${aws:username}\"\n  ]\n}\n  EOT",
        "\"{\\n  \\\"R\\\": [\\n    \\\"x:a:1\\\",\\n    \\\"x:b:${aws:username}\\\"\\n  ]\\n}\\n\"",
    );
    // What hcl-edit already did right stays: every line indented, the least stripped.
    check(
        "<<-EOT\n    [\n      \"a${1}\",\n      \"b${2}\"\n    ]\n  EOT",
        "\"[\\n  \\\"a1\\\",\\n  \\\"b2\\\"\\n]\\n\"",
    );
}
