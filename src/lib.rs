//! doorstep: self-service account registration.
//!
//! `App` is the one wiring point: `main` and the tests build the same Rocket with it.
//! ARCHITECTURE.md maps the layers.
#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod accounts;
pub mod assets;
pub mod captcha;
pub mod cli;
pub mod clock;
pub mod compat;
pub mod config;
pub mod database;
pub mod entities;
pub mod error;
pub mod fields;
pub mod gate;
pub mod housekeeping;
pub mod i18n;
pub mod limits;
pub mod links;
pub mod logging;
pub mod mail;
pub mod metrics;
pub mod random;
pub mod secret_key;
pub mod web;
pub mod webhooks;

use std::sync::Arc;

use rocket::fairing::AdHoc;
use rocket::figment::Figment;
use rocket::{Build, Rocket};

use accounts::password::PasswordHasher;
use assets::Templates;
use clock::{Clock, SystemClock};
use config::Settings;
use mail::{Composer, Mailer, Transport};
pub use web::Doorstep;

/// Assembles a doorstep server from settings; the parts tests replace have setters.
pub struct App {
    settings: Settings,
    figment: Figment,
    clock: Arc<dyn Clock>,
    transport: Option<Transport>,
    hasher: Option<PasswordHasher>,
    worker: bool,
}

impl App {
    pub fn new(settings: Settings) -> App {
        App {
            settings,
            figment: rocket_figment(),
            clock: Arc::new(SystemClock),
            transport: None,
            hasher: None,
            worker: true,
        }
    }

    /// Rocket's own settings (address, port, secret key).
    pub fn figment(mut self, figment: Figment) -> App {
        self.figment = figment;
        self
    }

    pub fn clock(mut self, clock: Arc<dyn Clock>) -> App {
        self.clock = clock;
        self
    }

    /// Delivers mail here instead of the configured transport.
    pub fn transport(mut self, transport: Transport) -> App {
        self.transport = Some(transport);
        self
    }

    pub fn hasher(mut self, hasher: PasswordHasher) -> App {
        self.hasher = Some(hasher);
        self
    }

    /// Whether the background mail worker runs (tests may deliver by hand instead).
    pub fn worker(mut self, run: bool) -> App {
        self.worker = run;
        self
    }

    /// The Rocket to launch; start-up steps that can fail run at ignition and stop it.
    pub fn rocket(self) -> Rocket<Build> {
        let base = if self.settings.base_path.is_empty() {
            "/".to_owned()
        } else {
            self.settings.base_path.clone()
        };
        let headers = web::SecurityHeaders::new(&self.settings);
        let description = web::openapi::ApiDescription::new(&self.settings);
        let traffic = Arc::new(web::Traffic::default());
        let observer = web::Observer::new(&self.settings, traffic.clone());
        let run_worker = self.worker;
        let peers = gate::Peers::default();
        let origins = web::cors::Origins::new(&self.settings);
        let well_known = web::discovery::WellKnownAtRoot::new(&self.settings.base_path);
        let compat_routes = web::compat_routes(&self.settings);
        rocket::custom(self.figment.clone())
            // First, so that every later fairing and guard sees the client's own address.
            .manage(peers.clone())
            .attach(peers)
            // Before the observer, so that it logs and counts the preflight's answer (204).
            .manage(origins.clone())
            .attach(web::cors::Cors(origins))
            .attach(well_known)
            .manage(traffic)
            .attach(observer)
            .attach(AdHoc::try_on_ignite("doorstep", move |rocket| async move {
                match self.start().await {
                    Ok(state) => Ok(rocket.manage(state)),
                    Err(message) => {
                        log::error!("doorstep cannot start: {message}");
                        Err(rocket)
                    }
                }
            }))
            .manage(description)
            .attach(web::shield())
            .attach(headers)
            .manage(BackgroundWork::default())
            .attach(AdHoc::on_liftoff("background work", move |rocket| {
                Box::pin(async move {
                    if run_worker {
                        start_background_work(rocket);
                    }
                })
            }))
            .attach(AdHoc::on_shutdown("mail worker", |rocket| {
                Box::pin(finish_background_work(rocket))
            }))
            // Traced: what a handler or catcher logs carries its request's id.
            .mount(&base, web::traced(web::routes()))
            .mount(&base, web::traced(compat_routes))
            // At the root, so that paths outside base-path get our error shape too.
            .register("/", web::traced_catchers(web::catchers()))
    }

    async fn start(self) -> Result<Doorstep, String> {
        let templates = Arc::new(Templates::configured(&self.settings)?);
        let composer = Composer::new(&self.settings, templates.clone());
        let transport = match self.transport {
            Some(transport) => transport,
            None => Transport::from_settings(&self.settings.mail)?,
        };
        let webhooks = Arc::new(webhooks::Sender::new(&self.settings.webhooks)?);
        let captcha = captcha::Captchas::from_settings(
            &self.settings.captcha,
            &signing_secret(&self.figment),
        )?;
        let db = database::connect(&self.settings.database_url).await?;
        let workers = std::thread::available_parallelism().map_or(2, usize::from);
        let hasher = self
            .hasher
            .unwrap_or_else(|| PasswordHasher::new(workers, workers * 16));
        let readers = database::readers(&self.settings.database_url, &db).await?;
        let accounts = accounts::Context::new(
            db,
            Arc::new(self.settings),
            hasher,
            Mailer::new(composer),
            captcha,
        )
        .with_readers(readers);
        Ok(Doorstep {
            accounts,
            clock: self.clock,
            transport,
            webhooks,
            templates,
        })
    }
}

/// What proof-of-work challenges are signed with: Rocket's secret key, which every instance of
/// a deployment shares (`serve` makes one on first start when none is configured); failing
/// that, a key of this process's own.
fn signing_secret(figment: &Figment) -> Vec<u8> {
    figment
        .extract_inner::<String>("secret_key")
        .map(String::into_bytes)
        .unwrap_or_else(|_| random::bytes::<32>().to_vec())
}

/// A warning when base-url names this very machine on another port than the one bound: then
/// only the port was changed, and every mailed link would lead to the old one.
pub fn links_elsewhere(base_url: &url::Url, bound: u16) -> Option<String> {
    let local = match base_url.host()? {
        url::Host::Domain(name) => name == "localhost",
        url::Host::Ipv4(ip) => ip.is_loopback(),
        url::Host::Ipv6(ip) => ip.is_loopback(),
    };
    let port = base_url.port_or_known_default()?;
    (local && port != bound).then(|| {
        format!(
            "doorstep.base-url is {base_url} but the server listens on port {bound}: links in \
             mails lead to port {port}. Set doorstep.base-url to the address people use."
        )
    })
}
/// The running mail and webhook workers, so that shutdown can wait for the letter and the
/// event in hand.
#[derive(Default)]
struct BackgroundWork(std::sync::Mutex<Vec<tokio::task::JoinHandle<()>>>);

/// The mail worker, the webhook worker and the hourly sweep, each its own task, until shutdown.
fn start_background_work(rocket: &Rocket<rocket::Orbit>) {
    let Some(app) = rocket.state::<Doorstep>() else {
        return;
    };
    let worker = mail::worker::Worker {
        db: app.accounts.db.clone(),
        transport: app.transport.clone(),
        from: app.settings().email.from.clone(),
        clock: app.clock.clone(),
        wake: app.accounts.mail.woken(),
    };
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let shutdown = rocket.shutdown();
    tokio::spawn(async move {
        shutdown.await;
        let _ = stop.send(true);
    });
    let posting = webhooks::worker::Worker {
        db: app.accounts.db.clone(),
        sender: app.webhooks.clone(),
        clock: app.clock.clone(),
    };
    let running = [
        tokio::spawn(worker.run(stopped.clone())),
        tokio::spawn(posting.run(stopped)),
    ];
    if let Some(work) = rocket.state::<BackgroundWork>()
        && let Ok(mut held) = work.0.lock()
    {
        held.extend(running);
    }
    tokio::spawn(housekeeping::run(
        app.accounts.db.clone(),
        app.clock.clone(),
        rocket.shutdown(),
    ));
}

/// Waits, within Rocket's grace period, for the workers to finish the letter and the event
/// they are sending: cut off, a letter the relay already took would be sent again after a
/// restart.
async fn finish_background_work(rocket: &Rocket<rocket::Orbit>) {
    let running = rocket
        .state::<BackgroundWork>()
        .and_then(|work| {
            work.0
                .lock()
                .ok()
                .map(|mut held| std::mem::take(&mut *held))
        })
        .unwrap_or_default();
    if running.is_empty() {
        return;
    }
    let grace = std::time::Duration::from_secs(rocket.config().shutdown.grace.into());
    let all = async {
        for task in running {
            let _ = task.await;
        }
    };
    if tokio::time::timeout(grace, all).await.is_err() {
        log::warn!(
            target: "doorstep::mail",
            "the mail or webhook worker did not finish within the {}s grace period; a letter \
             or event in flight will be sent again after the restart",
            grace.as_secs()
        );
    }
}

/// Rocket's settings with doorstep's defaults beneath `Rocket.toml` and `ROCKET_*`, which
/// still win: a shutdown grace period long enough for a letter in flight and for a request
/// that waits out a database lock (5 s), yet short of Docker's 10 s before it kills.
pub fn rocket_figment() -> Figment {
    use rocket::figment::Profile;
    use rocket::figment::providers::{Env, Format, Serialized, Toml};
    Figment::from(rocket::Config::default())
        .merge(Serialized::default("shutdown.grace", SHUTDOWN_GRACE))
        .merge(Serialized::default("shutdown.mercy", SHUTDOWN_MERCY))
        .merge(Toml::file(Env::var_or("ROCKET_CONFIG", "Rocket.toml")).nested())
        .merge(Env::prefixed("ROCKET_").ignore(&["PROFILE"]).global())
        .select(Profile::from_env_or(
            "ROCKET_PROFILE",
            rocket::Config::DEFAULT_PROFILE,
        ))
}

/// Seconds in-flight requests and the letter in hand get to finish after SIGTERM.
pub const SHUTDOWN_GRACE: u32 = 5;
/// Seconds after the grace period during which open connections are closed gently.
pub const SHUTDOWN_MERCY: u32 = 2;
