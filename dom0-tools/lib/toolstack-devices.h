/* SPDX-License-Identifier: GPL-2.0-only */
/* Reading a guest's devices back from the store, for info and console. */
#ifndef PARTITA_TOOLSTACK_DEVICES_H
#define PARTITA_TOOLSTACK_DEVICES_H

#include <stdint.h>

struct store_client;

/* A key under a back-end's stats/, "drops" or "rx/bytes", and its value. */
struct ts_stat {
	char *key;
	char *value;
};

/*
 * One device as the store has it. A state is -1 when its directory or its
 * `state` key is missing; the strings are NULL when their key is absent.
 */
struct ts_dev_info {
	char type[32];
	unsigned int number;
	int has_frontend, has_backend;
	int frontend_state, backend_state;
	char *tty;
	char *broken;
	/* What the toolstack wrote into the back-end directory. */
	char *online;
	char *params, *mode, *cache; /* block */
	char *mac, *tap, *bridge;    /* net */
	struct ts_stat *stats;
	unsigned int stat_count;
};

/*
 * Every device of guest id: the front-end directories under
 * /local/domain/<id>/device and the back-end directories naming it, in
 * type then number order. *out is NULL with *n 0 when there are none.
 */
int ts_list_devices(struct store_client *c, uint32_t id,
		    struct ts_dev_info **out, unsigned int *n);
void ts_free_devices(struct ts_dev_info *devs, unsigned int n);

/*
 * Device `number` of `type` of guest id alone, filled as ts_list_devices()
 * does. -ENOENT when it has neither directory. Free with
 * ts_free_devices(d, 1) for a d from malloc, or ts_clear_device(d).
 */
int ts_read_device(struct store_client *c, uint32_t id, const char *type,
		   unsigned int number, struct ts_dev_info *d);
void ts_clear_device(struct ts_dev_info *d);

/*
 * The pty that serves console `number` of guest id: waits up to wait_ms
 * for the back-end to publish its `tty` key. -ENODEV when the guest has no
 * such back-end directory, -ETIMEDOUT when it has but no tty came.
 */
int ts_console_tty(struct store_client *c, uint32_t id, unsigned int number,
		   int wait_ms, char **tty);

#endif
