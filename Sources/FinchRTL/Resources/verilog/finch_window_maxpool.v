// Max-pool with overlapping or padded windows on an NHWC stream (Darknet's
// size-2 stride-1 pool; Docs/ops/StreamingMaxPool.md): a finch_swu emits each
// output pixel's window (K_H*K_W positions of C/PE words, padded positions
// holding the element type's lowest encoding, which never exceeds a value of
// the window, and every window holds one), and a finch_maxpool reads those
// windows as an OH*OW x K_H*K_W image with 1 x K_H*K_W windows. PE channels
// per word on both sides. Cycles per frame: the slower of the two units
// (the window unit writes K_H*K_W words per output pixel and channel fold).
module finch_window_maxpool #(
  parameter integer IFM_H = 4,
  parameter integer IFM_W = 4,
  parameter integer C = 1,
  parameter integer PE = 1,
  parameter integer K_H = 2,
  parameter integer K_W = 2,
  parameter integer STRIDE_H = 1,
  parameter integer STRIDE_W = 1,
  parameter integer PAD_T = 0,
  parameter integer PAD_L = 0,
  parameter integer PAD_B = 1,
  parameter integer PAD_R = 1,
  parameter integer BITS = 8,
  parameter integer SIGNED = 0
) (
  input wire clk,
  input wire rst_n,
  input wire [PE*BITS-1:0] s_tdata,
  input wire s_tvalid,
  output wire s_tready,
  output wire [PE*BITS-1:0] m_tdata,
  output wire m_tvalid,
  input wire m_tready
);
  localparam integer OH = (IFM_H + PAD_T + PAD_B - K_H) / STRIDE_H + 1;
  localparam integer OW = (IFM_W + PAD_L + PAD_R - K_W) / STRIDE_W + 1;
  localparam integer POSITIONS = K_H * K_W;
  // Two's complement's most negative value, or 0 (unsigned; bipolar's -1).
  localparam [BITS-1:0] LOWEST = SIGNED != 0 ? {1'b1, {(BITS - 1){1'b0}}} : {BITS{1'b0}};

  wire [PE*BITS-1:0] w_tdata;
  wire w_tvalid, w_tready;

  finch_swu #(
    .IFM_H(IFM_H), .IFM_W(IFM_W), .C(C), .SIMD(PE), .K_H(K_H), .K_W(K_W), .STRIDE_H(STRIDE_H), .STRIDE_W(STRIDE_W),
    .DIL_H(1), .DIL_W(1), .PAD_T(PAD_T), .PAD_L(PAD_L), .PAD_B(PAD_B), .PAD_R(PAD_R), .BITS(BITS), .PAD_VALUE(LOWEST)
  ) windows (
    .clk(clk), .rst_n(rst_n), .s_tdata(s_tdata), .s_tvalid(s_tvalid), .s_tready(s_tready),
    .m_tdata(w_tdata), .m_tvalid(w_tvalid), .m_tready(w_tready)
  );

  finch_maxpool #(
    .IFM_H(OH * OW), .IFM_W(POSITIONS), .C(C), .PE(PE), .K_H(1), .K_W(POSITIONS), .STRIDE_H(1), .STRIDE_W(POSITIONS),
    .BITS(BITS), .SIGNED(SIGNED)
  ) reduce (
    .clk(clk), .rst_n(rst_n), .s_tdata(w_tdata), .s_tvalid(w_tvalid), .s_tready(w_tready),
    .m_tdata(m_tdata), .m_tvalid(m_tvalid), .m_tready(m_tready)
  );
endmodule
