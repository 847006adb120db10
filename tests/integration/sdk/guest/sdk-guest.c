// SPDX-License-Identifier: MIT
/*
 * The SDK test guest: built outside the tree against an installed
 * libpartita-guest with pkg-config alone (tests/integration/sdk). It uses
 * what a first guest uses: the one-call set-up, typed hypercalls, the
 * command line and the console, then shuts down cleanly.
 */
#include <partita-guest/guest.h>

static int failures;

static void check(const char *name, int ok)
{
	pt_printf("RESULT %s %s\n", name, ok ? "PASS" : "FAIL");
	if (!ok)
		failures++;
}

/* No C library here: the few string helpers a guest needs are its own. */
static int same_string(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

int guest_main(const struct pt_start_info *si, unsigned vcpu)
{
	uint32_t version = 0, features = 0;
	struct pt_self_info self;
	char word[32];

	pt_guest_init();
	if (vcpu != 0)
		return 0;
	pt_printf("sdk-guest: %s, built out of tree against the installed "
		  "libpartita-guest\n",
		  si->name);
	check("sdk-hypercall-version",
	      pt_call_get_version(&version, &features) == 0 &&
		      version == pt_discovery()->version);
	check("sdk-self-info", pt_call_self_info(&self) == 0 &&
				       self.partition_id == si->partition_id &&
				       same_string(self.name, si->name));
	check("sdk-cmdline", pt_cmdline_str("word", word, sizeof(word)) &&
				     same_string(word, "relocatable"));
	check("sdk-null-call", pt_call_null() == 0);
	pt_printf("RESULT sdk-guest %s interface %u.%u\n",
		  failures ? "FAIL" : "PASS", version >> 16, version & 0xFFFF);
	return failures;
}
