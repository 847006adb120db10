#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The long lifecycle soak: 1000 create/destroy cycles (soak.sh with a larger count).
#
# Not part of ctest (the 200-cycle soak.sh is): boot it with
# tests/bench/soak/run.sh, which passes partita.test=soak-1000 and a
# longer partita.test_timeout. Prints "RESULT soak-1000 PASS|FAIL detail".
SOAK_NAME=soak-1000 SOAK_CYCLES=1000 exec sh /tests/soak.sh
