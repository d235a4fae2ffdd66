//! Accounts, pending sign-ups, one-time tokens and the mail outbox.

use sea_orm_migration::prelude::*;

use crate::columns::{big_int, big_int_null, id, text, text_null, time, time_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
    Email,
    EmailKey,
    FirstName,
    LastName,
    PasswordHash,
    CreatedAt,
}

#[derive(DeriveIden)]
enum PendingSignups {
    Table,
    Id,
    Email,
    EmailKey,
    FirstName,
    LastName,
    PasswordHash,
    UrlSuccess,
    UrlFailure,
    CreatedAt,
    ExpiresAt,
    AccountId,
}

#[derive(DeriveIden)]
enum OneTimeTokens {
    Table,
    Id,
    TokenHash,
    Purpose,
    SubjectId,
    CreatedAt,
    ExpiresAt,
    UsedAt,
}

#[derive(DeriveIden)]
enum Outbox {
    Table,
    Id,
    Kind,
    Recipient,
    Bcc,
    Subject,
    TextBody,
    HtmlBody,
    ActionUrl,
    Attempts,
    NextAttemptAt,
    LastError,
    CreatedAt,
    SentAt,
    GaveUpAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Accounts::Table)
                    .col(id(Accounts::Id))
                    .col(text(Accounts::Email))
                    // The normalized address; unique so that one address is one account.
                    .col(text(Accounts::EmailKey).unique_key())
                    .col(text(Accounts::FirstName))
                    .col(text(Accounts::LastName))
                    .col(text(Accounts::PasswordHash))
                    .col(time(Accounts::CreatedAt))
                    .to_owned(),
            )
            .await?;

        // Not unique on the address: an unconfirmed sign-up must never block the real owner.
        manager
            .create_table(
                Table::create()
                    .table(PendingSignups::Table)
                    .col(id(PendingSignups::Id))
                    .col(text(PendingSignups::Email))
                    .col(text(PendingSignups::EmailKey))
                    .col(text(PendingSignups::FirstName))
                    .col(text(PendingSignups::LastName))
                    .col(text(PendingSignups::PasswordHash))
                    .col(text_null(PendingSignups::UrlSuccess))
                    .col(text_null(PendingSignups::UrlFailure))
                    .col(time(PendingSignups::CreatedAt))
                    .col(time(PendingSignups::ExpiresAt))
                    .col(big_int_null(PendingSignups::AccountId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("pending_signups_email_key")
                    .table(PendingSignups::Table)
                    .col(PendingSignups::EmailKey)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(OneTimeTokens::Table)
                    .col(id(OneTimeTokens::Id))
                    // SHA-256 of the token, hex: the token itself is never stored.
                    .col(text(OneTimeTokens::TokenHash).unique_key())
                    .col(text(OneTimeTokens::Purpose))
                    .col(big_int(OneTimeTokens::SubjectId))
                    .col(time(OneTimeTokens::CreatedAt))
                    .col(time(OneTimeTokens::ExpiresAt))
                    .col(time_null(OneTimeTokens::UsedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Outbox::Table)
                    .col(id(Outbox::Id))
                    .col(text(Outbox::Kind))
                    .col(text(Outbox::Recipient))
                    .col(text_null(Outbox::Bcc))
                    .col(text(Outbox::Subject))
                    .col(text(Outbox::TextBody))
                    .col(text(Outbox::HtmlBody))
                    .col(text_null(Outbox::ActionUrl))
                    .col(
                        ColumnDef::new(Outbox::Attempts)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .col(time(Outbox::NextAttemptAt))
                    .col(text_null(Outbox::LastError))
                    .col(time(Outbox::CreatedAt))
                    .col(time_null(Outbox::SentAt))
                    .col(time_null(Outbox::GaveUpAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("outbox_due")
                    .table(Outbox::Table)
                    .col(Outbox::SentAt)
                    .col(Outbox::NextAttemptAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Outbox::Table.into_iden(),
            OneTimeTokens::Table.into_iden(),
            PendingSignups::Table.into_iden(),
            Accounts::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
