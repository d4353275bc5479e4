//! The `tapebackarr` binary: everything lives in the library so tests and benches reach it.

fn main() -> std::process::ExitCode {
    tapebackarr::cli::main()
}
