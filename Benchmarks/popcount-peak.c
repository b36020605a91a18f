// Measures this core's popcount peak, the denominator of the binary GEMM
// efficiency in Docs/cpu.md: the effective clock (a chain of dependent adds,
// one per cycle) and the throughput of independent popcount instructions.
// x86-64 with AVX-512 VPOPCNTDQ only:
//   gcc -O2 -mavx512f -mavx512vpopcntdq -o /tmp/popcount-peak Benchmarks/popcount-peak.c && /tmp/popcount-peak
#include <stdio.h>
#include <stdint.h>
#include <time.h>
static double now(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
#define N 200000000L
int main(void){
  double best_clk=0;
  for(int rep=0;rep<5;rep++){
    double t0=now(); long n=N; uint64_t x=0;
    // 10 dependent adds per iteration (1 cycle latency each) + loop overhead runs in parallel
    __asm__ volatile(
      "1:\n"
      "add $1,%0\n add $1,%0\n add $1,%0\n add $1,%0\n add $1,%0\n"
      "add $1,%0\n add $1,%0\n add $1,%0\n add $1,%0\n add $1,%0\n"
      "dec %1\n jnz 1b\n" : "+r"(x), "+r"(n));
    double t=now()-t0; double hz=N*10.0/t; if(hz>best_clk)best_clk=hz;
  }
  printf("effective clock (dependent add chain): %.3f GHz\n", best_clk/1e9);
  // vpopcntq zmm: 12 independent chains per iteration
  double best=1e9;
  for(int rep=0;rep<5;rep++){
    long n=N/10; double t0=now();
    __asm__ volatile(
      "vpxorq %%zmm0,%%zmm0,%%zmm0\n"
      "1:\n"
      "vpopcntq %%zmm0,%%zmm1\n vpopcntq %%zmm0,%%zmm2\n vpopcntq %%zmm0,%%zmm3\n vpopcntq %%zmm0,%%zmm4\n"
      "vpopcntq %%zmm0,%%zmm5\n vpopcntq %%zmm0,%%zmm6\n vpopcntq %%zmm0,%%zmm7\n vpopcntq %%zmm0,%%zmm8\n"
      "vpopcntq %%zmm0,%%zmm9\n vpopcntq %%zmm0,%%zmm10\n vpopcntq %%zmm0,%%zmm11\n vpopcntq %%zmm0,%%zmm12\n"
      "dec %0\n jnz 1b\n" : "+r"(n) :: "xmm0","xmm1","xmm2","xmm3","xmm4","xmm5","xmm6","xmm7","xmm8","xmm9","xmm10","xmm11","xmm12");
    double t=now()-t0; if(t<best)best=t;
  }
  double zipc=(N/10)*12.0/(best*best_clk);
  printf("vpopcntq zmm: %.3f instr/cycle = %.0f bits/cycle\n", zipc, zipc*512);
  best=1e9;
  for(int rep=0;rep<5;rep++){
    long n=N/10; double t0=now();
    __asm__ volatile(
      "vpxorq %%ymm0,%%ymm0,%%ymm0\n"
      "1:\n"
      "vpopcntq %%ymm0,%%ymm1\n vpopcntq %%ymm0,%%ymm2\n vpopcntq %%ymm0,%%ymm3\n vpopcntq %%ymm0,%%ymm4\n"
      "vpopcntq %%ymm0,%%ymm5\n vpopcntq %%ymm0,%%ymm6\n vpopcntq %%ymm0,%%ymm7\n vpopcntq %%ymm0,%%ymm8\n"
      "vpopcntq %%ymm0,%%ymm9\n vpopcntq %%ymm0,%%ymm10\n vpopcntq %%ymm0,%%ymm11\n vpopcntq %%ymm0,%%ymm12\n"
      "dec %0\n jnz 1b\n" : "+r"(n) :: "xmm0","xmm1","xmm2","xmm3","xmm4","xmm5","xmm6","xmm7","xmm8","xmm9","xmm10","xmm11","xmm12");
    double t=now()-t0; if(t<best)best=t;
  }
  double yipc=(N/10)*12.0/(best*best_clk);
  printf("vpopcntq ymm: %.3f instr/cycle = %.0f bits/cycle\n", yipc, yipc*256);
  // the mix a binary GEMM needs: xor + popcnt + add per 512 bits (12 independent accumulators)
  best=1e9;
  for(int rep=0;rep<5;rep++){
    long n=N/10; double t0=now();
    __asm__ volatile(
      "vpxorq %%zmm0,%%zmm0,%%zmm0\n vpxorq %%zmm13,%%zmm13,%%zmm13\n"
      "1:\n"
#define S(k) "vpxorq %%zmm13,%%zmm0,%%zmm" #k "\n vpopcntq %%zmm" #k ",%%zmm" #k "\n vpaddq %%zmm" #k ",%%zmm" #k ",%%zmm" #k "\n"
      S(1) S(2) S(3) S(4) S(5) S(6) S(7) S(8) S(9) S(10) S(11) S(12)
      "dec %0\n jnz 1b\n" : "+r"(n) :: "xmm0","xmm1","xmm2","xmm3","xmm4","xmm5","xmm6","xmm7","xmm8","xmm9","xmm10","xmm11","xmm12","xmm13");
    double t=now()-t0; if(t<best)best=t;
  }
  double mipc=(N/10)*12.0/(best*best_clk);
  printf("xor+vpopcntq+add zmm triple: %.3f triples/cycle = %.0f bits/cycle\n", mipc, mipc*512);
  best=1e9;
  for(int rep=0;rep<5;rep++){
    long n=N/10; uint64_t a=0x1234; double t0=now();
    __asm__ volatile(
      "1:\n"
      "popcnt %1,%%r8\n popcnt %1,%%r9\n popcnt %1,%%r10\n popcnt %1,%%r11\n"
      "popcnt %1,%%r12\n popcnt %1,%%r13\n popcnt %1,%%r14\n popcnt %1,%%r15\n"
      "popcnt %1,%%r8\n popcnt %1,%%r9\n popcnt %1,%%r10\n popcnt %1,%%r11\n"
      "dec %0\n jnz 1b\n" : "+r"(n) : "r"(a) : "r8","r9","r10","r11","r12","r13","r14","r15");
    double t=now()-t0; if(t<best)best=t;
  }
  double sipc=(N/10)*12.0/(best*best_clk);
  printf("popcnt r64: %.3f instr/cycle = %.0f bits/cycle\n", sipc, sipc*64);
  printf("peak (vpopcntq zmm): %.1f G bit-MAC/s per core = %.1f Gop/s (2 ops per bit-MAC)\n", zipc*512*best_clk/1e9, 2*zipc*512*best_clk/1e9);
  printf("peak (popcnt r64):   %.1f G bit-MAC/s per core\n", sipc*64*best_clk/1e9);
  return 0;
}
