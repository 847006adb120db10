// SPDX-License-Identifier: GPL-2.0-only
/*
 * A root process that makes a hypercall itself, as an unprivileged user
 * would: it drops to uid/gid 65534 and executes vmmcall with
 * PARTITION_PAUSE for the partition id given. The hypervisor must refuse a
 * hypercall from CPL 3 with #UD, so this process dies of SIGILL and the
 * partition keeps running. Exits 0 only if the vmmcall returned, which is
 * the failure the test looks for (status 132 = SIGILL is the pass).
 */
#include <partita/hypercall.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	uint64_t rax, rcx, rdx;

	if (argc != 2) {
		fprintf(stderr, "usage: %s PARTITION_ID\n", argv[0]);
		return 2;
	}
	rdx = strtoull(argv[1], NULL, 0);
	if (setgid(65534) || setuid(65534)) {
		perror("dropping to uid 65534");
		return 2;
	}
	printf("user-vmmcall: uid %d pausing partition %llu with vmmcall\n",
	       (int)getuid(), (unsigned long long)rdx);
	fflush(stdout);
	rcx = pt_hc_input(PT_CALL_PARTITION_PAUSE, 1, 0, 0);
	__asm__ volatile("vmmcall"
			 : "=a"(rax), "+c"(rcx), "+d"(rdx)
			 :
			 : "r8", "memory");
	printf("user-vmmcall: the hypercall returned status 0x%04x\n",
	       (unsigned)pt_hc_status(rax));
	return 0;
}
