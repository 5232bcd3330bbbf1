use super::*;
use crate::value::{ACCOUNT_HOLE, Charset, Hole, HoleClass};

fn check(pattern: &str, subject: &str, ci: bool, expect: Tri) {
    assert_eq!(
        Glob::new(&Str::lit(pattern), ci).matches_str(subject),
        expect,
        "{pattern} vs {subject}"
    );
}

fn arn_with_account(prefix: &str, suffix: &str) -> Str {
    Str::from_parts([
        Part::Lit(prefix.into()),
        Part::Hole(ACCOUNT_HOLE.into()),
        Part::Lit(suffix.into()),
    ])
}

#[test]
fn actions_are_case_insensitive() {
    check("iam:PassRole", "IAM:passrole", true, Tri::Yes);
    check("iam:*", "iam:PassRole", true, Tri::Yes);
    check("iam:Pass*", "iam:PassRole", true, Tri::Yes);
    check("iam:?assRole", "iam:PassRole", true, Tri::Yes);
    check("iam:Get*", "iam:PassRole", true, Tri::No);
    check("*", "sts:AssumeRole", true, Tri::Yes);
}

#[test]
fn arns_are_case_sensitive_and_star_spans_separators() {
    check(
        "arn:aws:iam::123456789012:role/MyRole",
        "arn:aws:iam::123456789012:role/myrole",
        false,
        Tri::No,
    );
    check(
        "arn:aws:iam::*:role/*",
        "arn:aws:iam::123456789012:role/a/b/c",
        false,
        Tri::Yes,
    );
    check(
        "arn:aws:iam::123456789012:role/MyRole",
        "arn:aws:iam::123456789012:role/service-role/MyRole",
        false,
        Tri::No,
    );
    check(
        "arn:aws:iam::123456789012:role/*MyRole",
        "arn:aws:iam::123456789012:role/service-role/MyRole",
        false,
        Tri::Yes,
    );
    check("arn:*", "arn:aws:iam::1:role/x", false, Tri::Yes);
    check(
        "arn:aws:iam::123456789012:role/EC2-roles-for-XYZ-*",
        "arn:aws:iam::123456789012:role/EC2-roles-for-XYZ-web",
        false,
        Tri::Yes,
    );
    check("a*b*c", "aXbYbZc", false, Tri::Yes);
    check("a*b*c", "aXbYbZ", false, Tri::No);
    check("", "", false, Tri::Yes);
    check("?", "", false, Tri::No);
}

#[test]
fn shared_account_hole_matches_definitely() {
    let pat = arn_with_account("arn:aws:iam::", ":role/RDS-*");
    let role = arn_with_account("arn:aws:iam::", ":role/RDS-Monitoring-Role");
    assert_eq!(Glob::new(&pat, false).matches(&role), Tri::Yes);
    let other = arn_with_account("arn:aws:iam::", ":role/web");
    assert_eq!(Glob::new(&pat, false).matches(&other), Tri::No);
}

#[test]
fn literal_account_against_hole_is_possible() {
    let pat = Str::lit("arn:aws:iam::111122223333:role/RDS-*");
    let role = arn_with_account("arn:aws:iam::", ":role/RDS-Monitoring-Role");
    assert_eq!(Glob::new(&pat, false).matches(&role), Tri::Maybe);
    let wrong = arn_with_account("arn:aws:iam::", ":role/web");
    assert_eq!(Glob::new(&pat, false).matches(&wrong), Tri::No);
}

#[test]
fn unknown_name_matches_only_possibly() {
    let role = Str::from_parts([
        Part::Lit("arn:aws:iam::1:role/".into()),
        Part::Hole("cfn:MyRole.name".into()),
    ]);
    assert_eq!(
        Glob::new(&Str::lit("arn:aws:iam::1:role/*"), false).matches(&role),
        Tri::Yes
    );
    assert_eq!(
        Glob::new(&Str::lit("arn:aws:iam::1:role/app-*"), false).matches(&role),
        Tri::Maybe
    );
    assert_eq!(
        Glob::new(&Str::lit("arn:aws:iam::2:role/app-*"), false).matches(&role),
        Tri::No
    );
}

#[test]
fn policy_variables() {
    let vars = |k: &str| match k {
        "aws:username" => VarValue::Known("alice".into()),
        "aws:principaltag/team" => VarValue::Unknown,
        _ => VarValue::Absent,
    };
    let g = |p: &str| Glob::with_vars(&Str::lit(p), false, Some(&vars));
    assert_eq!(
        g("arn:aws:iam::1:user/${aws:username}").matches_str("arn:aws:iam::1:user/alice"),
        Tri::Yes
    );
    assert_eq!(
        g("arn:aws:iam::1:user/${aws:username}").matches_str("arn:aws:iam::1:user/bob"),
        Tri::No
    );
    assert_eq!(
        g("arn:aws:iam::1:role/${aws:PrincipalTag/team}-*").matches_str("arn:aws:iam::1:role/x-y"),
        Tri::Maybe
    );
    assert_eq!(
        g("arn:aws:iam::1:role/${aws:nope}").matches_str("arn:aws:iam::1:role/x"),
        Tri::No
    );
    assert_eq!(
        g("arn:aws:iam::1:role/${aws:nope, 'x'}").matches_str("arn:aws:iam::1:role/x"),
        Tri::Yes
    );
    assert_eq!(g("a${*}b").matches_str("a*b"), Tri::Yes);
    assert_eq!(g("a${*}b").matches_str("axb"), Tri::No);
    // Without variables (version 2008-10-17) the text is literal.
    let lit = Glob::new(&Str::lit("user/${aws:username}"), false);
    assert_eq!(lit.matches_str("user/${aws:username}"), Tri::Yes);
}

#[test]
fn literal_prefix_for_range_scans() {
    assert_eq!(
        Glob::new(&Str::lit("arn:aws:iam::1:role/app-*"), false).literal_prefix(),
        "arn:aws:iam::1:role/app-"
    );
    assert_eq!(
        Glob::new(&Str::lit("IAM:Pass*"), true).literal_prefix(),
        "iam:pass"
    );
}

/// A naive backtracking oracle over known strings.
fn oracle(p: &[char], s: &[char]) -> bool {
    match p.split_first() {
        None => s.is_empty(),
        Some(('*', rest)) => (0..=s.len()).any(|k| oracle(rest, &s[k..])),
        Some(('?', rest)) => !s.is_empty() && oracle(rest, &s[1..]),
        Some((c, rest)) => s.first() == Some(c) && oracle(rest, &s[1..]),
    }
}

proptest::proptest! {
    #[test]
    fn matches_the_naive_oracle(p in "[ab*?:/]{0,8}", s in "[ab:/]{0,10}") {
        let pc: Vec<char> = p.chars().collect();
        let sc: Vec<char> = s.chars().collect();
        let got = Glob::new(&Str::lit(p.clone()), false).matches_str(&s);
        proptest::prop_assert_eq!(got == Tri::Yes, oracle(&pc, &sc));
        proptest::prop_assert!(got != Tri::Maybe);
    }

    #[test]
    fn holes_are_sound(p in "[ab*?]{0,6}", pre in "[ab]{0,3}", post in "[ab]{0,3}", fill in "[ab]{0,3}") {
        // Whatever the hole turns out to be, a `No` must stay no and a `Yes` must stay yes.
        let subject = Str::from_parts([Part::Lit(pre.clone()), Part::Hole("h".into()), Part::Lit(post.clone())]);
        let got = Glob::new(&Str::lit(p.clone()), false).matches(&subject);
        let concrete = format!("{pre}{fill}{post}");
        let truth = oracle(&p.chars().collect::<Vec<_>>(), &concrete.chars().collect::<Vec<_>>());
        if got == Tri::No { proptest::prop_assert!(!truth); }
        if got == Tri::Yes { proptest::prop_assert!(truth); }
    }
}

#[test]
fn generated_names_hold_no_separators() {
    // `arn:aws:iam::*:role/app-*` cannot match a role whose generated name starts with `zz-`:
    // a name has no `:` or `/` to let the pattern's `:role/app-` hide in it.
    let role = Str::from_parts([
        Part::Lit("arn:aws:iam::".into()),
        Part::Hole(ACCOUNT_HOLE.into()),
        Part::Lit(":role/zz-".into()),
        Part::Hole("aws_iam_role.other.name".into()),
    ]);
    assert_eq!(
        Glob::new(&Str::lit("arn:aws:iam::*:role/app-*"), false).matches(&role),
        Tri::No
    );
    assert_eq!(
        Glob::new(&Str::lit("arn:aws:iam::*:role/zz-a*"), false).matches(&role),
        Tri::Maybe
    );
    // An opaque value (a whole ARN known after apply) may still be anything.
    let arn = Str::hole("aws_iam_role.other.arn");
    assert_eq!(
        Glob::new(&Str::lit("arn:aws:iam::*:role/app-*"), false).matches(&arn),
        Tri::Maybe
    );
}

#[test]
fn generated_names_with_partition_hole() {
    let role = Str::from_parts([
        Part::Lit("arn:".into()),
        Part::Hole(crate::value::PARTITION_HOLE.into()),
        Part::Lit(":iam::".into()),
        Part::Hole(ACCOUNT_HOLE.into()),
        Part::Lit(":role/zz-".into()),
        Part::Hole("aws_iam_role.other.name".into()),
    ]);
    assert_eq!(
        Glob::new(&Str::lit("arn:aws:iam::*:role/app-*"), false).matches(&role),
        Tri::No
    );
}

#[test]
fn pattern_holes_may_hold_anything() {
    // A parameter in the policy may be `*` or a path: it may match a role under a path.
    let pat = Str::from_parts([
        Part::Lit("arn:aws:iam::1:role/".into()),
        Part::Hole("cfn#0:PassableRoleName".into()),
    ]);
    assert_eq!(
        Glob::new(&pat, false).matches_str("arn:aws:iam::1:role/service-role/web"),
        Tri::Maybe
    );
}

#[test]
fn shared_holes_at_different_places_are_possible() {
    // `role/${P}*` against `role/app-${P}`: with P = "app-" both are `role/app-app-`.
    let pat = Str::from_parts([
        Part::Lit("arn:aws:iam::1:role/".into()),
        Part::Hole("P".into()),
        Part::Lit("*".into()),
    ]);
    let role = Str::from_parts([
        Part::Lit("arn:aws:iam::1:role/app-".into()),
        Part::Hole("P".into()),
    ]);
    assert_eq!(Glob::new(&pat, false).matches(&role), Tri::Maybe);
    // Lined up, the same hole still decides: `role/${P}-web` never matches `role/${P}-db`.
    let pat = Str::from_parts([
        Part::Lit("arn:aws:iam::1:role/".into()),
        Part::Hole("P".into()),
        Part::Lit("-web".into()),
    ]);
    let role = Str::from_parts([
        Part::Lit("arn:aws:iam::1:role/".into()),
        Part::Hole("P".into()),
        Part::Lit("-db".into()),
    ]);
    assert_eq!(Glob::new(&pat, false).matches(&role), Tri::No);
}

#[test]
fn cloudformation_generated_names_are_alphanumeric_and_dashes() {
    let role = Str::from_parts([
        Part::Lit("arn:aws:iam::1:role/".into()),
        Part::Hole(Hole::new(
            "template.yaml:ServiceRole.RoleName",
            HoleClass::Name {
                charset: Charset::AlphanumericDash,
                max_len: 64,
            },
        )),
    ]);
    // `<stack>-<LogicalId>-<suffix>` never holds `_`.
    assert_eq!(
        Glob::new(&Str::lit("arn:aws:iam::1:role/greengrass_cfn_*"), false).matches(&role),
        Tri::No
    );
    assert_eq!(
        Glob::new(&Str::lit("arn:aws:iam::1:role/greengrass-cfn-*"), false).matches(&role),
        Tri::Maybe
    );
    assert_eq!(
        Glob::new(&Str::lit("arn:aws:iam::1:role/*"), false).matches(&role),
        Tri::Yes
    );
    // A parameter (free text) may hold anything a name may.
    let param = Str::from_parts([
        Part::Lit("arn:aws:iam::1:role/".into()),
        Part::Hole("cfn#0:RoleNameParam".into()),
    ]);
    assert_eq!(
        Glob::new(&Str::lit("arn:aws:iam::1:role/greengrass_cfn_*"), false).matches(&param),
        Tri::Maybe
    );
}

fn role_arn(account: Str, name: &str) -> Str {
    let mut s = Str::lit("arn:");
    s.append(&Str::partition());
    s.push_str(":iam::");
    s.append(&account);
    s.push_str(":role/");
    s.push_str(name);
    s
}

#[test]
fn an_account_hole_is_twelve_digits() {
    // The RDS documentation's `arn:aws:iam:::role/RDS-Monitoring-Role` has an empty account
    // field: no role of any account has that ARN, whatever the account turns out to be.
    let role = role_arn(Str::account(), "RDS-Monitoring-Role");
    let literal = Str::lit("arn:aws:iam:::role/RDS-Monitoring-Role");
    assert_eq!(Glob::exact(&literal, false).matches(&role), Tri::No);
    assert_eq!(Glob::exact(&role, false).matches(&literal), Tri::No);
    // `aws` (the account field of AWS managed policies) is no account id.
    let managed = Str::lit("arn:aws:iam::aws:role/RDS-Monitoring-Role");
    assert_eq!(Glob::exact(&managed, false).matches(&role), Tri::No);
    // Twelve digits may be it; eleven or thirteen may not.
    for (account, expect) in [
        ("111122223333", Tri::Maybe),
        ("11112222333", Tri::No),
        ("1111222233334", Tri::No),
        ("11112222333x", Tri::No),
    ] {
        let lit = Str::lit(format!("arn:aws:iam::{account}:role/RDS-Monitoring-Role"));
        assert_eq!(Glob::exact(&lit, false).matches(&role), expect, "{account}");
    }
    // A pattern's wildcards still cover it.
    assert_eq!(
        Glob::new(&Str::lit("arn:aws:iam::*:role/RDS-*"), false).matches(&role),
        Tri::Maybe
    );
    assert_eq!(
        Glob::new(&Str::lit("arn:aws:iam::????????????:role/RDS-*"), false).matches(&role),
        Tri::Maybe
    );
    assert_eq!(
        Glob::new(&Str::lit("arn:aws:iam::???:role/RDS-*"), false).matches(&role),
        Tri::No
    );
}

#[test]
fn a_free_hole_is_anything_but_a_classed_one_is_not() {
    // The same text as a free parameter may be empty.
    let free = role_arn(Str::hole("template.yaml:AccountParam"), "x");
    assert_eq!(
        Glob::exact(&Str::lit("arn:aws:iam:::role/x"), false).matches(&free),
        Tri::Maybe
    );
    // A partition is `aws`, `aws-cn`, ...: never empty, no digits.
    let p = Str::from_parts([
        Part::Lit("arn:".into()),
        Part::Hole(Hole::new("p", HoleClass::Partition)),
        Part::Lit(":iam::1:role/x".into()),
    ]);
    assert_eq!(
        Glob::exact(&Str::lit("arn::iam::1:role/x"), false).matches(&p),
        Tri::No
    );
    assert_eq!(
        Glob::exact(&Str::lit("arn:aws-cn:iam::1:role/x"), false).matches(&p),
        Tri::Maybe
    );
    assert_eq!(
        Glob::exact(&Str::lit("arn:aws1:iam::1:role/x"), false).matches(&p),
        Tri::No
    );
}

#[test]
fn a_number_is_no_role_arn() {
    let n = Str::hole_of("template.yaml:Timeout", HoleClass::Number);
    assert_eq!(
        Glob::exact(&Str::lit("arn:aws:iam::111122223333:role/app"), false).matches(&n),
        Tri::No
    );
    assert_eq!(Glob::exact(&Str::lit("30"), false).matches(&n), Tri::Maybe);
    assert_eq!(Glob::exact(&Str::lit(""), false).matches(&n), Tri::No);
}

#[test]
fn iam_names_hold_only_iam_characters() {
    let role = Str::from_parts([
        Part::Lit("arn:aws:iam::1:role/".into()),
        Part::Hole(Hole::new("aws_iam_role.web.name", HoleClass::IAM_ROLE_NAME)),
    ]);
    assert_eq!(
        Glob::new(&Str::lit("arn:aws:iam::1:role/web_*"), false).matches(&role),
        Tri::Maybe
    );
    assert_eq!(
        Glob::new(&Str::lit("arn:aws:iam::1:role/web#*"), false).matches(&role),
        Tri::No
    );
    assert_eq!(
        Glob::exact(&Str::lit("arn:aws:iam::1:role/"), false).matches(&role),
        Tri::No
    );
    let classes: Vec<_> = role.holes_with_class().collect();
    assert_eq!(
        classes,
        [("aws_iam_role.web.name", HoleClass::IAM_ROLE_NAME)]
    );
}

#[test]
fn canonical_keys_keep_their_class() {
    assert_eq!(Hole::free(ACCOUNT_HOLE).class(), HoleClass::Account);
    assert_eq!(Str::hole(ACCOUNT_HOLE), Str::account());
    assert_eq!(
        Str::hole(crate::value::REGION_HOLE)
            .holes_with_class()
            .next(),
        Some((crate::value::REGION_HOLE, HoleClass::Region))
    );
}

proptest::proptest! {
    #[test]
    fn classed_holes_are_sound(p in "[a1*?:]{0,6}", pre in "[a1:]{0,2}", post in "[a1:]{0,2}", fill in "[a1]{1,3}") {
        // A region hole filled with a region-like text: `No` must stay no, `Yes` yes.
        let subject = Str::from_parts([Part::Lit(pre.clone()), Part::Hole(Hole::new("r", HoleClass::Region)), Part::Lit(post.clone())]);
        let got = Glob::new(&Str::lit(p.clone()), false).matches(&subject);
        let concrete = format!("{pre}{fill}{post}");
        let truth = oracle(&p.chars().collect::<Vec<_>>(), &concrete.chars().collect::<Vec<_>>());
        if got == Tri::No { proptest::prop_assert!(!truth); }
        if got == Tri::Yes { proptest::prop_assert!(truth); }
    }
}
