//! weft-viewer — the command-line entry (`weft_viewer::cli`): windows by
//! default, `--headless` for PNG output and scripted input, `--list` for
//! discovery.

use std::process::ExitCode;

fn main() -> ExitCode {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    match weft_viewer::cli::run(&arguments) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("weft-viewer: {error}");
            ExitCode::FAILURE
        }
    }
}
