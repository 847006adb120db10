// SPDX-License-Identifier: GPL-2.0-only
/* Disk images as check sees them: type, size, permissions, one file twice. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"

#define NOBODY 65534

static char dir[64];

/* A folder anyone may read, with the corpus's tiny kernel beside it. */
static void make_dir(void)
{
	char kernel[128];

	snprintf(dir, sizeof(dir), "/tmp/partita-disks.XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	cr_assert_eq(chmod(dir, 0755), 0);
	snprintf(kernel, sizeof(kernel), "%s/tiny.elf", dir);
	cr_assert_eq(symlink(CONFIG_CORPUS_DIR "/kernels/tiny.elf", kernel), 0);
}

static void remove_dir(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	cr_expect_eq(system(cmd), 0);
}

TestSuite(disks, .init = make_dir, .fini = remove_dir);

/* dir/name of `size` bytes with `mode`, the checking user's. */
static void make_image(const char *name, off_t size, mode_t mode)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	cr_assert_geq(fd, 0);
	cr_assert_eq(ftruncate(fd, size), 0);
	close(fd);
	cr_assert_eq(chmod(path, mode), 0);
	if (geteuid() == 0)
		cr_assert_eq(chown(path, NOBODY, NOBODY), 0);
}

/* dir/name.yaml with `devices` as its devices block; returns its path. */
static char *make_config(const char *name, const char *devices)
{
	char *path;
	FILE *f;

	cr_assert(asprintf(&path, "%s/%s.yaml", dir, name) > 0);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fprintf(f, "name: %s\nmemory: 4M\nkernel: tiny.elf\ndevices:\n%s", name,
		devices);
	fclose(f);
	cr_assert_eq(chmod(path, 0644), 0);
	return path;
}

/*
 * partita_config_check's line for path, run as `nobody` when this test
 * runs as root: root opens any file, whatever its mode says.
 */
static char *check_as_user(const char *path, int *ret)
{
	char buf[CONFIG_ERROR_MAX + 64] = "";
	int fds[2], status;
	ssize_t n, len = 0;
	pid_t pid;

	cr_assert_eq(pipe(fds), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		FILE *out = fdopen(fds[1], "w");

		close(fds[0]);
		if (geteuid() == 0 &&
		    (setgroups(0, NULL) || setgid(NOBODY) || setuid(NOBODY)))
			_exit(99);
		_exit(partita_config_check(path, out) | (fclose(out) ? 98 : 0));
	}
	close(fds[1]);
	while ((n = read(fds[0], buf + len, sizeof(buf) - 1 - (size_t)len)) > 0)
		len += n;
	close(fds[0]);
	waitpid(pid, &status, 0);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) < 2,
		  "the check's child ended with %d", status);
	*ret = WEXITSTATUS(status);
	buf[len && buf[len - 1] == '\n' ? len - 1 : len] = '\0';
	return strdup(buf);
}

/* The check of path says want (after "PATH" when it fails); %D: dir. */
static void expect_check(const char *path, int want_ret, const char *want)
{
	char full[CONFIG_ERROR_MAX + 256], *got;
	size_t n = 0;
	int ret;

	if (want_ret)
		n = (size_t)snprintf(full, sizeof(full), "%s", path);
	for (const char *p = want; *p && n < sizeof(full) - 1; p++) {
		if (p[0] == '%' && p[1] == 'D') {
			n += (size_t)snprintf(full + n, sizeof(full) - n, "%s",
					      dir);
			p++;
		} else {
			full[n++] = *p;
		}
	}
	full[n] = '\0';
	got = check_as_user(path, &ret);
	cr_expect_eq(ret, want_ret, "%s", got);
	cr_expect_str_eq(got, full);
	free(got);
}

Test(disks, unreadable_image)
{
	char *path;

	make_image("secret.img", 4096, 0000);
	path = make_config("unreadable",
			   "  - disk: {path: secret.img, readonly: true}\n");
	expect_check(path, 1,
		     ":5:18: found disk path '%D/secret.img' (not readable: "
		     "Permission denied), expected an image this user can "
		     "read");
	free(path);
}

Test(disks, read_only_image_needs_readonly)
{
	char *path;

	make_image("ro.img", 4096, 0444);
	path = make_config("rw-wanted", "  - console: {}\n"
					"  - disk:\n"
					"      cache: none\n"
					"      path: ro.img\n");
	expect_check(path, 1,
		     ":8:13: found disk path '%D/ro.img' (not writable: "
		     "Permission denied), expected an image this user can "
		     "read and write, or 'readonly: true'");
	free(path);
	path = make_config("ro-given", "  - disk:\n"
				       "      readonly: true\n"
				       "      path: ro.img\n");
	expect_check(path, 0,
		     "OK: ro-given: 4 MiB, 1 vCPU(s), kernel %D/tiny.elf "
		     "(8192 bytes, entry 0x100010)");
	free(path);
}

Test(disks, a_fifo_is_not_opened)
{
	char fifo[128], *path;

	snprintf(fifo, sizeof(fifo), "%s/pipe", dir);
	cr_assert_eq(mkfifo(fifo, 0666), 0);
	path = make_config("fifo", "  - disk: {path: pipe}\n");
	/* Opening it would block the check for ever: the timeout says so. */
	expect_check(path, 1,
		     ":5:18: found disk path '%D/pipe' (a FIFO), expected a "
		     "disk image: a regular file or block device");
	free(path);
}

Test(disks, a_socket_is_not_a_disk)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	char *path;

	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s/sock", dir);
	cr_assert_eq(bind(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
	path = make_config("sock", "  - disk: {path: sock}\n");
	expect_check(path, 1,
		     ":5:18: found disk path '%D/sock' (a socket), expected a "
		     "disk image: a regular file or block device");
	close(fd);
	free(path);
}

/* One sector is the least a disk can have; a byte less is refused. */
Test(disks, smallest_image)
{
	char *path;

	make_image("sector.img", 512, 0644);
	make_image("short.img", 511, 0644);
	path = make_config("sector", "  - disk: {path: sector.img}\n");
	expect_check(path, 0,
		     "OK: sector: 4 MiB, 1 vCPU(s), kernel %D/tiny.elf "
		     "(8192 bytes, entry 0x100010)");
	free(path);
	path = make_config("short", "  - disk: {path: short.img}\n");
	expect_check(path, 1,
		     ":5:18: found disk path '%D/short.img' (511 bytes, less "
		     "than one 512-byte sector), expected a disk image: a "
		     "regular file or block device");
	free(path);
}

/* A symlink to an image another disk has is the same image. */
Test(disks, the_same_file_by_a_symlink)
{
	char target[128], link[128], *path;

	make_image("a.img", 4096, 0644);
	snprintf(target, sizeof(target), "%s/a.img", dir);
	snprintf(link, sizeof(link), "%s/alias.img", dir);
	cr_assert_eq(symlink(target, link), 0);
	path = make_config("aliased", "  - disk: {path: a.img}\n"
				      "  - disk: {path: alias.img, readonly: "
				      "true}\n");
	expect_check(path, 1,
		     ":6:18: found disk path '%D/alias.img', the same file as "
		     "the disk path at line 5, expected each disk image in "
		     "one device only");
	free(path);
}

/* What create writes as params: absolute, symlinks and .. resolved. */
Test(disks, absolute_path_for_the_store)
{
	struct config cfg;
	struct config_image img;
	struct config_error err;
	char sub[128], link[128], want[PATH_MAX], *path, *real;

	snprintf(sub, sizeof(sub), "%s/images", dir);
	cr_assert_eq(mkdir(sub, 0755), 0);
	make_image("images/b.img", 8192, 0644);
	snprintf(link, sizeof(link), "%s/b-link.img", dir);
	cr_assert_eq(symlink("images/../images/b.img", link), 0);
	path = make_config("resolved", "  - net: {}\n"
				       "  - disk: {path: b-link.img}\n"
				       "  - disk: {path: ./images/../tiny.elf, "
				       "readonly: true, cache: none}\n");
	cr_assert_eq(config_open(path, &cfg, &img, &err), 0, "%s", err.text);
	config_image_close(&img);
	real = realpath(dir, NULL);
	snprintf(want, sizeof(want), "%s/images/b.img", real);
	cr_expect_str_eq(cfg.devices[1].disk.abs_path, want);
	/* The path as written stays, against the config's folder. */
	cr_expect_str_eq(cfg.devices[1].disk.path, link);
	cr_expect_eq(cfg.devices[1].disk.readonly, 0);
	cr_expect_eq(cfg.devices[1].disk.cache, CONFIG_CACHE_WRITEBACK);
	/* The kernel's own file: a regular file of at least a sector. */
	snprintf(want, sizeof(want), "%s",
		 CONFIG_CORPUS_DIR "/kernels/tiny.elf");
	free(real);
	real = realpath(want, NULL);
	cr_expect_str_eq(cfg.devices[2].disk.abs_path, real);
	cr_expect_eq(cfg.devices[2].disk.readonly, 1);
	cr_expect_eq(cfg.devices[2].disk.cache, CONFIG_CACHE_NONE);
	free(real);
	free(path);
}

/* The same checks, for block-attach: one phrase, no position. */
Test(disks, file_problem_phrases)
{
	char why[160], path[128];
	struct stat st;

	make_image("ok.img", 1024, 0644);
	snprintf(path, sizeof(path), "%s/ok.img", dir);
	cr_expect_eq(config_disk_file_problem(path, 0, why, sizeof(why), &st),
		     0);
	cr_expect_eq(st.st_size, 1024);
	snprintf(path, sizeof(path), "%s/none.img", dir);
	cr_expect_eq(config_disk_file_problem(path, 1, why, sizeof(why), NULL),
		     -ENOENT);
	cr_expect_str_eq(why, "No such file or directory");
	cr_expect_eq(config_disk_file_problem(dir, 1, why, sizeof(why), NULL),
		     -EISDIR);
	cr_expect_str_eq(why, "a directory");
	cr_expect_eq(config_disk_file_problem("/dev/null", 1, why, sizeof(why),
					      NULL),
		     -EINVAL);
	cr_expect_str_eq(why, "a character device");
}

/* A block device needs no size check here: the back-end asks the kernel. */
Test(disks, a_block_device_is_a_disk)
{
	static const char *const candidates[] = { "/dev/loop0", "/dev/vda",
						  "/dev/sda", "/dev/nvme0n1" };
	char why[160];
	struct stat st;

	for (size_t i = 0; i < sizeof(candidates) / sizeof(candidates[0]);
	     i++) {
		if (stat(candidates[i], &st) || !S_ISBLK(st.st_mode))
			continue;
		if (access(candidates[i], R_OK))
			continue;
		cr_expect_eq(config_disk_file_problem(candidates[i], 1, why,
						      sizeof(why), NULL),
			     0, "%s: %s", candidates[i], why);
		return;
	}
	cr_skip_test("no readable block device on this host");
}
