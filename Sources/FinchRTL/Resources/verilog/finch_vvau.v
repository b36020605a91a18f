// Vector-vector-activation unit (a depthwise convolution on SWU windows):
// words arrive window position by window position, C/PE channel groups of PE
// lanes each (the SWU's order); lane p of group g at position k multiplies
// weight W[k][g*PE + p]. Each channel's partial sum waits in a C/PE-word
// memory; the last position's word of a group completes its sums, which are
// thresholded (or passed on) into the output register. The input stalls only
// on the last position's words while that register is full (finch_accumulator).
//
// Memories ($readmemh, hex, one line per address):
//   WEIGHT_FILE: depth CF*K, width PE*W_BITS; entry g*K + k holds lane p at
//     bit p*W_BITS (two's complement when W_SIGNED; bipolar: 1 = +1, 0 = -1).
//   THRESH_FILE: depth CF, width PE*N_THRESH*T_BITS; entry g holds lane p,
//     threshold j at bit (p*N_THRESH + j)*T_BITS, signed.
// Output: OUT_SCALE*#{j : acc >= T[j]} + OUT_BIAS in O_BITS (O_BIPOLAR: the
// bit value > 0); without thresholds the accumulator in O_BITS.
module finch_vvau #(
  parameter integer K = 9,
  parameter integer C = 16,
  parameter integer PE = 1,
  parameter integer A_BITS = 4,
  parameter integer A_SIGNED = 0,
  parameter integer W_BITS = 4,
  parameter integer W_SIGNED = 1,
  parameter integer W_BIPOLAR = 0,
  parameter integer ACC_BITS = 16,
  parameter integer N_THRESH = 0,
  parameter integer T_BITS = 1,
  parameter integer O_BITS = 16,
  parameter integer O_BIPOLAR = 0,
  parameter integer OUT_SCALE = 1,
  parameter integer OUT_BIAS = 0,
  parameter WEIGHT_FILE = "weights.mem",
  parameter THRESH_FILE = "thresholds.mem"
) (
  input wire clk,
  input wire rst_n,
  input wire [PE*A_BITS-1:0] s_tdata,
  input wire s_tvalid,
  output wire s_tready,
  output wire [PE*O_BITS-1:0] m_tdata,
  output wire m_tvalid,
  input wire m_tready
);
  localparam integer CF = C / PE;
  localparam integer GW = CF > 1 ? $clog2(CF) : 1;
  localparam integer KW = K > 1 ? $clog2(K) : 1;
  localparam integer AW = CF * K > 1 ? $clog2(CF * K) : 1;
  localparam integer TM_W = N_THRESH > 0 ? PE * N_THRESH * T_BITS : 1;

  reg [PE*W_BITS-1:0] wmem [0:CF*K-1];
  reg [TM_W-1:0] tmem [0:CF-1];
  initial $readmemh(WEIGHT_FILE, wmem);
  generate
    if (N_THRESH > 0) begin : g_tmem
      initial $readmemh(THRESH_FILE, tmem);
    end
  endgenerate

  wire [GW-1:0] group;
  wire [KW-1:0] position;
  wire first;
  wire [AW-1:0] address = group * K + position;
  wire [PE*W_BITS-1:0] wword = wmem[address];
  wire [TM_W-1:0] tword = tmem[group];
  wire [PE*ACC_BITS-1:0] base;
  wire [PE*ACC_BITS-1:0] sums;
  wire [PE*O_BITS-1:0] levels;

  finch_accumulator #(
    .PASSES(K), .GROUPS(CF), .WIDTH(PE * ACC_BITS), .OUT_WIDTH(PE * O_BITS), .GW(GW), .PW(KW)
  ) u_acc (
    .clk(clk), .rst_n(rst_n), .s_tvalid(s_tvalid), .s_tready(s_tready), .m_tdata(m_tdata), .m_tvalid(m_tvalid),
    .m_tready(m_tready), .group(group), .pass(position), .first(first), .base(base), .sums(sums), .result(levels)
  );

  genvar i, j;
  generate
    for (i = 0; i < PE; i = i + 1) begin : lane
      wire [A_BITS-1:0] a = s_tdata[i*A_BITS +: A_BITS];
      wire [W_BITS-1:0] w = wword[i*W_BITS +: W_BITS];
      wire signed [31:0] av = A_SIGNED != 0 ? $signed({{(32 - A_BITS){a[A_BITS-1]}}, a}) : $signed({{(32 - A_BITS){1'b0}}, a});
      wire signed [31:0] wv = W_BIPOLAR != 0 ? (w[0] ? 32'sd1 : -32'sd1)
        : (W_SIGNED != 0 ? $signed({{(32 - W_BITS){w[W_BITS-1]}}, w}) : $signed({{(32 - W_BITS){1'b0}}, w}));
      wire [ACC_BITS-1:0] b = base[i*ACC_BITS +: ACC_BITS];
      wire signed [31:0] bv = first ? 32'sd0 : $signed({{(32 - ACC_BITS){b[ACC_BITS-1]}}, b});
      wire signed [31:0] acc = bv + av * wv;
      assign sums[i*ACC_BITS +: ACC_BITS] = acc[ACC_BITS-1:0];
      if (N_THRESH > 0) begin : g_thresh
        wire [N_THRESH-1:0] ge;
        for (j = 0; j < N_THRESH; j = j + 1) begin : g_cmp
          wire [T_BITS-1:0] t = tword[(i*N_THRESH + j)*T_BITS +: T_BITS];
          assign ge[j] = acc >= $signed({{(32 - T_BITS){t[T_BITS-1]}}, t});
        end
        integer n;
        reg signed [31:0] count;
        always @(*) begin
          count = 0;
          for (n = 0; n < N_THRESH; n = n + 1) count = count + ge[n];
        end
        wire signed [31:0] value = OUT_SCALE * count + OUT_BIAS;
        if (O_BIPOLAR != 0) begin : g_bipolar
          assign levels[i*O_BITS +: O_BITS] = value > 0;
        end else begin : g_levels
          assign levels[i*O_BITS +: O_BITS] = value[O_BITS-1:0];
        end
      end else begin : g_plain
        assign levels[i*O_BITS +: O_BITS] = acc[O_BITS-1:0];
      end
    end
  endgenerate

endmodule
