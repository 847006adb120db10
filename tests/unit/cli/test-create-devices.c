// SPDX-License-Identifier: GPL-2.0-only
/* What create writes for a config's disks and NICs, and how info shows it. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "cli-store.h"
#include "config.h"
#include "device-render.h"
#include "store-fixture.h"
#include "toolstack-devices.h"
#include "toolstack-net.h"

#define BE "/local/domain/0/backend/"
#define FE "/local/domain/5/device/"

static char dir[64];

/* A folder with the images and a kernel the configs name. */
static void setup(void)
{
	char path[128];

	start_store();
	snprintf(dir, sizeof(dir), "/tmp/partita-devs.XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	for (int i = 0; i < 2; i++) {
		int fd;

		snprintf(path, sizeof(path), "%s/%s.img", dir,
			 i ? "data" : "root");
		fd = open(path, O_CREAT | O_WRONLY, 0644);
		cr_assert_geq(fd, 0);
		cr_assert_eq(ftruncate(fd, 1 << 20), 0);
		close(fd);
	}
	snprintf(path, sizeof(path), "%s/tiny.elf", dir);
	cr_assert_eq(symlink(CONFIG_CORPUS_DIR "/kernels/tiny.elf", path), 0);
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	cr_expect_eq(system(cmd), 0);
	stop_store();
}

TestSuite(create, .init = setup, .fini = teardown);

/* Loads a config with these devices and writes its home as guest 5. */
static void create_home(const char *name, const char *devices,
			struct config *cfg)
{
	struct cli_store_devices sd;
	struct config_image img;
	struct config_error err;
	struct ts_guest g;
	char path[128], why[TS_ERROR_MAX] = "";
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.yaml", dir, name);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fprintf(f, "name: %s\nmemory: 4M\nkernel: tiny.elf\ndevices:\n%s", name,
		devices);
	fclose(f);
	cr_assert_eq(config_open(path, cfg, &img, &err), 0, "%s", err.text);
	config_image_close(&img);
	cli_store_guest_from_config(cfg, 5, &sd, &g);
	cr_assert_eq(ts_write_home(c, &g, why, sizeof(why)), 0, "%s", why);
}

/* dir's real path + "/" + name: what params must say. */
static char *image(const char *name)
{
	char *real = realpath(dir, NULL), *path;

	cr_assert(asprintf(&path, "%s/%s", real, name) > 0);
	free(real);
	return path;
}

Test(create, disks_get_params_mode_cache_online)
{
	struct config cfg;
	char *root = image("root.img"), *data = image("data.img");

	create_home("disks",
		    "  - console: {}\n"
		    "  - disk: {path: root.img}\n"
		    "  - disk: {path: ./data.img, readonly: true, "
		    "cache: none}\n",
		    &cfg);
	/* Disks are "block" devices in the store, numbered from 0. */
	expect_value(FE "block/0/state", "1");
	expect_value(FE "block/0/backend", BE "block/5/0");
	expect_value(BE "block/5/0/frontend", FE "block/0");
	expect_value(BE "block/5/0/state", "1");
	expect_value(BE "block/5/0/params", root);
	expect_value(BE "block/5/0/mode", "w");
	expect_value(BE "block/5/0/cache", "writeback");
	expect_value(BE "block/5/0/online", "1");
	expect_value(BE "block/5/1/params", data);
	expect_value(BE "block/5/1/mode", "r");
	expect_value(BE "block/5/1/cache", "none");
	expect_value(BE "block/5/1/online", "1");
	expect_perms(BE "block/5/1/params", "n0,r5");
	expect_missing(FE "disk");
	expect_value(BE "console/5/0/online", "1");
	free(root);
	free(data);
}

Test(create, nics_get_mac_tap_and_bridge)
{
	struct config cfg;
	char mac0[TS_MAC_TEXT];
	uint8_t m[TS_MAC_BYTES];

	create_home("nets",
		    "  - net: {}\n"
		    "  - net: {tap: web-eth1, bridge: br0, mac: "
		    "\"52:54:00:AB:cd:01\"}\n"
		    "  - net: {bridge: br1}\n",
		    &cfg);
	ts_net_mac("nets", 0, 0, m);
	ts_format_mac(m, mac0);
	expect_value(FE "net/0/state", "1");
	expect_value(BE "net/5/0/mac", mac0);
	expect_value(BE "net/5/0/tap", "pt5.0");
	expect_missing(BE "net/5/0/bridge");
	expect_value(BE "net/5/0/online", "1");
	/* The config's own MAC, written in lower case. */
	expect_value(BE "net/5/1/mac", "52:54:00:ab:cd:01");
	expect_value(BE "net/5/1/tap", "web-eth1");
	expect_value(BE "net/5/1/bridge", "br0");
	expect_value(BE "net/5/2/tap", "pt5.2");
	expect_value(BE "net/5/2/bridge", "br1");
	expect_perms(BE "net/5/1/tap", "n0,r5");
}

/* The same config gives the same MACs on every create. */
Test(create, generated_macs_are_stable)
{
	struct config cfg;
	struct cli_store_devices a, b;
	struct ts_guest g;

	create_home("stable", "  - net: {}\n  - net: {}\n", &cfg);
	cli_store_guest_from_config(&cfg, 5, &a, &g);
	cli_store_guest_from_config(&cfg, 9, &b, &g);
	cr_expect_str_eq(a.mac[0], b.mac[0]);
	cr_expect_str_eq(a.mac[1], b.mac[1]);
	cr_expect_str_neq(a.mac[0], a.mac[1]);
	/* The id is in the TAP name only. */
	cr_expect_str_eq(a.tap[0], "pt5.0");
	cr_expect_str_eq(b.tap[0], "pt9.0");
}

/* A generated MAC never repeats one the config gives another NIC. */
Test(create, generated_mac_avoids_the_configs_macs)
{
	struct config cfg;
	char devices[256], taken[TS_MAC_TEXT], next[TS_MAC_TEXT];
	uint8_t m[TS_MAC_BYTES];

	ts_net_mac("clash", 0, 0, m);
	ts_format_mac(m, taken);
	ts_net_mac("clash", 0, 1, m);
	ts_format_mac(m, next);
	snprintf(devices, sizeof(devices),
		 "  - net: {}\n  - net: {mac: \"%s\"}\n", taken);
	create_home("clash", devices, &cfg);
	expect_value(BE "net/5/1/mac", taken);
	expect_value(BE "net/5/0/mac", next);
}

/* Generated TAP names pass the config's own interface name check. */
Test(create, generated_taps_are_valid_names)
{
	uint32_t ids[] = { 0, 1, 42, 65535, UINT32_MAX };
	char tap[TS_IFNAME_SIZE], buf[64];

	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		for (unsigned int n = 0; n <= TS_NET_NUMBER_MAX; n++) {
			cr_assert_eq(ts_tap_name(tap, ids[i], n), 0);
			cr_assert_null(
				config_ifname_problem(tap, buf, sizeof(buf)),
				"%s", tap);
		}
}

/* partita info's lines for these devices, with what backd adds. */
Test(create, info_shows_keys_states_broken_and_counters)
{
	struct config cfg;
	struct ts_dev_info *devs = NULL;
	struct dev_view v = { 0 };
	struct capture cap;
	char *root = image("root.img"), *want, *out;
	char mac0[TS_MAC_TEXT];
	uint8_t m[TS_MAC_BYTES];

	create_home("shown",
		    "  - disk: {path: root.img, cache: none}\n"
		    "  - net: {bridge: br0}\n",
		    &cfg);
	ts_net_mac("shown", 0, 0, m);
	ts_format_mac(m, mac0);
	put_value(BE "block/5/0/state", "4");
	put_value(FE "block/0/state", "4");
	put_value(BE "block/5/0/stats/requests", "12");
	put_value(BE "block/5/0/stats/bytes-read", "4096");
	put_value(BE "block/5/0/stats/io-errors", "0");
	put_value(BE "net/5/0/state", "5");
	put_value(BE "net/5/0/broken", "rx chain of 0 bytes");
	put_value(BE "net/5/0/online", "0");
	cr_assert_eq(ts_list_devices(c, 5, &devs, &v.count), 0);
	v.devs = devs;
	dev_render_text(capture_begin(&cap), &v);
	out = capture_end(&cap);
	cr_assert(asprintf(&want,
			   "Devices:\n"
			   "  block/0: front-end Connected, back-end "
			   "Connected, %s (read-write, cache none)\n"
			   "    requests 12, bytes-read 4096, io-errors 0\n"
			   "  net/0: front-end Initialising, back-end "
			   "Closing, mac %s, tap pt5.0, bridge br0, detach "
			   "requested\n"
			   "    broken: rx chain of 0 bytes\n",
			   root, mac0) > 0);
	cr_expect_str_eq(out, want);
	free(out);
	free(want);
	free(root);
	ts_free_devices(devs, v.count);
}
