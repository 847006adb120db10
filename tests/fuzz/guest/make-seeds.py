#!/usr/bin/env python3
"""Writes fuzz-guest-vq's seed corpus: small inputs in its layout that reach the main paths."""
import os
import struct

import seed_files

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, 'corpus-vq')

# Steps, as in fuzz-guest-vq.c; TX is bit 4 of op (net: the transmit queue).
(TAKE, PUSH, PUSH_RAW, USED_IDX, RING, POOL, FILL, STATUS,
 ADD, HARVEST, KICK, EVENTS, OTHER, RACE) = range(14)
TX = 0x10
EVENT_IDX, INDIRECT = 1, 2
VQ, BLK, NET = 0, 1, 2
# Block request types, in the harness's order (x % 6).
B_IN, B_OUT, B_FLUSH, B_DISCARD, B_WZ, B_GET_ID = range(6)


def hdr(mode, features, size_log2, pool_pages, blk=0, seg_max=0,
        capacity=0):
    return bytes([mode, features, size_log2, pool_pages - 1, blk, seg_max,
                  capacity & 0xff, capacity >> 8])


def step(op, x=0, y=0, z=0, v=0):
    return struct.pack('<BBBBI', op, x, y, z, v)


def chain(nout, nin):
    """ADD's x for a chain of nout read and nin write segments."""
    return nout | nin << 2


def race(steps):
    """The back-end runs these on another CPU during the next step."""
    assert 1 <= len(steps) <= 32
    return step(RACE, len(steps) - 1) + b''.join(steps)


def serve(n, status=None, fill=True):
    """The back-end completes n taken chains honestly, oldest slot first."""
    s = b''
    for _ in range(n):
        if fill:
            s += step(FILL, 63, 0, 0, 0x5a0000)
        if status is not None:
            s += step(STATUS, status, 0)
        s += step(PUSH, 0, 0, 0)
    return s


def seeds():
    s = {}
    # Chains in and out through indirect tables, events on, harvested.
    s['vq-indirect'] = (hdr(VQ, EVENT_IDX | INDIRECT, 3, 2) +
                        step(ADD, chain(1, 2), 5, 0, 0x321) +
                        step(ADD, chain(2, 1), 9, 0, 0x123) +
                        step(ADD, chain(0, 1), 1, 0, 0x7) +
                        step(KICK) + step(TAKE, 7) + serve(3) +
                        step(HARVEST, 3) + step(EVENTS) +
                        step(ADD, chain(1, 1), 0, 0, 0x11) + step(KICK) +
                        step(TAKE, 7) + step(PUSH, 0, 0, 1, 5) +
                        step(HARVEST, 0) + step(EVENTS))
    # Direct chains filling a small queue: EAGAIN, then room again.
    s['vq-direct-full'] = (hdr(VQ, 0, 2, 1) +
                           step(ADD, chain(1, 1), 3, 0, 0x21) +
                           step(ADD, chain(1, 1), 3, 0, 0x12) +
                           step(ADD, chain(1, 1), 3, 0, 0x33) +
                           step(KICK) + step(TAKE, 7) + serve(1) +
                           step(HARVEST, 0) +
                           step(ADD, chain(1, 1), 3, 0, 0x44) +
                           step(TAKE, 7) + serve(2) + step(HARVEST, 3) +
                           step(OTHER) + step(ADD, chain(0, 0)) +
                           step(ADD, chain(1, 0) | 0x80))
    # Each way a back-end can break the queue, then more work on it.
    after = (step(ADD, chain(1, 1), 0, 0, 1) + step(HARVEST, 3) +
             step(EVENTS) + step(OTHER))
    two = hdr(VQ, EVENT_IDX, 3, 1) + step(ADD, chain(1, 1), 2, 0, 0x10) + \
        step(ADD, chain(0, 1), 2, 0, 0x2) + step(TAKE, 7)
    s['vq-break-index-ahead'] = two + step(USED_IDX, 0, 0, 0, 3) + \
        step(HARVEST, 3) + after
    s['vq-break-index-back'] = two + serve(1) + step(HARVEST, 0) + \
        step(USED_IDX, 0, 0, 0, 0xffff) + step(HARVEST, 3) + after
    s['vq-break-id-range'] = two + step(PUSH_RAW, 1, 0x2c, 1, 0) + \
        step(HARVEST, 3) + after
    s['vq-break-id-not-head'] = two + step(PUSH_RAW, 1, 1, 0, 0) + \
        step(HARVEST, 3) + after
    s['vq-break-twice'] = two + step(PUSH_RAW, 1, 0, 0, 0) + \
        step(PUSH_RAW, 1, 0, 0, 0) + step(HARVEST, 3) + after
    s['vq-break-len'] = two + step(PUSH, 0, 0, 2, 0) + step(HARVEST, 3) + \
        after
    # A block disk with every feature: each request type served, with
    # OK, IOERR, UNSUPP and a byte out of range; a zero-copy read.
    blk = 4 | 8 | 16 | 4 << 5  # FLUSH, DISCARD, WRITE_ZEROES, 4 KiB segs
    reqs = (step(ADD, B_IN, 0, 7, 16) + step(ADD, B_OUT, 1, 3, 32) +
            step(ADD, B_FLUSH, 2) + step(ADD, B_DISCARD, 3, 7, 64) +
            step(ADD, B_WZ, 4, 1, 128) + step(ADD, B_GET_ID, 5) +
            step(ADD, B_IN, 6, 0x81, 8) + step(ADD, B_OUT, 7, 0x80, 256))
    s['blk-all-types'] = (hdr(BLK, EVENT_IDX | INDIRECT, 4, 8, blk, 8, 2048) +
                          reqs + step(KICK) + step(TAKE, 7) + serve(6, 0) +
                          step(TAKE, 7) + serve(1, 1) + serve(1, 2) +
                          step(HARVEST, 0) + step(EVENTS))
    s['blk-direct-status'] = (hdr(BLK, 0, 5, 4, blk | 2, 0, 4096) +
                              step(ADD, B_IN, 0, 7, 16) +
                              step(ADD, B_GET_ID, 1) +
                              step(ADD, B_OUT, 2, 7, 64) +
                              step(TAKE, 7) + serve(1, 0) +
                              serve(1, 9) + step(HARVEST, 1) +
                              step(HARVEST, 0) + serve(1, None) +
                              step(HARVEST, 0) + step(ADD, B_IN, 0, 7, 3))
    # A read-only disk refuses writes; requests failed at detach.
    s['blk-ro-fail-all'] = (hdr(BLK, EVENT_IDX, 4, 4, 1 | 4, 0, 1024) +
                            step(ADD, B_OUT, 0, 1, 8) +
                            step(ADD, B_DISCARD, 1, 1, 8) +
                            step(ADD, B_IN, 2, 1, 8) +
                            step(ADD, B_FLUSH, 3) + step(ADD, B_IN, 2) +
                            step(OTHER) + step(ADD, B_IN, 2, 1, 8))
    # The back-end breaks the block queue: a length past the buffers.
    s['blk-break'] = (hdr(BLK, INDIRECT, 4, 4, blk, 4, 2048) +
                      step(ADD, B_IN, 0, 3, 0) + step(ADD, B_OUT, 1, 3, 8) +
                      step(TAKE, 7) + step(STATUS, 0) +
                      step(PUSH, 0, 0, 2, 0) + step(HARVEST, 0) +
                      step(ADD, B_IN, 2, 3, 0) + step(HARVEST, 0) +
                      step(OTHER))
    # Frames received (one too short), taken, sent and given back.
    rx = (step(TAKE, 7) + step(FILL, 200, 0, 0, 0x3c0000) +
          step(PUSH, 0, 0, 1, 12 + 60) + step(FILL, 255, 0, 0, 0x410000) +
          step(PUSH, 0, 0, 0) + step(PUSH, 0, 0, 1, 20) +
          step(HARVEST) + step(KICK, 0, 0, 0, 1600 + 1514) +
          step(KICK, 0, 0, 0, 30) + step(KICK) + step(EVENTS))
    tx = (step(ADD, 0x11, 0, 0, 60) + step(ADD, 0x22, 0, 0, 1514) +
          step(OTHER | TX) + step(TAKE | TX, 7) + step(PUSH | TX) +
          step(PUSH | TX) + step(HARVEST) + step(EVENTS | TX) +
          step(ADD, 0, 0, 0, 5))
    s['net-rx-tx'] = hdr(NET, EVENT_IDX, 2, 4) + rx + tx
    s['net-rx-tx-indirect'] = hdr(NET, EVENT_IDX | INDIRECT, 3, 16) + tx + rx
    # The back-end breaks the receive queue: frames and sends after.
    s['net-break-rx'] = (hdr(NET, 0, 2, 4) + step(TAKE, 7) +
                         step(PUSH, 0, 0, 2, 0) + step(HARVEST) +
                         step(KICK, 0, 0, 0, 100) + step(ADD, 1, 0, 0, 60) +
                         step(TAKE | TX, 7) + step(PUSH | TX) +
                         step(HARVEST))
    # A racing back-end: completions arriving while the engine harvests.
    s['blk-race'] = (hdr(BLK, EVENT_IDX, 4, 8, blk, 8, 2048) + reqs +
                     step(TAKE, 7) + step(STATUS, 0) + step(PUSH) +
                     race([step(TAKE, 7)] +
                          [step(STATUS, 0), step(PUSH)] * 6) +
                     step(HARVEST, 0) + step(HARVEST, 0))
    # ... and one that hands every reposted receive buffer straight back
    # too short (head 0: the free list gives the same one back each time):
    # the harvest must still end after a queue's worth.
    s['net-race-short'] = (hdr(NET, EVENT_IDX, 2, 4) + step(TAKE, 7) +
                           step(PUSH, 0, 0, 1, 0) +
                           race([step(PUSH_RAW, 1, 0, 0, 0)] * 32) +
                           step(HARVEST) + step(HARVEST) + step(HARVEST))
    return s


def main():
    seed_files.write(OUT, seeds())


if __name__ == '__main__':
    main()
