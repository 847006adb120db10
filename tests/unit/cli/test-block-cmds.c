// SPDX-License-Identifier: GPL-2.0-only
/* partita block-attach, block-detach, block-list: output, store, exit codes. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <partita/hypercall.h>

#include "cli.h"
#include "fake-hv.h"
#include "store-fixture.h"
#include "toolstack-store.h"

#define BE "/local/domain/0/backend/block/1/"
#define FE "/local/domain/1/device/block/"

static char dir[64], *img, *img2;

static char *make_image(const char *name, off_t size)
{
	char *path, *real;
	int fd;

	cr_assert(asprintf(&path, "%s/%s", dir, name) > 0);
	fd = open(path, O_CREAT | O_WRONLY, 0644);
	cr_assert_geq(fd, 0);
	cr_assert_eq(ftruncate(fd, size), 0);
	close(fd);
	real = realpath(path, NULL);
	free(path);
	return real;
}

static const struct ts_device console0[] = { { "console", 0, NULL, 0 } };

/* Guest 1 "web" running with a home; /dev/partita is the fake. */
static void setup(void)
{
	struct ts_guest g = { .id = 1,
			      .name = "web",
			      .memory_bytes = 4u << 20,
			      .vcpus = 1,
			      .devices = console0,
			      .device_count = 1 };
	char err[TS_ERROR_MAX] = "";

	start_store();
	snprintf(dir, sizeof(dir), "/tmp/partita-blk.XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	img = make_image("web.img", 1 << 20);
	img2 = make_image("data.img", 1 << 20);
	fake_hv_reset(4096);
	cr_assert_eq(fake_hv_add("web", PT_PARTITION_STATE_RUNNING), 1);
	cr_assert_eq(ts_write_home(c, &g, err, sizeof(err)), 0, "%s", err);
	setenv("PARTITA_DEVICE", "/dev/null", 1);
	setenv("XENSTORED_PATH", store_sock, 1);
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	cr_expect_eq(system(cmd), 0);
	free(img);
	free(img2);
	stop_store();
}

TestSuite(block, .init = setup, .fini = teardown);

struct result {
	int rc;
	char *out, *err;
};

static char *slurp(FILE *f)
{
	long size;
	char *text;

	fflush(f);
	size = ftell(f);
	rewind(f);
	text = calloc(1, (size_t)size + 1);
	cr_assert_eq(fread(text, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	return text;
}

/* Runs a command as main() would, its standard output and error kept. */
static struct result run(int (*cmd)(int, char **), ...)
{
	char *argv[16];
	int argc = 0, saved_out, saved_err;
	FILE *out = tmpfile(), *err = tmpfile();
	struct result r;
	va_list ap;

	va_start(ap, cmd);
	while (argc < 15 && (argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	argv[argc] = NULL;
	fflush(stdout);
	fflush(stderr);
	saved_out = dup(1);
	saved_err = dup(2);
	dup2(fileno(out), 1);
	dup2(fileno(err), 2);
	r.rc = cmd(argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(saved_out, 1);
	dup2(saved_err, 2);
	close(saved_out);
	close(saved_err);
	fseek(out, 0, SEEK_END);
	fseek(err, 0, SEEK_END);
	r.out = slurp(out);
	r.err = slurp(err);
	return r;
}

static void expect_result(struct result r, int rc, const char *out,
			  const char *err)
{
	cr_expect_eq(r.rc, rc, "exit %d, stderr: %s", r.rc, r.err);
	cr_expect_str_eq(r.out, out);
	cr_expect_str_eq(r.err, err);
	free(r.out);
	free(r.err);
}

static char *fmt(const char *f, ...)
{
	char *s;
	va_list ap;

	va_start(ap, f);
	cr_assert(vasprintf(&s, f, ap) > 0);
	va_end(ap);
	return s;
}

Test(block, attach_prints_the_device_and_writes_the_store)
{
	char *want = fmt("Attached %s to web as block/0 (read-write, cache "
			 "writeback)\n",
			 img);

	expect_result(run(cmd_block_attach, "block-attach", "web", img, NULL),
		      0, want, "");
	expect_value(BE "0/params", img);
	expect_value(BE "0/mode", "w");
	expect_value(BE "0/cache", "writeback");
	expect_value(BE "0/online", "1");
	expect_value(BE "0/state", "1");
	expect_value(FE "0/state", "1");
	free(want);
	/* --quiet: the number alone, for scripts; by id as well as name. */
	expect_result(run(cmd_block_attach, "block-attach", "-q", "--readonly",
			  "--cache", "none", "1", img2, NULL),
		      0, "1\n", "");
	expect_value(BE "1/params", img2);
	expect_value(BE "1/mode", "r");
	expect_value(BE "1/cache", "none");
}

Test(block, attach_a_relative_path_writes_it_absolute)
{
	char cwd[PATH_MAX];

	cr_assert_not_null(getcwd(cwd, sizeof(cwd)));
	cr_assert_eq(chdir(dir), 0);
	expect_result(run(cmd_block_attach, "block-attach", "-q", "web",
			  "./sub/../web.img", NULL),
		      1, "",
		      "partita: cannot attach ./sub/../web.img to web: No "
		      "such file or directory\n");
	expect_result(run(cmd_block_attach, "block-attach", "-q", "web",
			  "web.img", NULL),
		      0, "0\n", "");
	cr_assert_eq(chdir(cwd), 0);
	expect_value(BE "0/params", img);
}

Test(block, attach_refuses_what_is_not_a_disk)
{
	char *missing = fmt("%s/none.img", dir), *want, *small;

	want = fmt("partita: cannot attach %s to web: No such file or "
		   "directory\n",
		   missing);
	expect_result(
		run(cmd_block_attach, "block-attach", "web", missing, NULL), 1,
		"", want);
	free(want);
	want = fmt("partita: cannot attach %s to web: it is a directory, "
		   "expected a disk image: a regular file of at least 512 "
		   "bytes or a block device\n",
		   dir);
	expect_result(run(cmd_block_attach, "block-attach", "web", dir, NULL),
		      1, "", want);
	free(want);
	small = make_image("small.img", 100);
	want = fmt("partita: cannot attach %s to web: it is 100 bytes, less "
		   "than one 512-byte sector, expected a disk image: a "
		   "regular file of at least 512 bytes or a block device\n",
		   small);
	expect_result(run(cmd_block_attach, "block-attach", "web", small, NULL),
		      1, "", want);
	expect_missing(BE "0");
	expect_missing("/local/domain/1/device/block");
	free(want);
	free(small);
	free(missing);
}

Test(block, attach_usage_errors_are_status_2)
{
	expect_result(run(cmd_block_attach, "block-attach", "--cache",
			  "directsync", "web", img, NULL),
		      2, "",
		      "partita block-attach: --cache takes writeback or none\n"
		      "Run 'partita help block-attach' for usage.\n");
	expect_result(run(cmd_block_attach, "block-attach", "web", NULL), 2, "",
		      "partita block-attach: an argument is missing\n"
		      "Run 'partita help block-attach' for usage.\n");
}

Test(block, attach_to_what_cannot_take_a_disk)
{
	struct result r;

	expect_result(
		run(cmd_block_attach, "block-attach", "nosuch", img, NULL), 1,
		"",
		"partita: no partition is called 'nosuch': 'partita "
		"list' shows the partitions there are\n");
	r = run(cmd_block_attach, "block-attach", "root", img, NULL);
	cr_expect_eq(r.rc, 1);
	cr_expect(strstr(r.err, "'root' is the root partition"), "%s", r.err);
	free(r.out);
	free(r.err);
	cr_assert_eq(fake_hv_add("gone", PT_PARTITION_STATE_CRASHED), 2);
	expect_result(run(cmd_block_attach, "block-attach", "gone", img, NULL),
		      1, "",
		      "partita: cannot attach a disk to gone: it is crashed, "
		      "and only a running or paused guest has a front-end to "
		      "pick it up\n");
	/* Running, but never given a home: nobody would see the disk. */
	cr_assert_eq(fake_hv_add("boot", PT_PARTITION_STATE_RUNNING), 3);
	expect_result(run(cmd_block_attach, "block-attach", "boot", img, NULL),
		      1, "",
		      "partita: cannot attach a disk to boot: it has no home "
		      "in the store, so no front-end would see it; run "
		      "'partita introduce boot' first\n");
	expect_missing("/local/domain/0/backend/block/3");
}

Test(block, attach_without_a_store_is_status_3)
{
	char *want = fmt("partita: cannot attach a disk to web: no store "
			 "answers at %s/none (No such file or directory); "
			 "start partita-stored first\n",
			 dir);
	char *sock = fmt("%s/none", dir);

	setenv("XENSTORED_PATH", sock, 1);
	expect_result(run(cmd_block_attach, "block-attach", "web", img, NULL),
		      3, "", want);
	free(want);
	free(sock);
}

Test(block, attach_the_same_image_again)
{
	char *want = fmt("partita: web has %s already, as block/0 ('partita "
			 "block-detach web 0' takes it away)\n",
			 img);

	expect_result(
		run(cmd_block_attach, "block-attach", "-q", "web", img, NULL),
		0, "0\n", "");
	expect_result(
		run(cmd_block_attach, "block-attach", "-r", "web", img, NULL),
		1, "", want);
	free(want);
	expect_missing(BE "1");
}

/* Plays partita-backd: sees online = 0, closes, reports Closed. */
static void *backend_closes(void *arg)
{
	struct store_client *b = store_client_open(store_sock);
	int *saw_offline = arg;

	for (int i = 0; i < 500; i++) {
		char *v = NULL;

		if (!store_client_read(b, 0, BE "0/online", &v, NULL) &&
		    !strcmp(v, "0")) {
			free(v);
			*saw_offline = 1;
			store_client_write(b, 0, BE "0/state", "5", 1);
			usleep(20000);
			store_client_write(b, 0, BE "0/state", "6", 1);
			break;
		}
		free(v);
		usleep(10000);
	}
	store_client_close(b);
	return NULL;
}

Test(block, detach_waits_for_closed_then_removes_both)
{
	char *want = fmt("Detached block/0 (%s) from web\n", img);
	int saw_offline = 0;
	pthread_t t;

	expect_result(
		run(cmd_block_attach, "block-attach", "-q", "web", img, NULL),
		0, "0\n", "");
	put_value(BE "0/state", "4");
	put_value(FE "0/state", "4");
	pthread_create(&t, NULL, backend_closes, &saw_offline);
	expect_result(
		run(cmd_block_detach, "block-detach", "web", "block/0", NULL),
		0, want, "");
	pthread_join(t, NULL);
	cr_expect(saw_offline, "the back-end never saw online = 0");
	expect_missing(BE "0");
	expect_missing(FE "0");
	expect_value("/local/domain/0/backend/console/1/0/state", "1");
	free(want);
}

Test(block, detach_that_times_out_removes_nothing)
{
	expect_result(
		run(cmd_block_attach, "block-attach", "-q", "web", img, NULL),
		0, "0\n", "");
	put_value(BE "0/state", "4");
	put_value(FE "0/state", "4");
	expect_result(run(cmd_block_detach, "block-detach", "--timeout", "0.3",
			  "web", "0", NULL),
		      1, "",
		      "partita: block/0 of web did not close within 0.3 s "
		      "(back-end Connected, front-end Connected); is "
		      "partita-backd running? Nothing was removed: 'partita "
		      "block-detach --force web 0' removes it anyway\n");
	expect_value(BE "0/online", "0");
	expect_value(BE "0/params", img);
	expect_value(FE "0/state", "4");
}

Test(block, detach_force_removes_anyway)
{
	expect_result(
		run(cmd_block_attach, "block-attach", "-q", "web", img, NULL),
		0, "0\n", "");
	expect_result(run(cmd_block_detach, "block-detach", "-f", "-t", "0.2",
			  "web", "0", NULL),
		      0,
		      "Removed block/0 from web without its back-end "
		      "closing it\n",
		      "partita: warning: block/0 of web did not close within "
		      "0.2 s (back-end Initialising, front-end Initialising); "
		      "removing it anyway (--force)\n");
	expect_missing(BE "0");
	expect_missing(FE "0");
}

Test(block, detach_of_a_paused_guest_says_why)
{
	fake_hv.parts[1].state = PT_PARTITION_STATE_PAUSED;
	expect_result(
		run(cmd_block_attach, "block-attach", "-q", "web", img, NULL),
		0, "0\n", "");
	expect_result(run(cmd_block_detach, "block-detach", "-t", "0", "web",
			  "0", NULL),
		      1, "",
		      "partita: block/0 of web did not close within 0.0 s "
		      "(back-end Initialising, front-end Initialising); web is "
		      "paused, so its front-end cannot answer until 'partita "
		      "unpause web'; is partita-backd running? Nothing was "
		      "removed: 'partita block-detach --force web 0' removes "
		      "it anyway\n");
}

Test(block, detach_what_is_not_there)
{
	expect_result(run(cmd_block_detach, "block-detach", "web", "3", NULL),
		      1, "",
		      "partita: web has no block/3 ('partita block-list web' "
		      "shows its disks)\n");
	expect_result(
		run(cmd_block_detach, "block-detach", "web", "console/0", NULL),
		2, "",
		"partita block-detach: DEV is a block device number "
		"from 0 to 15, like 1 or block/1\n"
		"Run 'partita help block-detach' for usage.\n");
	expect_result(run(cmd_block_detach, "block-detach", "web", "16", NULL),
		      2, "",
		      "partita block-detach: DEV is a block device number "
		      "from 0 to 15, like 1 or block/1\n"
		      "Run 'partita help block-detach' for usage.\n");
	expect_result(run(cmd_block_detach, "block-detach", "-t", "soon", "web",
			  "1", NULL),
		      2, "",
		      "partita block-detach: --timeout takes seconds, e.g. "
		      "--timeout 10\n"
		      "Run 'partita help block-detach' for usage.\n");
}

/* A front-end left without its back-end: nothing to close, just remove. */
Test(block, detach_without_a_backend)
{
	put_value(FE "2/state", "6");
	expect_result(run(cmd_block_detach, "block-detach", "web", "2", NULL),
		      0, "Detached block/2 from web\n", "");
	expect_missing(FE "2");
}

Test(block, list_text_and_json)
{
	char *want;

	expect_result(run(cmd_block_list, "block-list", "web", NULL), 0,
		      "web has no disks\n", "");
	expect_result(
		run(cmd_block_attach, "block-attach", "-q", "web", img, NULL),
		0, "0\n", "");
	expect_result(run(cmd_block_attach, "block-attach", "-q", "-r", "-c",
			  "none", "web", img2, NULL),
		      0, "1\n", "");
	put_value(BE "0/state", "4");
	put_value(FE "0/state", "4");
	/* data.img is the longer path: it sets the column's width. */
	want = fmt("DEV  %-*s  MODE  CACHE      FRONT-END     BACK-END\n"
		   "0    %-*s  rw    writeback  Connected     Connected\n"
		   "1    %s  ro    none       Initialising  Initialising\n",
		   (int)strlen(img2), "FILE", (int)strlen(img2), img, img2);
	expect_result(run(cmd_block_list, "block-list", "web", NULL), 0, want,
		      "");
	free(want);
	want = fmt("{\n  \"name\": \"web\",\n  \"disks\": [\n    {\n"
		   "      \"number\": 0,\n      \"params\": \"%s\",\n"
		   "      \"mode\": \"w\",\n      \"cache\": \"writeback\",\n"
		   "      \"frontend_state\": \"Connected\",\n"
		   "      \"backend_state\": \"Connected\"\n    },\n    {\n"
		   "      \"number\": 1,\n      \"params\": \"%s\",\n"
		   "      \"mode\": \"r\",\n      \"cache\": \"none\",\n"
		   "      \"frontend_state\": \"Initialising\",\n"
		   "      \"backend_state\": \"Initialising\"\n    }\n  ]\n}\n",
		   img, img2);
	expect_result(run(cmd_block_list, "block-list", "--json", "web", NULL),
		      0, want, "");
	free(want);
}

Test(block, help_and_the_command_table)
{
	struct result r = run(cmd_block_attach, "block-attach", "--help", NULL);

	cr_expect_eq(r.rc, 0);
	cr_expect(strstr(r.out, "usage: partita block-attach [--readonly]"),
		  "%s", r.out);
	free(r.out);
	free(r.err);
	cr_expect_not_null(cli_find_command("block-attach"));
	cr_expect_not_null(cli_find_command("block-detach"));
	cr_expect_not_null(cli_find_command("block-list"));
}
