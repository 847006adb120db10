/* SPDX-License-Identifier: MIT */
/* RESULT lines of the in-guest tests, the format the integration tests grep. */
#ifndef PARTITA_GUEST_TEST_REPORT_H
#define PARTITA_GUEST_TEST_REPORT_H

/*
 * Prints "RESULT <name> PASS|FAIL <details>" as one line and returns pass,
 * so tests can count failures: failures += !report(...).
 */
int report(const char *name, int pass, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * A suite of cases, each printed as "RESULT <suite>/<name> PASS|FAIL ..."
 * and counted; report_suite() then prints the suite's own line with the
 * number of cases and the names of those that failed.
 */
struct report_tally {
	const char *suite;
	unsigned cases, failures;
	char failed_names[1024];
};

int report_case(struct report_tally *t, const char *name, int pass,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));
int report_suite(const struct report_tally *t);

#endif
