#ifndef CFINCHCPUKERNELS_TARGETS_H
#define CFINCHCPUKERNELS_TARGETS_H

// Each kernel is compiled for one instruction set through a function
// attribute, not a compiler flag, so the package needs no unsafe flags and
// builds as a dependency. FinchCPU calls a kernel only after CPUFeatures has
// found its instruction set at run time. Helpers are forced inline into the
// kernels, which have the same (or more) target features.

#define FINCH_AVX2_FEATURES "avx2,popcnt"
#define FINCH_AVX512_FEATURES "avx2,popcnt,avx512f,avx512bw,avx512vl,avx512vpopcntdq,avx512vnni"

#define FINCH_AVX2 __attribute__((target(FINCH_AVX2_FEATURES)))
#define FINCH_AVX2_INLINE static inline __attribute__((always_inline, target(FINCH_AVX2_FEATURES)))
#define FINCH_AVX512 __attribute__((target(FINCH_AVX512_FEATURES)))
#define FINCH_AVX512_INLINE static inline __attribute__((always_inline, target(FINCH_AVX512_FEATURES)))

#endif
