/* SPDX-License-Identifier: MIT */
/* Hypercall status codes: fixed ABI numbers, never reused. */
#ifndef PARTITA_STATUS_H
#define PARTITA_STATUS_H

/*
 * The numbering follows Hyper-V's where the meaning is the same, so that
 * people who know that ABI read ours without a table. Removed numbers are
 * listed in docs/abi.md and never handed out again.
 */
#define PT_STATUS_SUCCESS 0x0000
#define PT_STATUS_INVALID_HYPERCALL_CODE 0x0002
#define PT_STATUS_INVALID_HYPERCALL_INPUT 0x0003
#define PT_STATUS_INVALID_ALIGNMENT 0x0004
#define PT_STATUS_INVALID_PARAMETER 0x0005
#define PT_STATUS_ACCESS_DENIED 0x0006
#define PT_STATUS_INVALID_PARTITION_STATE 0x0007
#define PT_STATUS_OPERATION_DENIED 0x0008
#define PT_STATUS_INSUFFICIENT_MEMORY 0x000B
#define PT_STATUS_INVALID_PARTITION_ID 0x000D
#define PT_STATUS_INVALID_VP_INDEX 0x000E
#define PT_STATUS_NOT_FOUND 0x0010
#define PT_STATUS_INVALID_PORT_ID \
	0x0011				       /* event port: out of range or
						   not in the needed state */
#define PT_STATUS_INVALID_CONNECTION_ID 0x0012 /* message connection */
#define PT_STATUS_INSUFFICIENT_BUFFERS 0x0013  /* message queue full: retry */
#define PT_STATUS_OBJECT_IN_USE 0x0019 /* busy: e.g. a grant still mapped */
#define PT_STATUS_CALL_PENDING \
	0x0079 /* root only: the call ran out of its
					 entry budget; make it again with
					 the RCX it returned */
/* Partita's own, above Hyper-V's range. */
#define PT_STATUS_INVALID_GPA 0x0100  /* GPA not owned by the caller */
#define PT_STATUS_WOULD_BLOCK 0x0101  /* bounded queue full, retry later */
#define PT_STATUS_NO_RESOURCES 0x0102 /* a fixed-size table is full */
#define PT_STATUS_INVALID_GRANT_REF \
	0x0103				/* grant: ref out of range, or
					      the entry grants nothing */
#define PT_STATUS_INVALID_HANDLE 0x0104 /* grant mapping handle not mapped */

#endif
