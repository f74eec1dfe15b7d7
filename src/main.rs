//! The `partnersim` binary: parses the command line and hands it to [`partnersim::cli::run`],
//! printing any error on stderr and exiting with its class's code ([`partnersim::cli::exit`]).

fn main() {
    let cli = partnersim::cli::Cli::parse_checked();
    // Ctrl-C or a scheduler's kill removes the hidden unfinished output directory before the
    // process dies; without the handler a run still works, it only leaves that directory behind.
    #[cfg(unix)]
    if let Err(err) = partnersim::output::remove_unfinished_on_signals() {
        eprintln!(
            "warning: cannot watch for signals ({err}); an interrupted run may leave a hidden .partial directory"
        );
    }
    if let Err(err) = partnersim::cli::run(cli) {
        eprintln!("error: {err}");
        std::process::exit(err.exit_code());
    }
}
