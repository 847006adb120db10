; SPDX-License-Identifier: GPL-2.0-only
; One VMRUN: load the guest's general registers, run it, save them back.
bits 64
default rel
section .text

; struct guest_gprs offsets (include/arch/vcpu-state.h); RAX at 0x00 is
; copied to and from the VMCB in C.
%define G_RCX 0x08
%define G_RDX 0x10
%define G_R8  0x18
%define G_RBX 0x20
%define G_RSI 0x28
%define G_RDI 0x30
%define G_RBP 0x38
%define G_R9  0x40
%define G_R10 0x48
%define G_R11 0x50
%define G_R12 0x58
%define G_R13 0x60
%define G_R14 0x68
%define G_R15 0x70

; void svm_vmrun(u64 vmcb_pa, struct guest_gprs *regs)
; Called with interrupts disabled. Host interrupts are enabled (IF=1) only
; inside VMRUN, with GIF clear around it, so a physical interrupt while the
; guest runs becomes an INTR exit and is taken later in the irq window
; (AMD APM vol. 2, 15.17 and 15.21.1: V_INTR_MASKING uses the host IF).
global svm_vmrun:function hidden
svm_vmrun:
	push rbx
	push rbp
	push r12
	push r13
	push r14
	push r15
	push rsi
	mov rax, rdi
	mov rbx, [rsi + G_RBX]
	mov rcx, [rsi + G_RCX]
	mov rdx, [rsi + G_RDX]
	mov rdi, [rsi + G_RDI]
	mov rbp, [rsi + G_RBP]
	mov r8,  [rsi + G_R8]
	mov r9,  [rsi + G_R9]
	mov r10, [rsi + G_R10]
	mov r11, [rsi + G_R11]
	mov r12, [rsi + G_R12]
	mov r13, [rsi + G_R13]
	mov r14, [rsi + G_R14]
	mov r15, [rsi + G_R15]
	mov rsi, [rsi + G_RSI]
	clgi
	sti
	vmload
	vmrun
global svm_vmrun_host_resume:data hidden
svm_vmrun_host_resume:		; where #VMEXIT resumes the host (the VMSAVE)
	vmsave
	cli
	stgi
	push rax
	mov rax, [rsp + 8]
	mov [rax + G_RBX], rbx
	mov [rax + G_RCX], rcx
	mov [rax + G_RDX], rdx
	mov [rax + G_RSI], rsi
	mov [rax + G_RDI], rdi
	mov [rax + G_RBP], rbp
	mov [rax + G_R8],  r8
	mov [rax + G_R9],  r9
	mov [rax + G_R10], r10
	mov [rax + G_R11], r11
	mov [rax + G_R12], r12
	mov [rax + G_R13], r13
	mov [rax + G_R14], r14
	mov [rax + G_R15], r15
	add rsp, 16
	pop r15
	pop r14
	pop r13
	pop r12
	pop rbp
	pop rbx
	ret

section .note.GNU-stack noalloc noexec nowrite progbits
