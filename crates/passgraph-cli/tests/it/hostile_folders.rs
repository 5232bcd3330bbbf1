//! Hostile folders: a loop of symbolic links and a folder of 100,000 files each end with a
//! clear answer (kept apart from the folder-discovery tests).

use crate::hostile::{Temp, assert_error, run_in};

#[test]
fn a_symlink_loop_in_a_folder_ends() {
    let t = Temp::new("loop");
    let dir = t.0.join("scan");
    std::fs::create_dir_all(dir.join("sub")).expect("folders");
    // Three links back up the tree: followed, the walk would visit 3^depth paths.
    std::os::unix::fs::symlink("..", dir.join("sub/up")).expect("symlink");
    std::os::unix::fs::symlink("../..", dir.join("sub/up2")).expect("symlink");
    std::os::unix::fs::symlink(".", dir.join("self")).expect("symlink");
    std::os::unix::fs::symlink("loop-a", dir.join("loop-b")).expect("symlink");
    std::os::unix::fs::symlink("loop-b", dir.join("loop-a")).expect("symlink");
    let o = run_in(&t.0, &["audit", "scan"]);
    assert_error(
        &o,
        "scan: no Terraform configuration, plan, CloudFormation template or snapshot found",
    );
}

#[test]
fn a_folder_of_100000_files_is_read_through() {
    let t = Temp::new("many");
    let dir = t.0.join("many");
    std::fs::create_dir_all(&dir).expect("folder");
    // Every file is JSON that is none of the inputs: each one is read and set aside.
    for i in 0..100_000 {
        std::fs::write(dir.join(format!("f{i:06}.json")), "{}").expect("file");
    }
    let o = run_in(&t.0, &["audit", "many"]);
    assert_error(
        &o,
        "many: no Terraform configuration, plan, CloudFormation template or snapshot found",
    );
}
