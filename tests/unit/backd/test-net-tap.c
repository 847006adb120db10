// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests with real TAP devices and bridges: run as root, skipped otherwise. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "backd-test-util.h"
#include "net-back.h"
#include "net-tap.h"

#define ETHERTYPE_TEST 0x88b5u /* IEEE local experimental */

static char tap_name[16], br_name[16];
static char why[192];

/* Can this process make TAP devices? If not, the test is skipped. */
static void need_tap(void)
{
	int fd;

	if (geteuid() != 0)
		cr_skip_test("not root: no TAP devices");
	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		cr_skip_test("no /dev/net/tun: %s", strerror(errno));
	close(fd);
	snprintf(tap_name, sizeof(tap_name), "ptu%u", (unsigned)getpid());
	snprintf(br_name, sizeof(br_name), "ptb%u", (unsigned)getpid());
}

static int sys_read(const char *name, const char *attr, char *buf, size_t len)
{
	char path[128];
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/class/net/%s/%s", name, attr);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	while (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n] = 0;
	return 0;
}

static int exists(const char *name)
{
	return if_nametoindex(name) != 0;
}

static int open_tap(const char *bridge, struct net_mac *mac)
{
	struct net_tap_config c = { .name = tap_name,
				    .bridge = bridge,
				    .mtu = PT_VIRTIO_NET_MTU_DEFAULT };

	net_tap_mac(tap_name, NULL, &c.mac);
	if (mac)
		*mac = c.mac;
	return net_tap_open(&c, why, sizeof(why));
}

static int bridge_ioctl(unsigned long req, const char *name)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), r;

	if (s < 0)
		return -errno;
	r = ioctl(s, req, name) ? -errno : 0;
	close(s);
	return r;
}

TestSuite(net_tap, .init = need_tap);

Test(net_tap, made_configured_up_and_gone_on_close)
{
	struct net_mac mac;
	char text[NET_MAC_TEXT], buf[64];
	unsigned long flags;
	int fd = open_tap(NULL, &mac);

	cr_assert_geq(fd, 0, "%s", why);
	cr_assert(fcntl(fd, F_GETFL) & O_NONBLOCK);
	cr_assert(exists(tap_name));
	net_mac_format(&mac, text);
	cr_assert_eq(sys_read(tap_name, "address", buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, text);
	cr_assert_eq(sys_read(tap_name, "mtu", buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "1500");
	cr_assert_eq(sys_read(tap_name, "flags", buf, sizeof(buf)), 0);
	flags = strtoul(buf, NULL, 16);
	cr_assert(flags & IFF_UP, "flags %s", buf);
	/* Carrier follows the guest's link. */
	cr_assert_eq(net_tap_set_carrier(fd, 0), 0);
	cr_assert_eq(sys_read(tap_name, "carrier", buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "0");
	cr_assert_eq(net_tap_set_carrier(fd, 1), 0);
	cr_assert_eq(sys_read(tap_name, "carrier", buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "1");
	close(fd);
	cr_assert_not(exists(tap_name), "the TAP outlived its fd");
}

Test(net_tap, a_name_in_use_is_refused)
{
	int fd = open_tap(NULL, NULL), fd2;

	cr_assert_geq(fd, 0, "%s", why);
	fd2 = open_tap(NULL, NULL);
	cr_assert_eq(fd2, -EBUSY, "%d: %s", fd2, why);
	cr_assert(strstr(why, "in use"), "%s", why);
	close(fd);
	/* The same name again once free: what a restarted backd does. */
	fd = open_tap(NULL, NULL);
	cr_assert_geq(fd, 0, "%s", why);
	close(fd);
}

Test(net_tap, a_bad_name_is_refused_before_the_kernel)
{
	struct net_tap_config c = { .name = "tap%d", .mtu = 1500 };

	cr_assert_eq(net_tap_open(&c, why, sizeof(why)), -EINVAL);
	cr_assert(strstr(why, "not a TAP name"), "%s", why);
}

Test(net_tap, a_missing_bridge_is_a_clear_error_and_leaves_nothing)
{
	int fd = open_tap(br_name, NULL);

	cr_assert_eq(fd, -ENODEV, "%d: %s", fd, why);
	cr_assert(strstr(why, "does not exist") && strstr(why, br_name), "%s",
		  why);
	cr_assert_not(exists(tap_name), "a half-made TAP stayed");
}

Test(net_tap, something_that_is_not_a_bridge_is_refused)
{
	int fd = open_tap("lo", NULL);

	cr_assert_lt(fd, 0);
	cr_assert(strstr(why, "lo is not a bridge"), "%s", why);
	cr_assert_not(exists(tap_name));
}

Test(net_tap, joins_its_bridge)
{
	char path[128], target[PATH_MAX];
	ssize_t n;
	int fd, err = bridge_ioctl(SIOCBRADDBR, br_name);

	if (err)
		cr_skip_test("cannot make a bridge: %s", strerror(-err));
	fd = open_tap(br_name, NULL);
	if (fd < 0)
		bridge_ioctl(SIOCBRDELBR, br_name);
	cr_assert_geq(fd, 0, "%s", why);
	snprintf(path, sizeof(path), "/sys/class/net/%s/master", tap_name);
	n = readlink(path, target, sizeof(target) - 1);
	cr_assert_gt(n, 0);
	target[n] = 0;
	cr_expect_str_eq(basename(target), br_name);
	close(fd);
	cr_expect_eq(bridge_ioctl(SIOCBRDELBR, br_name), 0);
}

/* A packet socket on the TAP: the root's side of the wire. */
static int open_wire(void)
{
	struct sockaddr_ll a = { .sll_family = AF_PACKET,
				 .sll_protocol = htons(ETH_P_ALL),
				 .sll_ifindex = (int)if_nametoindex(tap_name) };
	int s = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));

	if (s < 0)
		return -errno;
	if (bind(s, (struct sockaddr *)&a, sizeof(a))) {
		close(s);
		return -errno;
	}
	return s;
}

static void test_frame(uint8_t *f, size_t len, const struct net_mac *src,
		       uint8_t fill)
{
	memset(f, 0xff, 6); /* broadcast */
	memcpy(f + 6, src->b, 6);
	f[12] = ETHERTYPE_TEST >> 8;
	f[13] = ETHERTYPE_TEST & 0xff;
	memset(f + 14, fill, len - 14);
}

Test(net_tap, frames_cross_a_real_tap_both_ways)
{
	struct vring_pool pool;
	struct tq trx, ttx;
	struct vring_back rx, tx;
	struct net_back nb;
	struct net_mac tap_mac, guest;
	struct pt_virtio_net_hdr h = { 0 };
	uint8_t f[256], got[2048];
	int fd, wire, more = 0, found = 0;

	fd = open_tap(NULL, &tap_mac);
	cr_assert_geq(fd, 0, "%s", why);
	wire = open_wire();
	if (wire < 0) {
		close(fd);
		cr_skip_test("no packet socket: %s", strerror(-wire));
	}
	cr_assert_eq(net_mac_parse("02:00:00:00:42:01", &guest, NULL, 0), 0);
	tpool_init(&pool, 4);
	tq_init(&trx, 8);
	tq_init(&ttx, 8);
	cr_assert_eq(vring_back_init(&rx, trx.ring, trx.bytes, &pool, 8,
				     ALL_FEATURES, 0),
		     0);
	cr_assert_eq(vring_back_init(&tx, ttx.ring, ttx.bytes, &pool, 8,
				     ALL_FEATURES, 0),
		     0);
	vring_back_resume(&rx);
	vring_back_resume(&tx);
	cr_assert_eq(net_back_init(&nb), 0);
	net_back_connect(&nb, &rx, &tx, fd);

	/* Guest to root: the packet socket sees the guest's frame. */
	test_frame(f, 100, &guest, 0x5a);
	vring_pool_write(&pool, 0, &h, sizeof(h));
	vring_pool_write(&pool, sizeof(h), f, 100);
	tq_desc(&ttx, 0, 0, (uint32_t)sizeof(h) + 100, 0, 0);
	tq_publish(&ttx, 0);
	cr_assert_eq(net_back_tx(&nb, 64, &more), 0);
	cr_assert_eq(nb.st.tx_frames, 1, "errors %lu: %s",
		     (unsigned long)nb.st.errors, nb.why);
	for (int i = 0; i < 50 && !found; i++) {
		struct pollfd p = { .fd = wire, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, 100) <= 0)
			continue;
		n = recv(wire, got, sizeof(got), 0);
		found = n == 100 && !memcmp(got, f, 100);
	}
	cr_assert(found, "the guest's frame never reached the root");

	/* Root to guest: a frame sent on the wire lands in a buffer. */
	for (uint16_t i = 0; i < 4; i++) {
		tq_desc(&trx, i, 4096u * (i + 1), 2048, PT_VRING_DESC_F_WRITE,
			0);
		tq_publish(&trx, i);
	}
	test_frame(f, 200, &tap_mac, 0xa5);
	{
		struct sockaddr_ll to = { .sll_family = AF_PACKET,
					  .sll_ifindex =
						  (int)if_nametoindex(tap_name),
					  .sll_halen = 6 };

		memset(to.sll_addr, 0xff, 6);
		cr_assert_eq(sendto(wire, f, 200, 0, (struct sockaddr *)&to,
				    sizeof(to)),
			     200, "sendto: %s", strerror(errno));
	}
	found = 0;
	for (int i = 0; i < 50 && !found; i++) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		poll(&p, 1, 100);
		cr_assert_eq(net_back_rx(&nb, 64, 0, &more), 0);
		/* The kernel may send its own frames first (IPv6, say). */
		for (uint16_t u = 0; u < tq_used_idx(&trx) && !found; u++) {
			struct pt_vring_used_elem e = tq_used(&trx, u);

			if (e.len != sizeof(h) + 200)
				continue;
			vring_pool_read(&pool, 4096u * (e.id + 1) + sizeof(h),
					got, 200);
			found = !memcmp(got, f, 200);
		}
	}
	cr_assert(found, "the root's frame never reached the guest");

	net_back_free(&nb);
	close(wire);
	close(fd);
	tq_free(&trx);
	tq_free(&ttx);
	tpool_free(&pool);
}
