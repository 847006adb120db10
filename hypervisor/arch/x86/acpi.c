// SPDX-License-Identifier: GPL-2.0-only
/* Finds the CPUs' local APIC IDs in the ACPI MADT. */
#include <arch/acpi.h>
#include <hv/log.h>
#include <hv/types.h>
#include <string.h>

struct acpi_header {
	char signature[4];
	u32 length;
	u8 revision;
	u8 checksum;
	char oem[6];
	char oem_table[8];
	u32 oem_revision;
	u32 creator;
	u32 creator_revision;
} __attribute__((packed));

struct acpi_rsdp {
	char signature[8];
	u8 checksum;
	char oem[6];
	u8 revision;
	u32 rsdt;
	u32 length;
	u64 xsdt;
} __attribute__((packed));

#define MADT_LOCAL_APIC 0
#define MADT_ENTRIES_OFFSET 44

static const struct acpi_header *find_table(u64 rsdp_pa, const char *sig)
{
	const struct acpi_rsdp *rsdp = (const void *)rsdp_pa;
	bool x = rsdp->revision >= 2 && rsdp->xsdt;
	const struct acpi_header *root =
		(const void *)(x ? rsdp->xsdt : (u64)rsdp->rsdt);
	u32 entry_size = x ? 8 : 4;
	u32 n = (root->length - sizeof(*root)) / entry_size;

	for (u32 i = 0; i < n; i++) {
		const u8 *e = (const u8 *)(root + 1) + i * entry_size;
		u64 pa = 0;
		const struct acpi_header *t;

		memcpy(&pa, e, entry_size);
		t = (const void *)pa;
		if (t && !memcmp(t->signature, sig, 4))
			return t;
	}
	return NULL;
}

/* Fills apic_ids with enabled CPUs, boot CPU first; returns the count. */
u32 acpi_cpu_apic_ids(u64 rsdp_pa, u32 boot_apic_id, u32 *apic_ids, u32 max)
{
	const struct acpi_header *madt;
	const u8 *p, *end;
	u32 n = 1;

	apic_ids[0] = boot_apic_id;
	if (!rsdp_pa || !(madt = find_table(rsdp_pa, "APIC"))) {
		hv_warn("no ACPI MADT: running on the boot CPU only");
		return 1;
	}
	p = (const u8 *)madt + MADT_ENTRIES_OFFSET;
	end = (const u8 *)madt + madt->length;
	while (p + 2 <= end && p[1] >= 2 && p + p[1] <= end) {
		if (p[0] == MADT_LOCAL_APIC && p[1] >= 8) {
			u32 id = p[3], flags;

			memcpy(&flags, p + 4, 4);
			if ((flags & 1) && id != boot_apic_id && n < max)
				apic_ids[n++] = id;
		}
		p += p[1];
	}
	return n;
}
