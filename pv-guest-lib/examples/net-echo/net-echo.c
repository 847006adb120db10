// SPDX-License-Identifier: MIT
/*
 * Example guest for the virtio network device: a minimal IPv4 host on
 * net/0 that answers ARP for its address, ICMP echo requests and UDP
 * datagrams (echoed back to the sender), so that the root can ping it
 * and exchange datagrams with it through the TAP device. Lines it prints
 * (on the debug console, all starting with "net-echo"):
 *   net-echo ready mac=02:.. ip=10.0.0.2 port=any mtu=1500
 *   net-echo stats frames=... arp=... icmp=... udp=... ...
 *     every stats=N seconds, and whenever the root writes data/stats
 *     (xenstore-write /local/domain/<id>/data/stats anything)
 *   net-echo detached net/0 ... / net-echo FAIL ...
 * Command line:
 *   ip=A.B.C.D   its address (10.0.0.2)
 *   port=N       echo UDP on port N only (0: every port; default 0)
 *   nic=N        the device net/N (0)
 *   stats=N      seconds between stats lines (10; 0: only on request)
 *   wait_ms=N    give up connecting after N ms (0: wait for ever)
 */
#include <partita-guest/guest.h>
#include <partita-guest/store.h>
#include <partita-guest/vnet.h>

#include "inet.h"
#include "fmt.h"
#include "string.h"

#define SEC 1000000000ull
#define SEND_WAIT_NS (SEC / 10)

static struct pt_vnet nic;
static struct inet_host host;
static uint8_t reply[INET_FRAME_MAX];
static uint64_t replies_dropped;
static volatile uint32_t shutdown_requested;

static void on_shutdown_request(unsigned event, unsigned vcpu, void *arg)
{
	pt_atomic_store32(&shutdown_requested, 1);
	pt_vdev_wake(&nic.front.dev);
}

/* Every received frame: answer it if the host should. */
static void on_frame(const uint8_t *frame, uint32_t len, void *ctx)
{
	uint32_t n = inet_input(&host, frame, len, reply, sizeof(reply));

	/* A full transmit queue for a tenth of a second: drop the answer,
	 * as a busy NIC would, rather than stop receiving. */
	if (n && pt_vnet_send(&nic, reply, n, pt_time_ns() + SEND_WAIT_NS))
		replies_dropped++;
}

static void print_stats(void)
{
	const struct inet_stats *s = &host.stats;
	struct pt_vnet_stats v;

	pt_vnet_get_stats(&nic, &v);
	/* Three lines: the hypervisor's log cuts lines at 159 characters. */
	pt_printf("net-echo stats frames=%llu arp=%llu icmp=%llu udp=%llu "
		  "tx=%llu tx-full=%llu replies-dropped=%llu\n",
		  (unsigned long long)s->frames,
		  (unsigned long long)s->arp_requests,
		  (unsigned long long)s->icmp_echo,
		  (unsigned long long)s->udp_echo,
		  (unsigned long long)v.tx_frames,
		  (unsigned long long)v.tx_full,
		  (unsigned long long)replies_dropped);
	pt_printf("net-echo drops not-for-us=%llu bad-length=%llu "
		  "bad-checksum=%llu fragments=%llu unsupported=%llu "
		  "port-mismatch=%llu rx-short=%llu\n",
		  (unsigned long long)s->not_for_us,
		  (unsigned long long)s->bad_length,
		  (unsigned long long)s->bad_checksum,
		  (unsigned long long)s->fragments,
		  (unsigned long long)s->unsupported,
		  (unsigned long long)s->udp_port_mismatch,
		  (unsigned long long)v.rx_short);
	pt_printf("net-echo nic backlog-max=%llu events=%llu spurious=%llu "
		  "throttled=%llu kicks=%llu suppressed=%llu\n",
		  (unsigned long long)v.rx_backlog_max,
		  (unsigned long long)v.events, (unsigned long long)v.spurious,
		  (unsigned long long)v.throttled, (unsigned long long)v.kicks,
		  (unsigned long long)v.kicks_suppressed);
}

/* data/stats changed (a watch event came): print the stats. */
static void stats_request(uint64_t *seen, char *last, size_t cap)
{
	char value[32];
	uint64_t events = pt_store_event_count();

	if (events == *seen)
		return;
	*seen = events;
	if (pt_store_read(0, "data/stats", value, sizeof(value), NULL) ||
	    !strcmp(value, last))
		return;
	strlcpy(last, value, cap);
	print_stats();
}

static int start(const struct pt_start_info *si, uint8_t ip[4], uint16_t *port,
		 unsigned *n)
{
	char text[32];
	uint64_t wait = pt_cmdline_u64("wait_ms", 0) * 1000000ull;
	int ret;

	if (!pt_cmdline_str("ip", text, sizeof(text)))
		strlcpy(text, "10.0.0.2", sizeof(text));
	if (inet_parse_ip(text, ip)) {
		pt_printf("net-echo FAIL ip=%s is not an IPv4 address\n", text);
		return -1;
	}
	*port = (uint16_t)pt_cmdline_u64("port", 0);
	*n = (unsigned)pt_cmdline_u64("nic", 0);
	pt_printf("net-echo %s: connecting net/%u\n", si->name, *n);
	ret = pt_vnet_open(&nic, *n, wait ? pt_time_ns() + wait : 0);
	if (ret) {
		pt_printf("net-echo FAIL net/%u did not connect: %s (%s)\n", *n,
			  pt_dev_strerror(ret), nic.front.xb.why);
		return -1;
	}
	return 0;
}

int guest_main(const struct pt_start_info *si, unsigned vcpu)
{
	uint64_t every, next, events_seen = 0;
	char last[32] = "", ipt[32], pt[8] = "any";
	uint16_t port;
	uint8_t ip[4];
	unsigned n;
	int ret;

	pt_guest_init();
	if (vcpu != 0)
		return 0;
	pt_event_register(PT_EVENT_SHUTDOWN_REQUEST, on_shutdown_request, NULL);
	pt_irq_enable();
	if (start(si, ip, &port, &n))
		return 1;
	inet_host_init(&host, nic.mac, ip, port);
	pt_vnet_set_rx_handler(&nic, on_frame, NULL);
	pt_store_watch("data/stats", "net-echo-stats");
	fmt_snprintf(ipt, sizeof(ipt), "%u.%u.%u.%u", ip[0], ip[1], ip[2],
		     ip[3]);
	if (port)
		fmt_snprintf(pt, sizeof(pt), "%u", port);
	pt_printf("net-echo ready mac=%02x:%02x:%02x:%02x:%02x:%02x ip=%s "
		  "port=%s mtu=%u\n",
		  nic.mac[0], nic.mac[1], nic.mac[2], nic.mac[3], nic.mac[4],
		  nic.mac[5], ipt, pt, nic.mtu);
	every = pt_cmdline_u64("stats", 10) * SEC;
	next = every ? pt_time_ns() + every : 0;
	while (!pt_atomic_load32(&shutdown_requested)) {
		ret = pt_vnet_wait(&nic, next);
		if (ret < 0) {
			pt_printf("net-echo detached net/%u: %s (%s)\n", n,
				  pt_dev_strerror(ret), nic.front.xb.why);
			print_stats();
			break;
		}
		stats_request(&events_seen, last, sizeof(last));
		if (next && pt_time_ns() >= next) {
			print_stats();
			next = pt_time_ns() + every;
		}
	}
	while (!pt_atomic_load32(&shutdown_requested))
		pt_sleep_ns(SEC);
	print_stats();
	pt_vnet_close(&nic, pt_time_ns() + 5 * SEC);
	return 0;
}
