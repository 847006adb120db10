// SPDX-License-Identifier: GPL-2.0-only
/* partita-msgtest grant: map a guest's grant, write the pattern, unmap on command. */
#include <stdio.h>
#include <string.h>

#include "msgtest.h"

/* The first byte of the page that differs from the pattern, or -1. */
static long first_difference(const uint8_t *page)
{
	for (size_t i = 0; i < PT_PAGE_SIZE; i++) {
		if (page[i] != msgtest_grant_byte(i))
			return (long)i;
	}
	return -1;
}

static void report_check(const char *what, const uint8_t *page)
{
	long at = first_difference(page);

	if (at < 0)
		printf("%s ok\n", what);
	else
		printf("%s FAIL byte %ld is 0x%02x, not 0x%02x\n", what, at,
		       page[at], msgtest_grant_byte((size_t)at));
}

/* GRANT_COPY of the whole frame, without the mapping. */
static void copy_check(struct root_gntdev *g, uint32_t granter, uint32_t ref)
{
	static uint8_t buf[PT_PAGE_SIZE];
	uint64_t t0 = msgtest_now_ns(), t1;

	memset(buf, 0, sizeof(buf));
	if (root_gnt_copy(g, granter, ref, 0, 0, buf, sizeof(buf))) {
		printf("copy FAIL %s\n", root_error(g->dev));
		return;
	}
	t1 = msgtest_now_ns();
	report_check("copy", buf);
	printf("copy of 4096 bytes took %llu ns\n",
	       (unsigned long long)(t1 - t0));
}

int msgtest_grant(int argc, char **argv)
{
	struct root_gnt_mapping map;
	struct root_gntdev g;
	struct root_dev dev;
	uint64_t granter, ref, t0, t1;
	uint32_t r;
	char line[128];
	int rc = 0, got;

	if (argc != 3 || msgtest_number(argv[1], UINT32_MAX, &granter) ||
	    msgtest_number(argv[2], UINT32_MAX, &ref)) {
		fputs("usage: partita-msgtest grant GRANTER REF\n", stderr);
		return 2;
	}
	if (root_open(&dev, NULL))
		return msgtest_fail_dev(&dev, "open");
	if (root_gntdev_open(&dev, &g)) {
		rc = msgtest_fail_dev(&dev, "gntdev");
		goto out_dev;
	}
	r = (uint32_t)ref;
	t0 = msgtest_now_ns();
	if (root_gnt_map(&g, (uint32_t)granter, &r, 1, 0, &map)) {
		rc = msgtest_fail_dev(&dev, "map");
		goto out_gnt;
	}
	t1 = msgtest_now_ns();
	for (size_t i = 0; i < PT_PAGE_SIZE; i++)
		((volatile uint8_t *)map.addr)[i] = msgtest_grant_byte(i);
	printf("mapped granter=%llu ref=%llu in %llu ns, pattern written\n",
	       (unsigned long long)granter, (unsigned long long)ref,
	       (unsigned long long)(t1 - t0));
	report_check("check", map.addr);
	while ((got = msgtest_command(line, sizeof(line), -1)) > 0) {
		if (!strcmp(line, "check")) {
			if (map.addr)
				report_check("check", map.addr);
			else
				printf("check FAIL not mapped\n");
		} else if (!strcmp(line, "copy")) {
			copy_check(&g, (uint32_t)granter, r);
		} else if (!strcmp(line, "unmap")) {
			if (!map.count)
				printf("unmap FAIL not mapped\n");
			else if (root_gnt_unmap(&g, &map))
				printf("unmap FAIL %s\n", root_error(&dev));
			else
				printf("unmapped\n");
		} else if (!strcmp(line, "quit")) {
			break;
		} else if (line[0]) {
			printf("unknown command '%s'\n", line);
		}
	}
	if (map.count && root_gnt_unmap(&g, &map))
		rc = msgtest_fail_dev(&dev, "unmap at exit");
	printf("grant done\n");
out_gnt:
	root_gntdev_close(&g);
out_dev:
	root_close(&dev);
	return rc;
}
