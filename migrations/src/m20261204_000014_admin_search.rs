//! What the admin area's account search and filters need to stay indexed with a million
//! accounts: lower-cased copies of the names (the address and the username have theirs
//! already), and indexes that serve each search and filter as one range of one index, in a
//! stable order (key, then id).
//!
//! On PostgreSQL the search keys compare byte by byte (`COLLATE "C"`), as on SQLite: a prefix
//! `q` is then exactly the range `q <= key < q || U+10FFFF`, whatever the database's locale.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, Statement};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The indexes this migration adds, and what each serves.
const INDEXES: &[(&str, &str, &str)] = &[
    ("accounts_first_name_key", "accounts", "first_name_key, id"),
    ("accounts_last_name_key", "accounts", "last_name_key, id"),
    // The listing filtered by state (the approval queue) or role, in id order.
    ("accounts_state", "accounts", "state, id"),
    ("accounts_role", "accounts", "role, id"),
    // The audit log filtered by event, newest first.
    ("audit_log_event", "audit_log", "event, id"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let backend = manager.get_database_backend();
        let collate = match backend {
            DbBackend::Postgres => " COLLATE \"C\"",
            _ => "",
        };
        for column in ["first_name_key", "last_name_key"] {
            run(
                db,
                backend,
                &format!(
                    "ALTER TABLE accounts ADD COLUMN {column} TEXT{collate} NOT NULL DEFAULT ''"
                ),
            )
            .await?;
        }
        if backend == DbBackend::Postgres {
            for column in ["email_key", "username_key"] {
                run(
                    db,
                    backend,
                    &format!("ALTER TABLE accounts ALTER COLUMN {column} TYPE TEXT{collate}"),
                )
                .await?;
            }
        }
        fill_name_keys(db, backend).await?;
        for (name, table, columns) in INDEXES {
            run(
                db,
                backend,
                &format!("CREATE INDEX {name} ON {table} ({columns})"),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let backend = manager.get_database_backend();
        for (name, _, _) in INDEXES {
            run(db, backend, &format!("DROP INDEX {name}")).await?;
        }
        for column in ["first_name_key", "last_name_key"] {
            run(
                db,
                backend,
                &format!("ALTER TABLE accounts DROP COLUMN {column}"),
            )
            .await?;
        }
        Ok(())
    }
}

async fn run(db: &impl ConnectionTrait, backend: DbBackend, sql: &str) -> Result<(), DbErr> {
    db.execute_raw(Statement::from_string(backend, sql.to_owned()))
        .await
        .map(|_| ())
}

/// The names' keys of the accounts there already: SQL's `lower` for all of them at once,
/// then the names beyond ASCII again in Rust, whose lower-casing the application uses (SQLite's
/// `lower` knows ASCII only).
async fn fill_name_keys(db: &impl ConnectionTrait, backend: DbBackend) -> Result<(), DbErr> {
    run(
        db,
        backend,
        "UPDATE accounts SET first_name_key = lower(trim(first_name)), \
         last_name_key = lower(trim(last_name))",
    )
    .await?;
    let beyond_ascii = match backend {
        DbBackend::Postgres => {
            "octet_length(first_name || last_name) <> length(first_name || last_name)"
        }
        _ => "length(CAST(first_name || last_name AS BLOB)) <> length(first_name || last_name)",
    };
    let rows = db
        .query_all_raw(Statement::from_string(
            backend,
            format!("SELECT id, first_name, last_name FROM accounts WHERE {beyond_ascii}"),
        ))
        .await?;
    for row in rows {
        let id: i64 = row.try_get("", "id")?;
        let first: String = row.try_get("", "first_name")?;
        let last: String = row.try_get("", "last_name")?;
        db.execute_raw(Statement::from_sql_and_values(
            backend,
            match backend {
                DbBackend::Postgres => {
                    "UPDATE accounts SET first_name_key = $1, last_name_key = $2 WHERE id = $3"
                }
                _ => "UPDATE accounts SET first_name_key = ?, last_name_key = ? WHERE id = ?",
            },
            [
                first.trim().to_lowercase().into(),
                last.trim().to_lowercase().into(),
                id.into(),
            ],
        ))
        .await?;
    }
    Ok(())
}
