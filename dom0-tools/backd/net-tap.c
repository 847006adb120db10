// SPDX-License-Identifier: GPL-2.0-only
/* TAP devices through /dev/net/tun and the interface and bridge ioctls. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/if_tun.h>
#include <linux/sockios.h>

#include "net-tap.h"

#define NET_TUN_DEVICE "/dev/net/tun"

static void name_ifr(struct ifreq *ifr, const char *name)
{
	memset(ifr, 0, sizeof(*ifr));
	snprintf(ifr->ifr_name, sizeof(ifr->ifr_name), "%s", name);
}

/* Is the TAP already a port of this very bridge (a persistent TAP)? */
static int in_bridge(const char *tap, const char *bridge)
{
	char path[96], target[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/class/net/%s/master", tap);
	n = readlink(path, target, sizeof(target) - 1);
	if (n <= 0)
		return 0;
	target[n] = 0;
	return !strcmp(basename(target), bridge);
}

static int add_to_bridge(int sock, const struct net_tap_config *c, char *why,
			 size_t why_len)
{
	struct ifreq ifr;
	unsigned int index = if_nametoindex(c->name);
	int e;

	if (!index) {
		e = errno;
		snprintf(why, why_len, "TAP %s vanished before joining %s: %s",
			 c->name, c->bridge, strerror(e));
		return -e;
	}
	name_ifr(&ifr, c->bridge);
	ifr.ifr_ifindex = (int)index;
	if (ioctl(sock, SIOCBRADDIF, &ifr) == 0)
		return 0;
	e = errno;
	if (e == EBUSY && in_bridge(c->name, c->bridge))
		return 0;
	if (e == ENODEV)
		snprintf(why, why_len, "bridge %s does not exist", c->bridge);
	else if (e == EOPNOTSUPP || e == EINVAL)
		snprintf(why, why_len, "%s is not a bridge", c->bridge);
	else if (e == EBUSY)
		snprintf(why, why_len,
			 "TAP %s is already a port of another bridge than %s",
			 c->name, c->bridge);
	else
		snprintf(why, why_len, "cannot add TAP %s to bridge %s: %s",
			 c->name, c->bridge, strerror(e));
	return -e;
}

/* Address, MTU, bridge and up, through an ordinary socket's ioctls. */
static int configure(const struct net_tap_config *c, char *why, size_t why_len)
{
	struct ifreq ifr;
	int sock, e, err = 0;

	sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sock < 0) {
		e = errno;
		snprintf(why, why_len,
			 "cannot open a socket to set up TAP %s: %s", c->name,
			 strerror(e));
		return -e;
	}
	name_ifr(&ifr, c->name);
	ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
	memcpy(ifr.ifr_hwaddr.sa_data, c->mac.b, NET_MAC_LEN);
	if (ioctl(sock, SIOCSIFHWADDR, &ifr)) {
		e = errno;
		snprintf(why, why_len, "cannot set the address of TAP %s: %s",
			 c->name, strerror(e));
		err = -e;
		goto out;
	}
	name_ifr(&ifr, c->name);
	ifr.ifr_mtu = (int)c->mtu;
	if (ioctl(sock, SIOCSIFMTU, &ifr)) {
		e = errno;
		snprintf(why, why_len, "cannot set the MTU of TAP %s to %u: %s",
			 c->name, c->mtu, strerror(e));
		err = -e;
		goto out;
	}
	if (c->bridge && *c->bridge) {
		err = add_to_bridge(sock, c, why, why_len);
		if (err)
			goto out;
	}
	name_ifr(&ifr, c->name);
	if (ioctl(sock, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP;
		if (ioctl(sock, SIOCSIFFLAGS, &ifr) == 0)
			goto out;
	}
	e = errno;
	snprintf(why, why_len, "cannot bring TAP %s up: %s", c->name,
		 strerror(e));
	err = -e;
out:
	close(sock);
	return err;
}

int net_tap_open(const struct net_tap_config *c, char *why, size_t why_len)
{
	struct ifreq ifr;
	int fd, e, err;

	if (net_tap_name_valid(c->name)) {
		snprintf(why, why_len,
			 "'%.40s' is not a TAP name (1 to %u of A-Z a-z 0-9 "
			 "_ . -)",
			 c->name, NET_TAP_NAME_MAX);
		return -EINVAL;
	}
	fd = open(NET_TUN_DEVICE, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		snprintf(why, why_len, "cannot open %s for TAP %s: %s%s",
			 NET_TUN_DEVICE, c->name, strerror(e),
			 e == ENOENT ? " (is the tun module loaded?)" : "");
		return -e;
	}
	name_ifr(&ifr, c->name);
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	if (ioctl(fd, TUNSETIFF, &ifr)) {
		e = errno;
		if (e == EBUSY)
			snprintf(why, why_len,
				 "TAP %s is in use (another device or process "
				 "holds it)",
				 c->name);
		else if (e == EINVAL)
			snprintf(why, why_len,
				 "%s exists and is not a TAP device", c->name);
		else
			snprintf(why, why_len, "cannot create TAP %s: %s",
				 c->name, strerror(e));
		close(fd);
		return -e;
	}
	err = configure(c, why, why_len);
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

int net_tap_set_carrier(int fd, int on)
{
	int v = !!on;

	return ioctl(fd, TUNSETCARRIER, &v) ? -errno : 0;
}
