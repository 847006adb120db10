// SPDX-License-Identifier: GPL-2.0-only
/* The synthetic PCI function that lets the hypervisor interrupt the root:
 * no BARs, one MSI vector that the root's driver programs the Linux way. */
#include <arch/apic.h>
#include <arch/root.h>
#include <hv/spinlock.h>
#include <partita/root.h>
#include <string.h>

#define CFG_SIZE 256
#define MSI PT_PCI_MSI_CAP_OFFSET
#define MSI_CTRL (MSI + 2)
#define MSI_ADDR_LO (MSI + 4)
#define MSI_ADDR_HI (MSI + 8)
#define MSI_DATA (MSI + 12)
#define MSI_ENABLE 0x1
#define MSI_64BIT 0x80
#define MSI_ADDR_LOGICAL BIT(2)

static u8 cfg[CFG_SIZE];      /* what the root reads */
static u8 writable[CFG_SIZE]; /* bits the root may change */
static u32 slot = ~0u;
static struct spinlock cfg_lock = SPINLOCK_INIT;

static void set16(u8 *a, u32 off, u16 v)
{
	memcpy(a + off, &v, 2);
}

static void set32(u8 *a, u32 off, u32 v)
{
	memcpy(a + off, &v, 4);
}

void notify_device_init(u32 dev)
{
	slot = dev;
	set16(cfg, 0x00, PT_PCI_VENDOR_ID);
	set16(cfg, 0x02, PT_PCI_DEVICE_ID);
	set16(cfg, 0x06, 0x0010);		   /* status: capability list */
	set32(cfg, 0x08, (PT_PCI_CLASS << 8) | 1); /* class, revision 1 */
	set16(cfg, 0x2C, PT_PCI_VENDOR_ID);	   /* subsystem */
	set16(cfg, 0x2E, PT_PCI_DEVICE_ID);
	cfg[0x34] = MSI;		 /* capabilities pointer */
	cfg[MSI] = 0x05;		 /* MSI, last capability */
	set16(cfg, MSI_CTRL, MSI_64BIT); /* one vector, 64-bit address */

	set16(writable, 0x04, 0x0407); /* I/O, memory, master, INTx off */
	writable[0x0C] = writable[0x0D] = writable[0x3C] = 0xFF;
	writable[MSI_CTRL] = MSI_ENABLE;
	set32(writable, MSI_ADDR_LO, 0xFFFFFFFC);
	set32(writable, MSI_ADDR_HI, 0xFFFFFFFF);
	set16(writable, MSI_DATA, 0xFFFF);
}

u32 notify_device_slot(void)
{
	return slot;
}

u32 notify_config_read(u32 offset, u32 size)
{
	u32 v = 0;

	if (offset + size > CFG_SIZE)
		return 0xFFFFFFFFu;
	spin_lock(&cfg_lock);
	memcpy(&v, cfg + offset, size);
	spin_unlock(&cfg_lock);
	return v;
}

void notify_config_write(u32 offset, u32 size, u32 value)
{
	if (offset + size > CFG_SIZE)
		return;
	spin_lock(&cfg_lock);
	for (u32 i = 0; i < size; i++) {
		u8 b = (u8)(value >> (8 * i)), m = writable[offset + i];

		cfg[offset + i] = (u8)((cfg[offset + i] & ~m) | (b & m));
	}
	spin_unlock(&cfg_lock);
}

bool notify_device_signal(void)
{
	u32 lo, hi;
	u16 ctrl, data;

	spin_lock(&cfg_lock);
	memcpy(&ctrl, cfg + MSI_CTRL, 2);
	memcpy(&lo, cfg + MSI_ADDR_LO, 4);
	memcpy(&hi, cfg + MSI_ADDR_HI, 4);
	memcpy(&data, cfg + MSI_DATA, 2);
	spin_unlock(&cfg_lock);
	if (!(ctrl & MSI_ENABLE) || (lo & 0xFFF00000u) != 0xFEE00000u || hi)
		return false;
	/* An MSI is an APIC message: destination in the address, vector in
	 * the data (Intel SDM vol. 3, 11.11; AMD uses the same format). */
	apic_send_ipi_mode((lo >> 12) & 0xFF, (u8)data,
			   (lo & MSI_ADDR_LOGICAL) != 0);
	return true;
}
