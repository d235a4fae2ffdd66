//! `GET /.well-known/doorstep`: what this server offers, so that a front-end can adapt to it
//! without knowing its configuration.
//!
//! Everything here is public by design; secrets (the captcha's private key, SMTP, the metrics
//! token) have no field to land in.

use serde::Serialize;
use utoipa::ToSchema;

use super::signup::{PasswordLimits, UsernameRules, detail_fields, signup_fields};
use crate::config::Settings;
use crate::links::Links;

/// What this server offers today.
#[derive(Serialize, ToSchema)]
pub struct Discovery {
    /// doorstep's version.
    #[schema(example = "0.1.0")]
    version: &'static str,
    /// Where the API is: `base-url` with `base-path`, without a trailing slash.
    #[schema(example = "https://id.example.com/store")]
    base_url: String,
    signup: SignupOffer,
    password_reset: ResetOffer,
    password: PasswordLimits,
    /// Whether sign-up takes a username (`off`, `optional`, `required`) and its rule.
    username: UsernameRules,
    /// The domains that may sign up, `[]` for any; absent when the list is not public.
    #[serde(skip_serializing_if = "Option::is_none")]
    whitelist: Option<Vec<String>>,
    captcha: CaptchaOffer,
    /// One-time codes beside the links of confirmation and reset mails.
    codes: CodeOffer,
    /// Origins whose pages may call this API with credentials (`doorstep.cors.origins`).
    cors_origins: Vec<String>,
    /// Whether accounts may hold app passwords (`doorstep.auth.app-passwords`), and a sign-up
    /// may ask for one with `"app_password": true`.
    app_passwords: bool,
    links: DiscoveryLinks,
    // Approval and the seed APIs (DESIGN.md sections 9 and 10)
    // add their members here as they are built.
}

#[derive(Serialize, ToSchema)]
struct SignupOffer {
    /// Whether `POST /auth/signup` is open.
    enabled: bool,
    /// `details-first`: the address and the person's details come in one request;
    /// `email-first`: `POST /auth/signup` takes the address, and the details come with
    /// `POST /auth/signup/complete` once the mailed link or code proves it.
    #[schema(example = "details-first")]
    flow: &'static str,
    /// The fields sign-up takes (besides the captcha's), in form order.
    fields: Vec<FieldOffer>,
    /// Email-first only: the details `POST /auth/signup/complete` takes beside the proof.
    #[serde(skip_serializing_if = "Option::is_none")]
    details: Option<Vec<FieldOffer>>,
    /// Whether a plain GET of the mailed link confirms (`doorstep.auth.signup.confirm.on-get`).
    confirm_on_get: bool,
    /// Whether confirming signs in the client that started the sign-up without asking
    /// (`doorstep.auth.signup.login-on-confirm`); otherwise it sends `login: true`.
    login_on_confirm: bool,
}

#[derive(Serialize, ToSchema)]
struct CodeOffer {
    /// Whether mails carry a code and the confirm routes take `email` + `code`.
    enabled: bool,
    /// Digits in a code.
    #[schema(example = 6)]
    length: usize,
}

#[derive(Serialize, ToSchema)]
struct FieldOffer {
    name: &'static str,
    required: bool,
}

#[derive(Serialize, ToSchema)]
struct ResetOffer {
    /// Whether `POST /auth/pwreset` is open.
    enabled: bool,
    /// EntryStore's variant: the new password comes with the request.
    two_step: bool,
}

#[derive(Serialize, ToSchema)]
struct CaptchaOffer {
    /// doorstep's own picture challenge (`GET /auth/captcha`).
    image: bool,
    /// The proof-of-work challenge, or null while it is off. With the picture on too, either
    /// one passes.
    pow: Option<PowOffer>,
    /// The remote widget, or null when none is configured.
    remote: Option<RemoteOffer>,
}

#[derive(Serialize, ToSchema)]
struct PowOffer {
    /// `GET` it for an ALTCHA challenge; send the solution as `altcha`.
    challenge: String,
    /// The cost: the secret number is at most this.
    max_number: u64,
}

#[derive(Serialize, ToSchema)]
struct RemoteOffer {
    /// `recaptcha`, `hcaptcha` or `turnstile`.
    provider: &'static str,
    /// The public site key the widget is rendered with.
    site_key: String,
}

#[derive(Serialize, ToSchema)]
struct DiscoveryLinks {
    /// The OpenAPI 3.1 description.
    openapi: String,
    /// The API reference page.
    docs: String,
}

impl Discovery {
    pub fn new(settings: &Settings, links: &Links) -> Discovery {
        let signup = &settings.signup;
        Discovery {
            version: env!("CARGO_PKG_VERSION"),
            base_url: links.api_root().to_owned(),
            signup: SignupOffer {
                enabled: signup.enabled,
                flow: signup.flow.name(),
                fields: offers(signup_fields(settings)),
                details: signup
                    .flow
                    .is_email_first()
                    .then(|| offers(detail_fields(settings))),
                confirm_on_get: signup.confirm_on_get,
                login_on_confirm: signup.login_on_confirm,
            },
            password_reset: ResetOffer {
                enabled: settings.reset.enabled,
                two_step: settings.reset.two_step,
            },
            password: PasswordLimits::of(settings),
            username: UsernameRules::of(settings),
            whitelist: signup.whitelist_public.then(|| signup.whitelist.clone()),
            captcha: CaptchaOffer {
                image: settings.captcha.image,
                pow: settings.captcha.pow.map(|max_number| PowOffer {
                    challenge: links.pow_challenge(),
                    max_number,
                }),
                remote: settings.captcha.remote.as_ref().map(|remote| RemoteOffer {
                    provider: remote.provider.name(),
                    site_key: remote.public_key.clone(),
                }),
            },
            codes: CodeOffer {
                enabled: settings.codes.enabled,
                length: settings.codes.length,
            },
            cors_origins: settings
                .cors_origins
                .iter()
                .map(|origin| origin.to_string())
                .collect(),
            app_passwords: settings.app_passwords,
            links: DiscoveryLinks {
                openapi: links.api_description(),
                docs: links.api_reference(),
            },
        }
    }
}

fn offers(fields: Vec<(&'static str, bool)>) -> Vec<FieldOffer> {
    fields
        .into_iter()
        .map(|(name, required)| FieldOffer { name, required })
        .collect()
}
