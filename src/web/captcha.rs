//! doorstep's own captchas' routes: a fresh picture challenge as JSON, its picture, and a
//! proof-of-work challenge.

use rocket::http::Header;
use rocket::serde::json::Json;
use rocket::{State, get};

use super::Doorstep;
use super::negotiate::Failed;
use super::views::{ErrorBody, PictureChallenge};
use crate::captcha::image;
use crate::captcha::pow::Challenge;
use crate::error::Error;
use crate::limits::{self, ClientAddress};

/// A new challenge: `{"id": …, "image": <URL of its PNG>}`; 404 while the image captcha is off.
#[utoipa::path(
    tag = "captcha",
    responses(
        (status = 200, description = "A new picture challenge", body = PictureChallenge),
        (status = 404, description = "`not_found`: the picture captcha is off", body = ErrorBody),
        (status = 429, description = "`rate_limited`, with `Retry-After`", body = ErrorBody),
    )
)]
#[get("/auth/captcha")]
pub async fn challenge(
    app: &State<Doorstep>,
    client: ClientAddress,
) -> Result<Json<PictureChallenge>, Failed> {
    if !app.accounts.captcha.image_enabled() {
        return Err(Error::NotFound.into());
    }
    limits::allow_captcha_image(&app.accounts.db, &client, app.clock.now()).await?;
    let challenge = image::issue(&app.accounts.db, app.clock.now()).await?;
    Ok(Json(PictureChallenge {
        image: app.links().captcha_image(&challenge.id),
        id: challenge.id,
    }))
}

/// A new proof-of-work challenge (ALTCHA's JSON); 404 while the proof of work is off.
///
/// Issuing stores nothing, so it needs no limit: the cost falls on whoever solves it.
#[utoipa::path(
    tag = "captcha",
    responses(
        (status = 200, description = "A new proof-of-work challenge: find the number \
            (0 to `maxnumber`) whose SHA-256 after `salt` is `challenge`, then send \
            `altcha` = base64 of `{\"algorithm\", \"challenge\", \"number\", \"salt\", \
            \"signature\"}` with the form", body = Challenge),
        (status = 404, description = "`not_found`: the proof of work is off", body = ErrorBody),
    )
)]
#[get("/auth/challenge")]
pub fn proof_of_work(app: &State<Doorstep>) -> Result<Json<Challenge>, Failed> {
    let pow = app.accounts.captcha.pow().ok_or(Error::NotFound)?;
    Ok(Json(pow.issue(app.clock.now())))
}

/// A PNG that no cache keeps: a challenge is good for one try.
#[derive(rocket::Responder)]
#[response(content_type = "image/png")]
pub struct Png(Vec<u8>, Header<'static>);

/// The picture of a challenge; 404 once it is unknown, expired or used.
#[utoipa::path(
    tag = "captcha",
    params(("file" = String, Path, description = "`<id>.png`")),
    responses(
        (status = 200, description = "The challenge's picture", content((Vec<u8> = "image/png"))),
        (status = 404, description = "`not_found`: unknown, expired or used, or the captcha is off",
            body = ErrorBody),
        (status = 429, description = "`rate_limited`, with `Retry-After`", body = ErrorBody),
    )
)]
#[get("/auth/captcha/<file>")]
pub async fn picture(
    app: &State<Doorstep>,
    client: ClientAddress,
    file: &str,
) -> Result<Png, Failed> {
    let id = file.strip_suffix(".png").ok_or(Error::NotFound)?;
    if !app.accounts.captcha.image_enabled() {
        return Err(Error::NotFound.into());
    }
    limits::allow_captcha_image(&app.accounts.db, &client, app.clock.now()).await?;
    match image::png_or_issue(&app.accounts.db, id, app.clock.now()).await? {
        Some(png) => Ok(Png(png, Header::new("Cache-Control", "no-store"))),
        None => Err(Error::NotFound.into()),
    }
}

#[cfg(test)]
mod tests {
    use rocket::http::{ContentType, Status};
    use rocket::local::asynchronous::Client;

    use crate::App;
    use crate::config::Settings;
    use crate::mail::{MemoryMailbox, Transport};

    async fn client(dir: &tempfile::TempDir, image: bool) -> Client {
        let mut settings = Settings::defaults();
        settings.database_url = format!("sqlite://{}/t.db?mode=rwc", dir.path().display());
        settings.base_path = "/store".into();
        settings.captcha.image = image;
        let figment = rocket::Config::figment()
            .merge(("secret_key", "hPRYyVRiMyxpw5sBB1XeCMN1kFsDCqKvBi2QJxBVHQk="));
        let app = App::new(settings)
            .figment(figment)
            .transport(Transport::Memory(MemoryMailbox::default()))
            .worker(false);
        Client::tracked(app.rocket()).await.unwrap()
    }

    #[tokio::test]
    async fn a_challenge_and_its_picture() {
        let dir = tempfile::tempdir().unwrap();
        let client = client(&dir, true).await;
        let reply = client.get("/store/auth/captcha").dispatch().await;
        assert_eq!(reply.status(), Status::Ok);
        assert_eq!(reply.content_type(), Some(ContentType::JSON));
        let body: serde_json::Value = reply.into_json().await.unwrap();
        let id = body["id"].as_str().unwrap();
        let url = format!("http://127.0.0.1:8000/store/auth/captcha/{id}.png");
        assert_eq!(body["image"], url.as_str());
        let picture = client
            .get(format!("/store/auth/captcha/{id}.png"))
            .dispatch()
            .await;
        assert_eq!(picture.status(), Status::Ok);
        assert_eq!(picture.content_type(), Some(ContentType::PNG));
        assert_eq!(picture.headers().get_one("Cache-Control"), Some("no-store"));
        assert!(picture.into_bytes().await.unwrap().starts_with(b"\x89PNG"));
        for missing in [
            format!("/store/auth/captcha/{id}"),
            "/store/auth/captcha/x.png".into(),
        ] {
            let reply = client
                .get(missing)
                .header(ContentType::JSON)
                .dispatch()
                .await;
            assert_eq!(reply.status(), Status::NotFound);
        }
    }

    #[tokio::test]
    async fn no_challenges_while_the_image_captcha_is_off() {
        let dir = tempfile::tempdir().unwrap();
        let client = client(&dir, false).await;
        let reply = client.get("/store/auth/captcha").dispatch().await;
        assert_eq!(reply.status(), Status::NotFound);
    }
}
