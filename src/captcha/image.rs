//! doorstep's own captcha: five characters in a PNG, kept in the database so that any
//! instance can check the answer, and each challenge good for one try.

use ::captcha::filters::{Grid, Noise, Wave};
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QuerySelect,
};
use subtle::ConstantTimeEq as _;

use crate::entities::captcha_challenge::{self, Column, Entity as Challenges};
use crate::error::Error;

/// No look-alikes (0/O, 1/I/L): people read these without guessing.
const ALPHABET: &[u8] = b"ABCDEFGHJKMNPRSTUVWXYZ23456789";
const LENGTH: usize = 5;
const LIFETIME: Duration = Duration::minutes(10);
const WIDTH: u32 = 220;
const HEIGHT: u32 = 70;
/// Space left and right of the letters.
const MARGIN: u32 = 8;

/// A new challenge: its public id and its picture.
pub struct Challenge {
    pub id: String,
    pub png: Vec<u8>,
}

/// Makes, renders and stores a challenge valid for ten minutes.
pub async fn issue(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<Challenge, Error> {
    issue_with(db, now, random_answer()).await
}

async fn issue_with(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    answer: String,
) -> Result<Challenge, Error> {
    let (answer, png) = draw(answer).await?;
    let id = crate::random::url_token();
    let row = new_row(&id, &answer, png.clone(), now);
    Challenges::insert(row).exec_without_returning(db).await?;
    Ok(Challenge { id, png })
}

/// `text` drawn as a challenge is, and not stored: for a code whose digest is kept elsewhere
/// (a pictured registration's, see `accounts::pictured`). The font has no `0`: callers draw
/// the digits 1 to 9 and letters of `ALPHABET`.
pub async fn picture(text: &str) -> Result<Vec<u8>, Error> {
    draw(text.to_owned()).await.map(|(_, png)| png)
}

/// Renders off the threads that serve requests: it takes milliseconds of CPU.
async fn draw(answer: String) -> Result<(String, Vec<u8>), Error> {
    let drawn = tokio::task::spawn_blocking(move || render(&answer).map(|png| (answer, png)))
        .await
        .map_err(|err| Error::internal("rendering a captcha", err))?;
    drawn.ok_or_else(|| Error::internal("rendering a captcha", "no image"))
}

fn new_row(
    id: &str,
    answer: &str,
    png: Vec<u8>,
    now: DateTime<Utc>,
) -> captcha_challenge::ActiveModel {
    captcha_challenge::ActiveModel {
        id: Set(id.to_owned()),
        answer_hash: Set(digest(id, answer)),
        png: Set(png),
        created_at: Set(now),
        expires_at: Set(now + LIFETIME),
        used_at: Set(None),
    }
}

/// The picture of challenge `id`, made on first request: a page names a fresh random id and
/// only the image request does the work, so showing a form stays cheap. `None` when the id is
/// malformed, or its challenge expired or was used.
pub async fn png_or_issue(
    db: &DatabaseConnection,
    id: &str,
    now: DateTime<Utc>,
) -> Result<Option<Vec<u8>>, Error> {
    if !crate::random::is_url_token(id) {
        return Ok(None);
    }
    if Challenges::find_by_id(id.to_owned())
        .one(db)
        .await?
        .is_none()
    {
        let (answer, png) = draw(random_answer()).await?;
        let row = new_row(id, &answer, png, now);
        // Two image requests racing for one id: the first row stays, both show its picture.
        Challenges::insert(row)
            .on_conflict(
                sea_orm::sea_query::OnConflict::column(Column::Id)
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
    }
    png(db, id, now).await
}

/// The picture of a challenge that can still be solved; `None` when unknown, expired or used.
pub async fn png(
    db: &DatabaseConnection,
    id: &str,
    now: DateTime<Utc>,
) -> Result<Option<Vec<u8>>, Error> {
    let row = Challenges::find_by_id(id.to_owned())
        .filter(Column::UsedAt.is_null())
        .filter(Column::ExpiresAt.gt(now))
        .one(db)
        .await?;
    Ok(row.map(|row| row.png))
}

/// Checks an answer; the challenge is spent whatever the answer, so each one is one guess.
pub async fn solve(
    db: &DatabaseConnection,
    id: &str,
    answer: &str,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let answer = answer.trim().to_ascii_uppercase();
    if id.is_empty() || answer.is_empty() {
        return Err(Error::CaptchaRequired);
    }
    // The hash never changes, so it is read first: once the challenge is claimed below, the
    // sweep may delete it at any moment.
    let stored: Option<String> = Challenges::find_by_id(id.to_owned())
        .select_only()
        .column(Column::AnswerHash)
        .into_tuple()
        .one(db)
        .await?;
    let Some(stored) = stored else {
        return Err(Error::CaptchaInvalid);
    };
    // One atomic update: of several racing tries on the same challenge, exactly one counts.
    let claimed = Challenges::update_many()
        .col_expr(Column::UsedAt, Expr::value(now))
        .filter(Column::Id.eq(id))
        .filter(Column::UsedAt.is_null())
        .filter(Column::ExpiresAt.gt(now))
        .exec(db)
        .await?;
    let sent = digest(id, &answer);
    if claimed.rows_affected == 1 && bool::from(sent.as_bytes().ct_eq(stored.as_bytes())) {
        Ok(())
    } else {
        Err(Error::CaptchaInvalid)
    }
}

/// Forgets pictures as soon as they are spent or expired: nothing is shown about them later.
/// A spent proof of work (no answer of its own, see `pow`) stays until its challenge expires:
/// it is what refuses a replay.
pub async fn sweep(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<u64, DbErr> {
    use sea_orm::ExprTrait as _;
    let spent_picture = Column::UsedAt.is_not_null().and(Column::AnswerHash.ne(""));
    let deleted = Challenges::delete_many()
        .filter(Column::ExpiresAt.lte(now).or(spent_picture))
        .exec(db)
        .await?;
    Ok(deleted.rows_affected)
}

/// The stored form of an answer: salted with the id, so equal answers look different.
fn digest(id: &str, answer: &str) -> String {
    crate::random::digest(&format!("{id}:{answer}"))
}

/// Five characters from the OS's CSPRNG, without modulo bias.
fn random_answer() -> String {
    // 240 is the largest multiple of the alphabet's 30 that fits in a byte.
    let limit = (256 / ALPHABET.len() * ALPHABET.len()) as u8;
    let mut answer = String::with_capacity(LENGTH);
    while answer.len() < LENGTH {
        for byte in crate::random::bytes::<16>() {
            if byte < limit && answer.len() < LENGTH {
                answer.push(char::from(ALPHABET[usize::from(byte) % ALPHABET.len()]));
            }
        }
    }
    answer
}

/// Draws `answer`; the crate picks each character from the set it is given, so giving it one
/// character at a time draws exactly ours.
fn render(answer: &str) -> Option<Vec<u8>> {
    let mut image = ::captcha::Captcha::new();
    for letter in answer.chars() {
        image.set_chars(&[letter]).add_char();
    }
    // Five wide letters (WMWMW) overflow 220 pixels: widen rather than cut one off.
    let area = image.text_area();
    let width = WIDTH.max(area.right.saturating_sub(area.left) + 2 * MARGIN);
    // Filters after cropping: they cost per pixel, and the canvas is six times the view.
    image
        .view(width, HEIGHT)
        .apply_filter(Noise::new(0.1))
        .apply_filter(Wave::new(2.0, 6.0))
        .apply_filter(Grid::new(16, 14));
    image.as_png()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

    async fn database() -> (tempfile::TempDir, DatabaseConnection) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/t.db?mode=rwc", dir.path().display());
        let db = crate::database::connect(&url).await.unwrap();
        (dir, db)
    }

    fn code(result: Result<(), Error>) -> &'static str {
        result.err().map_or("ok", |err| err.code())
    }

    #[tokio::test]
    async fn a_challenge_is_a_png_whose_answer_is_stored_hashed() {
        let (_dir, db) = database().await;
        let now = Utc::now();
        let started = std::time::Instant::now();
        let rendered = render("K7RWP").unwrap();
        println!(
            "captcha: rendered in {:?}, {} bytes",
            started.elapsed(),
            rendered.len()
        );
        let started = std::time::Instant::now();
        let challenge = issue_with(&db, now, "K7RWP".into()).await.unwrap();
        println!(
            "captcha: issued in {:?}, {} bytes",
            started.elapsed(),
            challenge.png.len()
        );
        let png = png(&db, &challenge.id, now).await.unwrap().unwrap();
        assert!(png.starts_with(PNG_SIGNATURE));
        assert_eq!(png, challenge.png);
        // IHDR: width and height, big-endian, after the signature and the chunk header.
        let size = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap());
        assert_eq!((size(16), size(20)), (WIDTH, HEIGHT));
        let row = Challenges::find_by_id(challenge.id.clone())
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row.answer_hash.len(), 64);
        assert!(!row.answer_hash.to_ascii_uppercase().contains("K7RWP"));
        assert_ne!(
            row.answer_hash,
            digest("other-id", "K7RWP"),
            "salted with the id"
        );
        assert_eq!(row.expires_at, now + Duration::minutes(10));
        assert_eq!(png_of(&db, "unknown", now).await, None);
    }

    async fn png_of(db: &DatabaseConnection, id: &str, now: DateTime<Utc>) -> Option<usize> {
        png(db, id, now).await.unwrap().map(|png| png.len())
    }

    #[tokio::test]
    async fn the_right_answer_passes_once() {
        let (_dir, db) = database().await;
        let now = Utc::now();
        let id = issue_with(&db, now, "K7RWP".into()).await.unwrap().id;
        assert_eq!(code(solve(&db, &id, " k7rwp ", now).await), "ok");
        assert_eq!(code(solve(&db, &id, "K7RWP", now).await), "captcha_invalid");
        assert_eq!(
            png_of(&db, &id, now).await,
            None,
            "a used challenge shows nothing"
        );
    }

    #[tokio::test]
    async fn a_wrong_answer_burns_the_challenge() {
        let (_dir, db) = database().await;
        let now = Utc::now();
        let id = issue_with(&db, now, "K7RWP".into()).await.unwrap().id;
        assert_eq!(code(solve(&db, &id, "K7RWB", now).await), "captcha_invalid");
        assert_eq!(code(solve(&db, &id, "K7RWP", now).await), "captcha_invalid");
    }

    #[tokio::test]
    async fn challenges_expire_after_ten_minutes() {
        let (_dir, db) = database().await;
        let now = Utc::now();
        let id = issue_with(&db, now, "K7RWP".into()).await.unwrap().id;
        let later = now + Duration::minutes(11);
        assert_eq!(png_of(&db, &id, later).await, None);
        assert_eq!(
            code(solve(&db, &id, "K7RWP", later).await),
            "captcha_invalid"
        );
        let fresh = issue_with(&db, now, "K7RWP".into()).await.unwrap().id;
        let almost = now + Duration::minutes(9);
        assert_eq!(code(solve(&db, &fresh, "K7RWP", almost).await), "ok");
    }

    #[tokio::test]
    async fn missing_parts_are_required_and_unknown_ids_invalid() {
        let (_dir, db) = database().await;
        let now = Utc::now();
        let id = issue(&db, now).await.unwrap().id;
        assert_eq!(code(solve(&db, "", "K7RWP", now).await), "captcha_required");
        assert_eq!(code(solve(&db, &id, "  ", now).await), "captcha_required");
        assert_eq!(
            code(solve(&db, "nope", "K7RWP", now).await),
            "captcha_invalid"
        );
        assert!(
            png_of(&db, &id, now).await.is_some(),
            "a missing answer spends nothing"
        );
    }

    #[tokio::test]
    async fn the_sweep_forgets_spent_and_expired_challenges() {
        let (_dir, db) = database().await;
        let now = Utc::now();
        let spent = issue_with(&db, now, "K7RWP".into()).await.unwrap().id;
        solve(&db, &spent, "K7RWP", now).await.unwrap();
        let old = issue_with(&db, now - Duration::minutes(20), "K7RWP".into())
            .await
            .unwrap()
            .id;
        let live = issue(&db, now).await.unwrap().id;
        sweep(&db, now).await.unwrap();
        let left: Vec<String> = Challenges::find()
            .all(&db)
            .await
            .unwrap()
            .into_iter()
            .map(|c| c.id)
            .collect();
        assert_eq!(left, vec![live]);
        assert!(!left.contains(&spent) && !left.contains(&old));
    }

    #[test]
    fn answers_use_the_whole_alphabet_and_no_look_alikes() {
        assert!(!ALPHABET.iter().any(|c| b"0O1IL".contains(c)));
        let mut seen = std::collections::BTreeSet::new();
        for _ in 0..500 {
            let answer = random_answer();
            assert_eq!(answer.len(), LENGTH);
            assert!(answer.bytes().all(|c| ALPHABET.contains(&c)), "{answer}");
            seen.extend(answer.bytes());
        }
        assert_eq!(seen.len(), ALPHABET.len());
    }

    #[test]
    fn wide_letters_widen_the_image_instead_of_being_cut() {
        let png = render("WMWMW").unwrap();
        let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
        assert!(width > WIDTH, "{width}");
    }
}
