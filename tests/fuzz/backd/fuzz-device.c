// SPDX-License-Identifier: GPL-2.0-only
/* libFuzzer harness: a hostile front-end's keys, states and ring writes against a whole backd console device. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backd.h"

#include "backd-fake.h"

/*
 * The unit tests' in-memory store, grants and ports (backd-fake.h, its
 * Criterion assertions turned into aborts) with one console device of
 * guest 5. The input is a list of what the guest can do: write one of
 * its front-end keys, set its state, notify, scribble on granted frames,
 * revoke a grant, vanish. After every step the device must hold mappings
 * and a port exactly while it is attached, and after shutdown nothing.
 */
#define DOM 5
#define FE "/local/domain/5/device/console/0"
#define BE "/local/domain/0/backend/console/5/0"
#define VALUE_MAX 48

#define check(cond)                                                           \
	do {                                                                  \
		if (!(cond)) {                                                \
			fprintf(stderr, "fuzz-device: %s:%d: %s\n", __FILE__, \
				__LINE__, #cond);                             \
			abort();                                              \
		}                                                             \
	} while (0)

/* The front-end keys backd reads (docs/split-drivers.md), and one it ignores. */
static const char *const keys[] = {
	"event-channel",
	"driver-features",
	"num-queues",
	"queue-0-size",
	"queue-0-ring-refs",
	"queue-1-size",
	"queue-1-ring-refs",
	"pool-pages",
	"pool-refs",
	"pool-refs-1",
	"state",
	"other",
};
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

static struct backd d;
static FILE *devnull;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fk.frames = aligned_alloc(4096, (size_t)FAKE_FRAMES * 4096u);
	/* FUZZ_VERBOSE=1: backd's log on stderr, to check seeds. */
	devnull = getenv("FUZZ_VERBOSE") ? stderr : fopen("/dev/null", "w");
	return fk.frames && devnull ? 0 : -1;
}

static void put(const char *path, const char *value)
{
	f_write(NULL, path, value);
}

/* A well-behaved front-end's keys: the seeds start from these. */
static void toolstack_creates(void)
{
	put(BE "/state", "1");
	put(BE "/frontend", FE);
	put(BE "/frontend-id", "5");
	put(FE "/state", "1");
	put(FE "/backend", BE);
}

/* Holds a device resources exactly while it is attached? */
static void check_holdings(void)
{
	struct backd_dev *dev = backd_dev_find(&d, "console", DOM, 0);

	check(fk.maps >= 0 && fk.binds >= 0);
	if (!dev || !dev->attached) {
		check(fk.maps == 0 && fk.binds == 0);
		return;
	}
	/* Two rings and at least one pool chunk, one port. */
	check(fk.maps >= 3 && fk.binds == 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t at = 0;
	unsigned int steps = 0;

	memset(fk.path, 0, sizeof(fk.path));
	memset(fk.value, 0, sizeof(fk.value));
	fk.watches = fk.maps = fk.binds = fk.notifies = 0;
	memset(fk.revoked, 0, sizeof(fk.revoked));
	memset(fk.frames, 0, (size_t)FAKE_FRAMES * 4096u);
	fk.unbound_port = 17;
	fk.next_port = 40;
	backd_init(&d, &fake_ops, devnull);
	check(backd_start(&d) == 0);
	toolstack_creates();
	backd_scan(&d);

	while (at < size && steps++ < 64) {
		uint8_t op = data[at++];
		char path[128], value[VALUE_MAX + 1];
		size_t n = 0;

		switch (op % 8) {
		case 0: /* write a key: a NUL-ended value follows */
		case 1:
			if (at >= size)
				break;
			{
				const char *key = keys[data[at++] % NKEYS];

				while (at < size && data[at] && n < VALUE_MAX)
					value[n++] = (char)data[at++];
				at++;
				value[n] = 0;
				snprintf(path, sizeof(path), FE "/%s", key);
				put(path, value);
				/* Only the state key wakes backd (coalesced). */
				if (op % 8 == 1 || !strcmp(key, "state"))
					backd_watch_event(&d, path, "frontend");
			}
			break;
		case 2: /* a state by number */
			if (at >= size)
				break;
			snprintf(value, sizeof(value), "%d", data[at++] % 8);
			put(FE "/state", value);
			backd_watch_event(&d, FE "/state", "frontend");
			break;
		case 3: /* notify the back-end */
			backd_port_fired(&d, 40u + (op >> 3) % 2u);
			break;
		case 4: /* a byte on a granted frame: frame, offset (2), value */
			if (at + 4 > size) {
				at = size;
				break;
			}
			fk.frames[(size_t)(data[at] % 16u) * 4096u +
				  (((size_t)data[at + 1] | (size_t)data[at + 2]
								   << 8) &
				   4095u)] = data[at + 3];
			at += 4;
			break;
		case 5: /* revoke a grant */
			if (at < size)
				fk.revoked[data[at++] % FAKE_FRAMES] = 1;
			break;
		case 6: /* the guest's directory vanishes */
			f_rm(NULL, FE);
			backd_watch_event(&d, FE "/state", "frontend");
			break;
		case 7: /* the loop's periodic round */
			(void)backd_service(&d);
			break;
		}
		check_holdings();
	}
	if (devnull == stderr) {
		struct backd_dev *dev = backd_dev_find(&d, "console", DOM, 0);

		if (dev)
			fprintf(stderr, "attached %d, output %llu bytes\n",
				dev->attached,
				(unsigned long long)dev->con.bytes_out);
	}
	backd_shutdown(&d);
	check(fk.maps == 0 && fk.binds == 0 && fk.watches == 0);
	for (int i = 0; i < FAKE_KEYS; i++) {
		free(fk.path[i]);
		free(fk.value[i]);
		fk.path[i] = fk.value[i] = NULL;
	}
	return 0;
}
