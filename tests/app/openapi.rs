//! The API description: complete, well-formed, and true of the replies the routes send.

use rocket::http::Status;
use serde_json::{Value, json};

use crate::support::{TestApp, signup_body};

async fn description(app: &TestApp) -> Value {
    let reply = app.get_json("/store/openapi.json").await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    reply.json()
}

async fn app() -> TestApp {
    app_with(|_| {}).await
}

async fn app_with(configure: impl FnOnce(&mut doorstep::config::Settings)) -> TestApp {
    TestApp::with(|s| {
        s.base_path = "/store".into();
        s.reset.enabled = true;
        configure(s);
    })
    .await
}

/// `/auth/captcha/<file>` → `/auth/captcha/{file}`; `<path..>` → `{path}`.
fn openapi_path(rocket_path: &str) -> String {
    rocket_path
        .split('/')
        .map(|segment| match segment.strip_prefix('<') {
            Some(name) => format!("{{{}}}", name.trim_end_matches('>').trim_end_matches("..")),
            None => segment.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[rocket::async_test]
async fn every_mounted_route_is_described() {
    let app = app().await;
    let doc = description(&app).await;
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(doc["servers"][0]["url"], "http://127.0.0.1:8000/store");
    let mut seen = 0;
    for route in app.client.rocket().routes() {
        let path = route.uri.path().to_string();
        let Some(path) = path.strip_prefix("/store").map(str::to_owned) else {
            panic!("{path} is mounted outside base-path");
        };
        let path = openapi_path(if path.is_empty() { "/" } else { &path });
        let method = route.method.as_str().to_ascii_lowercase();
        let operation = &doc["paths"][&path][&method];
        assert!(operation.is_object(), "{method} {path} is not described");
        assert!(
            operation["responses"]["500"].is_object(),
            "{method} {path}: no shared errors"
        );
        seen += 1;
    }
    assert!(seen >= 17, "only {seen} routes mounted");
}

/// Every `$ref` in `value` names a schema the document has.
fn assert_refs_resolve(value: &Value, schemas: &Value) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get("$ref") {
                let name = target.strip_prefix("#/components/schemas/").unwrap();
                assert!(schemas[name].is_object(), "dangling {target}");
            }
            map.values().for_each(|v| assert_refs_resolve(v, schemas));
        }
        Value::Array(items) => items.iter().for_each(|v| assert_refs_resolve(v, schemas)),
        _ => {}
    }
}

#[rocket::async_test]
async fn every_reference_resolves_and_every_error_code_is_listed() {
    let app = app().await;
    let doc = description(&app).await;
    let schemas = &doc["components"]["schemas"];
    assert_refs_resolve(&doc, schemas);
    let codes = &schemas["ErrorBody"]["properties"]["error"]["enum"];
    for code in [
        "invalid_request",
        "weak_password",
        "captcha_required",
        "token_invalid",
        "token_expired",
        "csrf_invalid",
        "origin_not_allowed",
        "rate_limited",
        "busy",
        "unavailable",
        "internal",
    ] {
        assert!(codes.as_array().unwrap().contains(&json!(code)), "{code}");
    }
    let sign_up = &doc["paths"]["/auth/signup"]["post"];
    let bodies = sign_up["requestBody"]["content"].as_object().unwrap();
    assert!(bodies.contains_key("application/json"));
    assert!(bodies.contains_key("application/x-www-form-urlencoded"));
    let me = &doc["paths"]["/auth/me"]["get"];
    assert_eq!(
        me["security"],
        json!([{"session": []}, {"bearer": []}, {"basic": []}])
    );
    let schemes = &doc["components"]["securitySchemes"];
    assert_eq!(schemes["session"]["in"], "cookie");
    assert_eq!(schemes["bearer"]["scheme"], "bearer");
    assert_eq!(schemes["basic"]["scheme"], "basic");
    // Changing credentials needs a session: app passwords (Basic) are not offered there.
    let create = &doc["paths"]["/auth/me/app-passwords"]["post"];
    assert_eq!(create["security"], json!([{"session": []}, {"bearer": []}]));
    assert!(create["responses"]["201"].is_object());
}

/// `reply`'s members are the schema's properties, and every required one is there.
fn assert_fits(reply: &Value, schema_name: &str, doc: &Value) {
    let schema = &doc["components"]["schemas"][schema_name];
    let properties = schema["properties"].as_object().unwrap();
    for key in reply.as_object().unwrap().keys() {
        assert!(properties.contains_key(key), "{schema_name} lacks {key}");
    }
    for required in schema["required"].as_array().into_iter().flatten() {
        let required = required.as_str().unwrap();
        assert!(reply.get(required).is_some(), "{required} missing: {reply}");
    }
}

#[rocket::async_test]
async fn replies_match_their_schemas() {
    let app = app().await;
    let doc = description(&app).await;
    let page = app.get_json("/store/auth/signup").await.json();
    assert_fits(&page, "SignUpPage", &doc);
    let sent = app
        .post_json("/store/auth/signup", &signup_body("ada@example.com"))
        .await;
    assert_fits(&sent.json(), "ConfirmationSent", &doc);
    let refused = app
        .post_json("/store/auth/signup", &json!({"email": "nope"}))
        .await;
    assert_eq!(refused.status, Status::BadRequest);
    assert_fits(&refused.json(), "ErrorBody", &doc);
    let pictures = app_with(|s| s.captcha.image = true).await;
    let challenge = pictures.get_json("/store/auth/captcha").await.json();
    assert_fits(&challenge, "PictureChallenge", &doc);
    let health = app.get_json("/store/healthz").await.json();
    assert_fits(&health, "Health", &doc);
    let discovery = app.get_json("/store/.well-known/doorstep").await.json();
    assert_fits(&discovery, "Discovery", &doc);
    // Discovery lists the sign-up body's own fields (the captcha's come first in `allOf`),
    // required where the body's type requires them.
    let form = &doc["components"]["schemas"]["SignUpForm"]["allOf"][1];
    let required = form["required"].as_array().unwrap();
    let fields: Vec<Value> = form["properties"]
        .as_object()
        .unwrap()
        .keys()
        .map(|name| json!({"name": name, "required": required.contains(&json!(name))}))
        .collect();
    assert_eq!(discovery["signup"]["fields"], json!(fields));
}

#[rocket::async_test]
async fn the_reference_page_shows_every_operation_and_code() {
    let app = app().await;
    let page = app.get_html("/store/docs").await;
    assert_eq!(page.status, Status::Ok);
    let body = page.body.replace("&#x2F;", "/");
    assert!(
        page.content_type
            .as_deref()
            .unwrap()
            .starts_with("text/html")
    );
    for text in [
        "<code>/auth/signup/confirm</code>",
        "<code>/auth/pwreset</code>",
        "<code>firstname</code>",
        "<code>token_expired</code>",
        "/store/openapi.json",
    ] {
        assert!(body.contains(text), "{text} missing from /docs");
    }
    assert!(
        !page.body.contains("<script"),
        "the reference needs no script"
    );
}

/// Refusals are negotiated like replies, so each one is described as both `ErrorBody` and the
/// error page: a browser (or a client sending no `Accept`) gets HTML.
#[rocket::async_test]
async fn every_refusal_is_described_as_json_and_as_a_page() {
    let app = app().await;
    let doc = description(&app).await;
    let mut refusals = 0;
    for (path, operations) in doc["paths"].as_object().unwrap() {
        for (method, operation) in operations.as_object().unwrap() {
            for (status, response) in operation["responses"].as_object().unwrap() {
                if !status.starts_with(['4', '5']) {
                    continue;
                }
                let content = response["content"].as_object().unwrap();
                assert_eq!(
                    content["application/json"]["schema"]["$ref"], "#/components/schemas/ErrorBody",
                    "{method} {path} {status}"
                );
                assert_eq!(content["text/html"]["schema"]["type"], "string");
                refusals += 1;
            }
        }
    }
    assert!(refusals > 50, "only {refusals} refusals described");
    let page = app.get_html("/store/auth/me").await;
    assert_eq!(page.status, Status::Unauthorized);
    assert!(page.content_type.unwrap().starts_with("text/html"));
}

#[rocket::async_test]
async fn the_configured_password_lengths_and_address_format_are_described() {
    let app = app_with(|s| s.password.min_length = 12).await;
    let doc = description(&app).await;
    let password = property(&doc, "SignUpForm", "password");
    assert_eq!(password["minLength"], 12);
    assert_eq!(password["maxLength"], 1024);
    for form in ["SignUpForm", "ResetRequestForm", "SignInForm"] {
        let email = property(&doc, form, "email");
        assert_eq!(email["format"], "idn-email", "{form}");
    }
}

/// Property `name` of component `schema`, also inside its `allOf` (a flattened struct).
fn property<'a>(doc: &'a Value, schema: &str, name: &str) -> &'a Value {
    let schema = &doc["components"]["schemas"][schema];
    let parts = schema["allOf"].as_array().into_iter().flatten();
    std::iter::once(schema)
        .chain(parts)
        .map(|part| &part["properties"][name])
        .find(|property| property.is_object())
        .unwrap_or_else(|| panic!("no property {name}"))
}
