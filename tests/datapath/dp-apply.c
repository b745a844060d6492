/*
 * dp-apply.c - a test helper: sends every line of a file of text
 * requests (the `miradorctl dp apply` format, parsed by dp_text_parse)
 * to a vrouter's programming socket, stopping at the first refusal.
 * The shell tests use it to program a running mirador-vrouter through
 * dp_srv (and so its vif hooks) while miradorctl has no `dp apply`.
 *
 * usage: dp-apply SOCKET FILE; exit 0 when every request was applied.
 */
#include "datapath/dp.h"
#include "datapath/dp_srv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DP_APPLY_TIMEOUT_MS 5000

static char line[DP_TEXT_LINE_MAX + 2];
static struct dp_msg msg;

int
main(int argc, char *argv[])
{
	struct dp_msg_reply r;
	struct dp_client *c;
	char err[DP_TEXT_ERR_MAX];
	unsigned lineno = 0;
	FILE *f;
	int rc, status = EXIT_SUCCESS;

	if (argc != 3) {
		fprintf(stderr, "usage: dp-apply SOCKET FILE\n");
		return 2;
	}
	if ((f = fopen(argv[2], "r")) == NULL) {
		perror(argv[2]);
		return EXIT_FAILURE;
	}
	if ((c = dp_client_new(argv[1], DP_APPLY_TIMEOUT_MS, &rc)) == NULL) {
		fprintf(stderr, "dp-apply: %s: %s\n", argv[1], strerror(-rc));
		fclose(f);
		return EXIT_FAILURE;
	}
	while (status == EXIT_SUCCESS && fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		line[strcspn(line, "\n")] = '\0';
		rc = dp_text_parse(line, &msg, err, sizeof(err));
		if (rc == 1)
			continue;
		if (rc == 0 &&
		    (rc = dp_client_request(c, &msg, NULL, NULL, &r)) != 0)
			snprintf(err, sizeof(err), "%s", strerror(-rc));
		else if (rc == 0 && r.status != 0)
			snprintf(err, sizeof(err), "%s", r.text);
		else if (rc == 0)
			continue;
		fprintf(stderr, "dp-apply: %s:%u: %s\n", argv[2], lineno, err);
		status = EXIT_FAILURE;
	}
	dp_client_free(c);
	fclose(f);
	return status;
}
