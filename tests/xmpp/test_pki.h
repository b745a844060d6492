/*
 * test_pki.h - certificates made at test time for the TLS tests
 * (tests/xmpp/test_pki.c): CA 1 signs the server ("ctl-node-1") and a
 * client ("compute-7"), CA 2 signs another client ("compute-8").
 */
#ifndef SDN_TEST_PKI_H
#define SDN_TEST_PKI_H

struct test_pki {
	char dir[64];
	char ca1[96], ca2[96];
	char srv_crt[96], srv_key[96];
	char cli_crt[96], cli_key[96];
	char bad_crt[96], bad_key[96];
};
/* Makes the keys and certificates as PEM files in a new directory. */
void test_pki_make(struct test_pki *pki);
/* Removes the files and the directory. */
void test_pki_remove(struct test_pki *pki);

#endif /* SDN_TEST_PKI_H */
