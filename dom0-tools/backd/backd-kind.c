// SPDX-License-Identifier: GPL-2.0-only
/* The table of device kinds backd serves, looked up by store type. */
#include <string.h>

#include "backd-kind.h"

static const struct backd_kind *const kinds[] = {
	&backd_console_kind,
	&backd_block_kind,
	&backd_net_kind,
};

const struct backd_kind *backd_kind_find(const char *type)
{
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(kinds[i]->type, type))
			return kinds[i];
	return NULL;
}
