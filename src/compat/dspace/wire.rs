//! DSpace's request and reply bodies, as its REST API and the DSpace UI write them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use crate::captcha::CaptchaFields;

/// `POST /api/eperson/registrations`: the address. Nothing else about the person is taken
/// (DSpace: "No other properties can be set").
#[derive(Debug, Default, Deserialize, ToSchema)]
#[schema(as = DSpaceRegistrationRequest)]
pub struct NewRegistration {
    #[schema(format = IdnEmail, example = "ada@example.com")]
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub email: String,
    /// `registration`; not checked.
    #[serde(default, rename = "type")]
    #[schema(value_type = Option<String>, example = "registration")]
    pub kind: Value,
    /// doorstep's captcha fields, for clients that send the answer in the body rather than
    /// in `X-Captcha-Payload`.
    #[serde(flatten)]
    pub captcha: CaptchaFields,
}

/// A registration as `findByToken` shows it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = DSpaceRegistration)]
pub struct Registration {
    /// Always null: doorstep keeps its row ids to itself, and a registration is only ever
    /// found by its token.
    #[schema(value_type = Option<i64>)]
    pub(super) id: Option<i64>,
    #[schema(format = IdnEmail, example = "ada@example.com")]
    pub(super) email: String,
    /// The eperson whose password the token resets; null for a new registration.
    #[schema(format = "uuid", example = "028dcbb8-0da2-4122-a0ea-254be49ca107")]
    pub(super) user: Option<String>,
    /// `REGISTER` or `FORGOT`.
    #[serde(rename = "registrationType")]
    #[schema(example = "REGISTER")]
    pub(super) registration_type: &'static str,
    /// Always null: no external accounts here.
    #[serde(rename = "netId")]
    #[schema(value_type = Option<String>)]
    pub(super) net_id: Option<String>,
    /// Always `registration`.
    #[serde(rename = "type")]
    #[schema(example = "registration")]
    pub(super) kind: &'static str,
    #[serde(rename = "_links")]
    pub(super) links: SelfLink,
}

/// HAL's links of a resource: where it is.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = DSpaceLinks)]
pub struct SelfLink {
    #[serde(rename = "self")]
    pub(super) this: Href,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = DSpaceHref)]
pub struct Href {
    pub(super) href: String,
}

/// `POST /api/eperson/epersons?token=…`: the new eperson as the DSpace UI sends it. Only the
/// names, the password and the address are read; other metadata (`eperson.phone`,
/// `eperson.language`, …) and members (`canLogIn`, `requireCertificate`) are ignored.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[schema(as = DSpaceNewEPerson)]
pub struct NewEPerson {
    /// `eperson.firstname` and `eperson.lastname`, each `[{"value": …}]`.
    #[serde(default)]
    #[schema(value_type = Object, example = json!({
        "eperson.firstname": [{"value": "Ada"}],
        "eperson.lastname": [{"value": "Lovelace"}]
    }))]
    pub metadata: BTreeMap<String, Vec<MetadataEntry>>,
    #[schema(example = "correct horse battery staple")]
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub password: String,
    /// When sent, it must be the token's address.
    #[schema(format = IdnEmail, example = "ada@example.com")]
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub email: String,
}

/// One metadata value as sent; only `value` is read.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[schema(as = DSpaceMetadataEntry)]
pub struct MetadataEntry {
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub value: Value,
}

impl NewEPerson {
    /// The first text value of a metadata field, or empty.
    pub(super) fn first(&self, field: &str) -> String {
        let values = self.metadata.get(field).map(Vec::as_slice).unwrap_or(&[]);
        values
            .iter()
            .find_map(|entry| entry.value.as_str())
            .unwrap_or_default()
            .to_owned()
    }
}

/// One JSON Patch operation; `add` (or `replace`) of `/password` with
/// `{"new_password": …}` is the one taken with a token.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = DSpacePatchOperation)]
pub struct PatchOperation {
    #[schema(example = "add")]
    pub op: String,
    #[schema(example = "/password")]
    pub path: String,
    /// `{"new_password": …}` (DSpace 7.2 and later; earlier clients sent the password itself).
    #[serde(default)]
    #[schema(value_type = Object, example = json!({"new_password": "correct horse battery staple"}))]
    pub value: Value,
}

/// An eperson as DSpace shows one.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = DSpaceEPerson)]
pub struct EPerson {
    /// The account's public id.
    #[schema(format = "uuid", example = "028dcbb8-0da2-4122-a0ea-254be49ca107")]
    pub(super) id: String,
    #[schema(format = "uuid", example = "028dcbb8-0da2-4122-a0ea-254be49ca107")]
    pub(super) uuid: String,
    /// The address, as DSpace names epersons.
    pub(super) name: String,
    #[schema(value_type = Option<String>)]
    pub(super) handle: Option<String>,
    /// `eperson.firstname`, `eperson.lastname` (and `eperson.language` when one is kept).
    #[schema(value_type = Object)]
    pub(super) metadata: BTreeMap<&'static str, Vec<MetadataValue>>,
    #[schema(value_type = Option<String>)]
    pub(super) netid: Option<String>,
    #[serde(rename = "lastActive")]
    #[schema(value_type = Option<String>)]
    pub(super) last_active: Option<String>,
    /// Whether the account may sign in now (not while it waits for approval or is disabled).
    #[serde(rename = "canLogIn")]
    pub(super) can_log_in: bool,
    pub(super) email: String,
    #[serde(rename = "requireCertificate")]
    pub(super) require_certificate: bool,
    /// True: doorstep does not keep who made an account, and this API's accounts are made by
    /// their owners.
    #[serde(rename = "selfRegistered")]
    pub(super) self_registered: bool,
    /// Always `eperson`.
    #[serde(rename = "type")]
    #[schema(example = "eperson")]
    pub(super) kind: &'static str,
    #[serde(rename = "_links")]
    pub(super) links: SelfLink,
}

/// One metadata value as DSpace shows it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = DSpaceMetadataValue)]
pub struct MetadataValue {
    pub(super) value: String,
    #[schema(value_type = Option<String>)]
    pub(super) language: Option<String>,
    #[schema(value_type = Option<String>)]
    pub(super) authority: Option<String>,
    /// -1: no authority control.
    pub(super) confidence: i32,
    pub(super) place: u32,
}
