; SPDX-License-Identifier: GPL-2.0-only
; Interrupt entry stubs: give every vector the same frame, then call C.
bits 64
default rel
section .text

extern arch_interrupt

; Vectors for which the CPU pushes an error code itself.
%define HAS_ERROR(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

%macro STUB 1
isr_%1:
%if HAS_ERROR(%1) == 0
	push 0
%endif
	push %1
	jmp isr_common
%endmacro

%assign v 0
%rep 256
STUB %[v]
%assign v v+1
%endrep

isr_common:
	push rax
	push rbx
	push rcx
	push rdx
	push rsi
	push rdi
	push rbp
	push r8
	push r9
	push r10
	push r11
	push r12
	push r13
	push r14
	push r15
	mov rdi, rsp
	cld
	call arch_interrupt
	pop r15
	pop r14
	pop r13
	pop r12
	pop r11
	pop r10
	pop r9
	pop r8
	pop rbp
	pop rdi
	pop rsi
	pop rdx
	pop rcx
	pop rbx
	pop rax
	add rsp, 16
	iretq

; Entry addresses, filled into the IDT by cpu.c.
section .data
global isr_table:data hidden
isr_table:
%assign v 0
%rep 256
	dq isr_%[v]
%assign v v+1
%endrep

section .text
; void call_on_stack(void *arg, void (*fn)(void *), u64 stack_top)
; Switches the boot CPU from the firmware's stack to its own for good.
global call_on_stack:function hidden
call_on_stack:
	mov rsp, rdx
	xor ebp, ebp
	call rsi
.hang:
	cli
	hlt
	jmp .hang

; void load_segments(void): reload CS/DS/ES/SS/FS/GS after lgdt.
global load_segments:function hidden
load_segments:
	mov ax, 0x10
	mov ds, ax
	mov es, ax
	mov ss, ax
	xor eax, eax
	mov fs, ax
	mov gs, ax
	pop rax
	push 0x08
	push rax
	retfq

section .note.GNU-stack noalloc noexec nowrite progbits
