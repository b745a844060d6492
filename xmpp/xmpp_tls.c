/*
 * DOC: xmpp_tls.c - TLS for STARTTLS (contrail-protocol.md 1.4), on
 * OpenSSL with memory BIOs.
 *
 * A context (struct xmpp_tls) is built once from PEM files: TLS 1.2 at
 * least, no renegotiation; a server presents its certificate and, with a
 * CA, demands and verifies the client's (mutual TLS); a client verifies
 * the server against the CA when one is given (the chain only: Contrail
 * checks no host name) and presents its certificate when given.  Each
 * connection gets an SSL between two memory BIOs and never sees a
 * socket: xmpp_conn.c carries the ciphertext to and from the uv stream.
 */
#include "xmpp/xmpp_int.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

/* OpenSSL 3 renamed it (the old name now a deprecated macro). */
#if OPENSSL_VERSION_NUMBER < 0x30000000L
#define SSL_get1_peer_certificate SSL_get_peer_certificate
#endif

struct xmpp_tls {
	SSL_CTX *ctx;
	bool server;
};

struct xmpp_tls_conn {
	SSL *ssl;
	BIO *rbio;                    /* ciphertext in (owned by ssl) */
	BIO *wbio;                    /* ciphertext out (owned by ssl) */
	char peer[XMPP_NAME_MAX + 1]; /* subject, once the handshake is done */
};

/* OpenSSL's oldest queued error as text, or fallback; clears the queue. */
static void
tls_error(char *err, size_t errlen, const char *what, const char *fallback)
{
	unsigned long e = ERR_get_error();
	char buf[256];

	if (e != 0)
		ERR_error_string_n(e, buf, sizeof(buf));
	else
		snprintf(buf, sizeof(buf), "%s", fallback);
	snprintf(err, errlen, "%s: %s", what, buf);
	ERR_clear_error();
}

static int
ctx_load(SSL_CTX *ctx, const struct xmpp_tls_opts *opts, bool server, char *err,
    size_t errlen)
{
	if (opts->cert != NULL || opts->key != NULL) {
		if (opts->cert == NULL || opts->key == NULL) {
			str_lcpy(err,
			    "TLS: a certificate needs its key, and a key "
			    "its certificate",
			    errlen);
			return -1;
		}
		if (SSL_CTX_use_certificate_chain_file(ctx, opts->cert) != 1) {
			tls_error(err, errlen, opts->cert, "cannot load");
			return -1;
		}
		if (SSL_CTX_use_PrivateKey_file(
			ctx, opts->key, SSL_FILETYPE_PEM) != 1) {
			tls_error(err, errlen, opts->key, "cannot load");
			return -1;
		}
		if (SSL_CTX_check_private_key(ctx) != 1) {
			tls_error(err, errlen, opts->key,
			    "does not match the certificate");
			return -1;
		}
	} else if (server) {
		str_lcpy(
		    err, "TLS: a server needs a certificate and a key", errlen);
		return -1;
	}
	if (opts->ca == NULL) {
		SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
		return 0;
	}
	if (SSL_CTX_load_verify_locations(ctx, opts->ca, NULL) != 1) {
		tls_error(err, errlen, opts->ca, "cannot load");
		return -1;
	}
	if (server) {
		STACK_OF(X509_NAME) *names = SSL_load_client_CA_file(opts->ca);

		if (names != NULL)
			SSL_CTX_set_client_CA_list(ctx, names);
		SSL_CTX_set_verify(ctx,
		    SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
	} else
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	return 0;
}

struct xmpp_tls *
xmpp_tls_new(
    const struct xmpp_tls_opts *opts, bool server, char *err, size_t errlen)
{
	struct xmpp_tls *tls;
	SSL_CTX *ctx;

	ERR_clear_error();
	ctx = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());
	if (ctx == NULL) {
		tls_error(err, errlen, "TLS", "no context");
		return NULL;
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	/* Renegotiation is a CPU DoS (bad-inputs F13); nobody needs it. */
	SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION);
	/* A memory BIO takes whole records: SSL_write never stops halfway. */
	SSL_CTX_clear_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE);
	if (ctx_load(ctx, opts, server, err, errlen) != 0) {
		SSL_CTX_free(ctx);
		return NULL;
	}
	tls = xcalloc(1, sizeof(*tls));
	tls->ctx = ctx;
	tls->server = server;
	return tls;
}

void
xmpp_tls_free(struct xmpp_tls *tls)
{
	if (tls == NULL)
		return;
	SSL_CTX_free(tls->ctx);
	free(tls);
}

struct xmpp_tls_conn *
xmpp__tls_conn_new(struct xmpp_tls *tls)
{
	struct xmpp_tls_conn *t = xcalloc(1, sizeof(*t));

	if ((t->ssl = SSL_new(tls->ctx)) == NULL ||
	    (t->rbio = BIO_new(BIO_s_mem())) == NULL ||
	    (t->wbio = BIO_new(BIO_s_mem())) == NULL)
		fatalx("%s: out of memory", __func__);
	/* An empty BIO asks to retry (SSL_ERROR_WANT_READ), not EOF. */
	BIO_set_mem_eof_return(t->rbio, -1);
	BIO_set_mem_eof_return(t->wbio, -1);
	SSL_set_bio(t->ssl, t->rbio, t->wbio);
	if (tls->server)
		SSL_set_accept_state(t->ssl);
	else
		SSL_set_connect_state(t->ssl);
	return t;
}

void
xmpp__tls_conn_free(struct xmpp_tls_conn *t)
{
	if (t == NULL)
		return;
	SSL_free(t->ssl); /* and both BIOs */
	free(t);
}

void
xmpp__tls_input(struct xmpp_tls_conn *t, const void *data, size_t len)
{
	const uint8_t *p = data;
	int n;

	/* A memory BIO grows to take everything; only OOM refuses. */
	while (len > 0) {
		n = BIO_write(t->rbio, p, (int)MIN(len, (size_t)INT_MAX));
		if (n <= 0)
			fatalx("%s: BIO_write failed", __func__);
		p += n;
		len -= (size_t)n;
	}
}

/* Why an SSL call returned r: the error queue, the certificate check,
 * or the peer's close. */
static void
ssl_failure(
    struct xmpp_tls_conn *t, int r, const char *what, char *err, size_t errlen)
{
	int e = SSL_get_error(t->ssl, r);
	long v = SSL_get_verify_result(t->ssl);
	char base[XMPP_REASON_MAX];

	if (e == SSL_ERROR_ZERO_RETURN) {
		snprintf(err, errlen, "%s: the peer closed TLS", what);
		ERR_clear_error();
		return;
	}
	tls_error(base, sizeof(base), what,
	    e == SSL_ERROR_SYSCALL ? "unexpected end of the TLS stream"
				   : "TLS protocol error");
	if (v != X509_V_OK)
		snprintf(err, errlen, "%s (%s)", base,
		    X509_verify_cert_error_string(v));
	else
		snprintf(err, errlen, "%s", base);
}

int
xmpp__tls_handshake(struct xmpp_tls_conn *t, char *err, size_t errlen)
{
	X509 *cert;
	int r;

	ERR_clear_error();
	r = SSL_do_handshake(t->ssl);
	if (r == 1) {
		cert = SSL_get1_peer_certificate(t->ssl);
		t->peer[0] = '\0';
		if (cert != NULL) {
			X509_NAME_oneline(X509_get_subject_name(cert), t->peer,
			    sizeof(t->peer));
			X509_free(cert);
		}
		return 1;
	}
	if (SSL_get_error(t->ssl, r) == SSL_ERROR_WANT_READ)
		return 0;
	ssl_failure(t, r, "TLS handshake", err, errlen);
	return -1;
}

ssize_t
xmpp__tls_read(
    struct xmpp_tls_conn *t, void *buf, size_t len, char *err, size_t errlen)
{
	int r;

	ERR_clear_error();
	r = SSL_read(t->ssl, buf, (int)MIN(len, (size_t)INT_MAX));
	if (r > 0)
		return r;
	if (SSL_get_error(t->ssl, r) == SSL_ERROR_WANT_READ)
		return 0;
	ssl_failure(t, r, "TLS", err, errlen);
	return -1;
}

int
xmpp__tls_write(struct xmpp_tls_conn *t, const void *data, size_t len,
    char *err, size_t errlen)
{
	const uint8_t *p = data;
	int r;

	while (len > 0) {
		ERR_clear_error();
		r = SSL_write(t->ssl, p, (int)MIN(len, (size_t)INT_MAX));
		if (r <= 0) {
			ssl_failure(t, r, "TLS", err, errlen);
			return -1;
		}
		p += r;
		len -= (size_t)r;
	}
	return 0;
}

void
xmpp__tls_shutdown(struct xmpp_tls_conn *t)
{
	ERR_clear_error();
	if (SSL_is_init_finished(t->ssl))
		(void)SSL_shutdown(t->ssl);
	ERR_clear_error();
}

size_t
xmpp__tls_pending(const struct xmpp_tls_conn *t)
{
	return BIO_ctrl_pending(t->wbio);
}

size_t
xmpp__tls_take(struct xmpp_tls_conn *t, void *buf, size_t len)
{
	int n = BIO_read(t->wbio, buf, (int)MIN(len, (size_t)INT_MAX));

	return n > 0 ? (size_t)n : 0;
}

const char *
xmpp__tls_peer(const struct xmpp_tls_conn *t)
{
	return t->peer;
}
