# Die Texte von doorstep auf Deutsch (Anrede „Sie“). Dieselben Schlüssel wie en.ftl; eigene
# Texte legen Betreiber als de.ftl in doorstep.i18n.dir ab.

## Der Rahmen jeder Seite

language-name = Deutsch
language-switch = Sprache

## Wörter auf vielen Seiten

optional = (optional)
action-sign-in = Anmelden
action-create-account = Konto erstellen
action-forgot-password = Passwort vergessen?
action-back-to-sign-in = Zurück zur Anmeldung
action-home = Zur Startseite
password-show = Passwort anzeigen
password-hide = Passwort verbergen
password-shown = Das Passwort wird angezeigt.
password-hidden = Das Passwort ist verborgen.
password-rule = Verwenden Sie mindestens { $min } Zeichen. Ein langer Satz aus einigen Wörtern ist leicht zu merken und schwer zu erraten.
error-summary-title = Bitte korrigieren Sie Folgendes

## Feldbezeichnungen und Hinweise

label-firstname = Vorname
label-lastname = Nachname
label-username = Benutzername
label-email = E-Mail-Adresse
label-login = E-Mail-Adresse oder Benutzername
label-password = Passwort
label-new-password = Neues Passwort
label-code = Code aus der E-Mail
hint-username = { $min } bis { $max } Buchstaben, Ziffern, Punkte, Binde- oder Unterstriche, beginnend mit einem Buchstaben oder einer Ziffer. Andere sehen ihn.
hint-code = Die { $length } Ziffern aus der E-Mail.
hint-whitelist = Nur Adressen bei { $domains } können sich registrieren.

## Registrierung

signup-title = Konto erstellen
signup-submit = Registrieren
signup-submit-email-first = Weiter
signup-email-first-hint = Wir senden Ihnen einen Link, mit dem Sie die Adresse bestätigen. Danach wählen Sie Ihren Namen und Ihr Passwort.
signup-have-account = Sie haben schon ein Konto?

## Die Prüfungen neben einem Formular

captcha-label = Geben Sie die Zeichen im Bild ein
captcha-alt = Ein Bild mit fünf Buchstaben und Ziffern
captcha-new-picture = Neues Bild zeigen
captcha-hint = Buchstaben und Ziffern; Groß- und Kleinschreibung spielt keine Rolle.
pow-intro = Dieser Browser prüft selbst, dass er kein Bot ist; Sie müssen nichts tun.
pow-intro-picture = Dieser Browser prüft selbst, dass er kein Bot ist. Falls das nicht gelingt, geben Sie die Zeichen im Bild ein.
pow-working = Es wird geprüft, ob hier ein Mensch den Browser bedient …
pow-done = Fertig: Dieser Browser hat gezeigt, dass er kein Bot ist.
pow-done-picture = Fertig: Dieser Browser hat gezeigt, dass er kein Bot ist. Das Feld zum Bild können Sie leer lassen.
pow-waiting = Der Browser wird noch geprüft; das Formular wird gesendet, sobald das erledigt ist.
pow-failed = Dieser Browser konnte nicht geprüft werden. Bitte laden Sie die Seite neu.
pow-failed-picture = Dieser Browser konnte nicht geprüft werden. Bitte geben Sie stattdessen die Zeichen im Bild ein.
pow-noscript = Dieses Formular braucht JavaScript, um zu prüfen, dass es von einem Menschen gesendet wird. Bitte schalten Sie JavaScript für diese Seite ein.
pow-noscript-picture = Die automatische Prüfung braucht JavaScript: Bitte geben Sie die Zeichen im Bild ein.

## Registrierung abschließen (zuerst die Adresse)

details-title = Konto fertig einrichten
details-intro = Das Konto ist für { $email }. Wählen Sie Ihren Namen und Ihr Passwort, um es fertigzustellen.
details-intro-plain = Wählen Sie Ihren Namen und Ihr Passwort, um das Konto fertigzustellen.
details-submit = Konto erstellen

## „Sehen Sie in Ihr Postfach“ nach der Registrierung

sent-title = Sehen Sie in Ihr Postfach
sent-intro = Wir haben eine Nachricht an { $email } gesendet. Öffnen Sie den Link darin, um Ihr Konto fertig zu erstellen.
sent-intro-email-first = Wir haben eine Nachricht an { $email } gesendet. Öffnen Sie den Link darin, um Ihren Namen und Ihr Passwort zu wählen.
sent-code-intro = Oder geben Sie hier den Code aus der E-Mail ein:
sent-code-submit = Adresse bestätigen
sent-code-submit-email-first = Weiter
sent-tries-left = Verbleibende Versuche für diesen Code: { $count }.
sent-no-tries-left = Dieser Code gilt nicht mehr. Fordern Sie unten eine neue E-Mail an oder verwenden Sie den Link.
sent-not-arrived = Nach einigen Minuten noch keine Nachricht? Sehen Sie im Spam-Ordner nach oder lassen Sie sie erneut senden: Frühere Links bleiben gültig.
sent-not-arrived-code = Nach einigen Minuten noch keine Nachricht? Sehen Sie im Spam-Ordner nach oder lassen Sie sie erneut senden: Frühere Links bleiben gültig, nur der neueste Code gilt.
sent-resend = E-Mail erneut senden
sent-wrong-address = Falsche Adresse?
sent-start-again = Mit der richtigen Adresse neu registrieren

## Eine Adresse bestätigen

confirm-title = E-Mail-Adresse bestätigen
confirm-intro = Drücken Sie die Schaltfläche, um Ihre Adresse zu bestätigen und Ihr Konto zu erstellen.
confirm-submit = Bestätigen und Konto erstellen
confirm-username-intro = Wählen Sie den Benutzernamen Ihres Kontos.
confirmed-title = Ihr Konto ist bereit
confirmed-welcome = Willkommen, { $name }. Das Konto für { $email } ist angelegt und seine Adresse bestätigt.
confirmed-welcome-plain = Willkommen. Das Konto für { $email } ist angelegt und seine Adresse bestätigt.
confirmed-signed-in = Sie sind angemeldet.
confirmed-go-to-account = Zu Ihrem Konto
confirmed-sign-in-now = Sie können sich jetzt anmelden.
pending-title = Ihr Konto wartet auf Freigabe
pending-text = Vielen Dank, { $name }. Die Adresse { $email } ist bestätigt. Eine Administratorin oder ein Administrator prüft nun das Konto; Sie erhalten eine E-Mail, sobald Sie sich anmelden können.
pending-text-plain = Vielen Dank. Die Adresse { $email } ist bestätigt. Eine Administratorin oder ein Administrator prüft nun das Konto; Sie erhalten eine E-Mail, sobald Sie sich anmelden können.

## Anmelden

login-title = Anmelden
login-submit = Anmelden
login-signed-out = Sie sind abgemeldet.
login-no-account = Noch kein Konto?

## Passwort zurücksetzen

reset-title = Passwort zurücksetzen
reset-intro = Geben Sie die Adresse Ihres Kontos ein. Wir senden Ihnen einen Link, mit dem Sie ein neues Passwort wählen.
reset-submit = Link senden
reset-sent-title = Sehen Sie in Ihr Postfach
reset-sent-intro = Falls zu { $email } ein Konto besteht, haben wir einen Link zum Wählen eines neuen Passworts dorthin gesendet. Der Link ist nur kurz gültig.
reset-sent-code-intro = Oder geben Sie hier den Code aus der E-Mail ein:
reset-sent-not-arrived = Nach einigen Minuten noch keine Nachricht? Sehen Sie im Spam-Ordner nach oder fordern Sie einen neuen Link an.
reset-new-link = Neuen Link anfordern
reset-choose-title = Neues Passwort wählen
reset-confirm-title = Neues Passwort bestätigen
reset-confirm-intro = Drücken Sie die Schaltfläche, um das Passwort zu setzen, das Sie beim Anfordern dieses Links gewählt haben.
reset-choose-submit = Neues Passwort speichern
reset-confirm-submit = Gewähltes Passwort setzen
reset-done-title = Passwort geändert
reset-done-text = Das Passwort von { $email } ist geändert, und alle anderen Geräte, die angemeldet waren, wurden abgemeldet.

## Die Kontoseiten

account-title = Ihr Konto
app-password-created-title = Ihr neues App-Passwort

## Die Fehlerseite

error-title-not-found = Seite nicht gefunden
error-title-signup-closed = Die Registrierung ist geschlossen
error-title-reset-off = Das Zurücksetzen von Passwörtern ist ausgeschaltet
error-title-sign-in = Bitte melden Sie sich an
error-title-link = Dieser Link funktioniert nicht
error-title-other = Etwas stimmt nicht
error-start-signup-again = Registrierung neu beginnen
error-new-reset-link = Neuen Link zum Zurücksetzen anfordern
error-back-to-form = Zurück zum Formular

## Fehlermeldungen: die `message` der JSON-Fehler und der Satz auf den Seiten

error-invalid_request = Einige Angaben fehlen oder stimmen nicht. Bitte prüfen Sie sie.
error-weak_password = Das Passwort erfüllt die Regeln für Passwörter nicht. Bitte wählen Sie ein anderes.
error-captcha_required = Bitte zeigen Sie, dass Sie ein Mensch sind: Lösen Sie die Aufgabe unten.
error-captcha_invalid = Die Antwort auf die Aufgabe war nicht richtig. Bitte versuchen Sie die neue.
error-redirect_not_allowed = Diese Seite darf Sie nicht an diese Adresse weiterleiten.
error-token_invalid = Dieser Link funktioniert nicht. Vielleicht ist er unvollständig oder wurde durch einen neueren ersetzt; bitte verwenden Sie die neueste E-Mail.
error-code_invalid = Dieser Code ist nicht richtig oder gilt nicht mehr. Bitte sehen Sie in der neuesten E-Mail nach oder verwenden Sie deren Link.
error-details_required = Wählen Sie Ihren Namen und Ihr Passwort, um die Registrierung abzuschließen.
error-invalid_credentials = Die E-Mail-Adresse oder das Passwort ist falsch. Bitte versuchen Sie es noch einmal.
error-unauthenticated = Bitte melden Sie sich zuerst an.
error-unauthenticated-bearer = Senden Sie das konfigurierte Token als Authorization: Bearer <token>.
error-forbidden-session = Dafür ist eine angemeldete Sitzung nötig; ein App-Passwort kann das Konto nur lesen.
error-signup_disabled = Die Registrierung ist auf diesem Server ausgeschaltet.
error-password_reset_disabled = Das Zurücksetzen von Passwörtern ist auf diesem Server ausgeschaltet.
error-domain_not_allowed = Adressen dieser Domain können sich nicht registrieren. Bitte verwenden Sie eine andere Adresse.
error-csrf_invalid = Das Formular ist abgelaufen. Bitte laden Sie die Seite neu und versuchen Sie es noch einmal.
error-origin_not_allowed = Anfragen von der Herkunft dieser Seite werden nicht angenommen.
error-approval_pending = Dieses Konto wartet auf die Freigabe durch die Administration. Sie erhalten eine E-Mail, sobald Sie sich anmelden können.
error-account_disabled = Dieses Konto ist gesperrt. Bitte wenden Sie sich an die Administration.
error-forbidden = Ihr Konto darf das nicht.
error-ocs_header_missing = OCS-Anfragen müssen den Header OCS-APIRequest: true tragen.
error-not_found = Hier gibt es nichts. Bitte prüfen Sie die Adresse.
error-not_acceptable = Diese Schnittstelle antwortet nur in JSON: Senden Sie Accept: application/json oder ?format=json.
error-token_expired = Dieser Link ist abgelaufen. Bitte fordern Sie einen neuen an.
error-username_taken = Dieser Benutzername ist vergeben. Bitte wählen Sie einen anderen.
error-body_too_large = Die Anfrage ist zu groß.
error-unsupported_media_type = Senden Sie den Inhalt als application/x-www-form-urlencoded oder application/json.
error-uri_too_long = Die Adresse (URL) der Anfrage ist zu lang.
error-headers_too_large = Die Kopfzeilen der Anfrage sind zu groß.
error-rate_limited = Zu viele Anfragen. Bitte warten Sie einen Moment und versuchen Sie es dann noch einmal.
error-busy = Der Server ist ausgelastet. Bitte versuchen Sie es gleich noch einmal.
error-unavailable = Ein Dienst, den diese Anfrage braucht, ist nicht erreichbar. Bitte versuchen Sie es später noch einmal.
error-internal = Bei uns ist etwas schiefgegangen. Bitte versuchen Sie es später noch einmal.

## Der Fehler eines Feldes, neben dem Feld: was falsch ist und was zu tun ist

field-firstname-required = Bitte geben Sie Ihren Vornamen ein.
field-lastname-required = Bitte geben Sie Ihren Nachnamen ein.
field-email-required = Bitte geben Sie Ihre E-Mail-Adresse ein.
field-email-invalid = Bitte geben Sie eine E-Mail-Adresse wie name@example.com ein.
field-email-domain_not_allowed = Adressen dieser Domain können sich nicht registrieren. Bitte verwenden Sie eine andere Adresse.
field-username-required = Bitte wählen Sie einen Benutzernamen.
field-username-invalid = Bitte verwenden Sie { $min } bis { $max } Buchstaben, Ziffern, Punkte, Binde- oder Unterstriche, beginnend mit einem Buchstaben oder einer Ziffer.
field-username-reserved = Dieser Benutzername ist reserviert. Bitte wählen Sie einen anderen.
field-username-taken = Dieser Benutzername ist vergeben. Bitte wählen Sie einen anderen.
field-password-required = Bitte wählen Sie ein Passwort.
field-password-too_short = Dieses Passwort ist zu kurz. Bitte verwenden Sie mindestens { $min } Zeichen.
field-password-too_long = Dieses Passwort ist zu lang. Bitte verwenden Sie höchstens { $max } Zeichen.
field-password-too_common = Dieses Passwort gehört zu den häufigsten. Bitte wählen Sie eines, das schwerer zu erraten ist.
field-password-contains_personal_data = Dieses Passwort enthält Ihren Namen oder Ihre Adresse. Bitte wählen Sie eines ohne sie.
field-current_password-incorrect = Das ist nicht Ihr Passwort. Bitte versuchen Sie es noch einmal.
field-current_password-required = Bitte geben Sie Ihr Passwort ein.
field-name-required = Bitte geben Sie dem App-Passwort einen Namen.
field-code-required = Bitte geben Sie den Code aus der E-Mail ein.
field-code-invalid = Bitte geben Sie die Ziffern des Codes aus der E-Mail ein.
field-code-not_offered = Dieser Server sendet keine Codes; bitte verwenden Sie den Link in der E-Mail.
field-required = Bitte füllen Sie dieses Feld aus.
field-too_long = Das ist zu lang. Bitte kürzen Sie es.
field-invalid = Das stimmt nicht. Bitte prüfen Sie es.
field-invalid_characters = Bitte lassen Sie Zeilenumbrüche und andere Steuerzeichen weg.
field-not_allowed = Diese Seite darf Sie nicht an diese Adresse weiterleiten.
field-unavailable = Das wird auf diesem Server nicht angeboten.

## E-Mail

mail-greeting = Guten Tag { $name },
mail-greeting-plain = Guten Tag,
mail-open-link = Oder öffnen Sie diesen Link:
mail-signature = { $product }
signup-mail-subject = Bestätigen Sie Ihre E-Mail-Adresse für { $product }
signup-mail-intro = bitte bestätigen Sie Ihre E-Mail-Adresse { $email }, um Ihr Konto bei { $product } fertig zu erstellen.
signup-mail-button = Adresse bestätigen
signup-mail-code = Sie registrieren sich in einer App? Geben Sie dort stattdessen diesen Code ein (er gilt einige Minuten):
signup-mail-ignore = Der Link funktioniert einmal und läuft ab. Falls Sie sich nicht registriert haben, ignorieren Sie diese E-Mail: Ohne den Link wird kein Konto angelegt.
reset-mail-subject = Setzen Sie Ihr Passwort für { $product } zurück
reset-mail-intro = jemand, wahrscheinlich Sie, möchte das Passwort des Kontos { $email } bei { $product } zurücksetzen.
reset-mail-button = Neues Passwort wählen
reset-mail-code = Oder geben Sie diesen Code dort ein, wo Sie das Zurücksetzen angefordert haben (er gilt einige Minuten):
reset-mail-ignore = Der Link funktioniert einmal und läuft bald ab. Falls Sie das nicht angefordert haben, ignorieren Sie diese E-Mail: Ihr Passwort bleibt, wie es ist.
registered-mail-subject = Sie haben bereits ein Konto bei { $product }
registered-mail-intro = jemand, wahrscheinlich Sie, hat gerade versucht, sich bei { $product } mit { $email } zu registrieren. Zu dieser Adresse besteht schon ein Konto; es wurde nichts geändert und kein neues Konto angelegt.
registered-mail-sign-in = Falls Sie es waren, melden Sie sich mit Ihrem bestehenden Konto an.
registered-mail-reset = Passwort vergessen? Wählen Sie hier ein neues:
registered-mail-ignore = Falls Sie es nicht waren, können Sie diese E-Mail ignorieren.
changed-mail-subject = Ihr Passwort bei { $product } wurde geändert
changed-mail-intro = das Passwort Ihres Kontos { $email } bei { $product } wurde soeben geändert, und alle anderen Geräte, die angemeldet waren, wurden abgemeldet.
changed-mail-if-not-you = Falls Sie das waren, ist nichts weiter zu tun. Falls nicht, setzen Sie Ihr Passwort jetzt zurück.
changed-mail-reset = Hier geht es zum Zurücksetzen:
approved-mail-subject = Ihr Konto bei { $product } wurde freigegeben
approved-mail-intro = Ihr Konto { $email } bei { $product } wurde freigegeben. Sie können sich jetzt anmelden.
approved-mail-button = Anmelden
rejected-mail-subject = Ihre Registrierung bei { $product } wurde nicht freigegeben
rejected-mail-intro = Ihre Registrierung mit { $email } bei { $product } wurde nicht freigegeben; das Konto wurde mit allen Ihren Angaben gelöscht.
approval-mail-subject = Ein neues Konto bei { $product } wartet auf Freigabe: { $applicant }
approval-mail-intro = { $applicant } hat die Adresse bei { $product } bestätigt. Das Konto wartet auf die Freigabe durch die Administration, bevor es sich anmelden kann.
approval-mail-how = Geben Sie es auf dem Server frei oder lehnen Sie es ab mit:

# Invitations and registration tokens
signup-invited = Sie wurden mit { $email } eingeladen: Wählen Sie Ihr Passwort, und Ihr Konto ist sofort bereit.
label-registration-token = Registrierungstoken
hint-registration-token = Die Registrierung ist hier nur mit Einladung möglich: Geben Sie das Token ein, das Sie von der Administration erhalten haben.
field-registration_token-required = Bitte geben Sie Ihr Registrierungstoken ein.
field-registration_token-invalid = Dieses Registrierungstoken ist ungültig. Bitte prüfen Sie es.
field-registration_token-expired = Dieses Registrierungstoken ist abgelaufen. Bitte fordern Sie ein neues an.
field-registration_token-used_up = Dieses Registrierungstoken ist aufgebraucht. Bitte fordern Sie ein neues an.
field-password-incorrect = Das ist nicht Ihr Passwort. Bitte versuchen Sie es noch einmal.
error-invitation_required = Die Registrierung ist hier nur mit Einladung möglich: Verwenden Sie Ihren Einladungslink oder ein Registrierungstoken.

## The account page and the pages of its forms

account-signed-in-as = Angemeldet als
account-username = Benutzername:
account-sign-out = Abmelden
account-sessions-title = Wo Sie angemeldet sind
account-session-unknown-device = Unbekanntes Gerät
account-session-this-browser = (dieser Browser)
account-session-device = { $browser } unter { $system }
account-session-program = Ein Programm unter { $system }
account-session-dates = Angemeldet am { $created }; endet am { $expires }
account-session-dates-used = Angemeldet am { $created }, zuletzt genutzt am { $used }; endet am { $expires }
account-session-end = Diese Sitzung beenden
account-app-passwords-title = App-Passwörter
account-app-passwords-intro = Mit einem App-Passwort kann ein Programm Ihr Konto lesen (Ihr Passwort und Ihre Anmeldungen kann es nicht ändern). Widerrufen Sie es, sobald Sie das Programm nicht mehr nutzen.
account-app-password-dates = Erstellt am { $created }; zuletzt genutzt am { $used }
account-app-password-dates-unused = Erstellt am { $created }; noch nie genutzt
account-app-password-revoke = { $name } widerrufen
label-app-password-name = Name des neuen App-Passworts
label-current-password = Ihr Passwort
account-app-password-submit = App-Passwort erstellen
account-password-title = Passwort ändern
label-password-now = Ihr jetziges Passwort
account-password-hint = Ihre anderen Geräte werden abgemeldet; dieses bleibt angemeldet.
account-password-submit = Passwort ändern
account-email-title = E-Mail-Adresse ändern
label-new-email = Neue E-Mail-Adresse
account-email-hint = Wir senden einen Link an die neue Adresse; Ihr Konto behält seine Adresse, bis Sie ihn öffnen.
account-email-submit = Link senden
account-data-title = Ihre Daten
account-data-download = Alles herunterladen, was zu Ihrem Konto gespeichert ist
account-data-format = (JSON)
account-delete-title = Konto löschen
account-delete-hint = Damit werden Ihr Konto, seine Sitzungen und App-Passwörter sofort gelöscht. Das lässt sich nicht rückgängig machen.
account-delete-submit = Mein Konto löschen
account-invite-title = Jemanden einladen
account-invite-intro = Die Person erhält einen Link, um ihr Konto mit dieser Adresse anzulegen; es ist sofort aktiv.
label-invite-email = E-Mail-Adresse der Person
label-invite-firstname = Vorname der Person
label-invite-lastname = Nachname der Person
account-invite-submit = Einladung senden
account-invitations-title = Gesendete Einladungen
account-invitation-pending = Offen; der Link gilt bis { $expires }; gesendet am { $sent }
account-invitation-redeemed = Angenommen; gesendet am { $sent }
account-invitation-withdrawn = Zurückgezogen; gesendet am { $sent }
account-invitation-expired = Ungenutzt abgelaufen; gesendet am { $sent }
account-invitation-withdraw = Einladung an { $email } zurückziehen
field-account-last_admin = Sie sind der letzte Administrator: Machen Sie zuerst jemand anderen zum Administrator.
field-email-unchanged = Das ist bereits Ihre Adresse. Bitte geben Sie die neue ein.
field-email-taken = Diese Adresse wird bereits verwendet. Bitte geben Sie eine andere ein.
field-email-registered = Für diese Adresse gibt es bereits ein Konto.
action-back-to-account = Zurück zu Ihrem Konto
action-account = Ihr Konto
deleted-title = Konto gelöscht
deleted-text = Das Konto { $email } und alles, was dazugehörte, ist gelöscht. Sie sind abgemeldet.
deleted-signup-again = Erneut registrieren
app-password-created-intro = Kopieren Sie das App-Passwort { $name } jetzt: Es wird nur dieses eine Mal angezeigt.
app-password-created-hint = Verwenden Sie es im Programm als Passwort zu Ihrer Adresse (HTTP Basic) oder als Authorization: Bearer. Es kann Ihr Konto lesen, aber nie ändern.
email-confirm-title = Bestätigen Sie Ihre neue E-Mail-Adresse
email-confirm-intro = Klicken Sie auf die Schaltfläche, um ab jetzt { $email } für Ihr Konto zu verwenden.
email-confirm-submit = Diese Adresse verwenden
email-sent-title = Sehen Sie in Ihrem neuen Postfach nach
email-sent-intro = Wir haben einen Link an { $email } gesendet. Öffnen Sie ihn, um diese Adresse zu verwenden; bis dahin behält Ihr Konto die bisherige.
label-email-change-code = Oder geben Sie den Code aus der E-Mail ein
email-sent-submit = Meine neue Adresse verwenden
email-changed-title = E-Mail-Adresse geändert
email-changed-text = Ihr Konto verwendet jetzt { $email }. Andere angemeldete Geräte wurden abgemeldet.

## Mail about the account and invitations

email-change-mail-subject = Bestätigen Sie Ihre neue E-Mail-Adresse bei { $product }
email-change-mail-intro = Sie möchten { $email } für Ihr Konto bei { $product } verwenden. Um diese Adresse zu bestätigen, öffnen Sie diesen Link:
email-change-mail-button = Meine neue Adresse bestätigen
email-change-mail-code = Oder geben Sie diesen Code auf der Seite ein, auf der Sie die Änderung angefordert haben:
email-change-mail-keep = Bis Sie bestätigen, behält Ihr Konto seine bisherige Adresse. Wenn Sie das nicht angefordert haben, können Sie diese E-Mail ignorieren.
email-changed-mail-subject = Die E-Mail-Adresse Ihres Kontos bei { $product } wurde geändert
email-changed-mail-intro = Ihr Konto bei { $product } verwendet jetzt die Adresse { $new_email } statt { $email }. E-Mails zum Konto gehen ab jetzt dorthin.
email-changed-mail-if-not-you = Wenn Sie das waren, ist nichts weiter zu tun. Wenn nicht, wenden Sie sich bitte sofort an die Betreiber von { $product }.
deleted-mail-subject = Ihr Konto bei { $product } wurde gelöscht
deleted-mail-intro = Ihr Konto { $email } bei { $product } wurde wie gewünscht gelöscht. Ihre Sitzungen und App-Passwörter funktionieren nicht mehr.
deleted-mail-if-not-you = Wenn Sie das nicht angefordert haben, wenden Sie sich bitte an die Betreiber von { $product }.
in-use-mail-subject = Jemand wollte Ihre E-Mail-Adresse bei { $product } verwenden
in-use-mail-intro = jemand mit einem anderen Konto bei { $product } wollte es soeben auf { $email } umstellen. Diese Adresse gehört bereits zu Ihrem Konto, daher wurde nichts geändert.
in-use-mail-advice = Wenn Sie das waren, melden Sie sich stattdessen mit dieser Adresse an. Wenn nicht, können Sie diese E-Mail ignorieren.
invitation-mail-subject = { $inviter } lädt Sie zu { $product } ein
invitation-mail-subject-plain = Sie sind zu { $product } eingeladen
invitation-mail-intro = { $inviter } lädt Sie ein, mit dieser Adresse ({ $email }) ein Konto bei { $product } anzulegen.
invitation-mail-intro-plain = Sie sind eingeladen, mit dieser Adresse ({ $email }) ein Konto bei { $product } anzulegen.
invitation-mail-button = Konto anlegen
invitation-mail-how = Öffnen Sie diesen Link, um Ihr Passwort zu wählen; das Konto ist sofort danach bereit:
invitation-mail-expires = Der Link gilt bis { $expires }. Wenn Sie kein Konto möchten, ignorieren Sie diese E-Mail.
invitation-known-mail-subject = Sie haben bereits ein Konto bei { $product }
invitation-known-mail-intro = { $inviter } hat Sie mit { $email } zu { $product } eingeladen. Für diese Adresse gibt es bereits ein Konto, es ist also nichts anzulegen.
invitation-known-mail-intro-plain = Sie wurden mit { $email } zu { $product } eingeladen. Für diese Adresse gibt es bereits ein Konto, es ist also nichts anzulegen.
invitation-known-mail-sign-in = Hier anmelden:
invitation-known-mail-reset = Passwort vergessen? Wählen Sie hier ein neues:
invitation-known-mail-private = Wer Sie eingeladen hat, erfährt nicht, dass Sie ein Konto haben.
pictured-mail-subject-plain = Ihre Registrierung bei { $product }
pictured-mail-started = hat bei { $product } ein Konto für { $email } angelegt.
pictured-mail-wrote = Dazu schreibt sie oder er:
pictured-mail-started-plain = für { $email } wurde eine Registrierung bei { $product } begonnen.
pictured-mail-session = Die ID Ihrer Registrierungssitzung lautet:
pictured-mail-picture = Bild Ihres Bestätigungscodes öffnen
pictured-mail-code = Der Code im Bild lautet { $code }.
pictured-mail-send = Senden Sie den Code dann als „token“ an:
pictured-mail-send-password = Senden Sie den Code dann als „token“ und das gewählte Passwort als „password“ an:
pictured-mail-expires = Die Sitzung läuft ab. Wenn Sie diese E-Mail nicht erwartet haben, ignorieren Sie sie: Ohne den Code wird kein Konto angelegt.
