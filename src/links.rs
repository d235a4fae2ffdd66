//! Every URL doorstep hands out, built in one place from `doorstep.base-url` and
//! `doorstep.base-path`.
//!
//! Links that leave the server (in mail, in JSON for other origins) are absolute and built from
//! `base-url`, never from request headers: a forged `Host` must not be able to point a
//! confirmation link elsewhere. Links within the site's own pages are paths under `base-path`.
//! A mailed link leads to the front-end's own page instead where the operator set a template
//! for it (`doorstep.auth.links.*`).

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;

use crate::config::{LinkTemplate, LinkTemplates, Settings};

const SIGNUP: &str = "/auth/signup";
const SIGNUP_CONFIRM: &str = "/auth/signup/confirm";
const SIGNUP_COMPLETE: &str = "/auth/signup/complete";
const SIGNUP_RESEND: &str = "/auth/signup/resend";
const SIGNUP_USERNAME: &str = "/auth/signup/username";
const PASSWORD_RESET: &str = "/auth/pwreset";
const PASSWORD_RESET_CONFIRM: &str = "/auth/pwreset/confirm";
const EMAIL_CHANGE: &str = "/auth/me/email";
const EMAIL_CHANGE_CONFIRM: &str = "/auth/me/email/confirm";
const PASSWORD_CHANGE: &str = "/auth/me/password";
const ACCOUNT_DELETE: &str = "/auth/me/delete";
const ACCOUNT_EXPORT: &str = "/auth/me/export";
const LOGIN: &str = "/auth/login";
const LOGOUT: &str = "/auth/logout";
const ACCOUNT: &str = "/auth/me";
const SESSIONS: &str = "/auth/me/sessions";
const APP_PASSWORDS: &str = "/auth/me/app-passwords";
const INVITATIONS: &str = "/auth/invitations";
const ADMIN_REGISTRATION_TOKENS: &str = "/admin/registration-tokens";
const ADMIN: &str = "/admin";
const CAPTCHA: &str = "/auth/captcha";
const CHALLENGE: &str = "/auth/challenge";
const STYLESHEET: &str = "/static/doorstep.css";
const POW_SCRIPT: &str = "/static/pow.js";
const USERNAME_SCRIPT: &str = "/static/username.js";
const FORMS_SCRIPT: &str = "/static/forms.js";
const OPENAPI: &str = "/openapi.json";
const DOCS: &str = "/docs";
const NEXTCLOUD_API: &str = "/apps/registration/api/1.0";
const NEXTCLOUD_OCS: &str = "/ocs/v2.php/registration/v1";
const ALD_REGISTER: &str = "/users/register";
const DSPACE_API: &str = "/api";

/// What a token keeps of itself in a link: the base64url alphabet. Everything else is
/// percent-encoded, so a token can never end a query value, start a fragment or make a `..`
/// path segment wherever its template puts it.
const TOKEN: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_');

/// Whose pages a mailed link opens.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum LinkPages {
    /// doorstep's own, or the front-end's that `doorstep.auth.links.*` names.
    #[default]
    Own,
    /// The DSpace UI's (`doorstep.compat.dspace.ui-url`): `/register/<token>` and
    /// `/forgot/<token>`, for the flows DSpace's API started.
    DSpace,
}

/// Builds doorstep's URLs.
#[derive(Debug, Clone)]
pub struct Links {
    /// `base-url` without a trailing slash, then `base-path`: the prefix of absolute links.
    root: String,
    /// `""` or `/x/y`: the prefix of paths within the site.
    base_path: String,
    /// The front-end's pages for mailed links, where the operator named them.
    templates: LinkTemplates,
    /// The DSpace UI's register and forgot pages, when its API is configured.
    dspace_register: Option<LinkTemplate>,
    dspace_forgot: Option<LinkTemplate>,
}

impl Links {
    pub fn new(settings: &Settings) -> Links {
        let base = settings.base_url.as_str().trim_end_matches('/');
        Links {
            root: format!("{base}{}", settings.base_path),
            base_path: settings.base_path.clone(),
            templates: settings.links.clone(),
            dspace_register: settings.dspace.register.clone(),
            dspace_forgot: settings.dspace.forgot.clone(),
        }
    }

    /// Where the API is: `base-url` with `base-path`, without a trailing slash.
    pub fn api_root(&self) -> &str {
        &self.root
    }

    /// The OpenAPI description, absolute: front-ends on other origins read it.
    pub fn api_description(&self) -> String {
        format!("{}{OPENAPI}", self.root)
    }

    /// The API reference page, absolute.
    pub fn api_reference(&self) -> String {
        format!("{}{DOCS}", self.root)
    }

    /// The base of Nextcloud's draft registration API, absolute (its discovery names it).
    pub fn nextcloud_api(&self) -> String {
        format!("{}{NEXTCLOUD_API}", self.root)
    }

    /// The base of the Nextcloud registration app's OCS API, absolute.
    pub fn nextcloud_ocs(&self) -> String {
        format!("{}{NEXTCLOUD_OCS}", self.root)
    }

    /// ALD's registration call, absolute (discovery names it).
    pub fn ald_register(&self) -> String {
        format!("{}{ALD_REGISTER}", self.root)
    }

    /// The picture of an ALD registration session's code, absolute, for its mail.
    pub fn ald_token(&self, session: &str) -> String {
        format!("{}{ALD_REGISTER}/token/{session}", self.root)
    }

    /// Where an ALD registration session is verified, absolute, for its mail.
    pub fn ald_verify(&self, session: &str) -> String {
        format!("{}{ALD_REGISTER}/verify/{session}", self.root)
    }

    /// The link in a sign-up mail.
    pub fn signup_confirmation(&self, secret: &str) -> String {
        self.signup_confirmation_on(LinkPages::Own, secret)
    }

    /// The link in a sign-up mail, to `pages`' page for it (doorstep's own where those pages
    /// are not configured).
    pub fn signup_confirmation_on(&self, pages: LinkPages, secret: &str) -> String {
        let template = match pages {
            LinkPages::DSpace if self.dspace_register.is_some() => self.dspace_register.as_ref(),
            _ => self.templates.signup.as_ref(),
        };
        self.mailed(template, SIGNUP, "confirm", secret)
    }

    /// The link in a reset mail.
    pub fn password_reset(&self, secret: &str) -> String {
        self.password_reset_on(LinkPages::Own, secret)
    }

    /// The link in a reset mail, to `pages`' page for it (doorstep's own where those pages are
    /// not configured).
    pub fn password_reset_on(&self, pages: LinkPages, secret: &str) -> String {
        let template = match pages {
            LinkPages::DSpace if self.dspace_forgot.is_some() => self.dspace_forgot.as_ref(),
            _ => self.templates.password_reset.as_ref(),
        };
        self.mailed(template, PASSWORD_RESET, "confirm", secret)
    }

    /// The base of DSpace's REST API as this server serves it (`…/api`), absolute.
    pub fn dspace_api(&self) -> String {
        format!("{}{DSPACE_API}", self.root)
    }

    /// The link in the mail that confirms a new address.
    pub fn email_change(&self, secret: &str) -> String {
        let template = self.templates.email_change.as_ref();
        self.mailed(template, EMAIL_CHANGE, "confirm", secret)
    }

    /// The link in an invitation mail.
    pub fn invitation(&self, secret: &str) -> String {
        self.mailed(
            self.templates.invitation.as_ref(),
            SIGNUP,
            "invitation",
            secret,
        )
    }

    /// The sign-in page, for mail.
    pub fn login_link(&self) -> String {
        format!("{}{LOGIN}", self.root)
    }

    /// Where a person who forgot their password starts over, for mail.
    pub fn reset_page(&self) -> String {
        format!("{}{PASSWORD_RESET}", self.root)
    }

    /// Where proof-of-work challenges are issued, absolute: front-ends on other origins ask.
    pub fn pow_challenge(&self) -> String {
        format!("{}{CHALLENGE}", self.root)
    }

    /// A picture challenge's PNG, absolute: front-ends on other origins load it.
    pub fn captcha_image(&self, id: &str) -> String {
        format!("{}{}", self.root, captcha_png(id))
    }

    /// A picture challenge's PNG, for the site's own pages.
    pub fn captcha_image_path(&self, id: &str) -> String {
        format!("{}{}", self.base_path, captcha_png(id))
    }

    /// Where the front door leads.
    pub fn signup_page(&self) -> String {
        self.path(SIGNUP)
    }

    /// Where a browser goes after signing in without a `urlsuccess`.
    pub fn account_page(&self) -> String {
        self.path(ACCOUNT)
    }

    /// The admins' page of registration tokens.
    pub fn admin_registration_tokens(&self) -> String {
        self.path(ADMIN_REGISTRATION_TOKENS)
    }

    /// Where a browser goes after signing out.
    pub fn login_page(&self) -> String {
        self.path(LOGIN)
    }

    /// A page of the admin area: `""` for the overview, `/users/7` for an account's.
    pub fn admin_page(&self, below: &str) -> String {
        self.path(&format!("{ADMIN}{below}"))
    }

    /// The sign-in page saying that the browser is signed out.
    pub fn signed_out_page(&self) -> String {
        format!("{}?signed_out=1", self.path(LOGIN))
    }

    /// The paths the site's pages link to and post to.
    pub fn pages(&self) -> PageLinks {
        PageLinks {
            signup: self.path(SIGNUP),
            signup_confirm: self.path(SIGNUP_CONFIRM),
            signup_complete: self.path(SIGNUP_COMPLETE),
            signup_resend: self.path(SIGNUP_RESEND),
            signup_username: self.path(SIGNUP_USERNAME),
            password_reset: self.path(PASSWORD_RESET),
            password_reset_confirm: self.path(PASSWORD_RESET_CONFIRM),
            login: self.path(LOGIN),
            logout: self.path(LOGOUT),
            account: self.path(ACCOUNT),
            sessions: self.path(SESSIONS),
            app_passwords: self.path(APP_PASSWORDS),
            password_change: self.path(PASSWORD_CHANGE),
            email_change: self.path(EMAIL_CHANGE),
            email_change_confirm: self.path(EMAIL_CHANGE_CONFIRM),
            account_delete: self.path(ACCOUNT_DELETE),
            account_export: self.path(ACCOUNT_EXPORT),
            invitations: self.path(INVITATIONS),
            admin_registration_tokens: self.path(ADMIN_REGISTRATION_TOKENS),
            admin: self.path(ADMIN),
            stylesheet: self.path(STYLESHEET),
            username_script: self.path(USERNAME_SCRIPT),
            openapi: self.path(OPENAPI),
            challenge: self.path(CHALLENGE),
            pow_script: self.path(POW_SCRIPT),
            home: format!("{}/", self.base_path),
            captcha: self.path(CAPTCHA),
            forms_script: self.path(FORMS_SCRIPT),
        }
    }

    fn path(&self, path: &str) -> String {
        format!("{}{path}", self.base_path)
    }

    /// A mailed link: the token in the front-end's page where a template is set, else in
    /// `parameter` of doorstep's own page at `path`. The same for everyone, since the
    /// template is the operator's.
    fn mailed(
        &self,
        template: Option<&LinkTemplate>,
        path: &str,
        parameter: &str,
        secret: &str,
    ) -> String {
        let token = utf8_percent_encode(secret, TOKEN);
        match template {
            Some(template) => {
                let (before, after) = template.around();
                format!("{before}{token}{after}")
            }
            None => format!("{}{path}?{parameter}={token}", self.root),
        }
    }
}

fn captcha_png(id: &str) -> String {
    format!("{CAPTCHA}/{id}.png")
}

/// The site's own paths, as the templates use them (`{{ links.login }}`).
#[derive(Debug, Clone, Serialize)]
pub struct PageLinks {
    pub openapi: String,
    pub signup: String,
    pub signup_confirm: String,
    /// Where an email-first sign-up's details form (and the code form leading to it) posts.
    pub signup_complete: String,
    pub signup_resend: String,
    /// The username availability check the sign-up form's script asks.
    pub signup_username: String,
    pub password_reset: String,
    pub password_reset_confirm: String,
    pub login: String,
    pub logout: String,
    pub account: String,
    /// `…/<id>/delete` ends one (the account page's buttons).
    pub sessions: String,
    /// Posted to make one; `…/<id>/delete` revokes one.
    pub app_passwords: String,
    /// The account page's self-service forms, and the export's download.
    pub password_change: String,
    pub email_change: String,
    pub email_change_confirm: String,
    pub account_delete: String,
    pub account_export: String,
    /// Posted to invite; `…/<id>/delete` withdraws one.
    pub invitations: String,
    /// Posted to make one; `…/<label>/revoke` revokes one.
    pub admin_registration_tokens: String,
    /// The admin area: the overview, and `…/users`, `…/audit` below it.
    pub admin: String,
    pub stylesheet: String,
    /// A new proof-of-work challenge, and the script that solves it.
    pub challenge: String,
    pub pow_script: String,
    pub username_script: String,
    /// The front door (it leads to sign-up).
    pub home: String,
    /// A new picture challenge as JSON, for the "Show a new picture" button's script.
    pub captcha: String,
    /// The forms' progressive enhancements: error summary focus, show-password, new picture.
    pub forms_script: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::RedirectRule;

    #[test]
    fn absolute_links_come_from_base_url_and_paths_from_base_path() {
        let mut settings = Settings::defaults();
        settings.base_url = url::Url::parse("https://id.example/").unwrap();
        settings.base_path = "/store".into();
        let links = Links::new(&settings);
        assert_eq!(
            links.signup_confirmation("T"),
            "https://id.example/store/auth/signup?confirm=T"
        );
        assert_eq!(
            links.password_reset("T"),
            "https://id.example/store/auth/pwreset?confirm=T"
        );
        assert_eq!(
            links.captcha_image("i"),
            "https://id.example/store/auth/captcha/i.png"
        );
        assert_eq!(links.captcha_image_path("i"), "/store/auth/captcha/i.png");
        assert_eq!(links.pages().logout, "/store/auth/logout");
        assert_eq!(links.pages().sessions, "/store/auth/me/sessions");
        assert_eq!(links.pages().app_passwords, "/store/auth/me/app-passwords");
        assert_eq!(links.pages().stylesheet, "/store/static/doorstep.css");
        assert_eq!(links.api_root(), "https://id.example/store");
        assert_eq!(
            links.api_description(),
            "https://id.example/store/openapi.json"
        );
        assert_eq!(links.api_reference(), "https://id.example/store/docs");
    }

    fn with_templates(configure: impl FnOnce(&mut LinkTemplates, &[RedirectRule])) -> Links {
        let mut settings = Settings::defaults();
        settings.base_url = url::Url::parse("https://id.example/").unwrap();
        settings.permitted_redirects = vec![RedirectRule::parse("https://app.example").unwrap()];
        configure(&mut settings.links, &settings.permitted_redirects);
        Links::new(&settings)
    }

    fn template(text: &str, permitted: &[RedirectRule]) -> Option<LinkTemplate> {
        Some(LinkTemplate::parse(text, permitted).unwrap())
    }

    #[test]
    fn unset_templates_keep_links_on_doorstep_pages() {
        let links = with_templates(|_, _| {});
        assert_eq!(
            links.signup_confirmation("T-_1"),
            "https://id.example/auth/signup?confirm=T-_1"
        );
        assert_eq!(
            links.password_reset("T"),
            "https://id.example/auth/pwreset?confirm=T"
        );
        assert_eq!(
            links.email_change("T"),
            "https://id.example/auth/me/email?confirm=T"
        );
        assert_eq!(
            links.invitation("T"),
            "https://id.example/auth/signup?invitation=T"
        );
    }

    #[test]
    fn each_template_receives_its_own_links() {
        let links = with_templates(|templates, permitted| {
            templates.signup = template("https://app.example/verify?t={token}&x=1", permitted);
            templates.password_reset = template("https://app.example/reset/{token}", permitted);
            templates.email_change = template("https://app.example/#/email/{token}", permitted);
            templates.invitation =
                template("https://app.example/join?invitation={token}", permitted);
        });
        assert_eq!(
            links.signup_confirmation("Abc-_9"),
            "https://app.example/verify?t=Abc-_9&x=1"
        );
        assert_eq!(links.password_reset("R"), "https://app.example/reset/R");
        assert_eq!(links.email_change("E"), "https://app.example/#/email/E");
        assert_eq!(
            links.invitation("I"),
            "https://app.example/join?invitation=I"
        );
    }

    #[test]
    fn one_template_leaves_the_other_links_alone() {
        let links = with_templates(|templates, permitted| {
            templates.invitation = template("https://app.example/join/{token}", permitted);
        });
        assert_eq!(links.invitation("I"), "https://app.example/join/I");
        assert_eq!(
            links.signup_confirmation("T"),
            "https://id.example/auth/signup?confirm=T"
        );
        assert_eq!(
            links.email_change("T"),
            "https://id.example/auth/me/email?confirm=T"
        );
    }

    #[test]
    fn tokens_are_percent_encoded_into_their_place() {
        let links = with_templates(|templates, permitted| {
            templates.signup = template("https://app.example/verify/{token}?x=1", permitted);
        });
        assert_eq!(
            links.signup_confirmation("a/../b?c=d&e#f"),
            "https://app.example/verify/a%2F%2E%2E%2Fb%3Fc%3Dd%26e%23f?x=1"
        );
        assert_eq!(
            links.password_reset("a&b"),
            "https://id.example/auth/pwreset?confirm=a%26b"
        );
    }

    #[test]
    fn dspace_flows_link_to_the_dspace_ui_and_the_rest_stay() {
        let mut settings = Settings::defaults();
        settings.base_url = url::Url::parse("https://id.example/").unwrap();
        let own = Links::new(&settings);
        assert_eq!(
            own.signup_confirmation_on(LinkPages::DSpace, "T"),
            "https://id.example/auth/signup?confirm=T"
        );
        let permitted = [RedirectRule::parse("https://repo.example").unwrap()];
        settings.dspace.register = template("https://repo.example/register/{token}", &permitted);
        settings.dspace.forgot = template("https://repo.example/forgot/{token}", &permitted);
        let links = Links::new(&settings);
        assert_eq!(
            links.signup_confirmation_on(LinkPages::DSpace, "T"),
            "https://repo.example/register/T"
        );
        assert_eq!(
            links.password_reset_on(LinkPages::DSpace, "R"),
            "https://repo.example/forgot/R"
        );
        assert_eq!(
            links.signup_confirmation("T"),
            "https://id.example/auth/signup?confirm=T"
        );
        assert_eq!(
            links.password_reset("R"),
            "https://id.example/auth/pwreset?confirm=R"
        );
        assert_eq!(links.dspace_api(), "https://id.example/api");
    }
}
