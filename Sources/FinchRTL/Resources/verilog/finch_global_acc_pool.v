// Global accumulation pool: the per-channel sum over PIXELS pixels of a
// stream of PE-lane words, pixel by pixel, C/PE channel groups per pixel.
// Partial sums wait in a C/PE-word memory; the last pixel's word of a group
// completes that group's sums, which leave through the output register (the
// input stalls only there, while the register is full: finch_accumulator). Lanes are sign- or
// zero-extended to OUT_BITS, wide enough for every sum.
module finch_global_acc_pool #(
  parameter integer PIXELS = 64,
  parameter integer C = 32,
  parameter integer PE = 1,
  parameter integer IN_BITS = 2,
  parameter integer IN_SIGNED = 0,
  parameter integer OUT_BITS = 8
) (
  input wire clk,
  input wire rst_n,
  input wire [PE*IN_BITS-1:0] s_tdata,
  input wire s_tvalid,
  output wire s_tready,
  output wire [PE*OUT_BITS-1:0] m_tdata,
  output wire m_tvalid,
  input wire m_tready
);
  localparam integer CF = C / PE;
  localparam integer GW = CF > 1 ? $clog2(CF) : 1;
  localparam integer PW = PIXELS > 1 ? $clog2(PIXELS) : 1;

  wire [GW-1:0] group;
  wire [PW-1:0] pixel;
  wire first;
  wire [PE*OUT_BITS-1:0] base;
  wire [PE*OUT_BITS-1:0] sums;

  finch_accumulator #(
    .PASSES(PIXELS), .GROUPS(CF), .WIDTH(PE * OUT_BITS), .OUT_WIDTH(PE * OUT_BITS), .GW(GW), .PW(PW)
  ) u_acc (
    .clk(clk), .rst_n(rst_n), .s_tvalid(s_tvalid), .s_tready(s_tready), .m_tdata(m_tdata), .m_tvalid(m_tvalid),
    .m_tready(m_tready), .group(group), .pass(pixel), .first(first), .base(base), .sums(sums), .result(sums)
  );

  genvar i;
  generate
    for (i = 0; i < PE; i = i + 1) begin : lane
      wire [IN_BITS-1:0] x = s_tdata[i*IN_BITS +: IN_BITS];
      wire fill = IN_SIGNED != 0 && x[IN_BITS-1];
      wire [OUT_BITS-1:0] wide = {{(OUT_BITS - IN_BITS){fill}}, x};
      assign sums[i*OUT_BITS +: OUT_BITS] = (first ? {OUT_BITS{1'b0}} : base[i*OUT_BITS +: OUT_BITS]) + wide;
    end
  endgenerate
endmodule
