//! doorstep's schema, one file per migration. Run at start-up; a failure stops start-up.

pub use sea_orm_migration::prelude::*;

mod columns;
mod m20261122_000001_registration;
mod m20261122_000002_reset_and_sessions;
mod m20261122_000003_captcha_challenges;
mod m20261122_000004_rate_limits;
mod m20261122_000005_outbox_claims;
mod m20261204_000006_registrations;
mod m20261204_000007_codes;
mod m20261204_000008_app_passwords;
mod m20261204_000009_usernames;
mod m20261204_000010_roles;
mod m20261204_000012_cadmium;
mod m20261204_000013_languages;
mod m20261204_000014_admin_search;
mod m20261204_000015_invitations;
mod m20261204_000016_webhooks;
mod m20261204_000017_email_changes;
mod m20261204_000019_dspace;

/// Applies doorstep's migrations in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_registration::Migration),
            Box::new(m20261122_000002_reset_and_sessions::Migration),
            Box::new(m20261122_000003_captcha_challenges::Migration),
            Box::new(m20261122_000004_rate_limits::Migration),
            Box::new(m20261122_000005_outbox_claims::Migration),
            Box::new(m20261204_000006_registrations::Migration),
            Box::new(m20261204_000007_codes::Migration),
            Box::new(m20261204_000008_app_passwords::Migration),
            Box::new(m20261204_000009_usernames::Migration),
            Box::new(m20261204_000010_roles::Migration),
            Box::new(m20261204_000012_cadmium::Migration),
            Box::new(m20261204_000013_languages::Migration),
            Box::new(m20261204_000014_admin_search::Migration),
            Box::new(m20261204_000015_invitations::Migration),
            Box::new(m20261204_000016_webhooks::Migration),
            Box::new(m20261204_000017_email_changes::Migration),
            Box::new(m20261204_000019_dspace::Migration),
        ]
    }
}
