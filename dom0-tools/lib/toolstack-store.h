/* SPDX-License-Identifier: GPL-2.0-only */
/* The toolstack's part in the store: a guest's home, its devices, INTRODUCE. */
#ifndef PARTITA_TOOLSTACK_STORE_H
#define PARTITA_TOOLSTACK_STORE_H

#include <stddef.h>
#include <stdint.h>

struct store_client;

#define TS_ERROR_MAX 256

/* A key the toolstack writes into a back-end directory, and its value. */
struct ts_key {
	const char *name;
	const char *value;
};

/*
 * One device of a guest: its type ("console", "block", "net"), its number
 * of that type, and what its back-end directory gets besides the contract's
 * own keys (params, mode, cache for a disk; mac, tap, bridge for a NIC).
 */
struct ts_device {
	const char *type;
	unsigned int number;
	const struct ts_key *keys; /* key_count of them, or NULL */
	unsigned int key_count;
};

/* What the home of a guest says about it (docs/split-drivers.md, 1). */
struct ts_guest {
	uint32_t id;
	const char *name;
	uint64_t memory_bytes;
	uint32_t vcpus;
	const struct ts_device *devices;
	unsigned int device_count;
	/* The absolute path of the config it was made from, or NULL. */
	const char *config_path;
};

/*
 * Where the toolstack keeps what it knows of guest id for itself (only
 * the root reads it): "config", the config file 'partita create' used,
 * so that 'partita reboot' can create it again.
 */
#define TS_TOOLSTACK_DIR "/local/domain/0/toolstack"

/*
 * Connects to partita-stored at path (NULL: $XENSTORED_PATH, else the
 * default socket). NULL with *errnum set when it is not there.
 */
struct store_client *ts_store_open(const char *path, int *errnum);

/*
 * Writes /local/domain/<id> and, for each device, its front-end and
 * back-end directories with state Initialising (the back-end's with the
 * device's keys and online = 1), all in one transaction
 * (retried when it conflicts) after removing whatever an earlier guest of
 * that id left there. Permissions as the contract's table says. Returns 0,
 * or a negative errno with a sentence in err.
 */
int ts_write_home(struct store_client *c, const struct ts_guest *g, char *err,
		  size_t err_size);

/* Removes the home, the toolstack's record and every back-end directory
 * naming the guest. */
int ts_remove_home(struct store_client *c, uint32_t id);

/*
 * The config path recorded for guest id (malloc'ed into *path: free() it);
 * -ENOENT when none was (a guest from the hypervisor's boot config, or
 * one created while no store ran), another negative errno on failure.
 */
int ts_read_config_path(struct store_client *c, uint32_t id, char **path);

/*
 * INTRODUCE(id, PT_STORE_GRANT_REF, PT_STORE_PORT): the store maps the
 * guest's ring through its grant and binds its port. 0 or a negative
 * errno with a sentence in err.
 */
int ts_introduce(struct store_client *c, uint32_t id, char *err,
		 size_t err_size);

/* *yes = 1 when the store serves guest id already (IS_DOMAIN_INTRODUCED). */
int ts_is_introduced(struct store_client *c, uint32_t id, int *yes);

/* The socket ts_store_open(NULL) connects to, for messages. */
const char *ts_store_socket(void);

/* The paths of a device's two directories. */
void ts_frontend_path(char *buf, size_t size, uint32_t id, const char *type,
		      unsigned int number);
void ts_backend_path(char *buf, size_t size, uint32_t id, const char *type,
		     unsigned int number);

#endif
