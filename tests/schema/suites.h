/*
 * suites.h - the Check suites of libschema, collected by check_schema.c.
 */
#ifndef SDN_TESTS_SCHEMA_SUITES_H
#define SDN_TESTS_SCHEMA_SUITES_H

#include <check.h>

Suite *schema_golden_suite(void);
Suite *schema_config_suite(void);
Suite *schema_limits_suite(void);

/* check_schema.c: the fixture of every case (compile the XSD, free it). */
void schema_setup(void);
void schema_teardown(void);

#endif /* SDN_TESTS_SCHEMA_SUITES_H */
