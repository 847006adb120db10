// SPDX-License-Identifier: GPL-2.0-only
/* The UEFI loader: reads the boot config and images, reserves memory,
 * leaves boot services and hands over to the hypervisor. */
#include "efi-entry.h"
#include "linux-image.h"
#include <arch/serial.h>
#include <efi.h>
#include <hv/arch.h>
#include <hv/boot-info.h>
#include <hv/frame.h>
#include <hv/log.h>
#include <string.h>

/* Heap: tables, stacks and control areas, plus the pool's frame table. */
#define HEAP_BASE_BYTES (16ull << 20)
#define CONFIG_PATH L"\\partita\\boot.cfg"
#define MAX_FILE_BYTES (64ull << 20)

static EFI_SYSTEM_TABLE *st;
static EFI_RUNTIME_SERVICES *rt;
static struct boot_info boot_info;

#define ROOT_BOOT_AREA_BYTES (64 * 1024ull)

static EFI_STATUS alloc_pages(EFI_ALLOCATE_TYPE type, u64 max_addr, u64 bytes,
			      u64 *out);

static EFI_STATUS open_volume(EFI_HANDLE image, EFI_FILE_HANDLE *root)
{
	EFI_GUID loaded_image_guid = LOADED_IMAGE_PROTOCOL;
	EFI_GUID fs_guid = SIMPLE_FILE_SYSTEM_PROTOCOL;
	EFI_LOADED_IMAGE *li;
	EFI_FILE_IO_INTERFACE *fs;
	EFI_STATUS s;

	s = st->BootServices->HandleProtocol(image, &loaded_image_guid,
					     (void **)&li);
	if (EFI_ERROR(s))
		return s;
	boot_info.image_base = (u64)li->ImageBase;
	boot_info.image_size = ALIGN_UP(li->ImageSize, PAGE_SIZE);
	s = st->BootServices->HandleProtocol(li->DeviceHandle, &fs_guid,
					     (void **)&fs);
	if (EFI_ERROR(s))
		return s;
	return fs->OpenVolume(fs, root);
}

/* Reads a whole file into fresh loader pages; *size gets its length. */
static EFI_STATUS read_file(EFI_FILE_HANDLE root, const CHAR16 *path,
			    u64 max_addr, void **data, u64 *size)
{
	EFI_FILE_HANDLE f;
	EFI_PHYSICAL_ADDRESS buf;
	UINTN len;
	EFI_STATUS s;

	s = root->Open(root, &f, (CHAR16 *)path, EFI_FILE_MODE_READ, 0);
	if (EFI_ERROR(s))
		return s;
	/* Seeking to the end tells the size without EFI_FILE_INFO. */
	s = f->SetPosition(f, 0xFFFFFFFFFFFFFFFFull);
	if (!EFI_ERROR(s))
		s = f->GetPosition(f, size);
	if (!EFI_ERROR(s) && (*size == 0 || *size > MAX_FILE_BYTES))
		s = EFI_BAD_BUFFER_SIZE;
	if (!EFI_ERROR(s))
		s = f->SetPosition(f, 0);
	if (!EFI_ERROR(s)) {
		buf = max_addr;
		s = st->BootServices->AllocatePages(
			max_addr ? AllocateMaxAddress : AllocateAnyPages,
			EfiLoaderData,
			ALIGN_UP(*size + 1, PAGE_SIZE) / PAGE_SIZE, &buf);
	}
	if (!EFI_ERROR(s)) {
		len = *size;
		s = f->Read(f, &len, (void *)buf);
		if (!EFI_ERROR(s) && len != *size)
			s = EFI_END_OF_FILE;
		((char *)buf)[*size] = '\0';
		*data = (void *)buf;
	}
	f->Close(f);
	return s;
}

static void image_path(CHAR16 *out, u32 max, const char *name)
{
	static const char prefix[] = "\\partita\\";
	u32 n = 0;

	for (const char *c = prefix; *c && n < max - 1; c++)
		out[n++] = (CHAR16)*c;
	for (const char *c = name; *c && n < max - 1; c++)
		out[n++] = (CHAR16)(*c == '/' ? '\\' : *c);
	out[n] = 0;
}

/* The root's kernel, initrd and boot area, before boot services end. */
static EFI_STATUS load_root_linux(EFI_FILE_HANDLE root,
				  const struct boot_root *cfg,
				  struct boot_linux *out)
{
	CHAR16 path[BOOT_IMAGE_MAX + 16];
	void *kernel, *initrd;
	u64 size;
	EFI_STATUS s;

	image_path(path, ARRAY_SIZE(path), cfg->kernel);
	s = read_file(root, path, 0, &kernel, &size);
	if (EFI_ERROR(s)) {
		hv_err("boot: cannot read the root kernel '%s' (EFI status "
		       "0x%llx)",
		       cfg->kernel, (unsigned long long)s);
		return s;
	}
	s = linux_place_kernel(st->BootServices, kernel, size, out);
	if (EFI_ERROR(s))
		return s;
	hv_info("boot: root kernel %s (%llu bytes) at 0x%llx", cfg->kernel,
		(unsigned long long)size, (unsigned long long)out->load_addr);
	if (cfg->initrd[0]) {
		image_path(path, ARRAY_SIZE(path), cfg->initrd);
		s = read_file(root, path, linux_initrd_max(kernel) & PAGE_MASK,
			      &initrd, &out->initrd_size);
		if (EFI_ERROR(s)) {
			hv_err("boot: cannot read the root initrd '%s' (EFI "
			       "status 0x%llx)",
			       cfg->initrd, (unsigned long long)s);
			return s;
		}
		out->initrd_addr = (u64)initrd;
		hv_info("boot: root initrd %s (%llu bytes) at 0x%llx",
			cfg->initrd, (unsigned long long)out->initrd_size,
			(unsigned long long)out->initrd_addr);
	}
	s = alloc_pages(AllocateMaxAddress, 0xFFFFFFFFull, ROOT_BOOT_AREA_BYTES,
			&out->boot_area);
	if (EFI_ERROR(s))
		hv_err("boot: no memory for the root's boot area");
	return s;
}

static u64 find_rsdp(void)
{
	EFI_GUID acpi20 = ACPI_20_TABLE_GUID, acpi10 = ACPI_TABLE_GUID;
	u64 found = 0;

	for (UINTN i = 0; i < st->NumberOfTableEntries; i++) {
		EFI_CONFIGURATION_TABLE *t = &st->ConfigurationTable[i];

		if (!memcmp(&t->VendorGuid, &acpi20, sizeof(EFI_GUID)))
			return (u64)t->VendorTable;
		if (!memcmp(&t->VendorGuid, &acpi10, sizeof(EFI_GUID)))
			found = (u64)t->VendorTable;
	}
	return found;
}

static EFI_STATUS alloc_pages(EFI_ALLOCATE_TYPE type, u64 max_addr, u64 bytes,
			      u64 *out)
{
	EFI_PHYSICAL_ADDRESS addr = max_addr;
	EFI_STATUS s = st->BootServices->AllocatePages(
		type, EfiLoaderData, ALIGN_UP(bytes, PAGE_SIZE) / PAGE_SIZE,
		&addr);

	*out = addr;
	return s;
}

static EFI_STATUS load_everything(EFI_HANDLE image)
{
	struct boot_info *bi = &boot_info;
	EFI_FILE_HANDLE root;
	char err[160];
	void *text;
	u64 size, heap_bytes;
	EFI_STATUS s;

	s = open_volume(image, &root);
	if (EFI_ERROR(s)) {
		hv_err("boot: cannot open the boot volume (EFI status 0x%llx)",
		       (unsigned long long)s);
		return s;
	}
	s = read_file(root, CONFIG_PATH, 0, &text, &size);
	if (EFI_ERROR(s)) {
		hv_err("boot: cannot read \\partita\\boot.cfg (EFI status "
		       "0x%llx)",
		       (unsigned long long)s);
		return s;
	}
	if (boot_config_parse(text, size, &bi->config, err, sizeof(err))) {
		hv_err("boot: boot.cfg: %s", err);
		return EFI_INVALID_PARAMETER;
	}
	log_threshold = (enum log_level)bi->config.log_level;
	for (u32 i = 0; i < bi->config.guest_count; i++) {
		const struct boot_guest *g = &bi->config.guests[i];
		CHAR16 path[BOOT_IMAGE_MAX + 16];
		void *data;

		image_path(path, ARRAY_SIZE(path), g->image);
		s = read_file(root, path, 0, &data, &size);
		if (EFI_ERROR(s)) {
			hv_err("boot: cannot read image '%s' of guest '%s' "
			       "(EFI status 0x%llx)",
			       g->image, g->name, (unsigned long long)s);
			return s;
		}
		bi->images[i].data = data;
		bi->images[i].size = size;
		hv_info("boot: loaded %s for guest %s (%llu bytes)", g->image,
			g->name, (unsigned long long)size);
	}
	if (bi->config.root.present) {
		s = load_root_linux(root, &bi->config.root, &bi->root_linux);
		if (EFI_ERROR(s))
			return s;
	}
	root->Close(root);

	bi->pool_frames = (bi->config.pool_mb << 20) / PAGE_SIZE;
	heap_bytes = HEAP_BASE_BYTES +
		     ALIGN_UP(frame_pool_meta_size(bi->pool_frames), PAGE_SIZE);
	/* The pool must be in what the hypervisor maps. */
	if (EFI_ERROR(alloc_pages(
		    AllocateMaxAddress, arch_phys_mapped_limit() - 1,
		    bi->pool_frames * PAGE_SIZE, &bi->pool_base)) ||
	    EFI_ERROR(alloc_pages(AllocateMaxAddress, 0xFFFFFFFFull, heap_bytes,
				  &bi->heap_base)) ||
	    EFI_ERROR(alloc_pages(AllocateMaxAddress, 0x9F000ull, PAGE_SIZE,
				  &bi->trampoline_pa))) {
		hv_err("boot: not enough memory for a %llu MiB pool",
		       (unsigned long long)bi->config.pool_mb);
		return EFI_OUT_OF_RESOURCES;
	}
	bi->heap_size = heap_bytes;
	bi->acpi_rsdp = find_rsdp();
	bi->efi_runtime = rt;
	return EFI_SUCCESS;
}

static EFI_STATUS exit_boot_services(EFI_HANDLE image)
{
	UINTN map_size = 0, key, desc_size;
	UINT32 desc_version;
	EFI_MEMORY_DESCRIPTOR *map = NULL;
	EFI_STATUS s;

	for (int attempt = 0; attempt < 8; attempt++) {
		s = st->BootServices->GetMemoryMap(&map_size, map, &key,
						   &desc_size, &desc_version);
		if (s == EFI_BUFFER_TOO_SMALL) {
			map_size += 8 * desc_size;
			s = st->BootServices->AllocatePool(
				EfiLoaderData, map_size, (void **)&map);
			if (EFI_ERROR(s))
				return s;
			continue;
		}
		if (EFI_ERROR(s))
			return s;
		s = st->BootServices->ExitBootServices(image, key);
		if (!EFI_ERROR(s)) {
			/* The root's e820 map is built from this one. */
			boot_info.memory_map.descriptors = map;
			boot_info.memory_map.size = map_size;
			boot_info.memory_map.descriptor_size = desc_size;
			return s;
		}
	}
	return s;
}

/* gnu-efi's crt0 calls this with the SysV convention. */
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	EFI_STATUS s;

	st = systab;
	rt = systab->RuntimeServices;
	serial_init(); /* before the first log line */
	hv_info("boot: Partita loader started");
	s = load_everything(image);
	if (!EFI_ERROR(s))
		s = exit_boot_services(image);
	if (EFI_ERROR(s)) {
		hv_err("boot: cannot start the hypervisor; powering off");
		arch_poweroff();
	}
	hv_main(&boot_info);
}

/* Power-off goes through the firmware's runtime services, which stay
 * usable (identity-mapped) after boot services are gone. */
void arch_poweroff(void)
{
	serial_drain();
	rt->ResetSystem(EfiResetShutdown, EFI_SUCCESS, 0, NULL);
	arch_halt_all();
}
