//! Rocket's secret key (it seals the CSRF cookie): configured, or made once and kept.

use std::io::Write as _;
use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use rocket::figment::Figment;

/// Adds a secret key to `figment` unless `ROCKET_SECRET_KEY` or Rocket.toml set one: a key
/// read from `path`, created there (mode 0600) on first start. Several instances must share
/// one configured key instead.
pub fn ensure(figment: Figment, path: &Path) -> Result<Figment, String> {
    if figment.find_value("secret_key").is_ok() {
        return Ok(figment);
    }
    let key = match std::fs::read_to_string(path) {
        Ok(key) => key.trim().to_owned(),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => create(path)?,
        Err(err) => return Err(format!("reading {}: {err}", path.display())),
    };
    Ok(figment.merge(("secret_key", key)))
}

fn create(path: &Path) -> Result<String, String> {
    let key = STANDARD.encode(crate::random::bytes::<64>());
    if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|err| format!("creating {}: {err}", dir.display()))?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .map_err(|err| format!("creating {}: {err}", path.display()))?;
    file.write_all(key.as_bytes())
        .map_err(|err| format!("writing {}: {err}", path.display()))?;
    log::info!("created a new secret key in {}", path.display());
    Ok(key)
}
