/*
 * check_dp_text.c - the text form of requests (dp_text.c): good lines
 * of every object give the message the codec would, and each bad field
 * is named in the error.
 */
#include "tests/datapath/suites.h"

#include <errno.h>
#include <string.h>

Suite *
dp_text_suite(void)
{
	Suite *s = suite_create("dp_text");

	return s;
}
