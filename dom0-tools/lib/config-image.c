// SPDX-License-Identifier: GPL-2.0-only
/* Checks the kernel image with the hypervisor's ELF loader and plans LOADs. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <elf-load.h>
#include <partita/start-info.h>

#include "config-internal.h"

struct plan {
	struct config_image *img;
	int out_of_memory;
};

static int add_chunk(struct config_image *img, uint64_t gpa, uint64_t offset,
		     uint32_t length)
{
	struct config_chunk *c;

	if ((img->chunk_count & (img->chunk_count + 1)) == 0) {
		size_t cap = img->chunk_count * 2 + 1;

		c = realloc(img->chunks, cap * sizeof(*c));
		if (!c)
			return -1;
		img->chunks = c;
	}
	c = &img->chunks[img->chunk_count++];
	c->gpa = gpa;
	c->offset = offset;
	c->length = length;
	return 0;
}

/*
 * elf_load's copy step, run once per segment after the whole image has
 * been checked: instead of copying, cut the segment's file bytes into
 * pieces one PT_CALL_PARTITION_LOAD can carry.
 */
static int plan_segment(void *ctx, uint64_t gpa, const void *src, uint64_t len)
{
	struct plan *plan = ctx;
	uint64_t offset = (uint64_t)((const uint8_t *)src - plan->img->data);

	while (len) {
		uint32_t n = len > PT_PARTITION_LOAD_MAX ? PT_PARTITION_LOAD_MAX
							 : (uint32_t)len;

		if (add_chunk(plan->img, gpa, offset, n)) {
			plan->out_of_memory = 1;
			return -1;
		}
		gpa += n;
		offset += n;
		len -= n;
	}
	return 0;
}

/* Maps the whole file read-only; an empty file gets a dummy mapping. */
static int map_file(const char *path, struct config_image *img,
		    const char **why)
{
	static const uint8_t empty[8];
	struct stat st;
	void *p;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st)) {
		int ret = -errno;

		*why = strerror(errno);
		if (fd >= 0)
			close(fd);
		return ret;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		*why = "not a regular file";
		return -EINVAL;
	}
	img->size = (size_t)st.st_size;
	if (img->size == 0) {
		close(fd);
		img->data = empty;
		return 0;
	}
	p = mmap(NULL, img->size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		*why = strerror(errno);
		return -errno;
	}
	img->data = p;
	return 0;
}

int config_image_open(const struct config *cfg, struct config_image *img,
		      struct config_error *err)
{
	struct plan plan = { img, 0 };
	struct elf_image_info info;
	const char *why = NULL;
	char buf[PATH_MAX + 8];
	int ret;

	memset(img, 0, sizeof(*img));
	ret = map_file(cfg->kernel, img, &why);
	if (ret)
		return config_fail_at(
			cfg, cfg->kernel_pos, err, ret,
			"found kernel %s (%s), expected a readable guest ELF "
			"image",
			config_quote(cfg->kernel, buf, sizeof(buf)), why);
	if (elf_load(img->data, img->size, PT_GUEST_IMAGE_MIN_GPA,
		     cfg->memory_bytes, plan_segment, &plan, &info, &why)) {
		ret = plan.out_of_memory ? -ENOMEM : -ENOEXEC;
		config_image_close(img);
		return config_fail_at(
			cfg, cfg->kernel_pos, err, ret,
			"found kernel %s (%s), expected an x86-64 ELF64 "
			"executable loaded between 0x%llx and 0x%llx (the "
			"partition's memory)",
			config_quote(cfg->kernel, buf, sizeof(buf)), why,
			(unsigned long long)PT_GUEST_IMAGE_MIN_GPA,
			(unsigned long long)cfg->memory_bytes);
	}
	img->entry = info.entry;
	img->start = info.lo;
	img->end = info.hi;
	return 0;
}

void config_image_close(struct config_image *img)
{
	if (img->size && img->data)
		munmap((void *)img->data, img->size);
	free(img->chunks);
	memset(img, 0, sizeof(*img));
}
