//! Password reset requests and sign-in sessions.

use sea_orm_migration::prelude::*;

use crate::columns::{big_int, big_int_null, id, text, text_null, time};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PasswordResets {
    Table,
    Id,
    EmailKey,
    AccountId,
    PasswordHash,
    UrlSuccess,
    UrlFailure,
    CreatedAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    TokenHash,
    AccountId,
    CreatedAt,
    ExpiresAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PasswordResets::Table)
                    .col(id(PasswordResets::Id))
                    .col(text(PasswordResets::EmailKey))
                    // Null when the address has no account: the request is recorded either
                    // way, so both cases do the same work.
                    .col(big_int_null(PasswordResets::AccountId))
                    // Only in the two-step variant: the password chosen with the request.
                    .col(text_null(PasswordResets::PasswordHash))
                    .col(text_null(PasswordResets::UrlSuccess))
                    .col(text_null(PasswordResets::UrlFailure))
                    .col(time(PasswordResets::CreatedAt))
                    .col(time(PasswordResets::ExpiresAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("password_resets_account")
                    .table(PasswordResets::Table)
                    .col(PasswordResets::AccountId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Sessions::Table)
                    .col(id(Sessions::Id))
                    // SHA-256 of the cookie's secret, hex.
                    .col(text(Sessions::TokenHash).unique_key())
                    .col(big_int(Sessions::AccountId))
                    .col(time(Sessions::CreatedAt))
                    .col(time(Sessions::ExpiresAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("sessions_account")
                    .table(Sessions::Table)
                    .col(Sessions::AccountId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Sessions::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(PasswordResets::Table).to_owned())
            .await
    }
}
