; SPDX-License-Identifier: MIT
; Interrupt and exception entry stubs for all 256 vectors, and safe MSR access.
;
; Each stub makes the frame uniform (a zero error code where the CPU pushes
; none, then the vector), the common path saves every general register as
; struct pt_trap_frame (events.h) and calls guest_trap(frame). All registers
; are restored, so an upcall that interrupts a continued rep call inside the
; hypercall page returns to it with RCX, RDX and R8 intact.

bits 64
default rel

extern guest_trap
global guest_trap_stubs
global pt_rdmsr_safe
global pt_wrmsr_safe
global guest_rdmsr_site
global guest_rdmsr_fixup
global guest_wrmsr_site
global guest_wrmsr_fixup

section .text

; Vectors for which the CPU pushes an error code: #DF #TS #NP #SS #GP #PF
; #AC #CP #VC #SX.
%macro TRAP_STUB 1
align 16
guest_trap_stub_%1:
%if %1 == 8 || (%1 >= 10 && %1 <= 14) || %1 == 17 || %1 == 21 || %1 == 29 || %1 == 30
%else
	push 0
%endif
	push %1
	jmp guest_trap_common
%endmacro

%assign vec 0
%rep 256
	TRAP_STUB vec
%assign vec vec + 1
%endrep

; In 64-bit mode the CPU aligns RSP to 16 before pushing its 5-qword frame;
; with error code, vector and 15 registers the total is 176 bytes, so RSP is
; 16-byte aligned again at the call, as the C ABI wants.
guest_trap_common:
	push r15
	push r14
	push r13
	push r12
	push r11
	push r10
	push r9
	push r8
	push rbp
	push rdi
	push rsi
	push rdx
	push rcx
	push rbx
	push rax
	cld
	mov rdi, rsp
	call guest_trap
	pop rax
	pop rbx
	pop rcx
	pop rdx
	pop rsi
	pop rdi
	pop rbp
	pop r8
	pop r9
	pop r10
	pop r11
	pop r12
	pop r13
	pop r14
	pop r15
	add rsp, 16			; vector and error code
	iretq

; int pt_rdmsr_safe(uint32_t msr, uint64_t *value)
; On an exception at guest_rdmsr_site, guest_trap resumes at
; guest_rdmsr_fixup with RAX = the vector.
pt_rdmsr_safe:
	mov ecx, edi
guest_rdmsr_site:
	rdmsr
	shl rdx, 32
	mov eax, eax
	or rax, rdx
	mov [rsi], rax
	xor eax, eax
	ret
guest_rdmsr_fixup:
	ret

; int pt_wrmsr_safe(uint32_t msr, uint64_t value)
pt_wrmsr_safe:
	mov ecx, edi
	mov eax, esi
	mov rdx, rsi
	shr rdx, 32
guest_wrmsr_site:
	wrmsr
	xor eax, eax
	ret
guest_wrmsr_fixup:
	ret

section .rodata
align 8
guest_trap_stubs:
%assign vec 0
%rep 256
	dq guest_trap_stub_ %+ vec
%assign vec vec + 1
%endrep

; No executable stack needed.
section .note.GNU-stack noalloc noexec nowrite progbits
