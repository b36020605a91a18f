// Streaming max-pool on an NHWC stream, no padding (Docs/ops/StreamingMaxPool.md),
// for non-overlapping windows: STRIDE_H == K_H and STRIDE_W == K_W (the emitter
// rejects other shapes). Input and output words carry PE channels (C/PE words
// per pixel). Rows and columns past the last whole window are read and dropped,
// as the floor in OH = (IFM_H - K_H) / STRIDE_H + 1 implies.
//
// Architecture: one input word per cycle (H*W*C/PE cycles per frame). A running
// maximum per (output column, channel group) lives in a RAM of OW*C/PE words
// of PE*BITS bits (OW*C*BITS bits) with a registered read, so synthesis maps it
// to block RAM or LUTRAM. Stage 0 reads the partial maximum of the word's
// window; stage 1 combines it with the word (or starts it, at the window's first
// word), writes it back, and at the window's last word pushes it to a 4-word
// output FIFO. A read of the address stage 1 writes in the same cycle is
// forwarded. s_tready depends on registers only (FIFO room), never on m_tready.
// SIGNED compares two's complement values; bipolar (1 = +1) and unsigned values
// compare unsigned, so for bipolar the maximum is an OR.
module finch_maxpool #(
  parameter integer IFM_H = 4,
  parameter integer IFM_W = 4,
  parameter integer C = 1,
  parameter integer PE = 1,
  parameter integer K_H = 2,
  parameter integer K_W = 2,
  parameter integer STRIDE_H = 2,
  parameter integer STRIDE_W = 2,
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
  localparam integer CF = C / PE;
  localparam integer WW = PE * BITS;
  localparam integer OH = (IFM_H - K_H) / STRIDE_H + 1;
  localparam integer OW = (IFM_W - K_W) / STRIDE_W + 1;
  localparam integer DEPTH = OW * CF;
  localparam integer AW = DEPTH > 1 ? $clog2(DEPTH) : 1;
  localparam integer CFW = CF > 1 ? $clog2(CF) : 1;
  localparam integer KXW = K_W > 1 ? $clog2(K_W) : 1;
  localparam integer KYW = K_H > 1 ? $clog2(K_H) : 1;
  localparam integer XW = IFM_W > 1 ? $clog2(IFM_W) : 1;
  localparam integer YW = IFM_H > 1 ? $clog2(IFM_H) : 1;
  localparam integer OXW = $clog2(OW + 1);
  localparam integer OYW = $clog2(OH + 1);
  localparam [CFW-1:0] CF_LAST = CF[CFW-1:0] - 1'b1;
  localparam [KXW-1:0] KX_LAST = K_W[KXW-1:0] - 1'b1;
  localparam [KYW-1:0] KY_LAST = K_H[KYW-1:0] - 1'b1;
  localparam [XW-1:0] X_LAST = IFM_W[XW-1:0] - 1'b1;
  localparam [YW-1:0] Y_LAST = IFM_H[YW-1:0] - 1'b1;
  localparam [OXW-1:0] OW_X = OW[OXW-1:0];
  localparam [OYW-1:0] OH_X = OH[OYW-1:0];
  localparam [AW-1:0] CF_A = CF[AW-1:0];

  // ---- input position ----
  reg [CFW-1:0] cf;
  reg [KXW-1:0] kx;
  reg [KYW-1:0] ky;
  reg [XW-1:0] x;
  reg [YW-1:0] y;
  reg [OXW-1:0] ox;  // OW for the dropped columns on the right
  reg [OYW-1:0] oy;  // OH for the dropped rows at the bottom
  reg [AW-1:0] base; // ox * CF while ox < OW
  reg [AW-1:0] addr; // base + cf

  // ---- partial maxima ----
  reg [WW-1:0] acc [0:DEPTH-1];
  reg [WW-1:0] q;

  // ---- stage 1 ----
  reg s1_valid;
  reg s1_first;
  reg s1_last;
  reg [AW-1:0] s1_addr;
  reg [WW-1:0] s1_data;
  reg fwd;
  reg [WW-1:0] fwd_data;

  // ---- output FIFO ----
  reg [WW-1:0] out_buf [0:3];
  reg [1:0] out_rd;
  reg [1:0] out_wr;
  reg [2:0] out_count;

  wire push = s1_valid && s1_last;
  wire pop = m_tvalid && m_tready;
  assign m_tvalid = out_count != 3'd0;
  assign m_tdata = out_buf[out_rd];
  assign s_tready = (out_count + {2'b00, push}) < 3'd4;

  wire accept = s_tvalid && s_tready;
  wire in_window = ox != OW_X && oy != OH_X;
  wire last_cf = cf == CF_LAST;
  wire last_kx = kx == KX_LAST;
  wire last_ky = ky == KY_LAST;
  wire last_x = x == X_LAST;
  wire last_y = y == Y_LAST;

  // Element-wise maximum of the stored partial maximum and the word.
  wire [WW-1:0] partial = fwd ? fwd_data : q;
  wire [WW-1:0] result;
  genvar i;
  generate
    for (i = 0; i < PE; i = i + 1) begin : g_lane
      wire [BITS-1:0] a = partial[i*BITS +: BITS];
      wire [BITS-1:0] b = s1_data[i*BITS +: BITS];
      wire signed [BITS:0] a_ext = {SIGNED != 0 && a[BITS-1], a};
      wire signed [BITS:0] b_ext = {SIGNED != 0 && b[BITS-1], b};
      assign result[i*BITS +: BITS] = (!s1_first && a_ext > b_ext) ? a : b;
    end
  endgenerate

  always @(posedge clk) begin
    if (accept && in_window) q <= acc[addr];
    if (s1_valid) acc[s1_addr] <= result;
  end

  always @(posedge clk) begin
    if (push) out_buf[out_wr] <= result;
    fwd_data <= result;
    s1_data <= s_tdata;
    s1_addr <= addr;
  end

  always @(posedge clk) begin
    if (!rst_n) begin
      cf <= {CFW{1'b0}};
      kx <= {KXW{1'b0}};
      ky <= {KYW{1'b0}};
      x <= {XW{1'b0}};
      y <= {YW{1'b0}};
      ox <= {OXW{1'b0}};
      oy <= {OYW{1'b0}};
      base <= {AW{1'b0}};
      addr <= {AW{1'b0}};
      s1_valid <= 1'b0;
      s1_first <= 1'b0;
      s1_last <= 1'b0;
      fwd <= 1'b0;
      out_rd <= 2'd0;
      out_wr <= 2'd0;
      out_count <= 3'd0;
    end else begin
      s1_valid <= accept && in_window;
      s1_first <= kx == {KXW{1'b0}} && ky == {KYW{1'b0}};
      s1_last <= last_kx && last_ky;
      fwd <= s1_valid && accept && in_window && s1_addr == addr;
      if (accept) begin
        if (!last_cf) begin
          cf <= cf + 1'b1;
          addr <= addr + 1'b1;
        end else begin
          cf <= {CFW{1'b0}};
          if (!last_x) begin
            x <= x + 1'b1;
            if (!last_kx || ox == OW_X) begin
              kx <= last_kx ? {KXW{1'b0}} : kx + 1'b1;
              addr <= base;
            end else begin
              kx <= {KXW{1'b0}};
              ox <= ox + 1'b1;
              base <= base + CF_A;
              addr <= base + CF_A;
            end
          end else begin
            x <= {XW{1'b0}};
            kx <= {KXW{1'b0}};
            ox <= {OXW{1'b0}};
            base <= {AW{1'b0}};
            addr <= {AW{1'b0}};
            if (!last_y) begin
              y <= y + 1'b1;
              if (!last_ky || oy == OH_X) begin
                ky <= last_ky ? {KYW{1'b0}} : ky + 1'b1;
              end else begin
                ky <= {KYW{1'b0}};
                oy <= oy + 1'b1;
              end
            end else begin
              y <= {YW{1'b0}};
              ky <= {KYW{1'b0}};
              oy <= {OYW{1'b0}};
            end
          end
        end
      end
      if (push) out_wr <= out_wr + 1'b1;
      if (pop) out_rd <= out_rd + 1'b1;
      if (push && !pop) out_count <= out_count + 1'b1;
      else if (pop && !push) out_count <= out_count - 1'b1;
    end
  end
endmodule
