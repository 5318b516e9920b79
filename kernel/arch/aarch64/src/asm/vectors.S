// Exception vectors and the EL0 entry/exit paths.
//
// While a thread runs at EL0, SP_EL1 points at its saved-register frame
// (`cpu::frame::Frame`), so an exception from EL0 saves the registers
// straight into the thread's own frame, then moves to the kernel stack
// and calls `weft_el0_trap(frame, kind)`. That returns the frame of the
// thread to run next; the exit path restores it and erets. The kernel
// itself runs with interrupts masked: an exception taken at EL1 is a
// kernel bug and ends in `weft_el1_exception`.

.equ FRAME_SP,    248
.equ FRAME_ELR,   256
.equ FRAME_TPIDR, 272
.equ FRAME_FPSR,  288
.equ FRAME_Q,     304


.macro EL0_VECTOR kind
    .balign 128
    stp     x0, x1, [sp, #0]
    mov     x0, #\kind
    b       el0_entry
.endm

.macro EL1_VECTOR kind
    .balign 128
    sub     sp, sp, #(34 * 8)
    stp     x0, x1, [sp, #0]
    mov     x0, #\kind
    b       el1_entry
.endm

.section .text.vectors, "ax"
.balign 2048
.global weft_vectors
weft_vectors:
    EL1_VECTOR 0                   // current EL, SP0: never used
    EL1_VECTOR 1
    EL1_VECTOR 2
    EL1_VECTOR 3
    EL1_VECTOR 0                   // current EL, SPx: kernel faults
    EL1_VECTOR 1
    EL1_VECTOR 2
    EL1_VECTOR 3
    EL0_VECTOR 0                   // lower EL, AArch64: sync
    EL0_VECTOR 1                   //                    IRQ
    EL0_VECTOR 2                   //                    FIQ
    EL0_VECTOR 3                   //                    SError
    EL1_VECTOR 4                   // lower EL, AArch32: never used
    EL1_VECTOR 4
    EL1_VECTOR 4
    EL1_VECTOR 4

// x0 = kind, x1 saved, sp = the thread's frame.
el0_entry:
    stp     x2, x3, [sp, #16 * 1]
    stp     x4, x5, [sp, #16 * 2]
    stp     x6, x7, [sp, #16 * 3]
    stp     x8, x9, [sp, #16 * 4]
    stp     x10, x11, [sp, #16 * 5]
    stp     x12, x13, [sp, #16 * 6]
    stp     x14, x15, [sp, #16 * 7]
    stp     x16, x17, [sp, #16 * 8]
    stp     x18, x19, [sp, #16 * 9]
    stp     x20, x21, [sp, #16 * 10]
    stp     x22, x23, [sp, #16 * 11]
    stp     x24, x25, [sp, #16 * 12]
    stp     x26, x27, [sp, #16 * 13]
    stp     x28, x29, [sp, #16 * 14]
    mrs     x2, sp_el0
    stp     x30, x2, [sp, #16 * 15]
    mrs     x2, elr_el1
    mrs     x3, spsr_el1
    stp     x2, x3, [sp, #FRAME_ELR]
    mrs     x2, tpidr_el0
    mrs     x3, fpcr
    stp     x2, x3, [sp, #FRAME_TPIDR]
    mrs     x2, fpsr
    str     x2, [sp, #FRAME_FPSR]
    add     x2, sp, #FRAME_Q
    stp     q0, q1, [x2, #32 * 0]
    stp     q2, q3, [x2, #32 * 1]
    stp     q4, q5, [x2, #32 * 2]
    stp     q6, q7, [x2, #32 * 3]
    stp     q8, q9, [x2, #32 * 4]
    stp     q10, q11, [x2, #32 * 5]
    stp     q12, q13, [x2, #32 * 6]
    stp     q14, q15, [x2, #32 * 7]
    stp     q16, q17, [x2, #32 * 8]
    stp     q18, q19, [x2, #32 * 9]
    stp     q20, q21, [x2, #32 * 10]
    stp     q22, q23, [x2, #32 * 11]
    stp     q24, q25, [x2, #32 * 12]
    stp     q26, q27, [x2, #32 * 13]
    stp     q28, q29, [x2, #32 * 14]
    stp     q30, q31, [x2, #32 * 15]
    mov     x1, x0
    mov     x0, sp
    adrp    x2, __boot_stack_top
    add     x2, x2, :lo12:__boot_stack_top
    mov     sp, x2
    mov     x29, xzr
    mov     x30, xzr
    bl      weft_el0_trap
    // fall through: x0 = frame to run

// Restore the frame in x0 and return to EL0. Never returns.
.global weft_return_to_user
weft_return_to_user:
    mov     sp, x0
    add     x2, sp, #FRAME_Q
    ldp     q0, q1, [x2, #32 * 0]
    ldp     q2, q3, [x2, #32 * 1]
    ldp     q4, q5, [x2, #32 * 2]
    ldp     q6, q7, [x2, #32 * 3]
    ldp     q8, q9, [x2, #32 * 4]
    ldp     q10, q11, [x2, #32 * 5]
    ldp     q12, q13, [x2, #32 * 6]
    ldp     q14, q15, [x2, #32 * 7]
    ldp     q16, q17, [x2, #32 * 8]
    ldp     q18, q19, [x2, #32 * 9]
    ldp     q20, q21, [x2, #32 * 10]
    ldp     q22, q23, [x2, #32 * 11]
    ldp     q24, q25, [x2, #32 * 12]
    ldp     q26, q27, [x2, #32 * 13]
    ldp     q28, q29, [x2, #32 * 14]
    ldp     q30, q31, [x2, #32 * 15]
    ldp     x2, x3, [sp, #FRAME_ELR]
    msr     elr_el1, x2
    msr     spsr_el1, x3
    ldp     x2, x3, [sp, #FRAME_TPIDR]
    msr     tpidr_el0, x2
    msr     fpcr, x3
    ldr     x2, [sp, #FRAME_FPSR]
    msr     fpsr, x2
    ldp     x30, x2, [sp, #16 * 15]
    msr     sp_el0, x2
    ldp     x2, x3, [sp, #16 * 1]
    ldp     x4, x5, [sp, #16 * 2]
    ldp     x6, x7, [sp, #16 * 3]
    ldp     x8, x9, [sp, #16 * 4]
    ldp     x10, x11, [sp, #16 * 5]
    ldp     x12, x13, [sp, #16 * 6]
    ldp     x14, x15, [sp, #16 * 7]
    ldp     x16, x17, [sp, #16 * 8]
    ldp     x18, x19, [sp, #16 * 9]
    ldp     x20, x21, [sp, #16 * 10]
    ldp     x22, x23, [sp, #16 * 11]
    ldp     x24, x25, [sp, #16 * 12]
    ldp     x26, x27, [sp, #16 * 13]
    ldp     x28, x29, [sp, #16 * 14]
    ldp     x0, x1, [sp, #16 * 0]
    eret

// x0 = kind, x1 saved, sp = 34 words reserved on the kernel stack.
el1_entry:
    stp     x2, x3, [sp, #16 * 1]
    stp     x4, x5, [sp, #16 * 2]
    stp     x6, x7, [sp, #16 * 3]
    stp     x8, x9, [sp, #16 * 4]
    stp     x10, x11, [sp, #16 * 5]
    stp     x12, x13, [sp, #16 * 6]
    stp     x14, x15, [sp, #16 * 7]
    stp     x16, x17, [sp, #16 * 8]
    stp     x18, x19, [sp, #16 * 9]
    stp     x20, x21, [sp, #16 * 10]
    stp     x22, x23, [sp, #16 * 11]
    stp     x24, x25, [sp, #16 * 12]
    stp     x26, x27, [sp, #16 * 13]
    stp     x28, x29, [sp, #16 * 14]
    mrs     x2, elr_el1
    stp     x30, x2, [sp, #16 * 15]
    mrs     x2, spsr_el1
    add     x3, sp, #(34 * 8)
    stp     x2, x3, [sp, #16 * 16]
    mov     x1, x0
    mov     x0, sp
    mov     x29, x29
    bl      weft_el1_exception
1:  wfe
    b       1b
