//! A registration handle keeps the address its sign-up was for, so that a client holding only
//! the handle (Cadmium's) can confirm with the mailed code; and whether that client asked, when
//! it signed up, to be signed in on confirmation (Cadmium's `loginOnSuccess`).

use sea_orm_migration::prelude::*;

use crate::columns::text_null;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Registrations {
    Table,
    Email,
    LoginOnConfirm,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters a table one column at a time. Handles made
        // before this migration keep no address (NULL) and are never confirmed by handle.
        let added = [
            text_null(Registrations::Email),
            ColumnDef::new(Registrations::LoginOnConfirm)
                .boolean()
                .not_null()
                .default(false)
                .to_owned(),
        ];
        for mut column in added {
            manager
                .alter_table(
                    Table::alter()
                        .table(Registrations::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [Registrations::LoginOnConfirm, Registrations::Email] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Registrations::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
