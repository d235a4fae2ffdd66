//! Renders letters from the mail templates (`email/<message>/<part>.tera`, shipped or the
//! operator's overrides) or the operator's EntryStore-style HTML template. One set of
//! templates serves every language: their words are the strings of the recipient's stored
//! language (`t(key=…, lang=lang)`).

use std::sync::Arc;

use chrono::{DateTime, Datelike, Utc};
use lettre::message::Mailbox;
use serde::Serialize;

use super::{Letter, Recipient};
use crate::assets::Templates;
use crate::config::Settings;
use crate::error::Error;
use crate::links::Links;

/// Turns events into letters.
pub struct Composer {
    templates: Arc<Templates>,
    from_domain: String,
    /// `doorstep.ui.name`: mails name the product, not the host they were sent from.
    product: String,
    signup: Overrides,
    reset: Overrides,
    /// Where a person who forgot their password can start over; empty when reset is off.
    reset_page: String,
    /// The sign-in page, for the mail that says an account was approved.
    login_page: String,
    bcc: Vec<Mailbox>,
}

/// The operator's subject and HTML template for one kind of mail, EntryStore-style.
struct Overrides {
    subject: Option<String>,
    template: Option<String>,
}

/// The mail to an approver also names the person who waits.
#[derive(Serialize)]
struct ApplicantValues<'a> {
    #[serde(flatten)]
    values: Values<'a>,
    applicant_name: &'a str,
    applicant_email: &'a str,
}

/// The mail to the address an account left also names the new one.
#[derive(Serialize)]
struct MovedValues<'a> {
    #[serde(flatten)]
    values: Values<'a>,
    new_email: &'a str,
}

/// An invitation names who invites (empty: the operators, from the command line).
#[derive(Serialize)]
struct InvitationValues<'a> {
    #[serde(flatten)]
    values: Values<'a>,
    inviter: &'a str,
    /// The last day the link works, for people.
    expires: String,
}

#[derive(Serialize)]
struct Values<'a> {
    name: &'a str,
    first_name: &'a str,
    email: &'a str,
    link: &'a str,
    /// The one-time code beside the link; empty when codes are off.
    code: &'a str,
    reset_page: &'a str,
    year: i32,
    domain: &'a str,
    product: &'a str,
    /// The recipient's language, for the templates' strings.
    lang: &'static str,
}

/// What the mail of a pictured sign-up (an ALD registration session) says besides the
/// greeting.
pub struct SessionLetter<'a> {
    /// The registration session id (the handle): the picture and the verification take it.
    pub session: &'a str,
    /// The picture of the code, absolute.
    pub picture: String,
    /// Where the code read from the picture is sent, absolute.
    pub verify: String,
    /// The code itself, while `doorstep.auth.code` mails codes.
    pub code: Option<&'a str>,
    /// Who started the registration for the reader, if someone did.
    pub inviter: Option<&'a crate::entities::account::Model>,
    /// The inviter's own words, plain text (escaped when rendered).
    pub note: Option<&'a str>,
}

/// The values of a pictured sign-up's mail.
#[derive(Serialize)]
struct SessionValues<'a> {
    #[serde(flatten)]
    values: Values<'a>,
    session: &'a str,
    picture: &'a str,
    verify: &'a str,
    inviter_name: String,
    inviter_email: &'a str,
    note: &'a str,
}

impl Composer {
    /// Letters from `templates`, which always hold every shipped mail part.
    pub fn new(settings: &Settings, templates: Arc<Templates>) -> Composer {
        Composer {
            templates,
            from_domain: settings.base_url.host_str().unwrap_or_default().to_owned(),
            product: settings.ui.name.clone(),
            signup: Overrides {
                subject: settings.signup.subject.clone(),
                template: settings.signup.template.clone(),
            },
            reset: Overrides {
                subject: settings.reset.subject.clone(),
                template: settings.reset.template.clone(),
            },
            reset_page: if settings.reset.enabled {
                Links::new(settings).reset_page()
            } else {
                String::new()
            },
            login_page: Links::new(settings).login_link(),
            bcc: settings.email.bcc.clone(),
        }
    }

    /// The mail whose link (or code) confirms a sign-up.
    pub fn signup_confirmation(
        &self,
        to: &Recipient,
        link: &str,
        code: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Letter, Error> {
        let values = self.values(to, link, code.unwrap_or_default(), now);
        self.render_link_mail("signup_confirmation", &self.signup, to, &values)
    }

    /// The mail of a pictured sign-up: its session id, where its code's picture is and where
    /// the code goes; and, for an invited one, who invited the reader, with their note.
    pub fn pictured_signup(
        &self,
        to: &Recipient,
        letter: &SessionLetter,
        now: DateTime<Utc>,
    ) -> Result<Letter, Error> {
        let inviter = letter.inviter;
        let inviter_name = inviter.map_or_else(String::new, |inviter| {
            let name = format!("{} {}", inviter.first_name, inviter.last_name);
            match (name.trim(), &inviter.username) {
                ("", Some(username)) => username.clone(),
                ("", None) => inviter.email.clone(),
                (name, _) => name.to_owned(),
            }
        });
        let values = SessionValues {
            values: self.values(to, "", letter.code.unwrap_or_default(), now),
            session: letter.session,
            picture: &letter.picture,
            verify: &letter.verify,
            inviter_name,
            inviter_email: inviter.map_or("", |inviter| inviter.email.as_str()),
            note: letter.note.unwrap_or_default(),
        };
        self.render("pictured_signup", to, &values)
    }

    /// The mail whose link (or code) leads to choosing a new password.
    pub fn password_reset(
        &self,
        to: &Recipient,
        link: &str,
        code: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Letter, Error> {
        let values = self.values(to, link, code.unwrap_or_default(), now);
        let mut letter = self.render_link_mail("password_reset", &self.reset, to, &values)?;
        // Reset mail goes to the account's owner only, never to the sign-up BCC list.
        letter.bcc.clear();
        Ok(letter)
    }

    /// The notice that an account's password was just changed.
    pub fn password_changed(&self, to: &Recipient, now: DateTime<Utc>) -> Result<Letter, Error> {
        let mut letter = self.render("password_changed", to, &self.values(to, "", "", now))?;
        letter.bcc.clear();
        Ok(letter)
    }

    fn render_link_mail(
        &self,
        message: &'static str,
        overrides: &Overrides,
        to: &Recipient,
        values: &Values,
    ) -> Result<Letter, Error> {
        let mut letter = self.render(message, to, values)?;
        if let Some(subject) = &overrides.subject {
            letter.subject = subject.clone();
        }
        if let Some(template) = &overrides.template {
            letter.html = fill_placeholders(template, values);
        }
        letter.action_url = Some(values.link.to_owned());
        Ok(letter)
    }

    /// Tells an approver that `applicant`'s account waits for approval.
    pub fn approval_requested(
        &self,
        to: &Recipient,
        applicant: &Recipient,
        now: DateTime<Utc>,
    ) -> Result<Letter, Error> {
        let values = ApplicantValues {
            values: self.values(to, "", "", now),
            applicant_name: &applicant.name,
            applicant_email: &applicant.email,
        };
        self.personal("approval_requested", to, &values)
    }

    /// Tells an account's owner that an admin approved it, with the sign-in page.
    pub fn account_approved(&self, to: &Recipient, now: DateTime<Utc>) -> Result<Letter, Error> {
        let values = self.values(to, &self.login_page, "", now);
        self.personal("account_approved", to, &values)
    }

    /// Tells a sign-up's owner that an admin rejected it and the account is gone.
    pub fn account_rejected(&self, to: &Recipient, now: DateTime<Utc>) -> Result<Letter, Error> {
        self.personal("account_rejected", to, &self.values(to, "", "", now))
    }

    /// The link (and code) that proves an account's new address, to that address.
    pub fn email_change(
        &self,
        to: &Recipient,
        link: &str,
        code: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Letter, Error> {
        let values = self.values(to, link, code.unwrap_or_default(), now);
        let mut letter = self.personal("email_change", to, &values)?;
        letter.action_url = Some(link.to_owned());
        Ok(letter)
    }

    /// Tells the owner of an address that another account asked to move to it; nothing moved.
    pub fn address_in_use(&self, to: &Recipient, now: DateTime<Utc>) -> Result<Letter, Error> {
        self.personal("address_in_use", to, &self.values(to, "", "", now))
    }

    /// Tells the address an account left which address it moved to.
    pub fn email_changed(
        &self,
        to: &Recipient,
        new_email: &str,
        now: DateTime<Utc>,
    ) -> Result<Letter, Error> {
        let values = MovedValues {
            values: self.values(to, "", "", now),
            new_email,
        };
        self.personal("email_changed", to, &values)
    }

    /// Tells an account's owner that the account was deleted at their request.
    pub fn account_deleted(&self, to: &Recipient, now: DateTime<Utc>) -> Result<Letter, Error> {
        self.personal("account_deleted", to, &self.values(to, "", "", now))
    }

    /// A letter for one person only, never copied to the sign-up BCC list.
    fn personal(
        &self,
        message: &'static str,
        to: &Recipient,
        values: &impl Serialize,
    ) -> Result<Letter, Error> {
        let mut letter = self.render(message, to, values)?;
        letter.bcc.clear();
        Ok(letter)
    }

    /// An invitation: `inviter` (a name or address; empty from the command line) asks the
    /// person to join, with the link that opens the sign-up form for their address.
    pub fn invitation(
        &self,
        to: &Recipient,
        inviter: &str,
        link: &str,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Letter, Error> {
        let values = InvitationValues {
            values: self.values(to, link, "", now),
            inviter,
            // Digits, not an English month name: the same in every language.
            expires: expires_at.format("%Y-%m-%d").to_string(),
        };
        let mut letter = self.personal("invitation", to, &values)?;
        letter.action_url = Some(link.to_owned());
        Ok(letter)
    }

    /// What the owner of an address that already has an account gets instead of an
    /// invitation: who asked, and that their account is there (no link to sign up).
    pub fn invitation_known(
        &self,
        to: &Recipient,
        inviter: &str,
        now: DateTime<Utc>,
    ) -> Result<Letter, Error> {
        let values = InvitationValues {
            values: self.values(to, &self.login_page, "", now),
            inviter,
            expires: String::new(),
        };
        self.personal("invitation_known", to, &values)
    }

    /// The mail an address's owner gets when someone signs up with it again.
    pub fn already_registered(&self, to: &Recipient, now: DateTime<Utc>) -> Result<Letter, Error> {
        self.render("already_registered", to, &self.values(to, "", "", now))
    }

    fn values<'a>(
        &'a self,
        to: &'a Recipient,
        link: &'a str,
        code: &'a str,
        now: DateTime<Utc>,
    ) -> Values<'a> {
        Values {
            name: &to.name,
            first_name: &to.first_name,
            email: &to.email,
            link,
            code,
            reset_page: &self.reset_page,
            year: now.year(),
            domain: &self.from_domain,
            product: &self.product,
            lang: to.language,
        }
    }

    fn render(
        &self,
        message: &'static str,
        to: &Recipient,
        values: &impl Serialize,
    ) -> Result<Letter, Error> {
        let folder = format!("email/{message}");
        let part = |name: &str| {
            self.templates
                .render(&format!("{folder}/{name}"), values)
                .map_err(|err| Error::internal("rendering mail", err))
        };
        Ok(Letter {
            kind: message,
            to: to
                .mailbox()
                .map_err(|err| Error::internal("mail recipient", err))?,
            bcc: self.bcc.clone(),
            // A subject is one line, whatever the template's line breaks.
            subject: part("subject.txt.tera")?
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
            text: part("text.txt.tera")?,
            html: part("html.html.tera")?,
            action_url: None,
        })
    }
}

/// Replaces EntryStore's placeholders literally and HTML-escaped, in one pass, so a value is
/// never itself searched for placeholders and `$1` or `\` in a name stays as typed.
fn fill_placeholders(template: &str, values: &Values) -> String {
    let year = values.year.to_string();
    let placeholders = [
        ("__CONFIRMATION_LINK__", values.link),
        ("__CODE__", values.code),
        ("__NAME__", values.name),
        ("__EMAIL__", values.email),
        ("__YEAR__", year.as_str()),
        ("__DOMAIN__", values.domain),
    ];
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("__") {
        let found = placeholders
            .iter()
            .find(|(name, _)| rest[start..].starts_with(name));
        match found {
            Some((name, value)) => {
                out.push_str(&rest[..start]);
                out.push_str(&tera::escape_html(value));
                rest = &rest[start + name.len()..];
            }
            None => {
                out.push_str(&rest[..start + 2]);
                rest = &rest[start + 2..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_literal_escaped_and_single_pass() {
        let values = Values {
            name: "<b>$1 \\ __EMAIL__</b>",
            first_name: "x",
            email: "a@example.com",
            link: "https://d.example/c?confirm=abc&x=1",
            code: "042917",
            reset_page: "",
            year: 2026,
            domain: "d.example",
            product: "Example",
            lang: "en",
        };
        let html = fill_placeholders(
            "Hi __NAME__, go to __CONFIRMATION_LINK__ or type __CODE__ (__EMAIL__) © __YEAR__ __DOMAIN__ __OTHER__",
            &values,
        );
        assert_eq!(
            html,
            "Hi &lt;b&gt;$1 \\ __EMAIL__&lt;&#x2F;b&gt;, go to \
             https:&#x2F;&#x2F;d.example&#x2F;c?confirm=abc&amp;x=1 or type 042917 (a@example.com) © 2026 d.example __OTHER__"
        );
    }
}
