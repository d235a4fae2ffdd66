//! Invitations (a link mailed by an inviter, redeemed once into an active account) and
//! registration tokens (N uses of invite-only sign-up, handed out by an admin).

use sea_orm_migration::prelude::*;

use crate::columns::{big_int, big_int_null, id, text, time, time_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Invitations {
    Table,
    Id,
    TokenHash,
    Email,
    EmailKey,
    FirstName,
    LastName,
    InviterId,
    CreatedAt,
    ExpiresAt,
    RedeemedAt,
    AccountId,
    WithdrawnAt,
}

#[derive(DeriveIden)]
enum RegistrationTokens {
    Table,
    Id,
    TokenHash,
    Label,
    Uses,
    UsesLeft,
    CreatedBy,
    CreatedAt,
    ExpiresAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Invitations::Table)
                    .col(id(Invitations::Id))
                    // SHA-256 of the link's secret, hex: only the invitee's mail holds it.
                    .col(text(Invitations::TokenHash).unique_key())
                    .col(text(Invitations::Email))
                    .col(text(Invitations::EmailKey))
                    .col(text(Invitations::FirstName))
                    .col(text(Invitations::LastName))
                    // No foreign keys: the record outlives a deleted inviter; none from the
                    // command line.
                    .col(big_int_null(Invitations::InviterId))
                    .col(time(Invitations::CreatedAt))
                    .col(time(Invitations::ExpiresAt))
                    .col(time_null(Invitations::RedeemedAt))
                    .col(big_int_null(Invitations::AccountId))
                    .col(time_null(Invitations::WithdrawnAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("invitations_inviter")
                    .table(Invitations::Table)
                    .col(Invitations::InviterId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RegistrationTokens::Table)
                    .col(id(RegistrationTokens::Id))
                    .col(text(RegistrationTokens::TokenHash).unique_key())
                    // The token's first 8 characters: enough to name it in a list, far too
                    // few to sign up with.
                    .col(text(RegistrationTokens::Label))
                    .col(big_int(RegistrationTokens::Uses))
                    .col(big_int(RegistrationTokens::UsesLeft))
                    .col(big_int_null(RegistrationTokens::CreatedBy))
                    .col(time(RegistrationTokens::CreatedAt))
                    .col(time(RegistrationTokens::ExpiresAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("registration_tokens_label")
                    .table(RegistrationTokens::Table)
                    .col(RegistrationTokens::Label)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(RegistrationTokens::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Invitations::Table).to_owned())
            .await?;
        Ok(())
    }
}
