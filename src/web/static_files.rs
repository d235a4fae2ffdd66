//! `GET /static/<path..>`: the stylesheet and other files carried in the binary.

use std::borrow::Cow;
use std::io::Cursor;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rocket::http::uri::Segments;
use rocket::http::uri::fmt::Path;
use rocket::http::{ContentType, Header, Status};
use rocket::response::{self, Responder};
use rocket::{Request, Response, get};

use super::negotiate::Failed;
use crate::assets;
use crate::error::Error;

/// Files change only with a new release; an hour keeps a deployment's new CSS from waiting long.
const CACHE_CONTROL: &str = "public, max-age=3600";

/// A shipped static file; unknown paths (and any `.`-segment) are 404 in our error shape.
#[utoipa::path(
    tag = "service",
    params(("path" = String, Path, description = "The file, e.g. `doorstep.css`")),
    responses(
        (status = 200, description = "The file, with an `ETag`; cached for an hour",
            content((String = "text/css"), (Vec<u8> = "application/octet-stream"))),
        (status = 304, description = "`If-None-Match` names the current `ETag`"),
        (status = 404, description = "`not_found`", body = crate::web::views::ErrorBody),
    )
)]
#[get("/static/<path..>")]
pub fn file(path: Segments<'_, Path>) -> Result<StaticFile, Failed> {
    // The lookup is in the binary's own table, so no path can reach the file system; dot
    // segments and a decoded `%2F` are refused anyway, so that `..` never means anything.
    let segments: Vec<&str> = path.collect();
    let refused = |s: &&str| s.is_empty() || s.starts_with('.') || s.contains(['/', '\\']);
    if segments.is_empty() || segments.iter().any(refused) {
        return Err(Error::NotFound.into());
    }
    let name = segments.join("/");
    let found = assets::static_file(&name).ok_or(Error::NotFound)?;
    let content_type = name
        .rsplit_once('.')
        .and_then(|(_, extension)| ContentType::from_extension(extension))
        .unwrap_or(ContentType::Binary);
    Ok(StaticFile {
        // The hash was computed when the binary was built: the tag costs nothing per request.
        etag: format!(
            "\"{}\"",
            URL_SAFE_NO_PAD.encode(found.metadata.sha256_hash())
        ),
        content_type,
        data: found.data,
    })
}

/// A static file's reply: its bytes, or `304 Not Modified` when the client's copy is current.
pub struct StaticFile {
    etag: String,
    content_type: ContentType,
    data: Cow<'static, [u8]>,
}

impl<'r> Responder<'r, 'static> for StaticFile {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        let current = req
            .headers()
            .get("If-None-Match")
            .any(|tags| matches_etag(tags, &self.etag));
        let mut response = Response::build();
        response
            .header(Header::new("ETag", self.etag))
            .header(Header::new("Cache-Control", CACHE_CONTROL));
        if current {
            response.status(Status::NotModified);
        } else {
            let length = self.data.len();
            response
                .header(self.content_type)
                .sized_body(length, Cursor::new(self.data));
        }
        response.ok()
    }
}

/// Whether an `If-None-Match` value (`*`, or a list of tags, weak or strong) names `etag`;
/// the comparison is weak, as RFC 9110 asks for this header.
fn matches_etag(header: &str, etag: &str) -> bool {
    header.split(',').map(str::trim).any(|tag| {
        let tag = tag.strip_prefix("W/").unwrap_or(tag);
        tag == "*" || tag == etag
    })
}

#[cfg(test)]
mod tests {
    use super::matches_etag;

    #[test]
    fn if_none_match_lists() {
        assert!(matches_etag("\"abc\"", "\"abc\""));
        assert!(matches_etag("\"x\", W/\"abc\"", "\"abc\""));
        assert!(matches_etag("*", "\"abc\""));
        assert!(!matches_etag("\"abcd\"", "\"abc\""));
        assert!(!matches_etag("abc", "\"abc\""));
        assert!(!matches_etag("", "\"abc\""));
    }
}
