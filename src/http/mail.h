/*
 * mail.h - e-mail out over SMTP (libcurl) and SMS through an HTTP gateway:
 * the transports of the notification worker.
 *
 * A message is plain text in UTF-8 (RFC 5322 with MIME): the subject and
 * the names in RFC 2047 encoded words, the body in base64, a Message-ID
 * that names the delivery, Auto-Submitted: auto-generated.  One connection
 * (struct mc_smtp) is kept open across messages.
 */
#ifndef MC_MAIL_H
#define MC_MAIL_H

#include "../core/buf.h"

#include <stddef.h>
#include <stdint.h>

struct mc_mail {
	const char *from_addr, *from_name;
	const char *to_addr, *to_name;
	const char *subject, *text; /* UTF-8; text's lines end with \n */
	const char *message_id;     /* "<...@...>" */
};

/* The message as it goes on the wire (CRLF lines), dated at ms. */
int mc_mail_format(const struct mc_mail *m, int64_t ms, struct mc_buf *out);

/* How a try went. */
enum mc_send_result { MC_SEND_OK, MC_SEND_RETRY, MC_SEND_REFUSED };

struct mc_smtp;
/* url: smtp://host:port or smtps://host:port (STARTTLS is used when the
 * server offers it); user and password may be NULL. */
struct mc_smtp *mc_smtp_open(const char *url, const char *user, const char *password);
/* Send m (no secret in err); a 5xx answer is a refusal for good. */
enum mc_send_result mc_smtp_send(struct mc_smtp *s, const struct mc_mail *m, char *err, size_t errlen);
void mc_smtp_close(struct mc_smtp *s);

/* An SMS by the gateway at url: POST {"to", "text", "id"} (JSON), with
 * "Authorization: Bearer token" when token is set; id lets the gateway
 * drop a repeat.  2xx sent; 4xx but 408 and 429 refused; else retry. */
enum mc_send_result mc_sms_send(const char *url, const char *token, const char *to, const char *text, const char *id,
				char *err, size_t errlen);

#endif
