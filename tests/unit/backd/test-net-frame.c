// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the transmit header and frame checks, one table. */
#include <criterion/criterion.h>
#include <string.h>

#include "net-frame.h"

struct tx_case {
	const char *what;
	uint8_t flags, gso_type;
	uint64_t readable;
	uint32_t segments;
	enum net_tx_verdict want;
};

#define H NET_HDR_LEN
#define FMAX PT_VIRTIO_NET_FRAME_MAX

static const struct tx_case cases[] = {
	{ "nothing readable", 0, 0, 0, 0, NET_TX_NO_HEADER },
	{ "half a header", 0, 0, 6, 1, NET_TX_NO_HEADER },
	{ "one byte short of a header", 0, 0, H - 1, 1, NET_TX_NO_HEADER },
	{ "header, no frame", 0, 0, H, 1, NET_TX_EMPTY },
	{ "a 1-byte frame", 0, 0, H + 1, 2, NET_TX_RUNT },
	{ "13 bytes", 0, 0, H + 13, 2, NET_TX_RUNT },
	{ "an Ethernet header alone", 0, 0, H + 14, 2, NET_TX_OK },
	{ "a minimum frame", 0, 0, H + 60, 2, NET_TX_OK },
	{ "a full frame with a VLAN tag", 0, 0, H + FMAX, 2, NET_TX_OK },
	{ "one byte over", 0, 0, H + FMAX + 1, 2, NET_TX_GIANT },
	{ "64 KiB", 0, 0, H + 65536, 17, NET_TX_GIANT },
	{ "2^40 bytes", 0, 0, (1ull << 40), 2, NET_TX_GIANT },
	{ "gso TCPv4", 0, 1, H + 60, 2, NET_TX_GSO },
	{ "gso UDP", 0, 3, H + 60, 2, NET_TX_GSO },
	{ "gso ECN bit alone", 0, 0x80, H + 60, 2, NET_TX_GSO },
	{ "NEEDS_CSUM", 1, 0, H + 60, 2, NET_TX_NEEDS_CSUM },
	{ "NEEDS_CSUM with DATA_VALID", 3, 0, H + 60, 2, NET_TX_NEEDS_CSUM },
	{ "DATA_VALID is ignored", 2, 0, H + 60, 2, NET_TX_OK },
	{ "RSC_INFO is ignored", 4, 0, H + 60, 2, NET_TX_OK },
	{ "32 segments", 0, 0, H + 60, 32, NET_TX_OK },
	{ "33 segments", 0, 0, H + 60, 33, NET_TX_TOO_SPLIT },
	{ "64 segments", 0, 0, H + 60, 64, NET_TX_TOO_SPLIT },
	{ "65 segments", 0, 0, H + 60, 65, NET_TX_FATAL_SPLIT },
	{ "256 one-byte segments", 0, 0, H + 244, 256, NET_TX_FATAL_SPLIT },
	{ "65 segments, no header", 0, 0, 8, 65, NET_TX_NO_HEADER },
};

Test(net_tx_check, table)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct tx_case *c = &cases[i];
		struct pt_virtio_net_hdr h;
		uint32_t len = 0xdead;
		enum net_tx_verdict v;

		memset(&h, 0, sizeof(h));
		h.flags = c->flags;
		h.gso_type = c->gso_type;
		v = net_tx_check(&h, c->readable, c->segments, &len);
		cr_expect_eq(v, c->want, "%s: got %d (%s), want %d", c->what, v,
			     net_tx_verdict_text(v), c->want);
		if (c->want == NET_TX_OK)
			cr_expect_eq(len, c->readable - H, "%s: length %u",
				     c->what, len);
		else
			cr_expect_eq(len, 0xdead, "%s: length set", c->what);
	}
}

Test(net_tx_check, unused_fields_are_ignored)
{
	struct pt_virtio_net_hdr h = { .hdr_len = 0xffff,
				       .gso_size = 0xffff,
				       .csum_start = 0xffff,
				       .csum_offset = 0xffff,
				       .num_buffers = 0xffff };
	uint32_t len = 0;

	cr_assert_eq(net_tx_check(&h, H + 100, 2, &len), NET_TX_OK);
	cr_assert_eq(len, 100);
}

Test(net_tx_check, every_verdict_has_text)
{
	int v;

	for (v = NET_TX_OK; v <= NET_TX_GIANT; v++) {
		const char *t = net_tx_verdict_text((enum net_tx_verdict)v);

		cr_assert(t && *t && strcmp(t, "?"), "verdict %d", v);
	}
}
