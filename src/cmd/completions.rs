//! `tapebackarr completions SHELL`: prints a completion script generated from the command
//! definitions (the same scripts are checked in under `completions/`).

use anyhow::Result;
use clap_complete::Shell;

use crate::error::Exit;

#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  tapebackarr completions bash > /etc/bash_completion.d/tapebackarr
  tapebackarr completions zsh > \"${fpath[1]}/_tapebackarr\"
  tapebackarr completions fish > ~/.config/fish/completions/tapebackarr.fish")]
pub struct Args {
    /// The shell to generate for
    #[arg(value_enum)]
    pub shell: Shell,
}

pub fn exec(args: Args) -> Result<Exit> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut crate::cli::command(), "tapebackarr", &mut script);
    crate::output::write_stdout(&script);
    Ok(Exit::Ok)
}
