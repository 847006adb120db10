/* SPDX-License-Identifier: MIT */
/* A minimal IPv4 host: ARP, ICMP echo and UDP echo over Ethernet frames. */
#ifndef PARTITA_EXAMPLE_INET_H
#define PARTITA_EXAMPLE_INET_H

#include <stddef.h>
#include <stdint.h>

/*
 * Pure code (unit-tested on the host): inet_input() takes one received
 * frame and, when the host should answer, writes the answer frame. It
 * never trusts a length field: every header is checked against the
 * bytes that arrived, checksums included, before anything is used.
 * Addresses are kept in network byte order as 4 bytes.
 */
#define INET_ETH_HLEN 14u
#define INET_ETH_ARP 0x0806u
#define INET_ETH_IPV4 0x0800u
#define INET_IP_ICMP 1u
#define INET_IP_UDP 17u
#define INET_ARP_CACHE 8u
#define INET_FRAME_MAX 1518u

struct inet_stats {
	uint64_t frames;	    /* handed to inet_input */
	uint64_t arp_requests;	    /* for our address, answered */
	uint64_t arp_replies;	    /* received, for us */
	uint64_t arp_learned;	    /* cache entries written */
	uint64_t icmp_echo;	    /* echo requests answered */
	uint64_t udp_echo;	    /* datagrams echoed */
	uint64_t not_for_us;	    /* another MAC or IP, multicast */
	uint64_t bad_length;	    /* truncated or inconsistent lengths */
	uint64_t bad_checksum;	    /* IPv4, ICMP or UDP */
	uint64_t fragments;	    /* not reassembled: dropped */
	uint64_t unsupported;	    /* other ethertypes, protocols, types */
	uint64_t udp_port_mismatch; /* not the port= we echo */
};

struct inet_arp_entry {
	uint8_t ip[4];
	uint8_t mac[6];
	uint8_t valid;
};

struct inet_host {
	uint8_t mac[6];
	uint8_t ip[4];
	uint16_t udp_port; /* 0: echo on every port */
	uint16_t next_id;  /* IPv4 identification of our datagrams */
	struct inet_arp_entry arp[INET_ARP_CACHE];
	unsigned arp_next; /* the entry replaced next */
	struct inet_stats stats;
};

void inet_host_init(struct inet_host *h, const uint8_t mac[6],
		    const uint8_t ip[4], uint16_t udp_port);

/*
 * Handles one frame of len bytes. Returns the length of the answer
 * written to out (cap bytes, at least INET_FRAME_MAX), or 0 when there
 * is nothing to send.
 */
uint32_t inet_input(struct inet_host *h, const uint8_t *frame, uint32_t len,
		    uint8_t *out, uint32_t cap);

/* The MAC the cache holds for ip, or NULL. */
const uint8_t *inet_arp_lookup(const struct inet_host *h, const uint8_t ip[4]);

/*
 * The Internet checksum (RFC 1071): inet_sum adds bytes to a running
 * 32-bit sum (odd lengths padded with a zero byte), inet_fold folds it
 * and takes the one's complement: the value to store in a header, or 0
 * when checking a header that already holds one.
 */
uint32_t inet_sum(uint32_t sum, const void *data, size_t len);
uint16_t inet_fold(uint32_t sum);

/* UDP's checksum over the pseudo-header and the datagram (whose own
 * checksum field is included as it is). */
uint16_t inet_udp_checksum(const uint8_t src[4], const uint8_t dst[4],
			   const uint8_t *udp, uint16_t len);

/* "10.0.0.2" -> 4 bytes; 0 or -1. */
int inet_parse_ip(const char *s, uint8_t ip[4]);

/* Big-endian fields. */
static inline uint16_t inet_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline void inet_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

#endif
