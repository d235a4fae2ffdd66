# Les textes de doorstep en français (vouvoiement). Mêmes clés que en.ftl ; l'exploitant
# remplace ou ajoute des textes avec son propre fr.ftl dans doorstep.i18n.dir.

## Le cadre de chaque page

language-name = Français
language-switch = Langue

## Mots communs à plusieurs pages

optional = (facultatif)
action-sign-in = Se connecter
action-create-account = Créer un compte
action-forgot-password = Mot de passe oublié ?
action-back-to-sign-in = Retour à la connexion
action-home = Aller à la page d'accueil
password-show = Afficher le mot de passe
password-hide = Masquer le mot de passe
password-shown = Le mot de passe est affiché.
password-hidden = Le mot de passe est masqué.
password-rule = Utilisez au moins { $min } caractères. Une longue phrase de quelques mots est facile à retenir et difficile à deviner.
error-summary-title = Veuillez corriger les points suivants

## Libellés et indications des champs

label-firstname = Prénom
label-lastname = Nom
label-username = Nom d'utilisateur
label-email = Adresse e-mail
label-login = Adresse e-mail ou nom d'utilisateur
label-password = Mot de passe
label-new-password = Nouveau mot de passe
label-code = Code reçu par e-mail
hint-username = De { $min } à { $max } lettres, chiffres, points, tirets ou tirets bas, en commençant par une lettre ou un chiffre. Il sera visible par les autres.
hint-code = Les { $length } chiffres reçus par e-mail.
hint-whitelist = Seules les adresses de { $domains } peuvent s'inscrire.

## Inscription

signup-title = Créer votre compte
signup-submit = S'inscrire
signup-submit-email-first = Continuer
signup-email-first-hint = Nous vous enverrons un lien pour confirmer l'adresse. Après l'avoir ouvert, vous choisirez votre nom et votre mot de passe.
signup-have-account = Vous avez déjà un compte ?

## Les vérifications à côté d'un formulaire

captcha-label = Saisissez les caractères de l'image
captcha-alt = Une image de cinq lettres et chiffres
captcha-new-picture = Afficher une nouvelle image
captcha-hint = Lettres et chiffres ; majuscules et minuscules sont acceptées indifféremment.
pow-intro = Ce navigateur vérifie de lui-même qu'il n'est pas un robot ; vous n'avez rien à faire.
pow-intro-picture = Ce navigateur vérifie de lui-même qu'il n'est pas un robot. Si cela échoue, saisissez les caractères de l'image.
pow-working = Vérification que ce navigateur est utilisé par une personne…
pow-done = C'est fait : ce navigateur a montré qu'il n'est pas un robot.
pow-done-picture = C'est fait : ce navigateur a montré qu'il n'est pas un robot. Vous pouvez laisser vide le champ de l'image.
pow-waiting = La vérification de ce navigateur est en cours ; le formulaire sera envoyé dès qu'elle sera terminée.
pow-failed = Ce navigateur n'a pas pu être vérifié. Veuillez recharger la page pour réessayer.
pow-failed-picture = Ce navigateur n'a pas pu être vérifié. Veuillez plutôt saisir les caractères de l'image.
pow-noscript = Ce formulaire a besoin de JavaScript pour vérifier qu'il est envoyé par une personne. Veuillez activer JavaScript pour ce site.
pow-noscript-picture = La vérification automatique a besoin de JavaScript : veuillez saisir les caractères de l'image.

## Terminer une inscription commencée par l'adresse

details-title = Finaliser votre compte
details-intro = Le compte est destiné à { $email }. Choisissez votre nom et votre mot de passe pour le finaliser.
details-intro-plain = Choisissez votre nom et votre mot de passe pour finaliser le compte.
details-submit = Créer mon compte

## « Consultez votre messagerie » après l'inscription

sent-title = Consultez votre messagerie
sent-intro = Nous avons envoyé un message à { $email }. Ouvrez le lien qu'il contient pour finaliser votre compte.
sent-intro-email-first = Nous avons envoyé un message à { $email }. Ouvrez le lien qu'il contient pour choisir votre nom et votre mot de passe.
sent-code-intro = Ou saisissez ici le code reçu par e-mail :
sent-code-submit = Confirmer mon adresse
sent-code-submit-email-first = Continuer
sent-tries-left = Essais restants pour ce code : { $count }.
sent-no-tries-left = Ce code ne fonctionne plus. Demandez un nouvel e-mail ci-dessous ou utilisez le lien.
sent-not-arrived = Aucun message après quelques minutes ? Regardez dans vos courriers indésirables ou demandez un nouvel envoi : les liens précédents restent valables.
sent-not-arrived-code = Aucun message après quelques minutes ? Regardez dans vos courriers indésirables ou demandez un nouvel envoi : les liens précédents restent valables, seul le code le plus récent l'est.
sent-resend = Renvoyer l'e-mail
sent-wrong-address = Mauvaise adresse ?
sent-start-again = Recommencer l'inscription avec la bonne adresse

## Confirmer une adresse

confirm-title = Confirmer votre adresse e-mail
confirm-intro = Appuyez sur le bouton pour confirmer votre adresse et créer votre compte.
confirm-submit = Confirmer et créer mon compte
confirm-username-intro = Choisissez le nom d'utilisateur de votre compte.
confirmed-title = Votre compte est prêt
confirmed-welcome = Bienvenue, { $name }. Le compte de { $email } est créé et son adresse est confirmée.
confirmed-welcome-plain = Bienvenue. Le compte de { $email } est créé et son adresse est confirmée.
confirmed-signed-in = Vous êtes connecté·e.
confirmed-go-to-account = Accéder à votre compte
confirmed-sign-in-now = Vous pouvez vous connecter dès maintenant.
pending-title = Votre compte attend une validation
pending-text = Merci, { $name }. L'adresse { $email } est confirmée. Un administrateur examine maintenant le compte ; vous recevrez un e-mail dès que vous pourrez vous connecter.
pending-text-plain = Merci. L'adresse { $email } est confirmée. Un administrateur examine maintenant le compte ; vous recevrez un e-mail dès que vous pourrez vous connecter.

## Connexion

login-title = Se connecter
login-submit = Se connecter
login-signed-out = Vous êtes déconnecté·e.
login-no-account = Pas encore de compte ?

## Réinitialisation du mot de passe

reset-title = Réinitialiser votre mot de passe
reset-intro = Saisissez l'adresse de votre compte : nous vous enverrons un lien pour choisir un nouveau mot de passe.
reset-submit = M'envoyer un lien
reset-sent-title = Consultez votre messagerie
reset-sent-intro = Si { $email } correspond à un compte, nous y avons envoyé un lien pour choisir un nouveau mot de passe. Le lien expire bientôt.
reset-sent-code-intro = Ou saisissez ici le code reçu par e-mail :
reset-sent-not-arrived = Aucun message après quelques minutes ? Regardez dans vos courriers indésirables ou demandez un nouveau lien.
reset-new-link = Demander un nouveau lien
reset-choose-title = Choisir un nouveau mot de passe
reset-confirm-title = Confirmer votre nouveau mot de passe
reset-confirm-intro = Appuyez sur le bouton pour appliquer le mot de passe choisi lors de la demande de ce lien.
reset-choose-submit = Enregistrer mon nouveau mot de passe
reset-confirm-submit = Appliquer le mot de passe choisi
reset-done-title = Mot de passe modifié
reset-done-text = Le mot de passe de { $email } est modifié, et tous les autres appareils connectés ont été déconnectés.

## Les pages du compte

account-title = Votre compte
app-password-created-title = Votre nouveau mot de passe d'application

## La page d'erreur

error-title-not-found = Page introuvable
error-title-signup-closed = Les inscriptions sont fermées
error-title-reset-off = La réinitialisation des mots de passe est désactivée
error-title-sign-in = Veuillez vous connecter
error-title-link = Ce lien ne fonctionne pas
error-title-other = Quelque chose ne va pas
error-start-signup-again = Recommencer l'inscription
error-new-reset-link = Demander un nouveau lien de réinitialisation
error-back-to-form = Revenir au formulaire

## Messages d'erreur : le `message` des erreurs JSON et la phrase sur les pages

error-invalid_request = Certains champs sont manquants ou incorrects. Veuillez les vérifier.
error-weak_password = Le mot de passe ne respecte pas les règles. Veuillez en choisir un autre.
error-captcha_required = Veuillez montrer que vous êtes une personne : résolvez la vérification ci-dessous.
error-captcha_invalid = La réponse à la vérification n'était pas correcte. Veuillez essayer la nouvelle.
error-redirect_not_allowed = Cette page ne peut pas vous renvoyer vers cette adresse.
error-token_invalid = Ce lien ne fonctionne pas. Il est peut-être incomplet ou remplacé par un plus récent ; veuillez utiliser le dernier e-mail.
error-code_invalid = Ce code n'est pas correct ou ne fonctionne plus. Veuillez consulter le dernier e-mail ou utiliser son lien.
error-details_required = Choisissez votre nom et votre mot de passe pour terminer l'inscription.
error-invalid_credentials = L'adresse e-mail ou le mot de passe est incorrect. Veuillez réessayer.
error-unauthenticated = Veuillez d'abord vous connecter.
error-unauthenticated-bearer = Envoyez le jeton configuré sous la forme Authorization: Bearer <token>.
error-forbidden-session = Cela nécessite une session connectée ; un mot de passe d'application permet seulement de lire le compte.
error-signup_disabled = Les inscriptions sont désactivées sur ce serveur.
error-password_reset_disabled = La réinitialisation des mots de passe est désactivée sur ce serveur.
error-domain_not_allowed = Les adresses de ce domaine ne peuvent pas s'inscrire. Veuillez utiliser une autre adresse.
error-csrf_invalid = Le formulaire a expiré. Veuillez recharger la page et réessayer.
error-origin_not_allowed = Les requêtes provenant de l'origine de cette page ne sont pas acceptées.
error-approval_pending = Ce compte attend la validation d'un administrateur. Vous recevrez un e-mail dès que vous pourrez vous connecter.
error-account_disabled = Ce compte est désactivé. Veuillez contacter l'administrateur.
error-forbidden = Votre compte n'a pas le droit de faire cela.
error-ocs_header_missing = Les requêtes OCS doivent porter l'en-tête OCS-APIRequest: true.
error-not_found = Il n'y a rien ici. Veuillez vérifier l'adresse.
error-not_acceptable = Cette API ne répond qu'en JSON : envoyez Accept: application/json ou ?format=json.
error-token_expired = Ce lien a expiré. Veuillez en demander un nouveau.
error-username_taken = Ce nom d'utilisateur est déjà pris. Veuillez en choisir un autre.
error-body_too_large = La requête est trop volumineuse.
error-unsupported_media_type = Envoyez le contenu au format application/x-www-form-urlencoded ou application/json.
error-uri_too_long = L'adresse (URL) de la requête est trop longue.
error-headers_too_large = Les en-têtes de la requête sont trop volumineux.
error-rate_limited = Trop de requêtes. Veuillez patienter un peu et réessayer.
error-busy = Le serveur est occupé. Veuillez réessayer dans un instant.
error-unavailable = Un service nécessaire à cette requête est indisponible. Veuillez réessayer plus tard.
error-internal = Une erreur s'est produite de notre côté. Veuillez réessayer plus tard.

## L'erreur d'un champ, à côté du champ : ce qui ne va pas et que faire

field-firstname-required = Veuillez saisir votre prénom.
field-lastname-required = Veuillez saisir votre nom.
field-email-required = Veuillez saisir votre adresse e-mail.
field-email-invalid = Veuillez saisir une adresse e-mail comme nom@example.com.
field-email-domain_not_allowed = Les adresses de ce domaine ne peuvent pas s'inscrire. Veuillez utiliser une autre adresse.
field-username-required = Veuillez choisir un nom d'utilisateur.
field-username-invalid = Veuillez utiliser de { $min } à { $max } lettres, chiffres, points, tirets ou tirets bas, en commençant par une lettre ou un chiffre.
field-username-reserved = Ce nom d'utilisateur est réservé. Veuillez en choisir un autre.
field-username-taken = Ce nom d'utilisateur est déjà pris. Veuillez en choisir un autre.
field-password-required = Veuillez choisir un mot de passe.
field-password-too_short = Ce mot de passe est trop court. Veuillez utiliser au moins { $min } caractères.
field-password-too_long = Ce mot de passe est trop long. Veuillez utiliser au plus { $max } caractères.
field-password-too_common = Ce mot de passe fait partie des plus courants. Veuillez en choisir un plus difficile à deviner.
field-password-contains_personal_data = Ce mot de passe contient votre nom ou votre adresse. Veuillez en choisir un qui ne les contient pas.
field-current_password-incorrect = Ce n'est pas votre mot de passe. Veuillez réessayer.
field-current_password-required = Veuillez saisir votre mot de passe.
field-name-required = Veuillez donner un nom au mot de passe d'application.
field-code-required = Veuillez saisir le code reçu par e-mail.
field-code-invalid = Veuillez saisir les chiffres du code reçu par e-mail.
field-code-not_offered = Ce serveur n'envoie pas de codes ; veuillez utiliser le lien de l'e-mail.
field-required = Veuillez remplir ce champ.
field-too_long = C'est trop long. Veuillez raccourcir.
field-invalid = Ce n'est pas correct. Veuillez vérifier.
field-invalid_characters = Veuillez retirer les retours à la ligne et les autres caractères de contrôle.
field-not_allowed = Cette page ne peut pas vous renvoyer vers cette adresse.
field-unavailable = Ce n'est pas proposé sur ce serveur.

## E-mails

mail-greeting = Bonjour { $name },
mail-greeting-plain = Bonjour,
mail-open-link = Ou ouvrez ce lien :
mail-signature = { $product }
signup-mail-subject = Confirmez votre adresse e-mail pour { $product }
signup-mail-intro = Veuillez confirmer votre adresse e-mail { $email } pour finaliser la création de votre compte sur { $product }.
signup-mail-button = Confirmer mon adresse
signup-mail-code = Vous vous inscrivez dans une application ? Saisissez-y plutôt ce code (valable quelques minutes) :
signup-mail-ignore = Le lien fonctionne une seule fois et expire. Si vous ne vous êtes pas inscrit·e, ignorez cet e-mail : aucun compte n'est créé sans ce lien.
reset-mail-subject = Réinitialisez votre mot de passe pour { $product }
reset-mail-intro = Quelqu'un, probablement vous, a demandé la réinitialisation du mot de passe du compte { $email } sur { $product }.
reset-mail-button = Choisir un nouveau mot de passe
reset-mail-code = Ou saisissez ce code là où vous avez fait la demande (valable quelques minutes) :
reset-mail-ignore = Le lien fonctionne une seule fois et expire bientôt. Si vous n'êtes pas à l'origine de cette demande, ignorez cet e-mail : votre mot de passe reste inchangé.
registered-mail-subject = Vous avez déjà un compte sur { $product }
registered-mail-intro = Quelqu'un, probablement vous, vient d'essayer de s'inscrire sur { $product } avec { $email }. Cette adresse a déjà un compte : rien n'a été modifié et aucun nouveau compte n'a été créé.
registered-mail-sign-in = Si c'était vous, connectez-vous avec votre compte existant.
registered-mail-reset = Mot de passe oublié ? Choisissez-en un nouveau ici :
registered-mail-ignore = Si ce n'était pas vous, vous pouvez ignorer cet e-mail.
changed-mail-subject = Votre mot de passe sur { $product } a été modifié
changed-mail-intro = Le mot de passe de votre compte { $email } sur { $product } vient d'être modifié, et tous les autres appareils connectés ont été déconnectés.
changed-mail-if-not-you = Si c'est vous, il n'y a rien d'autre à faire. Sinon, réinitialisez votre mot de passe dès maintenant.
changed-mail-reset = Réinitialisez-le ici :
approved-mail-subject = Votre compte sur { $product } a été validé
approved-mail-intro = Votre compte { $email } sur { $product } a été validé. Vous pouvez vous connecter dès maintenant.
approved-mail-button = Se connecter
rejected-mail-subject = Votre inscription sur { $product } n'a pas été validée
rejected-mail-intro = Votre inscription avec { $email } sur { $product } n'a pas été validée, et le compte a été supprimé avec toutes les informations saisies.
approval-mail-subject = Un nouveau compte sur { $product } attend une validation : { $applicant }
approval-mail-intro = { $applicant } a confirmé son adresse sur { $product }. Le compte attend la validation d'un administrateur avant de pouvoir se connecter.
approval-mail-how = Sur le serveur, validez-le ou refusez-le avec :

# Invitations and registration tokens
signup-invited = Vous avez reçu une invitation pour { $email } : choisissez votre mot de passe, et votre compte sera prêt immédiatement.
label-registration-token = Jeton d'inscription
hint-registration-token = L'inscription se fait ici uniquement sur invitation : saisissez le jeton que l'administration vous a remis.
field-registration_token-required = Veuillez saisir votre jeton d'inscription.
field-registration_token-invalid = Ce jeton d'inscription n'est pas valide. Veuillez le vérifier.
field-registration_token-expired = Ce jeton d'inscription a expiré. Veuillez en demander un nouveau.
field-registration_token-used_up = Ce jeton d'inscription a atteint son nombre d'utilisations. Veuillez en demander un nouveau.
field-password-incorrect = Ce n'est pas votre mot de passe. Veuillez réessayer.
error-invitation_required = L'inscription se fait ici uniquement sur invitation : utilisez votre lien d'invitation ou un jeton d'inscription.

## The account page and the pages of its forms

account-signed-in-as = Connecté en tant que
account-username = Nom d'utilisateur :
account-sign-out = Se déconnecter
account-sessions-title = Où vous êtes connecté
account-session-unknown-device = Appareil inconnu
account-session-this-browser = (ce navigateur)
account-session-device = { $browser } sous { $system }
account-session-program = Un programme sous { $system }
account-session-dates = Connexion le { $created } ; expire le { $expires }
account-session-dates-used = Connexion le { $created }, dernière utilisation le { $used } ; expire le { $expires }
account-session-end = Fermer cette session
account-app-passwords-title = Mots de passe d'application
account-app-passwords-intro = Un mot de passe d'application permet à un programme de lire votre compte (il ne peut modifier ni votre mot de passe ni vos connexions). Révoquez-le quand vous n'utilisez plus le programme.
account-app-password-dates = Créé le { $created } ; dernière utilisation le { $used }
account-app-password-dates-unused = Créé le { $created } ; jamais utilisé
account-app-password-revoke = Révoquer { $name }
label-app-password-name = Nom du nouveau mot de passe d'application
label-current-password = Votre mot de passe
account-app-password-submit = Créer un mot de passe d'application
account-password-title = Changer votre mot de passe
label-password-now = Votre mot de passe actuel
account-password-hint = Vos autres appareils seront déconnectés ; celui-ci reste connecté.
account-password-submit = Changer le mot de passe
# A non-breaking hyphen: the heading must not wrap inside "e-mail".
account-email-title = Changer votre adresse e‑mail
label-new-email = Nouvelle adresse e-mail
account-email-hint = Nous envoyons un lien à la nouvelle adresse ; votre compte garde son adresse jusqu'à ce que vous l'ouvriez.
account-email-submit = Envoyer le lien
account-data-title = Vos données
account-data-download = Télécharger tout ce qui est enregistré sur votre compte
account-data-format = (JSON)
account-delete-title = Supprimer votre compte
account-delete-hint = Cela supprime immédiatement votre compte, ses sessions et ses mots de passe d'application. C'est irréversible.
account-delete-submit = Supprimer mon compte
account-invite-title = Inviter quelqu'un
account-invite-intro = La personne reçoit un lien pour créer son compte avec cette adresse ; il est actif immédiatement.
label-invite-email = Son adresse e-mail
label-invite-firstname = Son prénom
label-invite-lastname = Son nom
account-invite-submit = Envoyer l'invitation
account-invitations-title = Invitations envoyées
account-invitation-pending = En attente ; le lien est valable jusqu'au { $expires } ; envoyée le { $sent }
account-invitation-redeemed = Acceptée ; envoyée le { $sent }
account-invitation-withdrawn = Retirée ; envoyée le { $sent }
account-invitation-expired = Expirée sans être utilisée ; envoyée le { $sent }
account-invitation-withdraw = Retirer l'invitation envoyée à { $email }
field-account-last_admin = Vous êtes le dernier administrateur : nommez d'abord quelqu'un d'autre administrateur.
field-email-unchanged = C'est déjà votre adresse. Veuillez saisir la nouvelle.
field-email-taken = Cette adresse est déjà utilisée. Veuillez en saisir une autre.
field-email-registered = Cette adresse a déjà un compte.
action-back-to-account = Retour à votre compte
action-account = Votre compte
deleted-title = Compte supprimé
deleted-text = Le compte { $email } et tout ce qui lui appartenait ont été supprimés. Vous êtes déconnecté.
deleted-signup-again = Se réinscrire
app-password-created-intro = Copiez maintenant le mot de passe d'application { $name } : il n'est affiché que cette fois.
app-password-created-hint = Utilisez-le comme mot de passe de votre adresse dans le programme (HTTP Basic) ou comme Authorization: Bearer. Il peut lire votre compte, jamais le modifier.
email-confirm-title = Confirmez votre nouvelle adresse e-mail
email-confirm-intro = Appuyez sur le bouton pour utiliser désormais { $email } pour votre compte.
email-confirm-submit = Utiliser cette adresse
email-sent-title = Consultez votre nouvelle boîte de réception
email-sent-intro = Nous avons envoyé un lien à { $email }. Ouvrez-le pour commencer à utiliser cette adresse ; d'ici là, votre compte garde l'ancienne.
label-email-change-code = Ou saisissez le code reçu par e-mail
email-sent-submit = Utiliser ma nouvelle adresse
email-changed-title = Adresse e-mail modifiée
email-changed-text = Votre compte utilise désormais { $email }. Les autres appareils connectés ont été déconnectés.

## Mail about the account and invitations

email-change-mail-subject = Confirmez votre nouvelle adresse e-mail sur { $product }
email-change-mail-intro = Vous avez demandé à utiliser { $email } pour votre compte sur { $product }. Pour confirmer cette adresse, ouvrez ce lien :
email-change-mail-button = Confirmer ma nouvelle adresse
email-change-mail-code = Ou saisissez ce code sur la page où vous avez demandé le changement :
email-change-mail-keep = Tant que vous n'avez pas confirmé, votre compte garde son ancienne adresse. Si vous n'avez rien demandé, vous pouvez ignorer cet e-mail.
email-changed-mail-subject = L'adresse e-mail de votre compte sur { $product } a été modifiée
email-changed-mail-intro = Votre compte sur { $product } utilise désormais l'adresse { $new_email } au lieu de { $email }. Les e-mails concernant le compte y sont envoyés à partir de maintenant.
email-changed-mail-if-not-you = Si c'est vous, il n'y a rien d'autre à faire. Sinon, contactez immédiatement les responsables de { $product }.
deleted-mail-subject = Votre compte sur { $product } a été supprimé
deleted-mail-intro = Votre compte { $email } sur { $product } a été supprimé, comme vous l'avez demandé. Vos sessions et mots de passe d'application ne fonctionnent plus.
deleted-mail-if-not-you = Si vous n'avez pas demandé cela, contactez les responsables de { $product }.
in-use-mail-subject = Quelqu'un a demandé à utiliser votre adresse e-mail sur { $product }
in-use-mail-intro = Quelqu'un ayant un autre compte sur { $product } vient de demander à le transférer vers { $email }. Cette adresse appartient déjà à votre compte, rien n'a donc été modifié.
in-use-mail-advice = Si c'était vous, connectez-vous plutôt avec cette adresse. Sinon, vous pouvez ignorer cet e-mail.
invitation-mail-subject = { $inviter } vous invite sur { $product }
invitation-mail-subject-plain = Vous êtes invité sur { $product }
invitation-mail-intro = { $inviter } vous invite à créer un compte sur { $product } avec cette adresse ({ $email }).
invitation-mail-intro-plain = Vous êtes invité à créer un compte sur { $product } avec cette adresse ({ $email }).
invitation-mail-button = Créer votre compte
invitation-mail-how = Ouvrez ce lien pour choisir votre mot de passe ; le compte est prêt dès que c'est fait :
invitation-mail-expires = Le lien est valable jusqu'au { $expires }. Si vous ne souhaitez pas de compte, ignorez cet e-mail.
invitation-known-mail-subject = Vous avez déjà un compte sur { $product }
invitation-known-mail-intro = { $inviter } vous a invité sur { $product } avec { $email }. Cette adresse a déjà un compte, il n'y a donc rien à créer.
invitation-known-mail-intro-plain = Vous avez été invité sur { $product } avec { $email }. Cette adresse a déjà un compte, il n'y a donc rien à créer.
invitation-known-mail-sign-in = Connectez-vous ici :
invitation-known-mail-reset = Mot de passe oublié ? Choisissez-en un nouveau ici :
invitation-known-mail-private = La personne qui vous a invité ne sait pas que vous avez un compte.
pictured-mail-subject-plain = Votre inscription sur { $product }
pictured-mail-started = a commencé à créer un compte sur { $product } pour { $email }.
pictured-mail-wrote = Son message :
pictured-mail-started-plain = Une inscription sur { $product } a été commencée pour { $email }.
pictured-mail-session = L'identifiant de votre session d'inscription est :
pictured-mail-picture = Ouvrir l'image de votre code de vérification
pictured-mail-code = Le code de l'image est { $code }.
pictured-mail-send = Envoyez ensuite le code comme « token » à :
pictured-mail-send-password = Envoyez ensuite le code comme « token », avec le mot de passe choisi comme « password », à :
pictured-mail-expires = La session expire. Si vous n'attendiez pas cet e-mail, ignorez-le : aucun compte n'est créé sans le code.
