// SPDX-License-Identifier: MIT
/*
 * Example guest with a small line shell on its virtio console, served by
 * partita-backd through a pty in the root (`partita console NAME`).
 * Commands: help, echo TEXT, stats, uptime. The hypervisor's debug
 * console gets a line on start, on connect and on failure. Command line:
 *   console=N   the console device number (default 0)
 *   wait_ms=N   give up connecting after N ms (default 0: wait for ever)
 *   storm_limit=N  spurious wake-ups of the console tolerated per window
 *               before its port is masked (default PT_VDEV_STORM_LIMIT);
 *               evtchn-storm.sh lowers it: under TCG a guest wakes
 *               about as often as the default allows, however hard
 *               the root storms it
 */
#include <partita-guest/guest.h>
#include <partita-guest/vconsole.h>

#include "fmt.h"
#include "string.h"

#define LINE_MAX 128u
#define PROMPT "shell> "

static struct pt_vconsole con;
static volatile uint32_t shutdown_requested;
static uint64_t started_ns;

static void on_shutdown_request(unsigned event, unsigned vcpu, void *arg)
{
	pt_atomic_store32(&shutdown_requested, 1);
	pt_vdev_wake(&con.front.dev); /* out of a blocked read */
}

/* Writes text, turning "\n" into "\r\n": the pty is raw, as a serial
 * line would be, so the terminal needs the carriage return. */
static void say(const char *text)
{
	const char *p = text;

	while (*p) {
		const char *q = p;

		while (*q && *q != '\n')
			q++;
		if (q > p)
			pt_vconsole_write(&con, p, (size_t)(q - p), 0);
		if (!*q)
			break;
		pt_vconsole_write(&con, "\r\n", 2, 0);
		p = q + 1;
	}
}

static void sayf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void sayf(const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	say(buf);
}

static void cmd_stats(void)
{
	struct pt_vconsole_stats s;

	pt_vconsole_get_stats(&con, &s);
	sayf("console: rx %llu bytes in %llu buffers, tx %llu bytes in %llu "
	     "buffers, %llu waits for room\n",
	     (unsigned long long)s.rx_bytes, (unsigned long long)s.rx_bufs,
	     (unsigned long long)s.tx_bytes, (unsigned long long)s.tx_bufs,
	     (unsigned long long)s.tx_waits);
	sayf("events: %llu, spurious %llu, storms throttled %llu; kicks %llu, "
	     "suppressed %llu; connects %u\n",
	     (unsigned long long)s.events, (unsigned long long)s.spurious,
	     (unsigned long long)s.throttled, (unsigned long long)s.kicks,
	     (unsigned long long)s.kicks_suppressed, s.connects);
}

static void cmd_uptime(void)
{
	uint64_t now = pt_time_ns(), up = now - started_ns;

	sayf("up %llu.%03llu s (hypervisor time %llu.%03llu s)\n",
	     (unsigned long long)(up / 1000000000ull),
	     (unsigned long long)(up / 1000000ull % 1000ull),
	     (unsigned long long)(now / 1000000000ull),
	     (unsigned long long)(now / 1000000ull % 1000ull));
}

/* The first word of line (NUL-terminated in place); *rest its argument. */
static char *split(char *line, char **rest)
{
	char *p;

	while (*line == ' ')
		line++;
	for (p = line; *p && *p != ' '; p++)
		;
	if (*p)
		*p++ = 0;
	*rest = p;
	return line;
}

static void run_command(char *line)
{
	char *arg, *cmd = split(line, &arg);

	if (!*cmd)
		return;
	if (!strcmp(cmd, "help"))
		say("commands: help, echo TEXT, stats, uptime\n");
	else if (!strcmp(cmd, "echo"))
		sayf("%s\n", arg);
	else if (!strcmp(cmd, "stats"))
		cmd_stats();
	else if (!strcmp(cmd, "uptime"))
		cmd_uptime();
	else
		sayf("unknown command '%s': type help for the list\n", cmd);
}

/* A line discipline of the simplest kind: echo, erase, Ctrl-C, enter. */
struct line {
	char buf[LINE_MAX + 1];
	unsigned len;
	int after_cr;
};

static void feed(struct line *l, char ch)
{
	int cr = l->after_cr;

	l->after_cr = ch == '\r';
	if (ch == '\n' && cr)
		return; /* the LF of a CR LF pair */
	if (ch == '\r' || ch == '\n') {
		say("\n");
		l->buf[l->len] = 0;
		run_command(l->buf);
		l->len = 0;
		say(PROMPT);
	} else if (ch == 0x7f || ch == '\b') {
		if (l->len) {
			l->len--;
			say("\b \b");
		}
	} else if (ch == 0x03) {
		say("^C\n" PROMPT);
		l->len = 0;
	} else if (ch >= ' ' && ch < 0x7f && l->len < LINE_MAX) {
		l->buf[l->len++] = ch;
		pt_vconsole_write(&con, &ch, 1, 0);
	}
}

static void shell_loop(void)
{
	static struct line line;
	char in[64];

	while (!pt_atomic_load32(&shutdown_requested)) {
		long n = pt_vconsole_read(&con, in, sizeof(in), 0);

		if (n < 0) {
			pt_printf("shell: console read failed: %s (%s)\n",
				  pt_dev_strerror((int)n),
				  con.front.dev.vq[0].broken
					  ? con.front.dev.vq[0].broken
					  : "-");
			return;
		}
		for (long i = 0; i < n; i++)
			feed(&line, in[i]);
	}
}

static void idle_until_shutdown(void)
{
	while (!pt_atomic_load32(&shutdown_requested))
		pt_sleep_ns(1000000000ull);
}

int guest_main(const struct pt_start_info *si, unsigned vcpu)
{
	uint64_t wait_ms, storm_limit, deadline = 0;
	unsigned n;
	int ret;

	pt_guest_init();
	if (vcpu != 0)
		return 0;
	started_ns = pt_time_ns();
	pt_event_register(PT_EVENT_SHUTDOWN_REQUEST, on_shutdown_request, NULL);
	pt_irq_enable();
	n = (unsigned)pt_cmdline_u64("console", 0);
	wait_ms = pt_cmdline_u64("wait_ms", 0);
	if (wait_ms)
		deadline = started_ns + wait_ms * 1000000ull;
	pt_printf("shell %s: starting, connecting console/%u\n", si->name, n);
	ret = pt_vconsole_open(&con, n, deadline);
	if (ret) {
		pt_printf("shell %s: console/%u did not connect: %s (%s)\n",
			  si->name, n, pt_dev_strerror(ret),
			  con.front.xb.why[0] ? con.front.xb.why : "-");
		idle_until_shutdown();
		return 0;
	}
	pt_printf("shell %s: console/%u connected, back-end %s, features "
		  "0x%llx\n",
		  si->name, n, con.front.xb.back,
		  (unsigned long long)con.front.dev.features);
	storm_limit = pt_cmdline_u64("storm_limit", 0);
	if (storm_limit && storm_limit <= UINT32_MAX) {
		con.front.dev.storm.limit = (uint32_t)storm_limit;
		pt_printf("shell %s: storm limit %u wake-ups a window\n",
			  si->name, con.front.dev.storm.limit);
	}
	sayf("Partita shell on %s (partition %u). Type help for commands.\n",
	     si->name, si->partition_id);
	say(PROMPT);
	shell_loop();
	say("\nshell: shutting down, goodbye\n");
	pt_vconsole_close(&con, pt_time_ns() + 1000000000ull);
	pt_printf("shell %s: shutdown requested, goodbye\n", si->name);
	return 0;
}
