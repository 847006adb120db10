// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the shared store codec: framing, arguments, rings. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>
#include "store-msg.h"
#include "store-ring-io.h"

Test(codec, errno_numbers_match_host)
{
	cr_assert_eq(STORE_EINVAL, EINVAL);
	cr_assert_eq(STORE_EAGAIN, EAGAIN);
	cr_assert_eq(STORE_E2BIG, E2BIG);
	cr_assert_eq(STORE_EISCONN, EISCONN);
	cr_assert_eq(STORE_ENOTEMPTY, ENOTEMPTY);
	cr_assert_eq(STORE_EPROTO, EPROTO);
}

Test(codec, errno_names_round_trip)
{
	cr_assert_str_eq(store_err_name(ENOENT), "ENOENT");
	cr_assert_str_eq(store_err_name(-EACCES), "EACCES");
	cr_assert_str_eq(store_err_name(9999), "EIO");
	cr_assert_eq(store_err_from_name("EAGAIN", 7), EAGAIN);
	cr_assert_eq(store_err_from_name("E2BIG", 5), E2BIG);
	/* not terminated within len, and unknown names */
	cr_assert_eq(store_err_from_name("ENOENTxyz", 6), ENOENT);
	cr_assert_eq(store_err_from_name("EWHAT", 6), EINVAL);
}

Test(codec, header_is_little_endian)
{
	uint8_t buf[16];
	struct pt_store_msg_hdr h;

	store_hdr_encode(buf, 0x01020304, 5, 6, 0x0a0b);
	cr_assert_eq(buf[0], 4);
	cr_assert_eq(buf[3], 1);
	cr_assert_eq(buf[12], 0x0b);
	cr_assert_eq(buf[13], 0x0a);
	store_hdr_decode(buf, &h);
	cr_assert_eq(h.type, 0x01020304);
	cr_assert_eq(h.req_id, 5);
	cr_assert_eq(h.tx_id, 6);
	cr_assert_eq(h.len, 0x0a0b);
}

static struct store_rx rx;

Test(codec, rx_reassembles_byte_by_byte)
{
	uint8_t msg[16 + 6];
	uint32_t used, i;
	int ret = 0;

	store_hdr_encode(msg, PT_STORE_OP_READ, 9, 0, 6);
	memcpy(msg + 16, "/a/b\0", 6);
	store_rx_reset(&rx);
	for (i = 0; i < sizeof(msg); i++) {
		cr_assert_eq(ret, 0, "completed early at %u", i);
		ret = store_rx_feed(&rx, msg + i, 1, &used);
		cr_assert_eq(used, 1);
	}
	cr_assert_eq(ret, 1);
	cr_assert_eq(rx.hdr.req_id, 9);
	cr_assert_str_eq((const char *)store_rx_payload(&rx), "/a/b");
}

Test(codec, rx_stops_at_message_boundary)
{
	uint8_t two[32];
	uint32_t used;

	store_hdr_encode(two, 1, 1, 0, 0);
	store_hdr_encode(two + 16, 2, 2, 0, 0);
	store_rx_reset(&rx);
	cr_assert_eq(store_rx_feed(&rx, two, 32, &used), 1);
	cr_assert_eq(used, 16);
	cr_assert_eq(rx.hdr.type, 1);
	store_rx_reset(&rx);
	cr_assert_eq(store_rx_feed(&rx, two + used, 16, &used), 1);
	cr_assert_eq(rx.hdr.type, 2);
}

Test(codec, rx_rejects_oversized_payload)
{
	uint8_t hdr[16];
	uint32_t used;

	store_hdr_encode(hdr, PT_STORE_OP_WRITE, 1, 0,
			 PT_STORE_PAYLOAD_MAX + 1);
	store_rx_reset(&rx);
	cr_assert_eq(store_rx_feed(&rx, hdr, 16, &used), -STORE_EPROTO);
	store_hdr_encode(hdr, PT_STORE_OP_WRITE, 1, 0, PT_STORE_PAYLOAD_MAX);
	store_rx_reset(&rx);
	cr_assert_eq(store_rx_feed(&rx, hdr, 16, &used), 0);
}

Test(codec, args_split)
{
	const char *argv[3];
	const uint8_t ok[] = "ab\0cd";
	const uint8_t *rest;
	const char *first;
	uint32_t rlen;

	cr_assert_eq(store_args_split(ok, 6, argv, 3), 2);
	cr_assert_str_eq(argv[1], "cd");
	cr_assert_eq(store_args_split(ok, 5, argv, 3), -STORE_EINVAL);
	cr_assert_eq(store_args_split(ok, 6, argv, 1), -STORE_EINVAL);
	cr_assert_eq(store_args_split(ok, 0, argv, 1), -STORE_EINVAL);
	cr_assert_eq(store_args_first(ok, 5, &first, &rest, &rlen), 0);
	cr_assert_eq(rlen, 2);
	cr_assert_eq(memcmp(rest, "cd", 2), 0);
	cr_assert_eq(store_args_first(ok, 2, &first, &rest, &rlen),
		     -STORE_EINVAL);
	cr_assert_eq(store_args_count(ok, 5), 2);
	cr_assert_eq(store_args_count(ok, 6), 2);
}

Test(codec, builder_refuses_oversized_payload)
{
	static uint8_t buf[16 + PT_STORE_PAYLOAD_MAX + 64];
	static uint8_t big[PT_STORE_PAYLOAD_MAX];
	struct store_buf b;

	store_msg_begin(&b, buf, sizeof(buf), 2, 3, 4);
	store_msg_put(&b, big, sizeof(big));
	cr_assert_eq(store_msg_end(&b), 16 + PT_STORE_PAYLOAD_MAX);
	store_msg_begin(&b, buf, sizeof(buf), 2, 3, 4);
	store_msg_put(&b, big, sizeof(big));
	store_msg_put(&b, big, 1);
	cr_assert_eq(store_msg_end(&b), -STORE_E2BIG);
	store_msg_begin(&b, buf, 20, 2, 3, 4);
	store_msg_put_str(&b, "hello");
	cr_assert_eq(store_msg_end(&b), -STORE_E2BIG);
}

Test(codec, permissions)
{
	uint32_t id;
	unsigned int acc;
	char buf[16];

	cr_assert_eq(store_perm_parse("b3", &id, &acc), 0);
	cr_assert_eq(id, 3);
	cr_assert_eq(acc, STORE_ACCESS_READ | STORE_ACCESS_WRITE);
	cr_assert_eq(store_perm_parse("n0", &id, &acc), 0);
	cr_assert_eq(acc, 0);
	cr_assert_eq(store_perm_parse("x1", &id, &acc), -STORE_EINVAL);
	cr_assert_eq(store_perm_parse("r", &id, &acc), -STORE_EINVAL);
	cr_assert_eq(store_perm_parse("r-1", &id, &acc), -STORE_EINVAL);
	cr_assert_eq(store_perm_parse("w99999999999", &id, &acc),
		     -STORE_EINVAL);
	cr_assert_eq(store_perm_format(buf, sizeof(buf), 4294967295u,
				       STORE_ACCESS_WRITE),
		     11);
	cr_assert_str_eq(buf, "w4294967295");
	cr_assert_eq(store_perm_format(buf, 3, 123, 0), -STORE_E2BIG);
}

Test(codec, numbers)
{
	uint32_t v;
	char buf[11];

	cr_assert_eq(store_parse_u32("4294967295", &v), 0);
	cr_assert_eq(v, 4294967295u);
	cr_assert_eq(store_parse_u32("4294967296", &v), -STORE_EINVAL);
	cr_assert_eq(store_parse_u32("", &v), -STORE_EINVAL);
	cr_assert_eq(store_parse_u32(" 1", &v), -STORE_EINVAL);
	cr_assert_eq(store_fmt_u32(buf, 0), 1);
	cr_assert_str_eq(buf, "0");
}

Test(codec, paths)
{
	static char long_path[PT_STORE_ABS_PATH_MAX + 2];

	cr_assert_eq(store_path_check("/"), STORE_PATH_ABSOLUTE);
	cr_assert_eq(store_path_check("/a/b-c_d/9"), STORE_PATH_ABSOLUTE);
	cr_assert_eq(store_path_check("device/vif"), STORE_PATH_RELATIVE);
	cr_assert_eq(store_path_check("@releaseDomain"), STORE_PATH_SPECIAL);
	cr_assert_lt(store_path_check(""), 0);
	cr_assert_lt(store_path_check("/a/"), 0);
	cr_assert_lt(store_path_check("/a//b"), 0);
	cr_assert_lt(store_path_check("/a b"), 0);
	cr_assert_lt(store_path_check("/a/@b"), 0);
	cr_assert_lt(store_path_check("@a/b"), 0);
	cr_assert_lt(store_path_check("@"), 0);
	cr_assert_lt(store_path_check("/a\xff"), 0);
	memset(long_path, 'a', sizeof(long_path) - 1);
	long_path[0] = '/';
	cr_assert_lt(store_path_check(long_path), 0);
	long_path[PT_STORE_ABS_PATH_MAX] = 0;
	cr_assert_eq(store_path_check(long_path), STORE_PATH_ABSOLUTE);
	cr_assert(store_path_is_under("/a/b", "/a"));
	cr_assert(store_path_is_under("/a", "/a"));
	cr_assert(!store_path_is_under("/ab", "/a"));
	cr_assert(store_path_is_under("/x", "/"));
}

static struct pt_store_ring_page page;

Test(codec, ring_wraps_and_fills)
{
	uint8_t in[700], out[1500];
	uint32_t i;

	memset(&page, 0, sizeof(page));
	for (i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)i;
	/* start near the end so the copy wraps */
	page.req_prod = page.req_cons = 0xfffffe00u;
	cr_assert_eq(store_ring_write(page.req, &page.req_prod, &page.req_cons,
				      in, 700),
		     700);
	cr_assert_eq(store_ring_write(page.req, &page.req_prod, &page.req_cons,
				      in, 700),
		     PT_STORE_RING_SIZE - 700);
	cr_assert_eq(store_ring_write(page.req, &page.req_prod, &page.req_cons,
				      in, 1),
		     0);
	cr_assert_eq(store_ring_pending(&page.req_prod, &page.req_cons),
		     PT_STORE_RING_SIZE);
	cr_assert_eq(store_ring_read(page.req, &page.req_prod, &page.req_cons,
				     out, sizeof(out)),
		     PT_STORE_RING_SIZE);
	cr_assert_eq(memcmp(out, in, 700), 0);
	cr_assert_eq(memcmp(out + 700, in, PT_STORE_RING_SIZE - 700), 0);
	cr_assert_eq(store_ring_read(page.req, &page.req_prod, &page.req_cons,
				     out, 1),
		     0);
}

Test(codec, ring_detects_bogus_indices)
{
	uint8_t b[8] = { 0 };

	memset(&page, 0, sizeof(page));
	page.rsp_prod = PT_STORE_RING_SIZE + 1;
	cr_assert_eq(
		store_ring_read(page.rsp, &page.rsp_prod, &page.rsp_cons, b, 8),
		-STORE_EIO);
	cr_assert_eq(store_ring_write(page.rsp, &page.rsp_prod, &page.rsp_cons,
				      b, 8),
		     -STORE_EIO);
	cr_assert_eq(store_ring_pending(&page.rsp_prod, &page.rsp_cons),
		     -STORE_EIO);
}
