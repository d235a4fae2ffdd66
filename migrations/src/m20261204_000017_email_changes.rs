//! Address changes waiting for the new address to be proven: one per account at most; the
//! link's token and the code point here.

use sea_orm_migration::prelude::*;

use crate::columns::{big_int, id, text, time};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum EmailChanges {
    Table,
    Id,
    AccountId,
    Email,
    EmailKey,
    CreatedAt,
    ExpiresAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(EmailChanges::Table)
                    .col(id(EmailChanges::Id))
                    // A newer request replaces the older one, so an account has one at most.
                    .col(big_int(EmailChanges::AccountId).unique_key())
                    .col(text(EmailChanges::Email))
                    .col(text(EmailChanges::EmailKey))
                    .col(time(EmailChanges::CreatedAt))
                    .col(time(EmailChanges::ExpiresAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(EmailChanges::Table).to_owned())
            .await
    }
}
