#!/usr/bin/env python3
"""Writes fuzz-guest-xenbus's seed corpus: small inputs in its layout that reach the main paths."""
import os
import struct

import seed_files

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, 'corpus-xenbus')

# Steps, as in fuzz-guest-xenbus.c.
(ANSWER, ERROR, REPLY, EVENT, RAW, INDEX, SET, YIELD, SILENT, KICK, EAGAIN,
 OPEN, CONNECT, CHECK, DISCONN, DETACH, LIST, HOTPLUG, READ, DIR, WAIT_EVENT,
 TXN, U64, SWITCH, WAIT) = range(25)
# Keys, by their number in the harness's table.
(F_BACKEND, F_BACKEND_ID, F_STATE, B_STATE, B_FEATURES, B_QMAX, B_PMAX,
 B_BROKEN, F1_BACKEND, F1_BACKEND_ID, F1_STATE, F12_STATE, VBD_BACKEND,
 VBD_STATE, F_EVTCHN, B1_STATE) = range(16)
STORE_OP_READ, STORE_OP_ERROR = 2, 16
# features v: VERSION_1 (bit 32 = v bit 0), EVENT_IDX, INDIRECT_DESC.
FEATURES = 0x30000001


def step(op, x=0, y=0, z=0, v=0):
    return struct.pack('<BBBBI', op, x, y, z, v)


def with_bytes(op, data, x=0, y=0, z=0):
    """A step followed by its own bytes (REPLY, EVENT z odd, RAW, SET)."""
    return step(op, x, y, z, len(data)) + data


def turn(data):
    """A store step kept for the guest's next wait (bit 7 of op)."""
    return bytes([data[0] | 0x80]) + data[1:]


def set_key(key, value, fire=True):
    return with_bytes(SET, value.encode(), key, 1 if fire else 0)


def hdr(typ, req_id, tx, length):
    return struct.pack('<IIII', typ, req_id, tx, length)


CONNECT_CONSOLE = step(CONNECT, 0x81, 6, 15, FEATURES)


def seeds():
    s = {}
    # The whole negotiation with an honest store, then the back-end leaves.
    s['connect'] = (step(OPEN) + CONNECT_CONSOLE + step(CHECK) +
                    set_key(B_STATE, '5') + set_key(B_BROKEN, 'ring broke',
                                                    False) +
                    step(CHECK) + step(DETACH))
    s['connect-disconnect'] = (step(OPEN) + CONNECT_CONSOLE +
                               step(DISCONN) + CONNECT_CONSOLE + step(CHECK))
    # Hostile offers: odd limits, a missing feature, a bad state.
    s['offers'] = (step(OPEN) + set_key(B_QMAX, '3', False) +
                   set_key(B_PMAX, '1000', False) +
                   set_key(B_FEATURES, '0x10000000f', False) +
                   CONNECT_CONSOLE + step(DETACH) +
                   set_key(B_FEATURES, '0', False) + CONNECT_CONSOLE +
                   set_key(B_STATE, '9', False) + step(WAIT, 0xff))
    s['bad-backend'] = (set_key(F_BACKEND, '/local/domain/3/device/x',
                                False) + step(OPEN) +
                        set_key(F_BACKEND, '/local/domain/0/backend/',
                                False) + step(OPEN) +
                        set_key(F_BACKEND, '/local/domain/0/backend/c/3/0',
                                False) +
                        set_key(F_BACKEND_ID, '65536', False) + step(OPEN))
    # Commits that conflict, then one that goes through.
    s['txn-eagain'] = (step(OPEN) + step(EAGAIN, 3) + CONNECT_CONSOLE +
                       step(EAGAIN, 255) + step(DISCONN) + CONNECT_CONSOLE)
    # Device lists and hot-plug.
    s['hotplug'] = (step(LIST, 32) + step(HOTPLUG, 0) +
                    set_key(F12_STATE, '1') + set_key(F1_STATE, '1') +
                    step(HOTPLUG, 1) + step(HOTPLUG, 2) + step(LIST, 1) +
                    step(DIR, 0, 0, 0, 3) + step(DIR, 4, 0, 0, 100) +
                    step(HOTPLUG, 3))
    s['list-hostile'] = (step(LIST, 4) +
                         turn(with_bytes(REPLY, b'9\x000\x0001\x00x\x003', 0,
                                         0, 1)) +
                         step(LIST, 32) +
                         turn(with_bytes(REPLY, b'7\x007\x002147483648\x005',
                                         0, 0, 1)))
    # Raw replies to a read: a value, one with the wrong id, an error.
    s['read-replies'] = (step(READ, F_STATE, 0, 0, 16) +
                         turn(with_bytes(REPLY, b'12\x0034', 0, 0, 1)) +
                         step(READ, F_STATE, 0, 0, 4) +
                         turn(with_bytes(REPLY, b'0123456789', 0, 0, 1)) +
                         step(READ, F_STATE, 0, 0, 100) +
                         turn(with_bytes(REPLY, b'stale', 0, 5, 3)) +
                         step(READ, B_STATE) + turn(step(ERROR, 0, 1)) +
                         step(READ, B_STATE) +
                         turn(with_bytes(REPLY, b'x', STORE_OP_ERROR, 0, 0)) +
                         step(TXN, 1) +
                         turn(with_bytes(REPLY, b'4294967296', 0, 0, 1)))
    # Watch events: more than the client keeps, truncated into small caps.
    ev = turn(with_bytes(EVENT, b'/a/very/long/path/of/a/watch\x00tok\x00', 0,
                         0, 1))
    s['events'] = (step(OPEN) + step(READ, B_STATE) + ev * 6 +
                   step(WAIT_EVENT, 5, 2) + step(WAIT_EVENT, 47, 47) +
                   with_bytes(EVENT, b'no-nul-at-all', 0, 0, 1) +
                   step(WAIT_EVENT, 47, 47) + step(EVENT, B_STATE, 0x80) +
                   step(WAIT_EVENT, 0, 0))
    # Framing: a header announcing too much, a header cut in two, indices.
    s['framing'] = (step(READ) +
                    turn(with_bytes(RAW, hdr(STORE_OP_READ, 1, 0, 5000))) +
                    step(READ) + step(TXN))
    s['split-header'] = (step(SILENT, 1) + step(READ, B_STATE) +
                         turn(with_bytes(RAW,
                                         hdr(STORE_OP_READ, 1, 0, 2)[:7])) +
                         turn(step(YIELD)) +
                         turn(with_bytes(RAW,
                                         hdr(STORE_OP_READ, 1, 0, 2)[7:] +
                                         b'4\x00')) +
                         step(SILENT, 0) + step(U64))
    s['indices'] = (step(OPEN) + step(INDEX, 0, 0, 1, 2000) + step(READ) +
                    step(OPEN) + step(INDEX, 0, 0, 3, 5000) + step(READ))
    # Commits that conflict more often than the front-end tries, one
    # that fails outright, and a listing longer than the front-end keeps.
    s['commit-fails'] = (step(OPEN) + step(EAGAIN, 31) + CONNECT_CONSOLE +
                         step(CONNECT, 0x81, 6, 15, FEATURES) +
                         step(DISCONN) + step(OPEN) + CONNECT_CONSOLE)
    s['list-cut'] = (step(LIST, 32) +
                     turn(with_bytes(REPLY, b'1234\x00' * 500, 0, 0, 1)) +
                     step(LIST, 3))
    # A store that stops reading: the request ring fills up.
    s['deaf'] = (step(OPEN) + step(SILENT, 3) + step(U64, B_QMAX) * 24 +
                 step(SILENT, 0) + step(READ, B_STATE) + step(U64, B_QMAX))
    return s


def main():
    seed_files.write(OUT, seeds())


if __name__ == '__main__':
    main()
