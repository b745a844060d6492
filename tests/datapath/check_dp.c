/*
 * check_dp.c - runner for the libdp unit tests (packet decode,
 * encapsulation builders, the Juniper mirror header, pcap files), and
 * the helpers the suites share.
 */
#include "tests/datapath/suites.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t
dt_unhex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;
	unsigned v;

	while (*s != '\0') {
		if (*s == ' ') {
			s++;
			continue;
		}
		DT_ASSERT(n < cap, "hex past %zu bytes", cap);
		DT_ASSERT(isxdigit((unsigned char)s[0]) &&
			isxdigit((unsigned char)s[1]) &&
			sscanf(s, "%2x", &v) == 1,
		    "bad hex at \"%.10s\"", s);
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

uint8_t *
dt_copy(const void *p, size_t n)
{
	uint8_t *c = malloc(n > 0 ? n : 1);

	DT_ASSERT(c != NULL, "out of memory");
	if (n > 0)
		memcpy(c, p, n);
	return c;
}

int
main(void)
{
	SRunner *sr;
	int nfailed;

	sr = srunner_create(dp_pkt_suite());
	srunner_add_suite(sr, dp_encap_suite());
	srunner_add_suite(sr, dp_jhdr_suite());
	srunner_add_suite(sr, dp_pcap_suite());
	srunner_run_all(sr, CK_ENV);
	nfailed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nfailed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
