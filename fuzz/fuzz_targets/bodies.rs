//! Request bodies: the same bytes as JSON and as a form into every input struct, then the
//! checks that need no database. A parsed text field never holds NUL.
#![no_main]

use std::sync::OnceLock;

use doorstep::accounts::password::check_password;
use doorstep::accounts::password_reset::{NewPasswordForm, ResetRequest, ResetRequestForm};
use doorstep::accounts::policy::{check_name, permitted_redirect};
use doorstep::accounts::session::SignInForm;
use doorstep::accounts::signup::{Application, Terms};
use doorstep::accounts::username::Username;
use doorstep::accounts::{SignUpForm, email::Address};
use doorstep::config::{Settings, UsernameMode};
use doorstep::random::is_url_token;
use doorstep::web::signup::ConfirmForm;
use libfuzzer_sys::fuzz_target;
use serde::de::DeserializeOwned;

/// Both reset variants, a whitelist and permitted redirects, so every check has work to do.
fn settings() -> &'static [Settings; 2] {
    static SETTINGS: OnceLock<[Settings; 2]> = OnceLock::new();
    SETTINGS.get_or_init(|| {
        let text = "doorstep.auth.signup=on\n\
            doorstep.auth.password-reset=on\n\
            doorstep.auth.email.from=signup@example.com\n\
            doorstep.auth.signup.whitelist=example.com, example.org\n\
            doorstep.auth.signup.whitelist.subdomains=on\n\
            doorstep.auth.permitted.redirects.1=https://app.example.com/welcome\n\
            doorstep.auth.permitted.redirects.2=http://localhost:3000/\n";
        let one = Settings::parse("fuzz", text, &|_| None).expect("fuzz settings");
        let mut two = one.clone();
        two.reset.two_step = true;
        two.usernames.mode = UsernameMode::Required;
        [one, two]
    })
}

/// The body as JSON and as a form, like `Input<T>` reads it.
fn parse<T: DeserializeOwned>(data: &[u8]) -> [Option<T>; 2] {
    [
        serde_json::from_slice(data).ok(),
        serde_urlencoded::from_bytes(data).ok(),
    ]
}

fn no_nul(fields: &[&str]) {
    for field in fields {
        assert!(!field.contains('\0'), "NUL passed into {field:?}");
    }
}

fuzz_target!(|data: &[u8]| {
    for form in parse::<SignUpForm>(data).into_iter().flatten() {
        no_nul(&[
            &form.firstname,
            &form.lastname,
            &form.username,
            &form.email,
            &form.password,
            &form.urlsuccess,
            &form.urlfailure,
            &form.captcha.response,
            &form.captcha.captcha_id,
            &form.captcha.captcha_answer,
            &form.captcha.altcha,
        ]);
        for settings in settings() {
            let _ = Application::check(settings, &form, Terms::default());
            let nameless = Terms {
                nameless: true,
                ..Terms::default()
            };
            let _ = Application::check(settings, &form, nameless);
            let _ = Application::check_address(settings, &form);
        }
    }
    for form in parse::<ResetRequestForm>(data).into_iter().flatten() {
        no_nul(&[
            &form.email,
            &form.password,
            &form.urlsuccess,
            &form.urlfailure,
        ]);
        for settings in settings() {
            let _ = ResetRequest::check(settings, &form);
        }
    }
    for form in parse::<NewPasswordForm>(data).into_iter().flatten() {
        no_nul(&[&form.token, &form.password]);
        let _ = is_url_token(&form.token);
        let _ = check_password(&settings()[0].password, &form.password, &[]);
    }
    for form in parse::<SignInForm>(data).into_iter().flatten() {
        no_nul(&[&form.login, &form.email, &form.password, &form.urlsuccess]);
        let _ = Address::parse(&form.email);
        let _ = Username::parse(form.identifier(), &[]);
        let _ = check_name(&form.email, true);
        let _ = check_name(&form.email, false);
        let rules = &settings()[0].permitted_redirects;
        let _ = permitted_redirect(rules, "urlsuccess", &form.urlsuccess);
    }
    for form in parse::<ConfirmForm>(data).into_iter().flatten() {
        no_nul(&[&form.token, &form.username]);
        let _ = is_url_token(&form.token);
        let _ = Username::parse(&form.username, &settings()[1].usernames.reserved);
    }
});
