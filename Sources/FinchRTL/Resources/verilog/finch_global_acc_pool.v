// Global accumulation pool: the per-channel sum over PIXELS pixels of a
// stream of PE-lane words, pixel by pixel, C/PE channel groups per pixel.
// Partial sums wait in a C/PE-word memory; the last pixel's word of a group
// completes that group's sums, which leave through the output register (the
// input stalls only there, while the register is full). Lanes are sign- or
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
  output reg [PE*OUT_BITS-1:0] m_tdata,
  output reg m_tvalid,
  input wire m_tready
);
  localparam integer CF = C / PE;
  localparam integer GW = CF > 1 ? $clog2(CF) : 1;
  localparam integer PW = PIXELS > 1 ? $clog2(PIXELS) : 1;

  reg [PE*OUT_BITS-1:0] partial [0:CF-1];
  reg [GW-1:0] group;
  reg [PW-1:0] pixel;
  wire first = pixel == 0;
  wire last = pixel == PIXELS - 1;
  wire take = s_tvalid && s_tready;
  wire [PE*OUT_BITS-1:0] base = partial[group];
  wire [PE*OUT_BITS-1:0] sums;

  assign s_tready = !last || !m_tvalid || m_tready;

  genvar i;
  generate
    for (i = 0; i < PE; i = i + 1) begin : lane
      wire [IN_BITS-1:0] x = s_tdata[i*IN_BITS +: IN_BITS];
      wire fill = IN_SIGNED != 0 && x[IN_BITS-1];
      wire [OUT_BITS-1:0] wide = {{(OUT_BITS - IN_BITS){fill}}, x};
      assign sums[i*OUT_BITS +: OUT_BITS] = (first ? {OUT_BITS{1'b0}} : base[i*OUT_BITS +: OUT_BITS]) + wide;
    end
  endgenerate

  always @(posedge clk) begin
    if (take && !last) partial[group] <= sums;
    if (take && last) m_tdata <= sums;
  end

  always @(posedge clk) begin
    if (!rst_n) begin
      m_tvalid <= 1'b0;
      group <= 0;
      pixel <= 0;
    end else begin
      m_tvalid <= (take && last) || (m_tvalid && !m_tready);
      if (take) begin
        if (group == CF - 1) begin
          group <= 0;
          pixel <= last ? 0 : pixel + 1;
        end else begin
          group <= group + 1;
        end
      end
    end
  end
endmodule
