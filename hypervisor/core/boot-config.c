// SPDX-License-Identifier: GPL-2.0-only
/* The boot config (\partita\boot.cfg): hypervisor settings, boot guests. */
#include <hv/boot-config.h>
#include <hv/log.h>
#include <fmt.h>
#include <string.h>

#define MAX_LINE 640 /* a 512-byte root command line fits */

struct parser {
	struct boot_config *cfg;
	struct boot_guest *guest; /* the [guest] section being read */
	bool in_root;		  /* reading the [root] section */
	u32 line;
	char *err;
	size_t err_size;
};

static int fail(struct parser *ps, const char *fmt, const char *a,
		const char *b)
{
	char what[200];

	fmt_snprintf(what, sizeof(what), fmt, a, b);
	fmt_snprintf(ps->err, ps->err_size, "line %u: %s", ps->line, what);
	return -1;
}

static char *trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s &&
	       (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		*--end = '\0';
	return s;
}

/* A decimal number in [min, max]. */
static int parse_u64(struct parser *ps, const char *key, const char *v, u64 min,
		     u64 max, u64 *out)
{
	char range[48];
	u64 n = 0;

	fmt_snprintf(range, sizeof(range), "%llu..%llu",
		     (unsigned long long)min, (unsigned long long)max);
	if (!*v)
		return fail(ps, "%s has no value, expected a number %s", key,
			    range);
	for (const char *c = v; *c; c++) {
		if (*c < '0' || *c > '9' || n > max)
			return fail(ps, "%s = '%s' is not a number in range",
				    key, v);
		n = n * 10 + (u64)(*c - '0');
	}
	if (n < min || n > max)
		return fail(ps, "%s = '%s' is out of range", key, v);
	*out = n;
	return 0;
}

/* "0-1,3": CPU numbers below 64. */
static int parse_cpus(struct parser *ps, const char *v, u64 *mask)
{
	const char *c = v;

	*mask = 0;
	while (*c) {
		u64 lo = 0, hi;

		if (*c < '0' || *c > '9')
			goto bad;
		while (*c >= '0' && *c <= '9') {
			lo = lo * 10 + (u64)(*c++ - '0');
			if (lo > 63)
				goto bad; /* also stops overflow */
		}
		hi = lo;
		if (*c == '-') {
			c++;
			if (*c < '0' || *c > '9')
				goto bad;
			hi = 0;
			while (*c >= '0' && *c <= '9') {
				hi = hi * 10 + (u64)(*c++ - '0');
				if (hi > 63)
					goto bad;
			}
		}
		if (lo > hi || hi > 63)
			goto bad;
		for (u64 cpu = lo; cpu <= hi; cpu++)
			*mask |= BIT(cpu);
		if (*c == ',')
			c++;
		else if (*c)
			goto bad;
	}
	if (*mask)
		return 0;
bad:
	return fail(ps, "cpus = '%s' is not a CPU list like '0-1,3'%s", v, "");
}

static int copy_string(struct parser *ps, const char *key, const char *v,
		       char *dst, size_t size)
{
	if (strlen(v) >= size)
		return fail(ps, "%s = '%s' is too long", key, v);
	strlcpy(dst, v, size);
	return 0;
}

static int set_global(struct parser *ps, const char *key, const char *v)
{
	static const char *const levels[] = { "error", "warn", "info",
					      "debug" };
	struct boot_config *cfg = ps->cfg;

	if (!strcmp(key, "log_level")) {
		for (u32 i = 0; i < ARRAY_SIZE(levels); i++) {
			if (!strcmp(v, levels[i])) {
				cfg->log_level = i;
				return 0;
			}
		}
		return fail(ps,
			    "log_level = '%s', expected error, warn, info "
			    "or debug%s",
			    v, "");
	}
	if (!strcmp(key, "pool_mb"))
		return parse_u64(ps, key, v, 4, 65536, &cfg->pool_mb);
	if (!strcmp(key, "on_idle")) {
		if (strcmp(v, "poweroff") && strcmp(v, "halt"))
			return fail(ps,
				    "on_idle = '%s', expected poweroff or "
				    "halt%s",
				    v, "");
		cfg->poweroff_when_idle = !strcmp(v, "poweroff");
		return 0;
	}
	return fail(ps,
		    "unknown setting '%s'; expected log_level, pool_mb, "
		    "on_idle, or a [guest] or [root] section%s",
		    key, "");
}

static int set_guest(struct parser *ps, const char *key, const char *v)
{
	struct boot_guest *g = ps->guest;
	u64 n;

	if (!strcmp(key, "name"))
		return copy_string(ps, key, v, g->name, sizeof(g->name));
	if (!strcmp(key, "image"))
		return copy_string(ps, key, v, g->image, sizeof(g->image));
	if (!strcmp(key, "cmdline"))
		return copy_string(ps, key, v, g->cmdline, sizeof(g->cmdline));
	if (!strcmp(key, "memory_mb"))
		return parse_u64(ps, key, v, 2, 4096, &g->memory_mb);
	if (!strcmp(key, "vcpus")) {
		if (parse_u64(ps, key, v, 1, 8, &n))
			return -1;
		g->vcpus = (u32)n;
		return 0;
	}
	if (!strcmp(key, "weight")) {
		if (parse_u64(ps, key, v, 1, 65535, &n))
			return -1;
		g->weight = (u32)n;
		return 0;
	}
	if (!strcmp(key, "cpus"))
		return parse_cpus(ps, v, &g->cpu_mask);
	if (!strcmp(key, "max_event_ports")) {
		if (parse_u64(ps, key, v, 1, 4095, &n))
			return -1;
		g->max_event_ports = (u32)n;
		return 0;
	}
	if (!strcmp(key, "grant_frames")) {
		if (parse_u64(ps, key, v, 1, 64, &n))
			return -1;
		g->grant_frames = (u32)n;
		return 0;
	}
	return fail(ps,
		    "unknown guest setting '%s'; expected name, image, "
		    "memory_mb, vcpus, weight, cpus, cmdline, "
		    "max_event_ports or grant_frames%s",
		    key, "");
}

static int set_root(struct parser *ps, const char *key, const char *v)
{
	struct boot_root *r = &ps->cfg->root;
	u64 n;

	if (!strcmp(key, "kernel"))
		return copy_string(ps, key, v, r->kernel, sizeof(r->kernel));
	if (!strcmp(key, "initrd"))
		return copy_string(ps, key, v, r->initrd, sizeof(r->initrd));
	if (!strcmp(key, "cmdline"))
		return copy_string(ps, key, v, r->cmdline, sizeof(r->cmdline));
	if (!strcmp(key, "cpu")) {
		if (parse_u64(ps, key, v, 0, 63, &n))
			return -1;
		r->cpu = (u32)n;
		return 0;
	}
	return fail(ps,
		    "unknown root setting '%s'; expected kernel, initrd, "
		    "cmdline or cpu%s",
		    key, "");
}

static int start_root(struct parser *ps)
{
	if (ps->cfg->root.present)
		return fail(ps,
			    "a second [root] section; there is one root "
			    "partition%s%s",
			    "", "");
	ps->cfg->root.present = true;
	ps->cfg->root.line = ps->line;
	ps->in_root = true;
	ps->guest = NULL;
	return 0;
}

static int finish_root(struct parser *ps)
{
	u32 line = ps->line;
	int ret = 0;

	if (!ps->in_root)
		return 0;
	ps->in_root = false;
	ps->line = ps->cfg->root.line;
	if (!ps->cfg->root.kernel[0])
		ret = fail(ps, "[root] section has no kernel%s%s", "", "");
	ps->line = line;
	return ret;
}

static int start_guest(struct parser *ps)
{
	struct boot_config *cfg = ps->cfg;

	if (cfg->guest_count == BOOT_MAX_GUESTS)
		return fail(ps, "more than %s [guest] sections%s", "8", "");
	ps->in_root = false;
	ps->guest = &cfg->guests[cfg->guest_count++];
	memset(ps->guest, 0, sizeof(*ps->guest));
	ps->guest->memory_mb = 4;
	ps->guest->vcpus = 1;
	ps->guest->weight = 256;
	ps->guest->cpu_mask = ~0ull;
	ps->guest->line = ps->line;
	return 0;
}

static int finish_guest(struct parser *ps)
{
	struct boot_guest *g = ps->guest;
	u32 line = ps->line;
	int ret = 0;

	if (!g)
		return 0;
	/* Report a missing key at the section's line, then carry on. */
	ps->line = g->line;
	if (!g->name[0])
		ret = fail(ps, "[guest] section has no name%s%s", "", "");
	else if (!g->image[0])
		ret = fail(ps, "guest '%s' has no image%s", g->name, "");
	ps->line = line;
	return ret;
}

int boot_config_parse(const char *text, size_t len, struct boot_config *cfg,
		      char *err, size_t err_size)
{
	struct parser ps = { cfg, NULL, false, 0, err, err_size };
	size_t pos = 0;

	memset(cfg, 0, sizeof(*cfg));
	cfg->log_level = LOG_INFO;
	cfg->pool_mb = 128;
	cfg->poweroff_when_idle = true;
	err[0] = '\0';
	while (pos < len) {
		char buf[MAX_LINE], *s, *eq;
		size_t n = 0;

		ps.line++;
		while (pos < len && text[pos] != '\n') {
			if (n == sizeof(buf) - 1)
				return fail(&ps,
					    "line longer than %s "
					    "characters%s",
					    "639", "");
			buf[n++] = text[pos++];
		}
		pos++;
		buf[n] = '\0';
		for (char *c = buf; *c; c++) {
			if (*c == '#') {
				*c = '\0';
				break;
			}
		}
		s = trim(buf);
		if (!*s)
			continue;
		if (!strcmp(s, "[guest]") || !strcmp(s, "[root]")) {
			if (finish_guest(&ps) || finish_root(&ps))
				return -1;
			if (s[1] == 'g' ? start_guest(&ps) : start_root(&ps))
				return -1;
			continue;
		}
		if (*s == '[')
			return fail(&ps,
				    "unknown section '%s', expected "
				    "[guest] or [root]%s",
				    s, "");
		eq = s;
		while (*eq && *eq != '=')
			eq++;
		if (!*eq)
			return fail(&ps, "'%s' is not 'key = value'%s", s, "");
		*eq = '\0';
		if (ps.in_root ? set_root(&ps, trim(s), trim(eq + 1))
		    : ps.guest ? set_guest(&ps, trim(s), trim(eq + 1))
			       : set_global(&ps, trim(s), trim(eq + 1)))
			return -1;
	}
	if (finish_guest(&ps) || finish_root(&ps))
		return -1;
	return 0;
}
