// SPDX-License-Identifier: GPL-2.0-only
/* The toolstack's store writer and reader against a real partita-stored. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store-client.h"
#include "store-msg.h"
#include "toolstack-devices.h"
#include "toolstack-store.h"

#include "store-fixture.h"

TestSuite(home, .init = start_store, .fini = stop_store);
TestSuite(devices, .init = start_store, .fini = stop_store);

static const struct ts_device console0[] = { { "console", 0, NULL, 0 } };

static void write_shell(uint32_t id)
{
	struct ts_guest g = { .id = id,
			      .name = "shell",
			      .memory_bytes = 4u << 20,
			      .vcpus = 2,
			      .devices = console0,
			      .device_count = 1 };
	char err[TS_ERROR_MAX] = "";

	cr_assert_eq(ts_write_home(c, &g, err, sizeof(err)), 0, "%s", err);
}

Test(home, values_as_the_contract_says)
{
	write_shell(7);
	expect_value("/local/domain/7/name", "shell");
	expect_value("/local/domain/7/domid", "7");
	expect_value("/local/domain/7/memory/target", "4096");
	expect_value("/local/domain/7/vcpus", "2");
	expect_value("/local/domain/7/data", "");
	expect_value("/local/domain/7/device", "");
}

Test(home, permissions_as_the_contract_says)
{
	write_shell(7);
	expect_perms("/local/domain/7", "n0,r7");
	expect_perms("/local/domain/7/name", "n0,r7");
	expect_perms("/local/domain/7/domid", "n0,r7");
	expect_perms("/local/domain/7/memory/target", "n0,r7");
	expect_perms("/local/domain/7/vcpus", "n0,r7");
	expect_perms("/local/domain/7/data", "n7");
	expect_perms("/local/domain/7/device", "n0,r7");
	/* The front-end is the guest's, the back-end the root's. */
	expect_perms("/local/domain/7/device/console/0", "n7,r0");
	expect_perms("/local/domain/7/device/console/0/state", "n7,r0");
	expect_perms("/local/domain/0/backend/console/7/0", "n0,r7");
	expect_perms("/local/domain/0/backend/console/7/0/state", "n0,r7");
}

Test(home, device_directories_start_initialising)
{
	write_shell(7);
	expect_value("/local/domain/7/device/console/0/state", "1");
	expect_value("/local/domain/7/device/console/0/backend",
		     "/local/domain/0/backend/console/7/0");
	expect_value("/local/domain/7/device/console/0/backend-id", "0");
	expect_value("/local/domain/0/backend/console/7/0/state", "1");
	expect_value("/local/domain/0/backend/console/7/0/frontend",
		     "/local/domain/7/device/console/0");
	expect_value("/local/domain/0/backend/console/7/0/frontend-id", "7");
	/* Every device is wanted until a detach writes online = 0. */
	expect_value("/local/domain/0/backend/console/7/0/online", "1");
}

Test(home, no_devices_no_device_directories)
{
	struct ts_guest g = {
		.id = 3, .name = "boot", .memory_bytes = 8u << 20, .vcpus = 1
	};
	char err[TS_ERROR_MAX], *names = NULL;
	uint32_t len = 1;

	cr_assert_eq(ts_write_home(c, &g, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(store_client_directory(c, 0, "/local/domain/3/device",
					    &names, &len),
		     0);
	cr_expect_eq(len, 0, "device/ has children");
	free(names);
	expect_missing("/local/domain/0/backend/console/3");
}

Test(home, what_an_earlier_guest_left_goes)
{
	const char *stale = "/local/domain/7/data/old";
	const char *stale_be = "/local/domain/0/backend/console/7/3/tty";

	cr_assert_eq(store_client_write(c, 0, stale, "x", 1), 0);
	cr_assert_eq(store_client_write(c, 0, stale_be, "/dev/pts/9", 10), 0);
	/* Another guest's back-end stays. */
	cr_assert_eq(store_client_write(c, 0,
					"/local/domain/0/backend/console/8/0/"
					"state",
					"4", 1),
		     0);
	write_shell(7);
	expect_missing(stale);
	expect_missing("/local/domain/0/backend/console/7/3");
	expect_value("/local/domain/0/backend/console/8/0/state", "4");
}

Test(home, remove_takes_home_and_backends)
{
	write_shell(7);
	cr_assert_eq(ts_remove_home(c, 7), 0);
	expect_missing("/local/domain/7");
	expect_missing("/local/domain/0/backend/console/7");
	/* Removing again is fine: nothing left to remove. */
	cr_expect_eq(ts_remove_home(c, 7), 0);
}

Test(home, a_new_guest_is_not_introduced)
{
	int yes = 1;

	write_shell(7);
	cr_assert_eq(ts_is_introduced(c, 7, &yes), 0);
	cr_expect_eq(yes, 0);
	/* The root always is. */
	cr_assert_eq(ts_is_introduced(c, 0, &yes), 0);
	cr_expect_eq(yes, 1);
}

/*
 * What INTRODUCE sends, seen by a one-request server: the real daemon
 * needs /dev/partita to map the guest's ring, which a host has not.
 */
struct fake_server {
	int listen_fd;
	uint8_t req[16 + 64];
	ssize_t len;
};

static void *serve_one(void *arg)
{
	struct fake_server *f = arg;
	uint8_t reply[16 + 3];
	struct pt_store_msg_hdr h;
	int fd = accept(f->listen_fd, NULL, NULL);

	if (fd < 0)
		return NULL;
	f->len = read(fd, f->req, sizeof(f->req));
	if (f->len >= 16) {
		store_hdr_decode(f->req, &h);
		store_hdr_encode(reply, h.type, h.req_id, 0, 3);
		memcpy(reply + 16, "OK", 3);
		if (write(fd, reply, sizeof(reply)) != sizeof(reply))
			f->len = -1;
	}
	close(fd);
	return NULL;
}

Test(home, introduce_sends_id_grant_ref_and_port)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct fake_server f = { 0 };
	struct store_client *fc;
	struct pt_store_msg_hdr h;
	char err[TS_ERROR_MAX] = "";
	pthread_t t;

	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s/fake", store_dir);
	f.listen_fd = socket(AF_UNIX, SOCK_STREAM, 0);
	cr_assert_eq(bind(f.listen_fd, (struct sockaddr *)&addr, sizeof(addr)),
		     0);
	cr_assert_eq(listen(f.listen_fd, 1), 0);
	pthread_create(&t, NULL, serve_one, &f);
	fc = store_client_open(addr.sun_path);
	cr_assert_not_null(fc);
	cr_expect_eq(ts_introduce(fc, 7, err, sizeof(err)), 0, "%s", err);
	pthread_join(t, NULL);
	store_client_close(fc);
	close(f.listen_fd);
	unlink(addr.sun_path);
	cr_assert_eq(f.len, 16 + 6);
	store_hdr_decode(f.req, &h);
	cr_expect_eq(h.type, PT_STORE_OP_INTRODUCE);
	cr_expect_eq(h.len, 6);
	/* domid, PT_STORE_GRANT_REF, PT_STORE_PORT, each NUL-terminated. */
	cr_expect_eq(memcmp(f.req + 16,
			    "7\0"
			    "1\0"
			    "1\0",
			    6),
		     0);
}

/*
 * On the host there is no /dev/partita, so the store cannot map the
 * guest's ring and refuses the introduction (EIO); the toolstack says so
 * in a sentence and nothing is introduced. The real introduction is shown
 * in the root: tests/integration/root/scripts/store-guest.sh.
 */
Test(home, introduce_without_a_hypervisor_is_refused_cleanly)
{
	char err[TS_ERROR_MAX] = "";
	int yes = 1;

	write_shell(7);
	cr_assert_lt(ts_introduce(c, 7, err, sizeof(err)), 0);
	cr_expect(strstr(err, "the store refused to introduce partition 7 "
			      "(grant ref 1, port 1)"),
		  "%s", err);
	cr_assert_eq(ts_is_introduced(c, 7, &yes), 0);
	cr_expect_eq(yes, 0);
}

Test(home, introduce_refusal_is_a_sentence)
{
	char err[TS_ERROR_MAX] = "";

	/* Partition 0 is the root: the store refuses to introduce it. */
	cr_assert_lt(ts_introduce(c, 0, err, sizeof(err)), 0);
	cr_expect(strstr(err, "the store refused to introduce partition 0 "
			      "(grant ref 1, port 1): "),
		  "%s", err);
}

Test(devices, listed_with_states_tty_broken_and_stats)
{
	const char *be = "/local/domain/0/backend/console/7/0";
	struct ts_dev_info *d = NULL;
	unsigned int n = 0;
	char path[128];

	write_shell(7);
	snprintf(path, sizeof(path), "%s/state", be);
	cr_assert_eq(store_client_write(c, 0, path, "4", 1), 0);
	cr_assert_eq(store_client_write(c, 0,
					"/local/domain/7/device/console/0/"
					"state",
					"3", 1),
		     0);
	snprintf(path, sizeof(path), "%s/tty", be);
	cr_assert_eq(store_client_write(c, 0, path, "/dev/pts/3", 10), 0);
	snprintf(path, sizeof(path), "%s/broken", be);
	cr_assert_eq(store_client_write(c, 0, path, "ring index 9 > 8", 16), 0);
	snprintf(path, sizeof(path), "%s/stats/drops", be);
	cr_assert_eq(store_client_write(c, 0, path, "12", 2), 0);
	snprintf(path, sizeof(path), "%s/stats/rx/bytes", be);
	cr_assert_eq(store_client_write(c, 0, path, "345", 3), 0);

	cr_assert_eq(ts_list_devices(c, 7, &d, &n), 0);
	cr_assert_eq(n, 1);
	cr_expect_str_eq(d[0].type, "console");
	cr_expect_eq(d[0].number, 0);
	cr_expect_eq(d[0].frontend_state, 3);
	cr_expect_eq(d[0].backend_state, 4);
	cr_expect_str_eq(d[0].tty, "/dev/pts/3");
	cr_expect_str_eq(d[0].broken, "ring index 9 > 8");
	cr_assert_eq(d[0].stat_count, 2);
	cr_expect_str_eq(d[0].stats[0].key, "drops");
	cr_expect_str_eq(d[0].stats[0].value, "12");
	cr_expect_str_eq(d[0].stats[1].key, "rx/bytes");
	cr_expect_str_eq(d[0].stats[1].value, "345");
	ts_free_devices(d, n);
}

Test(devices, a_backend_without_frontend_still_shows)
{
	struct ts_dev_info *d = NULL;
	unsigned int n = 0;

	cr_assert_eq(store_client_write(c, 0,
					"/local/domain/0/backend/console/4/1/"
					"state",
					"5", 1),
		     0);
	cr_assert_eq(ts_list_devices(c, 4, &d, &n), 0);
	cr_assert_eq(n, 1);
	cr_expect_eq(d[0].number, 1);
	cr_expect_eq(d[0].has_frontend, 0);
	cr_expect_eq(d[0].frontend_state, -1);
	cr_expect_eq(d[0].backend_state, 5);
	ts_free_devices(d, n);
}

Test(devices, none_for_a_guest_without_home)
{
	struct ts_dev_info *d = (void *)1;
	unsigned int n = 9;

	cr_assert_eq(ts_list_devices(c, 42, &d, &n), 0);
	cr_expect_eq(n, 0);
	cr_expect_null(d);
}

Test(devices, console_tty_absent_device)
{
	char *tty = NULL;

	cr_expect_eq(ts_console_tty(c, 9, 0, 100, &tty), -ENODEV);
}

Test(devices, console_tty_times_out_without_backd)
{
	char *tty = NULL;

	write_shell(7);
	cr_expect_eq(ts_console_tty(c, 7, 0, 200, &tty), -ETIMEDOUT);
}

/* Plays partita-backd: publishes the pty a little later. */
static void *publish_later(void *arg)
{
	struct store_client *other = store_client_open(store_sock);

	(void)arg;
	usleep(200000);
	store_client_write(other, 0, "/local/domain/0/backend/console/7/0/tty",
			   "/dev/pts/5", 10);
	store_client_close(other);
	return NULL;
}

Test(devices, console_tty_waits_for_the_backend)
{
	pthread_t t;
	char *tty = NULL;

	write_shell(7);
	pthread_create(&t, NULL, publish_later, NULL);
	cr_assert_eq(ts_console_tty(c, 7, 0, 5000, &tty), 0);
	pthread_join(t, NULL);
	cr_expect_str_eq(tty, "/dev/pts/5");
	free(tty);
}
