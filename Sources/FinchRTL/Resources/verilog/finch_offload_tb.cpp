// finch_offload_tb: a Verilator harness around finch_offload_engine with a
// DRAM model on its memory port (Docs/offload.md §4, §11), driven by the
// host over stdin/stdout with a line protocol that mirrors Finch's
// OffloadDriver. Built by FinchRTL's VerilatorEngine with
//   verilator --cc --exe --build -CFLAGS -DFINCH_WORD_BITS=<WORD_BITS> ...
//
// Command line (all optional):
//   --base N         byte address of the DRAM's first byte (default 0)
//   --latency N      cycles from an accepted read request to its first data
//                    word, and from a write burst's last word to its wr_done
//                    pulse (default 1, at least 1)
//   --bandwidth X    bytes per cycle the DRAM moves, read and write data
//                    together; fractional values are a token bucket (default:
//                    one word per cycle)
//   --stall P        probability per cycle that each of rd_req_ready,
//                    rd_valid, wr_req_ready and wr_ready is held low (0..1)
//   --seed N         seed of the stall generator (default 1)
//   --outstanding N  most read (and write) requests queued; 0 = unbounded
//
// Protocol: one command per line, numbers decimal, data as hex bytes in
// address order; every command answers one line, "ok ..." or "error <why>".
//   alloc <bytes>         -> ok <base>       size the DRAM (zeroed)
//   write <addr> <hex>    -> ok              write bytes
//   read <addr> <count>   -> ok <hex>        read bytes
//   reg <offset> <value>  -> ok              one register write (one cycle)
//   start                 -> ok              write 1 to control (one cycle)
//   wait <limit>          -> ok <cycles> <words read> <words written>
//                            or error no done after <limit> cycles, or a port
//                            violation (address outside the DRAM, length 0 or
//                            over 256, done with bursts in flight)
//   quit                  -> ok, and the process exits
//
// Port timing: read requests queue (up to --outstanding) and return their
// data in request order, each no earlier than --latency cycles after it was
// accepted; write data may come before or after its request (up to 1024
// words are held waiting for one) and is matched in order; wr_done pulses
// once per completed burst. Handshakes are sampled before the rising edge.
#include "Vfinch_offload_engine.h"
#include "verilated.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#ifndef FINCH_WORD_BITS
#error "build with -CFLAGS -DFINCH_WORD_BITS=<the engine's WORD_BITS>"
#endif
static constexpr int WORD_BYTES = FINCH_WORD_BITS / 8;
static constexpr size_t EARLY_WORDS = 1024;

// Port words of any width: Verilator holds up to 8 bits in CData, 16 in
// SData, 32 in IData, 64 in QData and wider ones in VlWide arrays of 32-bit words.
template <typename T> static void set_word(T& port, const uint8_t* p) {
  uint64_t v = 0;
  for (int i = WORD_BYTES - 1; i >= 0; --i) v = (v << 8) | p[i];
  port = static_cast<T>(v);
}
template <std::size_t N> static void set_word(VlWide<N>& port, const uint8_t* p) {
  for (std::size_t w = 0; w < N; ++w) {
    uint32_t v = 0;
    for (int b = 3; b >= 0; --b) v = (v << 8) | p[w * 4 + b];
    port[w] = v;
  }
}
template <typename T> static void get_word(const T& port, uint8_t* p) {
  uint64_t v = port;
  for (int i = 0; i < WORD_BYTES; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
template <std::size_t N> static void get_word(const VlWide<N>& port, uint8_t* p) {
  for (std::size_t w = 0; w < N; ++w)
    for (int b = 0; b < 4; ++b) p[w * 4 + b] = static_cast<uint8_t>(port[w] >> (8 * b));
}

// splitmix64: the same stream for the same seed on every platform.
struct Random {
  uint64_t state;
  uint64_t next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  bool chance(double p) { return p > 0 && static_cast<double>(next() >> 11) * 0x1.0p-53 < p; }
};

struct Options {
  uint64_t base = 0;
  uint64_t latency = 1;
  double bandwidth = WORD_BYTES;
  double stall = 0;
  uint64_t seed = 1;
  size_t outstanding = 0;
};

struct ReadBurst {
  uint64_t addr, len, sent, ready_at;
};
struct WriteBurst {
  uint64_t addr, len, got;
};

class Harness {
 public:
  explicit Harness(const Options& o) : opt(o), rng{o.seed}, top(new Vfinch_offload_engine(&context)) {
    top->clk = 0;
    top->rst_n = 0;
    for (int i = 0; i < 4; ++i) tick();
    top->rst_n = 1;
    tick();
  }
  ~Harness() { top->final(); }

  std::string alloc(uint64_t bytes) {
    dram.assign(bytes, 0);
    return "ok " + std::to_string(opt.base);
  }
  std::string write(uint64_t addr, const std::string& hex) {
    if (hex.size() % 2) return "error odd hex length";
    uint64_t n = hex.size() / 2;
    if (!inside(addr, n)) return "error write of " + std::to_string(n) + " bytes at " + std::to_string(addr) + " leaves the DRAM" + span();
    for (uint64_t i = 0; i < n; ++i) {
      int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
      if (hi < 0 || lo < 0) return "error not hex: " + hex.substr(2 * i, 2);
      dram[addr - opt.base + i] = static_cast<uint8_t>(hi << 4 | lo);
    }
    return "ok";
  }
  std::string read(uint64_t addr, uint64_t n) {
    if (!inside(addr, n)) return "error read of " + std::to_string(n) + " bytes at " + std::to_string(addr) + " leaves the DRAM" + span();
    static const char* digits = "0123456789abcdef";
    std::string out = "ok ";
    out.reserve(3 + 2 * n);
    for (uint64_t i = 0; i < n; ++i) {
      uint8_t b = dram[addr - opt.base + i];
      out += digits[b >> 4];
      out += digits[b & 15];
    }
    return out;
  }
  std::string reg(uint32_t offset, uint32_t value) {
    tick(true, offset, value);
    return fault.empty() ? "ok" : "error " + fault;
  }
  std::string start() {
    words_read = words_written = 0;
    saw_busy = false;
    std::string r = reg(0, 1);
    start_cycle = cycle;
    return r;
  }
  std::string wait(uint64_t limit) {
    while (fault.empty()) {
      if (top->busy || !top->done) saw_busy = true;
      if (saw_busy && top->done) return finish();
      if (cycle - start_cycle >= limit)
        return "error no done after " + std::to_string(limit) + " cycles" + (saw_busy ? "" : " (done never cleared after start)") + pending();
      tick();
    }
    return "error " + fault + " (cycle " + std::to_string(cycle - start_cycle) + " of the call)";
  }

 private:
  Options opt;
  Random rng;
  VerilatedContext context;
  std::unique_ptr<Vfinch_offload_engine> top;
  std::vector<uint8_t> dram;
  uint64_t cycle = 0, start_cycle = 0, words_read = 0, words_written = 0;
  bool saw_busy = false, read_turn = true;
  double tokens = 0;
  std::deque<ReadBurst> reads;
  std::deque<WriteBurst> writes;
  std::deque<std::vector<uint8_t>> early;  // write data words not yet written
  std::deque<uint64_t> done_at;            // cycles at which wr_done pulses are due
  std::string fault;

  static int nibble(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }
  bool inside(uint64_t addr, uint64_t n) const { return addr >= opt.base && addr - opt.base + n <= dram.size(); }
  std::string span() const {
    return " [" + std::to_string(opt.base) + ", " + std::to_string(opt.base + dram.size()) + ")";
  }
  std::string pending() const {
    std::ostringstream s;
    s << " (read bursts queued " << reads.size() << ", write bursts open " << writes.size() << ", write words waiting " << early.size()
      << ", wr_done pulses due " << done_at.size() << ", words read " << words_read << ", written " << words_written << ")";
    return s.str();
  }
  // A burst the port cannot serve: the call fails with this reason.
  bool check_burst(const char* what, uint64_t addr, uint64_t len) {
    if (len >= 1 && len <= 256 && addr % WORD_BYTES == 0 && inside(addr, len * WORD_BYTES)) return true;
    fault = std::string(what) + " request of " + std::to_string(len) + " words at byte " + std::to_string(addr) +
            " is not 1..256 aligned words inside the DRAM" + span();
    return false;
  }
  std::string finish() {
    if (!reads.empty() || !writes.empty() || !early.empty() || !done_at.empty())
      return "error done with the port busy after " + std::to_string(cycle - start_cycle) + " cycles" + pending();
    return "ok " + std::to_string(cycle - start_cycle) + " " + std::to_string(words_read) + " " + std::to_string(words_written);
  }

  // One clock cycle: drive the port, settle, sample handshakes, rising edge, update the DRAM.
  void tick(bool reg_valid = false, uint32_t reg_addr = 0, uint32_t reg_data = 0) {
    top->reg_wr_valid = reg_valid;
    top->reg_wr_addr = reg_addr;
    top->reg_wr_data = reg_data;
    const bool limited = opt.outstanding > 0;
    top->rd_req_ready = !rng.chance(opt.stall) && (!limited || reads.size() < opt.outstanding);
    top->wr_req_ready = !rng.chance(opt.stall) && (!limited || writes.size() < opt.outstanding);
    tokens = std::min(tokens + opt.bandwidth, 2.0 * WORD_BYTES);
    bool rd_offer = !reads.empty() && cycle >= reads.front().ready_at && tokens >= WORD_BYTES && !rng.chance(opt.stall);
    bool wr_offer = early.size() < EARLY_WORDS && tokens >= WORD_BYTES && !rng.chance(opt.stall);
    if (rd_offer && wr_offer && tokens < 2 * WORD_BYTES) {  // one word's budget: alternate
      (read_turn ? wr_offer : rd_offer) = false;
      read_turn = !read_turn;
    }
    top->rd_valid = rd_offer;
    if (rd_offer) {
      const ReadBurst& b = reads.front();
      set_word(top->rd_data, &dram[b.addr - opt.base + b.sent * WORD_BYTES]);
    }
    top->wr_ready = wr_offer;
    top->wr_done = !done_at.empty() && done_at.front() <= cycle;
    top->clk = 0;
    top->eval();
    const bool rd_req = top->rd_req_valid && top->rd_req_ready, rd = rd_offer && top->rd_ready;
    const bool wr_req = top->wr_req_valid && top->wr_req_ready, wr = wr_offer && top->wr_valid;
    const uint64_t rd_addr = top->rd_req_addr, rd_len = top->rd_req_len, wr_addr = top->wr_req_addr, wr_len = top->wr_req_len;
    std::vector<uint8_t> data(WORD_BYTES);
    if (wr) get_word(top->wr_data, data.data());
    const bool pulsed = top->wr_done;
    top->clk = 1;
    top->eval();
    ++cycle;
    if (rd) {
      tokens -= WORD_BYTES;
      ++words_read;
      if (++reads.front().sent == reads.front().len) reads.pop_front();
    }
    if (rd_req && check_burst("read", rd_addr, rd_len)) reads.push_back({rd_addr, rd_len, 0, cycle - 1 + std::max<uint64_t>(opt.latency, 1)});
    if (wr_req && check_burst("write", wr_addr, wr_len)) writes.push_back({wr_addr, wr_len, 0});
    if (wr) {
      tokens -= WORD_BYTES;
      ++words_written;
      early.push_back(std::move(data));
    }
    while (!writes.empty() && !early.empty()) {
      WriteBurst& b = writes.front();
      std::memcpy(&dram[b.addr - opt.base + b.got * WORD_BYTES], early.front().data(), WORD_BYTES);
      early.pop_front();
      if (++b.got == b.len) {
        done_at.push_back(cycle - 1 + std::max<uint64_t>(opt.latency, 1));
        writes.pop_front();
      }
    }
    if (pulsed) done_at.pop_front();
  }
};

static Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i];
    const char* v = argv[i + 1];
    if (k == "--base") o.base = std::strtoull(v, nullptr, 0);
    else if (k == "--latency") o.latency = std::strtoull(v, nullptr, 0);
    else if (k == "--bandwidth") o.bandwidth = std::strtod(v, nullptr);
    else if (k == "--stall") o.stall = std::strtod(v, nullptr);
    else if (k == "--seed") o.seed = std::strtoull(v, nullptr, 0);
    else if (k == "--outstanding") o.outstanding = std::strtoull(v, nullptr, 0);
    else {
      std::fprintf(stderr, "finch_offload_tb: unknown option %s\n", k.c_str());
      std::exit(64);
    }
  }
  if (o.bandwidth <= 0) o.bandwidth = WORD_BYTES;
  return o;
}

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  Harness h(parse(argc, argv));
  std::string line;
  while (std::getline(std::cin, line)) {
    std::istringstream in(line);
    std::string cmd, reply;
    in >> cmd;
    uint64_t a = 0, b = 0;
    std::string hex;
    if (cmd == "alloc" && in >> a) reply = h.alloc(a);
    else if (cmd == "write" && in >> a) reply = (in >> hex, h.write(a, hex));
    else if (cmd == "read" && in >> a >> b) reply = h.read(a, b);
    else if (cmd == "reg" && in >> a >> b) reply = h.reg(static_cast<uint32_t>(a), static_cast<uint32_t>(b));
    else if (cmd == "start") reply = h.start();
    else if (cmd == "wait" && in >> a) reply = h.wait(a);
    else if (cmd == "quit") {
      std::cout << "ok" << std::endl;
      return 0;
    } else reply = "error unknown command: " + line.substr(0, 40);
    std::cout << reply << '\n' << std::flush;
  }
  return 0;
}
