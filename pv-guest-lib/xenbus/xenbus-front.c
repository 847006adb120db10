// SPDX-License-Identifier: MIT
/*
 * The front-end's half of device negotiation: find the back-end, watch
 * its state, write our keys and move our own state, over any
 * store connection the ops give (the guest's ring, or the daemon core in
 * tests).
 */
#include <string.h> /* common/string.h in the freestanding build */
#include <partita/store-wire.h>
#include <partita-guest/xenbus.h>

#include "fmt.h"

/* The store's errno numbers: XB_ENOENT, XB_EAGAIN, ... */
#define XB_ERRNO_ENUM(name, num) XB_##name = num,
enum { PT_STORE_ERRNO_LIST(XB_ERRNO_ENUM) };
#undef XB_ERRNO_ENUM

#define TXN_TRIES 16

static int fail(struct pt_xenbus *xb, int err, int detail, const char *what,
		const char *arg)
{
	xb->detail = detail;
	fmt_snprintf(xb->why, sizeof(xb->why), "%s%s%s", what, arg ? " " : "",
		     arg ? arg : "");
	return err;
}

/* A store error as a device error. */
static int store_fail(struct pt_xenbus *xb, int ret, const char *what,
		      const char *path)
{
	return fail(xb, -PT_DEV_ESTORE, -ret, what, path);
}

/*
 * A read that finds nothing: the node is missing, or it is missing under
 * a parent we may not read (the store then says EACCES, as it must not
 * tell us what is there). Either way the device is not there for us.
 */
static int read_fail(struct pt_xenbus *xb, int ret, const char *path)
{
	if (ret == -XB_ENOENT || ret == -XB_EACCES)
		return fail(xb, -PT_DEV_ENODEV, -ret, "no", path);
	return store_fail(xb, ret, "cannot read", path);
}

/* dir/key into buf; -PT_DEV_EINVAL if it does not fit. */
static int join(char *buf, size_t cap, const char *dir, const char *key)
{
	int n = fmt_snprintf(buf, cap, "%s/%s", dir, key);

	return n < 0 || (size_t)n >= cap ? -PT_DEV_EINVAL : 0;
}

static int read_key(struct pt_xenbus *xb, const char *dir, const char *key,
		    char *buf, uint32_t cap)
{
	char path[PT_XENBUS_PATH_MAX + 32];
	int ret;

	if (join(path, sizeof(path), dir, key))
		return fail(xb, -PT_DEV_EINVAL, 0, "path too long:", key);
	ret = xb->ops->read(xb->ops->ctx, 0, path, buf, cap);
	if (ret == -XB_E2BIG)
		return fail(xb, -PT_DEV_EBADKEY, -ret, "value too long:", path);
	if (ret)
		return read_fail(xb, ret, path);
	return 0;
}

static int read_state(struct pt_xenbus *xb, const char *dir, uint32_t *state)
{
	char buf[16];
	uint64_t v;
	int ret = read_key(xb, dir, PT_XENBUS_KEY_STATE, buf, sizeof(buf));

	if (ret)
		return ret;
	if (pt_xenbus_parse_u64(buf, 0, &v) || v > PT_XENBUS_STATE_CLOSED)
		return fail(xb, -PT_DEV_EBADKEY, 0, "bad state in", dir);
	*state = (uint32_t)v;
	return 0;
}

/*
 * The toolstack's `backend` must name /local/domain/<B>/backend/...: we
 * read the other side's keys there, so anything else (our own tree, say)
 * is refused rather than believed.
 */
static int is_backend_dir(const char *p)
{
	static const char prefix[] = "/local/domain/";
	size_t n = sizeof(prefix) - 1;

	if (strncmp(p, prefix, n))
		return 0;
	p += n;
	if (*p < '0' || *p > '9')
		return 0;
	while (*p >= '0' && *p <= '9')
		p++;
	return !strncmp(p, "/backend/", 9) && p[9];
}

int pt_xenbus_open(struct pt_xenbus *xb, const struct pt_xenbus_ops *ops,
		   uint32_t domid, const char *type, unsigned n)
{
	char path[PT_XENBUS_PATH_MAX + 32];
	uint64_t id;
	int ret;

	memset(xb, 0, sizeof(*xb));
	if (!ops)
		return fail(xb, -PT_DEV_ENOSTORE, 0, "no store connection",
			    NULL);
	xb->ops = ops;
	ret = fmt_snprintf(xb->front, sizeof(xb->front),
			   "/local/domain/%u/device/%s/%u", domid, type, n);
	if (ret < 0 || (size_t)ret >= sizeof(xb->front))
		return fail(xb, -PT_DEV_EINVAL, 0,
			    "device name too long:", type);
	ret = read_key(xb, xb->front, PT_XENBUS_KEY_BACKEND, xb->back,
		       sizeof(xb->back));
	if (ret)
		return ret;
	if (!is_backend_dir(xb->back))
		return fail(xb, -PT_DEV_EBADKEY, 0,
			    "backend is not a back-end directory:", xb->back);
	ret = read_key(xb, xb->front, PT_XENBUS_KEY_BACKEND_ID, path, 16);
	if (ret)
		return ret;
	if (pt_xenbus_parse_u64(path, 0, &id) || id > 0xFFFFu)
		return fail(xb, -PT_DEV_EBADKEY, 0, "bad backend-id:", path);
	xb->backend_id = (uint32_t)id;
	ret = read_state(xb, xb->front, &xb->state);
	if (ret)
		return ret;
	fmt_snprintf(xb->token, sizeof(xb->token), "pt-xenbus:%s/%u", type, n);
	if (join(path, sizeof(path), xb->back, PT_XENBUS_KEY_STATE))
		return fail(xb, -PT_DEV_EBADKEY, 0, "backend path too long",
			    NULL);
	ret = ops->watch(ops->ctx, path, xb->token);
	if (ret)
		return store_fail(xb, ret, "cannot watch", path);
	xb->watching = 1;
	return 0;
}

void pt_xenbus_close(struct pt_xenbus *xb)
{
	char path[PT_XENBUS_PATH_MAX + 32];

	if (!xb->watching)
		return;
	if (!join(path, sizeof(path), xb->back, PT_XENBUS_KEY_STATE))
		xb->ops->unwatch(xb->ops->ctx, path, xb->token);
	xb->watching = 0;
}

int pt_xenbus_backend_state(struct pt_xenbus *xb, uint32_t *state)
{
	int ret = read_state(xb, xb->back, &xb->be_state);

	if (!ret)
		*state = xb->be_state;
	return ret;
}

int pt_xenbus_read_backend(struct pt_xenbus *xb, const char *key, char *buf,
			   uint32_t cap)
{
	int ret = read_key(xb, xb->back, key, buf, cap);

	/* A key the back-end should have written is a bad key, not a
	 * missing device. */
	return ret == -PT_DEV_ENODEV ? -PT_DEV_EBADKEY : ret;
}

int pt_xenbus_read_backend_u64(struct pt_xenbus *xb, const char *key, int hex,
			       uint64_t *value)
{
	char buf[32];
	int ret = pt_xenbus_read_backend(xb, key, buf, sizeof(buf));

	if (ret)
		return ret;
	if (pt_xenbus_parse_u64(buf, hex, value))
		return fail(xb, -PT_DEV_EBADKEY, 0, "malformed back-end key",
			    key);
	return 0;
}

int pt_xenbus_wait_backend(struct pt_xenbus *xb, uint32_t want,
			   uint32_t fail_mask, uint64_t deadline_ns,
			   uint32_t *state)
{
	char path[PT_XENBUS_PATH_MAX + 32], token[sizeof(xb->token)];

	for (;;) {
		uint32_t s;
		int ret = pt_xenbus_backend_state(xb, &s);

		if (ret)
			return ret;
		if (want & (1u << s)) {
			if (state)
				*state = s;
			return 0;
		}
		if (fail_mask & (1u << s))
			return fail(xb, -PT_DEV_ECLOSED, (int)s,
				    "back-end left the negotiation:", xb->back);
		/* Any event may be ours: the state is read again anyway. */
		ret = xb->ops->wait_event(xb->ops->ctx, path, sizeof(path),
					  token, sizeof(token), deadline_ns);
		if (ret == -PT_DEV_ETIMEDOUT)
			return fail(xb, ret, (int)s,
				    "timed out waiting for the back-end:",
				    xb->back);
		if (ret)
			return fail(xb, ret, ret, "waiting for a watch event",
				    NULL);
	}
}

static int write_state(struct pt_xenbus *xb, uint32_t tx, uint32_t to)
{
	char path[PT_XENBUS_PATH_MAX + 32], val[4];
	int ret;

	join(path, sizeof(path), xb->front, PT_XENBUS_KEY_STATE);
	fmt_snprintf(val, sizeof(val), "%u", to);
	ret = xb->ops->write(xb->ops->ctx, tx, path, val);
	return ret ? store_fail(xb, ret, "cannot write", path) : 0;
}

int pt_xenbus_switch(struct pt_xenbus *xb, uint32_t to)
{
	int ret;

	if (!pt_xenbus_front_may_move(xb->state, to))
		return fail(xb, -PT_DEV_ESTATE, (int)xb->state,
			    "front-end state change not allowed", NULL);
	ret = write_state(xb, 0, to);
	if (!ret)
		xb->state = to;
	return ret;
}

static int publish_once(struct pt_xenbus *xb, uint32_t tx,
			const struct pt_xenbus_kv *kv, unsigned n, uint32_t to)
{
	char path[PT_XENBUS_PATH_MAX + 32];

	for (unsigned i = 0; i < n; i++) {
		int ret;

		if (join(path, sizeof(path), xb->front, kv[i].key))
			return fail(xb, -PT_DEV_EINVAL, 0,
				    "key too long:", kv[i].key);
		ret = xb->ops->write(xb->ops->ctx, tx, path, kv[i].value);
		if (ret)
			return store_fail(xb, ret, "cannot write", path);
	}
	return write_state(xb, tx, to);
}

int pt_xenbus_publish(struct pt_xenbus *xb, const struct pt_xenbus_kv *kv,
		      unsigned n, uint32_t to)
{
	if (!pt_xenbus_front_may_move(xb->state, to))
		return fail(xb, -PT_DEV_ESTATE, (int)xb->state,
			    "front-end state change not allowed", NULL);
	for (int tries = 0; tries < TXN_TRIES; tries++) {
		uint32_t tx;
		int ret = xb->ops->txn_start(xb->ops->ctx, &tx);

		if (ret)
			return store_fail(xb, ret, "cannot start a transaction",
					  NULL);
		ret = publish_once(xb, tx, kv, n, to);
		if (ret) {
			xb->ops->txn_end(xb->ops->ctx, tx, 0);
			return ret;
		}
		ret = xb->ops->txn_end(xb->ops->ctx, tx, 1);
		if (!ret) {
			xb->state = to;
			return 0;
		}
		/* EAGAIN: someone changed what we read; do it all again. */
		if (ret != -XB_EAGAIN)
			return store_fail(xb, ret, "cannot commit in",
					  xb->front);
	}
	return fail(xb, -PT_DEV_ESTORE, XB_EAGAIN,
		    "transaction kept conflicting in", xb->front);
}

/* A whole decimal name without leading zeros, below 2^31. */
static int device_number(const char *name, unsigned *id)
{
	uint64_t v;

	if (!name[0] || (name[0] == '0' && name[1]) ||
	    pt_xenbus_parse_u64(name, 0, &v) || v > 0x7FFFFFFFu)
		return -1;
	*id = (unsigned)v;
	return 0;
}

/* Keeps ids sorted while adding one; drops the largest when full. */
static unsigned insert_sorted(unsigned *ids, unsigned count, unsigned max,
			      unsigned id)
{
	unsigned i = count < max ? count : max;

	/* A store names a child once; a hostile one may not. */
	for (unsigned k = 0; k < i; k++)
		if (ids[k] == id)
			return count;
	if (count == max && (!max || id >= ids[max - 1]))
		return count;
	while (i > 0 && ids[i - 1] > id) {
		if (i < max)
			ids[i] = ids[i - 1];
		i--;
	}
	ids[i] = id;
	return count < max ? count + 1 : count;
}

int pt_xenbus_list_devices(const struct pt_xenbus_ops *ops, uint32_t domid,
			   const char *type, unsigned *ids, unsigned max)
{
	static char names[PT_XENBUS_STORE_VALUE_MAX];
	char path[PT_XENBUS_PATH_MAX];
	uint32_t len = 0, at = 0;
	unsigned count = 0;
	int ret;

	if (!ops || !ops->directory)
		return -PT_DEV_ENOSTORE;
	ret = fmt_snprintf(path, sizeof(path), "/local/domain/%u/device/%s",
			   domid, type);
	if (ret < 0 || (size_t)ret >= sizeof(path))
		return -PT_DEV_EINVAL;
	ret = ops->directory(ops->ctx, 0, path, names, sizeof(names), &len);
	if (ret == -XB_ENOENT || ret == -XB_EACCES)
		return 0; /* no device of that type (yet) */
	if (ret && ret != -XB_E2BIG)
		return -PT_DEV_ESTORE;
	if (len > sizeof(names))
		len = sizeof(names); /* cut: what arrived is still good */
	while (at < len) {
		const char *name = names + at;
		size_t n = strnlen(name, len - at);
		unsigned id;

		if (n == len - at)
			break; /* a last name without its NUL: cut off */
		if (!device_number(name, &id))
			count = insert_sorted(ids, count, max, id);
		at += (uint32_t)n + 1u;
	}
	return (int)count;
}
