# doorsteps texter på svenska (tilltal med ”du”). Samma nycklar som en.ftl; egna texter lägger
# den som driftar tjänsten som sv.ftl i doorstep.i18n.dir.

## Ramen runt varje sida

language-name = Svenska
language-switch = Språk

## Ord som finns på många sidor

optional = (frivilligt)
action-sign-in = Logga in
action-create-account = Skapa ett konto
action-forgot-password = Glömt lösenordet?
action-back-to-sign-in = Tillbaka till inloggningen
action-home = Till startsidan
password-show = Visa lösenordet
password-hide = Dölj lösenordet
password-shown = Lösenordet visas.
password-hidden = Lösenordet är dolt.
password-rule = Använd minst { $min } tecken. En lång fras av några ord är lätt att komma ihåg och svår att gissa.
error-summary-title = Rätta följande

## Fältnamn och tips

label-firstname = Förnamn
label-lastname = Efternamn
label-username = Användarnamn
label-email = E-postadress
label-login = E-postadress eller användarnamn
label-password = Lösenord
label-new-password = Nytt lösenord
label-code = Kod från mejlet
hint-username = { $min } till { $max } bokstäver, siffror, punkter, bindestreck eller understreck, och det ska börja med en bokstav eller siffra. Andra kan se det.
hint-code = De { $length } siffrorna från mejlet.
hint-whitelist = Bara adresser hos { $domains } kan registrera sig.

## Registrering

signup-title = Skapa ditt konto
signup-submit = Registrera dig
signup-submit-email-first = Fortsätt
signup-email-first-hint = Vi mejlar dig en länk för att bekräfta adressen. När du har öppnat den väljer du namn och lösenord.
signup-have-account = Har du redan ett konto?

## Kontrollerna bredvid ett formulär

captcha-label = Skriv tecknen i bilden
captcha-alt = En bild med fem bokstäver och siffror
captcha-new-picture = Visa en ny bild
captcha-hint = Bokstäver och siffror; stora eller små bokstäver spelar ingen roll.
pow-intro = Webbläsaren kontrollerar själv att den inte är en bot; du behöver inte göra något.
pow-intro-picture = Webbläsaren kontrollerar själv att den inte är en bot. Om det inte går, skriv tecknen i bilden.
pow-working = Kontrollerar att en människa använder webbläsaren …
pow-done = Klart: webbläsaren har visat att den inte är en bot.
pow-done-picture = Klart: webbläsaren har visat att den inte är en bot. Du kan lämna fältet för bilden tomt.
pow-waiting = Webbläsaren kontrolleras fortfarande; formuläret skickas så snart det är klart.
pow-failed = Webbläsaren kunde inte kontrolleras. Ladda om sidan och försök igen.
pow-failed-picture = Webbläsaren kunde inte kontrolleras. Skriv tecknen i bilden i stället.
pow-noscript = Formuläret behöver JavaScript för att kontrollera att en människa skickar det. Slå på JavaScript för den här webbplatsen.
pow-noscript-picture = Den automatiska kontrollen behöver JavaScript: skriv tecknen i bilden.

## Att slutföra en registrering som börjar med adressen

details-title = Gör klart ditt konto
details-intro = Kontot gäller { $email }. Välj namn och lösenord för att göra klart det.
details-intro-plain = Välj namn och lösenord för att göra klart kontot.
details-submit = Skapa mitt konto

## ”Titta i din inkorg” efter registreringen

sent-title = Titta i din inkorg
sent-intro = Vi har skickat ett meddelande till { $email }. Öppna länken i det för att göra klart ditt konto.
sent-intro-email-first = Vi har skickat ett meddelande till { $email }. Öppna länken i det för att välja namn och lösenord.
sent-code-intro = Eller skriv koden från mejlet här:
sent-code-submit = Bekräfta min adress
sent-code-submit-email-first = Fortsätt
sent-tries-left = Försök kvar för den här koden: { $count }.
sent-no-tries-left = Koden fungerar inte längre. Be om ett nytt mejl nedan, eller använd länken.
sent-not-arrived = Inget meddelande efter några minuter? Titta i skräpposten, eller låt oss skicka det igen: tidigare länkar fortsätter att fungera.
sent-not-arrived-code = Inget meddelande efter några minuter? Titta i skräpposten, eller låt oss skicka det igen: tidigare länkar fortsätter att fungera, men bara den nyaste koden.
sent-resend = Skicka mejlet igen
sent-wrong-address = Fel adress?
sent-start-again = Registrera dig igen med rätt adress

## Att bekräfta en adress

confirm-title = Bekräfta din e-postadress
confirm-intro = Tryck på knappen för att bekräfta din adress och skapa ditt konto.
confirm-submit = Bekräfta och skapa mitt konto
confirm-username-intro = Välj användarnamn för ditt konto.
confirmed-title = Ditt konto är klart
confirmed-welcome = Välkommen, { $name }! Kontot för { $email } finns nu och adressen är bekräftad.
confirmed-welcome-plain = Välkommen! Kontot för { $email } finns nu och adressen är bekräftad.
confirmed-signed-in = Du är inloggad.
confirmed-go-to-account = Gå till ditt konto
confirmed-sign-in-now = Du kan logga in nu.
pending-title = Ditt konto väntar på godkännande
pending-text = Tack, { $name }! Adressen { $email } är bekräftad. En administratör tittar nu på kontot; du får ett mejl när du kan logga in.
pending-text-plain = Tack! Adressen { $email } är bekräftad. En administratör tittar nu på kontot; du får ett mejl när du kan logga in.

## Inloggning

login-title = Logga in
login-submit = Logga in
login-signed-out = Du är utloggad.
login-no-account = Inget konto än?

## Nytt lösenord

reset-title = Återställ ditt lösenord
reset-intro = Skriv adressen till ditt konto så mejlar vi dig en länk där du väljer ett nytt lösenord.
reset-submit = Skicka en länk
reset-sent-title = Titta i din inkorg
reset-sent-intro = Om { $email } har ett konto har vi skickat en länk dit där du väljer ett nytt lösenord. Länken slutar snart att gälla.
reset-sent-code-intro = Eller skriv koden från mejlet här:
reset-sent-not-arrived = Inget meddelande efter några minuter? Titta i skräpposten, eller be om en ny länk.
reset-new-link = Be om en ny länk
reset-choose-title = Välj ett nytt lösenord
reset-confirm-title = Bekräfta ditt nya lösenord
reset-confirm-intro = Tryck på knappen för att sätta lösenordet som du valde när du bad om länken.
reset-choose-submit = Spara mitt nya lösenord
reset-confirm-submit = Sätt lösenordet jag valde
reset-done-title = Lösenordet är ändrat
reset-done-text = Lösenordet för { $email } är ändrat, och alla andra enheter som var inloggade har loggats ut.

## Kontosidorna

account-title = Ditt konto
app-password-created-title = Ditt nya applösenord

## Felsidan

error-title-not-found = Sidan finns inte
error-title-signup-closed = Registreringen är stängd
error-title-reset-off = Återställning av lösenord är avstängd
error-title-sign-in = Logga in först
error-title-link = Länken fungerar inte
error-title-other = Något stämmer inte
error-start-signup-again = Börja registreringen igen
error-new-reset-link = Be om en ny länk för att återställa lösenordet
error-back-to-form = Tillbaka till formuläret

## Felmeddelanden: `message` i JSON-svaren och meningen på sidorna

error-invalid_request = Några fält saknas eller är inte rätt ifyllda. Kontrollera dem.
error-weak_password = Lösenordet uppfyller inte reglerna för lösenord. Välj ett annat.
error-captcha_required = Visa att du är en människa: lös uppgiften nedan.
error-captcha_invalid = Svaret på uppgiften var inte rätt. Försök med den nya.
error-redirect_not_allowed = Den här sidan får inte skicka dig vidare till den adressen.
error-token_invalid = Länken fungerar inte. Den kan vara felskriven eller ersatt av en nyare; använd det senaste mejlet.
error-code_invalid = Koden är inte rätt eller fungerar inte längre. Titta i det senaste mejlet, eller använd länken i det.
error-details_required = Välj namn och lösenord för att slutföra registreringen.
error-invalid_credentials = E-postadressen eller lösenordet är fel. Försök igen.
error-unauthenticated = Logga in först.
error-unauthenticated-bearer = Skicka den konfigurerade token som Authorization: Bearer <token>.
error-forbidden-session = Det här kräver en inloggad session; ett applösenord kan bara läsa kontot.
error-signup_disabled = Registrering är avstängd på den här servern.
error-password_reset_disabled = Återställning av lösenord är avstängd på den här servern.
error-domain_not_allowed = Adresser i den här domänen kan inte registrera sig. Använd en annan adress.
error-csrf_invalid = Formuläret har gått ut. Ladda om sidan och försök igen.
error-origin_not_allowed = Förfrågningar från den här sidans ursprung tas inte emot.
error-approval_pending = Kontot väntar på godkännande av en administratör. Du får ett mejl när du kan logga in.
error-account_disabled = Kontot är avstängt. Kontakta administratören.
error-forbidden = Ditt konto får inte göra det här.
error-ocs_header_missing = OCS-förfrågningar måste ha headern OCS-APIRequest: true.
error-not_found = Det finns inget här. Kontrollera adressen.
error-not_acceptable = Det här API:et svarar bara med JSON: skicka Accept: application/json eller ?format=json.
error-token_expired = Länken har slutat gälla. Be om en ny.
error-username_taken = Användarnamnet är upptaget. Välj ett annat.
error-body_too_large = Förfrågan är för stor.
error-unsupported_media_type = Skicka innehållet som application/x-www-form-urlencoded eller application/json.
error-uri_too_long = Förfrågans adress (URL) är för lång.
error-headers_too_large = Förfrågans headrar är för stora.
error-rate_limited = För många förfrågningar. Vänta en stund och försök igen.
error-busy = Servern är upptagen. Försök igen om en liten stund.
error-unavailable = En tjänst som förfrågan behöver går inte att nå. Försök igen senare.
error-internal = Något gick fel hos oss. Försök igen senare.

## Ett fälts fel, bredvid fältet: vad som är fel och vad du kan göra

field-firstname-required = Skriv ditt förnamn.
field-lastname-required = Skriv ditt efternamn.
field-email-required = Skriv din e-postadress.
field-email-invalid = Skriv en e-postadress som namn@example.com.
field-email-domain_not_allowed = Adresser i den här domänen kan inte registrera sig. Använd en annan adress.
field-username-required = Välj ett användarnamn.
field-username-invalid = Använd { $min } till { $max } bokstäver, siffror, punkter, bindestreck eller understreck, och börja med en bokstav eller siffra.
field-username-reserved = Användarnamnet är reserverat. Välj ett annat.
field-username-taken = Användarnamnet är upptaget. Välj ett annat.
field-password-required = Välj ett lösenord.
field-password-too_short = Lösenordet är för kort. Använd minst { $min } tecken.
field-password-too_long = Lösenordet är för långt. Använd högst { $max } tecken.
field-password-too_common = Lösenordet är ett av de vanligaste. Välj ett som är svårare att gissa.
field-password-contains_personal_data = Lösenordet innehåller ditt namn eller din adress. Välj ett utan dem.
field-current_password-incorrect = Det är inte ditt lösenord. Försök igen.
field-current_password-required = Skriv ditt lösenord.
field-name-required = Ge applösenordet ett namn.
field-code-required = Skriv koden från mejlet.
field-code-invalid = Skriv siffrorna i koden från mejlet.
field-code-not_offered = Den här servern skickar inga koder; använd länken i mejlet.
field-required = Fyll i det här fältet.
field-too_long = Det här är för långt. Korta det.
field-invalid = Det här stämmer inte. Kontrollera det.
field-invalid_characters = Ta bort radbrytningar och andra styrtecken.
field-not_allowed = Den här sidan får inte skicka dig vidare till den adressen.
field-unavailable = Det här erbjuds inte på den här servern.

## Mejl

mail-greeting = Hej { $name }!
mail-greeting-plain = Hej!
mail-open-link = Eller öppna den här länken:
mail-signature = { $product }
signup-mail-subject = Bekräfta din e-postadress för { $product }
signup-mail-intro = Bekräfta din e-postadress { $email } för att göra klart ditt konto hos { $product }.
signup-mail-button = Bekräfta min adress
signup-mail-code = Registrerar du dig i en app? Skriv den här koden där i stället (den gäller några minuter):
signup-mail-ignore = Länken fungerar en gång och slutar sedan gälla. Om det inte var du som registrerade dig kan du bortse från det här mejlet: inget konto skapas utan länken.
reset-mail-subject = Återställ ditt lösenord för { $product }
reset-mail-intro = Någon, troligen du, har bett om att få återställa lösenordet för kontot { $email } hos { $product }.
reset-mail-button = Välj ett nytt lösenord
reset-mail-code = Eller skriv den här koden där du bad om återställningen (den gäller några minuter):
reset-mail-ignore = Länken fungerar en gång och slutar snart gälla. Om det inte var du som bad om det kan du bortse från det här mejlet: ditt lösenord förblir oförändrat.
registered-mail-subject = Du har redan ett konto hos { $product }
registered-mail-intro = Någon, troligen du, försökte nyss registrera sig hos { $product } med { $email }. Adressen har redan ett konto, så inget har ändrats och inget nytt konto har skapats.
registered-mail-sign-in = Om det var du, logga in med ditt befintliga konto.
registered-mail-reset = Glömt lösenordet? Välj ett nytt här:
registered-mail-ignore = Om det inte var du kan du bortse från det här mejlet.
changed-mail-subject = Ditt lösenord hos { $product } har ändrats
changed-mail-intro = Lösenordet för ditt konto { $email } hos { $product } har nyss ändrats, och alla andra enheter som var inloggade har loggats ut.
changed-mail-if-not-you = Om det var du behöver du inte göra något mer. Om inte, återställ ditt lösenord nu.
changed-mail-reset = Återställ det här:
approved-mail-subject = Ditt konto hos { $product } har godkänts
approved-mail-intro = Ditt konto { $email } hos { $product } har godkänts. Du kan logga in nu.
approved-mail-button = Logga in
rejected-mail-subject = Din registrering hos { $product } godkändes inte
rejected-mail-intro = Din registrering med { $email } hos { $product } godkändes inte, och kontot har tagits bort tillsammans med allt du angav.
approval-mail-subject = Ett nytt konto hos { $product } väntar på godkännande: { $applicant }
approval-mail-intro = { $applicant } har bekräftat sin adress hos { $product }. Kontot väntar på att en administratör godkänner det innan det kan logga in.
approval-mail-how = Godkänn eller avvisa det på servern med:

# Invitations and registration tokens
signup-invited = Du har bjudits in med { $email }: välj ditt lösenord, så är ditt konto klart direkt.
label-registration-token = Registreringstoken
hint-registration-token = Här registrerar man sig bara med inbjudan: ange den token du har fått av en administratör.
field-registration_token-required = Ange din registreringstoken.
field-registration_token-invalid = Den här registreringstoken är inte giltig. Kontrollera den.
field-registration_token-expired = Den här registreringstoken har gått ut. Be om en ny.
field-registration_token-used_up = Den här registreringstoken är förbrukad. Be om en ny.
field-password-incorrect = Det är inte ditt lösenord. Försök igen.
error-invitation_required = Här registrerar man sig bara med inbjudan: använd din inbjudningslänk eller en registreringstoken.

## The account page and the pages of its forms

account-signed-in-as = Inloggad som
account-username = Användarnamn:
account-sign-out = Logga ut
account-sessions-title = Där du är inloggad
account-session-unknown-device = Okänd enhet
account-session-this-browser = (den här webbläsaren)
account-session-device = { $browser } på { $system }
account-session-program = Ett program på { $system }
account-session-dates = Inloggad { $created }; upphör { $expires }
account-session-dates-used = Inloggad { $created }, senast använd { $used }; upphör { $expires }
account-session-end = Avsluta den här sessionen
account-app-passwords-title = Applösenord
account-app-passwords-intro = Med ett applösenord kan ett program läsa ditt konto (det kan inte ändra ditt lösenord eller dina inloggningar). Återkalla det när du slutar använda programmet.
account-app-password-dates = Skapat { $created }; senast använt { $used }
account-app-password-dates-unused = Skapat { $created }; aldrig använt
account-app-password-revoke = Återkalla { $name }
label-app-password-name = Namn på det nya applösenordet
label-current-password = Ditt lösenord
account-app-password-submit = Skapa ett applösenord
account-password-title = Byt lösenord
label-password-now = Ditt nuvarande lösenord
account-password-hint = Dina andra enheter loggas ut; den här förblir inloggad.
account-password-submit = Byt lösenord
account-email-title = Byt e-postadress
label-new-email = Ny e-postadress
account-email-hint = Vi skickar en länk till den nya adressen; ditt konto behåller sin adress tills du öppnar den.
account-email-submit = Skicka länken
account-data-title = Dina uppgifter
account-data-download = Ladda ner allt som finns sparat om ditt konto
account-data-format = (JSON)
account-delete-title = Radera ditt konto
account-delete-hint = Detta raderar ditt konto, dess sessioner och applösenord direkt. Det går inte att ångra.
account-delete-submit = Radera mitt konto
account-invite-title = Bjud in någon
account-invite-intro = Personen får en länk för att skapa sitt konto med den adressen; det är aktivt direkt.
label-invite-email = Personens e-postadress
label-invite-firstname = Personens förnamn
label-invite-lastname = Personens efternamn
account-invite-submit = Skicka inbjudan
account-invitations-title = Skickade inbjudningar
account-invitation-pending = Väntar; länken fungerar till { $expires }; skickad { $sent }
account-invitation-redeemed = Antagen; skickad { $sent }
account-invitation-withdrawn = Återkallad; skickad { $sent }
account-invitation-expired = Gick ut oanvänd; skickad { $sent }
account-invitation-withdraw = Återkalla inbjudan till { $email }
field-account-last_admin = Du är den sista administratören: gör någon annan till administratör först.
field-email-unchanged = Det här är redan din adress. Skriv den nya.
field-email-taken = Adressen används redan. Skriv en annan.
field-email-registered = Det finns redan ett konto med den här adressen.
action-back-to-account = Tillbaka till ditt konto
action-account = Ditt konto
deleted-title = Kontot är raderat
deleted-text = Kontot { $email } och allt som hörde till det är borta. Du är utloggad.
deleted-signup-again = Registrera dig igen
app-password-created-intro = Kopiera applösenordet { $name } nu: det visas bara den här gången.
app-password-created-hint = Använd det som lösenord för din adress i programmet (HTTP Basic) eller som Authorization: Bearer. Det kan läsa ditt konto, aldrig ändra det.
email-confirm-title = Bekräfta din nya e-postadress
email-confirm-intro = Tryck på knappen för att använda { $email } för ditt konto från och med nu.
email-confirm-submit = Använd den här adressen
email-sent-title = Titta i din nya inkorg
email-sent-intro = Vi har skickat en länk till { $email }. Öppna den för att börja använda adressen; tills dess behåller ditt konto den gamla.
label-email-change-code = Eller skriv koden från mejlet
email-sent-submit = Använd min nya adress
email-changed-title = E-postadressen är ändrad
email-changed-text = Ditt konto använder nu { $email }. Andra enheter som var inloggade har loggats ut.

## Mail about the account and invitations

email-change-mail-subject = Bekräfta din nya e-postadress hos { $product }
email-change-mail-intro = Du har bett om att använda { $email } för ditt konto hos { $product }. Öppna den här länken för att bekräfta adressen:
email-change-mail-button = Bekräfta min nya adress
email-change-mail-code = Eller skriv den här koden på sidan där du bad om ändringen:
email-change-mail-keep = Tills du bekräftar behåller ditt konto sin gamla adress. Om du inte bad om detta kan du strunta i det här mejlet.
email-changed-mail-subject = E-postadressen för ditt konto hos { $product } har ändrats
email-changed-mail-intro = Ditt konto hos { $product } använder nu adressen { $new_email } i stället för { $email }. Mejl om kontot går dit från och med nu.
email-changed-mail-if-not-you = Om det var du behöver du inte göra något mer. Om inte, kontakta dem som driver { $product } genast.
deleted-mail-subject = Ditt konto hos { $product } har raderats
deleted-mail-intro = Ditt konto { $email } hos { $product } har raderats, som du bad om. Dina sessioner och applösenord fungerar inte längre.
deleted-mail-if-not-you = Om du inte bad om detta, kontakta dem som driver { $product }.
in-use-mail-subject = Någon ville använda din e-postadress hos { $product }
in-use-mail-intro = Någon med ett annat konto hos { $product } bad nyss om att flytta det till { $email }. Adressen hör redan till ditt konto, så inget har ändrats.
in-use-mail-advice = Om det var du, logga in med den här adressen i stället. Om det inte var du kan du strunta i det här mejlet.
invitation-mail-subject = { $inviter } bjuder in dig till { $product }
invitation-mail-subject-plain = Du är inbjuden till { $product }
invitation-mail-intro = { $inviter } bjuder in dig att skapa ett konto hos { $product } med den här adressen ({ $email }).
invitation-mail-intro-plain = Du är inbjuden att skapa ett konto hos { $product } med den här adressen ({ $email }).
invitation-mail-button = Skapa ditt konto
invitation-mail-how = Öppna länken för att välja ditt lösenord; kontot är klart så fort du har gjort det:
invitation-mail-expires = Länken fungerar till { $expires }. Om du inte vill ha något konto kan du strunta i det här mejlet.
invitation-known-mail-subject = Du har redan ett konto hos { $product }
invitation-known-mail-intro = { $inviter } har bjudit in dig till { $product } med { $email }. Det finns redan ett konto med adressen, så det finns inget att skapa.
invitation-known-mail-intro-plain = Du har blivit inbjuden till { $product } med { $email }. Det finns redan ett konto med adressen, så det finns inget att skapa.
invitation-known-mail-sign-in = Logga in här:
invitation-known-mail-reset = Glömt lösenordet? Välj ett nytt här:
invitation-known-mail-private = Den som bjöd in dig får inte veta att du har ett konto.
pictured-mail-subject-plain = Din registrering hos { $product }
pictured-mail-started = har påbörjat ett konto hos { $product } åt { $email }.
pictured-mail-wrote = Hen skriver:
pictured-mail-started-plain = En registrering hos { $product } har påbörjats för { $email }.
pictured-mail-session = Id för din registreringssession:
pictured-mail-picture = Öppna bilden med din verifieringskod
pictured-mail-code = Koden i bilden är { $code }.
pictured-mail-send = Skicka sedan koden som ”token” till:
pictured-mail-send-password = Skicka sedan koden som ”token”, med lösenordet du väljer som ”password”, till:
pictured-mail-expires = Sessionen går ut. Om du inte väntade dig det här mejlet kan du strunta i det: inget konto skapas utan koden.
