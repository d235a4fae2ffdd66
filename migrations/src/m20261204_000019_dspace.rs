//! An account's public id: a UUID other systems' APIs may show (DSpace names an eperson by
//! one), so the integer id stays internal. Filled on first use by one conditional update, so
//! no path that creates accounts has to know about it.

use sea_orm_migration::prelude::*;

use crate::columns::text_null;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Accounts {
    Table,
    PublicId,
}

const UNIQUE_PUBLIC_ID: &str = "accounts_public_id";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Accounts::Table)
                    .add_column(text_null(Accounts::PublicId))
                    .to_owned(),
            )
            .await?;
        // A unique index, which SQLite can add to an existing table; any number of accounts
        // may have none yet (NULL).
        manager
            .create_index(
                Index::create()
                    .name(UNIQUE_PUBLIC_ID)
                    .table(Accounts::Table)
                    .col(Accounts::PublicId)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(UNIQUE_PUBLIC_ID)
                    .table(Accounts::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Accounts::Table)
                    .drop_column(Accounts::PublicId)
                    .to_owned(),
            )
            .await
    }
}
