// Elementwise addition of two streams of PE lanes: a word is taken from both
// inputs in the same cycle, and the PE sums (each lane sign- or
// zero-extended, then added in OUT_BITS bits, two's complement: wide
// enough for every sum, so more than A_BITS and B_BITS) leave through an
// output register.
module finch_add #(
  parameter integer PE = 1,
  parameter integer A_BITS = 8,
  parameter integer A_SIGNED = 1,
  parameter integer B_BITS = 8,
  parameter integer B_SIGNED = 1,
  parameter integer OUT_BITS = 9
) (
  input wire clk,
  input wire rst_n,
  input wire [PE*A_BITS-1:0] s0_tdata,
  input wire s0_tvalid,
  output wire s0_tready,
  input wire [PE*B_BITS-1:0] s1_tdata,
  input wire s1_tvalid,
  output wire s1_tready,
  output reg [PE*OUT_BITS-1:0] m_tdata,
  output reg m_tvalid,
  input wire m_tready
);
  wire take = s0_tvalid && s1_tvalid && (!m_tvalid || m_tready);
  wire [PE*OUT_BITS-1:0] sums;

  assign s0_tready = take;
  assign s1_tready = take;

  genvar i;
  generate
    for (i = 0; i < PE; i = i + 1) begin : lane
      wire [A_BITS-1:0] a = s0_tdata[i*A_BITS +: A_BITS];
      wire [B_BITS-1:0] b = s1_tdata[i*B_BITS +: B_BITS];
      wire a_fill = A_SIGNED != 0 && a[A_BITS-1];
      wire b_fill = B_SIGNED != 0 && b[B_BITS-1];
      wire [OUT_BITS-1:0] a_wide = {{(OUT_BITS - A_BITS){a_fill}}, a};
      wire [OUT_BITS-1:0] b_wide = {{(OUT_BITS - B_BITS){b_fill}}, b};
      assign sums[i*OUT_BITS +: OUT_BITS] = a_wide + b_wide;
    end
  endgenerate

  always @(posedge clk) begin
    if (take) m_tdata <= sums;
  end

  always @(posedge clk) begin
    if (!rst_n) m_tvalid <= 1'b0;
    else m_tvalid <= take || (m_tvalid && !m_tready);
  end
endmodule
