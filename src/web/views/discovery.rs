//! `GET /.well-known/doorstep`: what this server offers, so that a front-end can adapt to it
//! without knowing its configuration.
//!
//! Everything here is public by design; secrets (the captcha's private key, SMTP, the metrics
//! token) have no field to land in.

use serde::Serialize;
use utoipa::ToSchema;

use super::signup::{PasswordLimits, UsernameRules, detail_fields, signup_fields};
use crate::config::{LinkTemplate, LinkTemplates, Settings};
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
    /// What a signed-in session does to its own account: where, absolute.
    self_service: SelfServiceOffer,
    /// Which mailed links lead to the front-end's own pages (`doorstep.auth.links.*`).
    mail_links: MailLinks,
    links: DiscoveryLinks,
    /// Other systems' registration APIs this server speaks (`doorstep.compat.*`), each with
    /// where it is; `[]` when none is on.
    seed_apis: Vec<SeedApi>,
    /// Cadmium's in-band registration (`doorstep.compat.cadmium`), or null while it is off.
    cadmium: Option<CadmiumOffer>,
}

#[derive(Serialize, ToSchema)]
struct SignupOffer {
    /// Whether `POST /auth/signup` is open.
    enabled: bool,
    /// `off`, `on`, or `invite-only` (`doorstep.auth.signup`): then a sign-up needs an
    /// invitation link's `invitation` or an admin's `registration_token` (listed in `fields`),
    /// and without either is 403 `invitation_required`.
    #[schema(example = "on")]
    mode: &'static str,
    /// Whether invitations work: inviters and admins send them with `POST /auth/invitations`,
    /// and the form of an invitation link (`/auth/signup?invitation=T`) creates an active
    /// account, in any open mode.
    invitations: bool,
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
    /// Which new accounts wait for an admin before they may sign in: `off`, `all`, or
    /// `outside-whitelist` (the whitelist then names the domains approved at once, and other
    /// domains may sign up too).
    #[schema(example = "off")]
    approval: &'static str,
}

/// The self-service routes (sessions only; each proves the account's password).
#[derive(Serialize, ToSchema)]
struct SelfServiceOffer {
    /// `POST`: `current_password`, `password`.
    password: String,
    /// `POST`: `email`, `password`; the mailed link or code is posted to `email_confirm`.
    email: String,
    /// `POST`: `token` or `code`.
    email_confirm: String,
    /// `POST`: `password`.
    delete: String,
    /// `GET`: everything stored about the account, as JSON.
    export: String,
}

impl SelfServiceOffer {
    fn at(root: &str) -> SelfServiceOffer {
        let at = |path: &str| format!("{root}/auth/me{path}");
        SelfServiceOffer {
            password: at("/password"),
            email: at("/email"),
            email_confirm: at("/email/confirm"),
            delete: at("/delete"),
            export: at("/export"),
        }
    }
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

/// Each mailed link's page: the front-end's URL template, whose `{token}` the mail fills in
/// (the page then posts the token to the flow's confirm route), or null while the link
/// opens doorstep's own page. Templates are no secret: every such mail shows one.
#[derive(Serialize, ToSchema)]
struct MailLinks {
    /// The sign-up confirmation mail's link; its token goes to `POST /auth/signup/confirm`.
    #[schema(example = "https://app.example.com/verify?t={token}")]
    signup: Option<String>,
    /// The reset mail's link; its token goes to `POST /auth/pwreset/confirm`.
    password_reset: Option<String>,
    /// The link that confirms a new address.
    email_change: Option<String>,
    /// The invitation mail's link.
    invitation: Option<String>,
}

#[derive(Serialize, ToSchema)]
struct SeedApi {
    /// `nextcloud` (the draft of the registration app's issue #41, also discovered at
    /// `/.well-known/nextcloud/registration`), `nextcloud-ocs` (the OCS API the app shipped),
    /// `dspace` (DSpace 7's REST API base: its eperson registrations), `cadmium` or `ald`
    /// (its `POST /users/register`).
    #[schema(example = "nextcloud")]
    name: &'static str,
    /// The API's base, absolute.
    #[schema(example = "https://id.example.com/apps/registration/api/1.0")]
    url: String,
}

impl SeedApi {
    fn served(settings: &Settings, links: &Links) -> Vec<SeedApi> {
        let mut served = Vec::new();
        if settings.nextcloud.enabled {
            served.push(SeedApi {
                name: "nextcloud",
                url: links.nextcloud_api(),
            });
            served.push(SeedApi {
                name: "nextcloud-ocs",
                url: links.nextcloud_ocs(),
            });
        }
        if settings.dspace.enabled {
            served.push(SeedApi {
                name: "dspace",
                url: links.dspace_api(),
            });
        }
        if settings.cadmium {
            served.push(SeedApi {
                name: "cadmium",
                url: format!("{}/cadmium", links.api_root()),
            });
        }
        if settings.ald {
            served.push(SeedApi {
                name: "ald",
                url: links.ald_register(),
            });
        }
        served
    }
}

#[derive(Serialize, ToSchema)]
struct CadmiumOffer {
    /// Where Cadmium clients post their messages.
    #[schema(example = "https://id.example.com/store/cadmium")]
    endpoint: String,
    /// The server part of Cadmium's ids, and every reply's `from`.
    #[schema(example = "id.example.com")]
    server: String,
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
                mode: signup.mode().name(),
                invitations: signup.enabled,
                flow: signup.flow.name(),
                fields: offers(signup_fields(settings)),
                details: signup
                    .flow
                    .is_email_first()
                    .then(|| offers(detail_fields(settings))),
                confirm_on_get: signup.confirm_on_get,
                login_on_confirm: signup.login_on_confirm,
                approval: settings.approval.mode.as_str(),
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
            self_service: SelfServiceOffer::at(links.api_root()),
            mail_links: MailLinks::of(&settings.links),
            links: DiscoveryLinks {
                openapi: links.api_description(),
                docs: links.api_reference(),
            },
            seed_apis: SeedApi::served(settings, links),
            cadmium: settings.cadmium.then(|| CadmiumOffer {
                endpoint: format!("{}/cadmium", links.api_root()),
                server: settings.base_url.host_str().unwrap_or_default().to_owned(),
            }),
        }
    }
}

impl MailLinks {
    fn of(templates: &LinkTemplates) -> MailLinks {
        let shown = |template: &Option<LinkTemplate>| template.as_ref().map(ToString::to_string);
        MailLinks {
            signup: shown(&templates.signup),
            password_reset: shown(&templates.password_reset),
            email_change: shown(&templates.email_change),
            invitation: shown(&templates.invitation),
        }
    }
}

fn offers(fields: Vec<(&'static str, bool)>) -> Vec<FieldOffer> {
    fields
        .into_iter()
        .map(|(name, required)| FieldOffer { name, required })
        .collect()
}
