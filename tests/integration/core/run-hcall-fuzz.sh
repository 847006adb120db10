#!/usr/bin/env bash
# Runs a hypercall fuzzer boot through check-boot.sh, with the fuzzer's
# seed, call count and time cap taken from the environment when set:
#   HCALL_FUZZ_SEED=N    seed=N (reproduces a run; default: the TSC)
#   HCALL_FUZZ_CALLS=N   calls=N, all vCPUs together
#   HCALL_FUZZ_SECS=N    secs=N, stop earlier after N seconds
# A boot that fails only on QEMU's known emulator fault runs once more
# (below).
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

# QEMU 7.2's TCG now and then saves the hypervisor's own state as the
# fuzzer's at an exit (docs/testing.md, "Known emulator issues"), about one
# boot in 70; the hypervisor recognises exactly that state and kills with
# "killed: emulator fault:". A boot whose one kill is that, with no
# hypervisor error, runs once more with the same seed and says so: a
# fault the seed causes comes back and fails the test, the emulator's
# (timing, not the seed) does not. Anything else, or the same twice,
# fails.
out=$tmp/check-boot.out
for attempt in 1 2; do
	status=0
	"$here/../check-boot.sh" "$build" "$cfg" "$@" >"$out" 2>&1 || status=$?
	cat "$out"
	[ $status -ne 0 ] || exit 0
	kills=$(grep -cE 'ERR p[0-9]+:[^ ]+: killed: ' "$out" || true)
	emulator=$(grep -cE 'ERR p[0-9]+:[^ ]+: killed: emulator fault: ' "$out" || true)
	if [ $attempt -eq 1 ] && [ "$kills" -eq 1 ] && [ "$emulator" -eq 1 ] &&
		! grep -qE '\] ERR (hv|PANIC|root): |frame table check failed' "$out"; then
		seed=$(grep -oE 'hcall-fuzz: seed=0x[0-9a-f]+' "$out" | head -n 1 |
			sed 's/.*seed=//')
		set_arg seed "$seed"
		echo "run-hcall-fuzz: RETRY: the only failure above is QEMU's known emulator fault (docs/testing.md, Known emulator issues); running once more with seed ${seed:-(not printed: a new one)}"
		continue
	fi
	exit $status
done
