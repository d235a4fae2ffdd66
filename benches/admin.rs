//! What the admin area's listing and search cost with a million accounts.
//!
//! `cargo bench --bench admin` seeds 1 000 000 accounts into a SQLite file (and, when
//! `DOORSTEP_BENCH_DATABASE_URL` names a PostgreSQL server, into a fresh database there, dropped
//! afterwards) with bulk INSERTs in one transaction, prints the query plans of each query
//! shape, then times `accounts::admin::list` (the function the pages, their JSON and
//! `doorstep users list` call) for each shape and prints p50 and p99. The aim: p99 under
//! 50 ms. Figures, not pass/fail.
#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use doorstep::accounts::admin::{self, AccountFilter, Cursor};
use doorstep::entities::account::State;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement};

const ACCOUNTS: u64 = 1_000_000;
/// Rows per INSERT statement.
const BATCH: u64 = 1_000;
/// Timed calls per query shape.
const RUNS: usize = 200;
const PAGE: u64 = 50;

const FIRST: &[&str] = &[
    "Ada",
    "Grace",
    "Alan",
    "Hedy",
    "Barbara",
    "Donald",
    "Edsger",
    "Frances",
    "John",
    "Katherine",
    "Linus",
    "Margaret",
    "Niklaus",
    "Radia",
    "Sophie",
    "Tim",
    "Ursula",
    "Vint",
    "Whitfield",
    "Yukihiro",
    "Åsa",
    "Émile",
    "Zoë",
    "Kristen",
    "Dennis",
    "Ken",
    "Bjarne",
    "Guido",
    "Anders",
    "Rob",
    "Leslie",
    "Tony",
    "Shafi",
    "Silvio",
    "Jeannette",
    "Adele",
    "Mary",
    "Jean",
    "Karen",
    "Lynn",
];
const LAST: &[&str] = &[
    "Lovelace",
    "Hopper",
    "Turing",
    "Lamarr",
    "Liskov",
    "Knuth",
    "Dijkstra",
    "Allen",
    "McCarthy",
    "Johnson",
    "Torvalds",
    "Hamilton",
    "Wirth",
    "Perlman",
    "Wilson",
    "Berners-Lee",
    "Franklin",
    "Cerf",
    "Diffie",
    "Matsumoto",
    "Öberg",
    "Noël",
    "Nygaard",
    "Ritchie",
    "Thompson",
    "Stroustrup",
    "Rossum",
    "Hejlsberg",
    "Pike",
    "Lamport",
    "Hoare",
    "Goldwasser",
    "Micali",
    "Wing",
    "Goldberg",
    "Keller",
    "Sammet",
    "Spärck",
    "Conway",
    "Bartik",
    "Clarke",
    "Easley",
];

fn main() {
    tokio::runtime::Runtime::new().unwrap().block_on(run());
}

async fn run() {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = format!("sqlite://{}/bench.db?mode=rwc", dir.path().display());
    bench("SQLite", &sqlite).await;
    if let Ok(server) = std::env::var("DOORSTEP_BENCH_DATABASE_URL") {
        let name = format!("doorstep_bench_{}", std::process::id());
        let root = Database::connect(&server).await.unwrap();
        exec(&root, &format!("CREATE DATABASE {name}")).await;
        let mut url = url::Url::parse(&server).unwrap();
        url.set_path(&name);
        bench("PostgreSQL", url.as_str()).await;
        exec(&root, &format!("DROP DATABASE {name} WITH (FORCE)")).await;
    }
}

async fn exec(db: &DatabaseConnection, sql: &str) {
    db.execute_raw(Statement::from_string(
        db.get_database_backend(),
        sql.to_owned(),
    ))
    .await
    .unwrap();
}

async fn bench(label: &str, url: &str) {
    let db = doorstep::database::connect(url).await.unwrap();
    let started = Instant::now();
    seed(&db).await;
    println!(
        "\n{label}: {ACCOUNTS} accounts seeded in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    plans(&db).await;
    println!(
        "{:<44} {:>9} {:>9}",
        "query (50 a page)", "p50 ms", "p99 ms"
    );
    let mut rng = Lcg(7);
    let any = AccountFilter::default();
    time("list, first page", || async {
        admin::list(&db, &any, None, PAGE).await.unwrap()
    })
    .await;
    time("list, deep page (id > 500 000 … 999 000)", || {
        let id = 500_000 + rng.next() % 499_000;
        let (db, any) = (&db, &any);
        async move {
            let after = Cursor {
                id: id as i64,
                key: String::new(),
            };
            admin::list(db, any, Some(&after), PAGE).await.unwrap()
        }
    })
    .await;
    for (title, prefixes) in [
        (
            "search, address prefix (3–6 letters)",
            &["ada", "grace.", "alan.tu", "hedy.l", "zoë", "tim.be"][..],
        ),
        (
            "search, name prefix",
            &["lov", "hopper", "turi", "åsa", "noël", "kn", "wirth"][..],
        ),
        (
            "search, one letter (most accounts match)",
            &["a", "g", "l", "s", "t"][..],
        ),
    ] {
        time(title, || {
            let q = prefixes[(rng.next() % prefixes.len() as u64) as usize];
            let db = &db;
            async move {
                let filter = AccountFilter {
                    search: Some(q.to_owned()),
                    ..Default::default()
                };
                admin::list(db, &filter, None, PAGE).await.unwrap()
            }
        })
        .await;
    }
    time("search, page 2 of an address prefix", || {
        let db = &db;
        async move {
            let filter = AccountFilter {
                search: Some("ada".to_owned()),
                ..Default::default()
            };
            let first = admin::list(db, &filter, None, PAGE).await.unwrap();
            admin::list(db, &filter, first.next.as_ref(), PAGE)
                .await
                .unwrap()
        }
    })
    .await;
    for (title, state) in [
        (
            "state filter: pending_approval (1 %)",
            State::PendingApproval,
        ),
        ("state filter: disabled (2 %), deep page", State::Disabled),
    ] {
        let deep = state == State::Disabled;
        time(title, || {
            let id = if deep {
                500_000 + rng.next() % 400_000
            } else {
                0
            };
            let db = &db;
            async move {
                let filter = AccountFilter {
                    state: Some(state),
                    ..Default::default()
                };
                let after = Cursor {
                    id: id as i64,
                    key: String::new(),
                };
                admin::list(db, &filter, deep.then_some(&after), PAGE)
                    .await
                    .unwrap()
            }
        })
        .await;
    }
    time("search \"ada\" with state pending_approval", || {
        let db = &db;
        async move {
            let filter = AccountFilter {
                search: Some("ada".to_owned()),
                state: Some(State::PendingApproval),
                ..Default::default()
            };
            admin::list(db, &filter, None, PAGE).await.unwrap()
        }
    })
    .await;
    time("overview counts by state (not a target)", || async {
        admin::count_by_state(&db).await.unwrap()
    })
    .await;
}

/// Runs `call` a few times to warm up, then `RUNS` times, and prints p50 and p99.
async fn time<F, Fut, T>(title: &str, mut call: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = T>,
{
    for _ in 0..5 {
        call().await;
    }
    let mut took: Vec<Duration> = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let started = Instant::now();
        call().await;
        took.push(started.elapsed());
    }
    took.sort();
    let at = |q: f64| took[((took.len() as f64 * q) as usize).min(took.len() - 1)];
    println!(
        "{title:<44} {:>9.2} {:>9.2}",
        at(0.50).as_secs_f64() * 1000.0,
        at(0.99).as_secs_f64() * 1000.0
    );
}

/// A small deterministic generator: the same accounts on every run and database.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

/// One million accounts in bulk INSERTs inside one transaction: 1 % waiting for approval, 2 %
/// disabled, a few admins and inviters, a username for every third.
async fn seed(db: &DatabaseConnection) {
    let backend = db.get_database_backend();
    exec(db, "BEGIN").await;
    let mut rng = Lcg(42);
    let mut id = 0u64;
    while id < ACCOUNTS {
        let mut rows = Vec::with_capacity(BATCH as usize);
        for _ in 0..BATCH {
            id += 1;
            let first = FIRST[(rng.next() % FIRST.len() as u64) as usize];
            let last = LAST[(rng.next() % LAST.len() as u64) as usize];
            let email = format!("{}.{}{id}@example{}.org", first, last, id % 97).replace(' ', "");
            let (username, username_key) = if id.is_multiple_of(3) {
                let name = format!("{}{id}", last.to_lowercase().replace('-', ""));
                (quoted(&name), quoted(&name.to_lowercase()))
            } else {
                ("NULL".to_owned(), "NULL".to_owned())
            };
            let state = match rng.next() % 100 {
                0 => "pending_approval",
                1 | 2 => "disabled",
                _ => "active",
            };
            let role = match id % 10_000 {
                0 => "admin",
                1..=50 => "inviter",
                _ => "member",
            };
            rows.push(format!(
                "({}, {}, {}, {}, {}, {}, '', {}, {username}, {username_key}, '{role}', '{state}')",
                quoted(&email),
                quoted(&email.to_lowercase()),
                quoted(first),
                quoted(last),
                quoted(&first.to_lowercase()),
                quoted(&last.to_lowercase()),
                match backend {
                    DbBackend::Postgres => "'2026-12-01T00:00:00Z'".to_owned(),
                    _ => "'2026-12-01 00:00:00+00:00'".to_owned(),
                },
            ));
        }
        exec(
            db,
            &format!(
                "INSERT INTO accounts (email, email_key, first_name, last_name, first_name_key, \
                 last_name_key, password_hash, created_at, username, username_key, role, state) \
                 VALUES {}",
                rows.join(", ")
            ),
        )
        .await;
    }
    exec(db, "COMMIT").await;
    exec(db, "ANALYZE").await;
}

fn quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// The plans of the query shapes `admin::list` sends (as it builds them), to check that each
/// reads one index range.
async fn plans(db: &DatabaseConnection) {
    let backend = db.get_database_backend();
    let explain = match backend {
        DbBackend::Postgres => "EXPLAIN",
        _ => "EXPLAIN QUERY PLAN",
    };
    let shapes = [
        ("deep page", "SELECT * FROM accounts WHERE id > 900000 ORDER BY id LIMIT 51".to_owned()),
        (
            "state filter, deep page",
            "SELECT * FROM accounts WHERE state = 'disabled' AND id > 500000 ORDER BY id LIMIT 51"
                .to_owned(),
        ),
        (
            "search by first name, page 2",
            "SELECT * FROM accounts WHERE first_name_key >= 'ada' AND first_name_key < 'ada\u{10FFFF}' \
             AND (first_name_key > 'ada' OR id > 5000) ORDER BY first_name_key, id LIMIT 51"
                .to_owned(),
        ),
        (
            "search by address",
            "SELECT * FROM accounts WHERE email_key >= 'grace.' AND email_key < 'grace.\u{10FFFF}' \
             ORDER BY email_key, id LIMIT 51"
                .to_owned(),
        ),
        (
            "search by username, with a state",
            "SELECT * FROM accounts WHERE state = 'pending_approval' AND username_key >= 'lov' \
             AND username_key < 'lov\u{10FFFF}' ORDER BY username_key, id LIMIT 51"
                .to_owned(),
        ),
    ];
    for (title, sql) in shapes {
        let rows = db
            .query_all_raw(Statement::from_string(backend, format!("{explain} {sql}")))
            .await
            .unwrap();
        println!("plan, {title}:");
        for row in rows {
            let line: String = match backend {
                DbBackend::Postgres => row.try_get("", "QUERY PLAN").unwrap(),
                _ => row.try_get("", "detail").unwrap(),
            };
            println!("  {line}");
        }
    }
}
