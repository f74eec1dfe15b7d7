use clap::Parser;

fn main() {
    let cli = partnersim::cli::Cli::parse();
    if let Err(err) = partnersim::cli::run(cli) {
        eprintln!("error: {err}");
        std::process::exit(err.exit_code());
    }
}
