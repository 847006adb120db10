// SPDX-License-Identifier: GPL-2.0-only
/* Hot attach and detach through a real partita-stored: keys, numbers, waits. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store-client.h"
#include "toolstack-attach.h"
#include "toolstack-store.h"

#include "store-fixture.h"

#define FE(id, n) "/local/domain/" #id "/device/block/" #n
#define BE(id, n) "/local/domain/0/backend/block/" #id "/" #n

TestSuite(attach, .init = start_store, .fini = stop_store);
TestSuite(detach, .init = start_store, .fini = stop_store);

static const struct ts_device console0[] = { { "console", 0, NULL, 0 } };

/* A running guest as create leaves it: home and a console. */
static void home(uint32_t id, const char *name)
{
	struct ts_guest g = { .id = id,
			      .name = name,
			      .memory_bytes = 4u << 20,
			      .vcpus = 1,
			      .devices = console0,
			      .device_count = 1 };
	char err[TS_ERROR_MAX] = "";

	cr_assert_eq(ts_write_home(c, &g, err, sizeof(err)), 0, "%s", err);
}

static unsigned int attach(uint32_t id, const char *params, int readonly)
{
	struct ts_disk disk = { params, readonly, "writeback" };
	struct ts_disk_user user = { 0 };
	unsigned int n = 99;
	int err = ts_attach_disk(c, id, &disk, &n, &user);

	cr_assert_eq(err, 0, "attach %s: %s", params, strerror(-err));
	return n;
}

Test(attach, writes_both_directories_initialising)
{
	struct ts_disk disk = { "/srv/images/web.img", 0, "none" };
	struct ts_disk_user user = { 0 };
	unsigned int n = 99;

	home(7, "web");
	cr_assert_eq(ts_attach_disk(c, 7, &disk, &n, &user), 0);
	cr_expect_eq(n, 0);
	expect_value(FE(7, 0) "/state", "1");
	expect_value(FE(7, 0) "/backend", BE(7, 0));
	expect_value(FE(7, 0) "/backend-id", "0");
	expect_value(BE(7, 0) "/state", "1");
	expect_value(BE(7, 0) "/frontend", FE(7, 0));
	expect_value(BE(7, 0) "/frontend-id", "7");
	expect_value(BE(7, 0) "/params", "/srv/images/web.img");
	expect_value(BE(7, 0) "/mode", "w");
	expect_value(BE(7, 0) "/cache", "none");
	expect_value(BE(7, 0) "/online", "1");
	/* The front-end is the guest's, the back-end the root's. */
	expect_perms("/local/domain/7/device/block", "n0,r7");
	expect_perms(FE(7, 0), "n7,r0");
	expect_perms(FE(7, 0) "/state", "n7,r0");
	expect_perms("/local/domain/0/backend/block/7", "n0,r7");
	expect_perms(BE(7, 0), "n0,r7");
	expect_perms(BE(7, 0) "/params", "n0,r7");
	expect_perms(BE(7, 0) "/online", "n0,r7");
	/* The console is untouched. */
	expect_value("/local/domain/0/backend/console/7/0/state", "1");
}

Test(attach, read_only_is_mode_r)
{
	home(7, "web");
	cr_expect_eq(attach(7, "/srv/a.img", 1), 0);
	expect_value(BE(7, 0) "/mode", "r");
	expect_value(BE(7, 0) "/cache", "writeback");
}

Test(attach, lowest_number_neither_directory_uses)
{
	home(7, "web");
	cr_assert_eq(attach(7, "/srv/0.img", 0), 0);
	cr_assert_eq(attach(7, "/srv/1.img", 0), 1);
	cr_assert_eq(attach(7, "/srv/2.img", 0), 2);
	cr_assert_eq(ts_device_remove(c, 7, "block", 1), 0);
	/* A back-end left without its front-end still holds number 3. */
	put_value(BE(7, 3) "/state", "6");
	/* A front-end without a back-end holds 4. */
	put_value(FE(7, 4) "/state", "1");
	cr_expect_eq(attach(7, "/srv/a.img", 0), 1);
	cr_expect_eq(attach(7, "/srv/b.img", 0), 5);
	/* Names that are not numbers take nothing. */
	put_value("/local/domain/7/device/block/x/state", "1");
	cr_expect_eq(attach(7, "/srv/c.img", 0), 6);
}

Test(attach, no_home_no_disk)
{
	struct ts_disk disk = { "/srv/a.img", 0, "writeback" };
	struct ts_disk_user user = { 0 };
	unsigned int n = 99;

	cr_expect_eq(ts_attach_disk(c, 9, &disk, &n, &user), -ENOENT);
	cr_expect_eq(n, 99);
	expect_missing("/local/domain/9");
	expect_missing("/local/domain/0/backend/block/9");
}

Test(attach, every_number_in_use)
{
	struct ts_disk disk = { "/srv/last.img", 0, "writeback" };
	struct ts_disk_user user = { 0 };
	char params[32];
	unsigned int n;

	home(7, "web");
	for (unsigned int i = 0; i < TS_BLOCK_DEVICES_MAX; i++) {
		snprintf(params, sizeof(params), "/srv/%u.img", i);
		cr_assert_eq(attach(7, params, 0), i);
	}
	cr_expect_eq(ts_attach_disk(c, 7, &disk, &n, &user), -ENOSPC);
	expect_missing(BE(7, 16));
}

Test(attach, the_same_image_twice_in_one_guest)
{
	struct ts_disk disk = { "/srv/a.img", 1, "writeback" };
	struct ts_disk_user user = { 0 };
	unsigned int n = 99;

	home(7, "web");
	attach(7, "/srv/other.img", 0);
	attach(7, "/srv/a.img", 1);
	cr_expect_eq(ts_attach_disk(c, 7, &disk, &n, &user), -EEXIST);
	cr_expect_eq(user.id, 7);
	cr_expect_eq(user.number, 1);
	cr_expect_eq(user.writable, 0);
	expect_missing(BE(7, 2));
}

/* Two writers, or a writer and a reader, would corrupt or confuse. */
Test(attach, another_guests_image)
{
	struct ts_disk rw = { "/srv/shared.img", 0, "writeback" };
	struct ts_disk ro = { "/srv/shared.img", 1, "writeback" };
	struct ts_disk_user user = { 0 };
	unsigned int n = 99;

	home(7, "web");
	home(8, "db");
	home(9, "cache");
	attach(7, "/srv/shared.img", 1);
	/* Readers share. */
	cr_expect_eq(ts_attach_disk(c, 8, &ro, &n, &user), 0);
	/* A writer joins no reader. */
	cr_expect_eq(ts_attach_disk(c, 9, &rw, &n, &user), -EBUSY);
	cr_expect_eq(user.writable, 0);
	cr_expect(user.id == 7 || user.id == 8);
	cr_assert_eq(ts_device_remove(c, 7, "block", 0), 0);
	cr_assert_eq(ts_device_remove(c, 8, "block", 0), 0);
	attach(7, "/srv/shared.img", 0);
	/* Nor a reader a writer. */
	cr_expect_eq(ts_attach_disk(c, 9, &ro, &n, &user), -EBUSY);
	cr_expect_eq(user.id, 7);
	cr_expect_eq(user.number, 0);
	cr_expect_eq(user.writable, 1);
	expect_missing("/local/domain/0/backend/block/9");
	/* What the in-use check reports, without a guest of that id. */
	cr_expect_eq(
		ts_disk_in_use(c, 0, UINT32_MAX, "/srv/shared.img", 1, &user),
		-EBUSY);
	cr_expect_eq(
		ts_disk_in_use(c, 0, UINT32_MAX, "/srv/free.img", 0, &user), 0);
}

Test(detach, request_writes_online_0)
{
	home(7, "web");
	attach(7, "/srv/a.img", 0);
	cr_assert_eq(ts_device_request_close(c, 7, "block", 0), 0);
	expect_value(BE(7, 0) "/online", "0");
	expect_perms(BE(7, 0) "/online", "n0,r7");
	/* Nothing else moves: each side moves its own state. */
	expect_value(BE(7, 0) "/state", "1");
	expect_value(FE(7, 0) "/state", "1");
}

Test(detach, request_without_backend_writes_nothing)
{
	home(7, "web");
	put_value(FE(7, 2) "/state", "4");
	cr_expect_eq(ts_device_request_close(c, 7, "block", 2), -ENOENT);
	expect_missing(BE(7, 2));
}

/* Plays partita-backd closing the device a little later. */
struct closer {
	const char *path;
	const char *states[3];
	int delay_ms;
};

static void *close_later(void *arg)
{
	struct closer *k = arg;
	struct store_client *other = store_client_open(store_sock);

	for (int i = 0; i < 3 && k->states[i]; i++) {
		usleep((useconds_t)k->delay_ms * 1000);
		if (!strcmp(k->states[i], "rm"))
			store_client_rm(other, 0, k->path);
		else
			store_client_write(other, 0, k->path, k->states[i],
					   (uint32_t)strlen(k->states[i]));
	}
	store_client_close(other);
	return NULL;
}

static long long ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

Test(detach, waits_for_closed)
{
	struct closer k = { BE(7, 0) "/state", { "5", "6", NULL }, 100 };
	long long start;
	pthread_t t;
	int state = 0;

	home(7, "web");
	attach(7, "/srv/a.img", 0);
	put_value(BE(7, 0) "/state", "4");
	pthread_create(&t, NULL, close_later, &k);
	start = ms_now();
	cr_expect_eq(ts_device_wait_closed(c, 7, "block", 0, 5000, &state), 0);
	pthread_join(t, NULL);
	cr_expect_eq(state, 6);
	/* Woken by the watch, not by the timeout. */
	cr_expect_lt(ms_now() - start, 2000);
}

Test(detach, a_gone_backend_counts_as_closed)
{
	struct closer k = { BE(7, 0), { "rm", NULL, NULL }, 100 };
	pthread_t t;
	int state = 0;

	home(7, "web");
	attach(7, "/srv/a.img", 0);
	pthread_create(&t, NULL, close_later, &k);
	cr_expect_eq(ts_device_wait_closed(c, 7, "block", 0, 5000, &state), 0);
	pthread_join(t, NULL);
	cr_expect_eq(state, -1);
}

Test(detach, times_out_with_the_last_state)
{
	long long start;
	int state = 0;

	home(7, "web");
	attach(7, "/srv/a.img", 0);
	put_value(BE(7, 0) "/state", "5");
	start = ms_now();
	cr_expect_eq(ts_device_wait_closed(c, 7, "block", 0, 300, &state),
		     -ETIMEDOUT);
	cr_expect_geq(ms_now() - start, 300);
	cr_expect_eq(state, 5);
	/* Closed already: no wait at all. */
	put_value(BE(7, 0) "/state", "6");
	cr_expect_eq(ts_device_wait_closed(c, 7, "block", 0, 0, &state), 0);
	cr_expect_eq(state, 6);
}

Test(detach, remove_takes_both_directories_only)
{
	home(7, "web");
	attach(7, "/srv/a.img", 0);
	attach(7, "/srv/b.img", 0);
	put_value(FE(7, 1) "/event-channel", "5");
	cr_assert_eq(ts_device_remove(c, 7, "block", 1), 0);
	expect_missing(FE(7, 1));
	expect_missing(BE(7, 1));
	expect_value(BE(7, 0) "/params", "/srv/a.img");
	expect_value("/local/domain/0/backend/console/7/0/state", "1");
	/* Gone already: nothing to do, no error. */
	cr_expect_eq(ts_device_remove(c, 7, "block", 1), 0);
}
