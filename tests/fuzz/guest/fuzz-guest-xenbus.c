// SPDX-License-Identifier: MIT
/* libFuzzer harness: a hostile store's ring replies, watch events and key values against the guest's store client and xenbus front-end. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <partita-guest/cpu.h>
#include <partita-guest/start.h>
#include <partita-guest/xenbus.h>

#include "store-msg.h"
#include "store-ring-io.h"

/*
 * The guest's store connection (src/store.c), its xenbus ops
 * (xenbus-guest.c) and hot-plug (xenbus-hotplug.c) are compiled in here,
 * unmodified, with the few things that need a CPU or a fixed address
 * interposed: the interrupt flag and the start-info page. The store
 * client (store-guest.c), the key helpers, the front-end's state walk
 * and a virtio device's negotiation (xenbus-front.c, xenbus-virtio.c)
 * are linked as they are. Event ports, the clock and PT_CALL_BLOCK are
 * faked below, and the device's pages, grants and port (vdev.c) too:
 * this target is about what the store says.
 */
static uint64_t fz_irq_save(void)
{
	return 1ull << 9; /* interrupts were on */
}

static void fz_irq_restore(uint64_t flags)
{
	(void)flags;
}

static void fz_irq_nop(void)
{
}

static const struct pt_start_info *fz_start_info(void);
size_t strlcpy(char *dst, const char *src, size_t size);

#define pt_irq_save fz_irq_save
#define pt_irq_restore fz_irq_restore
#define pt_irq_enable fz_irq_nop
#define pt_irq_disable fz_irq_nop
#define pt_start_info() fz_start_info()
#include "../../../pv-guest-lib/src/store.c"
#include "../../../pv-guest-lib/xenbus/xenbus-guest.c"
#include "../../../pv-guest-lib/xenbus/xenbus-hotplug.c"
#undef pt_irq_save
#undef pt_irq_restore
#undef pt_irq_enable
#undef pt_irq_disable
#undef pt_start_info

/*
 * The input is a list of steps of 8 bytes (op, x, y, z, then u32 v
 * little-endian); some are followed by bytes of their own. (op & 127) %
 * 25 is the step; a store step with bit 7 of op set waits for the
 * guest's next wait (see below), one without runs at once. The store's
 * steps (tests/fuzz/guest/make-seeds-xenbus.py
 * writes the same layout):
 *
 *   0 ANSWER   answers the oldest request as an honest store would, from
 *              its keys (below)
 *   1 ERROR    answers it with error x % 8 (ENOENT, EACCES, EAGAIN, E2BIG,
 *              EINVAL, EIO, an unknown name, an empty one); y odd: no NUL
 *   2 REPLY    answers it with the v % 4097 bytes that follow; type: z bit
 *              0 the request's, else x; req_id: z bit 1 plus y; z bit 2:
 *              the request stays unanswered
 *   3 EVENT    a watch event: z odd the v % 512 bytes that follow, else
 *              key x % KEYS with the token of watch y (y bit 7: junk)
 *   4 RAW      the v % 64 bytes that follow, into the response stream
 *   5 INDEX    z % 4: rsp_prod = v, rsp_prod += v, req_cons = v,
 *              req_cons += v
 *   6 SET      key x % KEYS = the v % 2100 bytes that follow (z odd:
 *              removed); y odd: the watches on it fire
 *   7 YIELD    ends the store's turn
 *   8 SILENT   x bit 0: no more honest answers when the input has none;
 *              x bit 1: the request ring is not read either; x 0: back
 *   9 KICK     the store port fires with nothing new
 *  10 EAGAIN   the next x % 32 + 1 honest commits answer EAGAIN
 *
 * The caller's (device console/<y % 2>, or vbd when x is odd):
 *
 *  11 OPEN     pt_xenbus_open with the checking ops below
 *  12 CONNECT  pt_virtio_front_connect: x % 4 + 1 queues of 2^(y % 9)
 *              entries, z % 64 + 1 pool pages, features v | v << 32,
 *              required VERSION_1 when x bit 7
 *  13 CHECK    pt_virtio_front_check
 *  14 DISCONN  pt_virtio_front_disconnect
 *  15 DETACH   pt_virtio_front_detach
 *  16 LIST     pt_xenbus_list_devices, at most x % 33
 *  17 HOTPLUG  x % 4: start, poll, wait, stop
 *  18 READ     pt_store_read of key x % KEYS into v % 2100 + 1 bytes
 *  19 DIR      pt_store_directory of dir x % DIRS into v % 2100 bytes
 *  20 EVENT    pt_store_wait_event into x % 48 and y % 48 bytes
 *  21 TXN      pt_store_txn_start, then pt_store_txn_end (commit: x odd)
 *  22 U64      pt_xenbus_read_backend_u64 of key x % KEYS, hex: y odd
 *  23 SWITCH   pt_xenbus_switch to x % 8
 *  24 WAIT     pt_xenbus_wait_backend for states x, failing on y
 *
 * Whenever the guest blocks (PT_CALL_BLOCK), the store's turn runs: it
 * reads the requests, then the store's steps with bit 7 that come next,
 * up to a YIELD; then, unless SILENT, it answers honestly what is still
 * pending. A turn that sends nothing lets the deadline pass.
 *
 * Checked: the guest's requests are well framed, numbered in increasing
 * order, of a known type, paths NUL-terminated; a value or listing the
 * client returns is what the store sent with the request's id and type,
 * fits the caller's buffer with its NUL, and nothing past it is written;
 * a watch event's path and token are NUL-terminated within their caps;
 * the client's event slots stay in range; xenbus keeps its strings
 * terminated, accepts only a back-end directory and backend-id it may,
 * and a connect that succeeds has features within the offer and the
 * request, power-of-two queues and a pool within the back-end's limits,
 * while one that fails leaves nothing allocated; listed devices are
 * strictly ascending (each once) and within the cap.
 */
#define STEP_BYTES 8u
#define OPS 25u
#define DOMID 3u
#define KEYS 16u
#define DIRS 5u
#define DB_MAX 48u
#define VAL_MAX 2100u
#define PATH_MAX_ 160u
#define WATCH_MAX 8u
#define PEND_MAX 32u
#define REC_MAX 256u
#define OUTQ_MAX (64u * 1024u)
#define AUTO_TURNS 4000u
#define STORE_PORT 5u
#define SEC 1000000000ull

enum {
	S_ANSWER,
	S_ERROR,
	S_REPLY,
	S_EVENT,
	S_RAW,
	S_INDEX,
	S_SET,
	S_YIELD,
	S_SILENT,
	S_KICK,
	S_EAGAIN,
	C_OPEN,
	C_CONNECT,
	C_CHECK,
	C_DISCONN,
	C_DETACH,
	C_LIST,
	C_HOTPLUG,
	C_READ,
	C_DIR,
	C_EVENT,
	C_TXN,
	C_U64,
	C_SWITCH,
	C_WAIT,
};

#define check(cond)                                                       \
	do {                                                              \
		if (!(cond)) {                                            \
			fprintf(stderr, "fuzz-guest-xenbus: %s:%d: %s\n", \
				__FILE__, __LINE__, #cond);               \
			abort();                                          \
		}                                                         \
	} while (0)

#define F0 "/local/domain/3/device/console/0"
#define B0 "/local/domain/0/backend/console/3/0"

/* The keys steps name by number; the first ones are the store's start. */
static const char *const key_paths[KEYS] = {
	F0 "/backend",
	F0 "/backend-id",
	F0 "/state",
	B0 "/state",
	B0 "/device-features",
	B0 "/max-queue-size",
	B0 "/max-pool-pages",
	B0 "/broken",
	"/local/domain/3/device/console/1/backend",
	"/local/domain/3/device/console/1/backend-id",
	"/local/domain/3/device/console/1/state",
	"/local/domain/3/device/console/12/state",
	"/local/domain/3/device/vbd/0/backend",
	"/local/domain/3/device/vbd/0/state",
	F0 "/event-channel",
	"/local/domain/0/backend/console/3/1/state",
};

static const char *const key_start[] = {
	B0, "0", "1", "2", "100000000", "256", "16",
};

static const char *const dir_paths[DIRS] = {
	"/local/domain/3/device/console", "/local/domain/3/device/vbd", F0, B0,
	"/local/domain/3/device",
};

static const char *const err_names[8] = {
	"ENOENT", "EACCES", "EAGAIN", "E2BIG", "EINVAL", "EIO", "EWHAT", "",
};

struct db_key {
	int used;
	char path[PATH_MAX_];
	uint32_t len;
	char val[VAL_MAX + 1];
};

struct request {
	uint32_t id, type, tx, len;
	uint8_t payload[PT_STORE_PAYLOAD_MAX + 1];
};

/* A message the store sent that answers a request: the oracle's. */
struct record {
	uint32_t id, type, len;
	uint8_t payload[PT_STORE_PAYLOAD_MAX];
};

struct watch {
	int used;
	char path[PATH_MAX_], token[64];
};

static struct {
	struct pt_start_info si;
	struct pt_store_ring_page *page;
	uint64_t now;
	int port_pending;
	pt_evtchn_fn handler;
	void *handler_ctx;
	/* The store. */
	struct db_key db[DB_MAX];
	struct watch watches[WATCH_MAX];
	struct store_rx req_rx;
	struct request pend[PEND_MAX];
	unsigned npend;
	uint32_t last_id; /* the last request id seen */
	int req_tainted;  /* the store moved req_cons: framing unchecked */
	int silent, deaf, eagain;
	unsigned auto_turns;
	uint32_t next_tx;
	uint8_t outq[OUTQ_MAX];
	uint32_t outq_len;
	struct store_rx tap;
	int tap_lost;	 /* the stream's framing broke */
	int rsp_tainted; /* rsp_prod moved: the client may read anything */
	struct record rec[REC_MAX];
	unsigned nrec;
	/* The input. */
	const uint8_t *at, *end;
	/* The front-end. */
	struct pt_virtio_front f;
	int opened;
	struct pt_xenbus_hotplug hp;
	unsigned allocs;
} g;

static int verbose;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	verbose = getenv("FUZZ_VERBOSE") != NULL;
	g.page = malloc(sizeof(*g.page));
	return 0;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t n = strlen(src);

	if (size) {
		size_t k = n < size - 1 ? n : size - 1;

		memcpy(dst, src, k);
		dst[k] = 0;
	}
	return n;
}

/* --- the hypervisor and the device layer, faked --- */

static const struct pt_start_info *fz_start_info(void)
{
	return &g.si;
}

uint64_t pt_time_ns(void)
{
	return g.now;
}

void pt_spin_lock(struct pt_spinlock *lock)
{
	check(!lock->locked);
	lock->locked = 1;
}

void pt_spin_unlock(struct pt_spinlock *lock)
{
	lock->locked = 0;
}

int pt_evtchn_init(void)
{
	return 0;
}

int pt_evtchn_set_handler(uint32_t port, pt_evtchn_fn fn, void *ctx)
{
	check(port == STORE_PORT);
	g.handler = fn;
	g.handler_ctx = ctx;
	return 0;
}

unsigned pt_evtchn_poll(void)
{
	if (!g.port_pending)
		return 0;
	g.port_pending = 0;
	if (g.handler)
		g.handler(STORE_PORT, g.handler_ctx);
	return 1;
}

int pt_call_evtchn_send(uint32_t port)
{
	check(port == STORE_PORT);
	return 0;
}

static void store_turn(void);

/* The guest halts: the store's turn; if it said nothing, the deadline
 * passes. */
int pt_call_block(uint64_t deadline_ns)
{
	check(deadline_ns);
	store_turn();
	if (!g.port_pending && g.now < deadline_ns)
		g.now = deadline_ns;
	return 0;
}

int pt_vdev_alloc(struct pt_vdev *d, const struct pt_vdev_config *cfg,
		  uint64_t deadline_ns)
{
	/* What fit_config made of the back-end's limits must be usable. */
	check(!d->allocated);
	check(cfg->num_queues >= 1 && cfg->num_queues <= PT_VIRTQ_QUEUES_MAX);
	check(cfg->pool_pages >= 1 &&
	      cfg->pool_pages <= PT_VIRTQ_POOL_PAGES_MAX);
	check(cfg->pool_pages <= g.f.max_pool_pages);
	for (unsigned q = 0; q < cfg->num_queues; q++) {
		uint16_t s = cfg->queue_size[q];

		check(s && !(s & (s - 1u)) && s <= PT_VIRTQ_SIZE_MAX);
		check(s <= g.f.max_queue_size);
	}
	memset(d, 0, sizeof(*d));
	d->backend_id = cfg->backend_id;
	d->num_queues = cfg->num_queues;
	d->pool_pages = cfg->pool_pages;
	for (unsigned q = 0; q < cfg->num_queues; q++) {
		d->queue_size[q] = cfg->queue_size[q];
		d->ring_pages[q] = 1;
		d->ring_refs[q][0] = 100u + q;
	}
	for (unsigned i = 0; i < cfg->pool_pages; i++)
		d->pool_refs[i] = 1000u + i;
	d->port = 7;
	d->allocated = 1;
	g.allocs++;
	return 0;
}

int pt_vdev_start(struct pt_vdev *d, uint64_t features)
{
	check(d->allocated);
	d->features = features;
	return 0;
}

int pt_vdev_release(struct pt_vdev *d, uint64_t deadline_ns)
{
	if (d->allocated)
		g.allocs--;
	d->allocated = 0;
	return 0;
}

/* --- the store --- */

static struct db_key *db_find(const char *path)
{
	for (unsigned i = 0; i < DB_MAX; i++)
		if (g.db[i].used && !strcmp(g.db[i].path, path))
			return &g.db[i];
	return NULL;
}

static void db_set(const char *path, const void *val, uint32_t len)
{
	struct db_key *k = db_find(path);

	if (len > VAL_MAX)
		len = VAL_MAX;
	for (unsigned i = 0; !k && i < DB_MAX; i++)
		if (!g.db[i].used)
			k = &g.db[i];
	if (!k || strlen(path) >= PATH_MAX_)
		return;
	k->used = 1;
	strcpy(k->path, path);
	memcpy(k->val, val, len);
	k->val[len] = 0;
	k->len = len;
}

/* Removes path and everything under it. */
static void db_rm(const char *path)
{
	size_t n = strlen(path);

	for (unsigned i = 0; i < DB_MAX; i++)
		if (g.db[i].used && !strncmp(g.db[i].path, path, n) &&
		    (g.db[i].path[n] == 0 || g.db[i].path[n] == '/'))
			g.db[i].used = 0;
}

/* Every message in the response stream, however it was written, is
 * recorded for the oracle: the tap parses the stream as the client does. */
static void tap(const uint8_t *p, uint32_t n)
{
	while (n && !g.tap_lost) {
		uint32_t used = 0;
		int ret = store_rx_feed(&g.tap, p, n, &used);

		p += used;
		n -= used;
		if (ret < 0) {
			g.tap_lost = 1; /* the client breaks here too */
		} else if (ret == 1 &&
			   g.tap.hdr.type == PT_STORE_OP_WATCH_EVENT) {
			store_rx_reset(&g.tap);
		} else if (ret == 1) {
			struct record *r = &g.rec[g.nrec++ % REC_MAX];

			r->id = g.tap.hdr.req_id;
			r->type = g.tap.hdr.type;
			r->len = g.tap.hdr.len;
			memcpy(r->payload, store_rx_payload(&g.tap), r->len);
			store_rx_reset(&g.tap);
		}
	}
}

static void out_bytes(const void *p, uint32_t n)
{
	if (n > OUTQ_MAX - g.outq_len)
		n = OUTQ_MAX - g.outq_len;
	memcpy(g.outq + g.outq_len, p, n);
	g.outq_len += n;
	tap(p, n);
}

static void send_msg(uint32_t type, uint32_t id, uint32_t tx,
		     const void *payload, uint32_t len)
{
	uint8_t hdr[PT_STORE_HDR_SIZE];

	if (len > PT_STORE_PAYLOAD_MAX)
		len = PT_STORE_PAYLOAD_MAX;
	store_hdr_encode(hdr, type, id, tx, len);
	out_bytes(hdr, sizeof(hdr));
	out_bytes(payload, len);
}

static void send_event(const char *path, const char *token)
{
	uint8_t buf[PATH_MAX_ + 64 + 2];
	size_t pl = strlen(path) + 1, tl = strlen(token) + 1;

	memcpy(buf, path, pl);
	memcpy(buf + pl, token, tl);
	send_msg(PT_STORE_OP_WATCH_EVENT, 0, 0, buf, (uint32_t)(pl + tl));
}

/* The watches on path or above it fire. */
static void fire(const char *path)
{
	for (unsigned i = 0; i < WATCH_MAX; i++) {
		struct watch *w = &g.watches[i];
		size_t n = strlen(w->path);

		if (w->used && !strncmp(path, w->path, n) &&
		    (path[n] == 0 || path[n] == '/'))
			send_event(path, w->token);
	}
}

static void send_error(const struct request *r, const char *name)
{
	send_msg(PT_STORE_OP_ERROR, r->id, r->tx, name,
		 (uint32_t)strlen(name) + 1);
}

/* What an honest back-end does when the front-end moves. */
static void backend_follows(const char *path, const char *val)
{
	static const char fstate[] = F0 "/state", bstate[] = B0 "/state";
	const char *to = NULL;

	if (strcmp(path, fstate))
		return;
	if (!strcmp(val, "3"))
		to = "4";
	else if (!strcmp(val, "5"))
		to = "6";
	else if (!strcmp(val, "6"))
		to = "2";
	if (!to)
		return;
	db_set(bstate, to, 1);
	fire(bstate);
}

static void answer_directory(const struct request *r, const char *path)
{
	uint8_t buf[PT_STORE_PAYLOAD_MAX];
	uint32_t len = 0;
	size_t n = strlen(path);
	int found = db_find(path) != NULL;

	for (unsigned i = 0; i < DB_MAX; i++) {
		const char *p = g.db[i].path, *name, *slash;
		size_t k;
		int dup = 0;

		if (!g.db[i].used || strncmp(p, path, n) || p[n] != '/')
			continue;
		found = 1;
		name = p + n + 1;
		slash = strchr(name, '/');
		k = slash ? (size_t)(slash - name) : strlen(name);
		/* Each child once. */
		for (uint32_t at = 0; at < len;
		     at += (uint32_t)strlen((char *)buf + at) + 1)
			if (strlen((char *)buf + at) == k &&
			    !memcmp(buf + at, name, k))
				dup = 1;
		if (dup || len + k + 1 > sizeof(buf))
			continue;
		memcpy(buf + len, name, k);
		buf[len + k] = 0;
		len += (uint32_t)k + 1;
	}
	if (!found)
		send_error(r, "ENOENT");
	else
		send_msg(r->type, r->id, r->tx, buf, len);
}

/* An honest store's answer, from its keys. */
static void answer(const struct request *r)
{
	const char *path = (const char *)r->payload;
	size_t pl = strnlen(path, r->len);
	const char *rest = path + pl + 1;
	uint32_t rest_len = pl < r->len ? r->len - (uint32_t)pl - 1u : 0;
	struct db_key *k;
	char num[12];

	switch (r->type) {
	case PT_STORE_OP_READ:
		k = db_find(path);
		if (!k)
			send_error(r, "ENOENT");
		else
			send_msg(r->type, r->id, r->tx, k->val, k->len);
		return;
	case PT_STORE_OP_DIRECTORY:
		answer_directory(r, path);
		return;
	case PT_STORE_OP_WRITE:
		db_set(path, rest, rest_len);
		send_msg(r->type, r->id, r->tx, "OK", 3);
		fire(path);
		k = db_find(path);
		if (k)
			backend_follows(path, k->val);
		return;
	case PT_STORE_OP_MKDIR:
		send_msg(r->type, r->id, r->tx, "OK", 3);
		return;
	case PT_STORE_OP_RM:
		db_rm(path);
		send_msg(r->type, r->id, r->tx, "OK", 3);
		fire(path);
		return;
	case PT_STORE_OP_TRANSACTION_START:
		snprintf(num, sizeof(num), "%u", ++g.next_tx);
		send_msg(r->type, r->id, 0, num, (uint32_t)strlen(num) + 1);
		return;
	case PT_STORE_OP_TRANSACTION_END:
		if (g.eagain && !strcmp(path, PT_STORE_TXN_COMMIT)) {
			g.eagain--;
			send_error(r, "EAGAIN");
			return;
		}
		send_msg(r->type, r->id, r->tx, "OK", 3);
		return;
	case PT_STORE_OP_WATCH:
	case PT_STORE_OP_UNWATCH:
		for (unsigned i = 0; i < WATCH_MAX; i++) {
			struct watch *w = &g.watches[i];

			if (r->type == PT_STORE_OP_UNWATCH) {
				if (w->used && !strcmp(w->path, path))
					w->used = 0;
				continue;
			}
			if (w->used || pl >= PATH_MAX_ ||
			    strnlen(rest, rest_len) >= sizeof(w->token))
				continue;
			w->used = 1;
			strcpy(w->path, path);
			strcpy(w->token, rest);
			break;
		}
		send_msg(r->type, r->id, 0, "OK", 3);
		/* A new watch fires once at once, as in xenstore. */
		if (r->type == PT_STORE_OP_WATCH && rest_len)
			send_event(path, rest);
		return;
	default:
		send_error(r, "ENOSYS");
	}
}

/* A request the guest wrote: framing, numbering, type and path. */
static void take_request(void)
{
	const struct pt_store_msg_hdr *h = &g.req_rx.hdr;
	struct request *r;

	if (!g.req_tainted) {
		/* Increasing; a request that never went out (the ring
		 * stayed full) leaves a gap. */
		check(h->req_id > g.last_id);
		check(h->type == PT_STORE_OP_READ ||
		      h->type == PT_STORE_OP_WRITE ||
		      h->type == PT_STORE_OP_DIRECTORY ||
		      h->type == PT_STORE_OP_MKDIR ||
		      h->type == PT_STORE_OP_RM ||
		      h->type == PT_STORE_OP_WATCH ||
		      h->type == PT_STORE_OP_UNWATCH ||
		      h->type == PT_STORE_OP_TRANSACTION_START ||
		      h->type == PT_STORE_OP_TRANSACTION_END);
		check(h->len && memchr(store_rx_payload(&g.req_rx), 0, h->len));
	}
	g.last_id = h->req_id;
	if (g.npend == PEND_MAX)
		return;
	r = &g.pend[g.npend++];
	r->id = h->req_id;
	r->type = h->type;
	r->tx = h->tx_id;
	r->len = h->len;
	memcpy(r->payload, store_rx_payload(&g.req_rx), h->len);
	r->payload[h->len] = 0;
}

static void read_requests(void)
{
	for (;;) {
		uint8_t *dst;
		uint32_t want = store_rx_want(&g.req_rx, &dst);
		int n = store_ring_read(g.page->req, &g.page->req_prod,
					&g.page->req_cons, dst, want);

		if (n <= 0) {
			/* The guest's own index is never out of range
			 * unless the store moved req_cons. */
			check(n == 0 || g.req_tainted);
			return;
		}
		n = store_rx_commit(&g.req_rx, (uint32_t)n);
		if (n < 0) {
			check(g.req_tainted);
			store_rx_reset(&g.req_rx);
			return;
		}
		if (n == 1) {
			take_request();
			store_rx_reset(&g.req_rx);
		}
	}
}

static void pop_request(void)
{
	memmove(&g.pend[0], &g.pend[1], (g.npend - 1u) * sizeof(g.pend[0]));
	g.npend--;
}

/* Takes n bytes that follow a step (fewer if the input ends). */
static const uint8_t *tail(uint32_t *n)
{
	const uint8_t *p = g.at;

	if (*n > (uint32_t)(g.end - g.at))
		*n = (uint32_t)(g.end - g.at);
	g.at += *n;
	return p;
}

static void store_step(unsigned op, uint8_t x, uint8_t y, uint8_t z, uint32_t v)
{
	struct request *r = g.npend ? &g.pend[0] : NULL;
	const uint8_t *p;
	uint32_t n;

	switch (op) {
	case S_ANSWER:
		if (r) {
			answer(r);
			pop_request();
		}
		break;
	case S_ERROR:
		if (r) {
			const char *e = err_names[x % 8u];

			send_msg(PT_STORE_OP_ERROR, r->id, r->tx, e,
				 (uint32_t)strlen(e) + !(y & 1u));
			pop_request();
		}
		break;
	case S_REPLY:
		n = v % (PT_STORE_PAYLOAD_MAX + 1u);
		p = tail(&n);
		if (r) {
			send_msg(z & 1u ? r->type : x,
				 r->id + (z & 2u ? y : 0u), r->tx, p, n);
			if (!(z & 4u))
				pop_request();
		}
		break;
	case S_EVENT:
		if (z & 1u) {
			n = v % 512u;
			p = tail(&n);
			send_msg(PT_STORE_OP_WATCH_EVENT, 0, 0, p, n);
		} else {
			const struct watch *w = &g.watches[y % WATCH_MAX];

			send_event(key_paths[x % KEYS],
				   (y & 0x80u) || !w->used ? "junk" : w->token);
		}
		break;
	case S_RAW:
		n = v % 64u;
		p = tail(&n);
		out_bytes(p, n);
		break;
	case S_INDEX:
		switch (z % 4u) {
		case 0:
			g.page->rsp_prod = v;
			g.rsp_tainted = 1;
			break;
		case 1:
			g.page->rsp_prod += v;
			g.rsp_tainted = 1;
			break;
		case 2:
			g.page->req_cons = v;
			g.req_tainted = 1;
			break;
		default:
			g.page->req_cons += v;
			g.req_tainted = 1;
			break;
		}
		break;
	case S_SET:
		n = v % (VAL_MAX + 1u);
		p = tail(&n);
		if (z & 1u)
			db_rm(key_paths[x % KEYS]);
		else
			db_set(key_paths[x % KEYS], p, n);
		if (y & 1u)
			fire(key_paths[x % KEYS]);
		break;
	case S_SILENT:
		g.silent = x & 1u;
		g.deaf = (x >> 1) & 1u;
		break;
	case S_KICK:
		g.port_pending = 1;
		break;
	case S_EAGAIN:
		g.eagain = x % 32u + 1u;
		break;
	default:
		break;
	}
}

static unsigned op_of(const uint8_t *s)
{
	return (s[0] & 0x7Fu) % OPS;
}

/* A store step kept for the guest's next wait (bit 7 of op). */
static int in_turn(const uint8_t *s)
{
	return (s[0] & 0x80u) && op_of(s) < C_OPEN;
}

/* What waits in the out queue goes into the ring as far as it fits. */
static void flush(void)
{
	int n;

	if (!g.outq_len)
		return;
	n = store_ring_write(g.page->rsp, &g.page->rsp_prod, &g.page->rsp_cons,
			     g.outq, g.outq_len);
	if (n <= 0)
		return;
	memmove(g.outq, g.outq + n, g.outq_len - (uint32_t)n);
	g.outq_len -= (uint32_t)n;
	g.port_pending = 1;
}

static void store_turn(void)
{
	if (!g.deaf)
		read_requests();
	while (g.end - g.at >= STEP_BYTES && in_turn(g.at)) {
		const uint8_t *s = g.at;

		g.at += STEP_BYTES;
		if (op_of(s) == S_YIELD)
			break;
		store_step(op_of(s), s[1], s[2], s[3], le32(s + 4));
	}
	/* What the steps left unanswered, an honest store answers. */
	if (g.npend && !g.silent && g.auto_turns < AUTO_TURNS) {
		g.auto_turns++;
		while (g.npend) {
			answer(&g.pend[0]);
			pop_request();
		}
	}
	flush();
}

/* --- the front-end, watched --- */

/* A message the store sent with this id and type, of full length full,
 * whose first n bytes are buf. */
static int sent(uint32_t id, uint32_t type, const void *buf, uint32_t n,
		uint32_t full)
{
	if (g.rsp_tainted)
		return 1;
	for (unsigned i = 0; i < REC_MAX && i < g.nrec; i++) {
		const struct record *r = &g.rec[i];

		if (r->id == id && r->type == type && r->len == full &&
		    n <= full && !memcmp(buf, r->payload, n))
			return 1;
	}
	return 0;
}

/* The same, for a value seen only up to its first NUL (n bytes). */
static int sent_str(uint32_t id, uint32_t type, const char *buf, uint32_t n)
{
	if (g.rsp_tainted)
		return 1;
	for (unsigned i = 0; i < REC_MAX && i < g.nrec; i++) {
		const struct record *r = &g.rec[i];

		if (r->id == id && r->type == type && n <= r->len &&
		    !memcmp(buf, r->payload, n) &&
		    (n == r->len || r->payload[n] == 0))
			return 1;
	}
	return 0;
}

static uint32_t last_req(void)
{
	return pt_store()->next_req - 1u;
}

static int chk_read(void *ctx, uint32_t tx, const char *path, char *buf,
		    uint32_t cap)
{
	int ret = guest_ops.read(ctx, tx, path, buf, cap);

	if (!ret) {
		size_t n = strnlen(buf, cap);

		check(n < cap);
		/* Up to its first NUL the value is the store's. */
		check(sent_str(last_req(), PT_STORE_OP_READ, buf, (uint32_t)n));
	}
	return ret;
}

static int chk_write(void *ctx, uint32_t tx, const char *path,
		     const char *value)
{
	return guest_ops.write(ctx, tx, path, value);
}

static int chk_directory(void *ctx, uint32_t tx, const char *path, char *buf,
			 uint32_t cap, uint32_t *len)
{
	return guest_ops.directory(ctx, tx, path, buf, cap, len);
}

static int chk_watch(void *ctx, const char *path, const char *token)
{
	return guest_ops.watch(ctx, path, token);
}

static int chk_unwatch(void *ctx, const char *path, const char *token)
{
	return guest_ops.unwatch(ctx, path, token);
}

static int chk_txn_start(void *ctx, uint32_t *tx)
{
	return guest_ops.txn_start(ctx, tx);
}

static int chk_txn_end(void *ctx, uint32_t tx, int commit)
{
	return guest_ops.txn_end(ctx, tx, commit);
}

static int chk_wait_event(void *ctx, char *path, uint32_t pcap, char *token,
			  uint32_t tcap, uint64_t deadline_ns)
{
	int ret =
		guest_ops.wait_event(ctx, path, pcap, token, tcap, deadline_ns);

	if (!ret)
		check(memchr(path, 0, pcap) && memchr(token, 0, tcap));
	return ret;
}

static const struct pt_xenbus_ops chk_ops = {
	.read = chk_read,
	.write = chk_write,
	.directory = chk_directory,
	.watch = chk_watch,
	.unwatch = chk_unwatch,
	.txn_start = chk_txn_start,
	.txn_end = chk_txn_end,
	.wait_event = chk_wait_event,
};

static int terminated(const char *s, size_t cap)
{
	return memchr(s, 0, cap) != NULL;
}

/* What xenbus.h promises of an opened device. */
static void check_xb(const struct pt_xenbus *xb)
{
	static const char prefix[] = "/local/domain/";
	const char *p;

	check(terminated(xb->why, sizeof(xb->why)));
	if (!g.opened)
		return;
	check(terminated(xb->front, sizeof(xb->front)));
	check(terminated(xb->back, sizeof(xb->back)));
	check(terminated(xb->token, sizeof(xb->token)));
	check(!strncmp(xb->back, prefix, sizeof(prefix) - 1));
	p = xb->back + sizeof(prefix) - 1;
	check(*p >= '0' && *p <= '9');
	while (*p >= '0' && *p <= '9')
		p++;
	check(!strncmp(p, "/backend/", 9) && p[9]);
	check(xb->backend_id <= 0xFFFFu);
	check(xb->state <= PT_XENBUS_STATE_CLOSED);
	check(xb->be_state <= PT_XENBUS_STATE_CLOSED);
}

static void check_client(void)
{
	const struct store_guest *c = pt_store();

	check(c->ev_count <= STORE_GUEST_EVENT_SLOTS);
	check(c->ev_head < STORE_GUEST_EVENT_SLOTS);
	for (unsigned i = 0; i < STORE_GUEST_EVENT_SLOTS; i++)
		check(c->events[i].len <= PT_STORE_PAYLOAD_MAX);
	check(c->rx.have <= PT_STORE_HDR_SIZE + PT_STORE_PAYLOAD_MAX);
}

static void do_connect(uint8_t x, uint8_t y, uint8_t z, uint32_t v)
{
	struct pt_vdev_config want = { 0 };
	uint64_t features = (uint64_t)v | (uint64_t)v << 32;
	uint64_t required =
		x & 0x80u ? PT_VIRTIO_FEATURE(PT_VIRTIO_F_VERSION_1) : 0;
	int ret;

	want.num_queues = x % 4u + 1u;
	for (unsigned q = 0; q < want.num_queues; q++)
		want.queue_size[q] = (uint16_t)(1u << (y % 9u));
	want.pool_pages = z % 64u + 1u;
	if (g.f.dev.allocated) {
		/* Connected already: refused, and left as it is. */
		check(pt_virtio_front_connect(&g.f, &want, features, required,
					      g.now + SEC) == -PT_DEV_ESTATE);
		check(g.f.dev.allocated);
		return;
	}
	ret = pt_virtio_front_connect(&g.f, &want, features, required,
				      g.now + SEC);
	if (ret) {
		check(!g.f.dev.allocated);
		return;
	}
	check(g.f.dev.allocated);
	check((g.f.dev.features & ~(features & g.f.offered)) == 0);
	check((required & ~g.f.dev.features) == 0);
	check(g.f.max_queue_size >= 1 &&
	      g.f.max_queue_size <= PT_VIRTQ_SIZE_MAX);
	check(g.f.max_pool_pages >= 1 &&
	      g.f.max_pool_pages <= PT_VIRTQ_POOL_PAGES_MAX);
	for (unsigned q = 0; q < want.num_queues; q++)
		check(g.f.dev.queue_size[q] <= want.queue_size[q]);
	check(g.f.dev.pool_pages <= want.pool_pages);
	check(g.f.xb.state == PT_XENBUS_STATE_CONNECTED);
	check(g.f.xb.be_state == PT_XENBUS_STATE_CONNECTED);
}

static void do_list(uint8_t x)
{
	unsigned ids[PT_XENBUS_DEVICES_MAX + 1], max = x % 33u;
	int n;

	ids[max] = 0xA5A5A5A5u;
	n = pt_xenbus_list_devices(&chk_ops, DOMID, "console", ids, max);
	check(ids[max] == 0xA5A5A5A5u);
	if (n < 0) {
		check(n == -PT_DEV_ESTORE);
		return;
	}
	check((unsigned)n <= max);
	for (int i = 0; i < n; i++) {
		check(ids[i] <= 0x7FFFFFFFu);
		check(i == 0 || ids[i - 1] < ids[i]);
	}
}

static void do_hotplug(uint8_t x)
{
	int ret = 0;

	switch (x % 4u) {
	case 0:
		pt_xenbus_hotplug_stop(&g.hp);
		ret = pt_xenbus_hotplug_start(&g.hp, "console");
		break;
	case 1:
		if (g.hp.watching)
			ret = pt_xenbus_hotplug_poll(&g.hp);
		break;
	case 2:
		if (g.hp.watching)
			ret = pt_xenbus_hotplug_wait(&g.hp, g.now + SEC);
		break;
	default:
		pt_xenbus_hotplug_stop(&g.hp);
		break;
	}
	check(ret <= 1);
	check(g.hp.count <= PT_XENBUS_DEVICES_MAX);
	for (unsigned i = 1; i < g.hp.count; i++)
		check(g.hp.ids[i - 1] < g.hp.ids[i]);
}

/* A value read straight through the client: the store's, for this id
 * and type, and nothing written past its NUL. */
static void do_read(uint8_t x, uint32_t v)
{
	static char buf[VAL_MAX + 2 + 16];
	uint32_t cap = v % (VAL_MAX + 1u) + 1u, len = 0xFFFFFFFFu;
	int ret;

	memset(buf, 0xEE, sizeof(buf));
	ret = pt_store_read(0, key_paths[x % KEYS], buf, cap, &len);
	if (ret) {
		/* Cut (E2BIG): what fits may be there, but no more. */
		check(len == 0xFFFFFFFFu);
		for (unsigned i = cap - 1u; i < sizeof(buf); i++)
			check((uint8_t)buf[i] == 0xEE);
		return;
	}
	check(len < cap && buf[len] == 0);
	check(sent(last_req(), PT_STORE_OP_READ, buf, len, len));
	for (unsigned i = len + 1; i < sizeof(buf); i++)
		check((uint8_t)buf[i] == 0xEE);
}

static void do_dir(uint8_t x, uint32_t v)
{
	static char buf[VAL_MAX + 16];
	uint32_t cap = v % (VAL_MAX + 1u), len = 0;
	int ret;

	memset(buf, 0xEE, sizeof(buf));
	ret = pt_store_directory(0, dir_paths[x % DIRS], buf, cap, &len);
	for (unsigned i = cap; i < sizeof(buf); i++)
		check((uint8_t)buf[i] == 0xEE);
	if (ret == -PT_STORE_E2BIG && len > cap) {
		/* Cut: the full length is said, the part that fits given. */
		check(sent(last_req(), PT_STORE_OP_DIRECTORY, buf, cap, len));
		return;
	}
	if (ret) {
		/* An error (the store's own E2BIG too) gives nothing. */
		check(len == 0);
		for (unsigned i = 0; i < cap; i++)
			check((uint8_t)buf[i] == 0xEE);
		return;
	}
	check(len <= cap);
	check(sent(last_req(), PT_STORE_OP_DIRECTORY, buf, len, len));
}

static void do_event(uint8_t x, uint8_t y)
{
	char path[48 + 8], token[48 + 8];
	uint32_t pcap = x % 48u, tcap = y % 48u;
	int ret;

	memset(path, 0xEE, sizeof(path));
	memset(token, 0xEE, sizeof(token));
	ret = pt_store_wait_event(path, pcap, token, tcap, SEC / 10u);
	for (unsigned i = pcap; i < sizeof(path); i++)
		check((uint8_t)path[i] == 0xEE);
	for (unsigned i = tcap; i < sizeof(token); i++)
		check((uint8_t)token[i] == 0xEE);
	if (!ret) {
		check(!pcap || memchr(path, 0, pcap));
		check(!tcap || memchr(token, 0, tcap));
	}
}

static void caller_step(unsigned op, uint8_t x, uint8_t y, uint8_t z,
			uint32_t v)
{
	struct pt_xenbus *xb = &g.f.xb;
	uint64_t u;
	uint32_t state, tx;
	int ret;

	switch (op) {
	case C_OPEN:
		if (g.f.dev.allocated)
			break; /* the caller disconnects first */
		pt_xenbus_close(xb);
		ret = pt_xenbus_open(xb, &chk_ops, DOMID,
				     x & 1u ? "vbd" : "console", y % 2u);
		g.opened = ret == 0;
		break;
	case C_CONNECT:
		if (g.opened)
			do_connect(x, y, z, v);
		break;
	case C_CHECK:
		if (g.opened && g.f.dev.allocated)
			pt_virtio_front_check(&g.f);
		break;
	case C_DISCONN:
		if (g.opened)
			pt_virtio_front_disconnect(&g.f, g.now + SEC);
		check(!g.f.dev.allocated);
		break;
	case C_DETACH:
		if (g.opened)
			pt_virtio_front_detach(&g.f, g.now + SEC);
		check(!g.f.dev.allocated);
		break;
	case C_LIST:
		do_list(x);
		break;
	case C_HOTPLUG:
		do_hotplug(x);
		break;
	case C_READ:
		do_read(x, v);
		break;
	case C_DIR:
		do_dir(x, v);
		break;
	case C_EVENT:
		do_event(x, y);
		break;
	case C_TXN:
		if (!pt_store_txn_start(&tx))
			pt_store_txn_end(tx, x & 1u);
		break;
	case C_U64:
		if (g.opened) {
			const char *k = strrchr(key_paths[x % KEYS], '/') + 1;

			pt_xenbus_read_backend_u64(xb, k, y & 1u, &u);
		}
		break;
	case C_SWITCH:
		if (g.opened) {
			uint32_t from = xb->state;

			ret = pt_xenbus_switch(xb, x % 8u);
			check(ret || pt_xenbus_front_may_move(from, x % 8u));
		}
		break;
	case C_WAIT:
		if (g.opened) {
			ret = pt_xenbus_wait_backend(xb, x, y, g.now + SEC,
						     &state);
			check(ret || (state <= PT_XENBUS_STATE_CLOSED &&
				      (x & (1u << state))));
		}
		break;
	default:
		break;
	}
	check_xb(xb);
	check_client();
}

static void reset(void)
{
	struct pt_store_ring_page *page = g.page;

	memset(&g, 0, sizeof(g));
	memset(page, 0, sizeof(*page));
	g.page = page;
	g.now = SEC;
	g.si.version = 2;
	g.si.partition_id = DOMID;
	g.si.store_port = STORE_PORT;
	g.si.store_ring_gpa = (uint64_t)(uintptr_t)page;
	for (unsigned i = 0; i < sizeof(key_start) / sizeof(key_start[0]); i++)
		db_set(key_paths[i], key_start[i],
		       (uint32_t)strlen(key_start[i]));
	store_rx_reset(&g.req_rx);
	store_rx_reset(&g.tap);
	/* src/store.c's and xenbus-guest.c's state, as at boot. */
	store_up = 0;
	store_lock.locked = 0;
	store_kicked = 0;
	store_activity = 0;
	store_notify_fn = NULL;
	store_notify_ctx = NULL;
	memset(&stats, 0, sizeof(stats));
	memset(wake_list, 0, sizeof(wake_list));
	check(pt_store_init(0) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	reset();
	g.at = data;
	g.end = data + size;
	while (g.end - g.at >= STEP_BYTES) {
		const uint8_t *s = g.at;
		unsigned op = op_of(s);

		g.at += STEP_BYTES;
		if (op < C_OPEN) {
			if (!g.deaf)
				read_requests();
			store_step(op, s[1], s[2], s[3], le32(s + 4));
			flush();
			continue;
		}
		caller_step(op, s[1], s[2], s[3], le32(s + 4));
	}
	if (verbose)
		fprintf(stderr,
			"xenbus: opened %d, state %u/%u, connects %u, "
			"requests %u, broken %d, why \"%s\"\n",
			g.opened, g.f.xb.state, g.f.xb.be_state, g.f.connects,
			pt_store()->next_req - 1u, pt_store()->broken,
			g.f.xb.why);
	pt_xenbus_hotplug_stop(&g.hp);
	if (g.f.xb.ops)
		pt_virtio_front_detach(&g.f, g.now + SEC);
	check(g.allocs == 0);
	return 0;
}
