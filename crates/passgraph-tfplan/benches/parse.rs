//! Generates a large plan (≥ 100 MB by default) in a temporary folder and measures how long
//! `passgraph_tfplan::parse` takes on it, next to `serde_json::from_str::<Value>` and the
//! position-keeping tree of `passgraph_json::parse` on the same text.
//!
//! `cargo bench -p passgraph-tfplan --bench parse -- [all|tfplan|serde|tree|none] [--mb N] [--keep] [--file PLAN]`
//!
//! One mode per process gives that mode's peak memory under `/usr/bin/time -v` (`none` only
//! reads the text: the baseline). Generate once with `--keep`, then measure with `--file` so
//! that the generator's own peak does not hide the parser's. Plain `harness = false` bench.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fmt::Write as _;
use std::time::Instant;

use passgraph_model::FileId;

/// Escapes a JSON text for embedding as a JSON string value.
fn escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

fn trust(service: &str) -> String {
    escape(&format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Service":"{service}"}},"Action":"sts:AssumeRole"}}]}}"#
    ))
}

fn policy(i: usize) -> String {
    escape(&format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"Pass{i}","Effect":"Allow","Action":["iam:PassRole","iam:GetRole"],"Resource":"arn:aws:iam::123456789012:role/svc-{i}-*","Condition":{{"StringEquals":{{"iam:PassedToService":"ec2.amazonaws.com"}}}}}},{{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject","s3:ListBucket"],"Resource":["arn:aws:s3:::bucket-{i}","arn:aws:s3:::bucket-{i}/*"]}}]}}"#
    ))
}

/// Attribute values of a bulky non-IAM resource (an EC2 instance).
fn instance_values(i: usize, module: &str) -> String {
    let mut tags = String::new();
    for t in 0..8 {
        let _ = write!(tags, r#""tag{t}": "value-{i}-{t}-{}","#, escape(module));
    }
    tags.pop();
    format!(
        r#"{{"ami": "ami-{i:012x}", "arn": "arn:aws:ec2:eu-west-1:123456789012:instance/i-{i:017x}", "associate_public_ip_address": false,
 "availability_zone": "eu-west-1a", "cpu_core_count": 2, "cpu_threads_per_core": 2, "disable_api_termination": false,
 "ebs_block_device": [], "ebs_optimized": true, "ephemeral_block_device": [], "get_password_data": false, "hibernation": false,
 "iam_instance_profile": "svc-{i}", "id": "i-{i:017x}", "instance_initiated_shutdown_behavior": "stop", "instance_state": "running",
 "instance_type": "m5.large", "ipv6_address_count": 0, "ipv6_addresses": [], "key_name": "deploy", "monitoring": true,
 "network_interface": [], "private_dns": "ip-10-0-{}-{}.eu-west-1.compute.internal", "private_ip": "10.0.{}.{}",
 "public_dns": "", "public_ip": "", "root_block_device": [{{"delete_on_termination": true, "device_name": "/dev/xvda",
 "encrypted": true, "iops": 3000, "kms_key_id": "arn:aws:kms:eu-west-1:123456789012:key/{i:08x}-aaaa-bbbb-cccc-dddddddddddd",
 "tags": {{}}, "throughput": 125, "volume_id": "vol-{i:017x}", "volume_size": 50, "volume_type": "gp3"}}],
 "secondary_private_ips": [], "security_groups": [], "source_dest_check": true, "subnet_id": "subnet-{i:08x}",
 "tags": {{{tags}}}, "tenancy": "default", "user_data": "{:064x}", "vpc_security_group_ids": ["sg-{i:08x}", "sg-{:08x}"]}}"#,
        i % 250,
        i % 200,
        i % 250,
        i % 200,
        i * 7919,
        i + 1
    )
}

fn role_values(i: usize) -> String {
    format!(
        r#"{{"assume_role_policy": "{}", "description": "service role {i}", "force_detach_policies": false, "max_session_duration": 3600,
 "name": "svc-{i}-role", "path": "/services/", "permissions_boundary": null, "tags": {{"team": "t{}"}}}}"#,
        trust(if i.is_multiple_of(2) {
            "ec2.amazonaws.com"
        } else {
            "lambda.amazonaws.com"
        }),
        i % 17
    )
}

/// Writes a plan of about `target` bytes: modules `module.svc["kN"]`, each with instances,
/// one role, its inline policy (whose `role` is unknown and resolved through configuration),
/// and an instance profile.
fn generate(target: usize) -> String {
    let per_module = 20;
    let mut changes = String::from("[");
    let mut modules = String::from("[");
    let mut prior = String::from("[");
    let mut m = 0;
    let mut first = true;
    loop {
        let module = format!("module.svc[\"k{m}\"]");
        let mut planned = String::new();
        for j in 0..per_module {
            let i = m * per_module + j;
            let addr = format!("{module}.aws_instance.app[{j}]");
            let v = instance_values(i, &module);
            let sep = if first { "" } else { "," };
            first = false;
            let _ = write!(
                changes,
                r#"{sep}
{{"address": "{}", "module_address": "{}", "mode": "managed", "type": "aws_instance", "name": "app", "index": {j},
 "provider_name": "registry.terraform.io/hashicorp/aws", "change": {{"actions": ["no-op"], "before": {v}, "after": {v},
 "after_unknown": {{}}, "before_sensitive": {{"tags": {{}}}}, "after_sensitive": {{"tags": {{}}}}}}}}"#,
                escape(&addr),
                escape(&module)
            );
            let _ = write!(
                planned,
                r#"{{"address": "{}", "mode": "managed", "type": "aws_instance", "name": "app", "index": {j}, "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 1, "values": {v}, "sensitive_values": {{}}}},"#,
                escape(&addr)
            );
        }
        // IAM: a role being created, an inline policy whose role is unknown, a profile.
        let i = m;
        let role_addr = escape(&format!("{module}.aws_iam_role.this"));
        let pol_addr = escape(&format!("{module}.aws_iam_role_policy.this"));
        let prof_addr = escape(&format!("{module}.aws_iam_instance_profile.this"));
        let esc_module = escape(&module);
        let rv = role_values(i);
        let _ = write!(
            changes,
            r#",
{{"address": "{role_addr}", "module_address": "{esc_module}", "mode": "managed", "type": "aws_iam_role", "name": "this",
 "change": {{"actions": ["create"], "before": null, "after": {rv},
 "after_unknown": {{"arn": true, "create_date": true, "id": true, "inline_policy": true, "managed_policy_arns": true, "name_prefix": true, "tags_all": true, "unique_id": true}},
 "before_sensitive": false, "after_sensitive": {{"tags": {{}}}}}}}},
{{"address": "{pol_addr}", "module_address": "{esc_module}", "mode": "managed", "type": "aws_iam_role_policy", "name": "this",
 "change": {{"actions": ["create"], "before": null, "after": {{"name": "pass", "policy": "{}"}}, "after_unknown": {{"id": true, "role": true}}, "before_sensitive": false, "after_sensitive": {{}}}}}},
{{"address": "{prof_addr}", "module_address": "{esc_module}", "mode": "managed", "type": "aws_iam_instance_profile", "name": "this",
 "change": {{"actions": ["create"], "before": null, "after": {{"name": "svc-{i}", "path": "/", "role": "svc-{i}-role"}}, "after_unknown": {{"arn": true, "id": true, "unique_id": true}}, "before_sensitive": false, "after_sensitive": {{}}}}}}"#,
            policy(i)
        );
        let _ = write!(
            planned,
            r#"{{"address": "{role_addr}", "mode": "managed", "type": "aws_iam_role", "name": "this", "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 0, "values": {rv}, "sensitive_values": {{}}}}"#
        );
        let _ = write!(
            modules,
            r#"{}{{"address": "{esc_module}", "resources": [{planned}]}}"#,
            if m == 0 { "" } else { "," }
        );
        let _ = write!(
            prior,
            r#"{}{{"address": "{esc_module}", "resources": [{}]}}"#,
            if m == 0 { "" } else { "," },
            planned
                .rsplit_once(",{\"address\": \"")
                .map_or(planned.as_str(), |(a, _)| a)
        );
        m += 1;
        if changes.len() + modules.len() + prior.len() >= target {
            break;
        }
    }
    changes.push(']');
    modules.push(']');
    prior.push(']');
    let configuration = r#"{"provider_config": {"aws": {"name": "aws", "full_name": "registry.terraform.io/hashicorp/aws", "expressions": {"region": {"constant_value": "eu-west-1"}}}},
 "root_module": {"module_calls": {"svc": {"source": "./svc", "for_each_expression": {"references": ["var.services"]},
   "module": {"resources": [
     {"address": "aws_instance.app", "mode": "managed", "type": "aws_instance", "name": "app", "expressions": {"ami": {"references": ["var.ami"]}, "iam_instance_profile": {"references": ["aws_iam_instance_profile.this.name", "aws_iam_instance_profile.this"]}}, "count_expression": {"constant_value": 20}},
     {"address": "aws_iam_role.this", "mode": "managed", "type": "aws_iam_role", "name": "this", "expressions": {"assume_role_policy": {}, "name": {"references": ["var.name"]}, "path": {"constant_value": "/services/"}}},
     {"address": "aws_iam_role_policy.this", "mode": "managed", "type": "aws_iam_role_policy", "name": "this", "expressions": {"name": {"constant_value": "pass"}, "policy": {}, "role": {"references": ["aws_iam_role.this.id", "aws_iam_role.this"]}}},
     {"address": "aws_iam_instance_profile.this", "mode": "managed", "type": "aws_iam_instance_profile", "name": "this", "expressions": {"name": {"references": ["var.name"]}, "role": {"references": ["aws_iam_role.this.name", "aws_iam_role.this"]}}}],
   "variables": {"ami": {}, "name": {}}}}}}}"#;
    format!(
        r#"{{"format_version": "1.2", "terraform_version": "1.9.8",
"planned_values": {{"root_module": {{"child_modules": {modules}}}}},
"resource_changes": {changes},
"prior_state": {{"format_version": "1.0", "terraform_version": "1.9.8", "values": {{"root_module": {{"child_modules": {prior}}}}}}},
"configuration": {configuration},
"timestamp": "2024-05-02T10:00:00Z"}}
"#
    )
}

fn time<T>(label: &str, mb: f64, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    let s = start.elapsed().as_secs_f64();
    println!("{label:<40} {s:>8.3} s  {:>8.1} MB/s", mb / s);
    out
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let mode = args
        .iter()
        .find(|a| !a.starts_with("--") && a.parse::<usize>().is_err())
        .cloned()
        .unwrap_or_else(|| "all".into());
    let target_mb: usize = args
        .iter()
        .position(|a| a == "--mb")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(100);
    let keep = args.iter().any(|a| a == "--keep");

    let given = args
        .iter()
        .position(|a| a == "--file")
        .and_then(|i| args.get(i + 1))
        .map(std::path::PathBuf::from);
    let dir = std::env::temp_dir().join(format!("passgraph-tfplan-bench-{}", std::process::id()));
    let path = match &given {
        Some(p) => p.clone(),
        None => dir.join("plan.json"),
    };
    let start = Instant::now();
    if given.is_none() {
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(&path, generate(target_mb * 1_000_000)).unwrap();
    }
    let gen_s = start.elapsed().as_secs_f64();
    // Read back, so that the generator's buffers are gone and the text is all that is held.
    let text = std::fs::read_to_string(&path).unwrap();
    let mb = text.len() as f64 / 1e6;
    println!(
        "plan {} ({mb:.1} MB, generated in {gen_s:.1} s), mode {mode}",
        path.display()
    );

    if mode == "all" || mode == "tfplan" {
        let parsed = time("passgraph_tfplan::parse", mb, || {
            passgraph_tfplan::parse(FileId(0), &text, &Default::default())
        });
        let a = &parsed.account;
        println!(
            "  roles {}, profiles {}, attachments {}, role uses {}, diagnostics {}",
            a.roles.len(),
            a.instance_profiles.len(),
            a.attachments.len(),
            a.role_uses.len(),
            parsed.diagnostics.len()
        );
    }
    if mode == "all" || mode == "serde" {
        let v = time("serde_json::from_str::<Value>", mb, || {
            serde_json::from_str::<serde_json::Value>(&text).unwrap()
        });
        println!(
            "  top-level keys {}",
            v.as_object().map_or(0, serde_json::Map::len)
        );
    }
    if mode == "all" || mode == "tree" {
        let n = time("passgraph_json::parse (tree)", mb, || {
            passgraph_json::parse(FileId(0), &text).unwrap()
        });
        println!("  top-level entries {}", n.entries().len());
    }
    if !keep && given.is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
}
