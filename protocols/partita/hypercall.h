/* SPDX-License-Identifier: MIT */
/* Hypercall calling convention, call codes and their argument blocks. */
#ifndef PARTITA_HYPERCALL_H
#define PARTITA_HYPERCALL_H

#include "abi-types.h"
#include "status.h"

/*
 * Calling convention (Hyper-V style). The guest `call`s its hypercall page:
 *
 *   RCX  input value   call code 15:0, fast 16, rep count 43:32,
 *                      rep start index 59:48; every other bit is reserved
 *                      and must be zero.
 *   RDX  input GPA     (fast calls: first register argument)
 *   R8   output GPA    (fast calls: second register argument)
 *   RAX  result value  status 15:0, reps completed 43:32 (out)
 *
 * Fast calls return their outputs in RDX and R8. Memory calls take 8-byte
 * aligned input and output blocks that must not cross a page boundary and
 * must lie in the caller's own memory. Rep element lists are the exception:
 * they may span pages (4095 elements of 8 bytes are 32 KiB), as long as
 * every page is the caller's RAM.
 *
 * Rep calls process elements [rep start, rep count). Element i of a list
 * is at list GPA + i * element size, counted from the start of the list,
 * not from rep start. An entry that runs out of its time budget writes the
 * new rep start index back into RCX and re-executes the call instruction,
 * so the guest sees one call that returns once every element is done (or
 * one failed: reps completed then is that element's index).
 *
 * The root partition is the exception: its kernel schedules other work
 * between slices. A root call that runs out of its budget returns with
 * PT_STATUS_CALL_PENDING, reps completed so far, and RCX holding the input
 * value to call again with (the new rep start index; for a continuing
 * non-rep call such as DESTROY, the same value). The root makes the call
 * again, with the same RDX and R8, until another status comes back.
 */
#define PT_HC_CODE_MASK 0xFFFFull
#define PT_HC_FAST (1ull << 16)
#define PT_HC_REP_COUNT_SHIFT 32
#define PT_HC_REP_START_SHIFT 48
#define PT_HC_REP_MASK 0xFFFull
#define PT_HC_REP_MAX 0xFFFu
#define PT_HC_RESERVED_MASK                            \
	(~(PT_HC_CODE_MASK | PT_HC_FAST |              \
	   (PT_HC_REP_MASK << PT_HC_REP_COUNT_SHIFT) | \
	   (PT_HC_REP_MASK << PT_HC_REP_START_SHIFT)))

#define PT_HC_RESULT_STATUS_MASK 0xFFFFull
#define PT_HC_RESULT_REPS_SHIFT 32

/* The longest time one hypercall entry may hold a physical CPU. */
#define PT_HC_ENTRY_BUDGET_US 50u

static inline uint64_t pt_hc_input(uint16_t code, int fast, uint32_t reps,
				   uint32_t start)
{
	return (uint64_t)code | (fast ? PT_HC_FAST : 0) |
	       ((uint64_t)(reps & PT_HC_REP_MASK) << PT_HC_REP_COUNT_SHIFT) |
	       ((uint64_t)(start & PT_HC_REP_MASK) << PT_HC_REP_START_SHIFT);
}

static inline uint16_t pt_hc_status(uint64_t result)
{
	return (uint16_t)(result & PT_HC_RESULT_STATUS_MASK);
}

static inline uint32_t pt_hc_reps_done(uint64_t result)
{
	return (uint32_t)((result >> PT_HC_RESULT_REPS_SHIFT) & PT_HC_REP_MASK);
}

/* Call codes. Numbers are never reused; see docs/abi.md for each call. */
#define PT_CALL_NULL 0x0001	     /* fast: does nothing (benchmarks) */
#define PT_CALL_GET_VERSION 0x0002   /* fast: out RDX version, R8 features */
#define PT_CALL_CONSOLE_WRITE 0x0003 /* in: pt_console_write_in */
#define PT_CALL_SET_TIMER 0x0004     /* fast: RDX deadline ns, 0 cancels */
#define PT_CALL_YIELD 0x0005	     /* fast */
#define PT_CALL_BLOCK 0x0006	     /* fast: RDX deadline ns or 0 */
#define PT_CALL_SELF_INFO 0x0007     /* out: pt_self_info */
#define PT_CALL_SHUTDOWN_SELF 0x0008 /* fast: RDX = PT_SHUTDOWN_* */
#define PT_CALL_GET_CALL_STATS \
	0x0009 /* fast: RDX code, R8 flags; out RDX, R8 */
#define PT_CALL_GET_ENTRY_HISTOGRAM 0x000A /* in/out: pt_entry_histogram */
#define PT_CALL_QUERY_PAGES 0x0010	   /* rep: in u64 GPFNs, out u64 info */
#define PT_CALL_ZERO_PAGES 0x0011 /* rep, fast: element i is GPFN RDX + i */
/* Root-only calls. A guest partition gets PT_STATUS_ACCESS_DENIED. */
#define PT_CALL_LOG_READ 0x0040	      /* in: pt_log_read_in, out: page */
#define PT_CALL_PARTITION_LIST 0x0041 /* out: pt_partition_list_out */
#define PT_CALL_HV_INFO 0x0042	      /* out: pt_hv_info */
#define PT_CALL_ROOT_PING 0x0043      /* fast: raise PT_ROOT_EVENT_PING now */
/* Partition lifecycle (root-only). See docs/abi.md for the order. */
#define PT_CALL_PARTITION_CREATE 0x0050	  /* in/out: pt_partition_create_* */
#define PT_CALL_PARTITION_POPULATE 0x0051 /* rep, fast: RDX id, R8 GPFN */
#define PT_CALL_PARTITION_LOAD 0x0052	  /* in: pt_partition_load_in */
#define PT_CALL_PARTITION_START 0x0053	  /* in: pt_partition_start_in */
#define PT_CALL_PARTITION_PAUSE 0x0054	  /* fast: RDX id */
#define PT_CALL_PARTITION_UNPAUSE 0x0055  /* fast: RDX id */
#define PT_CALL_PARTITION_DESTROY 0x0056  /* fast: RDX id; continues */
#define PT_CALL_PARTITION_SHUTDOWN 0x0057 /* fast: RDX id; asks the guest */
#define PT_CALL_PARTITION_INFO 0x0058	  /* in: pt_partition_ref, out: info */
#define PT_CALL_PARTITION_STATS 0x0059	  /* in: pt_partition_ref, out: stats */
#define PT_CALL_CONSOLE_READ 0x005A	  /* in: pt_partition_ref, out: page */
#define PT_CALL_PARTITION_MESSAGING 0x005B /* in: ref, out: messaging_info */
#define PT_CALL_VCPU_LIST 0x005C /* in: pt_partition_ref, out: vcpu_list */
#define PT_CALL_VCPU_SET_AFFINITY 0x005D /* fast: RDX id|vcpu<<32, R8 CPUs */
#define PT_CALL_PARTITION_SCHED 0x005E	 /* in/out: pt_partition_sched */
/* Event ports (events.h). */
#define PT_CALL_EVTCHN_SET_PAGE 0x0060	       /* fast: RDX GPA */
#define PT_CALL_EVTCHN_ALLOC_UNBOUND 0x0061    /* fast: RDX id|vcpu<<32 */
#define PT_CALL_EVTCHN_BIND_INTERDOMAIN 0x0062 /* fast: RDX id|vcpu, R8 port */
#define PT_CALL_EVTCHN_BIND_VIRQ 0x0063	       /* fast: RDX virq, R8 vCPU */
#define PT_CALL_EVTCHN_CLOSE 0x0064	       /* fast: RDX port */
#define PT_CALL_EVTCHN_SEND 0x0065	       /* fast: RDX port */
#define PT_CALL_EVTCHN_STATUS 0x0066	       /* in: ref, out: status */
#define PT_CALL_EVTCHN_BIND_VCPU 0x0067	       /* fast: RDX port, R8 vCPU */
#define PT_CALL_EVTCHN_MASK 0x0068	       /* fast: RDX port */
#define PT_CALL_EVTCHN_UNMASK 0x0069	       /* fast: RDX port */
/* Messages (messages.h). */
#define PT_CALL_MSG_SET_PAGE 0x0070	     /* fast: RDX GPA */
#define PT_CALL_MSG_CREATE_CONNECTION 0x0071 /* in/out: pt_msg_connection_* */
#define PT_CALL_MSG_DELETE_CONNECTION 0x0072 /* fast: RDX connection id */
#define PT_CALL_MSG_POST 0x0073		     /* in: pt_msg_post_in */
#define PT_CALL_MSG_EOM 0x0074		     /* fast: RDX slot */
/* Grants (grants.h). */
#define PT_CALL_GRANT_SET_TABLE 0x0078	/* fast: RDX GPA, R8 frames */
#define PT_CALL_GRANT_MAP 0x0079	/* rep: pt_grant_map_in/out */
#define PT_CALL_GRANT_UNMAP 0x007A	/* rep: in u64 handles */
#define PT_CALL_GRANT_COPY 0x007B	/* rep: in pt_grant_copy */
#define PT_CALL_GRANT_END_ACCESS 0x007C /* fast: RDX ref */
#define PT_CALL_GRANT_QUERY 0x007D	/* fast: RDX ref; out RDX, R8 */
#define PT_CALL_GRANT_WINDOW 0x007E	/* fast: out RDX GPA, R8 bytes */

/* Highest call code the hypervisor keeps statistics for. */
#define PT_CALL_STATS_MAX 0x0080

/* PT_CALL_CONSOLE_WRITE input: the text follows the header. */
struct pt_console_write_in {
	uint32_t length;   /* bytes of text, at most PT_CONSOLE_WRITE_MAX */
	uint32_t reserved; /* must be zero */
	uint8_t text[];
};
PT_ABI_SIZE(struct pt_console_write_in, 8);
#define PT_CONSOLE_WRITE_MAX (PT_PAGE_SIZE - 8u)

/* PT_CALL_SELF_INFO output. */
struct pt_self_info {
	uint32_t partition_id;
	uint32_t vcpu_index;
	uint32_t vcpu_count;
	uint32_t weight;
	uint64_t memory_bytes;
	uint32_t physical_cpu; /* CPU this vCPU runs on now */
	uint32_t reserved;
	char name[32]; /* NUL-terminated */
};
PT_ABI_SIZE(struct pt_self_info, 64);
PT_ABI_OFFSET(struct pt_self_info, memory_bytes, 16);
PT_ABI_OFFSET(struct pt_self_info, name, 32);

/*
 * PT_CALL_GET_CALL_STATS: in RDX = call code, R8 = flags; out RDX = calls
 * completed, R8 = worst single entry in ns (both for the caller's own
 * partition). PT_CALL_STATS_RESET zeroes that code's figures after reading,
 * so a benchmark can leave its warm-up out.
 */
#define PT_CALL_STATS_RESET 1ull

/*
 * PT_CALL_GET_ENTRY_HISTOGRAM: how long single entries of one call code
 * took (the caller's partition), in buckets whose upper bounds in us are
 * PT_ENTRY_HIST_BOUNDS_US; the last bucket has no bound. Input block
 * pt_entry_histogram_in, output block pt_entry_histogram.
 */
#define PT_ENTRY_HIST_BUCKETS 16
#define PT_ENTRY_HIST_BOUNDS_US                                              \
	{                                                                    \
		5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 60, 80, 100, 200, 500 \
	}

struct pt_entry_histogram_in {
	uint32_t code;
	uint32_t flags; /* PT_CALL_STATS_RESET or 0 */
};
PT_ABI_SIZE(struct pt_entry_histogram_in, 8);

struct pt_entry_histogram {
	uint64_t entries; /* every entry, continued ones included */
	uint64_t worst_ns;
	uint32_t counts[PT_ENTRY_HIST_BUCKETS];
};
PT_ABI_SIZE(struct pt_entry_histogram, 80);

/* PT_CALL_SHUTDOWN_SELF reasons. */
#define PT_SHUTDOWN_POWEROFF 0u
#define PT_SHUTDOWN_CRASH 1u

/*
 * PT_CALL_QUERY_PAGES output element, one per input GPFN. The hypercall
 * page and VP assist pages are ordinary RAM of the caller, so they report
 * PRESENT | WRITABLE besides their own bit.
 */
#define PT_PAGE_INFO_PRESENT (1ull << 0) /* the GPFN is the caller's RAM */
#define PT_PAGE_INFO_WRITABLE (1ull << 1)
#define PT_PAGE_INFO_HYPERCALL (1ull << 2) /* the hypercall page overlay */
#define PT_PAGE_INFO_VPAP (1ull << 3)	   /* a VP assist page */
#define PT_PAGE_INFO_ZERO (1ull << 4)	   /* every byte of the page is zero */

/* PT_CALL_LOG_READ: read the hypervisor log ring from a sequence number. */
struct pt_log_read_in {
	uint64_t from_seq; /* first byte wanted (0 = oldest kept) */
};
PT_ABI_SIZE(struct pt_log_read_in, 8);

struct pt_log_read_out {
	uint64_t next_seq; /* pass as from_seq to continue */
	uint32_t length;   /* bytes of text that follow */
	uint32_t lost;	   /* bytes overwritten before they could be read */
	uint8_t text[];
};
PT_ABI_SIZE(struct pt_log_read_out, 16);
#define PT_LOG_READ_MAX (PT_PAGE_SIZE - 16u)

/* PT_CALL_PARTITION_LIST output. */
#define PT_PARTITION_STATE_RUNNING 1u
#define PT_PARTITION_STATE_PAUSED 2u
#define PT_PARTITION_STATE_SHUTDOWN 3u /* ending or ended cleanly */
#define PT_PARTITION_STATE_CRASHED 4u  /* killed; kept if on_crash says so */
#define PT_PARTITION_STATE_CREATED 5u  /* memory being set up, not started */
/* Ended and torn down: only PT_REF_ENDED's INFO reports it (never listed). */
#define PT_PARTITION_STATE_GONE 6u

struct pt_partition_entry {
	uint32_t id;
	uint32_t state; /* PT_PARTITION_STATE_* */
	uint32_t vcpu_count;
	uint32_t weight;
	uint64_t memory_bytes;
	char name[32];
};
PT_ABI_SIZE(struct pt_partition_entry, 56);

struct pt_partition_list_out {
	uint32_t count;
	uint32_t reserved;
	struct pt_partition_entry entries[];
};
PT_ABI_SIZE(struct pt_partition_list_out, 8);
#define PT_PARTITION_LIST_MAX \
	((PT_PAGE_SIZE - 8u) / sizeof(struct pt_partition_entry))

/*
 * Partition lifecycle, driven by the root:
 *   CREATE (name, sizes, policy) -> id, state CREATED, no memory yet;
 *   POPULATE (rep over GPFNs, any order, each once) gives it zeroed RAM;
 *   LOAD copies image bytes into its RAM (before START only);
 *   START writes the start-info page, GDT and page tables and runs every
 *   vCPU at `entry` (the protocol in start-info.h);
 *   PAUSE / UNPAUSE stop and resume its vCPUs;
 *   SHUTDOWN raises PT_EVENT_SHUTDOWN_REQUEST in the guest;
 *   DESTROY takes its vCPUs off their CPUs, scrubs and returns every frame;
 *   it may take many entries (the call re-enters, RIP unchanged) but each
 *   is bounded like a rep call. A partition that crashed with on_crash =
 *   PRESERVE stays CRASHED, memory intact, until DESTROY.
 * The root is notified (PT_ROOT_EVENT_PARTITION) when a partition shuts
 * down, crashes or is gone.
 */
#define PT_ON_CRASH_DESTROY 0u
#define PT_ON_CRASH_PRESERVE 1u
#define PT_PARTITION_MAX_VCPUS 8u

struct pt_partition_create_in {
	char name[32]; /* unique among live partitions, [A-Za-z0-9_.-] */
	uint64_t memory_bytes; /* multiple of 2 MiB, 2 MiB .. 4 GiB */
	uint32_t vcpu_count;   /* 1 .. PT_PARTITION_MAX_VCPUS */
	uint32_t weight;       /* 1 .. 65535 */
	uint32_t cap_percent;  /* 0: none; else max % of one CPU per vCPU */
	uint32_t on_crash;     /* PT_ON_CRASH_* */
	uint64_t cpu_mask; /* CPUs the vCPUs may use (the root's excluded) */
	char cmdline[256];
	uint32_t max_event_ports;  /* 0: PT_EVTCHN_DEFAULT_CAP; else 1..4095 */
	uint32_t max_grant_frames; /* 0: PT_GRANT_DEFAULT_FRAMES; 1..64 */
};
PT_ABI_SIZE(struct pt_partition_create_in, 328);

struct pt_partition_create_out {
	uint32_t id;
	uint32_t reserved;
};
PT_ABI_SIZE(struct pt_partition_create_out, 8);

struct pt_partition_load_in {
	uint32_t id;
	uint32_t length; /* bytes of data, at most PT_PARTITION_LOAD_MAX */
	uint64_t gpa;	 /* where they go; must be populated RAM */
	uint8_t data[];
};
PT_ABI_SIZE(struct pt_partition_load_in, 16);
#define PT_PARTITION_LOAD_MAX (PT_PAGE_SIZE - 16u)

struct pt_partition_start_in {
	uint32_t id;
	uint32_t reserved;
	uint64_t entry;	      /* RIP of every vCPU */
	uint64_t image_start; /* reported in the start-info page */
	uint64_t image_end;
};
PT_ABI_SIZE(struct pt_partition_start_in, 32);

/* Names one partition (and, for CONSOLE_READ, where to read from). */
struct pt_partition_ref {
	uint32_t id;
	uint32_t flags; /* PT_REF_*; 0 for every call but INFO, CONSOLE_READ */
	uint64_t from_seq;
};
PT_ABI_SIZE(struct pt_partition_ref, 16);

/*
 * INFO and CONSOLE_READ: also answer for the partition that last used the
 * slot once it is gone (torn down, the slot not yet reused), so a console
 * follower that reads late still gets its last lines and why it ended.
 * INFO then reports state GONE with its name, created_ns and exit_detail.
 */
#define PT_REF_ENDED 1u

struct pt_partition_info {
	struct pt_partition_entry entry;
	uint32_t cap_percent;
	uint32_t on_crash;
	uint64_t cpu_mask;
	uint64_t frames_owned; /* RAM, page tables and control blocks */
	uint64_t populated_bytes;
	uint64_t created_ns;  /* hypervisor time */
	uint64_t runtime_ns;  /* all vCPUs */
	char exit_detail[96]; /* why it ended, if it did */
	char cmdline[256];
};
PT_ABI_SIZE(struct pt_partition_info, 456);

/*
 * PT_CALL_PARTITION_MESSAGING: one partition's event ports, message
 * connections and grants. In: pt_partition_ref with from_seq = the first
 * port to list; out: a page with this header, then port_count entries of
 * ports in use from that port on. next_port is where to continue (0: the
 * list is complete).
 */
struct pt_port_info {
	uint16_t port;
	uint8_t state; /* PT_EVTCHN_STATE_* */
	uint8_t vcpu;
	uint8_t pending; /* from the partition's event page */
	uint8_t masked;
	uint16_t remote_port; /* INTERDOMAIN: the peer's port; VIRQ: the virq */
	uint32_t remote_id;   /* UNBOUND, INTERDOMAIN: the other partition */
	uint32_t reserved;
};
PT_ABI_SIZE(struct pt_port_info, 16);

struct pt_connection_info {
	uint32_t id;
	uint16_t vcpu;
	uint8_t slot;
	uint8_t depth;
	uint32_t sender; /* allowed sender, PT_MSG_ANY_SENDER (0xFFFFFFFF) */
	uint16_t queued; /* messages waiting for the slot */
	uint16_t reserved;
};
PT_ABI_SIZE(struct pt_connection_info, 16);

#define PT_MESSAGING_CONNECTIONS_LISTED 16u

struct pt_messaging_info {
	uint32_t id;
	uint32_t max_ports;    /* its cap */
	uint32_t ports_in_use; /* every port not FREE */
	uint32_t port_count;   /* entries in ports[] */
	uint32_t next_port;
	uint32_t connection_count; /* all its connections (16 listed) */
	uint32_t grant_frames;	   /* registered grant table size */
	uint32_t grants_mapped;	   /* its grant refs mapped by others now */
	uint64_t maps_held;	   /* mappings it holds of others' frames */
	uint64_t event_page_gpa;   /* 0: none registered */
	/* Counters since it was created. */
	uint64_t sends;	       /* EVTCHN_SEND calls that it made */
	uint64_t deliveries;   /* its ports newly pending and unmasked */
	uint64_t masked_sends; /* its ports made pending while masked */
	uint64_t posts;	       /* MSG_POST calls accepted from it */
	uint64_t queue_full;   /* its posts answered INSUFFICIENT_BUFFERS */
	uint64_t messages_in;  /* messages that reached its slots */
	uint64_t grant_maps;   /* GRANT_MAP elements it completed */
	uint64_t grant_copies; /* GRANT_COPY elements it completed */
	uint64_t reserved[2];
	struct pt_connection_info connections[PT_MESSAGING_CONNECTIONS_LISTED];
	struct pt_port_info ports[];
};
PT_ABI_OFFSET(struct pt_messaging_info, maps_held, 32);
PT_ABI_OFFSET(struct pt_messaging_info, connections, 128);
PT_ABI_SIZE(struct pt_messaging_info, 384);
#define PT_MESSAGING_PORTS_MAX \
	((PT_PAGE_SIZE - 384u) / sizeof(struct pt_port_info))

/* Exit reasons counted per partition, architecture-neutral. */
#define PT_EXIT_HYPERCALL 0u
#define PT_EXIT_CPUID 1u
#define PT_EXIT_MSR 2u
#define PT_EXIT_HALT 3u
#define PT_EXIT_INTERRUPT 4u
#define PT_EXIT_PAGE_FAULT 5u
#define PT_EXIT_IO 6u
#define PT_EXIT_OTHER 7u
#define PT_EXIT_REASONS 8u

struct pt_call_stat {
	uint16_t code;
	uint16_t reserved0;
	uint32_t reserved1;
	uint64_t count;	   /* calls completed */
	uint64_t entries;  /* entries, continued ones included */
	uint64_t worst_ns; /* longest single entry */
};
PT_ABI_SIZE(struct pt_call_stat, 32);

#define PT_STATS_MAX_CALLS 64u

struct pt_partition_stats {
	uint32_t id;
	uint32_t vcpu_count;
	uint32_t call_count; /* entries used in calls[] */
	uint32_t reserved;
	uint64_t exits[PT_EXIT_REASONS];
	uint64_t vcpu_runtime_ns[PT_PARTITION_MAX_VCPUS];
	struct pt_call_stat calls[PT_STATS_MAX_CALLS];
};
PT_ABI_SIZE(struct pt_partition_stats, 16 + 64 + 64 + 32 * 64);

struct pt_console_read_out {
	uint64_t next_seq;
	uint32_t length;
	uint32_t lost;
	uint8_t text[];
};
PT_ABI_SIZE(struct pt_console_read_out, 16);
#define PT_CONSOLE_READ_MAX (PT_PAGE_SIZE - 16u)

/*
 * PT_CALL_VCPU_LIST: a partition's vCPUs as the scheduler sees them. Each
 * vCPU runs on one physical CPU of its affinity at a time and moves only
 * when VCPU_SET_AFFINITY takes that CPU away (no load balancing).
 */
#define PT_VCPU_STATE_RUNNING 1	 /* on its CPU now (or picked to run next) */
#define PT_VCPU_STATE_RUNNABLE 2 /* waiting for its CPU */
#define PT_VCPU_STATE_BLOCKED 3	 /* waiting for an event or its timer */
#define PT_VCPU_STATE_PAUSED 4	 /* its partition is paused */
#define PT_VCPU_STATE_ENDED 5	 /* its partition shut down or crashed */

#define PT_VCPU_MOVING (1u << 0) /* pinned elsewhere, not moved yet */

struct pt_vcpu_info {
	uint32_t index;
	uint32_t state;	     /* PT_VCPU_STATE_* */
	uint32_t cpu;	     /* the physical CPU it is on */
	uint32_t flags;	     /* PT_VCPU_* */
	uint64_t affinity;   /* CPUs it may run on */
	uint64_t runtime_ns; /* CPU time it used */
};
PT_ABI_SIZE(struct pt_vcpu_info, 32);

struct pt_vcpu_list_out {
	uint32_t id;
	uint32_t vcpu_count; /* entries in vcpus[] */
	uint64_t reserved;
	struct pt_vcpu_info vcpus[PT_PARTITION_MAX_VCPUS];
};
PT_ABI_OFFSET(struct pt_vcpu_list_out, vcpus, 16);
PT_ABI_SIZE(struct pt_vcpu_list_out, 16 + 8 * 32);

/*
 * PT_CALL_PARTITION_SCHED: reads a guest's weight and cap, and changes
 * those named in flags; the answer holds the values in force afterwards
 * (flags 0 there).
 */
#define PT_SCHED_SET_WEIGHT (1u << 0)
#define PT_SCHED_SET_CAP (1u << 1)

struct pt_partition_sched {
	uint32_t id;
	uint32_t flags;	      /* PT_SCHED_SET_*; 0 only reads */
	uint32_t weight;      /* 1 .. 65535 */
	uint32_t cap_percent; /* 0: none; else max % of one CPU per vCPU */
};
PT_ABI_SIZE(struct pt_partition_sched, 16);

/* PT_CALL_HV_INFO output: the machine as the hypervisor sees it. */
#define PT_CPU_ROLE_OFFLINE 0u
#define PT_CPU_ROLE_ROOT 1u   /* runs the root partition alone */
#define PT_CPU_ROLE_GUESTS 2u /* runs guest vCPUs */
#define PT_HV_INFO_MAX_CPUS 64
#define PT_HV_INFO_HIDDEN_RANGES 4 /* in use: image, heap, pool */

struct pt_hv_info {
	uint32_t interface_version;
	uint32_t features;
	uint32_t cpu_count;
	uint32_t partition_count; /* guests alive, root not counted */
	uint64_t tsc_khz;
	uint64_t uptime_ns;
	uint64_t ram_bytes;	    /* all RAM in the firmware's memory map */
	uint64_t hypervisor_bytes;  /* image, heap and tables */
	uint64_t pool_frames_total; /* guest memory pool, 4 KiB frames */
	uint64_t pool_frames_free;
	uint8_t cpu_role[PT_HV_INFO_MAX_CPUS]; /* PT_CPU_ROLE_* */
	uint8_t cpu_apic_id[PT_HV_INFO_MAX_CPUS];
	/* Host-physical ranges the root cannot touch (size 0: unused). */
	uint64_t hidden_base[PT_HV_INFO_HIDDEN_RANGES];
	uint64_t hidden_size[PT_HV_INFO_HIDDEN_RANGES];
};
PT_ABI_OFFSET(struct pt_hv_info, tsc_khz, 16);
PT_ABI_OFFSET(struct pt_hv_info, cpu_role, 64);
PT_ABI_OFFSET(struct pt_hv_info, hidden_base, 192);
PT_ABI_SIZE(struct pt_hv_info, 256);

#endif
