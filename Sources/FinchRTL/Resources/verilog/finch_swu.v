// Sliding window unit: im2col in hardware (Docs/ops/SWU.md).
//
// Input: NHWC pixels of an IFM_H x IFM_W x C map (unpadded), C/SIMD words per
// pixel. Output: for each output pixel (oy, ox), for ky, for kx, for channel
// group g, one word of SIMD elements:
//   x[oy*STRIDE_H - PAD_T + ky*DIL_H, ox*STRIDE_W - PAD_L + kx*DIL_W, g],
// or PAD_VALUE (one encoded element, repeated SIMD times) outside the input.
//
// Architecture
// - Line buffer: a circular buffer of R = (K_H-1)*DIL_H + 1 + STRIDE_H input
//   rows (the rows a window spans plus the rows of the next output row), that
//   is R*IFM_W*C/SIMD words of SIMD*BITS bits = R*IFM_W*C*BITS bits. It is a
//   simple dual-port RAM (one write port, one registered read port), so
//   synthesis maps it to block RAM or LUTRAM. Padding is never stored.
// - Reader: accepts input words in order into the next free row slot; a row
//   slot is free once the output row being generated no longer needs it. The
//   reader knows nothing of frames, so it reads the next frame's first rows
//   while the last windows of a frame are written.
// - Window generator: emits output row oy (for ox, ky, kx, g) once every input
//   row it needs is complete, one word per cycle, and frees the rows the next
//   output row does not need when it finishes. Addresses are kept
//   incrementally (no multipliers).
// - Output: the RAM read register feeds a 4-word FIFO; the generator issues a
//   read only while that FIFO has room, so m_tready reaches no counter.
//   s_tready depends on registers only.
// Steady state per frame: about OH*max(OW*K_H*K_W*C/SIMD, STRIDE_H*IFM_W*C/SIMD)
// cycles, plus a stall at the frame boundary when the next frame's first
// output row needs more rows than the slots the last output row leaves free.
module finch_swu #(
  parameter integer IFM_H = 4,
  parameter integer IFM_W = 4,
  parameter integer C = 1,
  parameter integer SIMD = 1,
  parameter integer K_H = 3,
  parameter integer K_W = 3,
  parameter integer STRIDE_H = 1,
  parameter integer STRIDE_W = 1,
  parameter integer DIL_H = 1,
  parameter integer DIL_W = 1,
  parameter integer PAD_T = 0,
  parameter integer PAD_L = 0,
  parameter integer PAD_B = 0,
  parameter integer PAD_R = 0,
  parameter integer BITS = 8,
  parameter [BITS-1:0] PAD_VALUE = {BITS{1'b0}}
) (
  input wire clk,
  input wire rst_n,
  input wire [SIMD*BITS-1:0] s_tdata,
  input wire s_tvalid,
  output wire s_tready,
  output wire [SIMD*BITS-1:0] m_tdata,
  output wire m_tvalid,
  input wire m_tready
);
  localparam integer CF = C / SIMD;
  localparam integer WW = SIMD * BITS;
  localparam integer SPAN_H = (K_H - 1) * DIL_H + 1;
  localparam integer SPAN_W = (K_W - 1) * DIL_W + 1;
  localparam integer OH = (IFM_H + PAD_T + PAD_B - SPAN_H) / STRIDE_H + 1;
  localparam integer OW = (IFM_W + PAD_L + PAD_R - SPAN_W) / STRIDE_W + 1;
  localparam integer R = SPAN_H + STRIDE_H;
  localparam integer ROW = IFM_W * CF;
  localparam integer DEPTH = R * ROW;
  localparam integer AW = DEPTH > 1 ? $clog2(DEPTH) : 1;
  // Signed row numbers relative to row 0 of the frame being windowed.
  localparam integer RW = $clog2(2 * IFM_H + R + PAD_T + PAD_B + STRIDE_H + SPAN_H + 1) + 2;
  // Signed column offsets in words (input column * CF).
  localparam integer CW_MIN = $clog2((IFM_W + PAD_L + PAD_R + STRIDE_W + SPAN_W) * CF + 1) + 2;
  localparam integer CW = CW_MIN > AW + 2 ? CW_MIN : AW + 2;
  localparam integer CFW = CF > 1 ? $clog2(CF) : 1;
  localparam integer KXW = K_W > 1 ? $clog2(K_W) : 1;
  localparam integer KYW = K_H > 1 ? $clog2(K_H) : 1;
  localparam integer OXW = OW > 1 ? $clog2(OW) : 1;
  localparam integer OYW = OH > 1 ? $clog2(OH) : 1;
  localparam integer RCW = ROW > 1 ? $clog2(ROW) : 1;

  // Row steps modulo R, as address offsets (multiples of ROW).
  localparam integer FRAME_STEP = IFM_H - (OH - 1) * STRIDE_H;
  localparam integer FRAME_MOD = ((FRAME_STEP % R) + R) % R;
  localparam integer START_MOD = (((0 - PAD_T) % R) + R) % R;
  localparam integer STRIDE_OFF_I = (STRIDE_H % R) * ROW;
  localparam integer DIL_OFF_I = (DIL_H % R) * ROW;
  localparam integer FRAME_OFF_I = FRAME_MOD * ROW;
  localparam integer START_OFF_I = START_MOD * ROW;
  localparam [AW:0] DEPTH_X = DEPTH[AW:0];
  localparam [AW:0] STRIDE_OFF = STRIDE_OFF_I[AW:0];
  localparam [AW:0] DIL_OFF = DIL_OFF_I[AW:0];
  localparam [AW:0] FRAME_OFF = FRAME_OFF_I[AW:0];
  localparam [AW-1:0] START_OFF = START_OFF_I[AW-1:0];
  localparam [AW-1:0] LAST_ADDR = DEPTH[AW-1:0] - 1'b1;

  localparam integer NEG_PT = 0 - PAD_T;
  localparam integer NEG_PL = 0 - PAD_L * CF;
  localparam integer STEP_X_I = STRIDE_W * CF;
  localparam integer DIL_X_I = DIL_W * CF;
  localparam signed [RW-1:0] H_S = IFM_H[RW-1:0];
  localparam signed [RW-1:0] R_S = R[RW-1:0];
  localparam signed [RW-1:0] SPAN_S = SPAN_H[RW-1:0];
  localparam signed [RW-1:0] STRIDE_S = STRIDE_H[RW-1:0];
  localparam signed [RW-1:0] DIL_S = DIL_H[RW-1:0];
  localparam signed [RW-1:0] IY_START = NEG_PT[RW-1:0];
  localparam signed [RW-1:0] ZERO_R = {RW{1'b0}};
  localparam signed [RW-1:0] ONE_R = {{(RW - 1){1'b0}}, 1'b1};
  localparam signed [CW-1:0] ROW_S = ROW[CW-1:0];
  localparam signed [CW-1:0] CX_START = NEG_PL[CW-1:0];
  localparam signed [CW-1:0] STEP_X = STEP_X_I[CW-1:0];
  localparam signed [CW-1:0] DIL_X = DIL_X_I[CW-1:0];
  localparam [CFW-1:0] CF_LAST = CF[CFW-1:0] - 1'b1;
  localparam [KXW-1:0] KX_LAST = K_W[KXW-1:0] - 1'b1;
  localparam [KYW-1:0] KY_LAST = K_H[KYW-1:0] - 1'b1;
  localparam [OXW-1:0] OX_LAST = OW[OXW-1:0] - 1'b1;
  localparam [OYW-1:0] OY_LAST = OH[OYW-1:0] - 1'b1;
  localparam [RCW-1:0] COL_LAST = ROW[RCW-1:0] - 1'b1;

  // (a + k) mod DEPTH for a < DEPTH, k < DEPTH.
  function [AW-1:0] wrap_add;
    input [AW-1:0] a;
    input [AW:0] k;
    reg [AW:0] s;
    begin
      s = {1'b0, a} + k;
      if (s >= DEPTH_X) s = s - DEPTH_X;
      wrap_add = s[AW-1:0];
    end
  endfunction

  // ---- line buffer ----
  reg [WW-1:0] mem [0:DEPTH-1];

  // ---- reader ----
  reg [AW-1:0] wptr;
  reg [RCW-1:0] wcol;
  // Complete rows read, counted from row 0 of the frame being windowed
  // (negative while the reader still owes rows of the previous frame).
  reg signed [RW-1:0] ahead;

  // ---- window generator ----
  reg [CFW-1:0] cf;
  reg [KXW-1:0] kx;
  reg [KYW-1:0] ky;
  reg [OXW-1:0] ox;
  reg [OYW-1:0] oy;
  reg signed [RW-1:0] iy0;  // top input row of output row oy
  reg signed [RW-1:0] iy;   // input row of ky
  reg signed [CW-1:0] cx0;  // left input column of ox, in words
  reg signed [CW-1:0] cx;   // input column of kx, in words
  reg signed [CW-1:0] aoff; // cx + cf
  reg [AW-1:0] a0;          // buffer address of row iy0
  reg [AW-1:0] a;           // buffer address of row iy

  // Rows [first, last_end) of this frame are the ones output row oy needs.
  wire signed [RW-1:0] top_end = iy0 + SPAN_S;
  wire signed [RW-1:0] first = iy0[RW-1] ? ZERO_R : (iy0 > H_S ? H_S : iy0);
  wire signed [RW-1:0] last_end = top_end[RW-1] ? ZERO_R : (top_end > H_S ? H_S : top_end);

  assign s_tready = (ahead - first) < R_S;
  wire accept = s_tvalid && s_tready;
  wire row_done = accept && wcol == COL_LAST;

  // ---- output FIFO (4 words) behind the RAM read register ----
  reg [WW-1:0] q;
  reg q_valid;
  reg q_pad;
  reg [WW-1:0] out_buf [0:3];
  reg [1:0] out_rd;
  reg [1:0] out_wr;
  reg [2:0] out_count;
  wire pop = m_tvalid && m_tready;
  assign m_tvalid = out_count != 3'd0;
  assign m_tdata = out_buf[out_rd];

  wire credit = (out_count + {2'b00, q_valid}) < 3'd4;
  wire rows_ok = ahead >= last_end;
  wire issue = rows_ok && credit;
  wire in_image = !iy[RW-1] && iy < H_S && !cx[CW-1] && cx < ROW_S;
  wire [AW-1:0] raddr = a + aoff[AW-1:0];

  wire last_cf = cf == CF_LAST;
  wire last_kx = kx == KX_LAST;
  wire last_ky = ky == KY_LAST;
  wire last_ox = ox == OX_LAST;
  wire last_oy = oy == OY_LAST;
  wire frame_done = issue && last_cf && last_kx && last_ky && last_ox && last_oy;

  always @(posedge clk) begin
    if (accept) mem[wptr] <= s_tdata;
  end

  always @(posedge clk) begin
    if (issue) q <= mem[raddr];
  end

  always @(posedge clk) begin
    if (!rst_n) begin
      wptr <= {AW{1'b0}};
      wcol <= {RCW{1'b0}};
      ahead <= ZERO_R;
    end else begin
      if (accept) begin
        wptr <= wptr == LAST_ADDR ? {AW{1'b0}} : wptr + 1'b1;
        wcol <= wcol == COL_LAST ? {RCW{1'b0}} : wcol + 1'b1;
      end
      ahead <= ahead + (row_done ? ONE_R : ZERO_R) - (frame_done ? H_S : ZERO_R);
    end
  end

  always @(posedge clk) begin
    if (!rst_n) begin
      cf <= {CFW{1'b0}};
      kx <= {KXW{1'b0}};
      ky <= {KYW{1'b0}};
      ox <= {OXW{1'b0}};
      oy <= {OYW{1'b0}};
      iy0 <= IY_START;
      iy <= IY_START;
      cx0 <= CX_START;
      cx <= CX_START;
      aoff <= CX_START;
      a0 <= START_OFF;
      a <= START_OFF;
      q_valid <= 1'b0;
      q_pad <= 1'b0;
    end else begin
      q_valid <= issue;
      if (issue) begin
        q_pad <= !in_image;
        if (!last_cf) begin
          cf <= cf + 1'b1;
          aoff <= aoff + 1'b1;
        end else begin
          cf <= {CFW{1'b0}};
          if (!last_kx) begin
            kx <= kx + 1'b1;
            cx <= cx + DIL_X;
            aoff <= cx + DIL_X;
          end else begin
            kx <= {KXW{1'b0}};
            if (!last_ky) begin
              ky <= ky + 1'b1;
              iy <= iy + DIL_S;
              a <= wrap_add(a, DIL_OFF);
              cx <= cx0;
              aoff <= cx0;
            end else begin
              ky <= {KYW{1'b0}};
              if (!last_ox) begin
                ox <= ox + 1'b1;
                cx0 <= cx0 + STEP_X;
                cx <= cx0 + STEP_X;
                aoff <= cx0 + STEP_X;
                iy <= iy0;
                a <= a0;
              end else begin
                ox <= {OXW{1'b0}};
                cx0 <= CX_START;
                cx <= CX_START;
                aoff <= CX_START;
                if (!last_oy) begin
                  oy <= oy + 1'b1;
                  iy0 <= iy0 + STRIDE_S;
                  iy <= iy0 + STRIDE_S;
                  a0 <= wrap_add(a0, STRIDE_OFF);
                  a <= wrap_add(a0, STRIDE_OFF);
                end else begin
                  oy <= {OYW{1'b0}};
                  iy0 <= IY_START;
                  iy <= IY_START;
                  a0 <= wrap_add(a0, FRAME_OFF);
                  a <= wrap_add(a0, FRAME_OFF);
                end
              end
            end
          end
        end
      end
    end
  end

  always @(posedge clk) begin
    if (q_valid) out_buf[out_wr] <= q_pad ? {SIMD{PAD_VALUE}} : q;
  end

  always @(posedge clk) begin
    if (!rst_n) begin
      out_rd <= 2'd0;
      out_wr <= 2'd0;
      out_count <= 3'd0;
    end else begin
      if (q_valid) out_wr <= out_wr + 1'b1;
      if (pop) out_rd <= out_rd + 1'b1;
      if (q_valid && !pop) out_count <= out_count + 1'b1;
      else if (pop && !q_valid) out_count <= out_count - 1'b1;
    end
  end
endmodule
