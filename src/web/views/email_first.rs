//! Email-first sign-up's replies: the details form a proven address leads to.

use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

use super::signup::{PasswordLimits, UsernameRules, detail_fields};
use super::{View, insert};
use crate::accounts::email_first::{Awaiting, CompleteForm};
use crate::config::Settings;

/// The link of an email-first sign-up opened (or `POST /auth/signup/complete` sent without
/// details): the address is known, and these details are wanted to make the account. Nothing
/// was used; send them with the same proof to `POST /auth/signup/complete`.
#[derive(Serialize, ToSchema)]
pub struct DetailsRequired {
    /// Always `details_required`.
    #[schema(example = "details_required")]
    status: &'static str,
    /// The address the account is for.
    #[schema(example = "ada@example.com")]
    email: String,
    /// The fields `POST /auth/signup/complete` takes beside the proof, in form order.
    #[schema(example = json!(["firstname", "lastname", "password"]))]
    fields: Vec<&'static str>,
    /// Whether `firstname` and `lastname` must be given (`doorstep.auth.signup.names`).
    names_required: bool,
    username: UsernameRules,
    password: PasswordLimits,
    #[serde(skip)]
    proof: ProofValues,
    #[serde(skip)]
    values: Option<DetailValues>,
}

/// What the page's form carries to prove the address again: the link's token, or the
/// address and the code typed on the "check your mail" page.
#[derive(Serialize, Default)]
struct ProofValues {
    token: String,
    email: String,
    code: String,
}

/// What a refused details form is shown again with: everything but the password.
#[derive(Serialize)]
struct DetailValues {
    firstname: String,
    lastname: String,
    username: String,
}

impl DetailsRequired {
    fn new(settings: &Settings, email: String, proof: ProofValues) -> DetailsRequired {
        DetailsRequired {
            status: "details_required",
            email,
            fields: detail_fields(settings)
                .into_iter()
                .map(|(name, _)| name)
                .collect(),
            names_required: settings.signup.names_required,
            username: UsernameRules::of(settings),
            password: PasswordLimits::of(settings),
            proof,
            values: None,
        }
    }

    /// The details form a link opens.
    pub fn by_link(settings: &Settings, awaiting: Awaiting, token: String) -> DetailsRequired {
        let proof = ProofValues {
            token,
            ..ProofValues::default()
        };
        DetailsRequired::new(settings, awaiting.email, proof)
    }

    /// The details form for the proof `form` carried (a link's token, or a right code).
    pub fn proven_by(
        settings: &Settings,
        awaiting: Awaiting,
        form: &CompleteForm,
    ) -> DetailsRequired {
        DetailsRequired::new(settings, awaiting.email, proof_of(form))
    }

    /// The details form again after a refusal, with what was sent (never the password); the
    /// address is shown when it was typed with a code.
    pub fn refill(settings: &Settings, form: &CompleteForm) -> DetailsRequired {
        let mut page = DetailsRequired::new(settings, form.email.trim().to_owned(), proof_of(form));
        page.values = Some(DetailValues {
            firstname: form.firstname.clone(),
            lastname: form.lastname.clone(),
            username: form.username.clone(),
        });
        page
    }
}

fn proof_of(form: &CompleteForm) -> ProofValues {
    ProofValues {
        token: form.token.clone(),
        email: form.email.trim().to_owned(),
        code: form.code.clone(),
    }
}

impl View for DetailsRequired {
    const TEMPLATE: &'static str = "signup_details.html.tera";

    fn page_only(&self, page: &mut Map<String, Value>) {
        insert(page, "proof", &self.proof);
        if let Some(values) = &self.values {
            insert(page, "values", values);
        }
    }
}
