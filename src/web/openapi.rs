//! The API description: OpenAPI 3.1 derived from the handlers' own request and reply types, so
//! it cannot drift from what the routes do. Built once at start-up.

use serde::Serialize;
use serde_json::{Value, json};
use utoipa::{OpenApi, ToSchema};

use super::views::{
    AccountCreated, ChoosePassword, ConfirmationSent, DetailsRequired, ErrorBody, ResetRequestPage,
    SignUpPage,
};
use crate::compat::cadmium;
use crate::config::{Settings, UsernameMode};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "doorstep",
        description = "Self-service account registration: sign-up with email confirmation, \
            password reset and sessions. Every route serves browsers (HTML forms) and programs \
            (JSON) alike: bodies are `application/json` or `application/x-www-form-urlencoded` \
            with the same field names; replies are JSON when `Accept` prefers \
            `application/json`, or when `Accept` is absent or `*/*` and the body was JSON, \
            otherwise HTML. Every refusal is the `ErrorBody` shape with a stable `error` code."
    ),
    paths(
        super::index,
        super::healthz,
        super::signup::form,
        super::signup::sign_up,
        super::signup::confirm,
        super::email_first::complete,
        super::signup::resend,
        super::signup::status,
        super::signup::username,
        super::signup::whitelist,
        super::password_reset::form,
        super::password_reset::request,
        super::password_reset::confirm,
        super::session::form,
        super::session::sign_in,
        super::session::sign_out,
        super::session::me,
        super::session::verify,
        super::account_sessions::list,
        super::account_sessions::end,
        super::account_sessions::end_by_form,
        super::app_passwords::create,
        super::app_passwords::list,
        super::app_passwords::revoke,
        super::app_passwords::revoke_by_form,
        super::self_service::change_password,
        super::self_service::change_email,
        super::self_service::email_link,
        super::self_service::confirm_email,
        super::self_service::delete_account,
        super::self_service::export,
        super::captcha::challenge,
        super::captcha::picture,
        super::captcha::proof_of_work,
        super::static_files::file,
        super::metrics::scrape,
        super::description,
        super::reference,
        super::discovery::discovery,
        super::compat::ald::register,
        super::compat::ald::token,
        super::compat::ald::verify,
        super::invitations::invite,
        super::invitations::list,
        super::invitations::withdraw,
        super::invitations::withdraw_by_form,
        super::admin::registration_tokens::list,
        super::admin::registration_tokens::create,
        super::admin::registration_tokens::revoke,
        super::compat::cadmium::message,
        super::compat::nextcloud::verify,
        super::compat::nextcloud::create,
        super::compat::nextcloud::status,
        super::compat::nextcloud::well_known,
        super::compat::nextcloud::one_step,
        super::compat::nextcloud::ocs_validate,
        super::compat::nextcloud::ocs_register,
        super::compat::nextcloud::ocs_status,
        super::compat::dspace::register,
        super::compat::dspace::list,
        super::compat::dspace::show,
        super::compat::dspace::find_by_token,
        super::compat::dspace::create_eperson,
        super::compat::dspace::set_password,
        super::admin::overview::overview,
        super::admin::users::list,
        super::admin::users::show,
        super::admin::users::act,
        super::admin::users::set_role,
        super::admin::audit::list,
    ),
    components(schemas(
        ErrorBody,
        cadmium::RegisterPayload,
        cadmium::ConfirmPayload,
        cadmium::Registered,
        cadmium::Confirmed,
        cadmium::Refusal,
        cadmium::LoginPayload,
    )),
    tags(
        (name = "sign-up", description = "Sign-up and email confirmation"),
        (name = "password reset", description = "Forgot password: a link, then a new password"),
        (name = "sessions", description = "Signing in and out, and the account's sessions"),
        (name = "app passwords", description = "Long-lived credentials for programs: they \
            read the account (Bearer or Basic), never change its credentials"),
        (name = "your account", description = "Self-service for a signed-in session: a new \
            password, a new address, deleting the account, its export"),
        (name = "invitations", description = "Inviters and admins invite people by mail; the \
            invitation link's form creates an active account"),
        (name = "captcha", description = "doorstep's own picture challenge"),
        (name = "service", description = "Health and this description"),
        (name = "ald", description = "ALD's registration API (`doorstep.compat.ald`): a \
            session whose id the mail carries, its code shown as a picture, verified with the \
            code; in its own refusal shape"),
        (name = "admin", description = "The admin area (admins' sessions only): accounts, \
            approval, registration tokens and the audit log; pages for browsers, JSON for programs"),
        (name = "cadmium", description = "Cadmium's in-band registration (CPE#3), while \
            `doorstep.compat.cadmium` is on"),
        (name = "nextcloud", description = "Nextcloud's registration APIs \
            (`doorstep.compat.nextcloud`): the draft of the registration app's issue #41 and \
            the OCS API it shipped; in their own shapes, refusals included"),
        (name = "dspace", description = "DSpace 7's eperson registrations API \
            (`doorstep.compat.dspace`): register and forgot by mailed token, in DSpace's \
            shapes and statuses, refusals in Spring's error body"),
    )
)]
struct Description;

/// `POST /auth/signup`: the confirmation mail is on its way, or with `invitation`, the account
/// exists.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub enum ConfirmationSentOrAccount {
    Sent(ConfirmationSent),
    Confirmed(AccountCreated),
}

/// `GET /auth/signup`: the form's description, or with `confirm`, the confirmed account (in
/// email-first mode, the details the link's sign-up still wants).
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub enum SignUpPageOrAccount {
    Form(Box<SignUpPage>),
    Confirmed(AccountCreated),
    Details(DetailsRequired),
}

/// `POST /auth/signup/complete`: the account, or without details, which details are wanted.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub enum DetailsOrAccount {
    Confirmed(AccountCreated),
    Details(DetailsRequired),
}

/// `GET /auth/pwreset`: the request form's description, or with `confirm`, the form to choose
/// the new password on.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub enum ResetPageOrChoice {
    Request(ResetRequestPage),
    Choose(ChoosePassword),
}

/// Errors any route may answer with, whatever it declares: a fault of ours, a database that
/// is away or locked, a server at its limit.
const ANY_ROUTE: &[(&str, &str)] = &[
    ("500", "`internal`"),
    ("503", "`unavailable`, `busy` (both with `Retry-After`)"),
];

/// Errors of every route that reads a body.
const WITH_BODY: &[(&str, &str)] = &[
    (
        "400",
        "`invalid_request` (`fields.body`: `malformed`, `nul_character`)",
    ),
    (
        "403",
        "`csrf_invalid` (forms only), `origin_not_allowed` (anything but a form, sent by a \
         page whose origin is neither doorstep's nor in `doorstep.cors.origins`)",
    ),
    ("413", "`body_too_large` (over 32 KiB)"),
    ("415", "`unsupported_media_type`"),
];

/// The document, built once at start-up and served as it is.
pub struct ApiDescription(pub Value);

impl ApiDescription {
    pub fn new(settings: &Settings) -> ApiDescription {
        ApiDescription(document(settings))
    }
}

/// The document as served at `/openapi.json`: the derived description, the server it is
/// reached at, the errors every route shares and the session cookie's scheme.
fn document(settings: &Settings) -> Value {
    let mut doc = serde_json::to_value(Description::openapi()).unwrap_or(Value::Null);
    doc["info"]["version"] = json!(env!("CARGO_PKG_VERSION"));
    doc["info"]["license"] = json!({"name": "Apache-2.0", "identifier": "Apache-2.0"});
    let base = settings.base_url.as_str().trim_end_matches('/');
    doc["servers"] = json!([{ "url": format!("{base}{}", settings.base_path) }]);
    doc["components"]["securitySchemes"] = json!({
        "metrics_token": {
            "type": "http",
            "scheme": "bearer",
            "description": "`doorstep.metrics.token`, when the operator set one."
        },
        "session": {
            "type": "apiKey",
            "in": "cookie",
            "name": "doorstep_session",
            "description": "Set by `POST /auth/login`; named `__Host-doorstep_session` when \
                base-url is https."
        },
        "bearer": {
            "type": "http",
            "scheme": "bearer",
            "description": "The `token` of `POST /auth/login` (the same session as the \
                cookie), or on the routes that read the account, an app password (`dsap_…`)."
        },
        "basic": {
            "type": "http",
            "scheme": "basic",
            "description": "The account's address and an app password, never the account's \
                own password; only on the routes that read the account."
        }
    });
    // The lengths are the operator's, so generated clients and test tools see the real rule.
    for form in ["SignUpForm", "CompleteForm"] {
        if let Some(password) = property(&mut doc, form, "password") {
            password["minLength"] = json!(settings.password.min_length);
            password["maxLength"] = json!(settings.password.max_length);
        }
    }
    if settings.usernames.mode == UsernameMode::Off
        && let Some(properties) = doc.pointer_mut("/components/schemas/CompleteForm/properties")
    {
        properties
            .as_object_mut()
            .map(|p| p.shift_remove("username"));
    }
    // The captcha's fields are flattened in, so the form's own part is one of `allOf`.
    let form = &mut doc["components"]["schemas"]["SignUpForm"];
    for part in form["allOf"].as_array_mut().into_iter().flatten() {
        let Some(required) = part["required"].as_array_mut() else {
            continue;
        };
        if !settings.signup.names_required {
            // `doorstep.auth.signup.names=optional`: the names may be left out.
            required.retain(|name| name != "firstname" && name != "lastname");
        }
        if settings.signup.flow.is_email_first() {
            // Email-first: the address alone; the details go to `POST /auth/signup/complete`.
            let details = ["firstname", "lastname", "username", "password"];
            required.retain(|name| !details.iter().any(|detail| name == detail));
            if let Some(properties) = part["properties"].as_object_mut() {
                properties.retain(|name, _| !details.contains(&name.as_str()));
            }
            continue;
        }
        // `doorstep.auth.username`: off, the field is not taken; required, it must be sent.
        match settings.usernames.mode {
            UsernameMode::Off => {
                if let Some(properties) = part["properties"].as_object_mut() {
                    properties.shift_remove("username");
                }
            }
            UsernameMode::Optional => {}
            UsernameMode::Required => required.push(json!("username")),
        }
    }
    // `registration_token` is taken only in invite-only mode, and there it must be sent.
    // `invitation` belongs to an invitation link's form, which describes its own fields
    // (`GET /auth/signup?invitation=T`); the plain body, as discovery lists it, has none.
    let form = &mut doc["components"]["schemas"]["SignUpForm"];
    for part in form["allOf"].as_array_mut().into_iter().flatten() {
        let Some(properties) = part["properties"].as_object_mut() else {
            continue;
        };
        properties.shift_remove("invitation");
        if !settings.signup.invite_only {
            properties.shift_remove("registration_token");
        } else if let Some(required) = part["required"].as_array_mut() {
            required.push(json!("registration_token"));
        }
    }
    if !settings.app_passwords {
        // `doorstep.auth.app-passwords=off`: a sign-up cannot ask for one.
        let form = &mut doc["components"]["schemas"]["SignUpForm"];
        for part in form["allOf"].as_array_mut().into_iter().flatten() {
            if let Some(properties) = part["properties"].as_object_mut() {
                properties.remove("app_password");
            }
        }
    }
    let seeds = seed_apis(settings);
    describe_served_seeds(&mut doc, &seeds);
    if let Some(paths) = doc["paths"].as_object_mut() {
        for operation in paths.values_mut().filter_map(Value::as_object_mut) {
            // Other systems' APIs answer in their own shapes and declare every refusal.
            for operation in operation.values_mut() {
                if !is_seed(operation, &seeds) {
                    add_shared_errors(operation);
                }
            }
        }
    }
    doc
}

/// Other systems' APIs by their tag, and whether the settings switch each on.
fn seed_apis(settings: &Settings) -> [(&'static str, bool); 3] {
    [
        ("nextcloud", settings.nextcloud.enabled),
        ("ald", settings.ald),
        ("dspace", settings.dspace.enabled),
    ]
}

/// Whether an operation belongs to one of other systems' APIs.
fn is_seed(operation: &Value, seeds: &[(&str, bool)]) -> bool {
    let tags = operation["tags"].as_array().into_iter().flatten();
    tags.filter_map(Value::as_str)
        .any(|tag| seeds.iter().any(|(seed, _)| *seed == tag))
}

/// Drops the operations (and tags) of the seed APIs that are switched off: they are not
/// served, so they are not described.
fn describe_served_seeds(doc: &mut Value, seeds: &[(&str, bool)]) {
    let off: Vec<(&str, bool)> = seeds.iter().filter(|(_, on)| !on).copied().collect();
    if let Some(paths) = doc["paths"].as_object_mut() {
        for operations in paths.values_mut().filter_map(Value::as_object_mut) {
            operations.retain(|_, operation| !is_seed(operation, &off));
        }
        paths.retain(|_, operations| operations.as_object().is_some_and(|ops| !ops.is_empty()));
    }
    if let Some(tags) = doc["tags"].as_array_mut() {
        tags.retain(|tag| !off.iter().any(|(seed, _)| tag["name"] == *seed));
    }
}

/// Property `name` of component `schema`, also inside its `allOf` (a flattened struct).
fn property<'a>(doc: &'a mut Value, schema: &str, name: &str) -> Option<&'a mut Value> {
    let schema = doc.pointer_mut(&format!("/components/schemas/{schema}"))?;
    let path = format!("/properties/{name}");
    if schema.pointer(&path).is_some() {
        return schema.pointer_mut(&path);
    }
    schema
        .get_mut("allOf")?
        .as_array_mut()?
        .iter_mut()
        .find_map(|part| part.pointer_mut(&path))
}

/// Adds the shared refusals to one operation, beside the ones it declares itself.
fn add_shared_errors(operation: &mut Value) {
    let reads_body = operation.get("requestBody").is_some();
    let Some(responses) = operation["responses"].as_object_mut() else {
        return;
    };
    let shared = ANY_ROUTE
        .iter()
        .chain(if reads_body { WITH_BODY } else { &[] });
    for (status, codes) in shared {
        let response = responses.entry(*status).or_insert_with(|| {
            json!({
                "description": "",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
            })
        });
        let description = response["description"].as_str().unwrap_or_default();
        response["description"] = json!(if description.is_empty() {
            (*codes).to_owned()
        } else {
            format!("{description}; {codes}")
        });
    }
    for (status, response) in responses.iter_mut() {
        if status.starts_with(['4', '5']) {
            add_error_page(response);
        }
    }
}

/// A refusal is negotiated like any reply: `ErrorBody` for programs, the error page for
/// browsers (and for clients that send no `Accept` with a form or no body).
fn add_error_page(response: &mut Value) {
    let Some(content) = response["content"].as_object_mut() else {
        return;
    };
    if content.contains_key("application/json") {
        content
            .entry("text/html")
            .or_insert_with(|| json!({"schema": {"type": "string"}}));
    }
}
