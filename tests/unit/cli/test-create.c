// SPDX-License-Identifier: GPL-2.0-only
/* Creating partitions from configs and naming them, against a fake hypervisor. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include <partita/status.h>

#include "fake-hv.h"
#include "root-client.h"
#include "root-create.h"

#define POOL_FRAMES 65536u

static struct root_dev dev;
static struct config cfg;
static struct config_image img;
static uint8_t image_bytes[3 * PT_PARTITION_LOAD_MAX];
static struct config_chunk chunks[3];

struct seen {
	unsigned int calls[4];
	uint64_t last_done[4], total[4];
	int backwards;
};

static void record(void *ctx, unsigned int stage, uint64_t done, uint64_t total)
{
	struct seen *s = ctx;

	cr_assert_lt(stage, 4);
	if (s->calls[stage] && done < s->last_done[stage])
		s->backwards = 1;
	s->calls[stage]++;
	s->last_done[stage] = done;
	s->total[stage] = total;
}

/* A 64 MiB config with a three-chunk image: 16384 pages, 5 populates. */
static void setup(void)
{
	fake_hv_reset(POOL_FRAMES);
	cr_assert_eq(root_open(&dev, "/dev/null"), 0);
	memset(&cfg, 0, sizeof(cfg));
	cfg.file = "/etc/partita/big.yaml";
	strcpy(cfg.name, "big");
	cfg.memory_bytes = 64ull << 20;
	cfg.vcpus = 1;
	cfg.weight = 256;
	cfg.cpu_mask = 2;
	memset(&img, 0, sizeof(img));
	img.data = image_bytes;
	img.size = sizeof(image_bytes);
	img.entry = 0x100000;
	img.start = 0x100000;
	img.end = 0x100000 + sizeof(image_bytes);
	for (size_t i = 0; i < 3; i++)
		chunks[i] = (struct config_chunk){
			0x100000 + i * PT_PARTITION_LOAD_MAX,
			i * PT_PARTITION_LOAD_MAX, PT_PARTITION_LOAD_MAX
		};
	img.chunks = chunks;
	img.chunk_count = 3;
}

static void teardown(void)
{
	root_close(&dev);
}

TestSuite(create, .init = setup, .fini = teardown);

Test(create, populates_in_rep_calls_of_at_most_4095_pages)
{
	struct seen s = { 0 };
	uint32_t id = 0;

	cr_assert_eq(root_partition_create_from_config(&dev, &cfg, &img, record,
						       &s, &id),
		     0, "%s", root_error(&dev));
	cr_assert_eq(id, 1);
	cr_assert_eq(fake_hv.populate_calls, 5);
	cr_assert_eq(fake_hv.max_rep_count, PT_HC_REP_MAX);
	cr_assert_not(fake_hv.populate_out_of_order);
	cr_assert_eq(fake_hv.parts[1].pages, 16384);
	cr_assert_eq(fake_hv.load_calls, 3);
	cr_assert_eq(fake_hv.parts[1].loaded_bytes, sizeof(image_bytes));
	cr_assert_eq(fake_hv.parts[1].state, PT_PARTITION_STATE_RUNNING);
	cr_assert_eq(fake_hv.destroy_calls, 0);
	/* Progress: a start report plus one per call, ending at the total. */
	cr_assert_eq(s.calls[ROOT_CREATE_POPULATE], 6);
	cr_assert_eq(s.last_done[ROOT_CREATE_POPULATE], 16384);
	cr_assert_eq(s.total[ROOT_CREATE_POPULATE], 16384);
	cr_assert_eq(s.calls[ROOT_CREATE_LOAD], 4);
	cr_assert_eq(s.last_done[ROOT_CREATE_LOAD], sizeof(image_bytes));
	cr_assert_eq(s.last_done[ROOT_CREATE_START], 1);
	cr_assert_not(s.backwards);
}

Test(create, works_without_a_progress_callback)
{
	uint32_t id = 0;

	cr_assert_eq(root_partition_create_from_config(&dev, &cfg, &img, NULL,
						       NULL, &id),
		     0);
	cr_assert_eq(fake_hv.parts[id].state, PT_PARTITION_STATE_RUNNING);
}

Test(create, pool_exhaustion_destroys_what_it_made)
{
	uint32_t id = 99;
	int err;

	fake_hv.fail_populate_at = 5000;
	err = root_partition_create_from_config(&dev, &cfg, &img, NULL, NULL,
						&id);
	cr_assert_eq(err, -EREMOTEIO);
	cr_assert_eq(id, 99, "no id on failure");
	cr_assert_eq(root_status(&dev), PT_STATUS_INSUFFICIENT_MEMORY);
	cr_assert(strstr(root_error(&dev),
			 "cannot create big: the guest memory pool ran out "
			 "after 5000 of its 16384 pages"),
		  "%s", root_error(&dev));
	cr_assert(strstr(root_error(&dev), "/etc/partita/big.yaml"));
	cr_assert_eq(fake_hv.destroy_calls, 1);
	cr_assert_eq(fake_hv_live(), 0);
	cr_assert_eq(fake_hv.pool_free, POOL_FRAMES);
}

Test(create, load_failure_destroys_what_it_made)
{
	uint32_t id;

	fake_hv.fail_load_call = 2;
	cr_assert_eq(root_partition_create_from_config(&dev, &cfg, &img, NULL,
						       NULL, &id),
		     -EREMOTEIO);
	cr_assert(strstr(root_error(&dev), "PARTITION_LOAD"), "%s",
		  root_error(&dev));
	cr_assert_eq(fake_hv.start_calls, 0);
	cr_assert_eq(fake_hv_live(), 0);
	cr_assert_eq(fake_hv.pool_free, POOL_FRAMES);
}

Test(create, start_failure_destroys_what_it_made)
{
	uint32_t id;

	fake_hv.fail_start = 1;
	cr_assert_eq(root_partition_create_from_config(&dev, &cfg, &img, NULL,
						       NULL, &id),
		     -EREMOTEIO);
	cr_assert_eq(root_status(&dev), PT_STATUS_INVALID_PARTITION_STATE,
		     "the first failure's status survives the clean-up");
	cr_assert_eq(fake_hv_live(), 0);
	cr_assert_eq(fake_hv.pool_free, POOL_FRAMES);
}

Test(create, failed_clean_up_names_the_partition_left)
{
	uint32_t id;

	fake_hv.fail_start = 1;
	fake_hv.fail_destroy = 1;
	cr_assert_eq(root_partition_create_from_config(&dev, &cfg, &img, NULL,
						       NULL, &id),
		     -EREMOTEIO);
	cr_assert(strstr(root_error(&dev),
			 "destroying the half-made partition 1 failed too"),
		  "%s", root_error(&dev));
	cr_assert(strstr(root_error(&dev), "run 'partita destroy 1'"));
}

Test(create, duplicate_name_is_a_plain_sentence_and_spares_the_other)
{
	uint32_t other = fake_hv_add("big", PT_PARTITION_STATE_RUNNING), id;

	cr_assert_eq(root_partition_create_from_config(&dev, &cfg, &img, NULL,
						       NULL, &id),
		     -EEXIST);
	cr_assert_str_eq(
		root_error(&dev),
		"cannot create big: a partition of that name exists (id 1); "
		"destroy it first or change 'name' in /etc/partita/big.yaml");
	cr_assert_eq(fake_hv.destroy_calls, 0);
	cr_assert(fake_hv.parts[other].live);
	cr_assert_eq(fake_hv.populate_calls, 0);
}

Test(create, every_slot_in_use)
{
	uint32_t id;

	for (int i = 1; i < FAKE_MAX; i++) {
		char name[8];

		snprintf(name, sizeof(name), "g%d", i);
		fake_hv_add(name, PT_PARTITION_STATE_RUNNING);
	}
	cr_assert_eq(root_partition_create_from_config(&dev, &cfg, &img, NULL,
						       NULL, &id),
		     -EREMOTEIO);
	cr_assert(strstr(root_error(&dev), "every partition slot is in use"));
}

Test(create, populate_refuses_more_than_one_rep_call)
{
	uint32_t done = 7;

	cr_assert_eq(
		root_partition_populate(&dev, 1, 0, PT_HC_REP_MAX + 1, &done),
		-EINVAL);
	cr_assert_eq(done, 0);
	cr_assert_eq(fake_hv.populate_calls, 0);
}

Test(create, find_by_name_then_id)
{
	struct pt_partition_entry e;
	uint32_t a = fake_hv_add("ticker", PT_PARTITION_STATE_RUNNING);
	uint32_t b = fake_hv_add("1", PT_PARTITION_STATE_PAUSED);

	cr_assert_eq(root_partition_find(&dev, "ticker", &e), 0);
	cr_assert_eq(e.id, a);
	cr_assert_str_eq(e.name, "ticker");
	/* A partition named "1" wins over id 1. */
	cr_assert_eq(root_partition_find(&dev, "1", &e), 0);
	cr_assert_eq(e.id, b);
	cr_assert_eq(root_partition_find(&dev, "2", &e), 0);
	cr_assert_eq(e.id, b);
	cr_assert_eq(root_partition_find(&dev, "0", &e), 0);
	cr_assert_str_eq(e.name, "root");
	cr_assert_eq(root_partition_find(&dev, "02", &e), -ENOENT);
	cr_assert_eq(root_partition_find(&dev, "nosuch", &e), -ENOENT);
	cr_assert_str_eq(root_error(&dev),
			 "no partition is called 'nosuch': 'partita list' "
			 "shows the partitions there are");
}

Test(create, pause_and_unpause_reach_the_hypervisor)
{
	uint32_t id = fake_hv_add("ticker", PT_PARTITION_STATE_RUNNING);

	cr_assert_eq(root_partition_pause(&dev, id), 0);
	cr_assert_eq(fake_hv.parts[id].state, PT_PARTITION_STATE_PAUSED);
	cr_assert_eq(root_partition_pause(&dev, id), -EREMOTEIO);
	cr_assert_eq(root_status(&dev), PT_STATUS_INVALID_PARTITION_STATE);
	cr_assert_eq(root_partition_unpause(&dev, id), 0);
	cr_assert_eq(root_partition_destroy(&dev, id), 0);
	cr_assert_eq(root_partition_destroy(&dev, id), -EREMOTEIO);
	cr_assert_eq(root_status(&dev), PT_STATUS_INVALID_PARTITION_ID);
}
