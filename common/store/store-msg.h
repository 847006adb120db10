/* SPDX-License-Identifier: MIT */
/* The one store message codec shared by the daemon, the clients and guests. */
#ifndef PARTITA_STORE_MSG_H
#define PARTITA_STORE_MSG_H

#include <stddef.h>
#include <stdint.h>
#include <partita/store-wire.h>

/*
 * This file uses no C library beyond common/string.h and allocates nothing,
 * so the freestanding guest client links the same code as the daemon.
 * Functions return 0 (or a count) on success and a negative STORE_E* value
 * on failure; STORE_E* are Linux's errno numbers, so host code may compare
 * them with <errno.h> names.
 */
#define STORE_ERRNO_ENUM(name, num) STORE_##name = num,
enum { PT_STORE_ERRNO_LIST(STORE_ERRNO_ENUM) STORE_EPROTO = 71 };
#undef STORE_ERRNO_ENUM

/* Maps a positive errno to its wire name; unknown numbers become "EIO". */
const char *store_err_name(int err);
/* Maps a wire name (len bytes, need not be terminated) to a positive errno;
 * unknown names give STORE_EINVAL, as xenstore clients do. */
int store_err_from_name(const char *name, size_t len);

void store_hdr_encode(void *buf, uint32_t type, uint32_t req_id, uint32_t tx_id,
		      uint32_t len);
void store_hdr_decode(const void *buf, struct pt_store_msg_hdr *hdr);

/*
 * Reassembles messages from a byte stream (socket or ring). The caller asks
 * where the next bytes go and how many are wanted, reads at most that many
 * there, then commits them. A header announcing more than
 * PT_STORE_PAYLOAD_MAX is a framing error: the stream cannot be resynchronised
 * and the connection must be closed.
 */
struct store_rx {
	struct pt_store_msg_hdr hdr;
	uint32_t have; /* bytes of the current message received so far */
	/* header, payload and a NUL so payloads can be read as strings */
	uint8_t buf[PT_STORE_HDR_SIZE + PT_STORE_PAYLOAD_MAX + 1];
};

void store_rx_reset(struct store_rx *rx);
/* Bytes wanted to finish the current header or payload; *dst gets where. */
uint32_t store_rx_want(struct store_rx *rx, uint8_t **dst);
/* Returns 1 when a whole message is ready, 0 for more, -STORE_EPROTO. */
int store_rx_commit(struct store_rx *rx, uint32_t n);
/* Copies from data until a message completes; *used says how much. */
int store_rx_feed(struct store_rx *rx, const void *data, uint32_t len,
		  uint32_t *used);
static inline const uint8_t *store_rx_payload(const struct store_rx *rx)
{
	return rx->buf + PT_STORE_HDR_SIZE;
}

/*
 * Splits a payload into NUL-terminated strings. Returns how many, or
 * -STORE_EINVAL if the payload does not end with a NUL or has more than max.
 */
int store_args_split(const uint8_t *payload, uint32_t len, const char **argv,
		     unsigned int max);
/* Splits "first\0rest": *rest and *rest_len get the bytes after the NUL. */
int store_args_first(const uint8_t *payload, uint32_t len, const char **first,
		     const uint8_t **rest, uint32_t *rest_len);
/* Number of NUL-terminated strings in a buffer (an unterminated tail counts). */
unsigned int store_args_count(const uint8_t *payload, uint32_t len);

/* Builds one message in caller memory; errors stick until store_msg_end. */
struct store_buf {
	uint8_t *data;
	uint32_t cap;
	uint32_t len;
	int err;
};

void store_msg_begin(struct store_buf *b, void *mem, uint32_t cap,
		     uint32_t type, uint32_t req_id, uint32_t tx_id);
void store_msg_put(struct store_buf *b, const void *data, uint32_t n);
void store_msg_put_str(struct store_buf *b, const char *s); /* with its NUL */
/* Fills in the length; returns the message size or a negative error. */
int store_msg_end(struct store_buf *b);

/* Access bits of a permission entry. */
#define STORE_ACCESS_READ 1u
#define STORE_ACCESS_WRITE 2u

/* Parses "b3" style permission strings. */
int store_perm_parse(const char *s, uint32_t *domid, unsigned int *access);
/* Formats one; returns the length (without NUL) or -STORE_E2BIG. */
int store_perm_format(char *buf, size_t cap, uint32_t domid,
		      unsigned int access);

/* Strict decimal: no sign, no spaces, fits in 32 bits. */
int store_parse_u32(const char *s, uint32_t *out);
/* Writes the decimal form and a NUL into buf[11]; returns the length. */
int store_fmt_u32(char *buf, uint32_t v);

/* Results of store_path_check(). */
#define STORE_PATH_ABSOLUTE 0
#define STORE_PATH_RELATIVE 1
#define STORE_PATH_SPECIAL 2 /* "@name": only valid for watches */

/*
 * Checks a path's characters ([A-Za-z0-9_-] and '/' between components),
 * its shape (no empty component, no trailing '/' except for "/") and its
 * length. Returns STORE_PATH_* or -STORE_EINVAL.
 */
int store_path_check(const char *path);

/* True if path equals parent or lies below it. */
int store_path_is_under(const char *path, const char *parent);

#endif
