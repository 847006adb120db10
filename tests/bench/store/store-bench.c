// SPDX-License-Identifier: GPL-2.0-only
/* Store benchmark: operations per second over the socket, 1..N clients. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "store-client.h"

/*
 * Each client is a process with its own connection working on its own
 * keys, so the figures show the daemon's throughput, not conflicts. A
 * transaction here is start + read + write + commit (4 round trips),
 * counted as one operation; commits that hit EAGAIN are retried and
 * counted separately.
 */
enum bench_op { OP_READ, OP_WRITE, OP_DIRECTORY, OP_TXN };
static const char *const op_names[] = { "read", "write", "directory",
					"txn-commit" };

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int run_client(int id, enum bench_op op, double seconds,
		      unsigned long *done, unsigned long *retries)
{
	struct store_client *c = store_client_open(NULL);
	char path[80], dir[64], *v;
	double end;
	uint32_t t;
	int ret;

	if (!c)
		return -1;
	snprintf(dir, sizeof(dir), "/bench/c%d", id);
	snprintf(path, sizeof(path), "%s/key", dir);
	store_client_write(c, 0, path, "0123456789", 10);
	for (int i = 0; i < 16; i++) {
		char p[80];

		snprintf(p, sizeof(p), "%s/entry%d", dir, i);
		store_client_write(c, 0, p, "x", 1);
	}
	end = now() + seconds;
	while (now() < end) {
		for (int i = 0; i < 64; i++) {
			switch (op) {
			case OP_READ:
				ret = store_client_read(c, 0, path, &v, NULL);
				free(v);
				break;
			case OP_WRITE:
				ret = store_client_write(c, 0, path, "abcdef",
							 6);
				break;
			case OP_DIRECTORY:
				ret = store_client_directory(c, 0, dir, &v,
							     NULL);
				free(v);
				break;
			default:
				ret = store_client_txn_start(c, &t);
				if (ret)
					break;
				ret = store_client_read(c, t, path, &v, NULL);
				if (!ret)
					free(v);
				store_client_write(c, t, path, "t", 1);
				ret = store_client_txn_end(c, t, 1);
				if (ret == -EAGAIN) {
					(*retries)++;
					continue;
				}
				break;
			}
			if (ret) {
				fprintf(stderr, "client %d: %s: %s\n", id,
					op_names[op], strerror(-ret));
				store_client_close(c);
				return -1;
			}
			(*done)++;
		}
	}
	store_client_close(c);
	return 0;
}

int main(int argc, char **argv)
{
	int clients = argc > 1 ? atoi(argv[1]) : 1;
	double seconds = argc > 2 ? atof(argv[2]) : 2.0;
	unsigned long *counts;
	int op;

	if (clients < 1 || clients > 256 || seconds <= 0) {
		fprintf(stderr, "usage: store-bench [clients] [seconds]\n");
		return 2;
	}
	counts = mmap(NULL, 2 * 256 * sizeof(*counts), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (counts == MAP_FAILED)
		return 1;
	for (op = OP_READ; op <= OP_TXN; op++) {
		unsigned long total = 0, retries = 0;
		double start = now(), elapsed;
		int i, status, bad = 0;

		memset(counts, 0, 2 * 256 * sizeof(*counts));
		for (i = 0; i < clients; i++) {
			if (fork() == 0)
				_exit(run_client(i, op, seconds, &counts[i],
						 &counts[256 + i])
					      ? 1
					      : 0);
		}
		for (i = 0; i < clients; i++) {
			wait(&status);
			bad |= !WIFEXITED(status) || WEXITSTATUS(status);
		}
		elapsed = now() - start;
		for (i = 0; i < clients; i++) {
			total += counts[i];
			retries += counts[256 + i];
		}
		printf("%-11s clients %3d  %9.0f ops/s  (%lu ops in %.2f s%s)",
		       op_names[op], clients, (double)total / seconds, total,
		       elapsed, bad ? ", CLIENT ERRORS" : "");
		if (op == OP_TXN)
			printf("  EAGAIN retries %lu", retries);
		printf("\n");
		fflush(stdout);
	}
	return 0;
}
