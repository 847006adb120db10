#!/usr/bin/env python3
"""Writes fuzz-guest-console's seed corpus: small inputs in its layout that reach the main paths."""
import os
import struct

import seed_files

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, 'corpus-console')

# Steps, as in fuzz-guest-console.c; TX is bit 4 of op (the transmit queue).
(TAKE, PUSH, PUSH_RAW, USED_IDX, RING, POOL, FILL, YIELD, RACE, DOWN,
 WRITE, READ, POLL, CLOSE, RECONNECT, STATS) = range(16)
TX = 0x10
EVENT_IDX, INDIRECT = 1, 2


def hdr(features, qlimit_log2=0, pool_pages=16, no_device=False):
    return bytes([features, qlimit_log2, pool_pages - 1, int(no_device)])


def step(op, x=0, y=0, z=0, v=0):
    return struct.pack('<BBBBI', op, x, y, z, v)


def receive(n, first=0x41):
    """The back-end fills a posted receive buffer with n bytes and returns it."""
    return (step(TAKE, 0) + step(FILL, n - 1, 0, 0, first << 16) +
            step(PUSH, 0, 0, 1, n))


def drain_tx(k=8):
    """The back-end reads up to k transmit chains and returns them."""
    return step(TAKE | TX, k - 1) + step(PUSH | TX, 0, 0, 0) * k


def race(prog, rounds):
    """These steps run in a loop while the next caller step looks at the rings."""
    return (step(RACE, len(prog) - 1, rounds - 1) + b''.join(prog))


def seeds():
    s = {}
    # Output read back by the back-end, input read by the guest in pieces.
    s['echo'] = (hdr(EVENT_IDX | INDIRECT) + step(WRITE, v=100) +
                 drain_tx(1) + step(POLL) + receive(10) + receive(200, 0x61) +
                 step(READ, v=5) + step(READ, v=300) + step(STATS))
    # A write larger than the pool's room waits for the back-end twice.
    s['write-waits'] = (hdr(EVENT_IDX, 0, 2) + step(WRITE, v=4999) +
                        drain_tx(4) + step(YIELD) + drain_tx(4) +
                        step(YIELD) + step(POLL) + step(STATS))
    # A read that waits: the back-end answers during the wait.
    s['read-waits'] = (hdr(0) + step(READ, v=64) + receive(3) +
                       step(STATS))
    # Empty receive entries are posted again; a racing back-end answers
    # every repost with another empty one.
    s['rx-empty-race'] = (hdr(EVENT_IDX) + step(TAKE, 0) +
                          step(PUSH, 0, 0, 1, 0) +
                          race([step(TAKE, 0), step(PUSH, 0, 0, 1, 0)], 64) +
                          step(POLL) + step(POLL) + step(STATS))
    # Hostile entries: a length past the buffer, an id out of range.
    s['rx-too-long'] = (hdr(0) + step(TAKE, 0) + step(PUSH, 0, 0, 2, 1) +
                        step(READ, v=10))
    s['used-id-raw'] = (hdr(EVENT_IDX) + step(PUSH_RAW, 1, 99, 0, 4) +
                        step(POLL) + step(WRITE, v=10))
    s['used-idx-jump'] = (hdr(0) + step(USED_IDX | TX, 0, 0, 1, 300) +
                          step(WRITE, v=10) + step(READ, v=10))
    # The back-end scribbles on the ring and pool while data waits.
    s['scribble'] = (hdr(INDIRECT) + receive(50) +
                     step(POOL, 0x7f, 20, 0, 0) + step(RING, 0xff, 0, 1, 5) +
                     step(READ, v=100) + step(POLL))
    # The device goes away and comes back; the first connect fails.
    s['reconnect'] = (hdr(EVENT_IDX | INDIRECT) + receive(20) +
                      step(CLOSE) + step(DOWN, 1) + step(RECONNECT) +
                      step(RECONNECT) + receive(7) + step(READ, v=100) +
                      step(WRITE, v=2000) + drain_tx() + step(STATS))
    # Queues too small for the sixteen receive buffers: no connect works.
    s['queue-too-small'] = (hdr(EVENT_IDX, 3) + step(WRITE, v=10) +
                            step(RECONNECT))
    # Strings through pt_vconsole_puts; a console that is not there.
    s['puts'] = (hdr(EVENT_IDX) + step(WRITE, 1, v=300) + drain_tx(1) +
                 step(WRITE, 1, v=0) + step(STATS))
    s['no-device'] = (hdr(0, no_device=True) + step(WRITE, v=5) +
                      step(READ, v=5) + step(RECONNECT) + step(STATS))
    return s


def main():
    seed_files.write(OUT, seeds())


if __name__ == '__main__':
    main()
