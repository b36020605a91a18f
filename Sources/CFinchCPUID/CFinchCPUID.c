#include "CFinchCPUID.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

int finch_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t registers[4]) {
  unsigned int a, b, c, d;
  if (!__get_cpuid_count(leaf, subleaf, &a, &b, &c, &d)) return 0;
  registers[0] = a;
  registers[1] = b;
  registers[2] = c;
  registers[3] = d;
  return 1;
}

uint64_t finch_xcr0(void) {
  uint32_t registers[4];
  // XGETBV faults unless the OS has set CR4.OSXSAVE (CPUID.1:ECX bit 27).
  if (!finch_cpuid(1, 0, registers) || !(registers[2] & (1u << 27))) return 0;
  uint32_t low, high;
  __asm__ volatile("xgetbv" : "=a"(low), "=d"(high) : "c"(0));
  return ((uint64_t)high << 32) | low;
}

#else

int finch_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t registers[4]) {
  (void)leaf;
  (void)subleaf;
  (void)registers;
  return 0;
}

uint64_t finch_xcr0(void) { return 0; }

#endif

void finch_spin_pause(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}
