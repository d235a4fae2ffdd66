//! A page: one of the templates (shipped, or the operator's override) filled with values.

use rocket::Request;
use rocket::http::Status;
use rocket::response::content::RawHtml;
use rocket::response::{self, Responder};
use serde_json::{Map, Value};

use super::Doorstep;
use super::negotiate::Failed;
use crate::error::Error;

/// The page every error is shown on.
pub const ERROR_PAGE: &str = "error.html.tera";

/// Said when even the error page cannot be rendered (an operator's broken override of it).
const LAST_RESORT: &str = "<!doctype html><title>Error</title><p>Something went wrong on our \
                           side.</p><p>Error code: <code>internal</code></p>";

/// A template and its values, rendered when the reply is sent.
pub struct Page {
    status: Status,
    template: &'static str,
    values: Map<String, Value>,
}

impl Page {
    pub fn new(status: Status, template: &'static str, values: Map<String, Value>) -> Page {
        Page {
            status,
            template,
            values,
        }
    }
}

impl<'r> Responder<'r, 'static> for Page {
    /// A template that fails to render (say, an override that uses a value the page lacks) is
    /// logged and answered with the error page as 500, never a panic.
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        let rendered = match req.rocket().state::<Doorstep>() {
            Some(app) => app
                .templates
                .render(self.template, &Value::Object(self.values)),
            None => Err("the server has not started".to_owned()),
        };
        match rendered {
            Ok(html) => (self.status, RawHtml(html)).respond_to(req),
            Err(cause) => {
                log::error!("rendering the page {}: {cause}", self.template);
                if self.template == ERROR_PAGE {
                    (Status::InternalServerError, RawHtml(LAST_RESORT)).respond_to(req)
                } else {
                    Failed::from(Error::Internal).respond_to(req)
                }
            }
        }
    }
}
