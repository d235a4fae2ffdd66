//! `TestApp`: one doorstep per test, with its own database, clock and mailbox.

pub mod peers;
pub mod receiver;
pub mod served;
pub mod siteverify;
pub mod smtp;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};

use chrono::{TimeZone, Utc};
use doorstep::clock::ManualClock;
use doorstep::config::{Rate, RateLimits, RedirectRule, Settings};
use doorstep::mail::outbox::{Round, deliver_due};
use doorstep::mail::{MemoryMailbox, Transport};
use doorstep::{App, Doorstep};
use rocket::figment::Figment;
use rocket::http::{Accept, ContentType, Cookie, Header, Status};
use rocket::local::asynchronous::{Client, LocalRequest, LocalResponse};
use sea_orm::{ConnectionTrait, Database, DbBackend, EntityTrait, Statement};
use serde_json::Value;
use tempfile::TempDir;

/// The settings most tests start from: sign-up on, mail from a test address, one permitted
/// redirect target (`https://app.example/welcome` and `/failed`).
pub fn settings() -> Settings {
    let mut settings = Settings::defaults();
    settings.signup.enabled = true;
    settings.email.from = Some("doorstep <signup@doorstep.test>".parse().unwrap());
    settings.permitted_redirects = vec![
        RedirectRule::parse("https://app.example/welcome").unwrap(),
        RedirectRule::parse("https://app.example/failed").unwrap(),
    ];
    // Tests of other rules send more than a person would; the limits have their own tests.
    let plenty = Rate::parse("100000/1m").unwrap();
    settings.limits = RateLimits {
        ip: plenty,
        email: plenty,
        mail: plenty,
    };
    settings
}

/// Rocket's settings for tests: a fixed secret key.
pub fn figment() -> Figment {
    rocket::Config::figment()
        .merge(("secret_key", "hPRYyVRiMyxpw5sBB1XeCMN1kFsDCqKvBi2QJxBVHQk="))
        .merge(("log_level", "normal"))
        .merge(("cli_colors", false))
}

/// The built binary with `args`, run in `dir`, with no `DOORSTEP_*` variable but `env`.
pub fn doorstep(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_doorstep"));
    command.args(args).current_dir(dir);
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("DOORSTEP_") {
            command.env_remove(name);
        }
    }
    command.envs(env.iter().copied());
    command
}

/// A database of the test's own: a SQLite file in `dir`, or a fresh PostgreSQL database.
pub async fn database_url(dir: &Path) -> String {
    match std::env::var("DOORSTEP_TEST_DATABASE_URL") {
        Ok(server) if !server.is_empty() => {
            let name = format!("doorstep_t_{}", hex(&doorstep::random::bytes::<8>()));
            let admin = Database::connect(&server).await.unwrap();
            admin
                .execute_raw(Statement::from_string(
                    DbBackend::Postgres,
                    format!("CREATE DATABASE {name}"),
                ))
                .await
                .unwrap();
            let mut url = url::Url::parse(&server).unwrap();
            url.set_path(&name);
            url.to_string()
        }
        _ => format!("sqlite://{}/doorstep.db?mode=rwc", dir.display()),
    }
}

/// The PostgreSQL databases tests made, with how many running apps use each: the last app to
/// stop drops its database, so a run leaves none behind.
static DATABASES_IN_USE: Mutex<BTreeMap<String, usize>> = Mutex::new(BTreeMap::new());

pub fn start_using(url: &str) {
    if let Some(name) = test_database_name(url) {
        *DATABASES_IN_USE.lock().unwrap().entry(name).or_default() += 1;
    }
}

/// Drops the test's PostgreSQL database once no app uses it any more.
pub fn stop_using(url: &str) {
    let Some(name) = test_database_name(url) else {
        return;
    };
    {
        let mut in_use = DATABASES_IN_USE.lock().unwrap();
        let users = in_use.entry(name.clone()).or_default();
        *users = users.saturating_sub(1);
        if *users > 0 {
            return;
        }
        in_use.remove(&name);
    }
    let Ok(server) = std::env::var("DOORSTEP_TEST_DATABASE_URL") else {
        return;
    };
    // Drop runs inside the test's runtime, which cannot be blocked on: use a thread of its own.
    let dropped = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let admin = Database::connect(&server).await?;
            // FORCE ends the app's own pooled connections, still open while it is dropped.
            let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
            admin
                .execute_raw(Statement::from_string(DbBackend::Postgres, sql))
                .await?;
            admin.close().await
        })
    });
    if let Ok(Err(err)) = dropped.join() {
        eprintln!("could not drop a test database: {err}");
    }
}

/// The database's name when `url` is one of the tests' own PostgreSQL databases.
fn test_database_name(url: &str) -> Option<String> {
    let name = url::Url::parse(url)
        .ok()?
        .path()
        .trim_start_matches('/')
        .to_owned();
    (url.starts_with("postgres") && name.starts_with("doorstep_t_")).then_some(name)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A running doorstep with a clock that moves only when told and mail kept in memory.
pub struct TestApp {
    pub client: Client,
    pub clock: Arc<ManualClock>,
    pub mailbox: MemoryMailbox,
    pub database_url: String,
    pub dir: TempDir,
    /// Set by `stop`: the database outlives this app, for the next one on it.
    keeps_database: bool,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if !self.keeps_database {
            stop_using(&self.database_url);
        }
    }
}

/// A reply read back: status, headers of interest, body.
#[derive(Debug)]
pub struct Reply {
    pub status: Status,
    pub content_type: Option<String>,
    pub location: Option<String>,
    pub retry_after: Option<String>,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|err| panic!("not JSON ({err}): {}", self.body))
    }

    /// The status and the `Location` of a redirect.
    pub fn redirect(&self) -> (Status, Option<&str>) {
        (self.status, self.location.as_deref())
    }

    /// Asserts the status and the JSON error code.
    #[track_caller]
    pub fn assert_error(&self, status: Status, code: &str) {
        assert_eq!(self.status, status, "{}", self.body);
        assert_eq!(self.json()["error"], code, "{}", self.body);
    }

    /// The cookie `name` as this reply sets it, with its attributes.
    pub fn set_cookie(&self, name: &str) -> Option<Cookie<'static>> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("Set-Cookie"))
            .filter_map(|(_, v)| Cookie::parse_encoded(v.clone()).ok())
            .find(|cookie| cookie.name() == name)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    async fn read(response: LocalResponse<'_>) -> Reply {
        let header = |name: &str| response.headers().get_one(name).map(str::to_owned);
        let status = response.status();
        let content_type = response.content_type().map(|ct| ct.to_string());
        let location = header("Location");
        let retry_after = header("Retry-After");
        let headers = response
            .headers()
            .iter()
            .map(|h| (h.name().to_string(), h.value().to_string()))
            .collect();
        let body = response.into_string().await.unwrap_or_default();
        Reply {
            status,
            content_type,
            location,
            retry_after,
            headers,
            body,
        }
    }
}

impl TestApp {
    /// The default test settings.
    pub async fn start() -> TestApp {
        Self::with(|_| {}).await
    }

    /// The default test settings, changed by `configure`.
    pub async fn with(configure: impl FnOnce(&mut Settings)) -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        let database_url = database_url(dir.path()).await;
        Self::on(dir, database_url, configure, |app| app).await
    }

    /// Full control: the database, the settings and the `App` (transport, hasher, worker).
    pub async fn on(
        dir: TempDir,
        database_url: String,
        configure: impl FnOnce(&mut Settings),
        customize: impl FnOnce(App) -> App,
    ) -> TestApp {
        doorstep::logging::capture();
        let mut settings = settings();
        settings.database_url = database_url.clone();
        configure(&mut settings);
        let clock = Arc::new(ManualClock::new(
            Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap(),
        ));
        let mailbox = MemoryMailbox::default();
        let app = App::new(settings)
            .figment(figment())
            .clock(clock.clone())
            .transport(Transport::Memory(mailbox.clone()))
            .worker(false);
        let client = Client::tracked(customize(app).rocket()).await.unwrap();
        start_using(&database_url);
        TestApp {
            client,
            clock,
            mailbox,
            database_url,
            dir,
            keeps_database: false,
        }
    }

    /// Stops this app as a crash would, leaving its directory and database to the next one.
    pub fn stop(mut self) -> TempDir {
        self.keeps_database = true;
        // No longer counted, yet not dropped: the next app on it counts itself in.
        if let Some(name) = test_database_name(&self.database_url) {
            DATABASES_IN_USE.lock().unwrap().remove(&name);
        }
        std::mem::replace(&mut self.dir, tempfile::tempdir().unwrap())
    }

    pub fn state(&self) -> &Doorstep {
        self.client.rocket().state::<Doorstep>().unwrap()
    }

    /// Runs one delivery round of the outbox, as the worker would, at the test clock's time.
    pub async fn deliver(&self) -> Round {
        let app = self.state();
        deliver_due(
            &app.accounts.db,
            &app.transport,
            app.settings().email.from.as_ref(),
            app.clock.as_ref(),
            &|| false,
        )
        .await
        .unwrap()
    }

    /// Runs one delivery round of the queued webhook events, as their worker would.
    pub async fn deliver_webhooks(&self) -> doorstep::webhooks::deliver::Round {
        let app = self.state();
        doorstep::webhooks::deliver_due(
            &app.accounts.db,
            &app.webhooks,
            app.clock.as_ref(),
            &|| false,
        )
        .await
        .unwrap()
    }

    /// The mails delivered after the first `seen`.
    pub fn mails_since(&self, seen: usize) -> Vec<Mail> {
        self.mails().split_off(seen)
    }

    /// Every mail delivered so far, decoded.
    pub fn mails(&self) -> Vec<Mail> {
        self.mailbox
            .sent()
            .into_iter()
            .map(|sent| Mail {
                to: sent.to,
                decoded: decode_quoted_printable(&sent.raw),
                raw: sent.raw,
            })
            .collect()
    }

    pub async fn get(&self, path: &str, accept: &str) -> Reply {
        let response = self
            .client
            .get(path.to_owned())
            .header(Header::new("Accept", accept.to_owned()))
            .dispatch()
            .await;
        Reply::read(response).await
    }

    /// Dispatches a request built on `self.client` (for headers and bodies no helper covers).
    pub async fn send(&self, request: LocalRequest<'_>) -> Reply {
        Reply::read(request.dispatch().await).await
    }

    pub async fn get_json(&self, path: &str) -> Reply {
        self.get(path, "application/json").await
    }

    pub async fn get_html(&self, path: &str) -> Reply {
        self.get(path, "text/html").await
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> Reply {
        let response = self
            .client
            .post(path.to_owned())
            .header(ContentType::JSON)
            .header(Header::new("Accept", "application/json"))
            .body(body.to_string())
            .dispatch()
            .await;
        Reply::read(response).await
    }

    /// Posts a browser form, with the CSRF token a real page would have carried.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let csrf = self.csrf_token().await;
        let mut all = vec![("csrf_token", csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_form_raw(path, &all).await
    }

    /// Posts form fields exactly as given (no CSRF token added).
    pub async fn post_form_raw(&self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let body = serde_urlencoded::to_string(fields).unwrap();
        let response = self
            .client
            .post(path.to_owned())
            .header(ContentType::Form)
            .header(Header::new("Accept", "text/html"))
            .body(body)
            .dispatch()
            .await;
        Reply::read(response).await
    }

    /// The CSRF token from the sign-up page's hidden field (the client keeps its cookie).
    pub async fn csrf_token(&self) -> String {
        let page = self.get_html("/auth/signup").await;
        hidden_field(&page.body, "csrf_token").expect("a csrf_token field")
    }

    /// Signs `email` up through the JSON API and returns the token from its confirmation mail.
    pub async fn sign_up(&self, email: &str) -> String {
        let before = self.mails().len();
        let reply = self.post_json("/auth/signup", &signup_body(email)).await;
        assert_eq!(reply.status, Status::Ok, "{}", reply.body);
        self.deliver().await;
        let mails = self.mails();
        assert_eq!(mails.len(), before + 1);
        mails.last().unwrap().token().expect("a confirmation link")
    }

    /// Signs `email` up with `password` and confirms it: a ready account of Ada Lovelace.
    pub async fn confirmed_account(&self, email: &str, password: &str) {
        let mut body = signup_body(email);
        body["password"] = Value::from(password);
        self.confirmed_account_from(&body).await;
    }

    /// Signs up with this JSON body and confirms it.
    pub async fn confirmed_account_from(&self, body: &Value) {
        let before = self.mails().len();
        let reply = self.post_json("/auth/signup", body).await;
        assert_eq!(reply.status, Status::Ok, "{}", reply.body);
        self.deliver().await;
        let mails = self.mails();
        let token = mails[before..]
            .iter()
            .filter(|mail| mail.decoded.contains("/auth/signup?confirm="))
            .find_map(Mail::token)
            .expect("a confirmation link");
        let reply = self
            .get_json(&format!("/auth/signup?confirm={token}"))
            .await;
        assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    }

    /// Signs in through the JSON API; the client keeps the session cookie.
    pub async fn sign_in(&self, email: &str, password: &str) -> Reply {
        let body = serde_json::json!({ "email": email, "password": password });
        self.post_json("/auth/login", &body).await
    }

    /// The stored password hash of the account of `email`.
    pub async fn password_hash(&self, email: &str) -> String {
        let db = &self.state().accounts.db;
        let accounts = doorstep::entities::account::Entity::find().all(db).await;
        let found = accounts.unwrap().into_iter().find(|a| a.email == email);
        found.expect("an account").password_hash
    }

    /// Signs in and returns the session cookie the reply set.
    pub async fn session(&self, email: &str, password: &str) -> Cookie<'static> {
        let reply = self.sign_in(email, password).await;
        assert_eq!(reply.status, Status::Ok, "{}", reply.body);
        reply
            .set_cookie("doorstep_session")
            .expect("a session cookie")
    }

    /// Whether `email` and `password` sign in (any other answer than 200 or 401 fails).
    pub async fn signs_in(&self, email: &str, password: &str) -> bool {
        let reply = self.sign_in(email, password).await;
        assert!(matches!(reply.status.code, 200 | 401), "{}", reply.body);
        reply.status == Status::Ok
    }

    /// A JSON GET that carries `cookie` instead of the client's own cookie of that name
    /// (to replay a cookie the client has since dropped or replaced).
    pub async fn get_json_with(&self, path: &str, cookie: &Cookie<'static>) -> Reply {
        let request = self.client.get(path.to_owned()).header(Accept::JSON);
        self.send(request.cookie(cookie.clone())).await
    }

    /// How many rows `table` has.
    pub async fn count(&self, table: &str) -> i64 {
        let db = &self.state().accounts.db;
        let row = db
            .query_one_raw(Statement::from_string(
                db.get_database_backend(),
                format!("SELECT COUNT(*) AS n FROM {table}"),
            ))
            .await
            .unwrap()
            .unwrap();
        row.try_get::<i64>("", "n").unwrap()
    }

    /// The rows of the tables that a refused request must leave untouched.
    pub async fn footprint(&self) -> [i64; 4] {
        [
            self.count("accounts").await,
            self.count("pending_signups").await,
            self.count("one_time_tokens").await,
            self.count("outbox").await,
        ]
    }
}

/// A sign-up's JSON reply without its random `registration` handle, which it must carry.
pub fn sent_reply(reply: &Reply) -> Value {
    let mut json = reply.json();
    let handle = json
        .as_object_mut()
        .and_then(|members| members.remove("registration"));
    assert!(
        handle.is_some_and(|h| h.as_str().is_some_and(|h| h.len() == 43)),
        "{}",
        reply.body
    );
    json
}

/// A valid sign-up body for `email`.
pub fn signup_body(email: &str) -> Value {
    serde_json::json!({
        "firstname": "Ada",
        "lastname": "Lovelace",
        "email": email,
        "password": "correct horse battery staple",
    })
}

/// A delivered mail.
#[derive(Debug, Clone)]
pub struct Mail {
    pub to: Vec<String>,
    pub raw: String,
    /// The raw message with quoted-printable soft breaks and escapes undone.
    pub decoded: String,
}

impl Mail {
    /// The confirmation token in the mail's link, if it has one.
    pub fn token(&self) -> Option<String> {
        let start = self.decoded.find("confirm=")? + "confirm=".len();
        let token: String = self.decoded[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect();
        (!token.is_empty()).then_some(token)
    }

    /// The decoded body of the MIME part of type `media` (`text/plain`, `text/html`).
    pub fn part(&self, media: &str) -> String {
        let text = &self.decoded;
        let start = text.find("boundary=\"").expect("a multipart mail") + 10;
        let end = start + text[start..].find('"').unwrap();
        let boundary = format!("--{}", &text[start..end]);
        let header = format!("content-type: {media}");
        let found = text
            .split(&boundary)
            .find(|p| p.to_ascii_lowercase().contains(&header));
        let body = found.and_then(|p| p.split_once("\r\n\r\n"));
        body.unwrap_or_else(|| panic!("no {media} part: {}", self.raw))
            .1
            .trim_end()
            .to_owned()
    }

    /// The subject as written: folded lines joined, RFC 2047 encoded words (how non-ASCII
    /// subjects travel) decoded.
    pub fn subject(&self) -> String {
        let mut lines = self.raw.lines();
        let Some(first) = lines.find_map(|line| line.strip_prefix("Subject: ")) else {
            return String::new();
        };
        let mut header = first.to_owned();
        for line in lines.take_while(|line| line.starts_with([' ', '\t'])) {
            header.push(' ');
            header.push_str(line.trim());
        }
        let mut subject = String::new();
        let mut after_encoded = false;
        for word in header.split_whitespace() {
            let encoded = word.starts_with("=?") && word.ends_with("?=");
            // The space between two encoded words is not part of the text.
            if !(subject.is_empty() || encoded && after_encoded) {
                subject.push(' ');
            }
            subject.push_str(&decode_word(word));
            after_encoded = encoded;
        }
        subject
    }
}

/// One RFC 2047 encoded word (`=?utf-8?b?…?=` or `=?utf-8?q?…?=`), or the text as it is.
fn decode_word(word: &str) -> String {
    use base64::Engine;
    let Some(inner) = word.strip_prefix("=?").and_then(|w| w.strip_suffix("?=")) else {
        return word.to_owned();
    };
    let mut parts = inner.splitn(3, '?');
    let (_charset, encoding, text) = (parts.next(), parts.next(), parts.next().unwrap_or(""));
    let bytes = match encoding.map(str::to_ascii_lowercase).as_deref() {
        Some("b") => base64::engine::general_purpose::STANDARD
            .decode(text)
            .unwrap_or_default(),
        _ => decode_quoted_printable(&text.replace('_', " ")).into_bytes(),
    };
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Undoes quoted-printable encoding (soft line breaks and `=XX`) over a whole message.
pub fn decode_quoted_printable(raw: &str) -> String {
    let joined = raw.replace("=\r\n", "").replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escape = bytes.get(i + 1..i + 3).filter(|hex| {
            bytes[i] == b'='
                && hex
                    .iter()
                    .all(|c| c.is_ascii_digit() || (b'A'..=b'F').contains(c))
        });
        if let Some(hex) = escape {
            let hex = std::str::from_utf8(hex).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The value of a hidden input in an HTML page.
pub fn hidden_field(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_owned())
}

/// Settings shortcut: a permitted redirect rule.
pub fn rule(text: &str) -> RedirectRule {
    RedirectRule::parse(text).unwrap()
}
