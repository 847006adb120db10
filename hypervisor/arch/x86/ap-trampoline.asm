; SPDX-License-Identifier: GPL-2.0-only
; Real-mode start code for the other CPUs: copied to a page below 1 MiB,
; it goes straight to long mode with the hypervisor's page tables and jumps
; to ap_entry on the stack the boot CPU prepared.
bits 16
section .rodata
global ap_trampoline_start:data hidden
global ap_trampoline_end:data hidden
global ap_trampoline_params:data hidden

ap_trampoline_start:
	cli
	cld
	mov ax, cs
	mov ds, ax
	o32 lgdt [gdt_pointer - ap_trampoline_start]
	mov eax, cr4
	or eax, (1 << 5)		; PAE
	mov cr4, eax
	mov eax, [params.cr3 - ap_trampoline_start]
	mov cr3, eax
	mov ecx, 0xC0000080		; EFER
	rdmsr
	or eax, (1 << 8) | (1 << 11)	; LME | NXE
	wrmsr
	mov eax, cr0
	or eax, 0x80000001		; PG | PE: real mode to long mode at once
	mov cr0, eax
	jmp dword far [params.far_jump - ap_trampoline_start]

bits 64
long_mode:
	mov ax, 0x10
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov rsp, [rel params.stack]
	mov rdi, [rel params.arg]
	mov rax, [rel params.entry]
	jmp rax

align 16
gdt:
	dq 0
	dq 0x00AF9A000000FFFF		; 0x08: 64-bit code
	dq 0x00CF92000000FFFF		; 0x10: data
gdt_pointer:
	dw gdt_pointer - gdt - 1
	dd 0				; patched: physical address of gdt

align 8
; Filled in by smp.c before each start (struct ap_params).
ap_trampoline_params:
params.cr3:	dd 0
params.far_jump: dd 0			; patched: physical address of long_mode
		dw 0x08
		dw 0
params.stack:	dq 0
params.arg:	dq 0
params.entry:	dq 0
params.gdt_offset: dq gdt - ap_trampoline_start
params.long_offset: dq long_mode - ap_trampoline_start
params.gdtp_offset: dq gdt_pointer - ap_trampoline_start
ap_trampoline_end:

section .note.GNU-stack noalloc noexec nowrite progbits
