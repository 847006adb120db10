/* SPDX-License-Identifier: GPL-2.0-only */
/* partita-notify-bench --bounds: the root's entry-time histograms as PTBOUND lines. */
#ifndef PARTITA_BENCH_ENTRY_BOUNDS_H
#define PARTITA_BENCH_ENTRY_BOUNDS_H

/* Prints the figures (reset 0) or zeroes them (reset 1); exit status. */
int entry_bounds_main(int reset);

#endif
