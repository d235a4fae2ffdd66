//! The built-in defaults: what doorstep does for every key the configuration leaves unset.

use std::path::PathBuf;
use std::time::Duration;

use url::Url;

use super::{
    Approval, Captcha, Codes, DSpace, Email, Languages, LinkTemplates, MailTransport, Metrics,
    Nextcloud, PasswordReset, PasswordRules, RateLimits, Settings, Signup, SignupFlow, Ui,
    Usernames, Webhooks,
};

const DEFAULT_BASE_URL: &str = "http://127.0.0.1:8000";
const DEFAULT_DATABASE_URL: &str = "sqlite://var/doorstep.db?mode=rwc";
/// Where `.eml` files go when no transport or no `doorstep.mail.dir` is set.
pub(super) const DEFAULT_MAIL_DIR: &str = "var/mail";

impl Settings {
    /// The built-in defaults with no file and no environment (used by tests as a starting point).
    pub fn defaults() -> Settings {
        Settings {
            // Cannot fail: a constant, and the `defaults` test parses it.
            base_url: Url::parse(DEFAULT_BASE_URL).unwrap_or_else(|e| unreachable!("{e}")),
            base_path: String::new(),
            database_url: DEFAULT_DATABASE_URL.to_owned(),
            templates_dir: None,
            signup: Signup {
                enabled: false,
                invite_only: false,
                invitation_ttl: Duration::from_secs(7 * 24 * 60 * 60),
                subject: None,
                template: None,
                whitelist: Vec::new(),
                whitelist_subdomains: false,
                whitelist_public: true,
                confirm_ttl: Duration::from_secs(24 * 60 * 60),
                confirm_on_get: false,
                names_required: true,
                login_on_confirm: false,
                flow: SignupFlow::DetailsFirst,
            },
            approval: Approval::default(),
            reset: PasswordReset {
                enabled: false,
                subject: None,
                template: None,
                ttl: Duration::from_secs(60 * 60),
                two_step: false,
            },
            usernames: Usernames::default(),
            codes: Codes::default(),
            session_ttl: Duration::from_secs(14 * 24 * 60 * 60),
            app_passwords: true,
            captcha: Captcha::default(),
            limits: RateLimits::default(),
            trusted_proxies: Vec::new(),
            email: Email {
                from: None,
                bcc: Vec::new(),
            },
            permitted_redirects: Vec::new(),
            links: LinkTemplates::default(),
            cors_origins: Vec::new(),
            password: PasswordRules {
                min_length: 10,
                max_length: 1024,
            },
            mail: MailTransport::File(PathBuf::from(DEFAULT_MAIL_DIR)),
            metrics: Metrics::default(),
            max_connections: 1024,
            nextcloud: Nextcloud::default(),
            cadmium: false,
            webhooks: Webhooks::default(),
            ald: false,
            dspace: DSpace::default(),
            ui: Ui {
                name: "doorstep".to_owned(),
                logo: None,
                css: None,
            },
            languages: Languages::default(),
        }
    }
}
