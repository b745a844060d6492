/*
 * test_pki.c - certificates made at test time (no files shipped, nothing
 * downloaded): two CAs, a server and a client under CA 1, another
 * client under CA 2, as PEM files in a temporary directory, for the TLS
 * tests of libxmpp and of the control node's agent channel.
 */
#include "tests/xmpp/test_pki.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <check.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "common/common.h"

static EVP_PKEY *
key_new(void)
{
	EVP_PKEY_CTX *kc = EVP_PKEY_CTX_new_id(EVP_PKEY_EC, NULL);
	EVP_PKEY *k = NULL;

	ck_assert_ptr_nonnull(kc);
	ck_assert_int_eq(EVP_PKEY_keygen_init(kc), 1);
	ck_assert_int_eq(
	    EVP_PKEY_CTX_set_ec_paramgen_curve_nid(kc, NID_X9_62_prime256v1),
	    1);
	ck_assert_int_eq(EVP_PKEY_keygen(kc, &k), 1);
	EVP_PKEY_CTX_free(kc);
	return k;
}

static void
add_ext(X509 *x, X509V3_CTX *v3, int nid, const char *value)
{
	char v[64];
	X509_EXTENSION *e;

	snprintf(v, sizeof(v), "%s", value);
	e = X509V3_EXT_conf_nid(NULL, v3, nid, v);
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(X509_add_ext(x, e, -1), 1);
	X509_EXTENSION_free(e);
}

/* A certificate for cn and key, signed by issuer (NULL: self-signed). */
static X509 *
cert_new(const char *cn, EVP_PKEY *key, X509 *issuer, EVP_PKEY *ikey, bool ca,
    long serial)
{
	X509 *x = X509_new();
	X509V3_CTX v3;

	ck_assert_ptr_nonnull(x);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
	X509_gmtime_adj(X509_getm_notBefore(x), -3600);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	X509_set_pubkey(x, key);
	X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
	    (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(
	    x, X509_get_subject_name(issuer != NULL ? issuer : x));
	X509V3_set_ctx(&v3, issuer != NULL ? issuer : x, x, NULL, NULL, 0);
	add_ext(x, &v3, NID_basic_constraints,
	    ca ? "critical,CA:TRUE" : "CA:FALSE");
	if (ca)
		add_ext(x, &v3, NID_key_usage, "critical,keyCertSign,cRLSign");
	add_ext(x, &v3, NID_subject_key_identifier, "hash");
	ck_assert_int_gt(
	    X509_sign(x, ikey != NULL ? ikey : key, EVP_sha256()), 0);
	return x;
}

static void
pem_write(const struct test_pki *pki, char *path, const char *name, X509 *x,
    EVP_PKEY *k)
{
	FILE *fp;

	snprintf(path, 96, "%s/%s", pki->dir, name);
	fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	if (x != NULL)
		ck_assert_int_eq(PEM_write_X509(fp, x), 1);
	else
		ck_assert_int_eq(
		    PEM_write_PrivateKey(fp, k, NULL, NULL, 0, NULL, NULL), 1);
	ck_assert_int_eq(fclose(fp), 0);
}

void
test_pki_make(struct test_pki *pki)
{
	EVP_PKEY *k1 = key_new(), *k2 = key_new(), *ks = key_new();
	EVP_PKEY *kc = key_new(), *kb = key_new();
	X509 *ca1, *ca2, *xs, *xc, *xb;

	snprintf(pki->dir, sizeof(pki->dir), "/tmp/mirador-xmpp-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(pki->dir));
	ca1 = cert_new("Test CA 1", k1, NULL, NULL, true, 1);
	ca2 = cert_new("Test CA 2", k2, NULL, NULL, true, 2);
	xs = cert_new("ctl-node-1", ks, ca1, k1, false, 3);
	xc = cert_new("compute-7", kc, ca1, k1, false, 4);
	xb = cert_new("compute-8", kb, ca2, k2, false, 5);
	pem_write(pki, pki->ca1, "ca1.pem", ca1, NULL);
	pem_write(pki, pki->ca2, "ca2.pem", ca2, NULL);
	pem_write(pki, pki->srv_crt, "srv.pem", xs, NULL);
	pem_write(pki, pki->srv_key, "srv.key", NULL, ks);
	pem_write(pki, pki->cli_crt, "cli.pem", xc, NULL);
	pem_write(pki, pki->cli_key, "cli.key", NULL, kc);
	pem_write(pki, pki->bad_crt, "bad.pem", xb, NULL);
	pem_write(pki, pki->bad_key, "bad.key", NULL, kb);
	X509_free(ca1);
	X509_free(ca2);
	X509_free(xs);
	X509_free(xc);
	X509_free(xb);
	EVP_PKEY_free(k1);
	EVP_PKEY_free(k2);
	EVP_PKEY_free(ks);
	EVP_PKEY_free(kc);
	EVP_PKEY_free(kb);
}

void
test_pki_remove(struct test_pki *pki)
{
	const char *files[] = {pki->ca1, pki->ca2, pki->srv_crt, pki->srv_key,
	    pki->cli_crt, pki->cli_key, pki->bad_crt, pki->bad_key};
	size_t i;

	for (i = 0; i < nitems(files); i++)
		unlink(files[i]);
	ck_assert_int_eq(rmdir(pki->dir), 0);
}
