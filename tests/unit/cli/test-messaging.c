// SPDX-License-Identifier: GPL-2.0-only
/* libpartita-root messaging and its info/stats rendering, on a fake hypervisor. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include <partita/status.h>

#include "capture.h"
#include "fake-hv.h"
#include "msg-render.h"
#include "out-json.h"
#include "part-render.h"
#include "root-messaging.h"

static struct root_dev dev;
static uint32_t peer;

/* Partition "peer" (id 1) with a port of each kind and a connection. */
static void setup(void)
{
	struct fake_messaging *m;

	fake_hv_reset(4096);
	cr_assert_eq(root_open(&dev, "/dev/null"), 0);
	peer = fake_hv_add("peer", PT_PARTITION_STATE_RUNNING);
	cr_assert_eq(peer, 1);
	m = &fake_messaging[peer];
	m->info.max_ports = 1023;
	m->info.event_page_gpa = 0x2000;
	m->info.grant_frames = 1;
	m->info.grants_mapped = 1;
	m->info.maps_held = 0;
	m->info.connection_count = 1;
	m->info.connections[0] = (struct pt_connection_info){
		.id = pt_msg_connection_id(1, 0, 0),
		.vcpu = 0,
		.slot = 0,
		.depth = 4,
		.sender = 0,
		.queued = 2,
	};
	m->info.sends = 10001;
	m->info.deliveries = 9990;
	m->info.masked_sends = 11;
	m->info.posts = 1000;
	m->info.queue_full = 37;
	m->info.messages_in = 1000;
	m->info.grant_maps = 64;
	m->info.grant_copies = 5;
	fake_hv_add_port(peer, 1, PT_EVTCHN_STATE_INTERDOMAIN, 0, 5);
	fake_hv_add_port(peer, 2, PT_EVTCHN_STATE_VIRQ, 0, PT_VIRQ_TIMER);
	fake_hv_add_port(peer, 3, PT_EVTCHN_STATE_UNBOUND, 0, 0);
	m->ports[0].pending = 1;
	m->ports[2].masked = 1;
}

static void teardown(void)
{
	root_close(&dev);
}

TestSuite(messaging, .init = setup, .fini = teardown);

Test(messaging, info_lists_every_port_page_by_page)
{
	struct root_messaging m;

	fake_hv.messaging_page_ports = 2;
	cr_assert_eq(root_partition_messaging(&dev, peer, &m), 0, "%s",
		     root_error(&dev));
	cr_assert_eq(fake_hv.messaging_calls, 2, "two pages of two ports");
	cr_assert_eq(m.port_count, 3);
	cr_assert_eq(m.ports[0].port, 1);
	cr_assert_eq(m.ports[2].port, 3);
	cr_assert_eq(m.info.sends, 10001);
	cr_assert_eq(m.info.ports_in_use, 3);
	root_messaging_free(&m);
}

Test(messaging, many_ports_over_several_pages)
{
	struct root_messaging m;

	fake_messaging[peer].port_count = 0;
	for (uint16_t p = 1; p <= 600; p++)
		fake_hv_add_port(peer, (uint16_t)(p * 6),
				 PT_EVTCHN_STATE_UNBOUND, 0, 0);
	cr_assert_eq(root_partition_messaging(&dev, peer, &m), 0, "%s",
		     root_error(&dev));
	cr_assert_eq(fake_hv.messaging_calls, 3, "232 ports fit a page");
	cr_assert_eq(m.port_count, 600);
	for (uint32_t i = 0; i < 600; i++)
		cr_assert_eq(m.ports[i].port, (i + 1) * 6);
	root_messaging_free(&m);
}

Test(messaging, a_list_that_goes_backwards_is_refused)
{
	struct root_messaging m;

	fake_hv.messaging_page_ports = 1;
	fake_hv.messaging_bad_next = 1;
	cr_assert_eq(root_partition_messaging(&dev, peer, &m), -EPROTO);
	cr_assert(strstr(root_error(&dev), "asked to continue at port"), "%s",
		  root_error(&dev));
	cr_assert_null(m.ports);
}

Test(messaging, unknown_partition)
{
	struct root_messaging m;

	cr_assert_eq(root_partition_messaging(&dev, 5, &m), -EREMOTEIO);
	cr_assert_eq(root_status(&dev), PT_STATUS_INVALID_PARTITION_ID);
	cr_assert_str_eq(root_error(&dev),
			 "the hypervisor refused PARTITION_MESSAGING: "
			 "INVALID_PARTITION_ID (status 0x000d)");
}

Test(messaging, info_text)
{
	struct root_messaging m;
	struct capture c;
	char *text;

	cr_assert_eq(root_partition_messaging(&dev, peer, &m), 0);
	msg_info_text(capture_begin(&c), &m);
	text = capture_end(&c);
	cr_assert_str_eq(
		text,
		"Event page:    0x2000\n"
		"Event ports:   3 in use of 1023 (1 pending, 1 masked)\n"
		"  PORT  STATE        VCPU  PEER          PENDING  MASKED\n"
		"  1     interdomain  0     p0 port 5     yes      no\n"
		"  2     virq         0     virq timer    no       no\n"
		"  3     unbound      0     p0 (offered)  no       yes\n"
		"Connections:   1\n"
		"  ID       VCPU  SLOT  SENDER  DEPTH  QUEUED\n"
		"  0x10100  0     0     p0      4      2\n"
		"Grant frames:  1 (512 entries)\n"
		"Grants mapped: 1 by other partitions\n"
		"Mappings held: 0 of other partitions' frames\n");
	free(text);
	root_messaging_free(&m);
}

Test(messaging, info_json)
{
	struct root_messaging m;
	struct json_out j;
	struct capture c;
	char *text;

	cr_assert_eq(root_partition_messaging(&dev, peer, &m), 0);
	json_init(&j, capture_begin(&c), 0);
	json_object_begin(&j, NULL);
	msg_info_json(&j, &m);
	json_object_end(&j);
	json_finish(&j);
	text = capture_end(&c);
	cr_assert(strstr(text, "\"ports_in_use\":3"), "%s", text);
	cr_assert(strstr(text,
			 "{\"port\":1,\"state\":\"interdomain\",\"vcpu\":0,"
			 "\"remote_id\":0,\"remote_port\":5,"
			 "\"pending\":true,\"masked\":false}"),
		  "%s", text);
	cr_assert(strstr(text, "\"virq\":\"timer\""), "%s", text);
	cr_assert(strstr(text, "{\"id\":65792,\"vcpu\":0,\"slot\":0,"
			       "\"sender\":0,\"depth\":4,\"queued\":2}"),
		  "%s", text);
	cr_assert(strstr(text, "\"grants_mapped\":1,\"maps_held\":0"), "%s",
		  text);
	free(text);
	root_messaging_free(&m);
}

Test(messaging, info_and_stats_of_a_partition)
{
	struct pt_partition_info info;
	struct pt_partition_stats st;
	struct root_messaging m;
	struct capture c;
	char *text;

	cr_assert_eq(root_partition_info(&dev, peer, &info), 0);
	cr_assert_eq(root_partition_messaging(&dev, peer, &m), 0);
	part_info_text(capture_begin(&c), &info, 0, &m, NULL);
	text = capture_end(&c);
	cr_assert(strstr(text, "Partition:     peer (id 1)\n"), "%s", text);
	cr_assert(strstr(text, "\nEvent ports:   3 in use of 1023"), "%s",
		  text);
	free(text);

	part_info_json(capture_begin(&c), &info, 0, &m, NULL);
	text = capture_end(&c);
	cr_assert(strstr(text, "\"messaging\": {"), "%s", text);
	free(text);

	memset(&st, 0, sizeof(st));
	st.id = peer;
	st.vcpu_count = 1;
	part_stats_text(capture_begin(&c), &info, &st, &m.info);
	text = capture_end(&c);
	cr_assert(strstr(text, "Messaging:\n"
			       "  Event sends       10001\n"
			       "  Deliveries        9990 (upcalls)\n"
			       "  Masked sends      11\n"
			       "  Posts             1000\n"
			       "  Queue full        37\n"
			       "  Messages in       1000\n"
			       "  Grant maps        64\n"
			       "  Grant copies      5\n"),
		  "%s", text);
	free(text);

	part_stats_json(capture_begin(&c), &info, &st, &m.info);
	text = capture_end(&c);
	cr_assert(strstr(text, "\"queue_full\": 37"), "%s", text);
	cr_assert(strstr(text, "\"deliveries\": 9990"), "%s", text);
	free(text);
	root_messaging_free(&m);
}

Test(messaging, peers_of_ports)
{
	struct pt_port_info p = { .state = PT_EVTCHN_STATE_VIRQ,
				  .remote_port = PT_VIRQ_PEER_DIED };
	char buf[32];

	cr_assert_str_eq(msg_port_peer(buf, sizeof(buf), &p), "virq peer-died");
	p.remote_port = 99;
	cr_assert_str_eq(msg_port_peer(buf, sizeof(buf), &p), "virq unknown");
	p.state = PT_EVTCHN_STATE_FREE;
	cr_assert_str_eq(msg_port_peer(buf, sizeof(buf), &p), "-");
}

Test(messaging, event_round_trips)
{
	struct root_evtchn ev;
	uint32_t port, fired[4];
	size_t n;

	fake_hv_add_port(peer, 7, PT_EVTCHN_STATE_UNBOUND, 0, 0);
	cr_assert_eq(root_evtchn_open(&dev, &ev), 0, "%s", root_error(&dev));
	cr_assert_eq(root_evtchn_wait(&ev, 0, fired, 4, &n), -ETIMEDOUT);
	cr_assert_eq(root_evtchn_bind_interdomain(&ev, peer, 7, &port), 0, "%s",
		     root_error(&dev));
	for (int i = 0; i < 3; i++) {
		cr_assert_eq(root_evtchn_notify(&ev, port), 0);
		cr_assert_eq(root_evtchn_wait(&ev, 1000, fired, 4, &n), 0);
		cr_assert_eq(n, 1);
		cr_assert_eq(fired[0], port);
		cr_assert_eq(root_evtchn_unmask(&ev, port), 0);
	}
	cr_assert_eq(fake_hv.notifies, 3);
	cr_assert_eq(fake_hv.unmasks, 3);
	/* Port 3 is offered to the root too, port 1 is bound already. */
	cr_assert_eq(root_evtchn_bind_interdomain(&ev, peer, 1, &port),
		     -ENOENT);
	cr_assert_str_eq(root_error(&dev),
			 "cannot bind to port 1 of partition 1: no such port, "
			 "or it is not in the state the request needs");
	cr_assert_eq(root_evtchn_bind_interdomain(&ev, 6, 1, &port), -ESRCH);
	cr_assert_str_eq(root_error(&dev), "cannot bind to port 1 of "
					   "partition 6: no such partition");
	cr_assert_eq(root_evtchn_notify(&ev, 99), -ENOENT);
	root_evtchn_close(&ev);
}

Test(messaging, message_round_trip_with_retries)
{
	struct root_msgfile mf;
	struct pt_ioc_msg back;
	uint8_t payload[PT_MSG_PAYLOAD_MAX];
	uint32_t conn;
	uint64_t retries = 0;
	uint16_t status;

	cr_assert_eq(root_msg_open(&dev, &mf), 0, "%s", root_error(&dev));
	cr_assert_eq(root_msg_connect(&mf, peer, 0, &conn), 0);
	cr_assert_eq(conn, 0x10000);
	memcpy(payload, &conn, 4);
	for (size_t i = 4; i < sizeof(payload); i++)
		payload[i] = (uint8_t)i;
	fake_hv.post_full = 3;
	cr_assert_eq(root_msg_post(&mf, pt_msg_connection_id(peer, 0, 0), 9,
				   payload, sizeof(payload), 1000, &retries),
		     0, "%s", root_error(&dev));
	cr_assert_eq(retries, 3);
	cr_assert_eq(root_msg_receive(&mf, 1000, &back), 0, "%s",
		     root_error(&dev));
	cr_assert_eq(back.connection_id, conn);
	cr_assert_eq(back.message_type, 9);
	cr_assert_eq(back.payload_size, sizeof(payload));
	cr_assert_arr_eq(back.payload, payload, sizeof(payload));
	cr_assert_eq(root_msg_receive(&mf, 0, &back), -ETIMEDOUT);

	fake_hv.post_full = 1;
	cr_assert_eq(root_msg_post_once(&mf, pt_msg_connection_id(peer, 0, 0),
					1, payload, 4, &status),
		     -EAGAIN);
	cr_assert_eq(status, PT_STATUS_INSUFFICIENT_BUFFERS);
	fake_hv.post_full = 1000000;
	cr_assert_eq(root_msg_post(&mf, pt_msg_connection_id(peer, 0, 0), 1,
				   payload, 4, 20, NULL),
		     -ETIMEDOUT);
	fake_hv.post_full = 0;
	cr_assert_eq(root_msg_post(&mf, 0x10700, 1, payload, 4, 20, NULL),
		     -EREMOTEIO);
	cr_assert_str_eq(root_error(&dev),
			 "the hypervisor refused a message to connection "
			 "0x10700: INVALID_CONNECTION_ID (status 0x0012)");
	cr_assert_eq(root_msg_post(&mf, 0x10100, 1, payload, 241, 20, NULL),
		     -EINVAL);
	cr_assert_eq(root_msg_post(&mf, 0x10100, 0, payload, 4, 20, NULL),
		     -EINVAL);
	root_msg_close(&mf);
}

Test(messaging, grant_map_write_copy_unmap)
{
	struct root_gntdev g;
	struct root_gnt_mapping map;
	uint32_t refs[2] = { 3, 4 }, bad[3] = { 3, 4, 0 };
	uint8_t back[16];

	cr_assert_eq(root_gntdev_open(&dev, &g), 0, "%s", root_error(&dev));
	cr_assert_eq(root_gnt_map(&g, peer, refs, 2, 0, &map), 0, "%s",
		     root_error(&dev));
	cr_assert_not_null(map.addr);
	memcpy((uint8_t *)map.addr + PT_PAGE_SIZE + 100, "PARTITA-GRANT-OK",
	       16);
	cr_assert_eq(root_gnt_copy(&g, peer, 4, 0, 100, back, 16), 0);
	cr_assert_arr_eq(back, "PARTITA-GRANT-OK", 16);
	cr_assert_eq(root_gnt_unmap(&g, &map), 0);
	cr_assert_null(map.addr);

	cr_assert_eq(root_gnt_map(&g, peer, bad, 3, 1, &map), -EREMOTEIO);
	cr_assert_eq(root_status(&dev), PT_STATUS_INVALID_GRANT_REF);
	cr_assert_str_eq(root_error(&dev),
			 "the hypervisor refused to map grant ref 0 of "
			 "partition 1 (element 2 of 3): INVALID_GRANT_REF "
			 "(status 0x0103)");
	cr_assert_eq(root_gnt_map(&g, peer, refs, 0, 1, &map), -EINVAL);
	cr_assert_eq(root_gnt_copy(&g, peer, 0, 0, 0, back, 16), -EREMOTEIO);
	cr_assert_eq(root_gnt_copy(&g, peer, 4, 1, 4090, back, 16), -EINVAL);
	root_gntdev_close(&g);
}

Test(messaging, the_roots_info_is_its_entry_and_messaging)
{
	struct pt_partition_entry e = { .id = 0,
					.state = PT_PARTITION_STATE_RUNNING,
					.vcpu_count = 1,
					.name = "root" };
	struct root_messaging m;
	struct capture c;
	char *text;

	fake_messaging[0].info.max_ports = PT_EVTCHN_PORTS - 1;
	fake_messaging[0].info.maps_held = 1;
	fake_hv_add_port(0, 1, PT_EVTCHN_STATE_INTERDOMAIN, peer, 1);
	cr_assert_eq(root_partition_messaging(&dev, 0, &m), 0, "%s",
		     root_error(&dev));
	part_root_info_text(capture_begin(&c), &e, &m);
	text = capture_end(&c);
	cr_assert_str_eq(
		text, "Partition:     root (id 0), the root partition\n"
		      "State:         running\n"
		      "vCPUs:         1\n"
		      "Event page:    none registered\n"
		      "Event ports:   1 in use of 4095 (0 pending, 0 masked)\n"
		      "  PORT  STATE        VCPU  PEER       PENDING  MASKED\n"
		      "  1     interdomain  0     p1 port 1  no       no\n"
		      "Connections:   0\n"
		      "Grant frames:  0 (0 entries)\n"
		      "Grants mapped: 0 by other partitions\n"
		      "Mappings held: 1 of other partitions' frames\n");
	free(text);
	part_root_info_json(capture_begin(&c), &e, &m);
	text = capture_end(&c);
	cr_assert(strstr(text, "\"name\": \"root\""), "%s", text);
	cr_assert(strstr(text, "\"maps_held\": 1"), "%s", text);
	free(text);
	root_messaging_free(&m);
}
