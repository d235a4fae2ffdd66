//! App passwords; what a person needs to recognise a session; and the app password a sign-up
//! asked for, handed out once by its status handle.

use sea_orm_migration::prelude::*;

use crate::columns::{big_int, id, text, text_null, time, time_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AppPasswords {
    Table,
    Id,
    AccountId,
    Name,
    SecretDigest,
    CreatedAt,
    LastUsedAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    LastUsedAt,
    UserAgent,
}

#[derive(DeriveIden)]
enum Registrations {
    Table,
    AppPassword,
    AppPasswordIssuedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AppPasswords::Table)
                    .col(id(AppPasswords::Id))
                    .col(big_int(AppPasswords::AccountId))
                    .col(text(AppPasswords::Name))
                    // SHA-256 of the secret, hex: the clear value is shown once, then only the
                    // client holds it.
                    .col(text(AppPasswords::SecretDigest).unique_key())
                    .col(time(AppPasswords::CreatedAt))
                    .col(time_null(AppPasswords::LastUsedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("app_passwords_account")
                    .table(AppPasswords::Table)
                    .col(AppPasswords::AccountId)
                    .to_owned(),
            )
            .await?;
        // One column per statement: SQLite alters a table one column at a time.
        let added = [
            (Sessions::Table.into_iden(), time_null(Sessions::LastUsedAt)),
            (Sessions::Table.into_iden(), text_null(Sessions::UserAgent)),
            (
                Registrations::Table.into_iden(),
                ColumnDef::new(Registrations::AppPassword)
                    .boolean()
                    .not_null()
                    .default(false)
                    .to_owned(),
            ),
            (
                Registrations::Table.into_iden(),
                time_null(Registrations::AppPasswordIssuedAt),
            ),
        ];
        for (table, mut column) in added {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let dropped = [
            (
                Registrations::Table.into_iden(),
                Registrations::AppPasswordIssuedAt.into_iden(),
            ),
            (
                Registrations::Table.into_iden(),
                Registrations::AppPassword.into_iden(),
            ),
            (Sessions::Table.into_iden(), Sessions::UserAgent.into_iden()),
            (
                Sessions::Table.into_iden(),
                Sessions::LastUsedAt.into_iden(),
            ),
        ];
        for (table, column) in dropped {
            manager
                .alter_table(Table::alter().table(table).drop_column(column).to_owned())
                .await?;
        }
        manager
            .drop_table(Table::drop().table(AppPasswords::Table).to_owned())
            .await
    }
}
