// The control finch_global_acc_pool and finch_vvau share: words come in
// PASSES passes (a pool's pixels, a VVAU's window positions) of GROUPS words
// (channel groups). The parent computes a word's `sums` from `base` (the
// group's partial sums, meaningless on the first pass) and its `result` from
// the sums; partial sums wait in a GROUPS-word memory, and the last pass's
// words put their results in the output register. The input stalls only on
// the last pass's words while that register is full.
module finch_accumulator #(
  parameter integer PASSES = 9,
  parameter integer GROUPS = 1,
  parameter integer WIDTH = 16,
  parameter integer OUT_WIDTH = 16,
  parameter integer GW = GROUPS > 1 ? $clog2(GROUPS) : 1,
  parameter integer PW = PASSES > 1 ? $clog2(PASSES) : 1
) (
  input wire clk,
  input wire rst_n,
  input wire s_tvalid,
  output wire s_tready,
  output reg [OUT_WIDTH-1:0] m_tdata,
  output reg m_tvalid,
  input wire m_tready,
  output reg [GW-1:0] group,
  output reg [PW-1:0] pass,
  output wire first,
  output wire [WIDTH-1:0] base,
  input wire [WIDTH-1:0] sums,
  input wire [OUT_WIDTH-1:0] result
);
  reg [WIDTH-1:0] partial [0:GROUPS-1];
  wire last = pass == PASSES - 1;
  wire take = s_tvalid && s_tready;

  assign first = pass == 0;
  assign base = partial[group];
  assign s_tready = !last || !m_tvalid || m_tready;

  always @(posedge clk) begin
    if (take && !last) partial[group] <= sums;
    if (take && last) m_tdata <= result;
  end

  always @(posedge clk) begin
    if (!rst_n) begin
      m_tvalid <= 1'b0;
      group <= 0;
      pass <= 0;
    end else begin
      m_tvalid <= (take && last) || (m_tvalid && !m_tready);
      if (take) begin
        if (group == GROUPS - 1) begin
          group <= 0;
          pass <= last ? 0 : pass + 1;
        end else begin
          group <= group + 1;
        end
      end
    end
  end
endmodule
