// SPDX-License-Identifier: GPL-2.0-only
/*
 * The requests the ioctl fuzzer knows: a valid payload for each, the fix
 * that keeps any payload harmless to the machine, and the errno that
 * root-driver.md says the driver answers for it.
 */
#include <errno.h>
#include <string.h>

#include <partita/events.h>
#include <partita/hypercall.h>

#include "ioctl-fuzz.h"

#define V PT_ROOT_IOCTL_VERSION

/*
 * Calls that only read or report: none pauses, destroys or changes a
 * partition, the root's pages or the driver's registrations. CONSOLE_WRITE
 * is left out too: random text in the hypervisor log could read like a
 * test result. Codes from 0x8000 up are unassigned (and will stay so for
 * a while: new calls are numbered from the bottom).
 *
 * QUERY_PAGES is not among them, although it only reads: for the root,
 * whose identity map covers every physical address, the hypervisor reads
 * the page behind any GPFN to see whether it is zero. GPFN 0 is not
 * mapped in the hypervisor (QUERY_PAGES of it from the root ends in
 * "PANIC: exception 14 ... cr2 0x0"), and MMIO (device registers with
 * read side effects) and frames above the hypervisor's 512 GiB map are
 * within reach too. The fuzzer sends it only in forms the driver refuses
 * before any call.
 */
static const uint16_t harmless_codes[] = {
	PT_CALL_NULL,
	PT_CALL_GET_VERSION,
	PT_CALL_SELF_INFO,
	PT_CALL_GET_CALL_STATS,
	PT_CALL_GET_ENTRY_HISTOGRAM,
	PT_CALL_LOG_READ,
	PT_CALL_PARTITION_LIST,
	PT_CALL_HV_INFO,
	PT_CALL_ROOT_PING,
	PT_CALL_PARTITION_INFO,
	PT_CALL_PARTITION_STATS,
	PT_CALL_CONSOLE_READ,
	PT_CALL_PARTITION_MESSAGING,
	PT_CALL_EVTCHN_STATUS,
	PT_CALL_GRANT_QUERY,
	PT_CALL_GRANT_WINDOW,
};
#define UNASSIGNED_CODES 0x8000u

int fz_hcall_harmless(uint16_t code)
{
	unsigned int i;

	if (code == 0 || code >= UNASSIGNED_CODES)
		return 1;
	for (i = 0; i < sizeof(harmless_codes) / sizeof(harmless_codes[0]);
	     i++) {
		if (harmless_codes[i] == code)
			return 1;
	}
	return 0;
}

static uint16_t harmless_code(void)
{
	if (fz_chance(10))
		return fz_chance(20) ? 0
				     : (uint16_t)(UNASSIGNED_CODES +
						  fz_below(0x8000));
	return harmless_codes[fz_below(sizeof(harmless_codes) /
				       sizeof(harmless_codes[0]))];
}

/* An arena block filled with bytes for an input block. */
static uint64_t block(const void *data, size_t len)
{
	uint64_t ptr = fz_pointer(FZ_PTR_GOOD, len);

	memcpy((void *)(uintptr_t)ptr, data, len);
	return ptr;
}

static uint64_t random_block(size_t len)
{
	uint64_t ptr = fz_pointer(FZ_PTR_GOOD, len);
	uint8_t *b = (uint8_t *)(uintptr_t)ptr;
	size_t i;

	for (i = 0; i < len; i++)
		b[i] = (uint8_t)fz_rand();
	return ptr;
}

static void hc_memory(struct pt_ioc_hypercall *hc, uint16_t code,
		      uint64_t in_ptr, uint32_t in_size, uint32_t out_size)
{
	hc->code = code;
	hc->in_ptr = in_ptr;
	hc->in_size = in_size;
	hc->out_ptr = fz_pointer(FZ_PTR_GOOD, out_size);
	hc->out_size = out_size;
}

static void hc_valid(const struct fz_state *st, uint8_t *p)
{
	static const uint16_t by_ref[] = { PT_CALL_PARTITION_INFO,
					   PT_CALL_PARTITION_STATS,
					   PT_CALL_CONSOLE_READ,
					   PT_CALL_PARTITION_MESSAGING };
	static const uint16_t fast[] = { PT_CALL_NULL, PT_CALL_GET_VERSION,
					 PT_CALL_ROOT_PING,
					 PT_CALL_GRANT_WINDOW,
					 PT_CALL_GRANT_QUERY };
	struct pt_ioc_hypercall hc = { .abi_version = V };
	struct pt_partition_ref ref = { .id = fz_below(4),
					.from_seq = fz_rand() % 4096 };
	uint64_t from_seq = fz_chance(50) ? 0 : fz_rand();
	uint64_t gpfns[FZ_PAGE / 8];
	uint32_t n, i;

	(void)st;
	switch (fz_below(9)) {
	case 0:
		hc.code = fast[fz_below(5)];
		hc.flags = PT_IOC_HC_FAST;
		hc.fast_in[0] = fz_chance(50) ? 0 : fz_rand();
		break;
	case 1:
		hc_memory(&hc, PT_CALL_SELF_INFO, 0, 0,
			  sizeof(struct pt_self_info));
		break;
	case 2:
		hc_memory(&hc,
			  fz_chance(50) ? PT_CALL_HV_INFO
					: PT_CALL_PARTITION_LIST,
			  0, 0, FZ_PAGE);
		break;
	case 3:
		hc_memory(&hc, PT_CALL_LOG_READ,
			  block(&from_seq, sizeof(from_seq)), 8, FZ_PAGE);
		break;
	case 4:
		/* A list the driver must refuse: longer than its page. */
		n = FZ_PAGE / 8 + 1 + fz_below(PT_HC_REP_MAX - FZ_PAGE / 8);
		for (i = 0; i < FZ_PAGE / 8; i++)
			gpfns[i] = fz_rand();
		hc_memory(&hc, PT_CALL_QUERY_PAGES, block(gpfns, FZ_PAGE),
			  FZ_PAGE, FZ_PAGE);
		hc.rep_count = (uint16_t)n;
		hc.rep_start = (uint16_t)fz_below(n);
		break;
	case 5:
		hc_memory(&hc, by_ref[fz_below(4)], block(&ref, sizeof(ref)),
			  sizeof(ref), FZ_PAGE);
		break;
	case 6:
		hc.code = PT_CALL_GET_CALL_STATS;
		hc.flags = PT_IOC_HC_FAST;
		hc.fast_in[0] = fz_below(PT_CALL_STATS_MAX + 2);
		break;
	case 7:
		hc_memory(&hc,
			  fz_chance(50) ? PT_CALL_GET_ENTRY_HISTOGRAM
					: PT_CALL_EVTCHN_STATUS,
			  random_block(8), 8, FZ_PAGE);
		break;
	default:
		/* An unassigned code, in either form. */
		hc.code = (uint16_t)(UNASSIGNED_CODES + fz_below(0x8000));
		if (fz_chance(50))
			hc.flags = PT_IOC_HC_FAST;
		else
			hc_memory(&hc, hc.code, random_block(64), 64, 64);
		break;
	}
	memcpy(p, &hc, sizeof(hc));
}

/* Element sizes of the memory rep calls' lists, as the driver bounds them. */
static int hc_rep_list(const struct pt_ioc_hypercall *hc)
{
	uint32_t size;

	switch (hc->code) {
	case PT_CALL_QUERY_PAGES:
	case PT_CALL_GRANT_UNMAP:
		size = 8;
		break;
	case PT_CALL_GRANT_MAP:
		size = 16;
		break;
	case PT_CALL_GRANT_COPY:
		size = 24;
		break;
	default:
		return EINVAL;
	}
	return (uint32_t)hc->rep_count * size > FZ_PAGE ? E2BIG : 0;
}

/* What the driver refuses from the fields alone, before any copy or call. */
static int hc_fields(const struct pt_ioc_hypercall *hc)
{
	int fast = hc->flags & PT_IOC_HC_FAST;

	if (hc->reserved || (hc->flags & ~PT_IOC_HC_FAST))
		return EINVAL;
	if (hc->rep_count > PT_HC_REP_MAX || hc->rep_start > PT_HC_REP_MAX)
		return EINVAL;
	if (fast && (hc->in_size || hc->out_size))
		return EINVAL;
	if (hc->in_size > PT_IOC_HC_BLOCK_MAX ||
	    hc->out_size > PT_IOC_HC_BLOCK_MAX)
		return E2BIG;
	if (!fast && hc->rep_count)
		return hc_rep_list(hc);
	return 0;
}

/*
 * Whatever else was mutated, a call that is made is one of the harmless
 * ones; QUERY_PAGES stays only where its fields make the driver refuse it.
 */
static void hc_harmless(const struct fz_state *st, uint8_t *p)
{
	struct pt_ioc_hypercall hc;

	(void)st;
	memcpy(&hc, p, sizeof(hc));
	if (hc.code == PT_CALL_QUERY_PAGES ? !hc_fields(&hc)
					   : !fz_hcall_harmless(hc.code))
		hc.code = harmless_code();
	memcpy(p, &hc, sizeof(hc));
}

static int hc_expect(const struct fz_call *c)
{
	struct pt_ioc_hypercall hc;
	int fast, err;

	memcpy(&hc, c->p, sizeof(hc));
	fast = hc.flags & PT_IOC_HC_FAST;
	err = hc_fields(&hc);
	if (err)
		return err;
	if (!fz_range_ok(hc.in_ptr, fast ? 0 : hc.in_size, 0))
		return EFAULT;
	/* The call is made; only copying its answers back can fail. */
	if (!fz_range_ok(hc.out_ptr, fast ? 0 : hc.out_size, 1) || !c->writable)
		return EFAULT;
	return 0;
}

static void version_valid(const struct fz_state *st, uint8_t *p)
{
	(void)st;
	memset(p, 0, sizeof(struct pt_ioc_version));
}

static int version_expect(const struct fz_call *c)
{
	return c->writable ? 0 : EFAULT;
}

static void mask_valid(const struct fz_state *st, uint8_t *p)
{
	struct pt_ioc_event_mask m = { .abi_version = V,
				       .mask = fz_rand() & PT_ROOT_EVENT_ALL };

	(void)st;
	memcpy(p, &m, sizeof(m));
}

static int mask_expect(const struct fz_call *c)
{
	struct pt_ioc_event_mask m;

	memcpy(&m, c->p, sizeof(m));
	return m.reserved || (m.mask & ~PT_ROOT_EVENT_ALL) ? EINVAL : 0;
}

static int open_expect(const struct fz_call *c)
{
	(void)c;
	return FZ_ANY; /* a new descriptor, or ENODEV, EMFILE */
}

static uint32_t any_port(const struct fz_state *st)
{
	if (st->nports && fz_chance(80))
		return st->ports[fz_below(st->nports)];
	return fz_below(PT_EVTCHN_PORTS + 2);
}

static void evtchn_fill(const struct fz_state *st, uint8_t *p)
{
	struct pt_ioc_evtchn e = { .abi_version = V };

	e.remote_id = fz_chance(70) ? 0 : fz_below(8);
	if (st->nunbound && fz_chance(70))
		e.remote_port = st->unbound[fz_below(st->nunbound)];
	else
		e.remote_port = fz_below(PT_EVTCHN_PORTS);
	e.virq = fz_below(PT_VIRQ_COUNT + 2);
	e.port = any_port(st);
	memcpy(p, &e, sizeof(e));
}

static int port_known(const struct fz_state *st, uint32_t port)
{
	unsigned int i;

	for (i = 0; i < st->nports; i++) {
		if (st->ports[i] == port)
			return 1;
	}
	return 0;
}

static int evtchn_bind_expect(const struct fz_call *c)
{
	struct pt_ioc_evtchn e;

	memcpy(&e, c->p, sizeof(e));
	return e.reserved ? EINVAL : FZ_ANY;
}

/* UNBIND, NOTIFY, UNMASK: a port not bound through this file is ENOENT. */
static int evtchn_port_expect(const struct fz_call *c)
{
	struct pt_ioc_evtchn e;

	memcpy(&e, c->p, sizeof(e));
	if (e.reserved)
		return EINVAL;
	if (!port_known(c->st, e.port) && !c->st->ports_unknown)
		return ENOENT;
	return FZ_ANY;
}

static void gnt_map_valid(const struct fz_state *st, uint8_t *p)
{
	struct pt_ioc_gnt_map m = { .abi_version = V };
	uint32_t refs[PT_IOC_GNT_MAP_MAX];
	uint32_t i;

	(void)st;
	m.granter = fz_below(4);
	m.count = 1 + (fz_chance(70) ? fz_below(4) : fz_below(64));
	m.flags = fz_below(2);
	for (i = 0; i < m.count; i++)
		refs[i] = fz_below(64);
	m.refs_ptr = block(refs, m.count * sizeof(refs[0]));
	memcpy(p, &m, sizeof(m));
}

static int gnt_map_expect(const struct fz_call *c)
{
	struct pt_ioc_gnt_map m;

	memcpy(&m, c->p, sizeof(m));
	if (!m.count || (m.flags & ~PT_IOC_GNT_READONLY) || m.granter > 0xFFFF)
		return EINVAL;
	if (m.count > PT_IOC_GNT_MAP_MAX)
		return E2BIG;
	if (!fz_range_ok(m.refs_ptr, (uint64_t)m.count * 4, 0))
		return EFAULT;
	return FZ_ANY;
}

static void gnt_unmap_valid(const struct fz_state *st, uint8_t *p)
{
	struct pt_ioc_gnt_unmap u = { .abi_version = V };

	(void)st;
	u.offset = (uint64_t)fz_below(64) * FZ_PAGE;
	memcpy(p, &u, sizeof(u));
}

static int gnt_unmap_expect(const struct fz_call *c)
{
	struct pt_ioc_gnt_unmap u;

	memcpy(&u, c->p, sizeof(u));
	if (u.reserved || (u.offset & (FZ_PAGE - 1)))
		return EINVAL;
	/* No guest grants the fuzzer anything: it holds no mapping. */
	return c->st->maps_held ? FZ_ANY : ENOENT;
}

static void gnt_copy_valid(const struct fz_state *st, uint8_t *p)
{
	struct pt_ioc_gnt_copy g = { .abi_version = V };

	(void)st;
	g.granter = fz_below(4);
	g.ref = fz_below(64);
	g.flags = fz_below(2);
	g.offset = fz_below(FZ_PAGE);
	g.length = 1 + fz_below(FZ_PAGE - g.offset);
	g.buf_ptr = random_block(g.length);
	memcpy(p, &g, sizeof(g));
}

static int gnt_copy_expect(const struct fz_call *c)
{
	struct pt_ioc_gnt_copy g;

	memcpy(&g, c->p, sizeof(g));
	if (g.length > FZ_PAGE)
		return E2BIG;
	if (g.reserved || (g.flags & ~PT_GRANT_COPY_TO_GRANT) ||
	    g.granter > 0xFFFF || !g.length || g.offset >= FZ_PAGE ||
	    g.offset + g.length > FZ_PAGE)
		return EINVAL;
	if ((g.flags & PT_GRANT_COPY_TO_GRANT) &&
	    !fz_range_ok(g.buf_ptr, g.length, 0))
		return EFAULT;
	return FZ_ANY;
}

static void msg_connect_valid(const struct fz_state *st, uint8_t *p)
{
	struct pt_ioc_msg_connect m = { .abi_version = V };

	(void)st;
	m.sender = fz_chance(50) ? PT_MSG_ANY_SENDER : fz_below(4);
	m.depth = fz_below(PT_MSG_QUEUE_MAX + 1);
	memcpy(p, &m, sizeof(m));
}

static int msg_connect_expect(const struct fz_call *c)
{
	struct pt_ioc_msg_connect m;

	memcpy(&m, c->p, sizeof(m));
	return m.depth > PT_MSG_QUEUE_MAX ? EINVAL : FZ_ANY;
}

static int conn_ours(const struct fz_state *st, uint32_t id)
{
	unsigned int i;

	for (i = 0; i < st->nconns; i++) {
		if (st->conns[i] == id)
			return 1;
	}
	return 0;
}

static void msg_post_valid(const struct fz_state *st, uint8_t *p)
{
	struct pt_ioc_msg_post m = { .abi_version = V };
	uint32_t i;

	if (st->nconns && fz_chance(70))
		m.msg.connection_id = st->conns[fz_below(st->nconns)];
	else
		m.msg.connection_id =
			pt_msg_connection_id(1 + fz_below(4), 0, fz_below(16));
	m.msg.message_type = 1 + fz_below(16);
	m.msg.payload_size = fz_below(PT_MSG_PAYLOAD_MAX + 1);
	for (i = 0; i < m.msg.payload_size; i++)
		m.msg.payload[i] = (uint8_t)fz_rand();
	memcpy(p, &m, sizeof(m));
}

/*
 * Root connections that are not the fuzzer's belong to the root's
 * daemons: a post goes to one of ours or to no connection at all.
 */
static void msg_post_harmless(const struct fz_state *st, uint8_t *p)
{
	struct pt_ioc_msg_post m;
	uint32_t id;

	memcpy(&m, p, sizeof(m));
	id = m.msg.connection_id;
	if (id >= pt_msg_connection_id(0, 0, 0) &&
	    id <= pt_msg_connection_id(0, 15, 15) && !conn_ours(st, id))
		m.msg.connection_id = st->nconns ? st->conns[0] : 0;
	memcpy(p, &m, sizeof(m));
}

static int msg_post_expect(const struct fz_call *c)
{
	struct pt_ioc_msg_post m;

	memcpy(&m, c->p, sizeof(m));
	if (m.msg.reserved)
		return EINVAL;
	/* The post is made; the ioctl fails only if status cannot go back. */
	return c->writable ? 0 : EFAULT;
}

#define EVTCHN(nm, request, expect_fn)                                   \
	{                                                                \
		nm, FZ_EVTCHN, request, sizeof(struct pt_ioc_evtchn), 1, \
			evtchn_fill, NULL, expect_fn, 0,                 \
		{                                                        \
			0                                                \
		}                                                        \
	}

const struct fz_req fz_reqs[] = {
	{ "GET_VERSION",
	  FZ_DEV,
	  PT_IOC_GET_VERSION,
	  sizeof(struct pt_ioc_version),
	  0,
	  version_valid,
	  NULL,
	  version_expect,
	  0,
	  { 0 } },
	{ "HYPERCALL",
	  FZ_DEV,
	  PT_IOC_HYPERCALL,
	  sizeof(struct pt_ioc_hypercall),
	  1,
	  hc_valid,
	  hc_harmless,
	  hc_expect,
	  2,
	  { offsetof(struct pt_ioc_hypercall, in_ptr),
	    offsetof(struct pt_ioc_hypercall, out_ptr) } },
	{ "SET_EVENT_MASK",
	  FZ_DEV,
	  PT_IOC_SET_EVENT_MASK,
	  sizeof(struct pt_ioc_event_mask),
	  1,
	  mask_valid,
	  NULL,
	  mask_expect,
	  0,
	  { 0 } },
	{ "EVTCHN_OPEN",
	  FZ_DEV,
	  PT_IOC_EVTCHN_OPEN,
	  0,
	  0,
	  NULL,
	  NULL,
	  open_expect,
	  0,
	  { 0 } },
	{ "GNTDEV_OPEN",
	  FZ_DEV,
	  PT_IOC_GNTDEV_OPEN,
	  0,
	  0,
	  NULL,
	  NULL,
	  open_expect,
	  0,
	  { 0 } },
	{ "MSG_OPEN",
	  FZ_DEV,
	  PT_IOC_MSG_OPEN,
	  0,
	  0,
	  NULL,
	  NULL,
	  open_expect,
	  0,
	  { 0 } },
	EVTCHN("EVTCHN_BIND_UNBOUND", PT_IOC_EVTCHN_BIND_UNBOUND,
	       evtchn_bind_expect),
	EVTCHN("EVTCHN_BIND_INTERDOMAIN", PT_IOC_EVTCHN_BIND_INTERDOMAIN,
	       evtchn_bind_expect),
	EVTCHN("EVTCHN_BIND_VIRQ", PT_IOC_EVTCHN_BIND_VIRQ, evtchn_bind_expect),
	EVTCHN("EVTCHN_UNBIND", PT_IOC_EVTCHN_UNBIND, evtchn_port_expect),
	EVTCHN("EVTCHN_NOTIFY", PT_IOC_EVTCHN_NOTIFY, evtchn_port_expect),
	EVTCHN("EVTCHN_UNMASK", PT_IOC_EVTCHN_UNMASK, evtchn_port_expect),
	{ "GNT_MAP_GRANTS",
	  FZ_GNT,
	  PT_IOC_GNT_MAP_GRANTS,
	  sizeof(struct pt_ioc_gnt_map),
	  1,
	  gnt_map_valid,
	  NULL,
	  gnt_map_expect,
	  1,
	  { offsetof(struct pt_ioc_gnt_map, refs_ptr) } },
	{ "GNT_UNMAP_GRANTS",
	  FZ_GNT,
	  PT_IOC_GNT_UNMAP_GRANTS,
	  sizeof(struct pt_ioc_gnt_unmap),
	  1,
	  gnt_unmap_valid,
	  NULL,
	  gnt_unmap_expect,
	  0,
	  { 0 } },
	{ "GNT_COPY",
	  FZ_GNT,
	  PT_IOC_GNT_COPY,
	  sizeof(struct pt_ioc_gnt_copy),
	  1,
	  gnt_copy_valid,
	  NULL,
	  gnt_copy_expect,
	  1,
	  { offsetof(struct pt_ioc_gnt_copy, buf_ptr) } },
	{ "MSG_CONNECT",
	  FZ_MSG,
	  PT_IOC_MSG_CONNECT,
	  sizeof(struct pt_ioc_msg_connect),
	  1,
	  msg_connect_valid,
	  NULL,
	  msg_connect_expect,
	  0,
	  { 0 } },
	{ "MSG_POST",
	  FZ_MSG,
	  PT_IOC_MSG_POST,
	  sizeof(struct pt_ioc_msg_post),
	  1,
	  msg_post_valid,
	  msg_post_harmless,
	  msg_post_expect,
	  0,
	  { 0 } },
};
const unsigned int fz_nreqs = sizeof(fz_reqs) / sizeof(fz_reqs[0]);

/* Every errno root-driver.md names, and what the VFS adds. */
int fz_errno_documented(int err)
{
	switch (err) {
	case 0:
	case EPROTO:
	case EPERM:
	case EINVAL:
	case E2BIG:
	case EFAULT:
	case ENOTTY:
	case ENODEV:
	case ENOENT:
	case ESRCH:
	case EACCES:
	case ENOSPC:
	case EBUSY:
	case ENOMEM:
	case EAGAIN:
	case EOPNOTSUPP:
	case EIO:
	case EMFILE:
		return 1;
	default:
		return 0;
	}
}
