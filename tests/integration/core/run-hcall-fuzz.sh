#!/usr/bin/env bash
# Runs a hypercall fuzzer boot through check-boot.sh, with the fuzzer's
# seed, call count and time cap taken from the environment when set:
#   HCALL_FUZZ_SEED=N    seed=N (reproduces a run; default: the TSC)
#   HCALL_FUZZ_CALLS=N   calls=N, all vCPUs together
#   HCALL_FUZZ_SECS=N    secs=N, stop earlier after N seconds
# usage: run-hcall-fuzz.sh BUILD_DIR CONFIG check-boot.sh options...
set -euo pipefail
here=$(dirname "$0")
build=$1 config=$2
shift 2
tmp=$(mktemp -d /tmp/partita-hcall-fuzz.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cfg=$tmp/$(basename "$config")
cp "$config" "$cfg"
# Replaces key=value in the fuzzer's cmdline (the line with calls=).
set_arg() {
	local key=$1 value=$2
	[ -n "$value" ] || return 0
	[[ $value =~ ^(0x[0-9a-fA-F]+|[0-9]+)$ ]] || { echo "run-hcall-fuzz: $key=$value is not a number" >&2; exit 2; }
	if grep -qE "^cmdline = (.* )?$key=" <(grep -E '^cmdline = .*calls=' "$cfg"); then
		sed -i -E "/^cmdline = .*calls=/s/(= | )$key=[^ ]*/\\1$key=$value/" "$cfg"
	else
		sed -i -E "/^cmdline = .*calls=/s/\$/ $key=$value/" "$cfg"
	fi
}
set_arg seed "${HCALL_FUZZ_SEED:-}"
set_arg calls "${HCALL_FUZZ_CALLS:-}"
set_arg secs "${HCALL_FUZZ_SECS:-}"
grep -E '^cmdline = .*calls=' "$cfg" | sed 's/^/run-hcall-fuzz: fuzzer /'
"$here/../check-boot.sh" "$build" "$cfg" "$@"
