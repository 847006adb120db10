// SPDX-License-Identifier: GPL-2.0-only
/* partita console --debug's follow loop over a scripted guest: its last lines. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include <partita/root.h>

#include "capture.h"
#include "console-follow.h"

/* A guest as the hypervisor shows it, changed by a script at each wait. */
struct fake_guest {
	char name[32];
	char text[1024]; /* all it wrote; the ring loses nothing here */
	size_t len;
	uint32_t state;
	uint32_t on_crash;
	uint64_t created_ns;
	char detail[96];
	uint32_t chunk_max; /* bytes per read, to take several reads */
	/* The script: what happens before the n-th wait returns. */
	void (*step)(struct fake_guest *g, int n, uint64_t *events);
	int waits;
	long long now_ms;
};

static void guest_write(struct fake_guest *g, const char *s)
{
	size_t n = strlen(s);

	cr_assert_lt(g->len + n, sizeof(g->text));
	memcpy(g->text + g->len, s, n);
	g->len += n;
}

static void guest_end(struct fake_guest *g, uint32_t state, const char *why)
{
	g->state = state;
	strcpy(g->detail, why);
}

static int fake_read(void *ctx, uint64_t from, struct root_log_chunk *c)
{
	struct fake_guest *g = ctx;
	uint64_t n = from < g->len ? g->len - from : 0;

	if (n > g->chunk_max)
		n = g->chunk_max;
	memset(c, 0, sizeof(*c));
	c->from_seq = from;
	c->next_seq = from + n;
	c->length = (uint32_t)n;
	memcpy(c->text, g->text + from, n);
	return 0;
}

static int fake_look(void *ctx, struct pt_partition_info *info)
{
	struct fake_guest *g = ctx;

	memset(info, 0, sizeof(*info));
	strcpy(info->entry.name, g->name);
	info->entry.state = g->state;
	info->on_crash = g->on_crash;
	info->created_ns = g->created_ns;
	strcpy(info->exit_detail, g->detail);
	return 0;
}

static int fake_wait(void *ctx, int timeout_ms, uint64_t *events)
{
	struct fake_guest *g = ctx;

	*events = 0;
	g->waits++;
	cr_assert_lt(g->waits, 100, "the follower never stops");
	if (g->step)
		g->step(g, g->waits, events);
	if (!*events) {
		g->now_ms += timeout_ms;
		return -ETIMEDOUT;
	}
	g->now_ms += 1;
	return 0;
}

static long long fake_now(void *ctx)
{
	return ((struct fake_guest *)ctx)->now_ms;
}

#define CONSOLE_EV (1ull << PT_ROOT_EVENT_CONSOLE)
#define PARTITION_EV (1ull << PT_ROOT_EVENT_PARTITION)

static struct fake_guest guest;
static volatile sig_atomic_t stop;
static char why[160];

static void guest_init(void (*step)(struct fake_guest *, int, uint64_t *))
{
	memset(&guest, 0, sizeof(guest));
	strcpy(guest.name, "hello");
	guest.state = PT_PARTITION_STATE_RUNNING;
	guest.created_ns = 1000;
	guest.chunk_max = 5;
	guest.step = step;
	guest_write(&guest, "hello from hello\ntick 1\n");
}

/* Follows the guest; returns the status, *out and *err what it printed. */
static int follow(int timeout_ms, char **out, char **err)
{
	const struct console_source src = { fake_read, fake_look, fake_wait,
					    fake_now, &guest };
	struct capture co, ce;
	struct console_follow f = {
		.src = &src,
		.name = "hello",
		.out = capture_begin(&co),
		.err = capture_begin(&ce),
		.why = why,
		.why_size = sizeof(why),
		.stop = &stop,
	};
	int rc;

	cr_assert_eq(console_follow_init(&f), 0);
	rc = console_follow_run(&f, timeout_ms);
	console_follow_free(&f);
	*out = capture_end(&co);
	*err = capture_end(&ce);
	return rc;
}

/*
 * The race of the bug: tick 4 is read, then the guest writes its last
 * lines, shuts down and is torn down before the follower reads again. The
 * follower must print them, then how the guest ended.
 */
static void last_lines_then_gone(struct fake_guest *g, int n, uint64_t *ev)
{
	if (n == 1) {
		guest_write(g, "tick 2\ntick 3\ntick 4\n");
		*ev = CONSOLE_EV;
	} else if (n == 2) {
		guest_write(g, "tick 5\ngoodbye from hello\n");
		guest_end(g, PT_PARTITION_STATE_GONE, "poweroff");
		*ev = CONSOLE_EV | PARTITION_EV;
	}
}

Test(console_follow, last_lines_of_a_guest_gone_between_two_reads)
{
	char *out, *err;

	guest_init(last_lines_then_gone);
	cr_assert_eq(follow(20000, &out, &err), 0);
	cr_expect_str_eq(out, "hello from hello\ntick 1\ntick 2\ntick 3\n"
			      "tick 4\ntick 5\ngoodbye from hello\n");
	cr_expect_str_eq(err, "partita: hello has ended (poweroff) and is "
			      "gone\n");
	free(out);
	free(err);
}

/* The wake-up was lost: the look once a second still finds it gone. */
static void gone_without_event(struct fake_guest *g, int n, uint64_t *ev)
{
	if (n == 1) {
		guest_write(g, "goodbye from hello\n");
		guest_end(g, PT_PARTITION_STATE_GONE, "poweroff");
	}
}

Test(console_follow, gone_without_a_wake_up)
{
	char *out, *err;

	guest_init(gone_without_event);
	cr_assert_eq(follow(-1, &out, &err), 0);
	cr_expect_str_eq(out, "hello from hello\ntick 1\ngoodbye from hello\n");
	cr_expect_str_eq(err, "partita: hello has ended (poweroff) and is "
			      "gone\n");
	free(out);
	free(err);
}

/*
 * Ending is not the end of its text: a line still comes while its vCPUs
 * go (another vCPU's, or an unfinished last line), so the follower goes on
 * until the partition is gone.
 */
static void ending_then_more(struct fake_guest *g, int n, uint64_t *ev)
{
	if (n == 1) {
		guest_write(g, "goodbye from hello\n");
		guest_end(g, PT_PARTITION_STATE_SHUTDOWN, "poweroff");
		*ev = PARTITION_EV;
	} else if (n == 2) {
		guest_write(g, "vcpu 1: late line\n");
		*ev = CONSOLE_EV;
	} else if (n == 3) {
		guest_end(g, PT_PARTITION_STATE_GONE, "poweroff");
		*ev = PARTITION_EV;
	}
}

Test(console_follow, follows_an_ending_guest_until_it_is_gone)
{
	char *out, *err;

	guest_init(ending_then_more);
	cr_assert_eq(follow(20000, &out, &err), 0);
	cr_expect_str_eq(out, "hello from hello\ntick 1\ngoodbye from hello\n"
			      "vcpu 1: late line\n");
	cr_expect_str_eq(err, "partita: hello has ended (poweroff) and is "
			      "gone\n");
	cr_expect_eq(guest.waits, 3);
	free(out);
	free(err);
}

/* Kept after a crash: its ring is final, nothing waits for it to go. */
static void crash_kept(struct fake_guest *g, int n, uint64_t *ev)
{
	if (n == 1) {
		guest_write(g, "crashing on purpose after tick 1\n");
		guest_end(g, PT_PARTITION_STATE_CRASHED, "triple fault");
		*ev = PARTITION_EV;
	}
}

Test(console_follow, crash_kept_for_inspection_ends_the_follow)
{
	char *out, *err;

	guest_init(crash_kept);
	guest.on_crash = PT_ON_CRASH_PRESERVE;
	cr_assert_eq(follow(20000, &out, &err), 0);
	cr_expect_str_eq(out, "hello from hello\ntick 1\ncrashing on purpose "
			      "after tick 1\n");
	cr_expect_str_eq(err, "partita: hello has ended (crashed: triple "
			      "fault)\n");
	cr_expect_eq(guest.waits, 1);
	free(out);
	free(err);
}

/* A crash that destroys it: followed, like a shutdown, until it is gone. */
static void crash_destroyed(struct fake_guest *g, int n, uint64_t *ev)
{
	if (n == 1) {
		guest_end(g, PT_PARTITION_STATE_CRASHED, "triple fault");
		*ev = PARTITION_EV;
	} else if (n == 2) {
		guest_end(g, PT_PARTITION_STATE_GONE, "triple fault");
		*ev = PARTITION_EV;
	}
}

Test(console_follow, crash_without_preserve_is_followed_until_gone)
{
	char *out, *err;

	guest_init(crash_destroyed);
	cr_assert_eq(follow(20000, &out, &err), 0);
	cr_expect_str_eq(err, "partita: hello has ended (triple fault) and is "
			      "gone\n");
	cr_expect_eq(guest.waits, 2);
	free(out);
	free(err);
}

/* The slot holds another partition: its text is not printed as ours. */
static void slot_reused(struct fake_guest *g, int n, uint64_t *ev)
{
	if (n == 1) {
		strcpy(g->name, "other");
		g->created_ns = 2000;
		g->len = 0;
		guest_write(g, "other's secret line\n");
		*ev = PARTITION_EV;
	}
}

Test(console_follow, reused_slot_is_not_read)
{
	char *out, *err;

	guest_init(slot_reused);
	cr_assert_eq(follow(20000, &out, &err), 0);
	cr_expect_str_eq(out, "hello from hello\ntick 1\n");
	cr_expect_str_eq(err, "partita: hello is gone\n");
	free(out);
	free(err);
}

/* A partition of the same name in the slot again is another one. */
static void same_name_again(struct fake_guest *g, int n, uint64_t *ev)
{
	if (n == 1) {
		g->created_ns = 3000;
		g->len = 0;
		guest_write(g, "hello from the new hello\n");
		*ev = PARTITION_EV;
	}
}

Test(console_follow, same_name_recreated_is_another_partition)
{
	char *out, *err;

	guest_init(same_name_again);
	cr_assert_eq(follow(20000, &out, &err), 0);
	cr_expect_str_eq(out, "hello from hello\ntick 1\n");
	cr_expect_str_eq(err, "partita: hello is gone\n");
	free(out);
	free(err);
}

/* --timeout: a guest that runs on is followed for that long, no more. */
Test(console_follow, timeout_leaves_a_running_guest)
{
	char *out, *err;

	guest_init(NULL);
	cr_assert_eq(follow(3000, &out, &err), 0);
	cr_expect_str_eq(out, "hello from hello\ntick 1\n");
	cr_expect_str_eq(err, "");
	cr_expect_eq(guest.now_ms, 3000);
	free(out);
	free(err);
}
