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
    // Rocket's own defaults hold an all-zero key, which a release build refuses.
    let config = rocket::Config::try_from(&figment).map_err(|err| err.to_string())?;
    if !config.secret_key.is_zero() {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn key_of(figment: &Figment) -> rocket::config::SecretKey {
        rocket::Config::from(figment).secret_key
    }

    #[test]
    fn creates_a_private_key_once_and_reuses_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("var/secret.key");
        let base = || Figment::from(rocket::Config::default());
        let first = ensure(base(), &path).unwrap();
        assert!(!key_of(&first).is_zero());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let second = ensure(base(), &path).unwrap();
        assert_eq!(key_of(&first), key_of(&second));
    }

    #[test]
    fn a_configured_key_wins() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret.key");
        let configured = Figment::from(rocket::Config::default())
            .merge(("secret_key", "hPRYyVRiMyxpw5sBB1XeCMN1kFsDCqKvBi2QJxBVHQk="));
        let figment = ensure(configured.clone(), &path).unwrap();
        assert_eq!(key_of(&figment), key_of(&configured));
        assert!(!path.exists());
    }
}
