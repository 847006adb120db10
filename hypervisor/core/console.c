// SPDX-License-Identifier: GPL-2.0-only
/* A partition's debug console: lines into the log, tagged and rate-limited. */
#include <hv/console.h>
#include <hv/log.h>
#include <hv/partition.h>
#include <hv/root.h>
#include <partita/root.h>

/* Token bucket: a guest cannot flood the log or hold the log lock long. */
static bool take_token(struct partition *p, u64 now)
{
	u64 elapsed = now - p->console_refill_ns;
	u64 earned = elapsed * CONSOLE_LINES_PER_SEC / 1000000000ull;

	if (earned) {
		p->console_tokens =
			MIN(p->console_tokens + earned, CONSOLE_BURST_LINES);
		/* Keep the fraction of a line already earned. */
		p->console_refill_ns +=
			earned * (1000000000ull / CONSOLE_LINES_PER_SEC);
		if (p->console_tokens == CONSOLE_BURST_LINES)
			p->console_refill_ns = now;
	}
	if (!p->console_tokens)
		return false;
	p->console_tokens--;
	return true;
}

static void emit_line(struct partition *p, u64 now)
{
	p->console_line[p->console_len] = '\n';
	/* The root's console view gets every line; the log is limited. */
	partition_console_append(p, p->console_line, p->console_len + 1);
	p->console_line[p->console_len] = '\0';
	p->console_len = 0;
	p->console_notify = true;
	if (!take_token(p, now)) {
		p->console_dropped++;
		return;
	}
	if (p->console_dropped) {
		log_part(LOG_WARN, p,
			 "console: %llu line(s) dropped by the "
			 "rate limit",
			 (unsigned long long)p->console_dropped);
		p->console_dropped = 0;
	}
	log_part(LOG_INFO, p, "%s", p->console_line);
}

void console_write(struct partition *p, const char *text, u32 len, u64 now)
{
	bool notify;

	spin_lock(&p->lock);
	for (u32 i = 0; i < len; i++) {
		char ch = text[i];

		if (ch == '\n') {
			emit_line(p, now);
			continue;
		}
		/* Keep the log printable whatever the guest sends. */
		if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
			ch = '?';
		p->console_line[p->console_len++] = ch;
		if (p->console_len == sizeof(p->console_line) - 1)
			emit_line(p, now);
	}
	notify = p->console_notify;
	p->console_notify = false;
	spin_unlock(&p->lock);
	if (notify)
		root_notify(PT_ROOT_EVENT_CONSOLE);
}
