// SPDX-License-Identifier: GPL-2.0-only
/* libFuzzer harness: hostile bytes into the store's parser and handler. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "store-core.h"
#include "store-ring-conn.h"

/*
 * The input is a script of chunks: a selector byte, a length byte, then
 * that many bytes. The selector picks who sends them: the privileged
 * socket connection, one of two guests, or a guest's ring page (whose
 * indices the chunk may also scribble over). Output is thrown away now and
 * then, as a reading client would, so quotas do not end every run early.
 */
static void drain(struct store_conn *c)
{
	if (!(c->out_bytes & 1))
		store_conn_out_advance(c, c->out_bytes);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pt_store_ring_page page;
	struct store_quota q;
	struct store_conn *conns[3];
	struct store_ring_conn *rc;
	struct store st;
	size_t pos = 0;
	int ring_ok = 1;

	store_default_quota(&q);
	q.nodes = 200;
	q.outbuf = 64 * 1024;
	if (store_init(&st, &q))
		return 0;
	memset(&page, 0, sizeof(page));
	conns[0] = store_conn_new(&st, 0, 1);
	conns[1] = store_conn_new(&st, 1, 0);
	conns[2] = store_conn_new(&st, 2, 0);
	rc = store_ring_conn_new(&st, 3, &page, NULL, NULL);
	if (!conns[0] || !conns[1] || !conns[2] || !rc)
		goto out_fini;
	while (pos + 2 <= size) {
		uint8_t sel = data[pos], len = data[pos + 1];
		const uint8_t *chunk = data + pos + 2;
		size_t n = size - pos - 2 < len ? size - pos - 2 : len;

		pos += 2 + n;
		if ((sel & 3) < 3) {
			struct store_conn *c = conns[sel & 3];

			/* a broken connection would be closed: skip it */
			if (!c->broken)
				store_conn_input(c, chunk, n);
			drain(c);
		} else if (ring_ok) {
			uint32_t i;

			if (sel & 0x80 && n >= 4) {
				memcpy(&page.req_prod, chunk, 4);
			} else {
				for (i = 0; i < n; i++) {
					uint32_t p = page.req_prod;

					if (p - page.req_cons >=
					    PT_STORE_RING_SIZE)
						break;
					page.req[p % PT_STORE_RING_SIZE] =
						chunk[i];
					page.req_prod = p + 1;
				}
			}
			if (sel & 0x40)
				page.rsp_cons = page.rsp_prod;
			if (store_ring_conn_service(rc))
				ring_ok = 0;
		}
	}
	store_ring_conn_free(rc);
out_fini:
	store_fini(&st);
	return 0;
}
