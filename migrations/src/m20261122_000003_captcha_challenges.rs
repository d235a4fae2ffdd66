//! Image captcha challenges, kept in the database so any instance can check an answer.

use sea_orm_migration::prelude::*;

use crate::columns::{text, time, time_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CaptchaChallenges {
    Table,
    Id,
    AnswerHash,
    Png,
    CreatedAt,
    ExpiresAt,
    UsedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(CaptchaChallenges::Table)
                    // Random and public: it names the image in its URL.
                    .col(
                        ColumnDef::new(CaptchaChallenges::Id)
                            .text()
                            .not_null()
                            .primary_key(),
                    )
                    // SHA-256 of the answer salted with the id: a database reader cannot
                    // read answers off the rows.
                    .col(text(CaptchaChallenges::AnswerHash))
                    .col(ColumnDef::new(CaptchaChallenges::Png).blob().not_null())
                    .col(time(CaptchaChallenges::CreatedAt))
                    .col(time(CaptchaChallenges::ExpiresAt))
                    .col(time_null(CaptchaChallenges::UsedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("captcha_challenges_expires_at")
                    .table(CaptchaChallenges::Table)
                    .col(CaptchaChallenges::ExpiresAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(CaptchaChallenges::Table).to_owned())
            .await
    }
}
