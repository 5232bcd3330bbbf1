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
