//! Property tests of body parsing: a form and a JSON object with the same fields make the
//! same struct, and NUL in any text field is refused with its own reason.

use std::fmt::Debug;

use proptest::prelude::*;
use proptest::sample::{select, subsequence};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::unparsable;
use crate::accounts::SignUpForm;
use crate::accounts::password_reset::{NewPasswordForm, ResetRequestForm};
use crate::accounts::session::SignInForm;
use crate::web::signup::ConfirmForm;

const SIGN_UP: &[&str] = &[
    "firstname",
    "lastname",
    "email",
    "password",
    "urlsuccess",
    "urlfailure",
    "captcha_id",
    "captcha_answer",
];
const RESET_REQUEST: &[&str] = &["email", "password", "urlsuccess", "urlfailure"];
const NEW_PASSWORD: &[&str] = &["token", "password"];
const SIGN_IN: &[&str] = &["email", "password", "urlsuccess"];
const CONFIRM: &[&str] = &["token"];
/// The remote captcha's token goes by any of these names, in forms and JSON alike.
const CAPTCHA_RESPONSE: &[&str] = &[
    "g-recaptcha-response",
    "grecaptcharesponse",
    "h-captcha-response",
    "cf-turnstile-response",
];

/// Some of `names`, each with any text but NUL (and, where the struct has one, a captcha
/// token under one of its names).
fn fields(
    names: &'static [&'static str],
    captcha: bool,
) -> impl Strategy<Value = Vec<(String, String)>> {
    let extra = if captcha {
        prop::option::of(select(CAPTCHA_RESPONSE.to_vec())).boxed()
    } else {
        Just(None).boxed()
    };
    (subsequence(names.to_vec(), 0..=names.len()), extra)
        .prop_flat_map(|(mut chosen, extra)| {
            chosen.extend(extra);
            let values = prop::collection::vec("[^\0]{0,24}", chosen.len());
            (Just(chosen), values)
        })
        .prop_map(|(names, values)| names.into_iter().map(str::to_owned).zip(values).collect())
}

fn json_body(fields: &[(String, String)]) -> Vec<u8> {
    let object: Map<String, Value> = fields
        .iter()
        .map(|(name, value)| (name.clone(), Value::String(value.clone())))
        .collect();
    serde_json::to_vec(&object).unwrap()
}

fn form_body(fields: &[(String, String)]) -> Vec<u8> {
    serde_urlencoded::to_string(fields).unwrap().into_bytes()
}

fn parses_the_same<T: DeserializeOwned + Debug>(
    fields: &[(String, String)],
) -> Result<(), TestCaseError> {
    let from_json: T = serde_json::from_slice(&json_body(fields)).unwrap();
    let from_form: T = serde_urlencoded::from_bytes(&form_body(fields)).unwrap();
    let shown = format!("{from_json:?}");
    prop_assert_eq!(&shown, &format!("{from_form:?}"));
    for (_, value) in fields {
        prop_assert!(shown.contains(&format!("{value:?}")), "{value:?} lost");
    }
    Ok(())
}

fn refuses_nul<T: DeserializeOwned + Debug>(
    fields: &[(String, String)],
) -> Result<(), TestCaseError> {
    for error in [
        serde_json::from_slice::<T>(&json_body(fields)).map_err(|e| e.to_string()),
        serde_urlencoded::from_bytes::<T>(&form_body(fields)).map_err(|e| e.to_string()),
    ] {
        let Err(error) = error else {
            return Err(TestCaseError::fail(format!("NUL accepted in {fields:?}")));
        };
        let reason = format!("{:?}", unparsable(error));
        prop_assert!(reason.contains("nul_character"), "{reason}");
    }
    Ok(())
}

/// `fields` with a NUL put into one of their values.
fn with_nul(
    names: &'static [&'static str],
    captcha: bool,
) -> impl Strategy<Value = Vec<(String, String)>> {
    (
        fields(names, captcha),
        any::<prop::sample::Index>(),
        any::<prop::sample::Index>(),
    )
        .prop_filter("a field to put NUL into", |(fields, _, _)| {
            !fields.is_empty()
        })
        .prop_map(|(mut fields, field, at)| {
            let field = field.index(fields.len());
            let value = &mut fields[field].1;
            let chars: Vec<char> = value.chars().collect();
            let at = at.index(chars.len() + 1);
            *value = chars[..at]
                .iter()
                .chain(['\0'].iter())
                .chain(&chars[at..])
                .collect();
            fields
        })
}

proptest! {
    #[test]
    fn form_and_json_make_the_same_struct(
        sign_up in fields(SIGN_UP, true),
        reset in fields(RESET_REQUEST, true),
        new_password in fields(NEW_PASSWORD, false),
        sign_in in fields(SIGN_IN, false),
        confirm in fields(CONFIRM, false),
    ) {
        parses_the_same::<SignUpForm>(&sign_up)?;
        parses_the_same::<ResetRequestForm>(&reset)?;
        parses_the_same::<NewPasswordForm>(&new_password)?;
        parses_the_same::<SignInForm>(&sign_in)?;
        parses_the_same::<ConfirmForm>(&confirm)?;
    }

    #[test]
    fn nul_in_any_text_field_is_refused(
        sign_up in with_nul(SIGN_UP, true),
        reset in with_nul(RESET_REQUEST, true),
        new_password in with_nul(NEW_PASSWORD, false),
        sign_in in with_nul(SIGN_IN, false),
        confirm in with_nul(CONFIRM, false),
    ) {
        refuses_nul::<SignUpForm>(&sign_up)?;
        refuses_nul::<ResetRequestForm>(&reset)?;
        refuses_nul::<NewPasswordForm>(&new_password)?;
        refuses_nul::<SignInForm>(&sign_in)?;
        refuses_nul::<ConfirmForm>(&confirm)?;
    }
}
