/*
 * schema_load.c - read, validate and load configuration documents.
 *
 * The only place that drives libxml2: a document is read whole (bounded
 * by SCHEMA_MAX_FILE_SIZE), parsed without network access, entity
 * substitution or DTDs (a DOCTYPE stops the parse), validated against the
 * XSD compiled into the binary, then handed to schema_parse.c and built
 * into a generation.  Every libxml2 message becomes a schema_err with the
 * source, line and element; any error means no generation.
 */
#include "schema/schema_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>

/* The XSD, embedded at build time from schema/mirador.xsd. */
extern const unsigned char schema_mirador_xsd[];
extern const size_t schema_mirador_xsd_len;

static xmlSchemaPtr schema_compiled; /* from schema_init */

/* What libxml2's error callbacks need to turn messages into errors. */
struct lctx {
	const char *source;
	struct schema_errs *errs;
	bool doctype; /* a DOCTYPE was seen and the parse stopped */
};

const char *
schema_xsd_text(void)
{
	return (const char *)schema_mirador_xsd;
}

/*
 * libxml2 validation messages start with "Element 'name': " (or
 * "Element 'name', attribute 'a': "); the element goes into its own field,
 * so drop that lead-in from the reason.
 */
static const char *
strip_element_prefix(const char *msg)
{
	const char *p;

	if (strncmp(msg, "Element '", 9) != 0)
		return msg;
	p = strchr(msg + 9, '\'');
	if (p == NULL)
		return msg;
	p++;
	if (*p == ':' || *p == ',')
		p++;
	while (*p == ' ')
		p++;
	return p;
}

static void
add_xml_error(struct lctx *lc, const xmlError *err)
{
	const xmlNode *node = err->node;
	const char *element = "";
	unsigned line = err->line > 0 ? (unsigned)err->line : 0;
	long l;

	if (err->level == XML_ERR_WARNING)
		return;
	if (node != NULL && node->type == XML_ELEMENT_NODE) {
		element = (const char *)node->name;
		l = xmlGetLineNo(node);
		if (l > 0)
			line = (unsigned)l;
	}
	schema_errs_add(lc->errs, lc->source, line, element, "%s",
	    strip_element_prefix(
		err->message != NULL ? err->message : "unknown XML error"));
}

/* Parser errors: userData is the parser context (libxml2 default). */
static void
parse_error_cb(void *data, xmlErrorPtr err)
{
	xmlParserCtxtPtr ctxt = data;
	struct lctx *lc = ctxt->_private;

	/* After a DOCTYPE we stopped the parser; its follow-ups are noise. */
	if (lc->doctype)
		return;
	add_xml_error(lc, err);
}

static void
valid_error_cb(void *data, xmlErrorPtr err)
{
	add_xml_error(data, err);
}

static void
xsd_error_cb(void *data, xmlErrorPtr err)
{
	(void)data;
	log_warnx("embedded schema: line %d: %s", err->line,
	    err->message != NULL ? err->message : "?");
}

/*
 * A DOCTYPE can declare entities (billion laughs, external files): no
 * configuration needs one, so seeing one ends the parse.
 */
static void
internal_subset_cb(void *data, const xmlChar *name, const xmlChar *ext_id,
    const xmlChar *sys_id)
{
	xmlParserCtxtPtr ctxt = data;
	struct lctx *lc = ctxt->_private;

	(void)name;
	(void)ext_id;
	(void)sys_id;
	schema_errs_add(lc->errs, lc->source,
	    ctxt->input != NULL ? (unsigned)ctxt->input->line : 0, "",
	    "DOCTYPE is not allowed in a configuration document");
	lc->doctype = true;
	xmlStopParser(ctxt);
}

int
schema_init(void)
{
	xmlSchemaParserCtxtPtr pctxt;

	if (schema_compiled != NULL)
		return 0;
	xmlInitParser();
	pctxt = xmlSchemaNewMemParserCtxt(
	    (const char *)schema_mirador_xsd, (int)schema_mirador_xsd_len);
	if (pctxt == NULL)
		return -ENOMEM;
	xmlSchemaSetParserStructuredErrors(pctxt, xsd_error_cb, NULL);
	schema_compiled = xmlSchemaParse(pctxt);
	xmlSchemaFreeParserCtxt(pctxt);
	return schema_compiled != NULL ? 0 : -EINVAL;
}

void
schema_fini(void)
{
	if (schema_compiled != NULL)
		xmlSchemaFree(schema_compiled);
	schema_compiled = NULL;
	xmlCleanupParser();
}

/* Parse and validate; the document (caller frees) or NULL with errors. */
static xmlDocPtr
read_doc(
    const char *source, const char *xml, size_t len, struct schema_errs *errs)
{
	struct lctx lc = {.source = source, .errs = errs};
	xmlParserCtxtPtr ctxt;
	xmlSchemaValidCtxtPtr vctxt;
	xmlDocPtr doc;
	size_t before = errs->total;
	int rc;

	if (schema_compiled == NULL && schema_init() != 0) {
		schema_errs_add(errs, source, 0, "",
		    "the embedded schema "
		    "does not compile (a build problem)");
		return NULL;
	}
	if (len > SCHEMA_MAX_FILE_SIZE) {
		schema_errs_add(errs, source, 0, "",
		    "document of %zu bytes "
		    "is over the limit of %u",
		    len, SCHEMA_MAX_FILE_SIZE);
		return NULL;
	}
	ctxt = xmlNewParserCtxt();
	if (ctxt == NULL)
		fatalx("%s: xmlNewParserCtxt: out of memory", __func__);
	ctxt->_private = &lc;
	ctxt->sax->serror = parse_error_cb;
	ctxt->sax->internalSubset = internal_subset_cb;
	/* No XML_PARSE_NOENT (no substitution), no DTD loading. */
	doc = xmlCtxtReadMemory(ctxt, xml, (int)len, source, NULL,
	    XML_PARSE_NONET | XML_PARSE_BIG_LINES | XML_PARSE_NOCDATA);
	if (doc == NULL || lc.doctype || !ctxt->wellFormed ||
	    errs->total != before) {
		if (errs->total == before)
			schema_errs_add(errs, source, 0, "",
			    "not a well-formed XML document");
		xmlFreeDoc(doc);
		xmlFreeParserCtxt(ctxt);
		return NULL;
	}
	xmlFreeParserCtxt(ctxt);

	vctxt = xmlSchemaNewValidCtxt(schema_compiled);
	if (vctxt == NULL)
		fatalx("%s: xmlSchemaNewValidCtxt: out of memory", __func__);
	xmlSchemaSetValidStructuredErrors(vctxt, valid_error_cb, &lc);
	rc = xmlSchemaValidateDoc(vctxt, doc);
	xmlSchemaFreeValidCtxt(vctxt);
	if (rc != 0 || errs->total != before) {
		if (errs->total == before)
			schema_errs_add(errs, source, 0, "",
			    "schema validation failed (libxml2 error %d)", rc);
		xmlFreeDoc(doc);
		return NULL;
	}
	return doc;
}

struct schema_config *
schema_config_load_mem(
    const char *source, const char *xml, size_t len, struct schema_errs *errs)
{
	struct schema_objv ov = {0};
	const xmlNode *root;
	xmlDocPtr doc;
	int rc;

	schema_errs_init(errs);
	doc = read_doc(source, xml, len, errs);
	if (doc == NULL)
		return NULL;
	root = xmlDocGetRootElement(doc);
	if (root == NULL || strcmp((const char *)root->name, "config") != 0) {
		schema_errs_add(errs, source,
		    root != NULL ? (unsigned)xmlGetLineNo(root) : 0,
		    root != NULL ? (const char *)root->name : "",
		    "a configuration file is a <config> document");
		xmlFreeDoc(doc);
		return NULL;
	}
	rc = schema__parse_doc(doc, source, &ov, errs);
	xmlFreeDoc(doc);
	if (rc != 0) {
		schema_errs_sort(errs);
		schema__objv_fini(&ov);
		return NULL;
	}
	return schema__config_build(&ov, errs);
}

struct schema_config *
schema_config_load_file(const char *path, struct schema_errs *errs)
{
	struct schema_config *cfg = NULL;
	struct stat st;
	char *buf = NULL;
	size_t off = 0, cap;
	ssize_t n;
	int fd;

	schema_errs_init(errs);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1) {
		schema_errs_add(
		    errs, path, 0, "", "cannot open: %s", strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		schema_errs_add(errs, path, 0, "", "not a regular file");
		goto done;
	}
	if ((uintmax_t)st.st_size > SCHEMA_MAX_FILE_SIZE) {
		schema_errs_add(errs, path, 0, "",
		    "file of %jd bytes is over "
		    "the limit of %u",
		    (intmax_t)st.st_size, SCHEMA_MAX_FILE_SIZE);
		goto done;
	}
	/* Read to EOF: the file may have grown since fstat. */
	cap = (size_t)st.st_size + 1;
	buf = xmalloc(cap);
	for (;;) {
		if (off == cap) {
			if (cap > SCHEMA_MAX_FILE_SIZE) {
				schema_errs_add(errs, path, 0, "",
				    "file is "
				    "over the limit of %u bytes",
				    SCHEMA_MAX_FILE_SIZE);
				goto done;
			}
			cap = MIN(cap * 2, (size_t)SCHEMA_MAX_FILE_SIZE + 1);
			buf = xrealloc(buf, cap);
		}
		n = read(fd, buf + off, cap - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			schema_errs_add(errs, path, 0, "", "cannot read: %s",
			    strerror(errno));
			goto done;
		}
		if (n == 0)
			break;
		off += (size_t)n;
	}
	cfg = schema_config_load_mem(path, buf, off, errs);
done:
	free(buf);
	close(fd);
	return cfg;
}

struct schema_config *
schema_config_put(const struct schema_config *base, const char *source,
    const char *xml, size_t len, const char *type, const char *name,
    size_t *created, size_t *replaced, struct schema_errs *errs)
{
	struct schema_objv ov = {0};
	const xmlNode *root;
	xmlDocPtr doc;
	size_t i, j;
	int rc;

	schema_errs_init(errs);
	*created = *replaced = 0;
	doc = read_doc(source, xml, len, errs);
	if (doc == NULL)
		return NULL;
	root = xmlDocGetRootElement(doc);
	if (type != NULL &&
	    (root == NULL || strcmp((const char *)root->name, type) != 0)) {
		schema_errs_add(errs, source,
		    root ? (unsigned)xmlGetLineNo(root) : 0,
		    root ? (const char *)root->name : "",
		    "the document must be one <%s> element", type);
		xmlFreeDoc(doc);
		return NULL;
	}
	rc = schema__parse_doc(doc, source, &ov, errs);
	xmlFreeDoc(doc);
	if (rc == 0 && name != NULL &&
	    (ov.n != 1 || strcmp(ov.v[0]->name, name) != 0)) {
		schema_errs_add(errs, source, ov.n > 0 ? ov.v[0]->line : 0,
		    type != NULL ? type : "",
		    "the object is named '%s', the "
		    "request names '%s'",
		    ov.n > 0 ? ov.v[0]->name : "", name);
		rc = -EINVAL;
	}
	/* Two objects of the same type and name in one document. */
	for (i = 0; rc == 0 && i < ov.n; i++)
		for (j = i + 1; j < ov.n; j++)
			if (ov.v[i]->type == ov.v[j]->type &&
			    strcmp(ov.v[i]->name, ov.v[j]->name) == 0) {
				schema_errs_add(errs, source, ov.v[j]->line,
				    schema_type_name(ov.v[j]->type),
				    "duplicate %s '%s' (first at line %u)",
				    schema_type_name(ov.v[j]->type),
				    ov.v[j]->name, ov.v[i]->line);
				rc = -EINVAL;
			}
	if (rc != 0) {
		schema_errs_sort(errs);
		schema__objv_fini(&ov);
		return NULL;
	}
	return schema__config_put(base, &ov, created, replaced, errs);
}
