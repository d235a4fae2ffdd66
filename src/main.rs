//! `doorstep [serve | check-config | users … | invite … | tokens … | audit …] [--config FILE]`

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use doorstep::config::Settings;
use doorstep::logging::LogSettings;

const USAGE: &str = "usage: doorstep [--config FILE] [serve | check-config | users … | invite … | tokens … | audit …]

  serve          serve sign-up (the default)
  check-config   validate the configuration and exit
  --config FILE  the properties file (default: $DOORSTEP_CONFIG or ./doorstep.properties)

Operator commands, on the configured database (exit 0 done, 1 refused, 2 usage):
";

const USAGE_END: &str = "

  DOORSTEP_LOG         off, error, warn, info (default), debug or trace
  DOORSTEP_LOG_FORMAT  text (default) or json";

enum Command {
    Serve,
    CheckConfig,
    /// `users …`, `invite …`, `tokens …` or `audit …`.
    Operator(doorstep::cli::Command),
    /// Print this and exit successfully (`--help`, `--version`).
    Print(String),
}

fn usage() -> String {
    format!("{USAGE}{}{USAGE_END}", doorstep::cli::USAGE)
}

fn parse_args() -> Result<(Command, PathBuf), String> {
    let mut command = Command::Serve;
    let mut config = std::env::var_os("DOORSTEP_CONFIG").map(PathBuf::from);
    let mut args = std::env::args().skip(1);
    // The words of an operator command, which parses them itself.
    let mut operator: Option<Vec<String>> = None;
    while let Some(arg) = args.next() {
        if arg == "--config" {
            config = Some(args.next().ok_or("--config needs a file")?.into());
            continue;
        }
        if let Some(words) = operator.as_mut() {
            words.push(arg);
            continue;
        }
        match arg.as_str() {
            "serve" => command = Command::Serve,
            "check-config" => command = Command::CheckConfig,
            word if doorstep::cli::is_command(word) => operator = Some(vec![arg]),
            "--help" | "-h" => command = Command::Print(usage()),
            "--version" | "-V" => {
                command = Command::Print(format!("doorstep {}", env!("CARGO_PKG_VERSION")));
            }
            other => return Err(format!("unknown argument {other:?}\n\n{}", usage())),
        }
    }
    if let Some(words) = operator {
        command = Command::Operator(doorstep::cli::parse(&words)?);
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
    let names: Vec<String> = std::env::vars_os()
        .filter_map(|(name, _)| name.into_string().ok())
        .collect();
    doorstep::config::check_environment(names.iter().map(String::as_str))
        .map_err(|err| err.to_string())?;
    let log = LogSettings::from_env(&env)?;
    let settings = Settings::load(path, &env).map_err(|err| err.to_string())?;
    Ok((settings, log))
}

/// What `check-config` checks beyond the file: the operator's templates parse.
fn check(path: &Path) -> Result<Settings, String> {
    let (settings, _) = load(path)?;
    doorstep::assets::Templates::configured(&settings)?;
    Ok(settings)
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
        Command::CheckConfig => match check(&path) {
            Ok(settings) => check_config(&path, &settings).await,
            Err(message) => refuse(&message),
        },
        Command::Serve => match load(&path) {
            Ok((settings, log)) => serve(settings, log).await,
            Err(message) => refuse(&message),
        },
        Command::Operator(command) => match load(&path) {
            Ok((settings, mut log)) => {
                // A command's output is its answer: the log says only what went wrong,
                // unless DOORSTEP_LOG asks for more.
                if env("DOORSTEP_LOG").is_none() {
                    log.level = log::LevelFilter::Warn;
                }
                doorstep::logging::init(log);
                doorstep::cli::run(settings, command).await
            }
            Err(message) => refuse(&message),
        },
    }
}

/// The file is valid; the database must also answer, as `serve` would open it.
async fn check_config(path: &Path, settings: &Settings) -> ExitCode {
    match doorstep::database::check(&settings.database_url).await {
        Ok(pending) => {
            let migrations = match pending {
                0 => "its schema is up to date".to_owned(),
                1 => "serve will run 1 migration first".to_owned(),
                n => format!("serve will run {n} migrations first"),
            };
            println!(
                "{}: OK; the database answers and {migrations}",
                path.display()
            );
            ExitCode::SUCCESS
        }
        Err(message) => refuse(&format!("{}: {message}", path.display())),
    }
}

/// Stops the process with a one-line message: a configuration or start-up that failed.
fn refuse(message: &str) -> ExitCode {
    eprintln!("{message}");
    ExitCode::FAILURE
}

async fn serve(settings: Settings, log: LogSettings) -> ExitCode {
    doorstep::logging::init(log);
    let figment =
        match doorstep::secret_key::ensure(doorstep::rocket_figment(), Path::new("var/secret.key"))
        {
            Ok(figment) => figment,
            Err(message) => return refuse(&message),
        };
    let limits = doorstep::gate::Limits::from_settings(&settings);
    let rocket = doorstep::App::new(settings).figment(figment).rocket();
    let served = match doorstep::gate::Gate::bind(rocket, limits).await {
        Ok(gate) => gate.run().await,
        Err(message) => Err(message),
    };
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => refuse(&message),
    }
}
