//! Nextcloud's wire formats: the bodies its clients send and the replies they expect, with
//! the registration app's own field names and wording.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::captcha::CaptchaFields;

/// What a client checks before asking for a password: draft `verify`, OCS `validate`.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[schema(as = NextcloudDetails)]
pub struct Details {
    /// doorstep's username: 3 to 32 letters, digits, `.`, `_` or `-`.
    #[schema(required = true, example = "ada")]
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub username: String,
    /// Becomes the account's first name.
    #[schema(required = true, example = "Ada Lovelace")]
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub displayname: String,
    #[schema(required = true, format = IdnEmail, example = "ada@example.com")]
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub email: String,
}

/// A sign-up: draft `create`, OCS `register`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[schema(as = NextcloudAccount)]
pub struct NewAccount {
    #[schema(required = true, example = "ada")]
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub username: String,
    #[schema(required = true, example = "Ada Lovelace")]
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub displayname: String,
    #[schema(required = true, format = IdnEmail, example = "ada@example.com")]
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub email: String,
    /// Between `doorstep.auth.password.min-length` and `.max-length` characters.
    #[schema(required = true, example = "correct horse battery staple")]
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub password: String,
    /// The captcha the configuration asks for, as on `POST /auth/signup`.
    #[serde(flatten)]
    pub captcha: CaptchaFields,
}

/// The one-step proposal, posted to `/.well-known/nextcloud/registration`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[schema(as = NextcloudOneStep)]
pub struct OneStep {
    /// Becomes the account's first name.
    #[schema(required = true, example = "Ada Lovelace")]
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub name: String,
    #[schema(required = true, format = IdnEmail, example = "ada@example.com")]
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub email: String,
    #[schema(required = true, example = "ada")]
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub username: String,
    #[schema(required = true, example = "correct horse battery staple")]
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub password: String,
    #[serde(flatten)]
    pub captcha: CaptchaFields,
}

/// OCS `status`: the `secret` that `register` answered.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[schema(as = OcsStatusQuery)]
pub struct StatusQuery {
    #[schema(required = true)]
    #[serde(
        default,
        rename = "clientSecret",
        deserialize_with = "crate::fields::text"
    )]
    pub client_secret: String,
}

pub(super) const CONFIRM_FIRST: &str = "Please confirm your email address";
const PENDING: &str = "Your registration is pending. Please confirm your email address.";
pub(super) const AWAITING_APPROVAL: &str = "Waiting for admin approval";
pub(super) const EXPIRED: &str = "This registration has expired. Please register again.";

/// `{"message": …}`: the draft's refusals, and its statuses that are not ready yet.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = NextcloudMessage)]
pub struct Message {
    /// For people.
    #[schema(example = "The username you have chosen already exists.")]
    pub message: String,
    /// doorstep's stable code (see `ErrorBody`), when one of its rules refused.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "username_taken")]
    pub error: Option<&'static str>,
}

/// Draft `verify`: the details would do (an empty object).
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = NextcloudVerified)]
pub struct Verified {}

/// Draft `create`: the mail is on its way; poll `registrationToken`.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = NextcloudCreated)]
pub struct Created {
    #[serde(rename = "statusMessage")]
    #[schema(example = "Please confirm your email address")]
    status_message: &'static str,
    /// Poll `GET …/register/status/{registrationToken}`.
    #[serde(rename = "registrationToken")]
    registration_token: String,
}

impl Created {
    pub fn new(handle: String) -> Created {
        Created {
            status_message: CONFIRM_FIRST,
            registration_token: handle,
        }
    }
}

/// Draft `status` once the account exists.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = NextcloudFinished)]
pub struct Finished {
    #[schema(example = "FINISHED")]
    status: &'static str,
    /// Only on the first read that says `FINISHED`: sign in with it (HTTP Basic, with the
    /// username or the address) from then on.
    #[serde(rename = "appPassword", skip_serializing_if = "Option::is_none")]
    app_password: Option<String>,
}

impl Finished {
    pub fn new(app_password: Option<String>) -> Finished {
        Finished {
            status: "FINISHED",
            app_password,
        }
    }
}

/// `GET /.well-known/nextcloud/registration`: where the draft API is.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = NextcloudWellKnown)]
pub struct WellKnown {
    /// The absolute URL of the draft API's base (`…/apps/registration/api/1.0`).
    #[schema(example = "https://id.example.com/apps/registration/api/1.0")]
    api: String,
}

impl WellKnown {
    pub fn new(api: String) -> WellKnown {
        WellKnown { api }
    }
}

/// The one-step proposal's answer.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = NextcloudOneStepSent)]
pub struct OneStepSent {
    #[schema(example = "Waiting email confirmation")]
    status: &'static str,
}

impl Default for OneStepSent {
    fn default() -> OneStepSent {
        OneStepSent {
            status: "Waiting email confirmation",
        }
    }
}

/// OCS's envelope: `{"ocs": {"meta": {…}, "data": …}}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Ocs<T> {
    ocs: OcsBody<T>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OcsBody<T> {
    meta: Meta,
    data: T,
}

impl Ocs<OcsFailure> {
    /// A failure: `statuscode` is the HTTP status, as in OCS v2, and `data` names doorstep's
    /// code when one of its rules refused.
    pub fn failure(statuscode: u16, message: String, code: Option<&'static str>) -> Self {
        let meta = Meta {
            status: "failure",
            statuscode,
            message,
        };
        Ocs::new(meta, OcsFailure { error: code })
    }
}

impl<T> Ocs<T> {
    fn new(meta: Meta, data: T) -> Ocs<T> {
        Ocs {
            ocs: OcsBody { meta, data },
        }
    }

    /// A successful reply carrying `data`.
    pub fn ok(data: T) -> Ocs<T> {
        Ocs::new(
            Meta {
                status: "ok",
                statuscode: 200,
                message: "OK".to_owned(),
            },
            data,
        )
    }

    /// The HTTP status: OCS v2 answers with its `statuscode`.
    pub fn status(&self) -> u16 {
        self.ocs.meta.statuscode
    }
}

/// The envelope's `meta`.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = OcsMeta)]
pub struct Meta {
    /// `ok` or `failure`.
    #[schema(example = "ok")]
    status: &'static str,
    /// The HTTP status, repeated.
    #[schema(example = 200)]
    statuscode: u16,
    #[schema(example = "OK")]
    message: String,
}

/// `data` of a failure: doorstep's stable code, when one of its rules refused.
#[derive(Debug, Serialize, ToSchema)]
pub struct OcsFailure {
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "username_taken")]
    error: Option<&'static str>,
}

/// OCS `register`: the same for every address.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = OcsRegistered)]
pub struct Registered {
    /// 1: pending.
    #[serde(rename = "registrationStatus")]
    #[schema(example = 1)]
    registration_status: u8,
    message: &'static str,
    /// Send it as `clientSecret` to `status`.
    secret: String,
}

impl Registered {
    pub fn new(handle: String) -> Registered {
        Registered {
            registration_status: PENDING_STATUS,
            message: PENDING,
            secret: handle,
        }
    }
}

impl OcsStatus {
    pub fn pending() -> OcsStatus {
        OcsStatus::Pending {
            registration_status: PENDING_STATUS,
            message: PENDING,
        }
    }

    /// Confirmed, and waiting for an admin: still pending, in the registration app's words.
    pub fn awaiting_approval() -> OcsStatus {
        OcsStatus::Pending {
            registration_status: PENDING_STATUS,
            message: AWAITING_APPROVAL,
        }
    }

    pub fn complete(app_password: String, cloud_url: String) -> OcsStatus {
        OcsStatus::Complete {
            registration_status: COMPLETE_STATUS,
            app_password,
            cloud_url,
        }
    }
}

/// The registration app's `registrationStatus`: 0 complete, 1 pending (2, "a registration for
/// this address is pending", told strangers who had signed up, and is never sent).
const COMPLETE_STATUS: u8 = 0;
const PENDING_STATUS: u8 = 1;

/// OCS `status`: pending, or complete with the app password (once).
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum OcsStatus {
    Pending {
        /// 1: pending.
        #[serde(rename = "registrationStatus")]
        registration_status: u8,
        message: &'static str,
    },
    Complete {
        /// 0: complete.
        #[serde(rename = "registrationStatus")]
        registration_status: u8,
        /// Sign in with it from now on (HTTP Basic, with the username or the address).
        #[serde(rename = "appPassword")]
        app_password: String,
        /// Where the account is used (`doorstep.compat.nextcloud.cloud-url`).
        #[serde(rename = "cloudUrl")]
        cloud_url: String,
    },
}
