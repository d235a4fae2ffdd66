//! Registration handles: what a client polls to learn how its sign-up ended.

use sea_orm_migration::prelude::*;

use crate::columns::{big_int_null, id, text, time};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Registrations {
    Table,
    Id,
    HandleDigest,
    PendingSignupId,
    CreatedAt,
    ExpiresAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Registrations::Table)
                    .col(id(Registrations::Id))
                    // SHA-256 of the handle: the clear value exists only in the client.
                    .col(text(Registrations::HandleDigest).unique_key().to_owned())
                    // None for an address that already had an account: its handle never
                    // finishes, so the reply tells nothing.
                    .col(big_int_null(Registrations::PendingSignupId))
                    .col(time(Registrations::CreatedAt))
                    .col(time(Registrations::ExpiresAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("registrations_expires_at")
                    .table(Registrations::Table)
                    .col(Registrations::ExpiresAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Registrations::Table).to_owned())
            .await
    }
}
