-- 0017 phone numbers are stored in one form: 0 and the national number,
-- digits only (src/org/ident.c, mc_phone_normalize).  Before, sign-up, the
-- account screens, online submission and counter intake also accepted
-- "+84" and nine digits: those become "0" and the nine digits, on the
-- accounts, on the applicant copied onto each dossier and on the queued
-- notices.  No other form could be stored (spaces, dots and dashes were
-- refused), so nothing else changes.
UPDATE users SET phone = '0' || substr(phone, 4)
 WHERE phone LIKE '+84%' AND length(phone) = 12;

UPDATE dossiers SET applicant = replace(applicant, '"phone":"+84', '"phone":"0')
 WHERE applicant LIKE '%"phone":"+84%';

UPDATE outbox SET recipient = replace(recipient, '"phone":"+84', '"phone":"0')
 WHERE recipient LIKE '%"phone":"+84%';
