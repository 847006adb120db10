// SPDX-License-Identifier: MIT
/* Store message framing, argument lists, errors, permissions and paths. */
#include "store-msg.h"
#include "../string.h"

struct store_err_entry {
	const char *name;
	int num;
};

#define STORE_ERRNO_ROW(n, v) { #n, v },
static const struct store_err_entry store_errs[] = { PT_STORE_ERRNO_LIST(
	STORE_ERRNO_ROW) };
#undef STORE_ERRNO_ROW

const char *store_err_name(int err)
{
	size_t i;

	if (err < 0)
		err = -err;
	for (i = 0; i < sizeof(store_errs) / sizeof(store_errs[0]); i++)
		if (store_errs[i].num == err)
			return store_errs[i].name;
	return "EIO";
}

int store_err_from_name(const char *name, size_t len)
{
	size_t i;

	len = strnlen(name, len);
	for (i = 0; i < sizeof(store_errs) / sizeof(store_errs[0]); i++)
		if (strlen(store_errs[i].name) == len &&
		    !memcmp(store_errs[i].name, name, len))
			return store_errs[i].num;
	return STORE_EINVAL;
}

/* The wire is little-endian whatever the host is. */
static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

void store_hdr_encode(void *buf, uint32_t type, uint32_t req_id, uint32_t tx_id,
		      uint32_t len)
{
	uint8_t *p = buf;

	put_le32(p, type);
	put_le32(p + 4, req_id);
	put_le32(p + 8, tx_id);
	put_le32(p + 12, len);
}

void store_hdr_decode(const void *buf, struct pt_store_msg_hdr *hdr)
{
	const uint8_t *p = buf;

	hdr->type = get_le32(p);
	hdr->req_id = get_le32(p + 4);
	hdr->tx_id = get_le32(p + 8);
	hdr->len = get_le32(p + 12);
}

void store_rx_reset(struct store_rx *rx)
{
	rx->have = 0;
	memset(&rx->hdr, 0, sizeof(rx->hdr));
}

uint32_t store_rx_want(struct store_rx *rx, uint8_t **dst)
{
	*dst = rx->buf + rx->have;
	if (rx->have < PT_STORE_HDR_SIZE)
		return PT_STORE_HDR_SIZE - rx->have;
	return PT_STORE_HDR_SIZE + rx->hdr.len - rx->have;
}

int store_rx_commit(struct store_rx *rx, uint32_t n)
{
	rx->have += n;
	if (rx->have < PT_STORE_HDR_SIZE)
		return 0;
	if (rx->have == PT_STORE_HDR_SIZE) {
		store_hdr_decode(rx->buf, &rx->hdr);
		if (rx->hdr.len > PT_STORE_PAYLOAD_MAX)
			return -STORE_EPROTO;
	}
	if (rx->have < PT_STORE_HDR_SIZE + rx->hdr.len)
		return 0;
	rx->buf[rx->have] = 0;
	return 1;
}

int store_rx_feed(struct store_rx *rx, const void *data, uint32_t len,
		  uint32_t *used)
{
	const uint8_t *src = data;
	int ret = 0;

	*used = 0;
	while (*used < len && ret == 0) {
		uint8_t *dst;
		uint32_t want = store_rx_want(rx, &dst);

		if (want > len - *used)
			want = len - *used;
		memcpy(dst, src + *used, want);
		*used += want;
		ret = store_rx_commit(rx, want);
	}
	return ret;
}

int store_args_split(const uint8_t *payload, uint32_t len, const char **argv,
		     unsigned int max)
{
	uint32_t start = 0, i;
	unsigned int n = 0;

	if (len == 0 || payload[len - 1] != 0)
		return -STORE_EINVAL;
	for (i = 0; i < len; i++) {
		if (payload[i])
			continue;
		if (n == max)
			return -STORE_EINVAL;
		argv[n++] = (const char *)payload + start;
		start = i + 1;
	}
	return (int)n;
}

int store_args_first(const uint8_t *payload, uint32_t len, const char **first,
		     const uint8_t **rest, uint32_t *rest_len)
{
	size_t n = strnlen((const char *)payload, len);

	if (n == len)
		return -STORE_EINVAL;
	*first = (const char *)payload;
	*rest = payload + n + 1;
	*rest_len = len - (uint32_t)n - 1;
	return 0;
}

unsigned int store_args_count(const uint8_t *payload, uint32_t len)
{
	unsigned int n = 0;
	uint32_t i;

	for (i = 0; i < len; i++)
		if (!payload[i])
			n++;
	if (len && payload[len - 1])
		n++;
	return n;
}

void store_msg_begin(struct store_buf *b, void *mem, uint32_t cap,
		     uint32_t type, uint32_t req_id, uint32_t tx_id)
{
	b->data = mem;
	b->cap = cap;
	b->len = PT_STORE_HDR_SIZE;
	b->err = 0;
	if (cap < PT_STORE_HDR_SIZE) {
		b->err = -STORE_E2BIG;
		return;
	}
	store_hdr_encode(mem, type, req_id, tx_id, 0);
}

void store_msg_put(struct store_buf *b, const void *data, uint32_t n)
{
	if (b->err || n == 0)
		return;
	if (n > b->cap - b->len ||
	    b->len - PT_STORE_HDR_SIZE + n > PT_STORE_PAYLOAD_MAX) {
		b->err = -STORE_E2BIG;
		return;
	}
	memcpy(b->data + b->len, data, n);
	b->len += n;
}

void store_msg_put_str(struct store_buf *b, const char *s)
{
	store_msg_put(b, s, (uint32_t)strlen(s) + 1);
}

int store_msg_end(struct store_buf *b)
{
	if (b->err)
		return b->err;
	put_le32(b->data + 12, b->len - PT_STORE_HDR_SIZE);
	return (int)b->len;
}

int store_perm_parse(const char *s, uint32_t *domid, unsigned int *access)
{
	switch (s[0]) {
	case PT_STORE_PERM_CHAR_NONE:
		*access = 0;
		break;
	case PT_STORE_PERM_CHAR_READ:
		*access = STORE_ACCESS_READ;
		break;
	case PT_STORE_PERM_CHAR_WRITE:
		*access = STORE_ACCESS_WRITE;
		break;
	case PT_STORE_PERM_CHAR_BOTH:
		*access = STORE_ACCESS_READ | STORE_ACCESS_WRITE;
		break;
	default:
		return -STORE_EINVAL;
	}
	return store_parse_u32(s + 1, domid);
}

int store_perm_format(char *buf, size_t cap, uint32_t domid,
		      unsigned int access)
{
	static const char letters[4] = { PT_STORE_PERM_CHAR_NONE,
					 PT_STORE_PERM_CHAR_READ,
					 PT_STORE_PERM_CHAR_WRITE,
					 PT_STORE_PERM_CHAR_BOTH };
	char num[11];
	int n = store_fmt_u32(num, domid);

	if (cap < (size_t)n + 2)
		return -STORE_E2BIG;
	buf[0] = letters[access & 3];
	memcpy(buf + 1, num, (size_t)n + 1);
	return n + 1;
}

int store_parse_u32(const char *s, uint32_t *out)
{
	uint64_t v = 0;

	if (!*s)
		return -STORE_EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -STORE_EINVAL;
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > 0xffffffffu)
			return -STORE_EINVAL;
	}
	*out = (uint32_t)v;
	return 0;
}

int store_fmt_u32(char *buf, uint32_t v)
{
	char tmp[10];
	int n = 0, i;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	buf[n] = 0;
	return n;
}

static int path_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '/' ||
	       c == '@';
}

int store_path_check(const char *path)
{
	size_t len = strnlen(path, PT_STORE_ABS_PATH_MAX + 1);
	size_t i;
	int kind;

	if (len == 0 || len > PT_STORE_ABS_PATH_MAX)
		return -STORE_EINVAL;
	if (path[0] == '@')
		kind = STORE_PATH_SPECIAL;
	else if (path[0] == '/')
		kind = STORE_PATH_ABSOLUTE;
	else
		kind = STORE_PATH_RELATIVE;
	if (kind == STORE_PATH_RELATIVE && len > PT_STORE_REL_PATH_MAX)
		return -STORE_EINVAL;
	for (i = 0; i < len; i++) {
		if (!path_char_ok(path[i]))
			return -STORE_EINVAL;
		/* '@' only introduces a special name; it never sits inside */
		if (path[i] == '@' && i > 0)
			return -STORE_EINVAL;
		if (path[i] == '/' && kind == STORE_PATH_SPECIAL)
			return -STORE_EINVAL;
		if (path[i] == '/' && path[i + 1] == '/')
			return -STORE_EINVAL;
	}
	if (kind == STORE_PATH_SPECIAL && len < 2)
		return -STORE_EINVAL;
	if (path[len - 1] == '/' && len > 1)
		return -STORE_EINVAL;
	return kind;
}

int store_path_is_under(const char *path, const char *parent)
{
	size_t n = strlen(parent);

	if (n == 1 && parent[0] == '/')
		return path[0] == '/';
	if (strncmp(path, parent, n))
		return 0;
	return path[n] == 0 || path[n] == '/';
}
