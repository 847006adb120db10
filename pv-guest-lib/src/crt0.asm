; SPDX-License-Identifier: MIT
; Guest entry point: gives each vCPU its own stack and calls guest_main.
;
; Entry contract (partita/start-info.h): 64-bit mode, RDI = start-info GPA,
; RSI = vCPU index, IF = 0, RSP undefined. Every vCPU enters here.

bits 64
default rel

%define GUEST_MAX_VCPUS 8
%define GUEST_STACK_SHIFT 15		; keep in step with guest-internal.h

extern guest_main
extern guest_main_returned
extern __bss_start
extern __bss_end
global _start
global guest_stacks

section .text.entry progbits alloc exec nowrite align=16
_start:
	cli
	cld
	mov r12, rdi			; start-info GPA
	mov r13, rsi			; vCPU index
	cmp rsi, GUEST_MAX_VCPUS
	jae .too_many
	test rsi, rsi
	jnz .wait_for_bss

	; vCPU 0 clears .bss (stacks included) before anyone uses a stack.
	; The ELF loader should have zeroed it already; this costs little and
	; does not depend on that.
	lea rdi, [__bss_start]
	lea rcx, [__bss_end]
	sub rcx, rdi
	xor eax, eax
	rep stosb
	mov dword [guest_bss_ready], 1	; x86 stores are not reordered
	jmp .run

.wait_for_bss:
	pause
	cmp dword [guest_bss_ready], 0
	je .wait_for_bss

.run:
	; The stack of vCPU n is the top of slot n; slots are 16-byte aligned.
	lea rsp, [guest_stacks]
	lea rax, [r13 + 1]
	shl rax, GUEST_STACK_SHIFT
	add rsp, rax
	xor ebp, ebp
	mov rdi, r12
	mov rsi, r13
	call guest_main
	mov edi, eax
	call guest_main_returned
	; guest_main_returned does not return; if it did, stop here.
.park:
	cli
	hlt
	jmp .park

.too_many:
	; No stack for this vCPU: with no IDT loaded, ud2 triple-faults and the
	; hypervisor kills the partition with a log line, which is the point.
	ud2

section .data
guest_bss_ready:
	dd 0

section .bss nobits alloc noexec write align=4096
guest_stacks:
	resb GUEST_MAX_VCPUS << GUEST_STACK_SHIFT

; No executable stack needed.
section .note.GNU-stack noalloc noexec nowrite progbits
