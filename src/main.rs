//! The `partnersim` binary: parses the command line and hands it to [`partnersim::cli::run`],
//! printing any error on stderr and exiting with its class's code ([`partnersim::cli::exit`]).

fn main() {
    let cli = partnersim::cli::Cli::parse_checked();
    if let Err(err) = partnersim::cli::run(cli) {
        eprintln!("error: {err}");
        std::process::exit(err.exit_code());
    }
}
