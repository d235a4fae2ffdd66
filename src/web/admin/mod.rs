//! The admin area under `/admin`: HTML pages and JSON on the same routes, behind the `Admin`
//! guard (401 `unauthenticated` without a session, 403 `forbidden` for other roles and for app
//! passwords). Every change goes through `accounts::admin` with the admin as the actor, so its
//! audit row is written in the change's transaction. Never shared with other origins (see
//! `cors.rs`).

pub mod audit;
pub mod overview;
pub mod registration_tokens;
pub mod users;

use rocket::Route;

/// Every admin route; a page family adds its file above and its routes here.
pub fn routes() -> Vec<Route> {
    rocket::routes![
        overview::overview,
        users::list,
        users::show,
        users::act,
        users::set_role,
        audit::list,
        registration_tokens::list,
        registration_tokens::create,
        registration_tokens::revoke,
    ]
}
