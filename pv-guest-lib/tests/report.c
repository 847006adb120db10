// SPDX-License-Identifier: MIT
/* RESULT lines of the in-guest tests, the format the integration tests grep. */
#include <partita-guest/console.h>

#include "fmt.h"
#include "report.h"

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
