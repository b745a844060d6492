/*
 * dp-srv-stub.c - the programming socket on empty tables, without
 * ports or forwarding, for the miradorctl shell test (dp-ctl.sh) until
 * mirador-vrouter exists: serves PATH until SIGTERM or SIGINT.
 */
#include "datapath/dp_srv.h"

#include <stdio.h>
#include <stdlib.h>

static uv_signal_t stub_sigs[2]; /* SIGTERM, SIGINT */

static void
stub_signal_cb(uv_signal_t *sig, int signum)
{
	(void)signum;
	dp_srv_close(sig->data);
	uv_close((uv_handle_t *)&stub_sigs[0], NULL);
	uv_close((uv_handle_t *)&stub_sigs[1], NULL);
}

int
main(int argc, char *argv[])
{
	uv_loop_t *loop = uv_default_loop();
	struct dp_srv *s;
	struct dp *dp;
	int err = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: dp-srv-stub PATH\n");
		return 2;
	}
	log_init("dp-srv-stub", LOG_LEVEL_INFO);
	dp = dp_new(4096);
	if ((s = dp_srv_new(loop, dp, argv[1], NULL, NULL, &err)) == NULL) {
		fprintf(
		    stderr, "dp-srv-stub: %s: %s\n", argv[1], uv_strerror(err));
		return 1;
	}
	uv_signal_init(loop, &stub_sigs[0]);
	uv_signal_init(loop, &stub_sigs[1]);
	stub_sigs[0].data = stub_sigs[1].data = s;
	uv_signal_start(&stub_sigs[0], stub_signal_cb, SIGTERM);
	uv_signal_start(&stub_sigs[1], stub_signal_cb, SIGINT);
	uv_run(loop, UV_RUN_DEFAULT);
	dp_free(dp);
	return uv_loop_close(loop) == 0 ? 0 : 1;
}
