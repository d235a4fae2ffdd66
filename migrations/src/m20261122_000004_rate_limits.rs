//! Rate-limit counters, shared by every instance.

use sea_orm_migration::prelude::*;

use crate::columns::big_int;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum RateLimits {
    Table,
    Key,
    WindowStart,
    Hits,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(RateLimits::Table)
                    // What is counted: `ip:…`, `email:…`, `mail`, …
                    .col(
                        ColumnDef::new(RateLimits::Key)
                            .text()
                            .not_null()
                            .primary_key(),
                    )
                    // Start of the current fixed window, in Unix seconds.
                    .col(big_int(RateLimits::WindowStart))
                    .col(big_int(RateLimits::Hits))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(RateLimits::Table).to_owned())
            .await
    }
}
