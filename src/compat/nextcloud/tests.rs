//! The mapping between doorstep's outcomes and Nextcloud's replies.

use super::*;

fn read(status: RegistrationStatus, app_password: Option<&str>) -> StatusRead {
    StatusRead {
        status,
        app_password: app_password.map(str::to_owned),
    }
}

#[test]
fn refusals_use_the_registration_apps_words_and_keep_doorsteps_code() {
    let taken = Refusal::from(Error::UsernameTaken);
    assert_eq!(taken.status, 400);
    assert_eq!(taken.code, Some("username_taken"));
    assert_eq!(
        taken.message,
        "The username you have chosen already exists."
    );
    let both = FieldErrors::from([("username", "invalid"), ("email", "invalid")]);
    let invalid = Refusal::from(Error::InvalidRequest(both));
    assert_eq!(
        invalid.message,
        "The email address you entered is not valid"
    );
    let limited = Refusal::from(Error::RateLimited {
        retry_after: std::time::Duration::from_secs(3),
    });
    assert_eq!((limited.status, limited.code), (429, Some("rate_limited")));
    let domain = serde_json::to_value(Refusal::from(Error::DomainNotAllowed).draft()).unwrap();
    assert_eq!(
        domain,
        serde_json::json!({"message": "Your email is not authorized", "error": "domain_not_allowed"})
    );
}

#[test]
fn the_draft_says_finished_or_refuses_until_then() {
    let finished = draft_status(read(RegistrationStatus::Finished, Some("dsap_x"))).unwrap();
    assert_eq!(
        serde_json::to_value(finished).unwrap(),
        serde_json::json!({"status": "FINISHED", "appPassword": "dsap_x"})
    );
    let again = draft_status(read(RegistrationStatus::Finished, None)).unwrap();
    assert_eq!(
        serde_json::to_value(again).unwrap(),
        serde_json::json!({"status": "FINISHED"})
    );
    let pending = draft_status(read(RegistrationStatus::PendingConfirmation, None));
    let pending = pending.unwrap_err();
    assert_eq!((pending.status, pending.code), (403, None));
    let lapsed = draft_status(read(RegistrationStatus::Expired, None)).unwrap_err();
    assert_eq!(lapsed.status, 404);
}

#[test]
fn ocs_hands_out_the_app_password_once_then_forgets_the_secret() {
    let cloud = || "https://cloud.example.com".to_owned();
    let complete = ocs_status(read(RegistrationStatus::Finished, Some("dsap_x")), cloud());
    assert_eq!(
        serde_json::to_value(Ocs::ok(complete.unwrap())).unwrap(),
        serde_json::json!({"ocs": {
            "meta": {"status": "ok", "statuscode": 200, "message": "OK"},
            "data": {"registrationStatus": 0, "appPassword": "dsap_x",
                "cloudUrl": "https://cloud.example.com"},
        }})
    );
    let spent = ocs_status(read(RegistrationStatus::Finished, None), cloud()).unwrap_err();
    let spent = spent.ocs();
    assert_eq!(spent.status(), 404);
    assert_eq!(
        serde_json::to_value(spent).unwrap(),
        serde_json::json!({"ocs": {
            "meta": {"status": "failure", "statuscode": 404,
                "message": "No pending registration."},
            "data": {"error": "not_found"},
        }})
    );
    let pending = ocs_status(read(RegistrationStatus::PendingConfirmation, None), cloud());
    assert!(matches!(
        pending,
        Ok(OcsStatus::Pending {
            registration_status: 1,
            ..
        })
    ));
    assert!(ocs_status(read(RegistrationStatus::Expired, None), cloud()).is_err());
}
