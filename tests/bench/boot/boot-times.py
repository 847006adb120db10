#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Boot benchmark helper: stamps serial-console lines with host monotonic time and turns one boot's logs into milestones.

usage: boot-times.py watch OUT_DIR TIMEOUT_S
       boot-times.py report OUT_DIR
       boot-times.py summary RESULTS
       boot-times.py exits QEMU_LOG

watch: creates OUT_DIR/watching, waits until OUT_DIR/com2.log exists (the
launcher creates it just before it starts QEMU: that instant is time 0),
then follows com1.log and com2.log every 5 ms and writes each complete
line, prefixed with the milliseconds since time 0 at which it was first
seen, to com1.times and com2.times. It stops when COM1 says
"partita-root: shell ready", when OUT_DIR/done appears (QEMU has ended), or
after TIMEOUT_S seconds (exit status 1). With BOOT_TIMES_TRACK=FILE it
also writes "MS SIZE" to track.times whenever FILE's size changes (the
exit log's growth over time, for count-exits.sh).

report: prints one line of KEY=VALUE milestones for the boot in OUT_DIR
("-" where a milestone was not seen). Host times are ms since QEMU start:
  bds_ms        OVMF's boot manager starts the loader ("BdsDxe: starting")
  loader_ms     the hypervisor's "Partita loader started" line (COM2)
  entry_ms      Linux is entered with its kernel and initrd in memory,
                before decompression: the hypervisor's "root: starting
                Linux" (COM2) or the EFI stub's "EFI stub: Loaded initrd"
                (unknown for the direct boot)
  kzero_ms      Linux's clock zero (the printk clock starts with the TSC
                clocksource, in setup_arch after the early PCI quirk scan):
                the smallest (arrival - printk timestamp) over the
                kernel's lines
  init_ms       "partita-root: init on" (/init started)
  modules_ms    "partita-root: kernel modules: ..." (same work everywhere)
  shell_ms      "partita-root: shell ready"
and from the kernel's own clock:
  k_init_ms     printk timestamp of "Run /init as init process"

summary: reads the "ROUND VARIANT KEY=VALUE..." lines run.sh collected and
prints, per figure and variant, median, min and max, then per-round
hypervisor/baseline ratios (or differences) and their median, min, max.

exits: counts the "vmexit(CODE, INFO1, INFO2, RIP)!" lines QEMU logs for
each #VMEXIT it emulates (count-exits.sh): by exit code, I/O by port, and
by where the root was (RIP): kernel text, modules, or below 4 GiB (the
decompressor, which runs identity-mapped, or user space).
"""
import os
import re
import sys
import time

ANSI = re.compile(r"\x1b\[[0-9;?=]*[A-Za-z]")
STAMP = re.compile(r"^\[\s*(\d+)\.(\d{6})\] ")
END = "partita-root: shell ready"


def watch(out, timeout_s):
    com2 = os.path.join(out, "com2.log")
    done = os.path.join(out, "done")
    deadline = time.monotonic() + timeout_s
    open(os.path.join(out, "watching"), "w").close()
    while not os.path.exists(com2):
        if time.monotonic() > deadline or os.path.exists(done):
            return 1
        time.sleep(0.001)
    t0 = time.monotonic()
    ports = {}
    for name in ("com1", "com2"):
        ports[name] = {
            "path": os.path.join(out, name + ".log"),
            "fd": None,
            "partial": b"",
            "times": open(os.path.join(out, name + ".times"), "w"),
        }
    track = os.environ.get("BOOT_TIMES_TRACK")
    track_out = open(os.path.join(out, "track.times"), "w") if track else None
    track_size = -1
    ended = False
    while not ended:
        now_ms = (time.monotonic() - t0) * 1000.0
        gone = os.path.exists(done)
        if track_out:
            try:
                size = os.path.getsize(track)
            except OSError:
                size = 0
            if size != track_size:
                track_out.write("%.1f %d\n" % (now_ms, size))
                track_size = size
        for name, port in ports.items():
            for line in new_lines(port):
                port["times"].write("%.1f\t%s\n" % (now_ms, line))
                if name == "com1" and END in line:
                    ended = True
        if gone or time.monotonic() > deadline:
            break
        time.sleep(0.005)
    if track_out:
        track_out.close()
    for port in ports.values():
        port["times"].close()
        if port["fd"] is not None:
            os.close(port["fd"])
    return 0 if ended or os.path.exists(done) else 1


def new_lines(port):
    """Complete lines appended since the last call, cleaned of escapes."""
    if port["fd"] is None:
        try:
            port["fd"] = os.open(port["path"], os.O_RDONLY)
        except FileNotFoundError:
            return []
    chunks = []
    while True:
        data = os.read(port["fd"], 65536)
        if not data:
            break
        chunks.append(data)
    if not chunks:
        return []
    buf = port["partial"] + b"".join(chunks)
    *complete, port["partial"] = buf.split(b"\n")
    lines = []
    for raw in complete:
        text = ANSI.sub("", raw.decode("utf-8", "replace")).replace("\r", "")
        if text.strip():
            lines.append(text)
    return lines


def read_times(path):
    rows = []
    try:
        with open(path) as f:
            for row in f:
                ms, _, text = row.rstrip("\n").partition("\t")
                rows.append((float(ms), text))
    except FileNotFoundError:
        pass
    return rows


def first(rows, needle):
    for ms, text in rows:
        if needle in text:
            return ms
    return None


def kernel_zero(rows):
    """Host ms at which Linux's printk clock read zero.

    Lines printed before the TSC clock take over are stamped by jiffies and
    the clock restarts near zero once it does: only the lines after the last
    step backwards are used. Lines printed before the console existed come
    out in a burst later, so the minimum of (arrival - stamp) is the live
    lines' offset, within the 5 ms polling step.
    """
    stamped = []
    for ms, text in rows:
        m = STAMP.match(text)
        if m:
            stamped.append((ms, int(m.group(1)) * 1000 + int(m.group(2)) / 1000.0))
    start = 0
    for i in range(1, len(stamped)):
        if stamped[i][1] < stamped[i - 1][1]:
            start = i
    offsets = [ms - k for ms, k in stamped[start:]]
    return min(offsets) if offsets else None


def kernel_stamp(rows, needle):
    for _, text in rows:
        m = STAMP.match(text)
        if m and needle in text:
            return int(m.group(1)) * 1000 + int(m.group(2)) / 1000.0
    return None


def report(out):
    com1 = read_times(os.path.join(out, "com1.times"))
    com2 = read_times(os.path.join(out, "com2.times"))
    fields = {
        "bds_ms": first(com1, "BdsDxe: starting"),
        "loader_ms": first(com2, "Partita loader started"),
        "entry_ms": first(com2, "root: starting Linux")
        or first(com1, "EFI stub: Loaded initrd"),
        "kzero_ms": kernel_zero(com1),
        "init_ms": first(com1, "partita-root: init on"),
        "modules_ms": first(com1, "partita-root: kernel modules:"),
        "shell_ms": first(com1, "partita-root: shell ready"),
        "k_init_ms": kernel_stamp(com1, "Run /init as init process"),
    }
    words = []
    for key, value in fields.items():
        words.append("%s=%s" % (key, "-" if value is None else "%.0f" % value))
    print(" ".join(words))
    return 0


# Figures derived from one run's milestones: (name, function of the fields).
DERIVED = [
    ("firmware: QEMU start to the boot manager starting the loader",
     lambda f: f["bds_ms"]),
    ("loader: boot manager to Linux entry",
     lambda f: sub(f["entry_ms"], f["bds_ms"])),
    ("firmware to Linux: QEMU start to Linux entry", lambda f: f["entry_ms"]),
    ("Linux entry to /init", lambda f: sub(f["init_ms"], f["entry_ms"])),
    ("Linux entry to shell ready",
     lambda f: sub(f["shell_ms"], f["entry_ms"])),
    ("early Linux: entry to clock zero (decompression, early PCI scans)",
     lambda f: sub(f["kzero_ms"], f["entry_ms"])),
    ("QEMU start to Linux's clock zero", lambda f: f["kzero_ms"]),
    ("Linux clock zero to /init, kernel's own clock",
     lambda f: f["k_init_ms"]),
    ("Linux clock zero to /init, host",
     lambda f: sub(f["init_ms"], f["kzero_ms"])),
    ("Linux clock zero to modules loaded, host",
     lambda f: sub(f["modules_ms"], f["kzero_ms"])),
    ("QEMU start to shell ready", lambda f: f["shell_ms"]),
]
# Per-round comparisons: (name, figure, how) with how "ratio" or "diff".
COMPARED = [
    ("firmware to Linux entry", DERIVED[2][0], "diff"),
    ("loader", DERIVED[1][0], "diff"),
    ("Linux entry to /init", DERIVED[3][0], "ratio"),
    ("Linux entry to shell ready", DERIVED[4][0], "ratio"),
    ("early Linux", DERIVED[5][0], "ratio"),
    ("Linux clock zero to /init (kernel clock)", DERIVED[7][0], "ratio"),
    ("Linux clock zero to modules loaded", DERIVED[9][0], "ratio"),
    ("QEMU start to shell ready", DERIVED[10][0], "ratio"),
]
VARIANTS = ("direct", "efistub", "hypervisor")


def sub(a, b):
    return None if a is None or b is None else a - b


def spread(values):
    """'median [min-max] n=N' of the values that exist."""
    v = sorted(x for x in values if x is not None)
    if not v:
        return "n=0"
    n = len(v)
    med = v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2
    fmt = "%.0f" if max(abs(x) for x in v) >= 10 else "%.3f"
    return ("median=" + fmt + " min=" + fmt + " max=" + fmt + " n=%d") % (
        med, v[0], v[-1], n)


def summary(path):
    runs = {}  # round -> variant -> fields
    with open(path) as f:
        for row in f:
            words = row.split()
            if len(words) < 2:
                continue
            fields = {}
            for w in words[2:]:
                key, _, value = w.partition("=")
                try:
                    fields[key] = float(value)
                except ValueError:
                    fields[key] = None
            runs.setdefault(words[0], {})[words[1]] = fields
    figures = {}  # (variant, figure) -> [values]
    for rnd in runs.values():
        for variant, fields in rnd.items():
            for name, fn in DERIVED:
                try:
                    value = fn(fields)
                except KeyError:
                    value = None
                figures.setdefault((variant, name), []).append(value)
    for name, _ in DERIVED:
        for variant in VARIANTS:
            values = figures.get((variant, name), [])
            if any(v is not None for v in values):
                print("BOOT %s | %s ms %s" % (name, variant, spread(values)))
    for label, name, how in COMPARED:
        for base in ("efistub", "direct"):
            values = []
            for rnd in runs.values():
                if "hypervisor" not in rnd or base not in rnd:
                    continue
                fn = dict(DERIVED)[name]
                try:
                    h, b = fn(rnd["hypervisor"]), fn(rnd[base])
                except KeyError:
                    continue
                if h is None or b is None or (how == "ratio" and b <= 0):
                    continue
                values.append(h / b if how == "ratio" else h - b)
            if values:
                print("BOOT %s | hypervisor %s %s %s" % (
                    label, "/" if how == "ratio" else "-", base,
                    spread(values) + ("" if how == "ratio" else " ms")))
    shells = [rnd.get(v, {}).get("shell_ms") for rnd in runs.values()
              for v in VARIANTS if v in rnd]
    return 0 if shells and all(s is not None for s in shells) else 1


# SVM exit codes (AMD APM vol. 2, appendix C) that a root can cause.
EXIT_NAMES = {0x60: "intr", 0x61: "nmi", 0x72: "cpuid", 0x78: "hlt",
              0x7B: "ioio", 0x7C: "msr", 0x81: "vmmcall", 0x400: "npf"}
VMEXIT = re.compile(r"^vmexit\(([0-9a-f]+), ([0-9a-f]+), ([0-9a-f]+), ([0-9a-f]+)\)")


def exits(log):
    by_reason, by_port, by_region, by_both = {}, {}, {}, {}
    total = 0
    with open(log, errors="replace") as f:
        for line in f:
            m = VMEXIT.match(line)
            if not m:
                continue
            code, info1, rip = (int(m.group(i), 16) for i in (1, 2, 4))
            reason = EXIT_NAMES.get(code, "code 0x%x" % code)
            if rip >= 0xFFFFFFFFC0000000:
                region = "modules"
            elif rip >= 0xFFFFFFFF80000000:
                region = "kernel"
            elif rip < 1 << 32:
                region = "below 4 GiB (decompressor or user)"
            else:
                region = "user"
            total += 1
            by_reason[reason] = by_reason.get(reason, 0) + 1
            by_region[region] = by_region.get(region, 0) + 1
            key = "%s in %s" % (reason, region)
            by_both[key] = by_both.get(key, 0) + 1
            if reason == "ioio":
                port = "0x%04x" % ((info1 >> 16) & 0xFFFF)
                by_port[port] = by_port.get(port, 0) + 1
    print("EXITS total %d" % total)
    phases(log)
    for title, table in (("reason", by_reason), ("ioio port", by_port),
                         ("region", by_region), ("reason+region", by_both)):
        for key, n in sorted(table.items(), key=lambda kv: -kv[1]):
            print("EXITS %s %s: %d" % (title, key, n))
    return 0 if total else 1


def phases(log):
    """Exits and host time per boot phase, when the watcher tracked the
    log's growth (track.times beside it): from the root's start to the
    kernel's first console line, to /init, to the shell."""
    out = os.path.dirname(log)
    try:
        with open(os.path.join(out, "track.times")) as f:
            track = [tuple(float(x) for x in row.split()) for row in f]
    except (OSError, ValueError):
        return
    ends, pos = [], 0
    with open(log, "rb") as f:
        for line in f:
            pos += len(line)
            if line.startswith(b"vmexit("):
                ends.append(pos)
    com1 = read_times(os.path.join(out, "com1.times"))
    com2 = read_times(os.path.join(out, "com2.times"))
    marks = [("root start", first(com2, "root: starting Linux")),
             ("first kernel console line", first(com1, "] Linux version")),
             ("/init", first(com1, "partita-root: init on")),
             ("shell ready", first(com1, "partita-root: shell ready"))]
    if any(ms is None for _, ms in marks):
        return

    def exits_by(ms):  # exits logged by host time ms
        size = 0
        for t, s in track:
            if t > ms:
                break
            size = s
        lo, hi = 0, len(ends)
        while lo < hi:
            mid = (lo + hi) // 2
            if ends[mid] <= size:
                lo = mid + 1
            else:
                hi = mid
        return lo

    for (a, ta), (b, tb) in zip(marks, marks[1:]):
        print("EXITS phase %s to %s: %d exits in %.0f ms" % (
            a, b, exits_by(tb) - exits_by(ta), tb - ta))
    # The longest time the root ran without exiting (its decompression).
    changes = [t for (t, s), (_, prev) in zip(track[1:], track) if s != prev]
    changes = [t for t in changes if marks[0][1] <= t <= marks[3][1]]
    gaps = [(b - a, a, b) for a, b in zip(changes, changes[1:])]
    if gaps:
        gap, a, b = max(gaps)
        print("EXITS longest stretch without exits: %.0f ms "
              "(%.0f to %.0f ms after QEMU start; %d exits before it)" % (
                  gap, a, b, exits_by(a)))


def main(argv):
    if len(argv) == 4 and argv[1] == "watch":
        return watch(argv[2], float(argv[3]))
    if len(argv) == 3 and argv[1] == "report":
        return report(argv[2])
    if len(argv) == 3 and argv[1] == "summary":
        return summary(argv[2])
    if len(argv) == 3 and argv[1] == "exits":
        return exits(argv[2])
    sys.stderr.write(__doc__.split("\n\n")[1] + "\n")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
