// SPDX-License-Identifier: MIT
/* RESULT lines of the in-guest tests, the format the integration tests grep. */
#include <partita-guest/console.h>

#include "fmt.h"
#include "report.h"
#include "string.h"

int report(const char *name, int pass, const char *fmt, ...)
{
	char details[512];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(details, sizeof(details), fmt, ap);
	va_end(ap);
	pt_printf("RESULT %s %s %s\n", name, pass ? "PASS" : "FAIL", details);
	return pass;
}

int report_case(struct report_tally *t, const char *name, int pass,
		const char *fmt, ...)
{
	char details[256], full[96];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(details, sizeof(details), fmt, ap);
	va_end(ap);
	fmt_snprintf(full, sizeof(full), "%s/%s", t->suite, name);
	report(full, pass, "%s", details);
	t->cases++;
	if (!pass) {
		size_t len = strlen(t->failed_names);

		t->failures++;
		fmt_snprintf(t->failed_names + len,
			     sizeof(t->failed_names) - len, "%s%s",
			     len ? "," : "", name);
	}
	return pass;
}

int report_suite(const struct report_tally *t)
{
	return report(t->suite, t->failures == 0, "cases=%u failed=%u%s%s",
		      t->cases, t->failures, t->failures ? " names=" : "",
		      t->failed_names);
}
