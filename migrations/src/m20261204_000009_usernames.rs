//! Usernames: an account's name as typed and its lower-cased key, unique among accounts, and
//! the name a pending sign-up asks for (claimed only when the address is proven).

use sea_orm_migration::prelude::*;

use crate::columns::text_null;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Username,
    UsernameKey,
}

#[derive(DeriveIden)]
enum PendingSignups {
    Table,
    Username,
}

const UNIQUE_KEY: &str = "accounts_username_key";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite's ALTER TABLE adds one at a time.
        for column in [Accounts::Username, Accounts::UsernameKey] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Accounts::Table)
                        .add_column(text_null(column))
                        .to_owned(),
                )
                .await?;
        }
        // A unique index rather than a column constraint, which SQLite cannot add to an
        // existing table; both databases let any number of accounts have no username (NULL).
        manager
            .create_index(
                Index::create()
                    .name(UNIQUE_KEY)
                    .table(Accounts::Table)
                    .col(Accounts::UsernameKey)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(PendingSignups::Table)
                    .add_column(text_null(PendingSignups::Username))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(UNIQUE_KEY)
                    .table(Accounts::Table)
                    .to_owned(),
            )
            .await?;
        for column in [Accounts::Username, Accounts::UsernameKey] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Accounts::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(PendingSignups::Table)
                    .drop_column(PendingSignups::Username)
                    .to_owned(),
            )
            .await
    }
}
