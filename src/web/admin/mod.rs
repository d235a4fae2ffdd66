//! The admin area, behind the `Admin` guard: HTML and JSON on the same routes, never CORS.

pub mod registration_tokens;

use rocket::Route;

/// The admin routes, mounted under `<base-path>/admin`.
pub fn routes() -> Vec<Route> {
    rocket::routes![
        registration_tokens::list,
        registration_tokens::create,
        registration_tokens::revoke,
    ]
}
