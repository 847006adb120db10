// SPDX-License-Identifier: MIT
/* printf-style guest output, formatted straight into a hypercall block. */
#include <partita-guest/console.h>
#include <partita-guest/cpu.h>
#include <partita-guest/hypercall.h>

#include "fmt.h"
#include "guest-internal.h"
#include "string.h"

int pt_puts(const char *text)
{
	size_t n = strlen(text);
	int ret = pt_call_console_write(text, n);

	return ret ? ret : (int)n;
}

int pt_vprintf(const char *fmt, va_list ap)
{
	uint64_t flags = pt_irq_save();
	struct pt_console_write_in *in = guest_scratch_page(pt_vcpu_index());
	/* The terminating NUL must stay inside the page too. */
	int n = fmt_vsnprintf((char *)in->text, PT_CONSOLE_WRITE_MAX, fmt, ap);
	int ret;

	if (n > (int)PT_CONSOLE_WRITE_MAX - 1)
		n = (int)PT_CONSOLE_WRITE_MAX - 1;
	in->length = (uint32_t)n;
	in->reserved = 0;
	ret = -(int)pt_hc_status(pt_hypercall(
		pt_hc_input(PT_CALL_CONSOLE_WRITE, 0, 0, 0), pt_gpa(in), 0));
	pt_irq_restore(flags);
	return ret ? ret : n;
}

int pt_printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = pt_vprintf(fmt, ap);
	va_end(ap);
	return n;
}

void pt_panic(const char *fmt, ...)
{
	char message[256];
	va_list ap;

	if (pt_hypercall_page_ready()) {
		va_start(ap, fmt);
		fmt_vsnprintf(message, sizeof(message), fmt, ap);
		va_end(ap);
		pt_printf("PANIC: %s\n", message);
		pt_call_shutdown(PT_SHUTDOWN_CRASH);
	}
	pt_triple_fault();
}
