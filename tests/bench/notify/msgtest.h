/* SPDX-License-Identifier: GPL-2.0-only */
/* partita-msgtest: the root's side of the messaging tests, shared parts. */
#ifndef PARTITA_MSGTEST_H
#define PARTITA_MSGTEST_H

#include <stddef.h>
#include <stdint.h>

#include "root-client.h"
#include "root-messaging.h"

/* Byte i of the page the root writes into grant-demo's grant. */
#define MSGTEST_GRANT_MAGIC "PARTITA-GRANT-OK"
uint8_t msgtest_grant_byte(size_t i);

uint64_t msgtest_now_ns(void);

/* Prints "partita-msgtest: " and the text; returns 1 (the exit status). */
int msgtest_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same with the device's error sentence appended. */
int msgtest_fail_dev(const struct root_dev *dev, const char *doing);

/* A decimal or 0x number into *v; -1 if it is not one or above max. */
int msgtest_number(const char *text, uint64_t max, uint64_t *v);

/* Sorts samples and prints "<what>: N ..., min X ns, median Y ns, p99 Z ns". */
void msgtest_report(const char *what, uint64_t *samples, size_t n);

/*
 * Reads one command line from stdin (without the newline), waiting up to
 * timeout_ms (-1: forever). 1 with a line, 0 at end of input, -ETIMEDOUT.
 */
int msgtest_command(char *line, size_t size, int timeout_ms);

int msgtest_grant(int argc, char **argv);
int msgtest_echo(int argc, char **argv);
int msgtest_flood(int argc, char **argv);
int msgtest_evrace(int argc, char **argv);

#endif
