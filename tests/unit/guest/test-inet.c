// SPDX-License-Identifier: MIT
/*
 * net-echo's IPv4 host on the host: Internet checksums against known
 * values, and ARP, ICMP echo and UDP echo frames in and out, well formed
 * and not.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "inet.h"

static const uint8_t our_mac[6] = { 0x02, 0, 0, 0, 0, 0x02 };
static const uint8_t our_ip[4] = { 10, 0, 0, 2 };
static const uint8_t peer_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t peer_ip[4] = { 10, 0, 0, 1 };
static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static struct inet_host h;
static uint8_t frame[INET_FRAME_MAX], out[INET_FRAME_MAX];

static void setup(void)
{
	inet_host_init(&h, our_mac, our_ip, 0);
	memset(frame, 0, sizeof(frame));
	memset(out, 0, sizeof(out));
}

TestSuite(inet, .init = setup);

Test(inet, checksum_of_rfc_1071s_example)
{
	static const uint8_t b[8] = { 0x00, 0x01, 0xf2, 0x03,
				      0xf4, 0xf5, 0xf6, 0xf7 };

	/* RFC 1071 1.2: the sum is 0xddf2, its complement the checksum. */
	cr_expect_eq(inet_fold(inet_sum(0, b, sizeof(b))), 0x220d);
	/* Summing in pieces gives the same (even-length pieces). */
	cr_expect_eq(inet_fold(inet_sum(inet_sum(0, b, 4), b + 4, 4)), 0x220d);
}

Test(inet, checksum_of_a_known_ipv4_header)
{
	uint8_t ip[20] = { 0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40,
			   0x00, 0x40, 0x11, 0xb8, 0x61, 0xc0, 0xa8,
			   0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7 };

	cr_expect_eq(inet_fold(inet_sum(0, ip, 20)), 0, "valid as it is");
	ip[10] = ip[11] = 0;
	cr_expect_eq(inet_fold(inet_sum(0, ip, 20)), 0xb861);
}

Test(inet, odd_lengths_pad_with_a_zero_byte)
{
	static const uint8_t b[3] = { 0x12, 0x34, 0x56 };

	cr_expect_eq(inet_fold(inet_sum(0, b, 3)),
		     (uint16_t) ~(0x1234 + 0x5600));
}

Test(inet, udp_checksum_of_a_known_datagram)
{
	uint8_t u[8 + 13] = { 0x9c, 0x40, 0x00, 0x07, 0x00, 21, 0, 0 };

	memcpy(u + 8, "hello partita", 13);
	cr_expect_eq(inet_udp_checksum(peer_ip, our_ip, u, sizeof(u)), 0x5e3d);
	inet_put16(u + 6, 0x5e3d);
	cr_expect_eq(inet_udp_checksum(peer_ip, our_ip, u, sizeof(u)), 0);
}

Test(inet, addresses)
{
	uint8_t ip[4] = { 9, 9, 9, 9 };

	cr_expect_eq(inet_parse_ip("10.0.0.2", ip), 0);
	cr_expect_arr_eq(ip, our_ip, 4);
	cr_expect_eq(inet_parse_ip("255.255.255.255", ip), 0);
	cr_expect_eq(inet_parse_ip("256.0.0.1", ip), -1);
	cr_expect_eq(inet_parse_ip("10.0.0", ip), -1);
	cr_expect_eq(inet_parse_ip("10.0.0.1.", ip), -1);
	cr_expect_eq(inet_parse_ip("10..0.1", ip), -1);
	cr_expect_eq(inet_parse_ip("1000.0.0.1", ip), -1);
	cr_expect_eq(inet_parse_ip("", ip), -1);
}

/* An Ethernet header from the peer to dst. */
static uint8_t *eth(const uint8_t dst[6], uint16_t type)
{
	memcpy(frame, dst, 6);
	memcpy(frame + 6, peer_mac, 6);
	inet_put16(frame + 12, type);
	return frame + 14;
}

static uint32_t arp(uint16_t op, const uint8_t target_ip[4])
{
	uint8_t *a = eth(bcast, INET_ETH_ARP);

	inet_put16(a, 1);
	inet_put16(a + 2, INET_ETH_IPV4);
	a[4] = 6;
	a[5] = 4;
	inet_put16(a + 6, op);
	memcpy(a + 8, peer_mac, 6);
	memcpy(a + 14, peer_ip, 4);
	memcpy(a + 24, target_ip, 4);
	return 14 + 28;
}

Test(inet, arp_requests_for_our_address_are_answered)
{
	uint32_t n = inet_input(&h, frame, arp(1, our_ip), out, sizeof(out));
	const uint8_t *a = out + 14;

	cr_assert_eq(n, 60, "padded to the Ethernet minimum");
	cr_expect_arr_eq(out, peer_mac, 6);
	cr_expect_arr_eq(out + 6, our_mac, 6);
	cr_expect_eq(inet_get16(out + 12), INET_ETH_ARP);
	cr_expect_eq(inet_get16(a + 6), 2, "a reply");
	cr_expect_arr_eq(a + 8, our_mac, 6);
	cr_expect_arr_eq(a + 14, our_ip, 4);
	cr_expect_arr_eq(a + 18, peer_mac, 6);
	cr_expect_arr_eq(a + 24, peer_ip, 4);
	cr_expect_eq(h.stats.arp_requests, 1);
	cr_assert_not_null(inet_arp_lookup(&h, peer_ip), "the peer cached");
	cr_expect_arr_eq(inet_arp_lookup(&h, peer_ip), peer_mac, 6);
}

Test(inet, arp_for_someone_else_or_malformed_is_not)
{
	static const uint8_t other[4] = { 10, 0, 0, 3 };
	uint32_t len = arp(1, other);

	cr_expect_eq(inet_input(&h, frame, len, out, sizeof(out)), 0);
	cr_expect_eq(h.stats.not_for_us, 1);
	cr_expect_null(inet_arp_lookup(&h, peer_ip));
	len = arp(1, our_ip);
	cr_expect_eq(inet_input(&h, frame, len - 1, out, sizeof(out)), 0,
		     "one byte short");
	cr_expect_eq(h.stats.bad_length, 1);
	frame[14 + 4] = 8; /* hardware address length */
	cr_expect_eq(inet_input(&h, frame, len, out, sizeof(out)), 0);
	cr_expect_eq(h.stats.unsupported, 1);
	/* A reply for us teaches the cache and is not answered. */
	cr_expect_eq(inet_input(&h, frame, arp(2, our_ip), out, sizeof(out)),
		     0);
	cr_expect_eq(h.stats.arp_replies, 1);
	cr_expect_not_null(inet_arp_lookup(&h, peer_ip));
}

/* An IPv4 header from the peer to dst around payload bytes. */
static uint8_t *ipv4(const uint8_t dst[4], uint8_t proto, uint16_t payload)
{
	uint8_t *ip = eth(our_mac, INET_ETH_IPV4);

	memset(ip, 0, 20);
	ip[0] = 0x45;
	inet_put16(ip + 2, (uint16_t)(20 + payload));
	inet_put16(ip + 4, 0x1234);
	ip[8] = 64;
	ip[9] = proto;
	memcpy(ip + 12, peer_ip, 4);
	memcpy(ip + 16, dst, 4);
	return ip;
}

static void ip_checksum(uint8_t *ip)
{
	inet_put16(ip + 10, 0);
	inet_put16(ip + 10, inet_fold(inet_sum(0, ip, 20)));
}

static uint32_t echo_request(uint16_t data)
{
	uint8_t *ip = ipv4(our_ip, INET_IP_ICMP, (uint16_t)(8 + data));
	uint8_t *m = ip + 20;

	m[0] = 8;
	inet_put16(m + 4, 0xBEEF);
	inet_put16(m + 6, 42);
	for (uint16_t i = 0; i < data; i++)
		m[8 + i] = (uint8_t)i;
	inet_put16(m + 2, inet_fold(inet_sum(0, m, 8u + data)));
	ip_checksum(ip);
	return 14 + 20 + 8 + data;
}

Test(inet, icmp_echo_requests_are_answered)
{
	uint32_t len = echo_request(56), n;
	const uint8_t *ip = out + 14, *m = ip + 20;

	n = inet_input(&h, frame, len, out, sizeof(out));
	cr_assert_eq(n, len);
	cr_expect_arr_eq(out, peer_mac, 6);
	cr_expect_eq(ip[0], 0x45);
	cr_expect_eq(inet_get16(ip + 2), 20 + 64);
	cr_expect_eq(ip[9], INET_IP_ICMP);
	cr_expect_arr_eq(ip + 12, our_ip, 4);
	cr_expect_arr_eq(ip + 16, peer_ip, 4);
	cr_expect_eq(inet_fold(inet_sum(0, ip, 20)), 0, "IPv4 checksum");
	cr_expect_eq(m[0], 0, "echo reply");
	cr_expect_eq(inet_get16(m + 4), 0xBEEF);
	cr_expect_eq(inet_get16(m + 6), 42);
	cr_expect_arr_eq(m + 8, frame + 14 + 28, 56, "the data comes back");
	cr_expect_eq(inet_fold(inet_sum(0, m, 64)), 0, "ICMP checksum");
	cr_expect_eq(h.stats.icmp_echo, 1);
	cr_expect_not_null(inet_arp_lookup(&h, peer_ip));
}

Test(inet, a_short_echo_request_is_padded_and_still_answered)
{
	uint32_t len = echo_request(0);

	/* 42 bytes: a NIC pads to 60, IPv4's length says what counts. */
	cr_assert_eq(len, 42);
	cr_expect_eq(inet_input(&h, frame, 60, out, sizeof(out)), 60);
	cr_expect_eq(inet_get16(out + 14 + 2), 28);
}

Test(inet, broken_ipv4_and_icmp_are_dropped_and_counted)
{
	uint32_t len = echo_request(8);

	frame[14 + 20 + 8] ^= 1; /* the data, under the ICMP checksum */
	cr_expect_eq(inet_input(&h, frame, len, out, sizeof(out)), 0);
	cr_expect_eq(h.stats.bad_checksum, 1);
	len = echo_request(8);
	frame[14 + 8] = 1; /* the TTL, under the IPv4 checksum */
	cr_expect_eq(inet_input(&h, frame, len, out, sizeof(out)), 0);
	cr_expect_eq(h.stats.bad_checksum, 2);
	len = echo_request(8);
	cr_expect_eq(inet_input(&h, frame, len - 1, out, sizeof(out)), 0,
		     "total length past the frame");
	cr_expect_eq(h.stats.bad_length, 1);
	len = echo_request(8);
	frame[14] = 0x44; /* IHL 4 */
	cr_expect_eq(inet_input(&h, frame, len, out, sizeof(out)), 0);
	cr_expect_eq(h.stats.bad_length, 2);
	len = echo_request(8);
	inet_put16(frame + 14 + 6, 0x2000); /* more fragments */
	ip_checksum(frame + 14);
	cr_expect_eq(inet_input(&h, frame, len, out, sizeof(out)), 0);
	cr_expect_eq(h.stats.fragments, 1);
	len = echo_request(8);
	frame[14 + 20] = 13; /* a timestamp request */
	inet_put16(frame + 14 + 22, 0);
	inet_put16(frame + 14 + 22, inet_fold(inet_sum(0, frame + 34, 16)));
	cr_expect_eq(inet_input(&h, frame, len, out, sizeof(out)), 0);
	cr_expect_eq(h.stats.unsupported, 1);
	cr_expect_eq(h.stats.icmp_echo, 0);
}

Test(inet, frames_for_others_are_not_answered)
{
	static const uint8_t other_mac[6] = { 0x02, 9, 9, 9, 9, 9 };
	static const uint8_t other_ip[4] = { 10, 0, 0, 9 };
	uint32_t len = echo_request(8);

	memcpy(frame, other_mac, 6);
	cr_expect_eq(inet_input(&h, frame, len, out, sizeof(out)), 0);
	memcpy(frame, our_mac, 6);
	memcpy(frame + 14 + 16, other_ip, 4);
	ip_checksum(frame + 14);
	cr_expect_eq(inet_input(&h, frame, len, out, sizeof(out)), 0);
	cr_expect_eq(h.stats.not_for_us, 2);
	len = echo_request(8);
	frame[6] |= 1; /* a group source address */
	cr_expect_eq(inet_input(&h, frame, len, out, sizeof(out)), 0);
	cr_expect_eq(inet_input(&h, frame, 13, out, sizeof(out)), 0);
	cr_expect_eq(
		inet_input(&h, frame, INET_FRAME_MAX + 1, out, sizeof(out)), 0);
	eth(our_mac, 0x86DD); /* IPv6 */
	cr_expect_eq(inet_input(&h, frame, 60, out, sizeof(out)), 0);
}

static uint32_t udp(uint16_t sport, uint16_t dport, const char *data,
		    int with_checksum)
{
	uint16_t n = (uint16_t)strlen(data);
	uint8_t *ip = ipv4(our_ip, INET_IP_UDP, (uint16_t)(8 + n));
	uint8_t *u = ip + 20;

	inet_put16(u, sport);
	inet_put16(u + 2, dport);
	inet_put16(u + 4, (uint16_t)(8 + n));
	inet_put16(u + 6, 0);
	memcpy(u + 8, data, n);
	if (with_checksum)
		inet_put16(u + 6, inet_udp_checksum(peer_ip, our_ip, u,
						    (uint16_t)(8 + n)));
	ip_checksum(ip);
	return 14 + 20 + 8 + n;
}

Test(inet, udp_datagrams_are_echoed_to_their_sender)
{
	uint32_t len = udp(40000, 7, "hello partita", 1);
	const uint8_t *ip = out + 14, *u = ip + 20;

	cr_assert_eq(inet_input(&h, frame, len, out, sizeof(out)), 60);
	cr_expect_arr_eq(out, peer_mac, 6);
	cr_expect_eq(ip[9], INET_IP_UDP);
	cr_expect_eq(inet_get16(ip + 2), 20 + 8 + 13);
	cr_expect_arr_eq(ip + 16, peer_ip, 4);
	cr_expect_eq(inet_fold(inet_sum(0, ip, 20)), 0);
	cr_expect_eq(inet_get16(u), 7, "ports swapped");
	cr_expect_eq(inet_get16(u + 2), 40000);
	cr_expect_eq(inet_get16(u + 4), 21);
	cr_expect_arr_eq(u + 8, "hello partita", 13);
	cr_expect_neq(inet_get16(u + 6), 0, "a checksum is always sent");
	cr_expect_eq(inet_udp_checksum(our_ip, peer_ip, u, 21), 0);
	cr_expect_eq(h.stats.udp_echo, 1);
	/* Without a checksum (0) the datagram is still taken. */
	len = udp(40000, 9, "no checksum", 0);
	cr_expect_gt(inet_input(&h, frame, len, out, sizeof(out)), 0);
	cr_expect_eq(h.stats.udp_echo, 2);
}

Test(inet, bad_udp_is_dropped_and_the_port_filter_holds)
{
	uint32_t len = udp(1, 7, "abc", 1);

	frame[len - 1] ^= 0x40;
	cr_expect_eq(inet_input(&h, frame, len, out, sizeof(out)), 0);
	cr_expect_eq(h.stats.bad_checksum, 1);
	len = udp(1, 7, "abc", 1);
	inet_put16(frame + 14 + 20 + 4, 12); /* longer than the datagram */
	cr_expect_eq(inet_input(&h, frame, len, out, sizeof(out)), 0);
	inet_put16(frame + 14 + 20 + 4, 7); /* shorter than its header */
	cr_expect_eq(inet_input(&h, frame, len, out, sizeof(out)), 0);
	cr_expect_eq(h.stats.bad_length, 2);
	inet_host_init(&h, our_mac, our_ip, 5000);
	len = udp(1, 7, "abc", 1);
	cr_expect_eq(inet_input(&h, frame, len, out, sizeof(out)), 0);
	cr_expect_eq(h.stats.udp_port_mismatch, 1);
	len = udp(1, 5000, "abc", 1);
	cr_expect_gt(inet_input(&h, frame, len, out, sizeof(out)), 0);
	cr_expect_eq(h.stats.udp_echo, 1);
}
