/* SPDX-License-Identifier: MIT */
/* SHA-256 (FIPS 180-4), incremental, for checksums over a whole disk. */
#ifndef PARTITA_EXAMPLE_SHA256_H
#define PARTITA_EXAMPLE_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_BYTES 32u
#define SHA256_BLOCK 64u

struct sha256 {
	uint32_t h[8];
	uint64_t bytes; /* hashed so far */
	uint8_t block[SHA256_BLOCK];
	uint32_t fill; /* bytes waiting in block */
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
void sha256_final(struct sha256 *s, uint8_t out[SHA256_BYTES]);

/* The digest as 64 lowercase hex digits and a NUL. */
void sha256_hex(const uint8_t digest[SHA256_BYTES], char out[65]);

#endif
