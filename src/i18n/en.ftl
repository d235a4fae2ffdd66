# doorstep's strings in English. Every other language file has exactly these keys (a test
# checks); operators override any of them with their own en.ftl in doorstep.i18n.dir.

## The frame of every page

language-name = English
language-switch = Language

## Words used on many pages

optional = (optional)
action-sign-in = Sign in
action-create-account = Create an account
action-forgot-password = Forgot your password?
action-back-to-sign-in = Back to sign-in
action-home = Go to the start page
password-show = Show password
password-hide = Hide password
password-shown = The password is shown.
password-hidden = The password is hidden.
password-rule = Use at least { $min } characters. A long phrase of a few words is easy to remember and hard to guess.
error-summary-title = Please correct the following

## Field labels and hints

label-firstname = First name
label-lastname = Last name
label-username = Username
label-email = Email address
label-login = Email address or username
label-password = Password
label-new-password = New password
label-code = Code from the mail
hint-username = { $min } to { $max } letters, digits, dots, dashes or underscores, starting with a letter or digit. Others will see it.
hint-code = The { $length } digits from the mail.
hint-whitelist = Only addresses at { $domains } can sign up.

## Sign-up

signup-title = Create your account
signup-submit = Sign up
signup-submit-email-first = Continue
signup-email-first-hint = We will mail you a link to confirm the address. After opening it, you choose your name and password.
signup-have-account = Already have an account?

## The challenges beside a form

captcha-label = Type the characters in the picture
captcha-alt = A picture of five letters and digits
captcha-new-picture = Show a new picture
captcha-hint = Letters and digits; upper or lower case does not matter.
pow-intro = This browser checks by itself that it is not a bot; there is nothing for you to do.
pow-intro-picture = This browser checks by itself that it is not a bot. If it cannot, type the characters in the picture.
pow-working = Checking that this is a person's browser…
pow-done = Done: this browser has shown that it is not a bot.
pow-done-picture = Done: this browser has shown that it is not a bot. You may leave the picture's field empty.
pow-waiting = Still checking this browser; the form is sent as soon as that is done.
pow-failed = This browser could not be checked. Please reload the page to try again.
pow-failed-picture = This browser could not be checked. Please type the characters in the picture instead.
pow-noscript = This form needs JavaScript to check that it is sent by a person's browser. Please turn JavaScript on for this site.
pow-noscript-picture = The automatic check needs JavaScript: please type the characters in the picture.

## Finishing an email-first sign-up

details-title = Finish creating your account
details-intro = The account is for { $email }. Choose your name and password to finish.
details-intro-plain = Choose your name and password to finish.
details-submit = Create my account

## "Check your mail" after sign-up

sent-title = Check your mail
sent-intro = We sent a message to { $email }. Open the link in it to finish creating your account.
sent-intro-email-first = We sent a message to { $email }. Open the link in it to choose your name and password.
sent-code-intro = Or type the code from the mail here:
sent-code-submit = Confirm my address
sent-code-submit-email-first = Continue
sent-tries-left = Tries left for this code: { $count }.
sent-no-tries-left = This code no longer works. Ask for a new mail below, or use the link.
sent-not-arrived = No message after a few minutes? Look in your spam folder, or have it sent again: earlier links keep working.
sent-not-arrived-code = No message after a few minutes? Look in your spam folder, or have it sent again: earlier links keep working, and only the newest code does.
sent-resend = Send the mail again
sent-wrong-address = Wrong address?
sent-start-again = Sign up again with the right one

## Confirming an address

confirm-title = Confirm your email address
confirm-intro = Press the button to confirm your address and create your account.
confirm-submit = Confirm and create my account
confirm-username-intro = Choose the username of your account.
confirmed-title = Your account is ready
confirmed-welcome = Welcome, { $name }. The account for { $email } exists and its address is confirmed.
confirmed-welcome-plain = Welcome. The account for { $email } exists and its address is confirmed.
confirmed-signed-in = You are signed in.
confirmed-go-to-account = Go to your account
confirmed-sign-in-now = You can sign in now.
pending-title = Your account waits for approval
pending-text = Thank you, { $name }. The address { $email } is confirmed. An administrator now looks at the account; you will get a mail once you can sign in.
pending-text-plain = Thank you. The address { $email } is confirmed. An administrator now looks at the account; you will get a mail once you can sign in.

## Signing in

login-title = Sign in
login-submit = Sign in
login-signed-out = You are signed out.
login-no-account = No account yet?

## Password reset

reset-title = Reset your password
reset-intro = Enter the address of your account and we will mail you a link to choose a new password.
reset-submit = Send me a link
reset-sent-title = Check your mail
reset-sent-intro = If { $email } has an account, we sent it a link to choose a new password. The link expires soon.
reset-sent-code-intro = Or type the code from the mail here:
reset-sent-not-arrived = No message after a few minutes? Look in your spam folder, or ask for a new link.
reset-new-link = Ask for a new link
reset-choose-title = Choose a new password
reset-confirm-title = Confirm your new password
reset-confirm-intro = Press the button to set the password you chose when you asked for this link.
reset-choose-submit = Set my new password
reset-confirm-submit = Set the password I chose
reset-done-title = Password changed
reset-done-text = The password of { $email } is changed, and every other device that was signed in has been signed out.

## The account pages

account-title = Your account
app-password-created-title = Your new app password

## The error page

error-title-not-found = Page not found
error-title-signup-closed = Sign-up is closed
error-title-reset-off = Password reset is off
error-title-sign-in = Please sign in
error-title-link = This link does not work
error-title-other = Something is not right
error-start-signup-again = Start the sign-up again
error-new-reset-link = Ask for a new password link
error-back-to-form = Go back to the form

## Error messages: the `message` of JSON errors and the sentence on pages

error-invalid_request = Some fields are missing or not right. Please check them.
error-weak_password = The password does not meet the password rules. Please choose another one.
error-captcha_required = Please show that you are a person: solve the challenge below.
error-captcha_invalid = The answer to the challenge was not right. Please try the new one.
error-redirect_not_allowed = This page may not send you on to that address.
error-token_invalid = This link does not work. It may be mistyped or replaced by a newer one; please use the latest mail.
error-code_invalid = This code is not right, or no longer works. Please check the latest mail, or use its link.
error-details_required = Choose your name and password to finish signing up.
error-invalid_credentials = The email address or the password is wrong. Please try again.
error-unauthenticated = Please sign in first.
error-unauthenticated-bearer = Send the configured token as Authorization: Bearer <token>.
error-forbidden-session = This needs a signed-in session; an app password only reads the account.
error-signup_disabled = Sign-up is switched off on this server.
error-password_reset_disabled = Password reset is switched off on this server.
error-domain_not_allowed = Sign-up is not open to addresses in this domain. Please use another address.
error-csrf_invalid = The form has expired. Please reload the page and try again.
error-origin_not_allowed = Requests from this page's origin are not accepted.
error-approval_pending = This account is waiting for an administrator's approval. You will get a mail once you can sign in.
error-account_disabled = This account is disabled. Please contact the administrator.
error-forbidden = Your account may not do this.
error-ocs_header_missing = OCS requests must carry the header OCS-APIRequest: true.
error-not_found = There is nothing here. Please check the address.
error-not_acceptable = This API answers in JSON only: send Accept: application/json or ?format=json.
error-token_expired = This link has expired. Please ask for a new one.
error-username_taken = This username is taken. Please choose another one.
error-body_too_large = The request is too large.
error-unsupported_media_type = Send the body as application/x-www-form-urlencoded or application/json.
error-uri_too_long = The address (URL) of the request is too long.
error-headers_too_large = The request's headers are too large.
error-rate_limited = Too many requests. Please wait a little and try again.
error-busy = The server is busy. Please try again in a moment.
error-unavailable = A service this request needs is unavailable. Please try again later.
error-internal = Something went wrong on our side. Please try again later.

## A field's error, beside the field: what is wrong and what to do

field-firstname-required = Please enter your first name.
field-lastname-required = Please enter your last name.
field-email-required = Please enter your email address.
field-email-invalid = Please enter an email address like name@example.com.
field-email-domain_not_allowed = Sign-up is not open to addresses in this domain. Please use another address.
field-username-required = Please choose a username.
field-username-invalid = Please use { $min } to { $max } letters, digits, dots, dashes or underscores, starting with a letter or digit.
field-username-reserved = This username is reserved. Please choose another one.
field-username-taken = This username is taken. Please choose another one.
field-password-required = Please choose a password.
field-password-too_short = This password is too short. Please use at least { $min } characters.
field-password-too_long = This password is too long. Please use at most { $max } characters.
field-password-too_common = This password is one of the most common ones. Please choose one that is harder to guess.
field-password-contains_personal_data = This password contains your name or address. Please choose one without them.
field-current_password-incorrect = This is not your password. Please try again.
field-current_password-required = Please enter your password.
field-name-required = Please give the app password a name.
field-code-required = Please type the code from the mail.
field-code-invalid = Please type the digits of the code from the mail.
field-code-not_offered = This server does not send codes; please use the link in the mail.
field-required = Please fill in this field.
field-too_long = This is too long. Please shorten it.
field-invalid = This is not right. Please check it.
field-invalid_characters = Please leave out line breaks and other control characters.
field-not_allowed = This page may not send you on to that address.
field-unavailable = This is not offered on this server.

## Mail

mail-greeting = Hello { $name },
mail-greeting-plain = Hello,
mail-open-link = Or open this link:
mail-signature = { $product }
signup-mail-subject = Confirm your email address for { $product }
signup-mail-intro = please confirm your email address { $email } to finish creating your account at { $product }.
signup-mail-button = Confirm my address
signup-mail-code = Signing up in an app? Type this code there instead (it works for a few minutes):
signup-mail-ignore = The link works once and expires. If you did not sign up, ignore this mail: no account is created without the link.
reset-mail-subject = Reset your password for { $product }
reset-mail-intro = someone, probably you, asked to reset the password of the account { $email } at { $product }.
reset-mail-button = Choose a new password
reset-mail-code = Or type this code where you asked for the reset (it works for a few minutes):
reset-mail-ignore = The link works once and expires soon. If you did not ask for this, ignore this mail: your password stays as it is.
registered-mail-subject = You already have an account at { $product }
registered-mail-intro = someone, probably you, just tried to sign up at { $product } with { $email }. This address already has an account, so nothing was changed and no new account was created.
registered-mail-sign-in = If it was you, sign in with your existing account.
registered-mail-reset = Forgot your password? Choose a new one:
registered-mail-ignore = If it was not you, you can ignore this mail.
changed-mail-subject = Your password at { $product } was changed
changed-mail-intro = the password of your account { $email } at { $product } was just changed, and every other device that was signed in has been signed out.
changed-mail-if-not-you = If you did this, there is nothing more to do. If you did not, reset your password now.
changed-mail-reset = Reset it here:
approved-mail-subject = Your account at { $product } was approved
approved-mail-intro = your account { $email } at { $product } was approved. You can sign in now.
approved-mail-button = Sign in
rejected-mail-subject = Your sign-up at { $product } was not approved
rejected-mail-intro = your sign-up with { $email } at { $product } was not approved, and the account was removed together with everything you entered.
approval-mail-subject = A new account at { $product } waits for approval: { $applicant }
approval-mail-intro = { $applicant } confirmed their address at { $product }. The account waits for an administrator's approval before it can sign in.
approval-mail-how = On the server, approve or reject it with:

# Invitations and registration tokens
signup-invited = You were invited with { $email }: choose your password, and your account is ready at once.
label-registration-token = Registration token
hint-registration-token = Sign-up here is by invitation: enter the token an administrator gave you.
field-registration_token-required = Please enter your registration token.
field-registration_token-invalid = This registration token is not valid. Please check it.
field-registration_token-expired = This registration token has expired. Please ask for a new one.
field-registration_token-used_up = This registration token has been used up. Please ask for a new one.
field-password-incorrect = This is not your password. Please try again.
error-invitation_required = Sign-up here is by invitation only: use your invitation link or a registration token.

## The account page and the pages of its forms

account-signed-in-as = Signed in as
account-username = Username:
account-sign-out = Sign out
account-sessions-title = Where you are signed in
account-session-unknown-device = Unknown device
account-session-this-browser = (this browser)
account-session-device = { $browser } on { $system }
account-session-program = A program on { $system }
account-session-dates = Signed in { $created }; ends { $expires }
account-session-dates-used = Signed in { $created }, last used { $used }; ends { $expires }
account-session-end = End this session
account-app-passwords-title = App passwords
account-app-passwords-intro = An app password lets one program read your account (it cannot change your password or sign-ins). Revoke it when you stop using the program.
account-app-password-dates = Made { $created }; last used { $used }
account-app-password-dates-unused = Made { $created }; never used
account-app-password-revoke = Revoke { $name }
label-app-password-name = Name of the new app password
label-current-password = Your password
account-app-password-submit = Make an app password
account-password-title = Change your password
label-password-now = Your password now
account-password-hint = Your other devices will be signed out; this one stays signed in.
account-password-submit = Change password
account-email-title = Change your email address
label-new-email = New email address
account-email-hint = We send a link to the new address; your account keeps its address until you open it.
account-email-submit = Send the link
account-data-title = Your data
account-data-download = Download everything stored about your account
account-data-format = (JSON)
account-delete-title = Delete your account
account-delete-hint = This deletes your account, its sessions and app passwords at once. It cannot be undone.
account-delete-submit = Delete my account
account-invite-title = Invite someone
account-invite-intro = They get a link to create their account with that address; it is active at once.
label-invite-email = Their email address
label-invite-firstname = Their first name
label-invite-lastname = Their last name
account-invite-submit = Send the invitation
account-invitations-title = Invitations sent
account-invitation-pending = Waiting; the link works until { $expires }; sent { $sent }
account-invitation-redeemed = Accepted; sent { $sent }
account-invitation-withdrawn = Withdrawn; sent { $sent }
account-invitation-expired = Expired unused; sent { $sent }
account-invitation-withdraw = Withdraw the invitation to { $email }
field-account-last_admin = You are the last administrator: make someone else an administrator first.
field-email-unchanged = This is already your address. Please enter the new one.
field-email-taken = This address is already in use. Please enter another one.
field-email-registered = This address already has an account.
action-back-to-account = Back to your account
action-account = Your account
deleted-title = Account deleted
deleted-text = The account { $email } and everything that belonged to it are gone. You are signed out.
deleted-signup-again = Sign up again
app-password-created-intro = Copy the app password { $name } now: it is shown only this once.
app-password-created-hint = Use it as the password of your address in the program (HTTP Basic), or as Authorization: Bearer. It can read your account, never change it.
email-confirm-title = Confirm your new email address
email-confirm-intro = Press the button to use { $email } for your account from now on.
email-confirm-submit = Use this address
email-sent-title = Check your new mailbox
email-sent-intro = We sent a link to { $email }. Open it to start using this address; until then your account keeps its old one.
label-email-change-code = Or type the code from the mail
email-sent-submit = Use my new address
email-changed-title = Email address changed
email-changed-text = Your account now uses { $email }. Other devices that were signed in have been signed out.

## Mail about the account and invitations

email-change-mail-subject = Confirm your new email address at { $product }
email-change-mail-intro = you asked to use { $email } for your account at { $product }. To confirm this address, open this link:
email-change-mail-button = Confirm my new address
email-change-mail-code = Or type this code on the page where you asked for the change:
email-change-mail-keep = Until you confirm, your account keeps its old address. If you did not ask for this, you can ignore this mail.
email-changed-mail-subject = The email address of your account at { $product } was changed
email-changed-mail-intro = your account at { $product } now uses the address { $new_email } instead of { $email }. Mail about the account goes there from now on.
email-changed-mail-if-not-you = If you did this, there is nothing more to do. If you did not, please contact the people who run { $product } at once.
deleted-mail-subject = Your account at { $product } was deleted
deleted-mail-intro = your account { $email } at { $product } was deleted, as you asked. Your sessions and app passwords no longer work.
deleted-mail-if-not-you = If you did not ask for this, please contact the people who run { $product }.
in-use-mail-subject = Someone asked to use your email address at { $product }
in-use-mail-intro = someone with another account at { $product } just asked to move it to { $email }. This address already belongs to your account, so nothing was changed.
in-use-mail-advice = If it was you, sign in with this address instead. If it was not you, you can ignore this mail.
invitation-mail-subject = { $inviter } invites you to { $product }
invitation-mail-subject-plain = You are invited to { $product }
invitation-mail-intro = { $inviter } invites you to create an account at { $product } with this address ({ $email }).
invitation-mail-intro-plain = you are invited to create an account at { $product } with this address ({ $email }).
invitation-mail-button = Create your account
invitation-mail-how = Open this link to choose your password; the account is ready as soon as you do:
invitation-mail-expires = The link works until { $expires }. If you do not want an account, ignore this mail.
invitation-known-mail-subject = You already have an account at { $product }
invitation-known-mail-intro = { $inviter } invited you to { $product } with { $email }. This address already has an account, so there is nothing to create.
invitation-known-mail-intro-plain = you were invited to { $product } with { $email }. This address already has an account, so there is nothing to create.
invitation-known-mail-sign-in = Sign in here:
invitation-known-mail-reset = Forgot your password? Choose a new one here:
invitation-known-mail-private = Whoever invited you is not told that you have an account.
pictured-mail-subject-plain = Your registration at { $product }
pictured-mail-started = started an account at { $product } for { $email }.
pictured-mail-wrote = They wrote:
pictured-mail-started-plain = a registration at { $product } was started for { $email }.
pictured-mail-session = Your registration session id is:
pictured-mail-picture = Open the picture of your verification code
pictured-mail-code = The code in the picture is { $code }.
pictured-mail-send = Then send the code as "token" to:
pictured-mail-send-password = Then send the code as "token", with the password you choose as "password", to:
pictured-mail-expires = The session expires. If you did not expect this mail, ignore it: no account is created without the code.
