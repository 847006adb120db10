/* SPDX-License-Identifier: GPL-2.0-only */
/* The VMCB layout (AMD APM vol. 2, appendix B), checked at build time. */
#ifndef ARCH_SVM_VMCB_H
#define ARCH_SVM_VMCB_H

#include <hv/types.h>

struct vmcb_segment {
	u16 selector;
	u16 attrib; /* descriptor bits 47:40 and 55:52 packed */
	u32 limit;
	u64 base;
};

struct vmcb {
	/* Control area. */
	u32 intercept_cr;	  /* 0x000 */
	u32 intercept_dr;	  /* 0x004 */
	u32 intercept_exceptions; /* 0x008 */
	u32 intercept_misc1;	  /* 0x00C */
	u32 intercept_misc2;	  /* 0x010 */
	u32 intercept_misc3;	  /* 0x014 */
	u8 reserved0[0x03C - 0x018];
	u16 pause_filter_threshold; /* 0x03C */
	u16 pause_filter_count;	    /* 0x03E */
	u64 iopm_base_pa;	    /* 0x040 */
	u64 msrpm_base_pa;	    /* 0x048 */
	u64 tsc_offset;		    /* 0x050 */
	u32 guest_asid;		    /* 0x058 */
	u8 tlb_control;		    /* 0x05C */
	u8 reserved1[3];
	u64 int_ctl;	   /* 0x060 */
	u64 int_state;	   /* 0x068: SVM_INTERRUPT_SHADOW */
	u64 exit_code;	   /* 0x070 */
	u64 exit_info1;	   /* 0x078 */
	u64 exit_info2;	   /* 0x080 */
	u64 exit_int_info; /* 0x088 */
	u64 np_enable;	   /* 0x090 */
	u64 avic_apic_bar; /* 0x098 */
	u64 ghcb_pa;	   /* 0x0A0 */
	u64 event_inject;  /* 0x0A8 */
	u64 n_cr3;	   /* 0x0B0 */
	u64 virt_ext;	   /* 0x0B8 */
	u32 clean_bits;	   /* 0x0C0 */
	u32 reserved2;
	u64 next_rip; /* 0x0C8 */
	u8 insn_len;  /* 0x0D0 */
	u8 insn_bytes[15];
	u8 reserved3[0x400 - 0x0E0];
	/* State save area. */
	struct vmcb_segment es, cs, ss, ds, fs, gs; /* 0x400 */
	struct vmcb_segment gdtr, ldtr, idtr, tr;   /* 0x460 */
	u8 reserved4[0x4CB - 0x4A0];
	u8 cpl; /* 0x4CB */
	u32 reserved5;
	u64 efer; /* 0x4D0 */
	u8 reserved6[0x548 - 0x4D8];
	u64 cr4;    /* 0x548 */
	u64 cr3;    /* 0x550 */
	u64 cr0;    /* 0x558 */
	u64 dr7;    /* 0x560 */
	u64 dr6;    /* 0x568 */
	u64 rflags; /* 0x570 */
	u64 rip;    /* 0x578 */
	u8 reserved7[0x5D8 - 0x580];
	u64 rsp; /* 0x5D8 */
	u8 reserved8[0x5F8 - 0x5E0];
	u64 rax;  /* 0x5F8 */
	u64 star; /* 0x600 */
	u64 lstar;
	u64 cstar;
	u64 sfmask;
	u64 kernel_gs_base; /* 0x620 */
	u64 sysenter_cs;
	u64 sysenter_esp;
	u64 sysenter_eip;
	u64 cr2; /* 0x640 */
	u8 reserved9[0x668 - 0x648];
	u64 g_pat; /* 0x668 */
	u8 reserved10[0x1000 - 0x670];
} __attribute__((packed));

_Static_assert(__builtin_offsetof(struct vmcb, iopm_base_pa) == 0x040, "");
_Static_assert(__builtin_offsetof(struct vmcb, int_ctl) == 0x060, "");
_Static_assert(__builtin_offsetof(struct vmcb, exit_code) == 0x070, "");
_Static_assert(__builtin_offsetof(struct vmcb, np_enable) == 0x090, "");
_Static_assert(__builtin_offsetof(struct vmcb, event_inject) == 0x0A8, "");
_Static_assert(__builtin_offsetof(struct vmcb, n_cr3) == 0x0B0, "");
_Static_assert(__builtin_offsetof(struct vmcb, next_rip) == 0x0C8, "");
_Static_assert(__builtin_offsetof(struct vmcb, es) == 0x400, "");
_Static_assert(__builtin_offsetof(struct vmcb, tr) == 0x490, "");
_Static_assert(__builtin_offsetof(struct vmcb, cpl) == 0x4CB, "");
_Static_assert(__builtin_offsetof(struct vmcb, efer) == 0x4D0, "");
_Static_assert(__builtin_offsetof(struct vmcb, cr4) == 0x548, "");
_Static_assert(__builtin_offsetof(struct vmcb, rip) == 0x578, "");
_Static_assert(__builtin_offsetof(struct vmcb, rsp) == 0x5D8, "");
_Static_assert(__builtin_offsetof(struct vmcb, rax) == 0x5F8, "");
_Static_assert(__builtin_offsetof(struct vmcb, cr2) == 0x640, "");
_Static_assert(__builtin_offsetof(struct vmcb, g_pat) == 0x668, "");
_Static_assert(sizeof(struct vmcb) == 0x1000, "");

/* intercept_misc1 */
#define SVM_INTERCEPT_INTR BIT(0)
#define SVM_INTERCEPT_NMI BIT(1)
#define SVM_INTERCEPT_SMI BIT(2)
#define SVM_INTERCEPT_INIT BIT(3)
#define SVM_INTERCEPT_CPUID BIT(18)
#define SVM_INTERCEPT_INVD BIT(22)
#define SVM_INTERCEPT_HLT BIT(24)
#define SVM_INTERCEPT_INVLPGA BIT(26)
#define SVM_INTERCEPT_IOIO BIT(27)
#define SVM_INTERCEPT_MSR BIT(28)
#define SVM_INTERCEPT_TASK_SWITCH BIT(29)
#define SVM_INTERCEPT_SHUTDOWN BIT(31)
/* intercept_misc2 */
#define SVM_INTERCEPT_VMRUN BIT(0)
#define SVM_INTERCEPT_VMMCALL BIT(1)
#define SVM_INTERRUPT_SHADOW BIT(0) /* int_state: the guest is in a shadow */
#define SVM_INTERCEPT_VMLOAD BIT(2)
#define SVM_INTERCEPT_VMSAVE BIT(3)
#define SVM_INTERCEPT_STGI BIT(4)
#define SVM_INTERCEPT_CLGI BIT(5)
#define SVM_INTERCEPT_SKINIT BIT(6)
#define SVM_INTERCEPT_MONITOR BIT(10)
#define SVM_INTERCEPT_MWAIT BIT(11)
#define SVM_INTERCEPT_XSETBV BIT(13)

/* int_ctl */
#define SVM_V_IRQ BIT(8)
#define SVM_V_INTR_PRIO_SHIFT 16
#define SVM_V_IGN_TPR BIT(20)
#define SVM_V_INTR_MASKING BIT(24)
#define SVM_V_INTR_VECTOR_SHIFT 32

/* event_inject */
#define SVM_EVENT_VALID BIT(31)
#define SVM_EVENT_TYPE_NMI (2ull << 8)
#define SVM_EVENT_TYPE_EXCEPTION (3ull << 8)
#define SVM_EVENT_ERROR_VALID BIT(11)

/* Exit codes. */
#define SVM_EXIT_INTR 0x060
#define SVM_EXIT_NMI 0x061
#define SVM_EXIT_SMI 0x062
#define SVM_EXIT_INIT 0x063
#define SVM_EXIT_CPUID 0x072
#define SVM_EXIT_INVD 0x076
#define SVM_EXIT_HLT 0x078
#define SVM_EXIT_INVLPGA 0x07A
#define SVM_EXIT_IOIO 0x07B
#define SVM_EXIT_MSR 0x07C
#define SVM_EXIT_TASK_SWITCH 0x07D
#define SVM_EXIT_SHUTDOWN 0x07F
#define SVM_EXIT_VMRUN 0x080
#define SVM_EXIT_VMMCALL 0x081
#define SVM_EXIT_VMLOAD 0x082
#define SVM_EXIT_VMSAVE 0x083
#define SVM_EXIT_STGI 0x084
#define SVM_EXIT_CLGI 0x085
#define SVM_EXIT_SKINIT 0x086
#define SVM_EXIT_MONITOR 0x08A
#define SVM_EXIT_MWAIT 0x08B
#define SVM_EXIT_XSETBV 0x08D
#define SVM_EXIT_NPF 0x400
/* QEMU reports a failed VMRUN as 0xFFFFFFFF in the low half only. */
#define SVM_EXIT_INVALID_LOW 0xFFFFFFFFull

#endif
