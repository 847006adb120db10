// SPDX-License-Identifier: GPL-2.0-only
/*
 * Measures how long the root's scheduler is kept from running a task while
 * a command runs: a thread sleeps 1 ms at a time and records the longest
 * time between two of its wake-ups. Used to show that long hypercalls
 * (DESTROY, POPULATE) give Linux its CPU back between slices.
 *
 * usage: partita-sched-gap COMMAND [ARG]...
 * Prints "sched-gap: longest gap N us over M wake-ups (COMMAND exit S)"
 * and exits with the command's status.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile int stop;
static uint64_t longest_ns, wakeups;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void *sleeper(void *arg)
{
	const struct timespec ms = { 0, 1000000 };
	uint64_t last = now_ns();

	(void)arg;
	while (!stop) {
		uint64_t t;

		nanosleep(&ms, NULL);
		t = now_ns();
		if (t - last > longest_ns)
			longest_ns = t - last;
		last = t;
		wakeups++;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t thread;
	int status = 0;
	pid_t pid;

	if (argc < 2) {
		fprintf(stderr, "usage: %s COMMAND [ARG]...\n", argv[0]);
		return 2;
	}
	if (pthread_create(&thread, NULL, sleeper, NULL))
		return 2;
	usleep(20000); /* a baseline of wake-ups first */
	pid = fork();
	if (pid == 0) {
		execvp(argv[1], argv + 1);
		perror(argv[1]);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return 2;
	stop = 1;
	pthread_join(thread, NULL);
	printf("sched-gap: longest gap %llu us over %llu wake-ups (%s exit "
	       "%d)\n",
	       (unsigned long long)(longest_ns / 1000),
	       (unsigned long long)wakeups, argv[1],
	       WIFEXITED(status) ? WEXITSTATUS(status) : 128);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
