//! Outputs that stay proportional: JSON lines, grouped SARIF, bounded Markdown, condensed graphs.

use std::collections::HashMap;

use crate::{run, shared, stderr};

const CHAINS: &str =
    "corpora/cloudmapper/account-data/demo/us-east-1/iam-get-account-authorization-details.json";

fn lines(args: &[&str]) -> Vec<serde_json::Value> {
    let o = run(args, None);
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
    o.stdout
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).expect("one JSON object per line"))
        .collect()
}

/// The JSON lines resolve to the same findings as `-f json`: statements are written before
/// the findings that name them, and the summary, last, counts the finding lines.
#[test]
fn jsonl_has_every_json_finding_with_statements_by_id() {
    let path = shared().join(CHAINS);
    let (ls, statements, want) = jsonl_resolves_to_json(&path.to_string_lossy());
    assert!(
        want.iter()
            .any(|f| f["via"].as_array().is_some_and(|v| !v.is_empty()))
    );
    // Each hop of a chain has its proof: here a role whose trust policy names everyone, which
    // the analysis keeps per policy set rather than as an edge per principal.
    for f in &want {
        let via = f["via"].as_array().expect("via");
        let hops = f["assumes"].as_array().expect("assumes");
        assert_eq!(hops.len(), via.len(), "{f}");
        for (h, v) in hops.iter().zip(via) {
            assert_eq!(h["role"], v["name"]);
            assert_eq!(h["certainty"], "definite");
            assert_eq!(h["trust"][0]["policy"], "role/bad_role/trust", "{h}");
            assert!(h["trust"][0]["location"]["line"].as_u64().is_some());
        }
    }
    // Statements are shared: fewer statement lines than grants named.
    let named: usize = ls
        .iter()
        .filter(|l| l["type"] == "finding")
        .map(|l| l["grants"].as_array().map_or(0, Vec::len))
        .sum();
    assert!(statements < named, "{statements} {named}");
}

/// A principal with more findings than the JSON lines writer renders at once (it renders them
/// in slices in parallel and merges their statement tables) resolves to `-f json` all the same.
#[test]
fn jsonl_of_a_principal_with_thousands_of_findings() {
    // An administrator role can pass every role: more than 1,024 findings for one principal.
    let (_dir, path) = crate::generated(100, 1_100, 440, 10);
    let (_, _, want) = jsonl_resolves_to_json(&path);
    let mut per_principal: HashMap<String, usize> = HashMap::new();
    for f in &want {
        *per_principal
            .entry(f["principal"]["arn"].to_string())
            .or_default() += 1;
    }
    let most = per_principal.values().max().copied().unwrap_or(0);
    assert!(most > 1_024, "{most}");
}

/// Reads `path` with `-f json` and `-f jsonl`, resolves the lines' statement ids and checks
/// that they give the same findings (principal, role, service, certainty, chain, grants, trust,
/// fingerprint), in the same order. Returns the lines, the number of statement lines and the
/// findings.
fn jsonl_resolves_to_json(path: &str) -> (Vec<serde_json::Value>, usize, Vec<serde_json::Value>) {
    let json = crate::json(&["audit", path]);
    let ls = lines(&["audit", "-f", "jsonl", path]);
    let mut statements: HashMap<u64, serde_json::Value> = HashMap::new();
    let mut found = Vec::new();
    let mut diagnostics = 0;
    for (i, l) in ls.iter().enumerate() {
        match l["type"].as_str() {
            Some("statement") => {
                let id = l["id"].as_u64().expect("id");
                assert!(statements.insert(id, l.clone()).is_none(), "id {id} twice");
            }
            Some("finding") => {
                let resolve = |ids: &serde_json::Value| -> Vec<serde_json::Value> {
                    ids.as_array()
                        .expect("ids")
                        .iter()
                        .map(|id| {
                            let s = &statements[&id.as_u64().expect("id")];
                            serde_json::json!({
                                "policy": s["policy"], "statement": s["statement"],
                                "certainty": s["certainty"], "location": s["location"]})
                        })
                        .collect()
                };
                // Each hop of the chain with its trust statements and grants resolved.
                let assumes: Vec<serde_json::Value> = l["assumes"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|h| {
                        serde_json::json!({
                            "role": h["role"], "certainty": h["certainty"],
                            "trust": resolve(&h["trust"]), "grants": resolve(&h["grants"])})
                    })
                    .collect();
                found.push(serde_json::json!({
                    "principal": l["principal"], "role": l["role"], "service": l["service"],
                    "certainty": l["certainty"], "via": l["via"], "assumes": assumes,
                    "grants": resolve(&l["grants"]), "trust": resolve(&l["trust"]),
                    "fingerprint": l["fingerprint"]}));
            }
            Some("diagnostic") => diagnostics += 1,
            Some("summary") => {
                assert_eq!(i, ls.len() - 1, "the summary is the last line");
                assert_eq!(l["findings"].as_u64(), Some(found.len() as u64));
                assert_eq!(l["diagnostics"].as_u64(), Some(diagnostics));
            }
            other => panic!("line of type {other:?}"),
        }
    }
    let want: Vec<serde_json::Value> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let assumes = f.get("assumes").cloned().unwrap_or(serde_json::json!([]));
            serde_json::json!({
                "principal": f["principal"], "role": f["role"], "service": f["service"],
                "certainty": f["certainty"], "via": f["via"], "assumes": assumes,
                "grants": f["grants"], "trust": f["trust"], "fingerprint": f["fingerprint"]})
        })
        .collect();
    assert_eq!(found.len(), want.len());
    for (f, w) in found.iter().zip(&want) {
        assert_eq!(f, w);
    }
    (ls, statements.len(), want)
}

/// Every field a JSON lines finding shares with `-f json` has the same value (the lines are put
/// together by hand, not by serde): chains shorter and surer (`also_via`), conditional denies,
/// reasons, resources that use the role, stacks.
#[test]
fn jsonl_findings_agree_with_json_field_by_field() {
    let chains = shared().join(CHAINS);
    let inputs = [
        "testdata/snapshot/also-via.json".to_owned(),
        "testdata/snapshot/app-deployer.json".to_owned(),
        "testdata/discover".to_owned(),
        chains.to_string_lossy().into_owned(),
    ];
    let (mut also_via, mut denies, mut reasons, mut uses) = (0, 0, 0, 0);
    for input in &inputs {
        let json = crate::json(&["audit", input]);
        let want: Vec<serde_json::Value> = json["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .map(|f| {
                let mut f = f.clone();
                let o = f.as_object_mut().expect("object");
                for k in [
                    "assumes",
                    "grants",
                    "trust",
                    "denies",
                    "launch_actions",
                    "passed_to_service",
                ] {
                    o.remove(k);
                }
                if o.get("in_use_by")
                    .is_some_and(|u| u.as_array().is_some_and(Vec::is_empty))
                {
                    o.remove("in_use_by");
                }
                f
            })
            .collect();
        let got: Vec<serde_json::Value> = lines(&["audit", "-f", "jsonl", input])
            .into_iter()
            .filter(|l| l["type"] == "finding")
            .map(|mut l| {
                let o = l.as_object_mut().expect("object");
                denies += usize::from(o.contains_key("denies"));
                reasons += usize::from(o.contains_key("reasons"));
                uses += usize::from(o.contains_key("in_use_by"));
                also_via += usize::from(o.contains_key("also_via"));
                for k in ["type", "assumes", "grants", "trust", "denies"] {
                    o.remove(k);
                }
                l
            })
            .collect();
        assert_eq!(got.len(), want.len(), "{input}");
        for (g, w) in got.iter().zip(&want) {
            let mut w = w.clone();
            if let Some(o) = w.as_object_mut()
                && g.get("stack").is_none()
            {
                o.remove("stack");
            }
            assert_eq!(g, &w, "{input}");
        }
    }
    assert!(also_via > 0 && denies > 0 && reasons > 0 && uses > 0);
}

#[test]
fn jsonl_names_the_stack_when_folders_are_searched() {
    let ls = lines(&["audit", "-f", "jsonl", "testdata/discover"]);
    let findings: Vec<&serde_json::Value> = ls.iter().filter(|l| l["type"] == "finding").collect();
    assert!(!findings.is_empty());
    assert!(
        findings.iter().all(|f| f["stack"].is_string()),
        "{findings:?}"
    );
    let last = ls.last().expect("summary");
    assert_eq!(last["type"], "summary");
    assert!(last["stacks"].as_u64().is_some_and(|n| n > 1), "{last}");
}

fn sarif(path: &str) -> serde_json::Value {
    let o = run(&["audit", "-f", "sarif", path], None);
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
    serde_json::from_slice(&o.stdout).expect("SARIF is JSON")
}

/// One result per granting statement and rule, its exposures summarised and listed as related
/// locations; sorted by severity; the run says how many exposures it covers.
#[test]
fn sarif_groups_exposures_by_granting_statement() {
    let path = shared().join(CHAINS);
    let log = sarif(&path.to_string_lossy());
    let json = crate::json(&["audit", &path.to_string_lossy()]);
    let n = json["findings"].as_array().expect("findings").len();
    let run0 = &log["runs"][0];
    let results = run0["results"].as_array().expect("results");
    assert!(
        results.len() < n,
        "{} results for {n} findings",
        results.len()
    );
    let total: u64 = results
        .iter()
        .map(|r| r["properties"]["exposures"].as_u64().expect("exposures"))
        .sum();
    assert_eq!(total, n as u64);
    assert_eq!(run0["properties"]["exposures"].as_u64(), Some(n as u64));
    assert_eq!(run0["properties"]["resultsOmitted"], 0);
    // Distinct (rule, statement) per result.
    let mut keys: Vec<(String, String)> = results
        .iter()
        .map(|r| {
            (
                r["ruleId"].as_str().unwrap_or("").to_owned(),
                r["partialFingerprints"]["passgraph/v2"]
                    .as_str()
                    .unwrap_or("")
                    .to_owned(),
            )
        })
        .collect();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), results.len());
    // A result with several exposures lists each as a related location and names them.
    let many = results
        .iter()
        .find(|r| r["properties"]["exposures"].as_u64().is_some_and(|e| e > 1))
        .expect("a statement opening several exposures");
    assert_eq!(
        many["relatedLocations"].as_array().map(Vec::len),
        many["properties"]["exposures"].as_u64().map(|e| e as usize)
    );
    assert!(
        many["message"]["text"]
            .as_str()
            .is_some_and(|t| t.contains("exposures") && t.contains("For example")),
        "{many}"
    );
    let rank = |s: &serde_json::Value| match s.as_str() {
        Some("critical") => 3,
        Some("high") => 2,
        Some("medium") => 1,
        _ => 0,
    };
    let sev: Vec<i32> = results
        .iter()
        .map(|r| rank(&r["properties"]["severity"]))
        .collect();
    assert!(sev.windows(2).all(|w| w[0] >= w[1]), "{sev:?}");
}

/// Fingerprints name statements, not positions: moving every line leaves them as they were.
#[test]
fn sarif_fingerprints_stay_when_lines_move() {
    let demo = crate::root().join("testdata/snapshot/aws-doc-passrole-examples.json");
    let text = std::fs::read_to_string(&demo).expect("demo");
    let dir = tempfile::tempdir().expect("tempdir");
    let moved = dir.path().join("aws-doc-passrole-examples.json");
    std::fs::write(&moved, format!("\n\n\n   {text}")).expect("write");
    let fps = |log: &serde_json::Value| -> Vec<(String, u64)> {
        let mut v: Vec<(String, u64)> = log["runs"][0]["results"]
            .as_array()
            .expect("results")
            .iter()
            .map(|r| {
                (
                    r["partialFingerprints"]["passgraph/v2"]
                        .as_str()
                        .unwrap_or("")
                        .to_owned(),
                    r["locations"][0]["physicalLocation"]["region"]["startLine"]
                        .as_u64()
                        .unwrap_or(0),
                )
            })
            .collect();
        v.sort();
        v
    };
    let a = fps(&sarif(&demo.to_string_lossy()));
    let b = fps(&sarif(&moved.to_string_lossy()));
    assert_eq!(a.len(), b.len());
    for ((fa, la), (fb, lb)) in a.iter().zip(&b) {
        assert_eq!(fa, fb);
        assert_eq!(la + 3, *lb);
    }
}

/// A snapshot with `users` users allowed to pass every role and `roles` roles trusting EC2:
/// `users × roles` findings and more (roles have no policies of their own).
pub(crate) fn wide_snapshot(users: usize, roles: usize) -> String {
    let user = |i: usize| {
        format!(
            r#"{{"UserName": "u{i}", "Arn": "arn:aws:iam::123456789012:user/u{i}", "UserPolicyList": [{{"PolicyName": "pass", "PolicyDocument": {{"Version": "2012-10-17", "Statement": [{{"Sid": "Pass{i}", "Effect": "Allow", "Action": ["iam:PassRole", "ec2:RunInstances"], "Resource": "*"}}]}}}}]}}"#
        )
    };
    let role = |i: usize| {
        format!(
            r#"{{"RoleName": "r{i}", "Arn": "arn:aws:iam::123456789012:role/r{i}", "AssumeRolePolicyDocument": {{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": {{"Service": "ec2.amazonaws.com"}}, "Action": "sts:AssumeRole"}}]}}}}"#
        )
    };
    format!(
        "{{\"UserDetailList\": [\n{}\n],\n\"RoleDetailList\": [\n{}\n]}}\n",
        (0..users).map(user).collect::<Vec<_>>().join(",\n"),
        (0..roles).map(role).collect::<Vec<_>>().join(",\n")
    )
}

/// Markdown stays under 60,000 characters whatever the input, and says what it left out.
#[test]
fn markdown_stays_under_sixty_thousand_characters() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("wide.json");
    std::fs::write(&path, wide_snapshot(400, 150)).expect("write");
    let o = run(&["audit", "-f", "markdown", &path.to_string_lossy()], None);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let t = crate::stdout(&o);
    assert!(
        t.chars().count() <= 60_000,
        "{} characters",
        t.chars().count()
    );
    assert!(
        t.contains("60000 findings: 60000 definite"),
        "{}",
        &t[..300]
    );
    assert!(t.contains("### Summary: principal × service"));
    assert!(t.contains("### Top findings, worst first"));
    let last = t.lines().last().expect("a last line");
    assert!(
        last.starts_with("Not shown: ") && last.contains("of 60000 findings"),
        "{last}"
    );
    // The top findings carry their proofs.
    assert!(
        t.contains("`user/u0/inline/pass` Pass0 ("),
        "{}",
        &t[..2000]
    );
    // The same folder searched as stacks stays under the limit too.
    std::fs::write(dir.path().join("other.json"), wide_snapshot(50, 50)).expect("write");
    let dir_arg = dir.path().to_string_lossy().into_owned();
    let o = run(&["audit", "-f", "markdown", &dir_arg], None);
    let t = crate::stdout(&o);
    assert!(
        t.chars().count() <= 60_000,
        "{} characters",
        t.chars().count()
    );
}

/// Searched folders in Markdown: the stacks with findings come first, most severe first, in a
/// table and in sections, before any stack that only has notes; the notes-only stacks are what
/// the size limit leaves out. (aws-cloudformation-templates had five of its fourteen findings,
/// two critical, left out while thirty notes-only stacks were shown.)
#[test]
fn markdown_of_stacks_shows_the_stacks_with_findings_first() {
    let dir = tempfile::tempdir().expect("tempdir");
    // 120 stacks whose names sort first and that have notes (a trust policy given as a
    // parameter without a value) but no finding: about 900 characters each.
    for i in 0..120 {
        let t = format!(
            r#"{{"Parameters": {{"Doc": {{"Type": "String"}}}}, "Resources": {{"R{i}": {{"Type": "AWS::IAM::Role", "Properties": {{"AssumeRolePolicyDocument": {{"Ref": "Doc"}}}}}}}}}}"#
        );
        std::fs::write(dir.path().join(format!("a-notes-{i:03}.json")), t).expect("write");
    }
    std::fs::write(dir.path().join("z-wide.json"), wide_snapshot(3, 2)).expect("write");
    std::fs::write(dir.path().join("y-small.json"), wide_snapshot(1, 1)).expect("write");
    let dir_arg = dir.path().to_string_lossy().into_owned();
    let o = run(&["audit", "-f", "markdown", &dir_arg], None);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let t = crate::stdout(&o);
    assert!(
        t.chars().count() <= 60_000,
        "{} characters",
        t.chars().count()
    );
    assert!(t.contains("### Stacks with findings"), "{}", &t[..1500]);
    let z = t
        .find("### Stack `z-wide.json`")
        .expect("the larger stack's section");
    let y = t
        .find("### Stack `y-small.json`")
        .expect("the smaller stack's section");
    assert!(z < y, "more findings first");
    if let Some(n) = t.find("### Stack `a-notes-") {
        assert!(n > y, "notes-only stacks after the stacks with findings");
    }
    let last = t.lines().last().expect("a last line");
    assert!(
        last.starts_with("Not shown, to stay under 60000 characters: ")
            && last.contains("stacks with notes only")
            && !last.contains("with findings"),
        "{last}"
    );
}

/// The default picture condenses principals with the same reach and roles with the same trust
/// and holders, marks admin-equivalent roles, has a legend, and `--max-nodes` caps it.
#[test]
fn graphs_are_condensed_focused_and_capped() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("wide.json");
    std::fs::write(&path, wide_snapshot(40, 30)).expect("write");
    let p = path.to_string_lossy().into_owned();
    let o = run(&["graph", "--fail-on", "none", &p], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let t = crate::stdout(&o);
    // 40 users with the same reach: one node; 30 roles with the same trust and holders: one.
    assert!(t.contains("label=\"40 users:\\nu0, u1, u10, ...\""), "{t}");
    assert!(t.contains("label=\"30 roles:\\nr0, r1, r10, ...\""), "{t}");
    assert_eq!(t.matches(" -> r").count(), 1, "{t}");
    assert!(t.contains("subgraph cluster_legend {"));
    // Focus on one user: a node of its own.
    let o = run(
        &["graph", "--fail-on", "none", "--principal", "u7", &p],
        None,
    );
    let t = crate::stdout(&o);
    assert!(t.contains("label=\"user\\nu7\""), "{t}");
    assert!(!t.contains("40 users"), "{t}");
    // The bundled example: the admin-equivalent role stands out; a cap leaves a note.
    let demo = "testdata/snapshot/aws-doc-passrole-examples.json";
    let t = crate::stdout(&run(&["graph", "--fail-on", "none", demo], None));
    assert!(
        t.contains("EC2-roles-for-XYZ-web\\n(admin-equivalent)\", style=\"rounded,filled\""),
        "{t}"
    );
    let t = crate::stdout(&run(
        &["graph", "--fail-on", "none", "--max-nodes", "3", demo],
        None,
    ));
    assert!(t.contains("omitted [shape=note"), "{t}");
    let nodes = t
        .lines()
        .filter(|l| l.starts_with("  p") || l.starts_with("  r") || l.starts_with("  s"))
        .filter(|l| l.contains("[label=") && !l.contains(" -> "))
        .count();
    assert!(nodes <= 3, "{t}");
}

/// Every DOT output the suite knows renders with the real Graphviz `dot`. Skipped only when
/// `dot` is missing outside CI; under CI=true it must run.
#[test]
fn every_dot_output_renders_with_graphviz() {
    let has_dot = std::process::Command::new("dot")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_dot {
        assert!(
            std::env::var("CI").map_or(true, |v| v != "true"),
            "CI=true and Graphviz `dot` is not on PATH (.ci/run installs it)"
        );
        eprintln!("SKIPPED: Graphviz `dot` is not on PATH (install graphviz to run this test)");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let wide = dir.path().join("wide.json");
    std::fs::write(&wide, wide_snapshot(40, 30)).expect("write");
    let wide = wide.to_string_lossy().into_owned();
    let chains = shared().join(CHAINS).to_string_lossy().into_owned();
    let demo = "testdata/snapshot/aws-doc-passrole-examples.json".to_owned();
    let mut outputs = Vec::new();
    for input in [&demo, &chains, &wide, &"testdata/discover".to_owned()] {
        for args in [
            vec!["graph", "--fail-on", "none"],
            vec!["graph", "--full", "--fail-on", "none"],
            vec!["audit", "-f", "dot", "--fail-on", "none"],
        ] {
            let mut a = args.clone();
            a.push(input);
            let o = run(&a, None);
            assert_eq!(o.status.code(), Some(0), "{a:?}: {}", stderr(&o));
            outputs.push((format!("{a:?}"), o.stdout));
        }
    }
    for (what, text) in outputs {
        let mut child = std::process::Command::new("dot")
            .args(["-Tsvg", "-o", "/dev/null"])
            .stdin(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("dot runs");
        {
            use std::io::Write;
            child
                .stdin
                .take()
                .expect("stdin")
                .write_all(&text)
                .expect("write");
        }
        let o = child.wait_with_output().expect("dot finishes");
        assert!(
            o.status.success(),
            "{what}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    // -f svg and -f png draw through dot.
    let o = run(&["graph", "-f", "svg", "--fail-on", "none", &demo], None);
    assert!(crate::stdout(&o).contains("<svg"), "{}", stderr(&o));
    let o = run(&["audit", "-f", "png", "--fail-on", "none", &demo], None);
    assert!(o.stdout.starts_with(b"\x89PNG"), "{}", stderr(&o));
    // A folder that holds one stack draws it; several stacks ask for one.
    let o = run(
        &[
            "audit",
            "-f",
            "svg",
            "--fail-on",
            "none",
            "testdata/discover/params",
        ],
        None,
    );
    assert!(crate::stdout(&o).contains("<svg"), "{}", stderr(&o));
    let o = run(
        &[
            "audit",
            "-f",
            "svg",
            "--fail-on",
            "none",
            "testdata/discover/mixed",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("draws one stack"), "{}", stderr(&o));
}

/// `.passgraph.yaml` found upward from the input, `--baseline` and `--write-baseline`: accepted
/// findings are marked, counted, and do not fail the run; an expired acceptance fails again;
/// a bad configuration exits 2 with file:line:col.
#[test]
fn accepted_and_baselined_findings_do_not_fail() {
    let demo = crate::root().join("testdata/snapshot/aws-doc-passrole-examples.json");
    let dir = tempfile::tempdir().expect("tempdir");
    let sub = dir.path().join("account");
    std::fs::create_dir(&sub).expect("mkdir");
    let input = sub.join("snapshot.json");
    std::fs::copy(&demo, &input).expect("copy");
    let input = input.to_string_lossy().into_owned();
    let audit = |extra: &[&str]| {
        let mut a = vec!["audit", "--fail-on", "critical"];
        a.extend_from_slice(extra);
        a.push(&input);
        run(&a, None)
    };
    // Two critical findings pass EC2-roles-for-XYZ-web to EC2.
    assert_eq!(audit(&[]).status.code(), Some(1));
    let config = dir.path().join(".passgraph.yaml");
    std::fs::write(
        &config,
        "accept:\n  - role: EC2-roles-for-XYZ-web\n    service: ec2\n    reason: the web tier launches its own instances\n",
    )
    .expect("write");
    let o = audit(&[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = audit(&["-f", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let marked: Vec<&serde_json::Value> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["suppressed"].is_object())
        .collect();
    assert_eq!(marked.len(), 2, "{v}");
    assert_eq!(marked[0]["suppressed"]["kind"], "accepted");
    assert_eq!(
        marked[0]["suppressed"]["reason"],
        "the web tier launches its own instances"
    );
    assert_eq!(v["summary"]["suppressed"], 2);
    // Text counts them and, without --show-suppressed, does not list them.
    let t = crate::stdout(&audit(&[]));
    assert!(
        t.contains("2 of them accepted (configuration, inline or baseline): they do not count for --fail-on; --show-suppressed lists them"),
        "{t}"
    );
    assert!(
        !t.contains("can pass role EC2-roles-for-XYZ-web to ec2"),
        "{t}"
    );
    let t = crate::stdout(&audit(&["--show-suppressed"]));
    assert!(
        t.contains("[accepted: the web tier launches its own instances]"),
        "{t}"
    );
    // A group accepts what its members get through its own policies: xyz-admin's finding
    // comes through group xyz-operators; the role's own finding does not.
    std::fs::write(
        &config,
        "accept:\n  - principal: group/xyz-operators\n    reason: operators run the web tier\n",
    )
    .expect("write");
    let v: serde_json::Value =
        serde_json::from_slice(&audit(&["-f", "json"]).stdout).expect("json");
    let marked: Vec<String> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["suppressed"].is_object())
        .map(|f| format!("{} {}", f["principal"]["name"], f["role"]["name"]))
        .collect();
    assert_eq!(marked, ["\"xyz-admin\" \"EC2-roles-for-XYZ-web\""]);
    std::fs::write(
        &config,
        "accept:\n  - role: EC2-roles-for-XYZ-web\n    service: ec2\n    reason: the web tier launches its own instances\n",
    )
    .expect("write");
    // Still failing below critical: the other findings are not accepted.
    let o = run(&["audit", "--fail-on", "low", &input], None);
    assert_eq!(o.status.code(), Some(1));
    // Expired: fails again, and says so.
    std::fs::write(
        &config,
        "accept:\n  - role: EC2-roles-for-XYZ-web\n    service: ec2\n    reason: until the migration\n    expires: 2020-01-31\n",
    )
    .expect("write");
    let o = audit(&[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("expired on 2020-01-31"),
        "{}",
        stderr(&o)
    );
    // `defaults:` stand in for options the command line does not give.
    std::fs::write(&config, "defaults:\n  fail_on: none\n  format: json\n").expect("write");
    let o = run(&["audit", &input], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(crate::stdout(&o).starts_with('{'), "{}", crate::stdout(&o));
    let o = run(&["audit", "--fail-on", "low", "-f", "text", &input], None);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(crate::stdout(&o).starts_with("passgraph: "));
    // A bad configuration stops the run with its position.
    std::fs::write(&config, "accept:\n  - role: x\n    colour: red\n").expect("write");
    let o = audit(&[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains(".passgraph.yaml:3:"), "{}", stderr(&o));
    std::fs::remove_file(&config).expect("rm");
    // A baseline of today's findings: nothing fails, each is marked.
    let base = dir.path().join("baseline.json");
    let base_arg = base.to_string_lossy().into_owned();
    let o = audit(&["--write-baseline", &base_arg]);
    assert_eq!(o.status.code(), Some(1));
    let o = run(
        &["audit", "--fail-on", "low", "--baseline", &base_arg, &input],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let ls = lines(&["audit", "-f", "jsonl", "--baseline", &base_arg, &input]);
    let summary = ls.last().expect("summary");
    assert_eq!(summary["suppressed"], summary["findings"]);
    assert!(
        ls.iter()
            .filter(|l| l["type"] == "finding")
            .all(|l| l["suppressed"]["kind"] == "baseline")
    );
}

/// An inline suppression where the principal is defined (CloudFormation `Metadata`) accepts
/// the exposure it names; one without a reason accepts nothing.
#[test]
fn inline_suppressions_accept_with_a_reason_only() {
    let template = |reason: &str| {
        format!(
            r#"AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Deployer:
    Type: AWS::IAM::User
    Metadata:
      passgraph:
        ignore:
          - role: app
            service: lambda{reason}
    Properties:
      UserName: deployer
      Policies:
        - PolicyName: deploy
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: iam:PassRole
                Resource: !GetAtt App.Arn
  App:
    Type: AWS::IAM::Role
    Properties:
      RoleName: app
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {{Service: lambda.amazonaws.com}}
            Action: sts:AssumeRole
"#
        )
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("template.yaml");
    let p = path.to_string_lossy().into_owned();
    std::fs::write(
        &path,
        template("\n            reason: the deployer ships the app's functions"),
    )
    .expect("write");
    let o = run(&["audit", "-f", "json", &p], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["findings"].as_array().map(Vec::len), Some(1), "{v}");
    assert_eq!(v["findings"][0]["suppressed"]["kind"], "inline");
    assert_eq!(v["summary"]["suppressed"], 1);
    std::fs::write(&path, template("")).expect("write");
    let o = run(&["audit", "-f", "json", &p], None);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert!(v["findings"][0]["suppressed"].is_null(), "{v}");
}

/// The Markdown of a diff is a pull-request comment: a summary line, a table of the added and
/// removed exposures, each added one's proof with file:line; under 60,000 characters.
#[test]
fn markdown_diff_is_a_pull_request_comment() {
    let o = run(
        &[
            "diff",
            "-f",
            "markdown",
            "--base",
            "testdata/pr/base/stack.yaml",
            "--head",
            "testdata/pr/head/stack.yaml",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let t = crate::stdout(&o);
    assert!(
        t.contains("**2 exposures added, 0 removed** (worst added: critical; 0 exploitable)."),
        "{t}"
    );
    assert!(
        t.contains(
            "| ➕ added | user deployer | app-batch | `lambda.amazonaws.com` | critical | no |"
        ),
        "{t}"
    );
    assert!(
        t.contains("  - granted by `user/deployer/inline/pass-web` PassWebRole at `testdata/pr/head/stack.yaml:13`"),
        "{t}"
    );
    // A change that adds 60,000 exposures still fits a comment.
    let dir = tempfile::tempdir().expect("tempdir");
    let base = dir.path().join("base.json");
    let head = dir.path().join("head.json");
    std::fs::write(&base, wide_snapshot(0, 150)).expect("write");
    std::fs::write(&head, wide_snapshot(400, 150)).expect("write");
    let o = run(
        &[
            "diff",
            "-f",
            "markdown",
            "--base",
            &base.to_string_lossy(),
            "--head",
            &head.to_string_lossy(),
        ],
        None,
    );
    let t = crate::stdout(&o);
    assert!(t.chars().count() <= 60_000, "{}", t.chars().count());
    assert!(
        t.contains("**60000 exposures added, 0 removed**"),
        "{}",
        &t[..300]
    );
    assert!(
        t.lines()
            .last()
            .is_some_and(|l| l.starts_with("Not shown: ")),
        "{}",
        &t[t.len() - 300..]
    );
}

/// `diff`: an added exposure accepted in the head's `.passgraph.yaml` or baseline does not fail
/// the run, and every output marks it.
#[test]
fn accepted_additions_do_not_fail_a_diff() {
    let dir = tempfile::tempdir().expect("tempdir");
    let head = dir.path().join("stack.yaml");
    std::fs::copy(crate::root().join("testdata/pr/head/stack.yaml"), &head).expect("copy");
    let head = head.to_string_lossy().into_owned();
    let diff = |extra: &[&str]| {
        let mut a = vec![
            "diff",
            "--base",
            "testdata/pr/base/stack.yaml",
            "--head",
            &head,
        ];
        a.extend_from_slice(extra);
        run(&a, None)
    };
    assert_eq!(diff(&[]).status.code(), Some(1));
    std::fs::write(
        dir.path().join(".passgraph.yaml"),
        "accept:\n  - principal: deployer\n    role: app-batch\n    reason: batch jobs are deployed by the deployer\n",
    )
    .expect("write");
    let o = diff(&[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        crate::stdout(&o).starts_with(
            "passgraph diff: 2 added (2 accepted: they do not count for --fail-on), 0 removed"
        ),
        "{}",
        crate::stdout(&o)
    );
    let v: serde_json::Value = serde_json::from_slice(&diff(&["-f", "json"]).stdout).expect("json");
    assert_eq!(v["added"][0]["suppressed"]["kind"], "accepted");
    // SARIF of a diff: the added exposures, valid, suppressed with the justification.
    let log: serde_json::Value =
        serde_json::from_slice(&diff(&["-f", "sarif"]).stdout).expect("sarif");
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(shared().join("data/sarif-schema-2.1.0.json")).expect("schema"),
    )
    .expect("json");
    let validator = jsonschema::draft4::new(&schema).expect("valid schema");
    assert!(validator.is_valid(&log), "{log}");
    assert_eq!(log["runs"][0]["properties"]["exposures"], 2);
    let r = &log["runs"][0]["results"][0];
    assert_eq!(r["suppressions"][0]["kind"], "external");
    assert_eq!(
        r["suppressions"][0]["justification"],
        "accepted: batch jobs are deployed by the deployer"
    );
    let t = crate::stdout(&diff(&["-f", "markdown"]));
    assert!(
        t.contains("| ➕ added (accepted: batch jobs are deployed by the deployer) | user deployer | app-batch |"),
        "{t}"
    );
}

/// A baseline written from one folder accepts the same findings when the folder is named from
/// elsewhere (relative or absolute): values a template leaves unknown (a role without
/// `RoleName`) are named after the file relative to the folder searched, not after the path
/// given, so fingerprints do not move. (aws-cloudformation-templates' EMR stacks: a baseline
/// written from the repository's parent accepted nothing when run from inside.)
#[test]
fn a_baseline_holds_wherever_the_run_starts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let stacks = dir.path().join("repo/stacks");
    std::fs::create_dir_all(&stacks).expect("mkdir");
    std::fs::write(
        stacks.join("app.json"),
        r#"{"Resources": {
  "Fn": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {"Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}}},
  "Dev": {"Type": "AWS::IAM::User", "Properties": {"Policies": [{"PolicyName": "p", "PolicyDocument": {
    "Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}]}}]}}}}"#,
    )
    .expect("write");
    let baseline = dir.path().join("baseline.json");
    let baseline = baseline.to_str().expect("UTF-8 path");
    let run_in = crate::run_in;
    let o = run_in(
        dir.path(),
        &["audit", "repo/stacks", "--write-baseline", baseline],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        crate::stdout(&o).contains("role ${app.json:Fn.RoleName}"),
        "{}",
        crate::stdout(&o)
    );
    let inside = run_in(
        &dir.path().join("repo"),
        &["audit", "stacks", "--baseline", baseline],
    );
    let absolute = stacks.to_str().expect("UTF-8 path");
    let elsewhere = run_in(&crate::root(), &["audit", absolute, "--baseline", baseline]);
    for o in [inside, elsewhere] {
        assert_eq!(o.status.code(), Some(0), "{}", crate::stdout(&o));
        let first = crate::stdout(&o)
            .lines()
            .next()
            .unwrap_or_default()
            .to_owned();
        assert!(first.ends_with("; 1 accepted"), "{first}");
    }
}

/// A searched folder as a picture: one per stack with findings, the others named in a comment;
/// without any finding, one picture that says so (aws-cloudformation-templates drew 169 empty
/// pictures, each with its legend, beside its 8 with findings).
#[test]
fn pictures_of_stacks_skip_the_stacks_without_findings() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("a.json"), wide_snapshot(1, 1)).expect("write");
    for name in ["b.json", "c.json"] {
        std::fs::write(
            dir.path().join(name),
            r#"{"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}"#,
        )
        .expect("write");
    }
    let folder = dir.path().to_string_lossy().into_owned();
    let o = run(&["audit", "-f", "dot", "--fail-on", "none", &folder], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let t = crate::stdout(&o);
    assert_eq!(t.matches("digraph ").count(), 1, "{t}");
    assert!(t.starts_with("// stack a.json\n"), "{t}");
    assert!(
        t.ends_with("// no finding to draw in 2 stacks: b.json, c.json\n"),
        "{t}"
    );
    std::fs::remove_file(dir.path().join("a.json")).expect("remove");
    let o = run(&["audit", "-f", "dot", "--fail-on", "none", &folder], None);
    let t = crate::stdout(&o);
    assert_eq!(t.matches("digraph ").count(), 1, "{t}");
    assert!(t.contains("no finding to draw"), "{t}");
    assert!(
        t.ends_with("// no finding to draw in 1 stack: c.json\n"),
        "{t}"
    );
}

/// A template named on the command line and one of the same name found in a folder named
/// beside it are two templates: their unknown names do not clash (both were
/// `${a.yaml:R.RoleName}`, one role, and three of four findings were lost).
#[test]
fn templates_of_the_same_name_from_two_inputs_stay_apart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let role = |service: &str, extra: &str| {
        format!(
            "Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n        Statement:\n          - {{Effect: Allow, Principal: {{Service: {service}}}, Action: sts:AssumeRole}}\n{extra}"
        )
    };
    std::fs::write(
        dir.path().join("a.yaml"),
        role(
            "lambda.amazonaws.com",
            "      Policies:\n        - PolicyName: p\n          PolicyDocument: {Statement: [{Effect: Allow, Action: iam:PassRole, Resource: '*'}]}\n",
        ),
    )
    .expect("write");
    std::fs::create_dir(dir.path().join("sub")).expect("mkdir");
    std::fs::write(
        dir.path().join("sub/a.yaml"),
        role(
            "ec2.amazonaws.com",
            "      ManagedPolicyArns: [arn:aws:iam::aws:policy/AdministratorAccess]\n",
        ),
    )
    .expect("write");
    let o = crate::run_in(
        dir.path(),
        &["audit", "-f", "json", "--fail-on", "none", "a.yaml", "sub"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let mut got = crate::triples(&v);
    got.sort();
    assert_eq!(
        got,
        [
            "role/${a.yaml:R.RoleName} -> ${a.yaml:R.RoleName} -> lambda.amazonaws.com definite",
            "role/${a.yaml:R.RoleName} -> ${sub/a.yaml:R.RoleName} -> ec2.amazonaws.com definite",
            "role/${sub/a.yaml:R.RoleName} -> ${a.yaml:R.RoleName} -> lambda.amazonaws.com definite",
            "role/${sub/a.yaml:R.RoleName} -> ${sub/a.yaml:R.RoleName} -> ec2.amazonaws.com definite",
        ]
    );
}

/// A role that passes roles and is passed itself is one node of the picture, not one on each
/// side with the same label.
#[test]
fn a_role_that_passes_and_is_passed_is_one_node() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("main.tf"),
        r#"
resource "aws_iam_role" "admin" {
  name               = "admin"
  assume_role_policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "sts:AssumeRole",
    Principal = { Service = "ec2.amazonaws.com" } }] })
}
resource "aws_iam_role_policy_attachment" "admin" {
  role       = aws_iam_role.admin.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}
resource "aws_iam_user" "u" { name = "u" }
resource "aws_iam_user_policy" "p" {
  user   = aws_iam_user.u.name
  name   = "p"
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "iam:PassRole",
    Resource = aws_iam_role.admin.arn }] })
}
"#,
    )
    .expect("write");
    let folder = dir.path().to_string_lossy().into_owned();
    let o = run(&["audit", "-f", "dot", "--fail-on", "none", &folder], None);
    let t = crate::stdout(&o);
    assert_eq!(t.matches("label=\"role\\nadmin").count(), 1, "{t}");
    assert!(t.contains("  r0 -> r0 [label=\"can pass to ec2\""), "{t}");
    assert!(t.contains("  p0 -> r0 [label=\"can pass to ec2\""), "{t}");
}
