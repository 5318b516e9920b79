// Weft kernel entry: the arm64 Image header, the drop from EL2 to EL1,
// boot page tables, and the jump to the kernel's link address.
//
// Register use until Rust runs: x19 = device tree (physical), x20 = where
// the image was loaded (physical), x21 = image size.

.equ BLOCK_NORMAL,    0x70d        // valid block, AttrIndx 2 (normal WB), inner shareable, AF
.equ TABLE,           0x3
.equ SCTLR_EL1_OFF,   0x30d00800   // RES1 bits, MMU and caches off
.equ SCTLR_EL1_BOOT,  0x30d5d81d   // M, C, SA, SA0, I, DZE, UCT, nTWI, nTWE (WXN comes later)
.equ TCR_EL1_BOOT,    0xb5103510   // 48-bit VA both halves, 4 KiB granule, WB inner shareable walks
.equ MAIR_EL1_BOOT,   0x44ff0400   // 0 Device-nGnRnE, 1 Device-nGnRE, 2 Normal WB, 3 Normal NC

.section .text.head, "ax"
.global _head
_head:
    b       primary_entry          // code0
    .long   0                      // code1
    .quad   0                      // text_offset: any 2 MiB aligned base
    .quad   __image_size           // image_size, bss included
    .quad   0xa                    // flags: little endian, 4 KiB pages, anywhere in RAM
    .quad   0, 0, 0                // reserved
    .ascii  "ARM\x64"              // magic
    .long   0                      // reserved (PE header offset)

primary_entry:
    mov     x19, x0
    adr     x20, _head
    msr     daifset, #0xf
    mrs     x1, CurrentEL
    lsr     x1, x1, #2
    cmp     x1, #1
    b.eq    at_el1
    cmp     x1, #2
    b.ne    hang                   // EL3 entry is not supported

    // EL2: let EL1 run AArch64 with the timers and FP/SIMD untrapped.
    mov     x1, #(1 << 31)
    msr     hcr_el2, x1
    mov     x1, #3
    msr     cnthctl_el2, x1
    msr     cntvoff_el2, xzr
    mov     x1, #0x33ff
    msr     cptr_el2, x1
    msr     hstr_el2, xzr
    mrs     x1, id_aa64pfr0_el1
    ubfx    x1, x1, #24, #4
    cbz     x1, 1f
    mrs     x1, S3_4_C12_C9_5      // ICC_SRE_EL2: let EL1 use the GICv3 system registers
    orr     x1, x1, #0xf
    msr     S3_4_C12_C9_5, x1
    isb
1:  ldr     x1, =SCTLR_EL1_OFF
    msr     sctlr_el1, x1
    mov     x1, #0x3c5             // EL1h with all exceptions masked
    msr     spsr_el2, x1
    adr     x1, at_el1
    msr     elr_el2, x1
    eret

at_el1:
    ldr     x1, =SCTLR_EL1_OFF
    msr     sctlr_el1, x1
    mov     x1, #(3 << 20)         // CPACR_EL1.FPEN: no FP/SIMD traps
    msr     cpacr_el1, x1
    isb

    // Zero .bss (boot tables and stack live there).
    adrp    x1, __bss_start
    add     x1, x1, :lo12:__bss_start
    adrp    x2, __bss_end
    add     x2, x2, :lo12:__bss_end
1:  cmp     x1, x2
    b.hs    2f
    stp     xzr, xzr, [x1], #16
    b       1b
2:
    ldr     x21, =__image_size

    // Identity map (TTBR0): the 1 GiB blocks holding the image and the tree.
    adrp    x0, boot_identity_l0
    adrp    x1, boot_identity_l1
    orr     x2, x1, #TABLE
    ubfx    x3, x20, #39, #9
    str     x2, [x0, x3, lsl #3]
    mov     x4, x20
    bl      identity_block
    cbz     x19, 3f
    lsr     x5, x19, #39
    lsr     x6, x20, #39
    cmp     x5, x6
    b.ne    3f                     // tree beyond the image's 512 GiB: not mapped
    mov     x4, x19
    bl      identity_block
3:
    // Kernel image at its link address (TTBR1) with 2 MiB blocks.
    adrp    x0, boot_kernel_l0
    adrp    x1, boot_kernel_l1
    adrp    x2, boot_kernel_l2
    ldr     x3, =__kernel_start
    ubfx    x4, x3, #39, #9
    orr     x5, x1, #TABLE
    str     x5, [x0, x4, lsl #3]
    ubfx    x4, x3, #30, #9
    orr     x5, x2, #TABLE
    str     x5, [x1, x4, lsl #3]
    ubfx    x4, x3, #21, #9        // first L2 slot
    mov     x6, #0x1fffff
    add     x6, x21, x6
    lsr     x6, x6, #21            // number of 2 MiB blocks
    mov     x7, x20
    mov     x8, #BLOCK_NORMAL
4:  orr     x9, x7, x8
    str     x9, [x2, x4, lsl #3]
    add     x4, x4, #1
    add     x7, x7, #0x200000
    subs    x6, x6, #1
    b.ne    4b

    // The tables and .bss were written with the MMU off: drop any stale
    // cache lines over them before the walker reads through the cache.
    adrp    x1, __bss_start
    add     x1, x1, :lo12:__bss_start
    adrp    x2, __bss_end
    add     x2, x2, :lo12:__bss_end
    mrs     x3, ctr_el0
    ubfx    x3, x3, #16, #4
    mov     x4, #4
    lsl     x4, x4, x3             // smallest data cache line
    sub     x5, x4, #1
    bic     x1, x1, x5
5:  dc      ivac, x1
    add     x1, x1, x4
    cmp     x1, x2
    b.lo    5b
    dsb     sy

    ldr     x1, =MAIR_EL1_BOOT
    msr     mair_el1, x1
    ldr     x1, =TCR_EL1_BOOT
    mrs     x2, id_aa64mmfr0_el1
    and     x2, x2, #0xf
    cmp     x2, #5
    mov     x3, #5
    csel    x2, x2, x3, ls         // at most 48-bit physical addresses
    bfi     x1, x2, #32, #3
    msr     tcr_el1, x1
    adrp    x1, boot_identity_l0
    msr     ttbr0_el1, x1
    adrp    x1, boot_kernel_l0
    msr     ttbr1_el1, x1
    isb
    tlbi    vmalle1
    dsb     nsh
    isb
    ldr     x1, =SCTLR_EL1_BOOT
    msr     sctlr_el1, x1
    isb
    ic      iallu
    dsb     nsh
    isb
    ldr     x1, =high_entry
    br      x1

// Map the 1 GiB block holding x4 in the identity L1 table (x1).
identity_block:
    ubfx    x5, x4, #30, #9
    and     x6, x4, #~0x3fffffff
    mov     x7, #BLOCK_NORMAL
    orr     x6, x6, x7
    str     x6, [x1, x5, lsl #3]
    ret

hang:
    wfe
    b       hang

.section .text
high_entry:
    ldr     x1, =__boot_stack_top
    mov     sp, x1
    ldr     x1, =weft_vectors
    msr     vbar_el1, x1
    isb
    mov     x0, x19
    mov     x1, x20
    mov     x29, xzr
    mov     x30, xzr
    bl      weft_kernel_boot
    b       hang

.section .bss.boot_tables, "aw", %nobits
.balign 4096
boot_identity_l0: .space 4096
boot_identity_l1: .space 4096
boot_kernel_l0:   .space 4096
boot_kernel_l1:   .space 4096
boot_kernel_l2:   .space 4096
