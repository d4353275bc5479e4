//! Files generated from the clap definitions and checked in: shell completions
//! (`completions/`) and one man page per command (`man/`). `tests/generated.rs` fails when
//! they are stale; `TAPEBACKARR_BLESS=1 cargo test --test generated` rewrites them.

use clap_complete::Shell;

/// Every generated file: its path relative to the repository root, and its bytes.
pub fn files() -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for (shell, name) in
        [(Shell::Bash, "tapebackarr.bash"), (Shell::Zsh, "_tapebackarr"), (Shell::Fish, "tapebackarr.fish")]
    {
        let mut buf = Vec::new();
        clap_complete::generate(shell, &mut super::command(), "tapebackarr", &mut buf);
        out.push((format!("completions/{name}"), buf));
    }
    let mut root = super::command();
    root.build();
    man_pages(&root, "tapebackarr", &mut out);
    out
}

fn man_pages(cmd: &clap::Command, name: &str, out: &mut Vec<(String, Vec<u8>)>) {
    let mut buf = Vec::new();
    let page = cmd.clone().name(name.to_string()).bin_name(name.replace('-', " "));
    clap_mangen::Man::new(page).render(&mut buf).expect("rendering to memory cannot fail");
    out.push((format!("man/{name}.1"), buf));
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        man_pages(sub, &format!("{name}-{}", sub.get_name()), out);
    }
}
