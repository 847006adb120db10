#!/usr/bin/env python3
"""Writes the backd fuzzers' seed corpora: small valid inputs in their layouts."""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
N, W, I = 1, 2, 4  # descriptor flags: NEXT, WRITE, INDIRECT


def layout(size):
    """pt_vring_layout(): desc, avail, used_event, used, bytes."""
    avail = 16 * size
    used_event = avail + 4 + 2 * size
    used = (used_event + 2 + 63) & ~63
    return avail, used, used + 4 + 8 * size + 2


def vring_seed(size_log2, flags, pages, inflight, blk, capacity, chains,
               pool, moves=(), avail=None):
    """chains: (descriptor table {index: (addr, len, flags, next)}, heads)."""
    size = 1 << size_log2
    descs, heads = chains
    avail_off, _, ring_bytes = layout(size)
    ring = bytearray(ring_bytes)
    for i, (addr, ln, fl, nx) in descs.items():
        struct.pack_into('<QIHH', ring, 16 * i, addr, ln, fl, nx)
    for k, h in enumerate(heads):
        struct.pack_into('<H', ring, avail_off + 4 + 2 * (k % size), h)
    struct.pack_into('<H', ring, avail_off + 2,
                     len(heads) if avail is None else avail)
    mv = bytearray(36)
    for k, m in enumerate(moves):
        mv[4 * k:4 * k + 4] = bytes(m)
    hdr = bytes([size_log2, flags, {1: 0, 2: 1, 4: 2, 17: 3}[pages],
                 inflight, blk,
                 capacity & 0xff, capacity >> 8, len(moves)])
    return hdr + bytes(mv) + bytes(ring) + bytes(pool)


def pool_with(pages, items):
    pool = bytearray(4096 * pages)
    for off, data in items:
        pool[off:off + len(data)] = data
    return pool


def blk_hdr(kind, sector):
    return struct.pack('<IIQ', kind, 0, sector)


def desc(addr, ln, fl, nx):
    return struct.pack('<QIHH', addr, ln, fl, nx)


def vring_seeds():
    s = {}
    # A block read: header, 1024 bytes of data, status; then a write.
    s['blk-read-write'] = vring_seed(
        3, 0, 2, 0, 0, 4096,
        ({0: (0, 16, N, 1), 1: (512, 1024, N | W, 2), 2: (64, 1, W, 0),
          3: (16, 16, N, 4), 4: (2048, 512, N, 5), 5: (65, 1, W, 0)},
         [0, 3]),
        pool_with(2, [(0, blk_hdr(0, 8)), (16, blk_hdr(1, 16))]))
    # The same write through an indirect table, and a flush.
    s['blk-indirect-flush'] = vring_seed(
        3, 1, 2, 0, 0, 4096,
        ({0: (4096, 48, I, 0), 1: (32, 16, N, 2), 2: (66, 1, W, 0)},
         [0, 1]),
        pool_with(2, [(0, blk_hdr(1, 0)), (32, blk_hdr(4, 0)),
                      (4096, desc(0, 16, N, 1) + desc(1024, 512, N, 2) +
                       desc(64, 1, W, 0))]))
    # Discard and write-zeroes ranges, both features negotiated.
    ranges = struct.pack('<QII', 0, 8, 0) + struct.pack('<QII', 64, 8, 0)
    s['blk-discard-wz'] = vring_seed(
        2, 0, 1, 0, 4 | 8, 1024,
        ({0: (0, 16, N, 1), 1: (256, 32, N, 2), 2: (64, 1, W, 0),
          3: (16, 16, N, 1)}, [0]),
        pool_with(1, [(0, blk_hdr(11, 0)), (16, blk_hdr(13, 0)),
                      (256, ranges)]),
        moves=[(2, 0, 0, 0)])
    # get-id into 20 bytes; the guest then restarts the back-end.
    s['blk-get-id-restart'] = vring_seed(
        4, 2, 1, 0, 2, 8192,
        ({0: (0, 16, N, 1), 1: (100, 20, N | W, 2), 2: (64, 1, W, 0)},
         [0]),
        pool_with(1, [(0, blk_hdr(8, 0))]),
        moves=[(4, 0, 0, 0), (0, 1, 0, 0)])
    # Net transmit: a header and a 60-byte frame, sent twice by moves.
    frame = bytes(12) + bytes(range(60))
    s['net-tx'] = vring_seed(
        3, 4, 1, 0, 0, 0,
        ({0: (0, 12, N, 1), 1: (12, 60, 0, 0)}, [0, 0, 0]),
        pool_with(1, [(0, frame)]), avail=1,
        moves=[(1, 1, 0, 0), (1, 1, 0, 0)])
    # Net transmit split into 40 one-byte pieces by an indirect table.
    table = desc(0, 12, N, 1)
    for k in range(40):
        table += desc(12 + k, 1, N if k < 39 else 0, k + 2)
    s['net-tx-split'] = vring_seed(
        6, 1 | 4, 2, 0, 0, 0,
        ({0: (4096, len(table), I, 0), 1: (0, 12, N, 2), 2: (12, 60, 0, 0)},
         [0, 1]),
        pool_with(2, [(0, frame), (4096, table)]))
    # Net receive: two posted buffers, frames of 60 and 1518 bytes.
    s['net-rx'] = vring_seed(
        3, 8 | 2, 1, 0, 0, 0,
        ({0: (0, 1600, W, 0), 1: (2048, 1600, W, 0)}, [0, 1]),
        pool_with(1, []),
        moves=[(1, 0, 60, 0), (1, 0, 0xee, 5), (1, 0, 13, 0)])
    # Console output: a line, then 20 KiB in one chain (history 4 KiB).
    s['console-tx'] = vring_seed(
        3, 12, 17, 0, 0, 0,
        ({0: (0, 14, 0, 0), 1: (4096, 20480, 0, 0)}, [0, 1]),
        pool_with(1, [(0, b'hello, world\r\n')]))
    # A chain one segment longer than the queue: a descriptor, then an
    # indirect table as long as the queue allows.
    table = b''.join(desc(16 * k, 16, N if k < 7 else 0, k + 1)
                     for k in range(8))
    s['chain-longer-than-queue'] = vring_seed(
        3, 1, 1, 0, 0, 0,
        ({0: (0, 16, N, 1), 1: (2048, 128, I, 0)}, [0]),
        pool_with(1, [(2048, table)]))
    # A block read of 33 data segments (seg-max is 32), on a 64 queue.
    descs = {0: (0, 16, N, 1)}
    for k in range(33):
        descs[1 + k] = (512 * (k + 1), 512, N | W, k + 2)
    descs[34] = (32, 1, W, 0)
    s['blk-too-many-segments'] = vring_seed(
        6, 0, 17, 0, 0, 0xffff, (descs, [0]),
        pool_with(1, [(0, blk_hdr(0, 0))]))
    # A block write with one 65536 + 512 byte segment (size-max 64 KiB).
    s['blk-segment-over-size-max'] = vring_seed(
        2, 0, 17, 0, 0, 0xffff,
        ({0: (0, 16, N, 1), 1: (2048, 65536 + 512, N, 2), 2: (32, 1, W, 0)},
         [0]),
        pool_with(1, [(0, blk_hdr(1, 0))]))
    return s


def xenbus_seeds():
    s = {}
    s['u32-max'] = bytes([0, 8]) + b'4294967295'
    s['u32-zero'] = bytes([0, 3]) + b'0'
    s['state-4'] = bytes([1, 0]) + b'4'
    s['hex-features'] = bytes([2, 0]) + b'0x130000000'
    s['hex-plain'] = bytes([2, 0]) + b'ffffffffffffffff'
    s['refs-ring'] = bytes([3, 2]) + b'8 9'
    s['refs-pool'] = bytes([3, 64]) + ' '.join(
        str(1000 + k) for k in range(64)).encode()
    s['decide-connect'] = bytes([4, 4, 3, 0, 0])
    s['decide-offline'] = bytes([4, 6, 6, 3, 0])
    return s


def device_key(index, value):
    """fuzz-device: write front-end key keys[index] (no watch fires)."""
    return bytes([0, index]) + value.encode() + b'\0'


def device_state(state):
    return bytes([2, state])


def device_poke(frame, off, data):
    """Byte writes on a granted frame, as the guest's driver makes them."""
    return b''.join(bytes([4, frame, (off + k) & 0xff, (off + k) >> 8, b])
                    for k, b in enumerate(data))


def device_seeds():
    keys = device_key(0, '17') + device_key(1, '130000000') + \
        device_key(2, '2') + device_key(3, '8') + device_key(4, '2') + \
        device_key(5, '8') + device_key(6, '3') + device_key(7, '4') + \
        device_key(8, '8 9 10 11')
    # Console output: descriptor 0 (pool offset 100, 8 bytes) on the
    # transmit queue (ring frame 3), published in avail slot 0, idx 1.
    avail = 16 * 8
    output = device_poke(8, 100, b'hi there') + \
        device_poke(3, 0, struct.pack('<QIHH', 100, 8, 0, 0)) + \
        device_poke(3, avail + 2, struct.pack('<H', 1)) + bytes([3])
    s = {}
    s['connect'] = keys + device_state(3) + device_state(4)
    s['connect-output'] = s['connect'] + output + bytes([7])
    s['connect-close-restart'] = s['connect'] + device_state(5) + \
        device_state(6) + device_state(1) + device_state(3)
    s['connect-vanish'] = s['connect'] + output + bytes([6])
    s['bad-refs'] = keys + device_key(8, '8 9  10') + device_state(3)
    s['revoked'] = keys + bytes([5, 9]) + device_state(3)
    return s


def write(folder, seeds):
    os.makedirs(folder, exist_ok=True)
    for name, data in seeds.items():
        with open(os.path.join(folder, name), 'wb') as f:
            # The harness zero-fills what an input leaves out.
            f.write(data.rstrip(b'\0'))


if __name__ == '__main__':
    out = sys.argv[1] if len(sys.argv) > 1 else HERE
    write(os.path.join(out, 'corpus-vring'), vring_seeds())
    write(os.path.join(out, 'corpus-xenbus'), xenbus_seeds())
    write(os.path.join(out, 'corpus-device'), device_seeds())
