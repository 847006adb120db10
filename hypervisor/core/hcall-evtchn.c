// SPDX-License-Identifier: GPL-2.0-only
/* Event port hypercalls: decode the registers, then call into evtchn.c. */
#include <hv/evtchn.h>
#include <hv/hcall.h>
#include <hv/partition.h>
#include <partita/hypercall.h>
#include <string.h>

/* RDX = partition id | vCPU << 32. */
static u32 arg_id(const struct hcall_ctx *c)
{
	return (u32)c->regs->rdx;
}

static u32 arg_vcpu(const struct hcall_ctx *c)
{
	return (u32)(c->regs->rdx >> 32);
}

static bool valid_port(u64 port)
{
	return port != 0 && port < PT_EVTCHN_PORTS;
}

static int decode_set_page(struct hcall_ctx *c)
{
	return c->regs->rdx
		       ? partition_check_shared_pages(c->p, c->regs->rdx, 1)
		       : PT_STATUS_SUCCESS;
}

static int invoke_set_page(struct hcall_ctx *c)
{
	bool again = false;
	int status;

	if (!c->regs->rdx) {
		status = evtchn_set_page(c->p, 0, c->budget_end_tsc, &again);
		if (again)
			c->result = HCALL_RETRY; /* more ports to close */
		return status;
	}
	/* Checked again where no other vCPU can register the page. */
	spin_lock(&c->p->shared_pages_lock);
	status = partition_check_shared_pages(c->p, c->regs->rdx, 1);
	if (!status)
		status = evtchn_set_page(c->p, c->regs->rdx, c->budget_end_tsc,
					 &again);
	spin_unlock(&c->p->shared_pages_lock);
	return status;
}

static int decode_id_vcpu(struct hcall_ctx *c)
{
	if (arg_id(c) >= MAX_PARTITIONS)
		return PT_STATUS_INVALID_PARTITION_ID;
	return PT_STATUS_SUCCESS;
}

static int invoke_alloc_unbound(struct hcall_ctx *c)
{
	u32 port = 0;
	int status = evtchn_alloc_unbound(c->p, arg_id(c), arg_vcpu(c), &port);

	c->regs->rdx = port;
	return status;
}

static int decode_bind_interdomain(struct hcall_ctx *c)
{
	int status = decode_id_vcpu(c);

	if (!status && !valid_port(c->regs->r8))
		status = PT_STATUS_INVALID_PORT_ID;
	return status;
}

static int invoke_bind_interdomain(struct hcall_ctx *c)
{
	u32 port = 0;
	int status = evtchn_bind_interdomain(c->p, arg_id(c), (u32)c->regs->r8,
					     arg_vcpu(c), &port);

	c->regs->rdx = port;
	return status;
}

static int decode_bind_virq(struct hcall_ctx *c)
{
	if (c->regs->rdx >= PT_VIRQ_COUNT)
		return PT_STATUS_INVALID_PARAMETER;
	if (c->regs->r8 >= c->p->vcpu_count)
		return PT_STATUS_INVALID_VP_INDEX;
	return PT_STATUS_SUCCESS;
}

static int invoke_bind_virq(struct hcall_ctx *c)
{
	u32 port = 0;
	int status = evtchn_bind_virq(c->p, (u32)c->regs->rdx, (u32)c->regs->r8,
				      &port);

	c->regs->rdx = port;
	return status;
}

static int decode_port(struct hcall_ctx *c)
{
	return valid_port(c->regs->rdx) ? PT_STATUS_SUCCESS
					: PT_STATUS_INVALID_PORT_ID;
}

static int invoke_close(struct hcall_ctx *c)
{
	return evtchn_close(c->p, (u32)c->regs->rdx);
}

static int invoke_send(struct hcall_ctx *c)
{
	return evtchn_send(c->p, (u32)c->regs->rdx);
}

static int invoke_mask(struct hcall_ctx *c)
{
	return evtchn_mask(c->p, (u32)c->regs->rdx, true);
}

static int invoke_unmask(struct hcall_ctx *c)
{
	return evtchn_mask(c->p, (u32)c->regs->rdx, false);
}

static int decode_status(struct hcall_ctx *c)
{
	const struct pt_evtchn_ref *ref = &c->input.evtchn_ref;

	if (ref->reserved)
		return PT_STATUS_INVALID_PARAMETER;
	return valid_port(ref->port) ? PT_STATUS_SUCCESS
				     : PT_STATUS_INVALID_PORT_ID;
}

static int invoke_status(struct hcall_ctx *c)
{
	const struct pt_evtchn_ref *ref = &c->input.evtchn_ref;
	struct pt_evtchn_status st;
	int status = evtchn_status(c->p, ref->port, &st);

	memcpy(c->out, &st, sizeof(st));
	return status;
}

static int decode_bind_vcpu(struct hcall_ctx *c)
{
	int status = decode_port(c);

	if (!status && c->regs->r8 >= c->p->vcpu_count)
		status = PT_STATUS_INVALID_VP_INDEX;
	return status;
}

static int invoke_bind_vcpu(struct hcall_ctx *c)
{
	return evtchn_bind_vcpu(c->p, (u32)c->regs->rdx, (u32)c->regs->r8);
}

const struct hcall_desc hcall_evtchn_table[] = {
	{ .code = PT_CALL_EVTCHN_SET_PAGE,
	  .flags = HC_FAST_OK,
	  .decode = decode_set_page,
	  .invoke = invoke_set_page },
	{ .code = PT_CALL_EVTCHN_ALLOC_UNBOUND,
	  .flags = HC_FAST_OK,
	  .decode = decode_id_vcpu,
	  .invoke = invoke_alloc_unbound },
	{ .code = PT_CALL_EVTCHN_BIND_INTERDOMAIN,
	  .flags = HC_FAST_OK,
	  .decode = decode_bind_interdomain,
	  .invoke = invoke_bind_interdomain },
	{ .code = PT_CALL_EVTCHN_BIND_VIRQ,
	  .flags = HC_FAST_OK,
	  .decode = decode_bind_virq,
	  .invoke = invoke_bind_virq },
	{ .code = PT_CALL_EVTCHN_CLOSE,
	  .flags = HC_FAST_OK,
	  .decode = decode_port,
	  .invoke = invoke_close },
	{ .code = PT_CALL_EVTCHN_SEND,
	  .flags = HC_FAST_OK,
	  .decode = decode_port,
	  .invoke = invoke_send },
	{ .code = PT_CALL_EVTCHN_STATUS,
	  .flags = HC_MEM_OK,
	  .in_size = sizeof(struct pt_evtchn_ref),
	  .out_size = sizeof(struct pt_evtchn_status),
	  .decode = decode_status,
	  .invoke = invoke_status },
	{ .code = PT_CALL_EVTCHN_BIND_VCPU,
	  .flags = HC_FAST_OK,
	  .decode = decode_bind_vcpu,
	  .invoke = invoke_bind_vcpu },
	{ .code = PT_CALL_EVTCHN_MASK,
	  .flags = HC_FAST_OK,
	  .decode = decode_port,
	  .invoke = invoke_mask },
	{ .code = PT_CALL_EVTCHN_UNMASK,
	  .flags = HC_FAST_OK,
	  .decode = decode_port,
	  .invoke = invoke_unmask },
};
const u32 hcall_evtchn_count = ARRAY_SIZE(hcall_evtchn_table);
