// SPDX-License-Identifier: MIT
/*
 * A long-running example guest: prints a numbered tick every interval until
 * the root asks it to shut down (PT_EVENT_SHUTDOWN_REQUEST), so partition
 * lifecycle tools have something to pause, watch and stop. Command line:
 *   interval_ms=N   time between ticks (default 500)
 *   mode=spin       burn CPU between ticks instead of sleeping (for caps)
 *   crash_after=N   after tick N, write outside its memory (it is killed)
 */
#include <partita-guest/guest.h>
#include <stdbool.h>

#include "string.h"

static volatile uint32_t shutdown_requested;

static void on_shutdown_request(unsigned event, unsigned vcpu, void *arg)
{
	pt_atomic_store32(&shutdown_requested, 1);
}

/* The value of `key=` in the command line, or `fallback`. */
static uint64_t cmdline_number(const char *cmdline, const char *key,
			       uint64_t fallback)
{
	size_t klen = strlen(key);

	for (const char *p = cmdline; *p; p++) {
		uint64_t n = 0;

		if ((p != cmdline && p[-1] != ' ') || strncmp(p, key, klen) ||
		    p[klen] != '=')
			continue;
		for (p += klen + 1; *p >= '0' && *p <= '9'; p++)
			n = n * 10 + (uint64_t)(*p - '0');
		return n;
	}
	return fallback;
}

static bool cmdline_has(const char *cmdline, const char *word)
{
	size_t len = strlen(word);

	for (const char *p = cmdline; *p; p++) {
		if ((p == cmdline || p[-1] == ' ') && !strncmp(p, word, len) &&
		    (p[len] == ' ' || p[len] == '\0'))
			return true;
	}
	return false;
}

/* Writes one byte beyond its RAM through a 2 MiB mapping it adds itself:
 * the hypervisor answers with a nested page fault and kills it. */
static void crash_now(const struct pt_start_info *si)
{
	volatile uint64_t *pd = (volatile uint64_t *)(uintptr_t)0x5000;
	uint64_t gpa = si->memory_bytes + (16ull << 20);

	pd[gpa >> 21] = gpa | 0x83;
	__asm__ volatile("invlpg (%0)" ::"r"(gpa) : "memory");
	*(volatile uint8_t *)(uintptr_t)gpa = 1;
}

/* Until the deadline: sleep, or spin counting (mode=spin). */
static uint64_t wait_until(uint64_t deadline, bool spin)
{
	uint64_t iterations = 0;

	while (pt_time_ns() < deadline &&
	       !pt_atomic_load32(&shutdown_requested)) {
		if (spin)
			iterations++;
		else
			pt_sleep_until(deadline);
	}
	return iterations;
}

int guest_main(const struct pt_start_info *si, unsigned vcpu)
{
	uint64_t interval = cmdline_number(si->cmdline, "interval_ms", 500);
	uint64_t crash_after = cmdline_number(si->cmdline, "crash_after", 0);
	bool spin = cmdline_has(si->cmdline, "mode=spin");
	uint64_t next;

	pt_guest_init();
	if (vcpu != 0)
		return 0;
	pt_event_register(PT_EVENT_SHUTDOWN_REQUEST, on_shutdown_request, NULL);
	/* Upcalls are virtual interrupts: with IF clear the request would
	 * stay pending in the VPAP and the handler would never run. */
	pt_irq_enable();
	pt_printf("ticker %s: every %lu ms%s\n", si->name,
		  (unsigned long)interval, spin ? ", spinning" : "");
	next = pt_time_ns();
	for (uint64_t tick = 1; !pt_atomic_load32(&shutdown_requested);
	     tick++) {
		uint64_t spun;

		next += interval * 1000000ull;
		spun = wait_until(next, spin);
		if (pt_atomic_load32(&shutdown_requested))
			break;
		if (spin)
			pt_printf("tick %lu spun %lu\n", (unsigned long)tick,
				  (unsigned long)spun);
		else
			pt_printf("tick %lu\n", (unsigned long)tick);
		if (crash_after && tick == crash_after) {
			pt_printf("crashing on purpose after tick %lu\n",
				  (unsigned long)tick);
			crash_now(si);
		}
	}
	pt_printf("ticker %s: shutdown requested, goodbye\n", si->name);
	return 0;
}
