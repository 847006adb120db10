#!/usr/bin/env bash
# One integration test: boots a config and checks the hypervisor log (COM2).
#
# usage: check-boot.sh BUILD_DIR CONFIG [--timeout S] [--expect REGEX]... [--reject REGEX]...
#                      [--console-expect REGEX]... [--console-reject REGEX]...
#                      [--check SCRIPT] [--smp N] [--icount] [--tcg-single]
#   --expect  an extended regex that must match some hypervisor log line
#   --reject  an extended regex that must match no hypervisor log line
#   --console-expect/--console-reject  the same for COM1, the root's console
#   --check   a script run as SCRIPT COM2_LOG after the boot; non-zero fails
#   --smp     CPUs of the machine (boot-qemu.sh's default otherwise)
#   --icount  QEMU's instruction clock (boot-qemu.sh --icount): exact,
#             repeatable TSC readings, for checks on the hypervisor's
#             entry times
#   --tcg-single  one TCG thread for all vCPUs (boot-qemu.sh --tcg-single)
# Both logs are printed when the test fails.
set -uo pipefail
here=$(dirname "$0")
build=$1 config=$2
shift 2
timeout_s=180 expects=() rejects=() checks=() cexpects=() crejects=()
smp_args=() icount_args=() tcg_args=()
while [ $# -gt 0 ]; do
	case "$1" in
	--timeout) timeout_s=$2; shift 2 ;;
	--expect) expects+=("$2"); shift 2 ;;
	--reject) rejects+=("$2"); shift 2 ;;
	--check) checks+=("$2"); shift 2 ;;
	--console-expect) cexpects+=("$2"); shift 2 ;;
	--console-reject) crejects+=("$2"); shift 2 ;;
	--smp) smp_args=(--smp "$2"); shift 2 ;;
	--icount) icount_args=(--icount); shift ;;
	--tcg-single) tcg_args=(--tcg-single); shift ;;
	*) echo "check-boot: unknown option $1" >&2; exit 2 ;;
	esac
done

out=$(mktemp -d /tmp/partita-test.XXXXXX)
"$here/boot-qemu.sh" --timeout "$timeout_s" ${smp_args[@]+"${smp_args[@]}"} \
	${icount_args[@]+"${icount_args[@]}"} ${tcg_args[@]+"${tcg_args[@]}"} \
	"$build" "$config" "$out"
status=$?
log=$out/com2.log
failed=()
[ $status -eq 0 ] || failed+=("QEMU did not power off by itself (status $status)")
for re in "${expects[@]}"; do
	grep -Eq -- "$re" "$log" || failed+=("missing: $re")
done
for re in "${rejects[@]}"; do
	grep -Eq -- "$re" "$log" && failed+=("present but must not be: $re")
done
for re in "${cexpects[@]}"; do
	grep -Eq -- "$re" "$out/com1.log" || failed+=("missing on COM1: $re")
done
for re in "${crejects[@]}"; do
	grep -Eq -- "$re" "$out/com1.log" && failed+=("present on COM1 but must not be: $re")
done
for c in "${checks[@]}"; do
	"$c" "$log" || failed+=("check failed: $c")
done

if [ ${#failed[@]} -gt 0 ]; then
	echo "==== hypervisor log (COM2) ===="; cat "$log"
	echo "==== COM1 ===="; cat "$out/com1.log"
	echo "==== QEMU stderr ===="; cat "$out/qemu.err"
	if [ -f "$out/timeout-cpus.txt" ]; then
		echo "==== CPUs at the timeout (QEMU monitor) ===="
		cat "$out/timeout-cpus.txt"
	fi
	printf 'FAIL: %s\n' "${failed[@]}"
	exit 1
fi
echo "PASS $(basename "$config"): $((${#expects[@]} + ${#cexpects[@]})) expected lines, $((${#rejects[@]} + ${#crejects[@]})) rejected, ${#checks[@]} checks"
rm -rf "$out"
