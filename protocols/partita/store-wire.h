/* SPDX-License-Identifier: MIT */
/* The configuration store's wire format, compatible with xenstore's. */
#ifndef PARTITA_STORE_WIRE_H
#define PARTITA_STORE_WIRE_H

#include "abi-types.h"

/*
 * Every message, in either direction, is a 16-byte little-endian header
 * followed by len payload bytes. Replies echo type (or carry
 * PT_STORE_OP_ERROR), req_id and tx_id of the request they answer. Watch
 * events arrive unsolicited with type PT_STORE_OP_WATCH_EVENT and req_id 0.
 * The layout is xenstore's struct xsd_sockmsg so that the stock xenstore
 * tools work unchanged; see docs/store.md.
 */
struct pt_store_msg_hdr {
	uint32_t type;	 /* PT_STORE_OP_* */
	uint32_t req_id; /* chosen by the client, echoed in the reply */
	uint32_t tx_id;	 /* transaction id, 0 outside a transaction */
	uint32_t len; /* payload bytes that follow, <= PT_STORE_PAYLOAD_MAX */
};
PT_ABI_SIZE(struct pt_store_msg_hdr, 16);
PT_ABI_OFFSET(struct pt_store_msg_hdr, type, 0);
PT_ABI_OFFSET(struct pt_store_msg_hdr, req_id, 4);
PT_ABI_OFFSET(struct pt_store_msg_hdr, tx_id, 8);
PT_ABI_OFFSET(struct pt_store_msg_hdr, len, 12);

#define PT_STORE_HDR_SIZE 16u
/* A larger len is a framing error: the server closes the connection. */
#define PT_STORE_PAYLOAD_MAX 4096u
/* Longer paths get EINVAL. */
#define PT_STORE_ABS_PATH_MAX 3072u
#define PT_STORE_REL_PATH_MAX 2048u

/* Operation numbers: xenstore's, never reused. */
#define PT_STORE_OP_CONTROL 0u /* xenstore's XS_DEBUG / XS_CONTROL */
#define PT_STORE_OP_DIRECTORY 1u
#define PT_STORE_OP_READ 2u
#define PT_STORE_OP_GET_PERMS 3u
#define PT_STORE_OP_WATCH 4u
#define PT_STORE_OP_UNWATCH 5u
#define PT_STORE_OP_TRANSACTION_START 6u
#define PT_STORE_OP_TRANSACTION_END 7u
#define PT_STORE_OP_INTRODUCE 8u
#define PT_STORE_OP_RELEASE 9u
#define PT_STORE_OP_GET_DOMAIN_PATH 10u
#define PT_STORE_OP_WRITE 11u
#define PT_STORE_OP_MKDIR 12u
#define PT_STORE_OP_RM 13u
#define PT_STORE_OP_SET_PERMS 14u
#define PT_STORE_OP_WATCH_EVENT 15u /* server to client only */
#define PT_STORE_OP_ERROR 16u	    /* server to client only */
#define PT_STORE_OP_IS_DOMAIN_INTRODUCED 17u
#define PT_STORE_OP_RESUME 18u
#define PT_STORE_OP_SET_TARGET 19u
#define PT_STORE_OP_RESTRICT 20u /* removed from xenstore; always ENOSYS */
#define PT_STORE_OP_RESET_WATCHES 21u
#define PT_STORE_OP_DIRECTORY_PART 22u
#define PT_STORE_OP_COUNT 23u
#define PT_STORE_OP_INVALID 0xffffu /* guaranteed never to be an operation */

/* XS_TRANSACTION_END argument. */
#define PT_STORE_TXN_COMMIT "T"
#define PT_STORE_TXN_ABORT "F"
/* Positive acknowledgement payload ("OK" plus its NUL). */
#define PT_STORE_ACK "OK"

/* Permission string: one of these letters followed by a decimal id. */
#define PT_STORE_PERM_CHAR_NONE 'n'
#define PT_STORE_PERM_CHAR_READ 'r'
#define PT_STORE_PERM_CHAR_WRITE 'w'
#define PT_STORE_PERM_CHAR_BOTH 'b'

/* Watch paths that fire when the root introduces or releases a partition. */
#define PT_STORE_WATCH_INTRODUCE "@introduceDomain"
#define PT_STORE_WATCH_RELEASE "@releaseDomain"

/*
 * Errors travel as errno names (numbers differ between systems). The list
 * is xenstore's; a client that meets a name it does not know treats it as
 * EINVAL. PT_STORE_ERRNO_LIST(X) expands X(name, linux_number) per entry.
 */
#define PT_STORE_ERRNO_LIST(X) \
	X(EINVAL, 22)          \
	X(EACCES, 13)          \
	X(EEXIST, 17)          \
	X(EISDIR, 21)          \
	X(ENOENT, 2)           \
	X(ENOMEM, 12)          \
	X(ENOSPC, 28)          \
	X(EIO, 5)              \
	X(ENOTEMPTY, 39)       \
	X(ENOSYS, 38)          \
	X(EROFS, 30)           \
	X(EBUSY, 16)           \
	X(EAGAIN, 11)          \
	X(EISCONN, 106)        \
	X(E2BIG, 7)
#define PT_STORE_ERRNO_COUNT 15u

#endif
