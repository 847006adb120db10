#!/usr/bin/env bash
# The demo: installs dependencies, builds, boots the hypervisor in QEMU with
# two demo guests and shows what they print.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
exec tests/integration/boot-qemu.sh --show build tests/integration/configs/demo.cfg
