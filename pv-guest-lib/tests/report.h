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

#endif
