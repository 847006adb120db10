// SPDX-License-Identifier: GPL-2.0-only
/* A `net` device's settings: its TAP device, bridge and MAC address. */
#include <errno.h>
#include <string.h>

#include "config-internal.h"

#define EXPECT_IFNAME                                                    \
	"an interface name: 1 to 15 printable ASCII characters without " \
	"'/', ':' or spaces"
#define EXPECT_MAC \
	"six pairs of hex digits separated by ':', like 02:00:00:00:00:01"

/* "pt<digits>.<digits>": what the toolstack names TAPs it generates. */
static bool generated_tap_form(const char *name)
{
	const char *p = name + 2;
	size_t digits;

	if (strncmp(name, "pt", 2) != 0)
		return false;
	digits = strspn(p, "0123456789");
	if (!digits || p[digits] != '.')
		return false;
	p += digits + 1;
	digits = strspn(p, "0123456789");
	return digits && !p[digits];
}

static int parse_ifname(struct config_parse *ps, yaml_node_t *value,
			const char *key, char *out)
{
	const char *text, *why;
	char buf[64], qbuf[64];
	int ret = config_get_text(ps, value, key, EXPECT_IFNAME, &text);

	if (ret)
		return ret;
	why = config_ifname_problem(text, buf, sizeof(buf));
	if (why)
		return config_fail(
			ps, value->start_mark,
			"found %s %s with %s, expected " EXPECT_IFNAME, key,
			config_quote(text, qbuf, sizeof(qbuf)), why);
	memcpy(out, text, strlen(text) + 1);
	return 0;
}

static int parse_tap(struct config_parse *ps, struct config_net *net,
		     yaml_node_t *value)
{
	char buf[64];
	int ret = parse_ifname(ps, value, "tap", net->tap);

	if (ret)
		return ret;
	/* Such a name could be another guest's generated TAP. */
	if (generated_tap_form(net->tap))
		return config_fail(ps, value->start_mark,
				   "found tap %s, of the form partita gives "
				   "generated TAP devices (pt<id>.<n>), "
				   "expected another name, or no tap to have "
				   "one generated",
				   config_quote(net->tap, buf, sizeof(buf)));
	net->tap_pos = config_mark_pos(value->start_mark);
	return 0;
}

static int parse_mac(struct config_parse *ps, struct config_net *net,
		     yaml_node_t *value)
{
	static const uint8_t zero[CONFIG_MAC_BYTES];
	const char *text;
	char buf[64];
	int ret = config_get_text(ps, value, "mac", EXPECT_MAC, &text);

	if (ret)
		return ret;
	if (config_parse_mac(text, net->mac))
		return config_fail(ps, value->start_mark,
				   "found mac %s, expected " EXPECT_MAC,
				   config_quote(text, buf, sizeof(buf)));
	if (net->mac[0] & 1)
		return config_fail(ps, value->start_mark,
				   "found mac %s, a multicast address (the "
				   "low bit of its first octet is set), "
				   "expected a unicast MAC",
				   config_quote(text, buf, sizeof(buf)));
	if (!memcmp(net->mac, zero, sizeof(zero)))
		return config_fail(ps, value->start_mark,
				   "found mac %s, expected a MAC other than "
				   "all zeros",
				   config_quote(text, buf, sizeof(buf)));
	net->has_mac = 1;
	net->mac_pos = config_mark_pos(value->start_mark);
	return 0;
}

int config_net_setting(struct config_parse *ps, struct config_device *dev,
		       const char *key, yaml_node_t *value)
{
	if (strcmp(key, "tap") == 0)
		return parse_tap(ps, &dev->net, value);
	if (strcmp(key, "bridge") == 0)
		return parse_ifname(ps, value, "bridge", dev->net.bridge);
	return parse_mac(ps, &dev->net, value);
}

/* No two NICs share a TAP device or a MAC address. */
int config_net_finish(struct config_parse *ps, struct config_device *dev,
		      yaml_node_t *node, unsigned int index)
{
	const struct config *cfg = ps->cfg;
	const struct config_net *net = &dev->net;
	char buf[64];

	(void)node;
	(void)index;
	if (net->tap[0] && !strcmp(net->tap, net->bridge))
		return config_fail_at(cfg, net->tap_pos, ps->err, -EINVAL,
				      "found tap %s, the name of its own "
				      "bridge, expected another name",
				      config_quote(net->tap, buf, sizeof(buf)));
	for (unsigned int i = 0; i < cfg->device_count; i++) {
		const struct config_net *o = &cfg->devices[i].net;

		if (cfg->devices[i].type != CONFIG_DEVICE_NET)
			continue;
		if (net->tap[0] && !strcmp(o->tap, net->tap))
			return config_fail_at(
				cfg, net->tap_pos, ps->err, -EINVAL,
				"found tap %s again (first at line %u), "
				"expected each TAP device in one device only",
				config_quote(net->tap, buf, sizeof(buf)),
				o->tap_pos.line);
		if (net->has_mac && o->has_mac &&
		    !memcmp(o->mac, net->mac, sizeof(net->mac)))
			return config_fail_at(
				cfg, net->mac_pos, ps->err, -EINVAL,
				"found mac %02x:%02x:%02x:%02x:%02x:%02x "
				"again (first at line %u), expected each MAC "
				"in one device only",
				net->mac[0], net->mac[1], net->mac[2],
				net->mac[3], net->mac[4], net->mac[5],
				o->mac_pos.line);
	}
	return 0;
}
