#!/usr/bin/env bash
# The benchmark suite in one command: builds what it needs, boots the benchmark partitions in QEMU under the chosen clocks and writes the results (JSON, CSV, a Markdown report, PNG plots, run metadata) into one folder (docs/benchmarks.md).
#
# usage: scripts/bench.sh [options]
#   --out DIR          output folder (default bench-results/DATE-COMMIT)
#   --clock C          wall, icount or both (default both)
#   --ops LIST         comma-separated operations (default all; --list)
#   --samples N        samples of each light guest operation (default
#                      20000; heavy ones take a fixed fraction of it)
#   --root-samples N   samples of each root-side operation (default 500)
#   --no-root          guest operations only: no root boot
#   --build DIR        the CMake build tree (default build)
#   --no-build         use the build tree as it is
#   --baseline         write the repository's baseline: --out docs/bench,
#                      without the boot folders and plot data afterwards
#   --list             print the operations (guest, then root) and exit
set -euo pipefail
cd "$(dirname "$0")/.."
src=$(pwd)

usage() { sed -n '4,17p' "$0" >&2; exit 2; }
die() { echo "bench.sh: $*" >&2; exit 1; }

# The operations: the guest's tables, and the root script's names.
guest_ops=$(sed -n 's/^[[:space:]]*{ "\([a-z0-9_]*\)",.*/\1/p' \
	pv-guest-lib/bench/bench-ops-*.c)
root_ops="root_ioctl_null root_ping_wake_read root_ping_ioctl
root_event_pingpong root_message_pingpong store_read_roundtrip
store_write_roundtrip console_echo large_guest_destroy"
# Those that need peer vCPUs run in a boot of their own (peers_cfg), so
# that every other guest operation keeps its vCPU alone on its CPU.
peer_ops=$(sed -n 's/^[[:space:]]*{ "\([a-z0-9_]*\)",.*/\1/p' \
	pv-guest-lib/bench/bench-ops-pingpong.c)

out= clock=both ops= samples=20000 root_samples=500 root=1 build=build
do_build=1 baseline=0
while [ $# -gt 0 ]; do
	case "$1" in
	--out) out=$2; shift 2 ;;
	--clock) clock=$2; shift 2 ;;
	--ops) ops=$2; shift 2 ;;
	--samples) samples=$2; shift 2 ;;
	--root-samples) root_samples=$2; shift 2 ;;
	--no-root) root=0; shift ;;
	--build) build=$2; shift 2 ;;
	--no-build) do_build=0; shift ;;
	--baseline) baseline=1; out=docs/bench; shift ;;
	--list) echo "guest:" $guest_ops; echo "root:" $root_ops; exit 0 ;;
	*) usage ;;
	esac
done
case "$clock" in
wall) clocks=(wall) ;;
icount) clocks=(icount) ;;
both) clocks=(wall icount) ;;
*) die "--clock must be wall, icount or both, not '$clock'" ;;
esac
[[ "$samples" =~ ^[0-9]+$ ]] && [ "$samples" -ge 5 ] && [ "$samples" -le 50000 ] ||
	die "--samples must be 5..50000"
[[ "$root_samples" =~ ^[0-9]+$ ]] && [ "$root_samples" -ge 5 ] && [ "$root_samples" -le 4096 ] ||
	die "--root-samples must be 5..4096 (store-hello keeps at most 4096)"

# Split --ops into the sides; an unknown name is an error, not a skip.
want_guest= want_peers= want_root= peers=1
if [ -n "$ops" ]; then
	for op in ${ops//,/ }; do
		if grep -qx "$op" <<<"$peer_ops"; then
			want_peers+=${want_peers:+,}$op
		elif grep -qx "$op" <<<"$guest_ops"; then
			want_guest+=${want_guest:+,}$op
		elif grep -qwx "$op" <<<"$(tr ' ' '\n' <<<"$root_ops")"; then
			want_root+=${want_root:+,}$op
		else
			die "unknown operation '$op' (see --list)"
		fi
	done
	[ -n "$want_root" ] || root=0
	[ -n "$want_peers" ] || peers=0
	# Root operations only: the guest's boot still gives the two floors.
	[ -n "$want_guest" ] || want_guest=bare_exit
	[ ${#want_guest} -le 200 ] || die "too many guest operations for the guest's command line; run the whole set or fewer"
fi

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD 2>/dev/null || commit+="-dirty"
out=${out:-bench-results/$(date -u +%Y%m%d-%H%M%S)-$commit}
[ "$out" = docs/bench ] && rm -rf docs/bench # the baseline is rewritten whole
mkdir -p "$out/raw" "$out/boot"
out=$(cd "$out" && pwd)

if [ $do_build = 1 ]; then
	[ -f "$build/CMakeCache.txt" ] ||
		cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	targets=(partita-efi guest-hcall-bench partita-bench-report)
	[ $root = 1 ] && targets+=(partita-rootfs)
	echo "bench.sh: building ${targets[*]}"
	cmake --build "$build" -j"$(nproc)" --target "${targets[@]}" >"$out/build.log" 2>&1 ||
		{ tail -n 30 "$out/build.log" >&2; die "build failed (log: $out/build.log)"; }
fi
report_tool=$build/tests/bench/suite/partita-bench-report
[ -x "$report_tool" ] || die "$report_tool not built"
command -v gnuplot >/dev/null || die "gnuplot not found (scripts/install-deps.sh installs gnuplot-nox)"

# The run's metadata: what produced these figures.
{
	echo "commit=$commit"
	echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "qemu=$(qemu-system-x86_64 --version | head -n 1)"
	echo "host_cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
	echo "host_cores=$(nproc)"
	echo "load_average_at_start=$(cut -d' ' -f1-3 /proc/loadavg)"
	echo "build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$build/CMakeCache.txt")"
	echo "clocks=${clocks[*]}"
	echo "wall_mode=-accel tcg,thread=multi -smp 2"
	echo "icount_mode=-accel tcg -icount shift=0,align=off,sleep=off -smp 2"
	echo "guest_samples=$samples (light operations; heavy ones a fixed fraction, see the tables)"
	echo "root_samples=$([ $root = 1 ] && echo "$root_samples" || echo "none: no root run")"
	echo "guest_placement=one vCPU on CPU 1; ping-pong operations: 3 vCPUs, vCPU 0 and its same-CPU peer on CPU 0, the other peer on CPU 1$([ $peers = 1 ] || echo " (not run)")"
	echo "ops=${ops:-all}"
} >"$out/meta.txt"

# A config for the suite's guest: WHAT, VCPUS, CPUS, OPS.
bench_guest_cfg() {
	cat <<EOT
# Written by scripts/bench.sh: the suite's guest $1.
log_level = info
pool_mb = 96
on_idle = poweroff

[guest]
name = hcall-bench
image = hcall-bench.elf
memory_mb = 64
vcpus = $2
weight = 256
cpus = $3
cmdline = samples=$samples${4:+ ops=$4}
EOT
}

guest_cfg() { bench_guest_cfg "alone on CPU 1" 1 1 "$want_guest"; }

# The same guest with two peer vCPUs: vCPU i goes to the i-th CPU of 0-1,
# round robin, so vCPU 0 (the operations) and vCPU 2 are on CPU 0 and
# vCPU 1 on CPU 1. With peers it runs only the operations that need them.
peers_cfg() { bench_guest_cfg "with ping-pong peers" 3 0-1 "$want_peers"; }

root_cfg() {
	cat <<EOT
# Written by scripts/bench.sh: the root runs bench-suite.sh.
log_level = info
pool_mb = 320
on_idle = poweroff

[root]
kernel = vmlinuz
initrd = initrd.img
cmdline = console=ttyS0,115200 partita.test=bench-suite partita.test_timeout=1500 partita.bench_ops=${want_root:-all} partita.bench_samples=$root_samples
cpu = 0
EOT
}

# boot CLOCK NAME CONFIG_FN TIMEOUT DONE_PATTERN LOG: one QEMU boot, whose
# record lines land in raw/CLOCK-SIDE.log (SIDE: NAME up to a '-').
boot() {
	local clk=$1 name=$2 cfg_fn=$3 timeout=$4 done_re=$5 log=$6
	local side=${2%%-*} dir=$out/boot/$clk-$2 flags=() status=0 t0=$SECONDS
	[ "$clk" = icount ] && flags=(--icount)
	mkdir -p "$dir"
	$cfg_fn >"$dir/bench.cfg"
	echo "bench.sh: $clk clock, $name operations ..."
	tests/integration/boot-qemu.sh "${flags[@]}" --timeout "$timeout" \
		"$build" "$dir/bench.cfg" "$dir" >/dev/null 2>&1 || status=$?
	if ! grep -aq "$done_re" "$dir/$log"; then
		echo "bench.sh: the $clk $name run did not finish (QEMU status $status); last lines of $dir/$log:" >&2
		tail -n 30 "$dir/$log" >&2
		exit 1
	fi
	rm -f "$dir/esp.img" "$dir/vars.fd" # 160 MiB each; the logs stay
	# One root tool times several operations: keep only those asked for.
	# The peers' boot adds its own operations to the guest's records; its
	# floors and entry times are left to the guest's boot.
	local keep='PTBENCH|PTBOUND' list=${want_peers:-$(echo $peer_ops | tr ' ' ,)}
	[ "$side" = root ] && [ -n "$want_root" ] && keep="PTBOUND|PTBENCH(-CDF)? op=(${want_root//,/|}) "
	[ "$name" = guest-peers ] && keep="PTBENCH-FAIL|PTBENCH(-CDF)? op=(${list//,/|}) "
	if [ "$name" = "$side" ]; then
		grep -aE "$keep" "$dir/$log" | tr -d '\r' >"$out/raw/$clk-$side.log"
	else
		grep -aE "$keep" "$dir/$log" | tr -d '\r' >>"$out/raw/$clk-$side.log"
	fi
	echo "bench.sh: $clk $name done in $((SECONDS - t0)) s"
}

for clk in "${clocks[@]}"; do
	boot "$clk" guest guest_cfg 1200 PTBENCH-DONE com2.log
	[ $peers = 1 ] && boot "$clk" guest-peers peers_cfg 600 PTBENCH-DONE com2.log
	[ $root = 1 ] && boot "$clk" root root_cfg 1800 'RESULT bench-suite DONE' com1.log
done
echo "run_seconds=$SECONDS" >>"$out/meta.txt"

"$report_tool" "$out"
(cd "$out/plots" && gnuplot plots.gp) || die "gnuplot failed on $out/plots/plots.gp"
if [ $baseline = 1 ] && [ "$out" = "$src/docs/bench" ]; then
	rm -rf "$out/boot" "$out/build.log" "$out"/plots/*.dat "$out/plots/plots.gp"
fi
echo "bench.sh: results in $out (report.md, results.json, results.csv, plots/)"
