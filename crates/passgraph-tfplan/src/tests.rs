use super::*;

#[test]
fn placeholder() {
    assert!(!looks_like_plan("{}"));
}
