//! The replies about an account's credentials: its sessions and its app passwords.

use serde::Serialize;
use utoipa::ToSchema;

use super::{View, time};
use crate::accounts::app_password::NewAppPassword;
use crate::entities::{app_password, session};

/// One live session, as its owner sees it in the list.
#[derive(Serialize, ToSchema)]
pub struct SessionView {
    /// For `DELETE /auth/me/sessions/{id}`.
    id: i64,
    /// When it was signed in (RFC 3339, UTC).
    created_at: String,
    expires_at: String,
    /// When it was last used, to the minute.
    last_used_at: Option<String>,
    /// The client's `User-Agent` at sign-in, to recognise it by.
    user_agent: Option<String>,
    /// The same, said shortly: browser and system, e.g. `Firefox on Windows`.
    #[schema(example = "Firefox on Windows")]
    device: Option<String>,
    /// Whether this is the session the request came with.
    current: bool,
}

impl SessionView {
    pub fn new(session: session::Model, current: i64) -> SessionView {
        SessionView {
            id: session.id,
            created_at: time(session.created_at),
            expires_at: time(session.expires_at),
            last_used_at: session.last_used_at.map(time),
            device: session.user_agent.as_deref().map(device),
            user_agent: session.user_agent,
            current: session.id == current,
        }
    }
}

/// A `User-Agent` as a person recognises their device: `Firefox on Windows`, `curl`. Order
/// matters: Edge and Opera say Chrome too, Chrome says Safari, Android says Linux.
fn device(user_agent: &str) -> String {
    const BROWSERS: &[(&str, &str)] = &[
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
        ("curl/", "curl"),
    ];
    const SYSTEMS: &[(&str, &str)] = &[
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iPadOS"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ];
    let find = |table: &[(&str, &'static str)]| {
        table
            .iter()
            .find(|(mark, _)| user_agent.contains(mark))
            .map(|&(_, name)| name)
    };
    match (find(BROWSERS), find(SYSTEMS)) {
        (Some(browser), Some(system)) => format!("{browser} on {system}"),
        (Some(browser), None) => browser.to_owned(),
        (None, Some(system)) => format!("A program on {system}"),
        // Not a browser we know: its own first word (`okhttp/4.9`, `python-requests/2.31`).
        (None, None) => user_agent
            .split(['/', ' '])
            .next()
            .filter(|word| !word.is_empty())
            .unwrap_or("Unknown device")
            .chars()
            .take(40)
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::device;

    #[test]
    fn devices_are_named_as_people_know_them() {
        let cases = [
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
                "Firefox on Windows",
            ),
            (
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) \
                 Chrome/131.0.0.0 Safari/537.36",
                "Chrome on Linux",
            ),
            (
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 \
                 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
                "Safari on macOS",
            ),
            (
                "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) \
                 Chrome/131.0.0.0 Mobile Safari/537.36 EdgA/131.0.0.0",
                "Chrome on Android",
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like \
                 Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
                "Edge on Windows",
            ),
            ("curl/8.5.0", "curl"),
            ("okhttp/4.12.0", "okhttp"),
            ("", "Unknown device"),
        ];
        for (agent, named) in cases {
            assert_eq!(device(agent), named, "{agent}");
        }
    }
}

/// `GET /auth/me/sessions`: the account's live sessions, newest first.
#[derive(Serialize, ToSchema)]
pub struct SessionList {
    sessions: Vec<SessionView>,
}

impl SessionList {
    pub fn new(sessions: Vec<session::Model>, current: i64) -> SessionList {
        SessionList {
            sessions: sessions
                .into_iter()
                .map(|session| SessionView::new(session, current))
                .collect(),
        }
    }
}

/// `DELETE /auth/me/sessions/{id}`: the session is over (browsers go back to the account page).
#[derive(Serialize, ToSchema)]
pub struct SessionEnded {
    status: &'static str,
}

impl Default for SessionEnded {
    fn default() -> SessionEnded {
        SessionEnded {
            status: "session_ended",
        }
    }
}

impl View for SessionEnded {
    const TEMPLATE: &'static str = "account.html.tera";
}

/// One app password, as its owner sees it in the list (never its secret).
#[derive(Serialize, ToSchema)]
pub struct AppPasswordView {
    /// For `DELETE /auth/me/app-passwords/{id}`.
    id: i64,
    name: String,
    /// RFC 3339, UTC.
    created_at: String,
    /// When it was last used, to the minute; null if never.
    last_used_at: Option<String>,
}

impl AppPasswordView {
    pub fn new(row: app_password::Model) -> AppPasswordView {
        AppPasswordView {
            id: row.id,
            name: row.name,
            created_at: time(row.created_at),
            last_used_at: row.last_used_at.map(time),
        }
    }
}

/// `GET /auth/me/app-passwords`: the account's app passwords, oldest first.
#[derive(Serialize, ToSchema)]
pub struct AppPasswordList {
    app_passwords: Vec<AppPasswordView>,
}

impl AppPasswordList {
    pub fn new(rows: Vec<app_password::Model>) -> AppPasswordList {
        AppPasswordList {
            app_passwords: rows.into_iter().map(AppPasswordView::new).collect(),
        }
    }
}

/// `POST /auth/me/app-passwords`: the new app password, its secret shown this once.
#[derive(Serialize, ToSchema)]
pub struct AppPasswordCreated {
    id: i64,
    name: String,
    /// The secret: use it as `Authorization: Bearer`, or as the password of HTTP Basic with
    /// the account's address. Stored only hashed; it cannot be shown again.
    #[schema(example = "dsap_Zm9v…")]
    app_password: String,
}

impl AppPasswordCreated {
    pub fn new(created: NewAppPassword) -> AppPasswordCreated {
        AppPasswordCreated {
            id: created.id,
            name: created.name,
            app_password: created.secret,
        }
    }
}

impl View for AppPasswordCreated {
    const TEMPLATE: &'static str = "app_password_created.html.tera";
}

/// `DELETE /auth/me/app-passwords/{id}`: revoked (browsers go back to the account page).
#[derive(Serialize, ToSchema)]
pub struct AppPasswordRevoked {
    status: &'static str,
}

impl Default for AppPasswordRevoked {
    fn default() -> AppPasswordRevoked {
        AppPasswordRevoked { status: "revoked" }
    }
}

impl View for AppPasswordRevoked {
    const TEMPLATE: &'static str = "account.html.tera";
}
