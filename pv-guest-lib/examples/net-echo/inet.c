// SPDX-License-Identifier: MIT
/* A minimal IPv4 host: what it answers, and every check before it does. */
#include <string.h> /* common/string.h in the freestanding build */

#include "inet.h"

#define ARP_LEN 28u
#define IP_HLEN 20u
#define ICMP_HLEN 8u
#define UDP_HLEN 8u
#define ETH_MIN 60u /* without the FCS: short frames are padded */
#define ICMP_ECHO_REPLY 0u
#define ICMP_ECHO_REQUEST 8u
#define ARP_REQUEST 1u
#define ARP_REPLY 2u
#define IP_TTL 64u

static const uint8_t broadcast_mac[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

void inet_host_init(struct inet_host *h, const uint8_t mac[6],
		    const uint8_t ip[4], uint16_t udp_port)
{
	memset(h, 0, sizeof(*h));
	memcpy(h->mac, mac, 6);
	memcpy(h->ip, ip, 4);
	h->udp_port = udp_port;
	h->next_id = 1;
}

uint32_t inet_sum(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;

	for (; len > 1; p += 2, len -= 2) {
		sum += inet_get16(p);
		/* Fold as we go: a sum of any length never overflows. */
		sum = (sum & 0xFFFFu) + (sum >> 16);
	}
	if (len)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

uint16_t inet_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xFFFFu) + (sum >> 16);
	return (uint16_t)~sum;
}

uint16_t inet_udp_checksum(const uint8_t src[4], const uint8_t dst[4],
			   const uint8_t *udp, uint16_t len)
{
	uint8_t pseudo[12];

	memcpy(pseudo, src, 4);
	memcpy(pseudo + 4, dst, 4);
	pseudo[8] = 0;
	pseudo[9] = INET_IP_UDP;
	inet_put16(pseudo + 10, len);
	return inet_fold(
		inet_sum(inet_sum(0, pseudo, sizeof(pseudo)), udp, len));
}

int inet_parse_ip(const char *s, uint8_t ip[4])
{
	uint8_t a[4];

	for (unsigned i = 0; i < 4; i++) {
		unsigned v = 0, digits = 0;

		for (; *s >= '0' && *s <= '9'; s++) {
			v = v * 10u + (unsigned)(*s - '0');
			if (++digits > 3 || v > 255)
				return -1;
		}
		if (!digits || *s != (i < 3 ? '.' : '\0'))
			return -1;
		a[i] = (uint8_t)v;
		s++;
	}
	memcpy(ip, a, 4);
	return 0;
}

const uint8_t *inet_arp_lookup(const struct inet_host *h, const uint8_t ip[4])
{
	for (unsigned i = 0; i < INET_ARP_CACHE; i++)
		if (h->arp[i].valid && !memcmp(h->arp[i].ip, ip, 4))
			return h->arp[i].mac;
	return NULL;
}

/* A unicast host address someone could answer to. */
static int ip_unicast(const uint8_t ip[4])
{
	return ip[0] != 0 && ip[0] < 224;
}

static void arp_learn(struct inet_host *h, const uint8_t ip[4],
		      const uint8_t mac[6])
{
	struct inet_arp_entry *e = NULL;

	if (!ip_unicast(ip) || (mac[0] & 1u))
		return;
	for (unsigned i = 0; i < INET_ARP_CACHE && !e; i++)
		if (h->arp[i].valid && !memcmp(h->arp[i].ip, ip, 4))
			e = &h->arp[i];
	if (e && !memcmp(e->mac, mac, 6))
		return;
	if (!e) {
		e = &h->arp[h->arp_next];
		h->arp_next = (h->arp_next + 1u) % INET_ARP_CACHE;
	}
	memcpy(e->ip, ip, 4);
	memcpy(e->mac, mac, 6);
	e->valid = 1;
	h->stats.arp_learned++;
}

static uint32_t eth_header(const struct inet_host *h, uint8_t *out,
			   const uint8_t dst[6], uint16_t type)
{
	memcpy(out, dst, 6);
	memcpy(out + 6, h->mac, 6);
	inet_put16(out + 12, type);
	return INET_ETH_HLEN;
}

/* Short frames get the Ethernet minimum, as a NIC would pad them. */
static uint32_t pad(uint8_t *out, uint32_t len)
{
	if (len < ETH_MIN) {
		memset(out + len, 0, ETH_MIN - len);
		len = ETH_MIN;
	}
	return len;
}

static uint32_t arp_input(struct inet_host *h, const uint8_t *a, uint32_t len,
			  uint8_t *out)
{
	const uint8_t *sha = a + 8, *spa = a + 14, *tpa = a + 24;
	uint16_t op;
	uint8_t *r;

	if (len < ARP_LEN) {
		h->stats.bad_length++;
		return 0;
	}
	if (inet_get16(a) != 1 || inet_get16(a + 2) != INET_ETH_IPV4 ||
	    a[4] != 6 || a[5] != 4) {
		h->stats.unsupported++;
		return 0;
	}
	op = inet_get16(a + 6);
	if (memcmp(tpa, h->ip, 4)) {
		h->stats.not_for_us++;
		return 0;
	}
	arp_learn(h, spa, sha);
	if (op == ARP_REPLY) {
		h->stats.arp_replies++;
		return 0;
	}
	if (op != ARP_REQUEST) {
		h->stats.unsupported++;
		return 0;
	}
	h->stats.arp_requests++;
	r = out + eth_header(h, out, sha, INET_ETH_ARP);
	inet_put16(r, 1);
	inet_put16(r + 2, INET_ETH_IPV4);
	r[4] = 6;
	r[5] = 4;
	inet_put16(r + 6, ARP_REPLY);
	memcpy(r + 8, h->mac, 6);
	memcpy(r + 14, h->ip, 4);
	memcpy(r + 18, sha, 6);
	memcpy(r + 24, spa, 4);
	return pad(out, INET_ETH_HLEN + ARP_LEN);
}

/* Our IPv4 header (no options) in front of payload bytes already there. */
static void ip_header(struct inet_host *h, uint8_t *ip, const uint8_t dst[4],
		      uint8_t proto, uint16_t payload)
{
	ip[0] = 0x45;
	ip[1] = 0;
	inet_put16(ip + 2, (uint16_t)(IP_HLEN + payload));
	inet_put16(ip + 4, h->next_id++);
	inet_put16(ip + 6, 0);
	ip[8] = IP_TTL;
	ip[9] = proto;
	inet_put16(ip + 10, 0);
	memcpy(ip + 12, h->ip, 4);
	memcpy(ip + 16, dst, 4);
	inet_put16(ip + 10, inet_fold(inet_sum(0, ip, IP_HLEN)));
}

static uint32_t icmp_input(struct inet_host *h, const uint8_t *peer_mac,
			   const uint8_t *src, const uint8_t *m, uint16_t len,
			   uint8_t *out)
{
	uint8_t *ip, *r;

	if (len < ICMP_HLEN) {
		h->stats.bad_length++;
		return 0;
	}
	if (inet_fold(inet_sum(0, m, len))) {
		h->stats.bad_checksum++;
		return 0;
	}
	if (m[0] != ICMP_ECHO_REQUEST || m[1] != 0) {
		h->stats.unsupported++;
		return 0;
	}
	h->stats.icmp_echo++;
	ip = out + eth_header(h, out, peer_mac, INET_ETH_IPV4);
	r = ip + IP_HLEN;
	/* Identifier, sequence number and data come back as they were. */
	memcpy(r, m, len);
	r[0] = ICMP_ECHO_REPLY;
	inet_put16(r + 2, 0);
	inet_put16(r + 2, inet_fold(inet_sum(0, r, len)));
	ip_header(h, ip, src, INET_IP_ICMP, len);
	return pad(out, INET_ETH_HLEN + IP_HLEN + len);
}

static uint32_t udp_input(struct inet_host *h, const uint8_t *peer_mac,
			  const uint8_t *src, const uint8_t *u, uint16_t len,
			  uint8_t *out)
{
	uint16_t ulen, c;
	uint8_t *ip, *r;

	if (len < UDP_HLEN) {
		h->stats.bad_length++;
		return 0;
	}
	ulen = inet_get16(u + 4);
	if (ulen < UDP_HLEN || ulen > len) {
		h->stats.bad_length++;
		return 0;
	}
	/* 0: the sender did not compute one (allowed over IPv4). */
	if (inet_get16(u + 6) && inet_udp_checksum(src, h->ip, u, ulen)) {
		h->stats.bad_checksum++;
		return 0;
	}
	if (h->udp_port && inet_get16(u + 2) != h->udp_port) {
		h->stats.udp_port_mismatch++;
		return 0;
	}
	h->stats.udp_echo++;
	ip = out + eth_header(h, out, peer_mac, INET_ETH_IPV4);
	r = ip + IP_HLEN;
	memcpy(r + UDP_HLEN, u + UDP_HLEN, ulen - UDP_HLEN);
	inet_put16(r, inet_get16(u + 2));
	inet_put16(r + 2, inet_get16(u));
	inet_put16(r + 4, ulen);
	inet_put16(r + 6, 0);
	c = inet_udp_checksum(h->ip, src, r, ulen);
	inet_put16(r + 6, c ? c : 0xFFFFu);
	ip_header(h, ip, src, INET_IP_UDP, ulen);
	return pad(out, INET_ETH_HLEN + IP_HLEN + ulen);
}

static uint32_t ipv4_input(struct inet_host *h, const uint8_t *frame,
			   const uint8_t *ip, uint32_t len, uint8_t *out)
{
	uint32_t hl, total;
	const uint8_t *src = ip + 12, *dst = ip + 16;

	if (len < IP_HLEN || (ip[0] >> 4) != 4 || (ip[0] & 15u) < 5) {
		h->stats.bad_length++;
		return 0;
	}
	hl = (ip[0] & 15u) * 4u;
	total = inet_get16(ip + 2);
	/* Ethernet may pad a short datagram: more bytes are fine, fewer
	 * are not. */
	if (total < hl || total > len || hl > len) {
		h->stats.bad_length++;
		return 0;
	}
	if (inet_fold(inet_sum(0, ip, hl))) {
		h->stats.bad_checksum++;
		return 0;
	}
	if (memcmp(dst, h->ip, 4)) {
		h->stats.not_for_us++;
		return 0;
	}
	if (inet_get16(ip + 6) & 0x3FFFu) {
		h->stats.fragments++; /* MF set or an offset */
		return 0;
	}
	if (!ip_unicast(src)) {
		h->stats.unsupported++;
		return 0;
	}
	arp_learn(h, src, frame + 6);
	switch (ip[9]) {
	case INET_IP_ICMP:
		return icmp_input(h, frame + 6, src, ip + hl,
				  (uint16_t)(total - hl), out);
	case INET_IP_UDP:
		return udp_input(h, frame + 6, src, ip + hl,
				 (uint16_t)(total - hl), out);
	default:
		h->stats.unsupported++;
		return 0;
	}
}

uint32_t inet_input(struct inet_host *h, const uint8_t *frame, uint32_t len,
		    uint8_t *out, uint32_t cap)
{
	uint16_t type;

	h->stats.frames++;
	if (cap < INET_FRAME_MAX || len < INET_ETH_HLEN ||
	    len > INET_FRAME_MAX) {
		h->stats.bad_length++;
		return 0;
	}
	if (memcmp(frame, h->mac, 6) && memcmp(frame, broadcast_mac, 6)) {
		h->stats.not_for_us++;
		return 0;
	}
	if (frame[6] & 1u) {
		h->stats.unsupported++; /* a group source: no one to answer */
		return 0;
	}
	type = inet_get16(frame + 12);
	if (type == INET_ETH_ARP)
		return arp_input(h, frame + INET_ETH_HLEN, len - INET_ETH_HLEN,
				 out);
	if (type == INET_ETH_IPV4)
		return ipv4_input(h, frame, frame + INET_ETH_HLEN,
				  len - INET_ETH_HLEN, out);
	h->stats.unsupported++;
	return 0;
}
