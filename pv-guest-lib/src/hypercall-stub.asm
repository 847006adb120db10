; SPDX-License-Identifier: MIT
; Raw hypercall entry: loads RCX/RDX/R8 and calls the hypercall page.
;
; The page holds the hypervisor's call stub (e.g. "vmmcall; ret"). It
; returns the result in RAX and, for fast calls, outputs in RDX and R8; a
; continued rep call re-enters inside the page and still returns once.

bits 64
default rel

global pt_hypercall
global pt_hypercall_fast
global pt_hypercall_entry
global guest_hypercall_unavailable

section .text

; uint64_t pt_hypercall(uint64_t input, uint64_t in_gpa, uint64_t out_gpa)
;   rdi = input, rsi = in_gpa, rdx = out_gpa
pt_hypercall:
	mov rcx, rdi
	mov r8, rdx
	mov rdx, rsi
	jmp [pt_hypercall_entry]	; the page's ret returns to our caller

; uint64_t pt_hypercall_fast(uint64_t input, uint64_t rdx, uint64_t r8,
;                            uint64_t *out_rdx, uint64_t *out_r8)
;   rdi = input, rsi = rdx value, rdx = r8 value, rcx = out_rdx, r8 = out_r8
pt_hypercall_fast:
	push rbx
	push r12
	mov rbx, rcx
	mov r12, r8
	mov rcx, rdi
	mov r8, rdx
	mov rdx, rsi
	call [pt_hypercall_entry]
	test rbx, rbx
	jz .no_rdx
	mov [rbx], rdx
.no_rdx:
	test r12, r12
	jz .no_r8
	mov [r12], r8
.no_r8:
	pop r12
	pop rbx
	ret

; Stands in for the page until it is enabled: status PT_GUEST_STATUS_NO_PAGE.
guest_hypercall_unavailable:
	mov eax, 0xFFFF
	ret

section .data
align 8
pt_hypercall_entry:
	dq guest_hypercall_unavailable

; No executable stack needed.
section .note.GNU-stack noalloc noexec nowrite progbits
