/*
 * schema_err.c - configuration error lists.
 *
 * Every error carries where it is (source and line), the element at fault
 * and why.  A load keeps the SCHEMA_ERR_MAX errors that come first in the
 * file and counts the rest, so a badly broken file cannot make us
 * allocate without bound.
 */
#include "schema/schema.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void
schema_errs_init(struct schema_errs *errs)
{
	errs->n = 0;
	errs->total = 0;
	errs->fail = SCHEMA_FAIL_NONE;
}

void
schema_errs_add(struct schema_errs *errs, const char *source, unsigned line,
    const char *element, const char *fmt, ...)
{
	struct schema_err *e;
	va_list ap;
	size_t len, i;

	errs->total++;
	if (errs->fail == SCHEMA_FAIL_NONE)
		errs->fail = SCHEMA_FAIL_DOCUMENT;
	if (errs->n < SCHEMA_ERR_MAX)
		e = &errs->err[errs->n++];
	else {
		/* Full: keep the errors that come first in the file. */
		e = &errs->err[0];
		for (i = 1; i < errs->n; i++)
			if (errs->err[i].line >= e->line)
				e = &errs->err[i];
		if (line >= e->line)
			return;
	}
	str_lcpy(e->source, source != NULL ? source : "", sizeof(e->source));
	e->line = line;
	str_lcpy(
	    e->element, element != NULL ? element : "", sizeof(e->element));
	va_start(ap, fmt);
	vsnprintf(e->reason, sizeof(e->reason), fmt, ap);
	va_end(ap);
	/* libxml2 messages end with a newline and a period; ours do not. */
	len = strlen(e->reason);
	while (len > 0 &&
	    (e->reason[len - 1] == '\n' || e->reason[len - 1] == ' ' ||
		e->reason[len - 1] == '.'))
		e->reason[--len] = '\0';
}

const char *
schema_err_print(const struct schema_err *e, char *buf, size_t len)
{
	char where[160];

	if (e->line > 0)
		snprintf(where, sizeof(where), "%s:%u", e->source, e->line);
	else
		snprintf(where, sizeof(where), "%s", e->source);
	if (e->element[0] != '\0')
		snprintf(buf, len, "%s: element '%s': %s", where, e->element,
		    e->reason);
	else
		snprintf(buf, len, "%s: %s", where, e->reason);
	return buf;
}

void
schema_errs_sort(struct schema_errs *errs)
{
	struct schema_err tmp;
	size_t i, j;

	/* Insertion sort: at most SCHEMA_ERR_MAX entries, and stable. */
	for (i = 1; i < errs->n; i++) {
		tmp = errs->err[i];
		for (j = i; j > 0 && errs->err[j - 1].line > tmp.line; j--)
			errs->err[j] = errs->err[j - 1];
		errs->err[j] = tmp;
	}
}
