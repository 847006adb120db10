// SPDX-License-Identifier: MIT
/*
 * CLI and STI for host tests. In user mode both raise #GP, which Linux
 * delivers as SIGSEGV; the handler steps over the one-byte instruction
 * and keeps a virtual interrupt flag. This keeps vdev.c's inline
 * assembly (pt_irq_save, its "sti; nop; cli" window) unchanged under
 * test. POPFQ does not fault in user mode: it leaves IF alone.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <ucontext.h>

#include "fake-vdev.h"

#define OP_CLI 0xFAu
#define OP_STI 0xFBu

unsigned fake_sti_count;
static struct sigaction old_segv;
static int installed;

static void on_segv(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	const uint8_t *ip = (const uint8_t *)uc->uc_mcontext.gregs[REG_RIP];

	(void)sig;
	(void)si;
	if (*ip != OP_CLI && *ip != OP_STI) {
		/* A real fault: give it back to whoever had it (ASan). */
		sigaction(SIGSEGV, &old_segv, NULL);
		return;
	}
	uc->uc_mcontext.gregs[REG_RIP] += 1;
	if (*ip == OP_STI) {
		fake_sti_count++;
		/* An upcall waiting for IF is taken now, as on the CPU. */
		fake_evtchn_upcall();
	}
}

void fake_irq_install(void)
{
	struct sigaction sa = { 0 };

	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	if (!installed && sigaction(SIGSEGV, &sa, &old_segv) == 0)
		installed = 1;
	fake_sti_count = 0;
}

void fake_irq_remove(void)
{
	if (installed)
		sigaction(SIGSEGV, &old_segv, NULL);
	installed = 0;
}
