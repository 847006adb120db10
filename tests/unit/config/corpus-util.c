// SPDX-License-Identifier: GPL-2.0-only
/* Helpers of the config tests: files, folder listings, running a config. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "corpus-util.h"

char *corpus_read(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *text;
	long size;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	rewind(f);
	text = calloc(1, (size_t)size + 1);
	if (text && fread(text, 1, (size_t)size, f) != (size_t)size) {
		free(text);
		text = NULL;
	}
	fclose(f);
	while (text && size > 0 && text[size - 1] == '\n')
		text[--size] = '\0';
	return text;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

size_t corpus_list(const char *dir, const char *suffix, char ***names)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t count = 0, slen = strlen(suffix);

	*names = NULL;
	if (!d)
		return 0;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);

		if (len <= slen || strcmp(e->d_name + len - slen, suffix))
			continue;
		*names = realloc(*names, (count + 1) * sizeof(**names));
		(*names)[count++] = strdup(e->d_name);
	}
	closedir(d);
	if (count)
		qsort(*names, count, sizeof(**names), by_name);
	return count;
}

void corpus_free_list(char **names, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free(names[i]);
	free(names);
}

int corpus_run(const char *path, char **out)
{
	struct config cfg;
	struct config_image img;
	struct config_error err;
	size_t size;
	FILE *mem;
	int ret;

	ret = config_open(path, &cfg, &img, &err);
	if (ret) {
		*out = strdup(err.text);
		return ret;
	}
	mem = open_memstream(out, &size);
	config_dump(&cfg, &img, mem);
	fclose(mem);
	config_image_close(&img);
	while (size > 0 && (*out)[size - 1] == '\n')
		(*out)[--size] = '\0';
	return 0;
}
