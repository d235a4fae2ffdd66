//! doorstep's integration tests: the real Rocket app on a real database with the real
//! migrations (a temp SQLite per test, or a PostgreSQL database per test when
//! `DOORSTEP_TEST_DATABASE_URL` is set).
#![allow(clippy::unwrap_used)]

mod support;

mod admin;
mod ald;
mod app_passwords;
mod approval;
mod assets;
mod binary;
mod cadmium;
mod captcha;
mod codes;
mod config;
mod cors;
mod dspace;
mod email_first;
mod faults;
mod gate;
mod invitations;
mod invitations_cli;
mod languages;
mod limits;
mod links;
mod logs;
mod mail;
mod metrics;
mod nextcloud;
mod openapi;
mod overload;
mod pages;
mod password_reset;
mod proof_of_work;
mod recovery;
mod registration_tokens;
mod reliability;
mod resend;
mod roles;
mod security;
mod self_service;
mod sessions;
mod signup;
mod smoke;
mod status;
mod sweep;
mod tokens;
mod usernames;
mod users_cli;
mod validation;
mod webhooks;
