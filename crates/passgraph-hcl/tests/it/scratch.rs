use std::path::Path;
use crate::support::*;

#[test]
fn dump_iam_vulnerable() {
    let root = corpora().join("iam-vulnerable");
    let mut src = FsSource::new(&root);
    let (p, stats) = passgraph_hcl::load_with_stats(&root, &mut src, &passgraph_hcl::Options::default());
    println!("{stats:#?}");
    for d in &p.diagnostics { println!("DIAG {:?} {} {}", d.code, d.message, d.origin.as_ref().map(|o| at(&src.map, o)).unwrap_or_default()); }
    for r in &p.account.roles { println!("ROLE {} {} trust={:?}", r.name, r.arn, r.trust.statements.iter().map(|s| (format!("{:?}", s.principals), at(&src.map, &s.origin))).collect::<Vec<_>>()); }
    for u in &p.account.users { println!("USER {} {}", u.name, u.arn); }
    for pol in &p.account.policies { println!("POL {} {} {:?}", pol.name, pol.arn, pol.document.statements.iter().map(|s| (format!("{:?} {:?}", s.effect, s.actions), at(&src.map, &s.origin))).collect::<Vec<_>>()); }
    for a in &p.account.attachments { println!("ATT {:?}", (&a.target, match &a.policy { passgraph_model::AttachedPolicy::Managed(r) => r.arn.to_string(), _ => "inline".into() })); }
    for m in &p.account.memberships { println!("MEM {} {}", m.user, m.group); }
    for i in &p.account.instance_profiles { println!("IP {} {:?}", i.name, i.roles); }
    for u in &p.account.role_uses { println!("USE {} {:?} {}", u.resource, u.target, u.service); }
    let _ = Path::new(".");
}

#[test]
fn sweep_corpora() {
    use std::collections::BTreeMap;
    let mut dirs = Vec::new();
    fn walk(d: &Path, out: &mut Vec<std::path::PathBuf>) {
        let mut entries: Vec<_> = std::fs::read_dir(d).unwrap().filter_map(Result::ok).map(|e| e.path()).collect();
        entries.sort();
        if entries.iter().any(|p| p.is_file() && p.extension().is_some_and(|e| e == "tf")) { out.push(d.to_path_buf()); }
        for e in entries { if e.is_dir() { walk(&e, out); } }
    }
    for c in ["iam-vulnerable", "cloudgoat", "terraform-aws-iam", "terraform-aws-iam-v5", "checkov", "terraform-compliance", "regula", "tf-iam-policy-validator"] {
        walk(&corpora().join(c), &mut dirs);
    }
    let mut codes: BTreeMap<String, usize> = BTreeMap::new();
    let mut types: BTreeMap<String, usize> = BTreeMap::new();
    let mut files = 0;
    for d in &dirs {
        let t = std::time::Instant::now();
        let mut src = FsSource::new(&corpora());
        let (p, stats) = passgraph_hcl::load_with_stats(d, &mut src, &passgraph_hcl::Options::default());
        let el = t.elapsed();
        if el.as_millis() > 300 { println!("SLOW {} {:?}", d.display(), el); }
        files += stats.files;
        for (t, n) in stats.resources { *types.entry(t).or_default() += n; }
        for dg in &p.diagnostics {
            *codes.entry(format!("{:?}", dg.code)).or_default() += 1;
            if std::env::var("SHOWDIAG").is_ok_and(|v| dg.code.id().contains(&v) || format!("{:?}", dg.code) == v) {
                println!("DIAG {:?} {} @ {}", dg.code, dg.message, dg.origin.as_ref().map(|o| at(&src.map, o)).unwrap_or_default());
            }
        }
    }
    println!("dirs {} files {files}", dirs.len());
    println!("{codes:#?}");
    let iam: Vec<_> = types.iter().filter(|(k, _)| k.starts_with("aws_iam") ).collect();
    println!("{iam:?}");
}

#[test]
fn analyze_iam_vulnerable() {
    let root = corpora().join("iam-vulnerable");
    let mut src = FsSource::new(&root);
    let p = passgraph_hcl::load(&root, &mut src, &passgraph_hcl::Options::default());
    let a = passgraph_graph::analyze(&p.account, &passgraph_graph::Options::default());
    for f in &a.findings {
        let pr = &a.principals[f.principal];
        let r = &a.principals[f.role];
        let grants: Vec<String> = f.proof.grants.iter().map(|g| at(&src.map, &g.origin)).collect();
        let trust: Vec<String> = f.proof.trust.iter().map(|g| at(&src.map, &g.origin)).collect();
        println!("F {} {} -> {} {} {:?} via={:?} expl={:?} grants={grants:?} trust={trust:?}", pr.kind.as_str(), pr.name, r.name, f.service, f.certainty, f.via.iter().map(|v| a.principals[*v].name.to_string()).collect::<Vec<_>>(), f.exploitable);
    }
    for d in &a.diagnostics { println!("ADIAG {:?} {}", d.code, d.message); }
}
