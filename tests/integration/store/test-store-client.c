// SPDX-License-Identifier: GPL-2.0-only
/* Integration test: libpartita-store and raw sockets against the daemon. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include "store-client.h"
#include "store-msg.h"

static int passed, failed;

#define CHECK(cond, ...)                                              \
	do {                                                          \
		if (cond) {                                           \
			passed++;                                     \
		} else {                                              \
			failed++;                                     \
			fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, \
				__LINE__, #cond);                     \
			fprintf(stderr, __VA_ARGS__);                 \
			fputc('\n', stderr);                          \
		}                                                     \
	} while (0)

static struct store_client *open_client(void)
{
	struct store_client *c = store_client_open(NULL);

	if (!c) {
		perror("store_client_open");
		exit(2);
	}
	return c;
}

static int read_int(struct store_client *c, uint32_t tx, const char *path)
{
	char *v;
	int n, ret = store_client_read(c, tx, path, &v, NULL);

	if (ret)
		return ret;
	n = atoi(v);
	free(v);
	return n;
}

static void test_basics(void)
{
	struct store_client *c = open_client();
	char *v, *names;
	uint32_t len;
	const char *perms[] = { "n0", "r4" };

	CHECK(store_client_write(c, 0, "/cl/a", "1", 1) == 0, "write");
	CHECK(store_client_write(c, 0, "/cl/b", "", 0) == 0, "write empty");
	CHECK(store_client_read(c, 0, "/cl/a", &v, &len) == 0 && len == 1 &&
		      !strcmp(v, "1"),
	      "read");
	free(v);
	CHECK(store_client_directory(c, 0, "/cl", &names, &len) == 0 &&
		      len == 4 && !memcmp(names, "a\0b\0", 4),
	      "directory");
	free(names);
	CHECK(store_client_set_perms(c, 0, "/cl/a", perms, 2) == 0, "chmod");
	CHECK(store_client_get_perms(c, 0, "/cl/a", &v, &len) == 0 &&
		      len == 6 && !memcmp(v, "n0\0r4\0", 6),
	      "get perms");
	free(v);
	CHECK(store_client_read(c, 0, "/cl/none", &v, NULL) == -ENOENT,
	      "missing");
	CHECK(store_client_rm(c, 0, "/cl") == 0, "rm");
	CHECK(store_client_mkdir(c, 0, "bad path") == -EINVAL, "bad path");
	store_client_close(c);
}

static void test_conflicting_transactions(void)
{
	struct store_client *a = open_client(), *b = open_client();
	uint32_t ta, tb;

	store_client_write(a, 0, "/cnt", "0", 1);
	CHECK(store_client_txn_start(a, &ta) == 0, "start a");
	CHECK(store_client_txn_start(b, &tb) == 0, "start b");
	CHECK(ta != tb, "distinct ids");
	CHECK(read_int(a, ta, "/cnt") == 0, "a reads");
	CHECK(read_int(b, tb, "/cnt") == 0, "b reads");
	store_client_write(a, ta, "/cnt", "1", 1);
	store_client_write(b, tb, "/cnt", "1", 1);
	CHECK(store_client_txn_end(a, ta, 1) == 0, "a commits");
	CHECK(store_client_txn_end(b, tb, 1) == -EAGAIN, "b conflicts");
	CHECK(store_client_txn_end(b, tb, 1) == -ENOENT, "b's id is gone");
	CHECK(read_int(b, 0, "/cnt") == 1, "a's value stands");
	store_client_close(a);
	store_client_close(b);
}

/* Many processes increment one counter with retried transactions. */
static void test_counter_stress(void)
{
	enum { PROCS = 6, INCS = 40 };
	struct store_client *c = open_client();
	int i, status, ok = 0, retries_seen = 0;

	store_client_write(c, 0, "/stress", "0", 1);
	for (i = 0; i < PROCS; i++) {
		if (fork() == 0) {
			struct store_client *p = open_client();
			int n, retries = 0;

			for (n = 0; n < INCS; n++) {
				for (;;) {
					char buf[16];
					uint32_t t;
					int v, ret;

					if (store_client_txn_start(p, &t))
						_exit(1);
					v = read_int(p, t, "/stress");
					ret = snprintf(buf, sizeof(buf), "%d",
						       v + 1);
					store_client_write(p, t, "/stress", buf,
							   (uint32_t)ret);
					ret = store_client_txn_end(p, t, 1);
					if (ret == 0)
						break;
					if (ret != -EAGAIN)
						_exit(1);
					retries++;
				}
			}
			store_client_close(p);
			_exit(retries ? 3 : 0);
		}
	}
	for (i = 0; i < PROCS; i++) {
		wait(&status);
		if (WIFEXITED(status) &&
		    (WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == 3))
			ok++;
		if (WIFEXITED(status) && WEXITSTATUS(status) == 3)
			retries_seen = 1;
	}
	CHECK(ok == PROCS, "%d of %d workers finished", ok, PROCS);
	CHECK(read_int(c, 0, "/stress") == PROCS * INCS, "no lost update: %d",
	      read_int(c, 0, "/stress"));
	printf("counter stress: conflicts %s\n",
	       retries_seen ? "seen and retried" : "not seen this run");
	store_client_close(c);
}

static void test_watches(void)
{
	struct store_client *w = open_client(), *c = open_client();
	char *path, *token;

	CHECK(store_client_watch(w, "/wt", "tok") == 0, "watch");
	CHECK(store_client_read_watch(w, &path, &token, 2000) == 0 &&
		      !strcmp(path, "/wt") && !strcmp(token, "tok"),
	      "initial event");
	free(path);
	store_client_write(c, 0, "/wt/x", "1", 1);
	CHECK(store_client_read_watch(w, &path, &token, 2000) == 0 &&
		      !strcmp(path, "/wt/x"),
	      "change event");
	free(path);
	store_client_write(c, 0, "/wtx", "1", 1);
	CHECK(store_client_read_watch(w, &path, &token, 200) == -ETIMEDOUT,
	      "no event for a sibling");
	CHECK(store_client_unwatch(w, "/wt", "tok") == 0, "unwatch");
	store_client_write(c, 0, "/wt/y", "1", 1);
	CHECK(store_client_read_watch(w, &path, &token, 200) == -ETIMEDOUT,
	      "no event after unwatch");
	/* events that arrive while a reply is awaited are kept */
	store_client_watch(w, "/wt2", "t2");
	store_client_write(w, 0, "/wt2/self", "1", 1);
	CHECK(store_client_read_watch(w, &path, &token, 0) == 0, "kept 1");
	free(path);
	CHECK(store_client_read_watch(w, &path, &token, 2000) == 0 &&
		      !strcmp(path, "/wt2/self"),
	      "kept 2");
	free(path);
	store_client_close(w);
	store_client_close(c);
}

/*
 * The daemon runs with --quota-watches 4 --quota-transactions 3, which
 * bind guests only: this (root) client goes past both.
 */
static void test_quotas(void)
{
	struct store_client *c = open_client();
	uint32_t t[6];
	char tok[8];
	int i, ret = 0;

	for (i = 0; i < 6 && !ret; i++) {
		snprintf(tok, sizeof(tok), "%d", i);
		ret = store_client_watch(c, "/qw", tok);
	}
	CHECK(ret == 0 && i == 6, "root exempt from watch quota: %d at %d", ret,
	      i);
	for (i = 0, ret = 0; i < 6 && !ret; i++)
		ret = store_client_txn_start(c, &t[i]);
	CHECK(ret == 0 && i == 6, "root exempt from transaction quota: %d",
	      ret);
	store_client_close(c);
}

static int raw_connect(void)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	strcpy(addr.sun_path, getenv("XENSTORED_PATH"));
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr))) {
		perror("connect");
		exit(2);
	}
	return fd;
}

/* Sends one raw message and returns the reply's type and payload. */
static uint32_t raw_call(int fd, uint32_t type, uint32_t tx, const void *p,
			 uint32_t len, char *out)
{
	uint8_t buf[16 + 64];
	struct pt_store_msg_hdr h;

	store_hdr_encode(buf, type, 5, tx, len);
	memcpy(buf + 16, p, len);
	if (write(fd, buf, 16 + len) != (ssize_t)(16 + len) ||
	    read(fd, buf, 16) != 16)
		return PT_STORE_OP_INVALID;
	store_hdr_decode(buf, &h);
	if (h.len > 255 || read(fd, out, h.len) != (ssize_t)h.len)
		return PT_STORE_OP_INVALID;
	out[h.len] = 0;
	return h.type;
}

static void test_bad_input(void)
{
	struct store_client *c = open_client();
	int fd = raw_connect(), i;
	uint8_t hdr[16];
	char out[256];
	ssize_t n;

	CHECK(raw_call(fd, 99, 0, "/\0", 2, out) == PT_STORE_OP_ERROR &&
		      !strcmp(out, "ENOSYS"),
	      "unknown op: %s", out);
	CHECK(raw_call(fd, PT_STORE_OP_READ, 0, "/x", 2, out) ==
			      PT_STORE_OP_ERROR &&
		      !strcmp(out, "EINVAL"),
	      "unterminated: %s", out);
	CHECK(raw_call(fd, PT_STORE_OP_READ, 4242, "/\0", 2, out) ==
			      PT_STORE_OP_ERROR &&
		      !strcmp(out, "ENOENT"),
	      "unknown transaction: %s", out);
	CHECK(raw_call(fd, PT_STORE_OP_WRITE, 0, "/a b\0x", 6, out) ==
			      PT_STORE_OP_ERROR &&
		      !strcmp(out, "EINVAL"),
	      "invalid path: %s", out);
	/* no /dev/partita here (PARTITA_DEVICE names none): no guests */
	CHECK(raw_call(fd, PT_STORE_OP_INTRODUCE, 0,
		       "3\0"
		       "1\0"
		       "1",
		       6, out) == PT_STORE_OP_ERROR &&
		      !strcmp(out, "EIO"),
	      "introduce without a hypervisor: %s", out);
	CHECK(raw_call(fd, PT_STORE_OP_IS_DOMAIN_INTRODUCED, 0, "3", 2, out) ==
			      PT_STORE_OP_IS_DOMAIN_INTRODUCED &&
		      !strcmp(out, "F"),
	      "a failed introduce records nothing: %s", out);
	CHECK(raw_call(fd, PT_STORE_OP_INTRODUCE, 0,
		       "x\0"
		       "1\0"
		       "1",
		       6, out) == PT_STORE_OP_ERROR &&
		      !strcmp(out, "EINVAL"),
	      "introduce with a bad id: %s", out);
	CHECK(raw_call(fd, PT_STORE_OP_CONTROL, 0, "stats", 6, out) ==
			      PT_STORE_OP_CONTROL &&
		      !strncmp(out, "introduced 0 released 0 guests 0", 32),
	      "stats: %s", out);
	/* a framing error closes only this connection */
	store_hdr_encode(hdr, PT_STORE_OP_READ, 1, 0, 100000);
	CHECK(write(fd, hdr, 16) == 16, "send oversized header");
	n = read(fd, out, sizeof(out));
	CHECK(n == 0, "connection closed after framing error (%zd)", n);
	close(fd);
	CHECK(store_client_write(c, 0, "/alive", "1", 1) == 0,
	      "others unaffected");
	/* half a header, then gone */
	fd = raw_connect();
	CHECK(write(fd, hdr, 7) == 7, "partial header");
	close(fd);
	/* a client that sends without ever reading is held back, not fatal */
	fd = raw_connect();
	fcntl(fd, F_SETFL, O_NONBLOCK);
	store_hdr_encode(hdr, PT_STORE_OP_DIRECTORY, 1, 0, 2);
	for (i = 0; i < 200000; i++) {
		uint8_t msg[18];

		memcpy(msg, hdr, 16);
		memcpy(msg + 16, "/\0", 2);
		if (write(fd, msg, sizeof(msg)) != (ssize_t)sizeof(msg))
			break;
	}
	CHECK(i < 200000, "flooding client was throttled (%d sent)", i);
	CHECK(store_client_write(c, 0, "/alive", "2", 1) == 0,
	      "others unaffected by flooding");
	close(fd);
	CHECK(read_int(c, 0, "/alive") == 2, "daemon still answers");
	store_client_close(c);
}

int main(void)
{
	if (!getenv("XENSTORED_PATH")) {
		fprintf(stderr, "set XENSTORED_PATH\n");
		return 2;
	}
	test_basics();
	test_conflicting_transactions();
	test_counter_stress();
	test_watches();
	test_quotas();
	test_bad_input();
	printf("store client: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
