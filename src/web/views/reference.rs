//! `GET /docs`: the OpenAPI description laid out as a page to read.

use serde::Serialize;
use serde_json::{Map, Value};
use strum::IntoEnumIterator;
use utoipa::ToSchema;

use super::View;
use crate::error::Error;

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// The API reference: every operation by tag, then every error code. Descriptions are HTML.
#[derive(Serialize, ToSchema)]
pub struct ApiReference {
    title: String,
    version: String,
    description: String,
    /// Where the routes are reached.
    server: String,
    sections: Vec<Section>,
    errors: Vec<ErrorCode>,
}

#[derive(Serialize, ToSchema)]
struct Section {
    tag: String,
    description: String,
    operations: Vec<Operation>,
}

#[derive(Serialize, ToSchema)]
struct Operation {
    /// `GET`, `POST`, …
    method: String,
    path: String,
    summary: String,
    description: String,
    /// Whether it needs the session cookie.
    signed_in: bool,
    parameters: Vec<Field>,
    /// The media types the body may come as; empty when none is read.
    body_types: Vec<String>,
    body: Vec<Field>,
    responses: Vec<Outcome>,
}

#[derive(Serialize, ToSchema)]
struct Field {
    name: String,
    kind: String,
    required: bool,
    description: String,
}

#[derive(Serialize, ToSchema)]
struct Outcome {
    status: String,
    description: String,
    /// Media type and body shape, e.g. `application/json: ConfirmationSent`.
    bodies: Vec<String>,
}

#[derive(Serialize, ToSchema)]
struct ErrorCode {
    code: &'static str,
    status: u16,
    message: String,
}

impl ApiReference {
    /// Reads the OpenAPI document `doc` (as served at `/openapi.json`).
    pub fn of(doc: &Value) -> ApiReference {
        let schemas = &doc["components"]["schemas"];
        let tags = doc["tags"].as_array().cloned().unwrap_or_default();
        let mut sections: Vec<Section> = tags
            .iter()
            .map(|tag| Section {
                tag: text(&tag["name"]),
                description: prose(&tag["description"]),
                operations: Vec::new(),
            })
            .collect();
        for (path, item) in doc["paths"].as_object().into_iter().flatten() {
            for method in METHODS {
                let Some(operation) = item.get(method) else {
                    continue;
                };
                let tag = text(&operation["tags"][0]);
                let Some(section) = sections.iter_mut().find(|s| s.tag == tag) else {
                    continue;
                };
                section
                    .operations
                    .push(Operation::of(method, path, operation, schemas));
            }
        }
        let mut errors: Vec<ErrorCode> = Error::iter()
            .map(|error| ErrorCode {
                code: error.code(),
                status: error.status(),
                message: error.to_string(),
            })
            .collect();
        errors.sort_by_key(|error| error.status);
        ApiReference {
            title: text(&doc["info"]["title"]),
            version: text(&doc["info"]["version"]),
            description: prose(&doc["info"]["description"]),
            server: text(&doc["servers"][0]["url"]),
            sections,
            errors,
        }
    }
}

impl Operation {
    fn of(method: &str, path: &str, operation: &Value, schemas: &Value) -> Operation {
        let parameters = operation["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|parameter| Field {
                name: text(&parameter["name"]),
                kind: format!(
                    "{} ({})",
                    kind(&parameter["schema"]),
                    text(&parameter["in"])
                ),
                required: parameter["required"].as_bool().unwrap_or(false),
                description: prose(&parameter["description"]),
            })
            .collect();
        let content = operation["requestBody"]["content"].as_object();
        let body_types = content.into_iter().flatten().map(|(t, _)| t.clone());
        let body = content
            .and_then(|content| content.values().next())
            .map(|media| fields(&media["schema"], schemas))
            .unwrap_or_default();
        let responses = operation["responses"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(status, response)| Outcome {
                status: status.clone(),
                description: prose(&response["description"]),
                bodies: response["content"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(media, body)| format!("{media}: {}", kind(&body["schema"])))
                    .collect(),
            })
            .collect();
        Operation {
            method: method.to_ascii_uppercase(),
            path: path.to_owned(),
            summary: prose(&operation["summary"]),
            description: prose(&operation["description"]),
            signed_in: operation["security"]
                .as_array()
                .is_some_and(|security| !security.iter().any(|s| s == &Value::Object(Map::new()))),
            parameters,
            body_types: body_types.collect(),
            body,
            responses,
        }
    }
}

/// The fields of an object schema, following `$ref` and `allOf` (flattened parts).
fn fields(schema: &Value, schemas: &Value) -> Vec<Field> {
    let schema = resolve(schema, schemas);
    let mut found: Vec<Field> = schema["allOf"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|part| fields(part, schemas))
        .collect();
    let required = schema["required"].as_array();
    for (name, property) in schema["properties"].as_object().into_iter().flatten() {
        found.push(Field {
            name: name.clone(),
            kind: kind(property),
            required: required.is_some_and(|names| names.iter().any(|n| n == name)),
            description: prose(&property["description"]),
        });
    }
    found
}

fn resolve<'a>(schema: &'a Value, schemas: &'a Value) -> &'a Value {
    match schema["$ref"].as_str().and_then(|r| r.rsplit('/').next()) {
        Some(name) => &schemas[name],
        None => schema,
    }
}

/// A schema's shape in a few words: its name, or its type.
fn kind(schema: &Value) -> String {
    if let Some(name) = schema["$ref"].as_str().and_then(|r| r.rsplit('/').next()) {
        return name.to_owned();
    }
    match &schema["type"] {
        Value::String(name) if name == "array" => format!("array of {}", kind(&schema["items"])),
        Value::String(name) => name.clone(),
        // OpenAPI 3.1 writes optional values as `["string", "null"]`.
        Value::Array(kinds) => kinds
            .iter()
            .filter(|k| *k != "null")
            .map(text)
            .collect::<Vec<_>>()
            .join(" or "),
        _ => "any".to_owned(),
    }
}

fn text(value: &Value) -> String {
    value.as_str().unwrap_or_default().to_owned()
}

/// The description's Markdown code spans as `<code>`, everything escaped: HTML the page may
/// show as it is (`| safe`). The text is ours, written in doc comments, never a request's.
fn prose(value: &Value) -> String {
    let mut html = String::new();
    for (i, part) in text(value).split('`').enumerate() {
        let part = tera::escape_html(part);
        if i % 2 == 1 {
            html.push_str(&format!("<code>{part}</code>"));
        } else {
            html.push_str(&part);
        }
    }
    html
}

impl View for ApiReference {
    const TEMPLATE: &'static str = "docs.html.tera";
}
