//! Who holds a letter while it is being sent: a claim token beside the lease, so a renewal or
//! an outcome is recorded only by the worker that still holds the letter.

use sea_orm_migration::prelude::*;

use crate::columns::text_null;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Outbox {
    Table,
    ClaimedBy,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Outbox::Table)
                    // A random token per claim; the lease itself is `next_attempt_at`.
                    .add_column(text_null(Outbox::ClaimedBy))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Outbox::Table)
                    .drop_column(Outbox::ClaimedBy)
                    .to_owned(),
            )
            .await
    }
}
