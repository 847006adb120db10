// SPDX-License-Identifier: GPL-2.0-only
/* The root's trapped ports: the hypervisor's COM2, and PCI configuration
 * space, forwarded to the hardware except for our notification function. */
#include <arch/root.h>
#include <arch/x86.h>
#include <hv/log.h>

#define CONF1_ENABLE BIT(31)

static u32 conf1_latch; /* the root's last write to 0xCF8 */
static bool com2_warned;

static bool conf1_is_notify_device(u32 addr)
{
	u32 bus = (addr >> 16) & 0xFF, dev = (addr >> 11) & 0x1F;

	return (addr & CONF1_ENABLE) && bus == 0 && dev == notify_device_slot();
}

static u32 port_in(u16 port, u32 size)
{
	return size == 1 ? inb(port) : size == 2 ? inw(port) : inl(port);
}

static void port_out(u16 port, u32 size, u32 v)
{
	if (size == 1)
		outb(port, (u8)v);
	else if (size == 2)
		outw(port, (u16)v);
	else
		outl(port, v);
}

static void config_data(u16 port, u32 size, bool in, u32 *value)
{
	u32 offset = (conf1_latch & 0xFC) + (port - PCI_CONF1_DATA);

	if (conf1_is_notify_device(conf1_latch)) {
		u32 fn = (conf1_latch >> 8) & 7;

		if (in)
			*value = fn ? 0xFFFFFFFFu
				    : notify_config_read(offset, size);
		else if (!fn)
			notify_config_write(offset, size, *value);
		return;
	}
	/* Everything else is the real device: replay the latch first. */
	outl(PCI_CONF1_ADDR, conf1_latch);
	if (in)
		*value = port_in(port, size);
	else
		port_out(port, size, *value);
}

bool root_io_access(u16 port, u32 size, bool in, u32 *value)
{
	if (port >= LOG_PORT_BASE && port < LOG_PORT_BASE + LOG_PORT_COUNT) {
		/* COM2 is the hypervisor's: it reads as no device at all. */
		if (!com2_warned) {
			com2_warned = true;
			log_msg(LOG_INFO, "root",
				"access to the hypervisor's "
				"serial port 0x%x refused (reads as absent)",
				port);
		}
		if (in)
			*value = 0xFFFFFFFFu;
		return true;
	}
	if (port == PCI_CONF1_ADDR && size == 4) {
		if (in)
			*value = conf1_latch;
		else
			conf1_latch = *value;
		return true;
	}
	if (port >= PCI_CONF1_DATA && port < PCI_CONF1_DATA + 4) {
		if (port + size > PCI_CONF1_DATA + 4)
			return false;
		config_data(port, size, in, value);
		return true;
	}
	/* Byte and word accesses near 0xCF8 (e.g. 0xCF9 reset control). */
	if (in)
		*value = port_in(port, size);
	else
		port_out(port, size, *value);
	return true;
}

/* The highest free device number on bus 0 hosts our function. */
void root_io_init(void)
{
	for (u32 dev = 31; dev > 0; dev--) {
		outl(PCI_CONF1_ADDR, CONF1_ENABLE | (dev << 11));
		if ((inl(PCI_CONF1_DATA) & 0xFFFF) == 0xFFFF) {
			notify_device_init(dev);
			log_msg(LOG_INFO, "root",
				"notification device at PCI "
				"00:%02x.0",
				dev);
			return;
		}
	}
	log_msg(LOG_WARN, "root",
		"no free PCI slot on bus 0: the root "
		"gets no notifications");
}
