#ifndef CFINCHCPUID_H
#define CFINCHCPUID_H

#include <stdint.h>

/// Runs CPUID for `leaf` and `subleaf`, writing EAX, EBX, ECX, EDX to
/// `registers[0...3]`. Returns 0 (registers untouched) off x86 or when the
/// leaf is above the CPU's maximum.
int finch_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t registers[4]);

/// XCR0, the register states the operating system saves on a context switch
/// (bits 1-2: SSE/AVX, bits 5-7: AVX-512). 0 off x86 or without OSXSAVE.
uint64_t finch_xcr0(void);

/// A spin-wait hint (PAUSE on x86), for threads polling for work.
void finch_spin_pause(void);

#endif
