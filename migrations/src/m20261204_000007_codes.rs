//! One-time codes: the digits a confirmation or reset mail carries beside its link.

use sea_orm_migration::prelude::*;

use crate::columns::{big_int, big_int_null, id, text, time};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Codes {
    Table,
    Id,
    Purpose,
    EmailKey,
    SubjectId,
    CodeDigest,
    AttemptsUsed,
    CreatedAt,
    ExpiresAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Codes::Table)
                    .col(id(Codes::Id))
                    // `signup` or `password_reset`, as for one-time tokens.
                    .col(text(Codes::Purpose))
                    // The normalized address the code is typed with (pending or not).
                    .col(text(Codes::EmailKey))
                    // The pending sign-up or reset request; None for a decoy, which counts
                    // wrong tries for an address with nothing pending exactly as a real code.
                    .col(big_int_null(Codes::SubjectId))
                    // SHA-256 of the code: the digits exist only in the mail.
                    .col(text(Codes::CodeDigest))
                    .col(big_int(Codes::AttemptsUsed).default(0).to_owned())
                    .col(time(Codes::CreatedAt))
                    .col(time(Codes::ExpiresAt))
                    .to_owned(),
            )
            .await?;
        // One code per flow and address: a new one replaces the last in one upsert.
        manager
            .create_index(
                Index::create()
                    .name("codes_purpose_email_key")
                    .table(Codes::Table)
                    .col(Codes::Purpose)
                    .col(Codes::EmailKey)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("codes_expires_at")
                    .table(Codes::Table)
                    .col(Codes::ExpiresAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Codes::Table).to_owned())
            .await
    }
}
