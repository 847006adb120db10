/* SPDX-License-Identifier: GPL-2.0-only */
/* libpartita-store: talk to partita-stored over its Unix socket. */
#ifndef PARTITA_STORE_CLIENT_H
#define PARTITA_STORE_CLIENT_H

#include <stdint.h>

struct store_client;

/* Where the daemon listens unless told otherwise (and the stock tools look). */
#define STORE_CLIENT_DEFAULT_SOCKET "/var/run/xenstored/socket"

/*
 * Connects to path, or if NULL to $XENSTORED_PATH, or to the daemon's
 * default socket. Returns NULL with errno set on failure.
 * Every other call returns 0 or a negative errno: the daemon's error name
 * mapped back to a number, or a local error such as -EPIPE. One request is
 * outstanding at a time; watch events that arrive meanwhile are kept for
 * store_client_read_watch(). A handle is not thread-safe.
 */
struct store_client *store_client_open(const char *path);
void store_client_close(struct store_client *c);
int store_client_fd(const struct store_client *c);

/*
 * The general form: sends one request whose payload is the concatenation of
 * the n parts and waits for its reply. On success *reply (if not NULL) gets
 * a malloc'ed copy of the payload with a NUL appended; free() it.
 */
int store_client_request(struct store_client *c, uint32_t type, uint32_t tx_id,
			 const void *const *parts, const uint32_t *lens,
			 unsigned int n, char **reply, uint32_t *reply_len);

int store_client_read(struct store_client *c, uint32_t tx, const char *path,
		      char **value, uint32_t *len);
int store_client_write(struct store_client *c, uint32_t tx, const char *path,
		       const void *value, uint32_t len);
int store_client_mkdir(struct store_client *c, uint32_t tx, const char *path);
int store_client_rm(struct store_client *c, uint32_t tx, const char *path);
/* *names: NUL-separated child names, *len bytes in all. */
int store_client_directory(struct store_client *c, uint32_t tx,
			   const char *path, char **names, uint32_t *len);
/* *perms: NUL-separated "b0"-style entries, the owner first. */
int store_client_get_perms(struct store_client *c, uint32_t tx,
			   const char *path, char **perms, uint32_t *len);
int store_client_set_perms(struct store_client *c, uint32_t tx,
			   const char *path, const char *const *perms,
			   unsigned int n);
int store_client_txn_start(struct store_client *c, uint32_t *tx);
int store_client_txn_end(struct store_client *c, uint32_t tx, int commit);
int store_client_watch(struct store_client *c, const char *path,
		       const char *token);
int store_client_unwatch(struct store_client *c, const char *path,
			 const char *token);
/*
 * Waits up to timeout_ms (-1: for ever) for a watch event. *path and *token
 * point into one malloc'ed block returned in *path; free(*path) only.
 * Returns -ETIMEDOUT if none came.
 */
int store_client_read_watch(struct store_client *c, char **path, char **token,
			    int timeout_ms);

#endif
