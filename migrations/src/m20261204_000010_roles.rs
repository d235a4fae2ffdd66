//! Roles and states of accounts, the audit log, and what a registration handle needs to
//! report a rejected sign-up.

use sea_orm_migration::prelude::*;

use crate::columns::{big_int_null, id, text, time, time_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Role,
    State,
}

#[derive(DeriveIden)]
enum PendingSignups {
    Table,
    RejectedAt,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    At,
    Event,
    AccountId,
    ActorId,
    Source,
    Client,
    Detail,
}

/// A text column with a default, so that rows already there take it.
fn text_default<T: IntoIden>(name: T, default: &str) -> ColumnDef {
    text(name).default(default).to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one thing at a time. Accounts that exist
        // already become active members.
        for column in [
            text_default(Accounts::Role, "member"),
            text_default(Accounts::State, "active"),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Accounts::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(PendingSignups::Table)
                    // Set when the account this sign-up created was rejected: its handle says so.
                    .add_column(time_null(PendingSignups::RejectedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AuditLog::Table)
                    .col(id(AuditLog::Id))
                    .col(time(AuditLog::At))
                    .col(text(AuditLog::Event))
                    // No foreign keys: the record outlives a deleted account.
                    .col(big_int_null(AuditLog::AccountId))
                    .col(big_int_null(AuditLog::ActorId))
                    // `web` or `cli`: where the actor acted from.
                    .col(text(AuditLog::Source))
                    .col(ColumnDef::new(AuditLog::Client).text().null())
                    // Never a password, token or code.
                    .col(text_default(AuditLog::Detail, ""))
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("audit_log_at", AuditLog::At),
            ("audit_log_account_id", AuditLog::AccountId),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(AuditLog::Table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AuditLog::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(PendingSignups::Table)
                    .drop_column(PendingSignups::RejectedAt)
                    .to_owned(),
            )
            .await?;
        for column in [Accounts::Role, Accounts::State] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Accounts::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
