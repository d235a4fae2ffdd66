//! `doorstep [serve | check-config] [--config FILE]`

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use doorstep::config::Settings;
use doorstep::logging::LogSettings;

const USAGE: &str = "usage: doorstep [serve | check-config] [--config FILE]

  serve          serve sign-up (the default)
  check-config   validate the configuration and exit
  --config FILE  the properties file (default: $DOORSTEP_CONFIG or ./doorstep.properties)

  DOORSTEP_LOG         off, error, warn, info (default), debug or trace
  DOORSTEP_LOG_FORMAT  text (default) or json";

enum Command {
    Serve,
    CheckConfig,
    /// Print this and exit successfully (`--help`, `--version`).
    Print(String),
}

fn parse_args() -> Result<(Command, PathBuf), String> {
    let mut command = Command::Serve;
    let mut config = std::env::var_os("DOORSTEP_CONFIG").map(PathBuf::from);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "serve" => command = Command::Serve,
            "check-config" => command = Command::CheckConfig,
            "--config" => config = Some(args.next().ok_or("--config needs a file")?.into()),
            "--help" | "-h" => command = Command::Print(USAGE.to_owned()),
            "--version" | "-V" => {
                command = Command::Print(format!("doorstep {}", env!("CARGO_PKG_VERSION")));
            }
            other => return Err(format!("unknown argument {other:?}\n\n{USAGE}")),
        }
    }
    Ok((
        command,
        config.unwrap_or_else(|| "doorstep.properties".into()),
    ))
}

/// The process's environment; a value that is not UTF-8 reaches the parsers garbled (and is
/// refused there), rather than passing for unset.
fn env(name: &str) -> Option<String> {
    std::env::var_os(name).map(|value| value.to_string_lossy().into_owned())
}

/// The configuration and the log settings, each checked.
fn load(path: &Path) -> Result<(Settings, LogSettings), String> {
    let log = LogSettings::from_env(&env)?;
    let settings = Settings::load(path, &env).map_err(|err| err.to_string())?;
    Ok((settings, log))
}

#[rocket::main]
async fn main() -> ExitCode {
    let (command, path) = match parse_args() {
        Ok(parsed) => parsed,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    match command {
        Command::Print(text) => {
            println!("{text}");
            ExitCode::SUCCESS
        }
        Command::CheckConfig => match load(&path) {
            Ok(_) => {
                println!("{}: OK", path.display());
                ExitCode::SUCCESS
            }
            Err(message) => refuse(&message),
        },
        Command::Serve => match load(&path) {
            Ok((settings, log)) => serve(settings, log).await,
            Err(message) => refuse(&message),
        },
    }
}

/// Stops the process with a one-line message: a configuration or start-up that failed.
fn refuse(message: &str) -> ExitCode {
    eprintln!("{message}");
    ExitCode::FAILURE
}

async fn serve(settings: Settings, log: LogSettings) -> ExitCode {
    doorstep::logging::init(log);
    let figment = match doorstep::secret_key::ensure(
        rocket::Config::figment(),
        Path::new("var/secret.key"),
    ) {
        Ok(figment) => figment,
        Err(message) => return refuse(&message),
    };
    match doorstep::App::new(settings)
        .figment(figment)
        .rocket()
        .launch()
        .await
    {
        Ok(_) => ExitCode::SUCCESS,
        Err(err) => refuse(&err.to_string()),
    }
}
