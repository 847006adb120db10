// SPDX-License-Identifier: MIT
/*
 * The hypercall fuzzer's generator: random call codes, flags, rep fields,
 * register values, GPAs and input blocks, weighted towards what reaches
 * the hypervisor's checks, and never asking the hypervisor to write into
 * the fuzzer's own image (see the layout in hcall-fuzz.h).
 */
#include <partita/events.h>
#include <partita/grants.h>
#include <partita/messages.h>
#include <partita/vpap.h>
#include <partita-guest/cpu.h>

#include "hcall-fuzz.h"
#include "string.h"

#define ARENA_OUT (FZ_ARENA_BYTES / 2) /* outputs in the upper half */
#define WINDOW PT_GUEST_GRANT_WINDOW_GPA
#define WINDOW_PAGES (PT_GUEST_GRANT_WINDOW_SIZE / FZ_PAGE)

void fz_seed(struct fz_vcpu *z, uint64_t seed, unsigned vcpu)
{
	/* splitmix64 over seed and vCPU: independent, reproducible streams */
	uint64_t x = seed ^ (0xD1B54A32D192ED03ull * (vcpu + 1));

	for (unsigned i = 0; i < 4; i++) {
		uint64_t r;

		x += 0x9E3779B97F4A7C15ull;
		r = x;
		r = (r ^ (r >> 30)) * 0xBF58476D1CE4E5B9ull;
		r = (r ^ (r >> 27)) * 0x94D049BB133111EBull;
		z->rng[i] = r ^ (r >> 31);
	}
}

void fz_pool_add(struct fz_pool *p, uint64_t v)
{
	p->v[p->next] = v;
	p->next = (p->next + 1) % FZ_POOL;
	if (p->n < FZ_POOL)
		p->n++;
}

/* Always draws one number, so the stream does not depend on results. */
uint64_t fz_pool_pick(struct fz_vcpu *z, struct fz_pool *p, uint64_t dflt)
{
	uint64_t r = fz_next(z);

	return p->n ? p->v[r % p->n] : dflt;
}

static int within(uint64_t a, uint64_t b, uint64_t lo, uint64_t hi)
{
	return a >= lo && b <= hi;
}

int fz_write_safe(const struct fz_vcpu *z, uint64_t gpa, uint64_t len)
{
	unsigned __int128 end = (unsigned __int128)gpa + len;
	uint64_t b;

	if (!len || gpa >= fz.ram)
		return 1; /* nothing in RAM: the hypervisor must refuse */
	b = end > fz.ram ? fz.ram : (uint64_t)end;
	return within(gpa, b, fz.event, fz.arena) ||
	       within(gpa, b, z->arena, z->arena + FZ_ARENA_BYTES) ||
	       within(gpa, b, fz.tail, fz.ram) ||
	       within(gpa, b, fz.hcpage + 8, fz.hcpage + FZ_PAGE) ||
	       within(gpa, b, fz.vpap[z->index] + 0x100,
		      fz.vpap[z->index] + FZ_PAGE);
}

/* Zeroing the grant table is harmless; anything else as for writes. */
static int zero_safe(const struct fz_vcpu *z, uint64_t gpa, uint64_t len)
{
	unsigned __int128 end = (unsigned __int128)gpa + len;

	if (gpa < fz.ram && gpa >= fz.grant &&
	    end <= (unsigned __int128)fz.arena)
		return 1;
	return fz_write_safe(z, gpa, len);
}

static uint64_t tail_page(struct fz_vcpu *z)
{
	return fz.tail + fz_below(z, (fz.ram - fz.tail) / FZ_PAGE) * FZ_PAGE;
}

/* A GPA for a block or list of len bytes whose own copy is at dflt. */
static uint64_t pick_gpa(struct fz_vcpu *z, uint64_t len, int write,
			 uint64_t dflt)
{
	uint64_t r = fz_below(z, 100), x = fz_next(z), gpa;
	uint64_t span = len < FZ_PAGE ? len : FZ_PAGE;

	if (r < 45)
		return dflt;
	if (r < 50)
		gpa = dflt + 1 + x % 7; /* misaligned */
	else if (r < 58) /* straddles the page boundary above dflt */
		gpa = ((dflt | (FZ_PAGE - 1)) + 1) -
		      8 * (1 + x % (span / 8 + 1));
	else if (r < 66) { /* at the end of RAM */
		static const int64_t offs[] = { 0, 8, -8, -16, -64, 4096 };

		gpa = fz.ram - (len & ~7ull) + offs[x % 6];
	} else if (r < 74) { /* outside RAM, the grant window included */
		static const uint64_t outs[] = {
			WINDOW,
			WINDOW + 0x1000,
			WINDOW - 8,
			0x140000000ull,
			1ull << 40,
			(1ull << 52) - 8,
			1ull << 63,
			~0ull - 7,
			~0ull,
			0xFFFFFFFFull - 7,
			0xFFFFFFFFFFFFF000ull,
		};

		gpa = x & 1 ? outs[(x >> 1) % 11]
			    : fz.ram + ((x >> 1) % 4096) * 8;
	} else if (r < 79) /* the hypercall page */
		gpa = fz.hcpage + (write ? 8 + (x % 504) * 8 : (x % 512) * 8);
	else if (r < 84) /* a VPAP; writes only to the caller's args area */
		gpa = write ? fz.vpap[z->index] + 0x100 + (x % 128) * 8
			    : fz.vpap[x % fz.vcpus] + ((x >> 8) % 512) * 8;
	else if (r < 90)
		gpa = tail_page(z) + (x % 512) * 8;
	else if (r < 94) { /* the page tables, start info and image: reads */
		static const uint64_t low[] = { 0,	0x1000, 0x2000, 0x3000,
						0x4000, 0x5000, 0x9000 };

		gpa = x & 1 ? low[(x >> 1) % 7]
			    : fz.image_start +
				      ((x >> 1) %
				       ((fz.image_end - fz.image_start) / 8)) *
					      8;
	} else if (r < 97) /* the event, message and grant pages */
		gpa = fz.grant + (x % ((fz.arena - fz.grant) / 8)) * 8;
	else
		gpa = x;
	if (write && !fz_write_safe(z, gpa, len))
		return dflt;
	return gpa;
}

/* A GPA an input block may come from when its bytes reach the log. */
static uint64_t console_gpa(struct fz_vcpu *z, uint64_t dflt)
{
	uint64_t gpa = pick_gpa(z, 8, 0, dflt);

	/* The image holds RESULT and PANIC strings: keep them out. */
	if (gpa >= fz.image_start && gpa < fz.sandbox &&
	    (gpa & ~(FZ_PAGE - 1)) != fz.hcpage &&
	    (gpa < fz.vpap[0] || gpa >= fz.vpap[fz.vcpus - 1] + FZ_PAGE))
		return dflt;
	return gpa;
}

static uint64_t pick_port(struct fz_vcpu *z)
{
	uint64_t r = fz_below(z, 100), x = fz_next(z);
	uint64_t pooled = fz_pool_pick(z, &z->ports, 1);

	if (r < 55)
		return pooled;
	if (r < 80)
		return 1 + x % 16;
	if (r < 84)
		return 0;
	if (r < 88)
		return PT_EVTCHN_PORTS - 1 + x % 2;
	if (r < 92)
		return (1ull << 32) + 1 + x % 4; /* a port only if truncated */
	return x % 5 ? x % 8192 : x;
}

static uint64_t pick_partition(struct fz_vcpu *z)
{
	uint64_t r = fz_below(z, 100), x = fz_next(z);

	if (r < 40)
		return fz.self_id;
	if (r < 70)
		return fz.worker_id;
	if (r < 76)
		return 0;
	if (r < 82)
		return 63 + x % 3;
	if (r < 88)
		return (1ull << 32) | fz.worker_id; /* truncation probe */
	return x % 3 ? x % 256 : x;
}

static uint64_t pick_vcpu(struct fz_vcpu *z)
{
	uint64_t r = fz_below(z, 100), x = fz_next(z);

	if (r < 80)
		return x % fz.vcpus;
	if (r < 90)
		return fz.vcpus + x % 8;
	return x;
}

static uint64_t pick_conn(struct fz_vcpu *z)
{
	uint64_t r = fz_below(z, 100), x = fz_next(z);
	uint64_t pooled = fz_pool_pick(z, &z->conns, 0x10000);

	if (r < 45)
		return pt_msg_connection_id(fz.self_id,
					    (uint32_t)(x % fz.vcpus),
					    (uint32_t)((x >> 8) % 16));
	if (r < 60)
		return pt_msg_connection_id(fz.worker_id, 0, 0);
	if (r < 75)
		return pooled;
	if (r < 85)
		return pt_msg_connection_id((uint32_t)(x % 70),
					    (uint32_t)((x >> 8) % 16),
					    (uint32_t)((x >> 16) % 16));
	return x % 2 ? (uint32_t)x : x;
}

static uint64_t pick_ref(struct fz_vcpu *z)
{
	uint64_t r = fz_below(z, 100), x = fz_next(z);
	uint64_t entries =
		(uint64_t)fz.grant_frames * PT_GRANT_ENTRIES_PER_FRAME;

	if (r < 50)
		return x % 16;
	if (r < 75)
		return x % entries;
	if (r < 85)
		return entries - 1 + x % 3;
	if (r < 90)
		return (1ull << 32) + x % 4;
	return x % 2 ? (uint32_t)x : x;
}

/* A plain register value: boundaries, ids, pooled results, GPAs. */
static uint64_t pick_value(struct fz_vcpu *z)
{
	uint64_t r = fz_below(z, 16), x = fz_next(z);

	switch (r) {
	case 0:
		return 0;
	case 1:
		return 1;
	case 2:
		return x % 16;
	case 3:
		return fz.self_id;
	case 4:
		return fz.worker_id;
	case 5:
		return 63 + x % 2;
	case 6:
		return 0xFFFF + x % 2;
	case 7:
		return (1ull << 32) | (x % 16);
	case 8:
		return ~0ull;
	case 9:
		return 1ull << 63;
	case 10:
		return x;
	case 11:
		return (uint32_t)x;
	case 12:
		return pick_port(z);
	case 13:
		return pick_conn(z);
	case 14:
		return pick_gpa(z, 8, 0, z->arena);
	default:
		return ((x % fz.vcpus) << 32) | fz.self_id;
	}
}

static uint32_t pick_count(struct fz_vcpu *z)
{
	uint64_t r = fz_below(z, 100), x = fz_next(z);

	if (r < 55)
		return 1 + x % 4;
	if (r < 80)
		return 5 + x % 60;
	if (r < 93)
		return 65 + x % 448;
	return 513 + x % (PT_HC_REP_MAX - 512);
}

static uint16_t pick_code(struct fz_vcpu *z)
{
	static const uint16_t unknown[] = {
		0x0000, 0x00FF, 0xFFFF, 0x000B, 0x000C, 0x000F, 0x0012, 0x003F,
		0x0044, 0x004F, 0x005C, 0x005F, 0x006A, 0x006F, 0x0075, 0x0077,
		0x007F, 0x0080, 0x0081, 0x00FE, 0x0100, 0x7FFF, 0x8000, 0x8001,
	};
	static const uint16_t high[] = { 0x0100, 0x4000, 0x8000, 0x0200 };
	uint64_t r = fz_below(z, 100), x = fz_next(z), y = fz_next(z);
	const struct fz_spec *s = &fz_specs[x % fz_spec_count];

	if (r < 82) {
		/* root-only calls all end in ACCESS_DENIED: fewer of them */
		if (s->form & FZ_ROOT)
			s = &fz_specs[y % fz_spec_count];
		return s->code;
	}
	if (r < 92)
		return unknown[y % (sizeof(unknown) / sizeof(unknown[0]))];
	if (r < 96) /* a known code with high bits: must stay unknown */
		return (uint16_t)(s->code | high[y % 4]);
	return (uint16_t)y;
}

/* Console text: lower case, digits and control bytes, never ':' or A-Z. */
static void fill_text(struct fz_vcpu *z, uint8_t *p, uint32_t n)
{
	static const char alpha[] =
		"abcdefghijklmnopqrstuvwxyz0123456789 .,-=_/";

	for (uint32_t i = 0; i < n; i++) {
		uint64_t x = fz_next(z);

		if (x % 211 == 0)
			p[i] = '\n';
		else if (x % 89 == 0)
			p[i] = (uint8_t)(0x80 | (x >> 8)); /* replaced by '?' */
		else if (x % 83 == 0)
			p[i] = (uint8_t)((x >> 8) % 0x20);
		else
			p[i] = (uint8_t)alpha[(x >> 8) % (sizeof(alpha) - 1)];
	}
}

static void fill_random(struct fz_vcpu *z, void *dst, uint32_t n)
{
	uint8_t *p = dst;

	for (uint32_t i = 0; i < n; i += 8) {
		uint64_t x = fz_next(z);

		memcpy(p + i, &x, n - i < 8 ? n - i : 8);
	}
}

static uint64_t deadline_near(struct fz_vcpu *z)
{
	uint64_t now = fz_now_ns(), r = fz_below(z, 100), x = fz_next(z);

	if (r < 60)
		return now + x % 2000000; /* within 2 ms */
	if (r < 80)
		return now > 1000000 ? now - x % 1000000 : 1;
	if (r < 90)
		return 1;
	return now ? now : 1;
}

static uint64_t deadline_any(struct fz_vcpu *z)
{
	uint64_t r = fz_below(z, 100), x = fz_next(z);

	if (r < 20)
		return 0; /* cancels */
	if (r < 60)
		return deadline_near(z);
	if (r < 70)
		return fz_now_ns() + x % 100000000;
	if (r < 80)
		return ~0ull - x % 4;
	if (r < 90)
		return 1ull << 63;
	return x;
}

static void gen_console(struct fz_vcpu *z, struct fz_call *c)
{
	uint64_t off = fz_below(z, 4096 / 8) * 8, r = fz_below(z, 100);
	uint64_t x = fz_next(z), room;
	struct pt_console_write_in *in;
	uint32_t len;

	/* Blocks in the lower half of the arena, pages 0..15 of it. */
	off += fz_below(z, 15) * FZ_PAGE;
	in = (void *)(uintptr_t)(z->arena + off);
	room = FZ_PAGE - (off & (FZ_PAGE - 1)) - 8;
	/* long texts are few: the log keeps 50 lines a second of them */
	if (r < 5)
		len = 0;
	else if (r < 80)
		len = 1 + x % 60;
	else if (r < 86)
		len = 150 + x % 20;
	else if (r < 91)
		len = (uint32_t)room + (x % 2); /* fits exactly, or one over */
	else if (r < 95)
		len = PT_CONSOLE_WRITE_MAX + (x % 2);
	else
		len = (uint32_t)x;
	in->length = len;
	in->reserved = fz_chance(z, 93) ? 0 : (uint32_t)fz_next(z);
	fill_text(z, in->text, len < room ? len : (uint32_t)room);
	c->rdx = console_gpa(z, pt_gpa(in));
	c->r8 = pick_value(z);
}

static void gen_query(struct fz_vcpu *z, struct fz_call *c, uint32_t start,
		      uint32_t count)
{
	uint64_t *in = (void *)(uintptr_t)z->arena;
	uint64_t out = z->arena + ARENA_OUT;
	uint64_t fit = ARENA_OUT / 8;

	for (uint32_t i = start; i < count && i < fit; i++) {
		uint64_t x = fz_next(z), ram_pages = fz.ram / FZ_PAGE;

		switch (x % 8) {
		case 0:
			in[i] = (x >> 8) % ram_pages;
			break;
		case 1:
			in[i] = ram_pages - 1 + (x >> 8) % 2;
			break;
		case 2:
			in[i] = fz.hcpage / FZ_PAGE;
			break;
		case 3:
			in[i] = fz.vpap[(x >> 8) % fz.vcpus] / FZ_PAGE;
			break;
		case 4:
			in[i] = WINDOW / FZ_PAGE + (x >> 8) % 8;
			break;
		case 5:
			in[i] = x >> 8;
			break;
		default:
			in[i] = (fz.sandbox / FZ_PAGE) + (x >> 8) % 256;
		}
	}
	c->rdx = pick_gpa(z, (uint64_t)count * 8, 0, pt_gpa(in));
	c->r8 = pick_gpa(z, (uint64_t)count * 8, 1, out);
	/* the list is written from element `start` on */
	if (!fz_write_safe(z, c->r8 + (uint64_t)start * 8,
			   (uint64_t)(count - start) * 8))
		c->r8 = out;
	if (!fz_write_safe(z, c->r8 + (uint64_t)start * 8,
			   (uint64_t)(count - start) * 8))
		c->r8 = fz.ram; /* too long for the arena: outside RAM */
	c->out_arena = c->r8 == out ? out : 0;
}

static void gen_zero(struct fz_vcpu *z, struct fz_call *c, uint32_t start,
		     uint32_t count)
{
	uint64_t r = fz_below(z, 100), x = fz_next(z);
	uint64_t ram_pages = fz.ram / FZ_PAGE, gpfn;

	if (r < 30)
		gpfn = tail_page(z) / FZ_PAGE;
	else if (r < 45)
		gpfn = z->arena / FZ_PAGE + x % (FZ_ARENA_BYTES / FZ_PAGE);
	else if (r < 60)
		gpfn = fz.grant / FZ_PAGE +
		       x % ((fz.arena - fz.grant) / FZ_PAGE);
	else if (r < 75)
		gpfn = ram_pages - x % 8; /* runs off the end of RAM */
	else if (r < 82)
		gpfn = ram_pages + x % 1024;
	else if (r < 90)
		gpfn = ~0ull - x % 4; /* GPFN + i overflows */
	else if (r < 95)
		gpfn = (WINDOW / FZ_PAGE) + x % 16;
	else
		gpfn = x;
	/*
	 * Pages in RAM must be ones the fuzzer may lose. GPFNs at or above
	 * the end of RAM stay, wrapping ones included: the hypervisor must
	 * refuse every element from there on.
	 */
	if (gpfn < ram_pages && !zero_safe(z, (gpfn + start) * FZ_PAGE,
					   (uint64_t)(count - start) * FZ_PAGE))
		gpfn = ram_pages;
	c->rdx = gpfn;
	c->r8 = pick_value(z);
}

/* A page GPA for EVTCHN_SET_PAGE, MSG_SET_PAGE or GRANT_SET_TABLE. */
static uint64_t pick_shared_page(struct fz_vcpu *z, uint64_t home,
				 uint64_t home_pages)
{
	uint64_t r = fz_below(z, 100), x = fz_next(z);

	if (r < 55)
		return home + (x % home_pages) * FZ_PAGE;
	if (r < 63)
		return 0;
	if (r < 68)
		return home + 8 * (1 + x % 511); /* not page-aligned */
	if (r < 78) /* an event, message or MSR page: overlap probes */
		return fz.event +
		       (x % ((fz.arena - fz.event) / FZ_PAGE)) * FZ_PAGE;
	if (r < 82)
		return fz.hcpage;
	if (r < 86)
		return fz.vpap[x % fz.vcpus];
	if (r < 90)
		return fz.ram - FZ_PAGE * (x % 2);
	if (r < 94)
		return WINDOW + (x % 4) * FZ_PAGE;
	if (r < 97)
		return tail_page(z);
	return x >= fz.ram ? x : fz.ram + (x % 64) * FZ_PAGE;
}

static void gen_grant_map(struct fz_vcpu *z, struct fz_call *c, uint32_t start,
			  uint32_t count)
{
	struct pt_grant_map_in *in = (void *)(uintptr_t)z->arena;
	uint64_t out = z->arena + ARENA_OUT;
	uint64_t fit = ARENA_OUT / sizeof(*in);

	for (uint32_t i = start; i < count && i < fit; i++) {
		uint64_t x = fz_next(z), y = fz_next(z);

		in[i].granter = (uint16_t)pick_partition(z);
		in[i].flags = x % 10 < 6   ? 0
			      : x % 10 < 9 ? PT_GRANT_MAP_READONLY
					   : (uint16_t)(x >> 8);
		in[i].ref = (uint32_t)pick_ref(z);
		switch (y % 10) {
		case 0:
		case 1:
		case 2:
			in[i].gpa =
				WINDOW + ((y >> 8) % WINDOW_PAGES) * FZ_PAGE;
			break;
		case 3:
		case 4:
			in[i].gpa = WINDOW + ((y >> 8) % 32) * FZ_PAGE;
			break;
		case 5:
			in[i].gpa = WINDOW + 8 * (1 + (y >> 8) % 511);
			break;
		case 6:
			in[i].gpa = WINDOW + PT_GUEST_GRANT_WINDOW_SIZE -
				    FZ_PAGE * ((y >> 8) % 2);
			break;
		case 7:
			in[i].gpa = tail_page(z);
			break;
		case 8:
			in[i].gpa = WINDOW - FZ_PAGE;
			break;
		default:
			in[i].gpa = y;
		}
	}
	c->rdx = pick_gpa(z, (uint64_t)count * sizeof(*in), 0, pt_gpa(in));
	c->r8 = pick_gpa(z, (uint64_t)count * 8, 1, out);
	if (!fz_write_safe(z, c->r8 + (uint64_t)start * 8,
			   (uint64_t)(count - start) * 8))
		c->r8 = out;
	if (!fz_write_safe(z, c->r8 + (uint64_t)start * 8,
			   (uint64_t)(count - start) * 8))
		c->r8 = fz.ram;
	c->out_arena = c->r8 == out ? out : 0;
}

static void gen_grant_unmap(struct fz_vcpu *z, struct fz_call *c,
			    uint32_t start, uint32_t count)
{
	uint64_t *in = (void *)(uintptr_t)z->arena;
	uint64_t fit = FZ_ARENA_BYTES / 8;

	for (uint32_t i = start; i < count && i < fit; i++) {
		uint64_t x = fz_next(z);
		uint64_t pooled = fz_pool_pick(z, &z->handles, x % 64);

		in[i] = x % 10 < 7   ? pooled
			: x % 10 < 8 ? (uint32_t)(x >> 8)
			: x % 10 < 9 ? (1ull << 32) | pooled
				     : x;
	}
	c->rdx = pick_gpa(z, (uint64_t)count * 8, 0, pt_gpa(in));
	c->r8 = pick_value(z);
}

static void gen_grant_copy(struct fz_vcpu *z, struct fz_call *c, uint32_t start,
			   uint32_t count)
{
	struct pt_grant_copy *in = (void *)(uintptr_t)z->arena;
	uint64_t fit = ARENA_OUT / sizeof(*in);

	for (uint32_t i = start; i < count && i < fit; i++) {
		uint64_t x = fz_next(z), y = fz_next(z), local;
		uint32_t len;

		in[i].granter = (uint16_t)pick_partition(z);
		in[i].flags = x % 10 < 5   ? 0
			      : x % 10 < 9 ? PT_GRANT_COPY_TO_GRANT
					   : (uint16_t)(x >> 8);
		in[i].ref = (uint32_t)pick_ref(z);
		len = y % 8 == 0   ? 0
		      : y % 8 == 1 ? 4096 + (uint32_t)((y >> 3) % 2)
				   : 1 + (uint32_t)((y >> 3) % 512);
		in[i].length = len;
		in[i].offset = (y >> 16) % 4 == 0
				       ? 4096 - (len & 4095)
				       : (uint32_t)((y >> 20) % 4200);
		local = pick_gpa(z, len ? len : 1,
				 !(in[i].flags & PT_GRANT_COPY_TO_GRANT),
				 z->arena + ARENA_OUT +
					 ((x >> 24) % 8) * FZ_PAGE);
		/* from the grant into local memory: only where that is safe */
		if (!(in[i].flags & PT_GRANT_COPY_TO_GRANT) &&
		    !fz_write_safe(z, local, len ? len : 1))
			local = fz.ram;
		in[i].local_gpa = local;
	}
	c->rdx = pick_gpa(z, (uint64_t)count * sizeof(*in), 0, pt_gpa(in));
	c->r8 = pick_value(z);
}

static void gen_msg_post(struct fz_vcpu *z, struct fz_call *c)
{
	uint64_t off = fz_below(z, 16) * 256 + fz_below(z, 8) * FZ_PAGE;
	struct pt_msg_post_in *in = (void *)(uintptr_t)(z->arena + off);
	uint64_t r = fz_below(z, 100), x = fz_next(z);

	in->connection_id = (uint32_t)pick_conn(z);
	in->message_type = r < 80   ? 1 + (uint32_t)(x % 16)
			   : r < 84 ? 0
			   : r < 88 ? PT_MSG_TYPE_MAX
			   : r < 92 ? PT_MSG_TYPE_MAX + 1
				    : (uint32_t)x;
	if (in->message_type == FZ_DONE_TYPE)
		in->message_type = 1; /* the worker's "done" note is not fuzz */
	r = fz_below(z, 100);
	in->payload_size = r < 85   ? (uint32_t)fz_below(z, 241)
			   : r < 90 ? 241
			   : r < 95 ? 255 + (uint32_t)fz_below(z, 2)
				    : (uint32_t)fz_next(z);
	in->reserved = fz_chance(z, 93) ? 0 : (uint32_t)fz_next(z);
	fill_random(z, in->payload, sizeof(in->payload));
	c->rdx = pick_gpa(z, sizeof(*in), 0, pt_gpa(in));
	c->r8 = pick_value(z);
}

static void gen_connection(struct fz_vcpu *z, struct fz_call *c)
{
	struct pt_msg_connection_in *in = (void *)(uintptr_t)(z->arena + 512);
	uint64_t out = z->arena + ARENA_OUT + 512;
	uint64_t r = fz_below(z, 100);

	in->vcpu = (uint32_t)pick_vcpu(z);
	in->slot = (uint32_t)(fz_chance(z, 85) ? fz_below(z, 16)
					       : fz_below(z, 64));
	in->sender = r < 40   ? PT_MSG_ANY_SENDER
		     : r < 65 ? fz.self_id
		     : r < 80 ? fz.worker_id
		     : r < 85 ? 0
			      : (uint32_t)fz_next(z);
	in->depth = (uint32_t)(fz_chance(z, 85) ? fz_below(z, 17)
						: fz_below(z, 256));
	c->rdx = pick_gpa(z, sizeof(*in), 0, pt_gpa(in));
	c->r8 = pick_gpa(z, 8, 1, out);
	c->out_arena = c->r8 == out ? out : 0;
}

/*
 * GRANT_SET_TABLE: the table's entries decide which frames GRANT_COPY
 * writes, so a table the hypervisor accepts must lie in the grant pages,
 * whose entries only the fuzzer writes. Everything else offered must be
 * refused: the registered event page (an overlap), the hypercall page, a
 * VPAP, pages running off the end of RAM, unaligned or outside GPAs.
 */
static void gen_grant_table(struct fz_vcpu *z, struct fz_call *c)
{
	uint64_t r = fz_below(z, 100), x = fz_next(z), y = fz_next(z);
	uint64_t frames = x % 10 < 7   ? 1 + (x >> 8) % fz.grant_frames
			  : x % 10 < 8 ? 0
			  : x % 10 < 9 ? PT_GRANT_FRAMES_MAX + (x >> 8) % 2
				       : x >> 8;
	uint64_t gpa;

	if (r < 60) {
		gpa = fz.grant + (y % 4) * FZ_PAGE;
		if (frames <= FZ_GRANT_PAGES &&
		    gpa + frames * FZ_PAGE >
			    fz.grant + FZ_GRANT_PAGES * FZ_PAGE)
			gpa = fz.grant;
	} else if (r < 68) {
		gpa = 0;
		frames = y % 3 ? 0 : frames;
	} else if (r < 73) {
		gpa = fz.grant + 8 * (1 + y % 511);
	} else if (r < 78) {
		gpa = fz_event_page;
		frames = 1;
	} else if (r < 82) {
		gpa = fz.hcpage;
	} else if (r < 86) {
		gpa = fz.vpap[y % fz.vcpus];
	} else if (r < 91) {
		gpa = fz.ram - FZ_PAGE;
		frames = 2 + y % 4;
	} else if (r < 96) {
		gpa = WINDOW + (y % 4) * FZ_PAGE;
	} else {
		gpa = y >= fz.ram ? y : fz.ram + (y % 64) * FZ_PAGE;
	}
	/* nothing outside the grant pages may be accepted as a table */
	if (gpa && gpa < fz.ram && frames && frames <= PT_GRANT_FRAMES_MAX &&
	    !(gpa & (FZ_PAGE - 1)) && gpa + frames * FZ_PAGE <= fz.ram &&
	    (gpa < fz.grant ||
	     gpa + frames * FZ_PAGE > fz.grant + FZ_GRANT_PAGES * FZ_PAGE) &&
	    gpa != fz_event_page && gpa != fz.hcpage &&
	    (gpa < fz.vpap[0] || gpa >= fz.vpap[fz.vcpus - 1] + FZ_PAGE))
		gpa = fz.grant;
	c->rdx = gpa;
	c->r8 = frames;
}

void fz_gen_call(struct fz_vcpu *z, struct fz_call *c)
{
	uint16_t code = pick_code(z);
	const struct fz_spec *s = fz_spec_of(code);
	uint32_t count = 0, start = 0;
	uint64_t fast, x;

	memset(c, 0, sizeof(*c));
	c->spec = s;
	c->exact = -1;
	fast = s ? (s->form & FZ_FAST) != 0 : fz_chance(z, 50);
	if (fz_chance(z, 10))
		fast = !fast;
	if (s && (s->form & FZ_REP)) {
		if (fz_chance(z, 90)) {
			count = pick_count(z);
			start = fz_chance(z, 70) ? 0
						 : (uint32_t)fz_below(z, count);
		} else if (fz_chance(z, 50)) {
			count = 0;
			start = (uint32_t)fz_below(z, PT_HC_REP_MAX + 1);
		} else {
			count = 1 + (uint32_t)fz_below(z, PT_HC_REP_MAX);
			start = count + (uint32_t)fz_below(
						z, PT_HC_REP_MAX + 1 - count);
		}
		/* big copies and zeroing are slow under emulation: rarely */
		if ((code == PT_CALL_ZERO_PAGES ||
		     code == PT_CALL_GRANT_COPY) &&
		    count > 64 && !fz_chance(z, 10)) {
			count = 1 + (uint32_t)fz_below(z, 64);
			start = start >= count ? 0 : start;
		}
	} else if (!fz_chance(z, 92)) {
		count = (uint32_t)fz_below(z, PT_HC_REP_MAX + 1);
		start = (uint32_t)fz_below(z, PT_HC_REP_MAX + 1);
	}
	c->rcx = pt_hc_input(code, (int)fast, count, start);
	x = fz_next(z);
	if (x % 100 < 4) { /* reserved RCX bits: 31:17, 47:44, 63:60 */
		static const uint8_t bits[] = { 17, 18, 20, 24, 30, 31, 44,
						45, 46, 47, 60, 61, 62, 63 };

		c->rcx |= 1ull << bits[(x >> 8) % sizeof(bits)];
	}
	/* a valid rep call's elements, clipped to what the RCX asks */
	if (count == 0 || start >= count) {
		count = 1;
		start = 0;
	}

	switch (code) {
	case PT_CALL_CONSOLE_WRITE:
		gen_console(z, c);
		break;
	case PT_CALL_SET_TIMER:
		c->rdx = deadline_any(z);
		c->r8 = pick_value(z);
		break;
	case PT_CALL_BLOCK:
		/* never 0 (no deadline): that could sleep for good */
		c->rdx = deadline_near(z);
		c->r8 = pick_value(z);
		break;
	case PT_CALL_SELF_INFO:
		c->rdx = pick_value(z);
		c->r8 = pick_gpa(z, 64, 1, z->arena + ARENA_OUT + 64);
		c->out_arena = c->r8 == z->arena + ARENA_OUT + 64 ? c->r8 : 0;
		break;
	case PT_CALL_SHUTDOWN_SELF:
		/* only reasons the hypervisor must refuse (0 and 1 end us) */
		x = fz_next(z);
		c->rdx = x % 4 == 0   ? (1ull << 32) + x % 2
			 : x % 4 == 1 ? 2 + (x >> 8) % 8
				      : (x | 2) & ~1ull;
		c->r8 = pick_value(z);
		c->exact = PT_STATUS_INVALID_PARAMETER;
		break;
	case PT_CALL_GET_CALL_STATS:
		x = fz_next(z);
		c->rdx = x % 10 < 8   ? (x >> 8) % PT_CALL_STATS_MAX
			 : x % 10 < 9 ? PT_CALL_STATS_MAX + (x >> 8) % 2
				      : (x >> 8) | (1ull << 32);
		c->r8 = fz_chance(z, 80) ? fz_below(z, 2) : fz_next(z);
		if (c->rdx >= PT_CALL_STATS_MAX || (c->r8 & ~1ull))
			c->exact = PT_STATUS_INVALID_PARAMETER;
		else
			c->exact = PT_STATUS_SUCCESS;
		break;
	case PT_CALL_GET_ENTRY_HISTOGRAM: {
		struct pt_entry_histogram_in *in =
			(void *)(uintptr_t)(z->arena + 1024);

		x = fz_next(z);
		in->code = x % 10 < 8 ? (uint32_t)((x >> 8) % PT_CALL_STATS_MAX)
				      : (uint32_t)(x >> 8);
		in->flags = fz_chance(z, 80) ? (uint32_t)fz_below(z, 2)
					     : (uint32_t)fz_next(z);
		c->rdx = pick_gpa(z, 8, 0, pt_gpa(in));
		c->r8 = pick_gpa(z, 80, 1, z->arena + ARENA_OUT + 1024);
		break;
	}
	case PT_CALL_QUERY_PAGES:
		gen_query(z, c, start, count);
		break;
	case PT_CALL_ZERO_PAGES:
		gen_zero(z, c, start, count);
		break;
	case PT_CALL_EVTCHN_SET_PAGE:
		c->rdx = pick_shared_page(z, fz.event, FZ_EVENT_PAGES);
		c->r8 = pick_value(z);
		break;
	case PT_CALL_EVTCHN_ALLOC_UNBOUND:
		c->rdx = fz_chance(z, 90)
				 ? (pick_partition(z) & 0xFFFFFFFFull) |
					   (pick_vcpu(z) << 32)
				 : fz_next(z);
		c->r8 = pick_value(z);
		break;
	case PT_CALL_EVTCHN_BIND_INTERDOMAIN:
		c->rdx = (pick_partition(z) & 0xFFFFFFFFull) |
			 (pick_vcpu(z) << 32);
		c->r8 = pick_port(z);
		break;
	case PT_CALL_EVTCHN_BIND_VIRQ:
		c->rdx = fz_chance(z, 90) ? fz_below(z, PT_VIRQ_COUNT + 1)
					  : fz_next(z);
		c->r8 = pick_vcpu(z);
		break;
	case PT_CALL_EVTCHN_CLOSE:
	case PT_CALL_EVTCHN_SEND:
	case PT_CALL_EVTCHN_MASK:
	case PT_CALL_EVTCHN_UNMASK:
	case PT_CALL_EVTCHN_BIND_VCPU:
		c->rdx = pick_port(z);
		c->r8 = code == PT_CALL_EVTCHN_BIND_VCPU ? pick_vcpu(z)
							 : pick_value(z);
		if (c->rdx == 0 || c->rdx >= PT_EVTCHN_PORTS)
			c->exact = PT_STATUS_INVALID_PORT_ID;
		break;
	case PT_CALL_EVTCHN_STATUS: {
		struct pt_evtchn_ref *in = (void *)(uintptr_t)(z->arena + 2048);

		in->port = (uint32_t)pick_port(z);
		in->reserved = fz_chance(z, 92) ? 0 : (uint32_t)fz_next(z);
		c->rdx = pick_gpa(z, 8, 0, pt_gpa(in));
		c->r8 = pick_gpa(z, 32, 1, z->arena + ARENA_OUT + 2048);
		break;
	}
	case PT_CALL_MSG_SET_PAGE:
		c->rdx =
			pick_shared_page(z, fz.msg + z->index * 2 * FZ_PAGE, 2);
		c->r8 = pick_value(z);
		break;
	case PT_CALL_MSG_CREATE_CONNECTION:
		gen_connection(z, c);
		break;
	case PT_CALL_MSG_DELETE_CONNECTION:
		c->rdx = pick_conn(z);
		c->r8 = pick_value(z);
		break;
	case PT_CALL_MSG_POST:
		gen_msg_post(z, c);
		break;
	case PT_CALL_MSG_EOM:
		c->rdx = fz_chance(z, 85) ? fz_below(z, PT_MSG_SLOTS)
					  : pick_value(z);
		c->r8 = pick_value(z);
		c->exact = c->rdx < PT_MSG_SLOTS ? PT_STATUS_SUCCESS
						 : PT_STATUS_INVALID_PARAMETER;
		break;
	case PT_CALL_GRANT_SET_TABLE:
		gen_grant_table(z, c);
		break;
	case PT_CALL_GRANT_MAP:
		gen_grant_map(z, c, start, count);
		break;
	case PT_CALL_GRANT_UNMAP:
		gen_grant_unmap(z, c, start, count);
		break;
	case PT_CALL_GRANT_COPY:
		gen_grant_copy(z, c, start, count);
		break;
	case PT_CALL_GRANT_END_ACCESS:
	case PT_CALL_GRANT_QUERY:
		c->rdx = pick_ref(z);
		c->r8 = pick_value(z);
		if (c->rdx >= (1ull << 32))
			c->exact = PT_STATUS_INVALID_GRANT_REF;
		break;
	case PT_CALL_NULL:
	case PT_CALL_GET_VERSION:
	case PT_CALL_YIELD:
	case PT_CALL_GRANT_WINDOW:
		c->rdx = pick_value(z);
		c->r8 = pick_value(z);
		c->exact = PT_STATUS_SUCCESS;
		break;
	default:
		/* unknown and root-only codes: anything, outputs kept safe */
		c->rdx = pick_gpa(z, 64, 0, z->arena);
		if (fz_chance(z, 50))
			c->rdx = pick_value(z);
		c->r8 = pick_gpa(z, 4096, 1, z->arena + ARENA_OUT);
		if (fz_chance(z, 30))
			c->r8 = pick_partition(z);
		break;
	}
	/* what the fuzzer must never do, whatever the generator chose */
	if (code == PT_CALL_SHUTDOWN_SELF && c->rdx < 2)
		c->rdx = 2;
	if (code == PT_CALL_BLOCK && c->rdx == 0)
		c->rdx = 1;
}

static uint64_t grant_entry(struct fz_vcpu *z)
{
	uint64_t x = fz_next(z), y = fz_next(z);
	uint16_t flags = PT_GRANT_PERMIT | (x % 4 == 0 ? PT_GRANT_READONLY : 0);
	uint16_t target = x % 10 < 7   ? (uint16_t)fz.self_id
			  : x % 10 < 8 ? (uint16_t)fz.worker_id
			  : x % 10 < 9 ? 0
				       : (uint16_t)(x >> 16);
	/* the granted frame is written by GRANT_COPY: the tail only */
	uint64_t gpfn = tail_page(z) / FZ_PAGE;

	if (y % 20 == 0)
		flags = (uint16_t)(y >> 8);
	else if (y % 20 == 1)
		gpfn = fz.ram / FZ_PAGE + (y >> 8) % 64; /* not its RAM */
	return flags | (uint64_t)target << 16 | gpfn << 32;
}

void fz_grant_fill_all(struct fz_vcpu *z)
{
	volatile uint64_t *e = (volatile uint64_t *)(uintptr_t)fz.grant;

	for (uint64_t i = 0; i < FZ_GRANT_PAGES * FZ_PAGE / 8; i++)
		e[i] = grant_entry(z);
}

void fz_grant_refresh(struct fz_vcpu *z)
{
	volatile uint64_t *e = (volatile uint64_t *)(uintptr_t)fz.grant;
	uint64_t i = fz_next(z) % 64; /* the refs fuzzed most */

	if (fz_chance(z, 30))
		i = fz_next(z) % (FZ_GRANT_PAGES * FZ_PAGE / 8);
	__atomic_store_n(&e[i], grant_entry(z), __ATOMIC_RELAXED);
}
