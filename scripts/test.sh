#!/usr/bin/env bash
# The whole test suite: installs dependencies, builds, runs unit tests, then
# the QEMU integration tests (one boot at a time: they share two host cores).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
ctest --test-dir build --output-on-failure -L unit -j"$(nproc)"
ctest --test-dir build --output-on-failure -L integration
