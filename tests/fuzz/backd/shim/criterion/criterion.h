/* SPDX-License-Identifier: GPL-2.0-only */
/* The two Criterion assertions backd-fake.h uses, as aborts, for fuzzers. */
#ifndef PARTITA_BACKD_FUZZ_CRITERION_SHIM_H
#define PARTITA_BACKD_FUZZ_CRITERION_SHIM_H

#include <stdio.h>
#include <stdlib.h>

/* A fake's broken expectation is a finding: report it and crash. */
#define cr_assert(cond, ...)                                                  \
	do {                                                                  \
		if (!(cond)) {                                                \
			fprintf(stderr, "fake: %s:%d: ", __FILE__, __LINE__); \
			fprintf(stderr, __VA_ARGS__);                         \
			fputc('\n', stderr);                                  \
			abort();                                              \
		}                                                             \
	} while (0)
#define cr_assert_lt(a, b, ...) cr_assert((a) < (b), __VA_ARGS__)

#endif
