//! Every `tcps` command in the README's `sh` blocks runs and succeeds,
//! in order, in a scratch folder holding the example reports.

use std::path::Path;
use std::process::Command;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

#[test]
fn every_tcps_command_in_the_readme_succeeds() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    copy_dir(
        &root.join("examples/data"),
        &dir.path().join("examples/data"),
    );
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_tcps")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );

    let mut in_sh = false;
    let mut commands = Vec::new();
    for line in readme.lines() {
        match line {
            "```sh" => in_sh = true,
            "```" => in_sh = false,
            _ if in_sh && line.starts_with("tcps ") => commands.push(line.to_owned()),
            _ => {}
        }
    }
    assert!(commands.len() >= 10, "found {} commands", commands.len());

    for command in &commands {
        let out = Command::new("sh")
            .args(["-c", command])
            .current_dir(dir.path())
            .env("PATH", &path)
            .output()
            .unwrap();

        assert!(
            out.status.success(),
            "`{command}` failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert!(dir.path().join("report.html").exists());
}
