// SPDX-License-Identifier: GPL-2.0-only
/* The console's escape key in a stream, and devices as info renders them. */
#include <criterion/criterion.h>
#include <string.h>

#include "capture.h"
#include "console-escape.h"
#include "device-render.h"

Test(escape, none_passes_everything)
{
	int found = 1;

	cr_expect_eq(console_escape_scan("echo hello\r", 11, &found), 11);
	cr_expect_eq(found, 0);
}

Test(escape, stops_before_the_first_ctrl_bracket)
{
	const char in[] = "ab\x1d"
			  "cd\x1d";
	int found = 0;

	cr_expect_eq(console_escape_scan(in, sizeof(in) - 1, &found), 2);
	cr_expect_eq(found, 1);
}

Test(escape, alone_and_first)
{
	int found = 0;

	cr_expect_eq(console_escape_scan("\x1d", 1, &found), 0);
	cr_expect_eq(found, 1);
}

Test(escape, other_control_bytes_pass)
{
	/* Ctrl-C, Ctrl-D, Ctrl-\ and ESC go to the guest as typed. */
	const char in[] = "\x03\x04\x1c\x1b[A\x1e";
	int found = 1;

	cr_expect_eq(console_escape_scan(in, sizeof(in) - 1, &found),
		     sizeof(in) - 1);
	cr_expect_eq(found, 0);
}

Test(escape, nul_bytes_do_not_end_the_scan)
{
	const char in[] = { 'a', 0, 'b', 0x1d, 'c' };
	int found = 0;

	cr_expect_eq(console_escape_scan(in, sizeof(in), &found), 3);
	cr_expect_eq(found, 1);
}

Test(escape, empty_input)
{
	int found = 1;

	cr_expect_eq(console_escape_scan("", 0, &found), 0);
	cr_expect_eq(found, 0);
}

static struct ts_stat stats[] = { { "drops", "12" }, { "rx/bytes", "345" } };

static struct ts_dev_info one = {
	.type = "console",
	.number = 0,
	.has_frontend = 1,
	.has_backend = 1,
	.frontend_state = 4,
	.backend_state = 4,
	.tty = "/dev/pts/3",
	.broken = NULL,
	.stats = stats,
	.stat_count = 2,
};

Test(devices, text)
{
	struct dev_view v = { &one, 1, NULL };
	struct capture c;
	char *out;

	dev_render_text(capture_begin(&c), &v);
	out = capture_end(&c);
	cr_expect_str_eq(out, "Devices:\n"
			      "  console/0: front-end Connected, back-end "
			      "Connected, tty /dev/pts/3\n"
			      "    drops 12, rx/bytes 345\n");
	free(out);
}

static struct ts_dev_info disk = {
	.type = "block",
	.number = 2,
	.has_frontend = 1,
	.has_backend = 1,
	.frontend_state = 3,
	.backend_state = 2,
	.online = "1",
	.params = "/srv/web.img",
	.mode = "r",
	.cache = "writeback",
};

static struct ts_dev_info nic = {
	.type = "net",
	.number = 0,
	.has_backend = 1,
	.frontend_state = -1,
	.backend_state = 6,
	.online = "0",
	.mac = "02:95:5d:ac:8b:83",
	.tap = "pt3.0",
};

Test(devices, disk_and_nic_keys)
{
	struct ts_dev_info d[] = { disk, nic };
	struct dev_view v = { d, 2, NULL };
	struct capture c;
	char *out;

	dev_render_text(capture_begin(&c), &v);
	out = capture_end(&c);
	cr_expect_str_eq(out, "Devices:\n"
			      "  block/2: front-end Initialised, back-end "
			      "InitWait, /srv/web.img (read-only, cache "
			      "writeback)\n"
			      "  net/0: front-end missing, back-end Closed, "
			      "mac 02:95:5d:ac:8b:83, tap pt3.0, detach "
			      "requested\n");
	free(out);
}

Test(devices, disk_and_nic_json)
{
	struct ts_dev_info d[] = { disk, nic };
	struct dev_view v = { d, 2, NULL };
	struct json_out j;
	struct capture c;
	char *out;

	json_init(&j, capture_begin(&c), 0);
	json_object_begin(&j, NULL);
	dev_render_json(&j, &v);
	json_object_end(&j);
	json_finish(&j);
	out = capture_end(&c);
	cr_expect_str_eq(out, "{\"devices\":[{\"type\":\"block\","
			      "\"number\":2,\"frontend_state\":"
			      "\"Initialised\",\"backend_state\":"
			      "\"InitWait\",\"online\":\"1\",\"params\":"
			      "\"/srv/web.img\",\"mode\":\"r\",\"cache\":"
			      "\"writeback\",\"stats\":{}},{\"type\":"
			      "\"net\",\"number\":0,\"frontend_state\":"
			      "\"missing\",\"backend_state\":\"Closed\","
			      "\"online\":\"0\",\"mac\":"
			      "\"02:95:5d:ac:8b:83\",\"tap\":\"pt3.0\","
			      "\"stats\":{}}]}\n");
	free(out);
}

Test(devices, broken_and_odd_states)
{
	struct ts_dev_info d = one;
	struct dev_view v = { &d, 1, NULL };
	struct capture c;
	char *out;

	d.frontend_state = -1;
	d.backend_state = 9;
	d.tty = NULL;
	d.broken = "chain longer than the queue";
	d.stat_count = 0;
	dev_render_text(capture_begin(&c), &v);
	out = capture_end(&c);
	cr_expect_str_eq(out, "Devices:\n"
			      "  console/0: front-end missing, back-end "
			      "unknown (9)\n"
			      "    broken: chain longer than the queue\n");
	free(out);
}

Test(devices, none_and_unavailable)
{
	struct dev_view none = { NULL, 0, NULL };
	struct dev_view gone = { NULL, 0, "no store answers at /x (refused)" };
	struct capture c;
	char *out;

	dev_render_text(capture_begin(&c), &none);
	out = capture_end(&c);
	cr_expect_str_eq(out, "Devices:       none\n");
	free(out);
	dev_render_text(capture_begin(&c), &gone);
	out = capture_end(&c);
	cr_expect_str_eq(out, "Devices:       unknown (no store answers at "
			      "/x (refused))\n");
	free(out);
}

Test(devices, json)
{
	struct dev_view v = { &one, 1, NULL };
	struct json_out j;
	struct capture c;
	char *out;

	json_init(&j, capture_begin(&c), 0);
	json_object_begin(&j, NULL);
	dev_render_json(&j, &v);
	json_object_end(&j);
	json_finish(&j);
	out = capture_end(&c);
	cr_expect(strstr(out, "\"devices\":[{\"type\":\"console\","
			      "\"number\":0,\"frontend_state\":"
			      "\"Connected\",\"backend_state\":"
			      "\"Connected\",\"tty\":\"/dev/pts/3\","
			      "\"stats\":{\"drops\":\"12\",\"rx/bytes\":"
			      "\"345\"}}]"),
		  "%s", out);
	free(out);
}

Test(devices, state_names)
{
	char buf[24];

	cr_expect_str_eq(dev_state_name(1, buf, sizeof(buf)), "Initialising");
	cr_expect_str_eq(dev_state_name(2, buf, sizeof(buf)), "InitWait");
	cr_expect_str_eq(dev_state_name(3, buf, sizeof(buf)), "Initialised");
	cr_expect_str_eq(dev_state_name(6, buf, sizeof(buf)), "Closed");
	cr_expect_str_eq(dev_state_name(7, buf, sizeof(buf)), "unknown (7)");
}
