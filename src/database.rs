//! Connecting to the database and bringing its schema up to date.

use std::time::Duration;

use migrations::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr,
    SqliteTransactionMode, TransactionOptions, TransactionTrait,
};

/// Any fixed number: instances starting together take turns migrating.
const MIGRATION_LOCK: i64 = 0x646f_6f72;
/// How long start-up waits for the database server to let us in.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a statement waits for a lock on PostgreSQL (SQLite's busy timeout is the same).
const LOCK_WAIT: &str = "5s";

/// Connects and runs pending migrations; any failure stops start-up.
pub async fn connect(url: &str) -> Result<DatabaseConnection, String> {
    let db = open(url).await?;
    migrate(&db)
        .await
        .map_err(|err| format!("migrating the database: {err}"))?;
    Ok(db)
}

/// What `check-config` reports: the database answers, and how many migrations `serve` would
/// run on it first.
pub async fn check(url: &str) -> Result<usize, String> {
    let db = open(url).await?;
    let pending = Migrator::get_pending_migrations(&db)
        .await
        .map_err(|err| format!("reading the database's migrations: {err}"))?;
    Ok(pending.len())
}

/// Whether the database would take a request's writes now, for `/healthz`. PostgreSQL's ping
/// reaches the server. SQLite's pool answers a ping without touching the file, so there the
/// write lock is taken and given back at once (`BEGIN IMMEDIATE`, rolled back): it waits for
/// another writer as a sign-up would, and fails as a sign-up would when the file stays locked.
pub async fn probe(db: &DatabaseConnection) -> Result<(), DbErr> {
    if db.get_database_backend() != DbBackend::Sqlite {
        return db.ping().await;
    }
    let options = TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    };
    db.begin_with_options(options).await?.rollback().await
}

/// Connections for reads that must not queue behind the writer: on a SQLite file, a pool of
/// read-only connections (sea-orm writes through one connection, which keeps SQLite's writers
/// from failing on each other; in WAL mode readers never wait for it and see every commit at
/// once); elsewhere the writer's own pool, which already has several connections.
pub async fn readers(url: &str, writer: &DatabaseConnection) -> Result<DatabaseConnection, String> {
    if !url.starts_with("sqlite:") || url.contains(":memory:") {
        return Ok(writer.clone());
    }
    let workers = std::thread::available_parallelism().map_or(2, usize::from);
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .connect_timeout(CONNECT_TIMEOUT)
        .sqlx_logging(false)
        .max_connections((workers * 2).clamp(2, 8) as u32);
    options.map_sqlx_sqlite_opts(|sqlite| {
        sqlite
            .read_only(true)
            .create_if_missing(false)
            .busy_timeout(Duration::from_secs(5))
    });
    Database::connect(options)
        .await
        .map_err(|err| format!("database {}: {}", redact_url(url), describe(&err)))
}

/// Connects the way `serve` does (creating a SQLite file and its directory), without
/// migrating.
async fn open(url: &str) -> Result<DatabaseConnection, String> {
    let mut options = ConnectOptions::new(url.to_owned());
    options.connect_timeout(CONNECT_TIMEOUT).sqlx_logging(false);
    if url.starts_with("sqlite:") {
        prepare_sqlite_dir(url)?;
        // Set on every connection of the pool: with WAL, NORMAL survives a crash of the
        // process (only a power cut may lose the last commits) without an fsync per request.
        // sea-orm keeps one connection to a SQLite file, which serializes writers cleanly;
        // several instances want PostgreSQL.
        options.map_sqlx_sqlite_opts(|sqlite| {
            sqlite
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(5))
        });
        if url.contains(":memory:") {
            // Every connection to :memory: is a database of its own.
            options.max_connections(1);
        }
    }
    if url.starts_with("postgres") {
        // A request must not wait without end behind a lock another session holds: after
        // LOCK_WAIT it fails, and the client gets 503 unavailable (see error.rs), like SQLite's
        // busy timeout.
        options.map_sqlx_postgres_opts(|pg| pg.options([("lock_timeout", LOCK_WAIT)]));
    }
    Database::connect(options)
        .await
        .map_err(|err| format!("database {}: {}", redact_url(url), describe(&err)))
}

async fn migrate(db: &DatabaseConnection) -> Result<(), sea_orm::DbErr> {
    if db.get_database_backend() == DbBackend::Postgres {
        // DDL is transactional on PostgreSQL: migrate inside one transaction that holds a lock,
        // so several instances starting at once do not race each other.
        let txn = db.begin().await?;
        // Another instance may take longer than a request's lock wait to migrate.
        txn.execute_unprepared("SET LOCAL lock_timeout = 0").await?;
        txn.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({MIGRATION_LOCK})"))
            .await?;
        Migrator::up(&txn, None).await?;
        txn.commit().await
    } else {
        Migrator::up(db, None).await
    }
}

/// Creates the directory of a SQLite file, so the default works on a fresh checkout.
fn prepare_sqlite_dir(url: &str) -> Result<(), String> {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:")
        .split('?')
        .next()
        .unwrap_or_default();
    if path.is_empty() || path.contains(":memory:") {
        return Ok(());
    }
    match std::path::Path::new(path).parent() {
        Some(dir) if !dir.as_os_str().is_empty() => {
            std::fs::create_dir_all(dir).map_err(|err| format!("creating {}: {err}", dir.display()))
        }
        _ => Ok(()),
    }
}

/// The URL without its password, for messages.
fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

/// What went wrong connecting, in the database's own words when it said something (sqlx's
/// rendering of a server error also names the server's source line, which helps nobody here).
fn describe(err: &sea_orm::DbErr) -> String {
    // The pool retries until its timeout and keeps only that: the server did not let us in.
    let timed_out = format!(
        "no connection within {} s: is the database server running and reachable there?",
        CONNECT_TIMEOUT.as_secs()
    );
    if let sea_orm::DbErr::ConnectionAcquire(_) = err {
        return timed_out;
    }
    let Some(sqlx) = crate::error::sqlx_cause(err) else {
        return err.to_string();
    };
    match (sqlx.as_database_error(), sqlx) {
        (Some(db), _) => db.message().to_owned(),
        (None, sea_orm::sqlx::Error::PoolTimedOut) => timed_out,
        (None, other) => other.to_string(),
    }
}
