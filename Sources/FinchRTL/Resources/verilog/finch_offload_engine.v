// finch_offload_engine: Finch's multi-layer offload engine (Docs/offload.md).
// One engine runs a network's layers one call at a time: the host writes a
// call's registers (§3) and starts it; the engine loads the call's weights and
// thresholds from memory into its buffers, then streams the input activation
// records in, computes every output pixel and writes the output records back,
// all through one memory port (§4); `done` rises when the last write burst has
// completed.
//
// Data path of a call (after the setup below):
//   reader: read requests for the weight, threshold and input regions (bursts
//     of at most 256 words, all issued at once; data comes back in order);
//     weight and threshold words fill the weight and threshold buffers; input
//     records go through finch_offload_unpack into the window buffer.
//   window buffer: a circular buffer of LB_DEPTH SIMD-element words holding
//     the input words in stream order (word i at i mod LB_DEPTH); the reader
//     writes a word only when the output row being computed no longer needs
//     the word it replaces; computing an output row waits until every input
//     row its windows touch is in. The address of (row, column, channel fold)
//     is kept incrementally (steps of one fold, one column, one row).
//   MAC array: one step per cycle: window word (or the padding word at padded
//     positions: pad_value in the first pad_channels channels) times weight
//     word n*SF + f, for PE group n, SIMD fold f of the window (channel
//     fastest, then kx, then ky); a group's sum goes through the output stage
//     (thresholds or scale/bias, channels past out_channels zeroed).
//   conv: groups go to the code FIFO; conv+pool: groups go to a circular pool
//     buffer of conv output rows and the pool unit reads each pool window
//     (running max, signed when mode says so) once its rows are in; it frees
//     rows as pool rows complete, and the conv waits when the buffer is full.
//   writer: finch_offload_pack packs the codes of each output pixel into its
//     tile of memory words; one write burst per output pixel.
// Flow control: a step that ends a group is issued only when the code FIFO
// (or the pool buffer) has room for it, so nothing inside the pipeline stalls.
//
// Setup (before the data path starts, part of a call's fixed overhead): four
// sequential divisions by SIMD and PE (finch_offload_divide), then the
// products the address counters step by, one per cycle through one shared
// multiplier, then the window buffer's start address.
module finch_offload_engine #(
  parameter integer PE = 4,
  parameter integer SIMD = 8,
  parameter integer W_BITS = 1,
  parameter integer A_BITS = 1,
  parameter integer T_BITS = 16,
  parameter integer MAX_KERNEL = 3,
  parameter integer MAX_CHANNELS = 64,
  parameter integer MAX_IMAGE = 32,
  parameter integer WEIGHT_DEPTH = 1024,
  parameter integer THRESHOLD_DEPTH = 64,
  parameter integer WORD_BITS = 64,
  // Buffer depths (EngineConfiguration.windowBufferDepth / poolBufferDepth pass
  // them; the defaults are the same sizes): the window buffer holds MAX_KERNEL+1
  // rows of channel folds, or one whole FC window; the pool buffer MAX_KERNEL+1
  // rows of PE groups. Smaller buffers deadlock the row flow control.
  parameter integer WINDOW_DEPTH = (MAX_KERNEL + 1) * MAX_IMAGE * (MAX_CHANNELS / SIMD) > MAX_KERNEL * MAX_KERNEL * (MAX_CHANNELS / SIMD)
    ? (MAX_KERNEL + 1) * MAX_IMAGE * (MAX_CHANNELS / SIMD) : MAX_KERNEL * MAX_KERNEL * (MAX_CHANNELS / SIMD),
  parameter integer POOL_DEPTH = (MAX_KERNEL + 1) * MAX_IMAGE * ((MAX_CHANNELS + PE - 1) / PE)
) (
  input wire clk,
  input wire rst_n,
  input wire reg_wr_valid,
  input wire [7:0] reg_wr_addr,
  input wire [31:0] reg_wr_data,
  output wire busy,
  output wire done,
  output wire rd_req_valid,
  input wire rd_req_ready,
  output wire [31:0] rd_req_addr,
  output wire [8:0] rd_req_len,
  input wire rd_valid,
  output wire rd_ready,
  input wire [WORD_BITS-1:0] rd_data,
  output wire wr_req_valid,
  input wire wr_req_ready,
  output wire [31:0] wr_req_addr,
  output wire [8:0] wr_req_len,
  output wire wr_valid,
  input wire wr_ready,
  output wire [WORD_BITS-1:0] wr_data,
  input wire wr_done
);
  // ---------------------------------------------------------------- sizes
  localparam integer NT = (1 << A_BITS) - 1;
  localparam integer WW = PE * SIMD * W_BITS;
  localparam integer TW = PE * NT * T_BITS;
  localparam integer MWPW = (WW + WORD_BITS - 1) / WORD_BITS;
  localparam integer MWPT = (TW + WORD_BITS - 1) / WORD_BITS;
  localparam integer SW = SIMD * A_BITS;
  localparam integer OBM = T_BITS > A_BITS ? T_BITS : A_BITS;
  localparam integer LB_DEPTH = WINDOW_DEPTH;
  localparam integer PB_DEPTH = POOL_DEPTH;
  localparam integer LBA = LB_DEPTH > 1 ? $clog2(LB_DEPTH) : 1;
  localparam integer PBA = PB_DEPTH > 1 ? $clog2(PB_DEPTH) : 1;
  localparam integer WA = WEIGHT_DEPTH > 1 ? $clog2(WEIGHT_DEPTH) : 1;
  localparam integer TA = THRESHOLD_DEPTH > 1 ? $clog2(THRESHOLD_DEPTH) : 1;
  localparam integer WBS = $clog2(WORD_BITS / 8);  // byte address shift of a word
  localparam integer CODE_DEPTH = 16;               // code FIFO: groups in flight or waiting
  localparam integer N = 24;                        // width of channel, fold and group counts
  localparam integer G = 40;                        // width of per-call word counts
  localparam integer S = 18;                        // width of signed pixel coordinates

  // ---------------------------------------------------------------- registers (§3)
  reg [31:0] regs [2:26];
  wire [7:0] kh = regs[4][7:0], kw = regs[4][15:8];
  wire [7:0] sh = regs[5][7:0], sw = regs[5][15:8];
  wire [7:0] pad_top = regs[6][7:0], pad_left = regs[6][15:8];
  wire [15:0] in_h = regs[8][15:0], in_w = regs[8][31:16];
  wire [15:0] out_h = regs[9][15:0], out_w = regs[9][31:16];
  wire [7:0] pool_kh = regs[16][7:0], pool_kw = regs[16][15:8], pool_sh = regs[16][23:16], pool_sw = regs[16][31:24];
  wire [15:0] pool_h = regs[17][15:0], pool_w = regs[17][31:16];
  wire xnor_mode = regs[3][0], bipolar_weights = regs[3][1], bipolar_inputs = regs[3][2];
  wire signed_inputs = regs[3][3], signed_outputs = regs[3][4], thresholded = regs[3][5];
  wire pooled = regs[2] == 32'd1;
  wire [G-1:0] weight_words = {{(G - 32){1'b0}}, regs[23]};
  wire [G-1:0] threshold_words = thresholded ? {{(G - 32){1'b0}}, regs[25]} : {G{1'b0}};
  wire [G-1:0] load_words = weight_words + threshold_words;

  localparam [2:0] IDLE = 3'd0, DIVIDE = 3'd1, MULTIPLY = 3'd2, ORIGIN = 3'd3, RUN = 3'd4;
  reg [2:0] state;
  reg done_r;
  assign busy = state != IDLE;
  assign done = done_r;
  wire start = reg_wr_valid && reg_wr_addr == 8'h00 && reg_wr_data[0] && state == IDLE;
  wire running = state == RUN;

  integer k;
  always @(posedge clk) begin
    if (reg_wr_valid && reg_wr_addr[7:2] >= 6'd2 && reg_wr_addr[7:2] <= 6'd26) regs[reg_wr_addr[7:2]] <= reg_wr_data;
  end

  // ---------------------------------------------------------------- setup: divisions
  wire [N-1:0] cf, cf_rem, groups, groups_rem, pad_fold, pad_rem, out_fold, out_rem;
  wire [3:0] divided;
  finch_offload_divide #(.N(N), .DIVISOR(SIMD)) div_cf (
    .clk(clk), .rst_n(rst_n), .start(start), .numerator(regs[10][N-1:0]), .quotient(cf), .remainder(cf_rem), .ready(divided[0]));
  finch_offload_divide #(.N(N), .DIVISOR(PE)) div_groups (
    .clk(clk), .rst_n(rst_n), .start(start), .numerator(regs[13][N-1:0]), .quotient(groups), .remainder(groups_rem), .ready(divided[1]));
  finch_offload_divide #(.N(N), .DIVISOR(SIMD)) div_pad (
    .clk(clk), .rst_n(rst_n), .start(start), .numerator(regs[26][N-1:0]), .quotient(pad_fold), .remainder(pad_rem), .ready(divided[2]));
  finch_offload_divide #(.N(N), .DIVISOR(PE)) div_out (
    .clk(clk), .rst_n(rst_n), .start(start), .numerator(regs[12][N-1:0]), .quotient(out_fold), .remainder(out_rem), .ready(divided[3]));

  // ---------------------------------------------------------------- setup: products
  reg [G-1:0] kk, rw, sf, col_step, row_step, pt_rw, pl_cf, in_pixels, in_words, conv_pixels, pool_pixels;
  reg [G-1:0] prw, pool_row_step, pool_col_step, pool_need0, tile_bits;
  reg [4:0] mstep;
  reg [31:0] ma, mb;
  wire [15:0] group_bits = thresholded ? PE * A_BITS : PE * T_BITS;
  always @* begin
    case (mstep)
      5'd0: begin ma = {24'd0, kh}; mb = {24'd0, kw}; end
      5'd1: begin ma = {16'd0, in_w}; mb = {8'd0, cf}; end
      5'd2: begin ma = kk[31:0]; mb = {8'd0, cf}; end
      5'd3: begin ma = {24'd0, sw}; mb = {8'd0, cf}; end
      5'd4: begin ma = {24'd0, sh}; mb = rw[31:0]; end
      5'd5: begin ma = {24'd0, pad_top}; mb = rw[31:0]; end
      5'd6: begin ma = {24'd0, pad_left}; mb = {8'd0, cf}; end
      5'd7: begin ma = {16'd0, in_h}; mb = {16'd0, in_w}; end
      5'd8: begin ma = in_pixels[31:0]; mb = regs[11]; end
      5'd9: begin ma = {16'd0, out_h}; mb = {16'd0, out_w}; end
      5'd10: begin ma = {16'd0, pool_h}; mb = {16'd0, pool_w}; end
      5'd11: begin ma = {16'd0, out_w}; mb = {8'd0, groups}; end
      5'd12: begin ma = {24'd0, pool_sh}; mb = prw[31:0]; end
      5'd13: begin ma = {24'd0, pool_sw}; mb = {8'd0, groups}; end
      5'd14: begin ma = {24'd0, pool_kh}; mb = prw[31:0]; end
      default: begin ma = {8'd0, groups}; mb = {16'd0, group_bits}; end
    endcase
  end
  wire [63:0] product = ma * mb;
  localparam [4:0] MSTEPS = 5'd15;
  always @(posedge clk) begin
    if (state == MULTIPLY) begin
      case (mstep)
        5'd0: kk <= product[G-1:0];
        5'd1: rw <= product[G-1:0];
        5'd2: sf <= product[G-1:0];
        5'd3: col_step <= product[G-1:0];
        5'd4: row_step <= product[G-1:0];
        5'd5: pt_rw <= product[G-1:0];
        5'd6: pl_cf <= product[G-1:0];
        5'd7: in_pixels <= product[G-1:0];
        5'd8: in_words <= product[G-1:0];
        5'd9: conv_pixels <= product[G-1:0];
        5'd10: pool_pixels <= product[G-1:0];
        5'd11: prw <= product[G-1:0];
        5'd12: pool_row_step <= product[G-1:0];
        5'd13: pool_col_step <= product[G-1:0];
        5'd14: pool_need0 <= product[G-1:0];
        default: tile_bits <= product[G-1:0];
      endcase
    end
  end
  wire [G-1:0] tile_words = (tile_bits + WORD_BITS - 1) >> $clog2(WORD_BITS);
  wire [G-1:0] pixels = pooled ? pool_pixels : conv_pixels;

  // Circular address arithmetic: a + b modulo the buffer depth, for b at most the depth.
  function [LBA-1:0] lb_add(input [LBA-1:0] a, input [G-1:0] b);
    reg [G:0] s;
    begin
      s = {{(G + 1 - LBA){1'b0}}, a} + {1'b0, b};
      lb_add = s >= LB_DEPTH ? s - LB_DEPTH : s[LBA-1:0];
    end
  endfunction
  function [PBA-1:0] pb_add(input [PBA-1:0] a, input [G-1:0] b);
    reg [G:0] s;
    begin
      s = {{(G + 1 - PBA){1'b0}}, a} + {1'b0, b};
      pb_add = s >= PB_DEPTH ? s - PB_DEPTH : s[PBA-1:0];
    end
  endfunction

  // ---------------------------------------------------------------- call state
  reg [G-1:0] origin;            // (pad_top*rw + pad_left*cf) mod LB_DEPTH, then reduced
  // reader
  reg [1:0] region;
  reg [G-1:0] rq_addr, rq_left, rd_count;
  // window buffer fill
  reg [G-1:0] lb_count, row_fill;
  reg [LBA-1:0] lb_waddr;
  reg [S-1:0] rows_in;
  // conv issue
  reg conv_active;
  reg [15:0] oy, ox;
  reg [7:0] ky, kx;
  reg [N-1:0] ci, n;
  reg signed [S-1:0] iy0, ix0, iyc, ixc, need_row;
  reg [LBA-1:0] row_addr, pix_addr, line_addr, cur_addr;
  reg [WA-1:0] w_raddr;
  reg signed [G:0] low_words;
  reg [G-1:0] groups_issued;
  // pool
  reg pool_active;
  reg [15:0] py, px;
  reg [7:0] pky, pkx;
  reg [N-1:0] pn;
  reg [PBA-1:0] p_row, p_pix, p_group, p_line, p_cur, pb_waddr;
  reg [G-1:0] p_need, p_low, pb_count;
  // writer
  reg [G-1:0] wq_pixels, wq_addr, written;
  reg [5:0] outstanding;
  // loaders
  reg [MWPW*WORD_BITS-1:0] w_shift;
  reg [MWPT*WORD_BITS-1:0] t_shift;
  reg [$clog2(MWPW + 1)-1:0] w_part;
  reg [$clog2(MWPT + 1)-1:0] t_part;
  reg [WA-1:0] w_waddr;
  reg [TA-1:0] t_waddr;

  // ---------------------------------------------------------------- reader
  assign rd_req_valid = running && rq_left != {G{1'b0}};
  assign rd_req_len = rq_left > 256 ? 9'd256 : rq_left[8:0];
  assign rd_req_addr = rq_addr[31:0];
  wire loading = rd_count < load_words;
  wire loading_weights = rd_count < weight_words;
  wire loaded = !loading;
  wire unpack_ready;
  assign rd_ready = running && (loading || unpack_ready);
  wire rd_take = rd_valid && rd_ready;
  // A buffer word gathers its memory words low first: each new word enters at the top.
  wire [MWPW*WORD_BITS-1:0] w_next;
  wire [MWPT*WORD_BITS-1:0] t_next;
  generate
    if (MWPW > 1) begin : g_wgather
      assign w_next = {rd_data, w_shift[MWPW*WORD_BITS-1:WORD_BITS]};
    end else begin : g_wword
      assign w_next = rd_data;
    end
    if (MWPT > 1) begin : g_tgather
      assign t_next = {rd_data, t_shift[MWPT*WORD_BITS-1:WORD_BITS]};
    end else begin : g_tword
      assign t_next = rd_data;
    end
  endgenerate
  wire w_we = rd_take && loading_weights && w_part == MWPW - 1;
  wire t_we = rd_take && loading && !loading_weights && t_part == MWPT - 1;

  // ---------------------------------------------------------------- window buffer fill
  wire [SW-1:0] lb_wdata;
  wire lb_wvalid;
  wire [G:0] low_clamped = low_words[G] ? {(G + 1){1'b0}} : low_words;
  wire lb_room = {1'b0, lb_count} < low_clamped + LB_DEPTH;
  wire lb_we = lb_wvalid && lb_room;
  finch_offload_unpack #(.WORD_BITS(WORD_BITS), .OUT_BITS(SW), .CW(32)) unpack (
    .clk(clk), .clear(!running), .record_words(regs[11]), .record_outs({8'd0, cf}),
    .s_data(rd_data), .s_valid(rd_valid && running && !loading), .s_ready(unpack_ready),
    .m_data(lb_wdata), .m_valid(lb_wvalid), .m_ready(lb_room));

  // ---------------------------------------------------------------- conv issue (S0)
  wire signed [S-1:0] in_rows = {{(S - 16){1'b0}}, in_h};
  wire signed [S-1:0] need_clamped = need_row < 0 ? {S{1'b0}} : need_row > in_rows ? in_rows : need_row;
  wire rows_ready = $signed(rows_in) >= need_clamped;
  wire last_ci = ci == cf - 1'b1;
  wire last_kx = kx == kw - 1'b1;
  wire last_ky = ky == kh - 1'b1;
  wire last_step = last_ci && last_kx && last_ky;
  wire first_step = ci == {N{1'b0}} && kx == 8'd0 && ky == 8'd0;
  wire last_group = n == groups - 1'b1;
  wire last_ox = ox == out_w - 1'b1;
  wire last_oy = oy == out_h - 1'b1;
  wire pool_room = {1'b0, groups_issued} < {1'b0, p_low} + PB_DEPTH;
  wire code_room = outstanding < CODE_DEPTH;
  wire issue = running && conv_active && loaded && rows_ready && (!last_step || (pooled ? pool_room : code_room));
  wire real_px = iyc >= 0 && iyc < $signed({2'b00, in_h}) && ixc >= 0 && ixc < $signed({2'b00, in_w});
  // The padding word of fold ci: pad_value in channels below pad_channels, 0 above.
  wire [SW-1:0] pad_word;
  genvar s, p;
  generate
    for (s = 0; s < SIMD; s = s + 1) begin : g_pad
      wire on = ci < pad_fold || (ci == pad_fold && s < pad_rem);
      assign pad_word[s*A_BITS +: A_BITS] = on ? regs[7][A_BITS-1:0] : {A_BITS{1'b0}};
    end
  endgenerate

  // ---------------------------------------------------------------- buffers
  wire [WW-1:0] w_q;
  wire [TW-1:0] t_q;
  wire [SW-1:0] lb_q;
  wire [PE*A_BITS-1:0] pb_q;
  reg [N-1:0] n2;
  reg pb_we;
  reg [PE*A_BITS-1:0] pb_wdata;
  finch_offload_ram #(.WIDTH(WW), .DEPTH(WEIGHT_DEPTH)) weight_buffer (
    .clk(clk), .we(w_we), .waddr(w_waddr), .wdata(w_next[WW-1:0]), .raddr(w_raddr), .rdata(w_q));
  finch_offload_ram #(.WIDTH(TW), .DEPTH(THRESHOLD_DEPTH)) threshold_buffer (
    .clk(clk), .we(t_we), .waddr(t_waddr), .wdata(t_next[TW-1:0]), .raddr(n2[TA-1:0]), .rdata(t_q));
  finch_offload_ram #(.WIDTH(SW), .DEPTH(LB_DEPTH)) window_buffer (
    .clk(clk), .we(lb_we), .waddr(lb_waddr), .wdata(lb_wdata), .raddr(cur_addr), .rdata(lb_q));
  finch_offload_ram #(.WIDTH(PE * A_BITS), .DEPTH(PB_DEPTH)) pool_buffer (
    .clk(clk), .we(pb_we), .waddr(pb_waddr), .wdata(pb_wdata), .raddr(p_cur), .rdata(pb_q));

  // ---------------------------------------------------------------- MAC pipeline
  // S1: buffer words read; S2: group sums; S3: accumulator and thresholds; S4: codes.
  reg v1, first1, last1, real_px1;
  reg [N-1:0] n1;
  reg [SW-1:0] pad1;
  wire [PE*T_BITS-1:0] sums;
  finch_offload_mac #(.PE(PE), .SIMD(SIMD), .W_BITS(W_BITS), .A_BITS(A_BITS), .T_BITS(T_BITS)) mac (
    .weights(w_q), .window(real_px1 ? lb_q : pad1), .xnor_mode(xnor_mode), .bipolar_weights(bipolar_weights),
    .bipolar_inputs(bipolar_inputs), .signed_inputs(signed_inputs), .sums(sums));
  reg v2, first2, last2;
  reg [PE*T_BITS-1:0] sum2, acc;
  wire [PE*T_BITS-1:0] acc_next;
  generate
    for (p = 0; p < PE; p = p + 1) begin : g_acc
      assign acc_next[p*T_BITS +: T_BITS] = first2 ? sum2[p*T_BITS +: T_BITS] : acc[p*T_BITS +: T_BITS] + sum2[p*T_BITS +: T_BITS];
    end
  endgenerate
  reg v3;
  reg [N-1:0] n3;
  reg [PE*T_BITS-1:0] acc3;
  wire [PE-1:0] lane_valid;
  generate
    for (p = 0; p < PE; p = p + 1) begin : g_lane
      assign lane_valid[p] = n3 < out_fold || (n3 == out_fold && p < out_rem);
    end
  endgenerate
  wire [PE*A_BITS-1:0] levels;
  wire [PE*T_BITS-1:0] values;
  finch_offload_output #(.PE(PE), .A_BITS(A_BITS), .T_BITS(T_BITS)) out_stage (
    .acc(acc3), .thresholds(t_q), .scale(regs[18]), .bias(regs[19]), .lane_valid(lane_valid), .levels(levels), .values(values));
  reg v4;
  reg [PE*OBM-1:0] code4;
  wire pipeline_idle = !v1 && !v2 && !v3 && !v4;

  // ---------------------------------------------------------------- pool unit
  wire pool_last = pkx == pool_kw - 1'b1 && pky == pool_kh - 1'b1;
  wire pool_issue = running && pool_active && pb_count >= p_need && (!pool_last || code_room);
  reg pv1, pfirst1, plast1;
  reg [PE*A_BITS-1:0] best;
  wire [PE*A_BITS-1:0] best_next;
  generate
    for (p = 0; p < PE; p = p + 1) begin : g_max
      wire [A_BITS-1:0] q = pb_q[p*A_BITS +: A_BITS], b = best[p*A_BITS +: A_BITS];
      wire greater = signed_outputs ? $signed(q) > $signed(b) : q > b;
      assign best_next[p*A_BITS +: A_BITS] = pfirst1 || greater ? q : b;
    end
  endgenerate

  // ---------------------------------------------------------------- codes and writer
  wire code_push = pooled ? pv1 && plast1 : v4;
  wire [PE*OBM-1:0] code_in = pooled ? {{(PE * (OBM - A_BITS)){1'b0}}, best_next} : code4;
  wire [PE*OBM-1:0] code_out;
  wire code_valid, code_pop, code_space;
  finch_fifo #(.WIDTH(PE * OBM), .DEPTH(CODE_DEPTH)) codes (
    .clk(clk), .rst_n(rst_n && running), .s_tdata(code_in), .s_tvalid(code_push), .s_tready(code_space),
    .m_tdata(code_out), .m_tvalid(code_valid), .m_tready(code_pop));
  wire pack_ready;
  assign code_pop = code_valid && pack_ready;
  finch_offload_pack #(.WORD_BITS(WORD_BITS), .IN_BITS(PE * OBM), .CW(N)) pack (
    .clk(clk), .clear(!running), .groups(groups), .group_bits(group_bits), .s_data(code_out), .s_valid(code_valid),
    .s_ready(pack_ready), .m_data(wr_data), .m_valid(wr_valid), .m_ready(wr_ready));
  assign wr_req_valid = running && wq_pixels < pixels;
  assign wr_req_addr = wq_addr[31:0];
  assign wr_req_len = tile_words[8:0];
  wire finished = running && !conv_active && !pool_active && pipeline_idle && !pv1 && written == pixels
    && rd_count == load_words + in_words && rq_left == {G{1'b0}} && region == 2'd2;

  // ---------------------------------------------------------------- sequencing
  always @(posedge clk) begin
    if (!rst_n) begin
      state <= IDLE;
      done_r <= 1'b0;
      mstep <= 5'd0;
      v1 <= 1'b0; v2 <= 1'b0; v3 <= 1'b0; v4 <= 1'b0; pv1 <= 1'b0;
      pb_we <= 1'b0;
      conv_active <= 1'b0;
      pool_active <= 1'b0;
    end else begin
      case (state)
        IDLE: if (start) begin
          state <= DIVIDE;
          done_r <= 1'b0;
        end
        DIVIDE: if (&divided) begin
          state <= MULTIPLY;
          mstep <= 5'd0;
        end
        MULTIPLY: begin
          mstep <= mstep + 1'b1;
          if (mstep == MSTEPS) begin
            state <= ORIGIN;
            origin <= pt_rw + pl_cf;
          end
        end
        ORIGIN: if (origin >= LB_DEPTH) begin
          origin <= origin - LB_DEPTH;
        end else begin
          state <= RUN;
          // reader
          region <= 2'd0;
          rq_addr <= {{(G - 32){1'b0}}, regs[22]};
          rq_left <= weight_words;
          rd_count <= {G{1'b0}};
          w_part <= 0; t_part <= 0; w_waddr <= {WA{1'b0}}; t_waddr <= {TA{1'b0}};
          lb_count <= {G{1'b0}}; row_fill <= {G{1'b0}}; lb_waddr <= {LBA{1'b0}}; rows_in <= {S{1'b0}};
          // conv: the first window's origin (-pad_top, -pad_left) sits at -origin modulo the depth
          conv_active <= 1'b1;
          oy <= 16'd0; ox <= 16'd0; ky <= 8'd0; kx <= 8'd0; ci <= {N{1'b0}}; n <= {N{1'b0}};
          iy0 <= -$signed({10'd0, pad_top}); iyc <= -$signed({10'd0, pad_top});
          ix0 <= -$signed({10'd0, pad_left}); ixc <= -$signed({10'd0, pad_left});
          need_row <= $signed({10'd0, kh}) - $signed({10'd0, pad_top});
          row_addr <= origin == 0 ? {LBA{1'b0}} : LB_DEPTH - origin[LBA:0];
          pix_addr <= origin == 0 ? {LBA{1'b0}} : LB_DEPTH - origin[LBA:0];
          line_addr <= origin == 0 ? {LBA{1'b0}} : LB_DEPTH - origin[LBA:0];
          cur_addr <= origin == 0 ? {LBA{1'b0}} : LB_DEPTH - origin[LBA:0];
          w_raddr <= {WA{1'b0}};
          low_words <= -$signed({1'b0, pt_rw});
          groups_issued <= {G{1'b0}};
          // pool
          pool_active <= pooled;
          py <= 16'd0; px <= 16'd0; pky <= 8'd0; pkx <= 8'd0; pn <= {N{1'b0}};
          p_row <= {PBA{1'b0}}; p_pix <= {PBA{1'b0}}; p_group <= {PBA{1'b0}}; p_line <= {PBA{1'b0}}; p_cur <= {PBA{1'b0}};
          pb_waddr <= {PBA{1'b0}};
          p_need <= pool_need0; p_low <= {G{1'b0}}; pb_count <= {G{1'b0}};
          // writer
          wq_pixels <= {G{1'b0}};
          wq_addr <= {{(G - 32){1'b0}}, regs[21]} + ({{(G - 32){1'b0}}, regs[15]} << WBS);
          written <= {G{1'b0}};
          outstanding <= 6'd0;
        end
        RUN: if (finished) begin
          state <= IDLE;
          done_r <= 1'b1;
        end
        default: state <= IDLE;
      endcase

      if (running) begin
        // Read requests: weights, thresholds, input, each in bursts of at most 256 words.
        if (rd_req_valid && rd_req_ready) begin
          rq_addr <= rq_addr + ({{(G - 9){1'b0}}, rd_req_len} << WBS);
          rq_left <= rq_left - rd_req_len;
        end else if (rq_left == {G{1'b0}} && region != 2'd2) begin
          region <= region + 1'b1;
          rq_addr <= region == 2'd0 ? {{(G - 32){1'b0}}, regs[24]} : {{(G - 32){1'b0}}, regs[20]};
          rq_left <= region == 2'd0 ? threshold_words : in_words;
        end
        // Read data: the weight and threshold buffers fill first.
        if (rd_take) begin
          rd_count <= rd_count + 1'b1;
          if (loading_weights) begin
            w_shift <= w_next;
            w_part <= w_part == MWPW - 1 ? 0 : w_part + 1'b1;
            if (w_we) w_waddr <= w_waddr + 1'b1;
          end else if (loading) begin
            t_shift <= t_next;
            t_part <= t_part == MWPT - 1 ? 0 : t_part + 1'b1;
            if (t_we) t_waddr <= t_waddr + 1'b1;
          end
        end
        // Window buffer fill.
        if (lb_we) begin
          lb_count <= lb_count + 1'b1;
          lb_waddr <= lb_add(lb_waddr, 1);
          if (row_fill == rw - 1'b1) begin
            row_fill <= {G{1'b0}};
            rows_in <= rows_in + 1'b1;
          end else begin
            row_fill <= row_fill + 1'b1;
          end
        end
        // Conv issue: fold, column, row of the window; group; pixel; row.
        if (issue) begin
          if (!last_ci) begin
            ci <= ci + 1'b1;
            cur_addr <= lb_add(cur_addr, 1);
          end else if (!last_kx) begin
            ci <= {N{1'b0}};
            kx <= kx + 1'b1;
            ixc <= ixc + 1'b1;
            cur_addr <= lb_add(cur_addr, 1);
          end else if (!last_ky) begin
            ci <= {N{1'b0}};
            kx <= 8'd0;
            ky <= ky + 1'b1;
            ixc <= ix0;
            iyc <= iyc + 1'b1;
            line_addr <= lb_add(line_addr, rw);
            cur_addr <= lb_add(line_addr, rw);
          end else begin
            ci <= {N{1'b0}};
            kx <= 8'd0;
            ky <= 8'd0;
            groups_issued <= groups_issued + 1'b1;
            if (!last_group) begin
              n <= n + 1'b1;
              w_raddr <= w_raddr + 1'b1;
              ixc <= ix0;
              iyc <= iy0;
              line_addr <= pix_addr;
              cur_addr <= pix_addr;
            end else begin
              n <= {N{1'b0}};
              w_raddr <= {WA{1'b0}};
              if (!last_ox) begin
                ox <= ox + 1'b1;
                ix0 <= ix0 + $signed({10'd0, sw});
                ixc <= ix0 + $signed({10'd0, sw});
                iyc <= iy0;
                pix_addr <= lb_add(pix_addr, col_step);
                line_addr <= lb_add(pix_addr, col_step);
                cur_addr <= lb_add(pix_addr, col_step);
              end else begin
                ox <= 16'd0;
                oy <= oy + 1'b1;
                ix0 <= -$signed({10'd0, pad_left});
                ixc <= -$signed({10'd0, pad_left});
                iy0 <= iy0 + $signed({10'd0, sh});
                iyc <= iy0 + $signed({10'd0, sh});
                need_row <= need_row + $signed({10'd0, sh});
                low_words <= low_words + $signed({1'b0, row_step});
                row_addr <= lb_add(row_addr, row_step);
                pix_addr <= lb_add(row_addr, row_step);
                line_addr <= lb_add(row_addr, row_step);
                cur_addr <= lb_add(row_addr, row_step);
                if (last_oy) conv_active <= 1'b0;
              end
            end
          end
          if (!last_step) w_raddr <= w_raddr + 1'b1;
        end
        // Pool issue: window column, row; group; pooled pixel; pooled row.
        if (pool_issue) begin
          if (pkx != pool_kw - 1'b1) begin
            pkx <= pkx + 1'b1;
            p_cur <= pb_add(p_cur, groups);
          end else if (pky != pool_kh - 1'b1) begin
            pkx <= 8'd0;
            pky <= pky + 1'b1;
            p_line <= pb_add(p_line, prw);
            p_cur <= pb_add(p_line, prw);
          end else begin
            pkx <= 8'd0;
            pky <= 8'd0;
            if (pn != groups - 1'b1) begin
              pn <= pn + 1'b1;
              p_group <= pb_add(p_group, 1);
              p_line <= pb_add(p_group, 1);
              p_cur <= pb_add(p_group, 1);
            end else begin
              pn <= {N{1'b0}};
              if (px != pool_w - 1'b1) begin
                px <= px + 1'b1;
                p_pix <= pb_add(p_pix, pool_col_step);
                p_group <= pb_add(p_pix, pool_col_step);
                p_line <= pb_add(p_pix, pool_col_step);
                p_cur <= pb_add(p_pix, pool_col_step);
              end else begin
                px <= 16'd0;
                py <= py + 1'b1;
                p_row <= pb_add(p_row, pool_row_step);
                p_pix <= pb_add(p_row, pool_row_step);
                p_group <= pb_add(p_row, pool_row_step);
                p_line <= pb_add(p_row, pool_row_step);
                p_cur <= pb_add(p_row, pool_row_step);
                p_need <= p_need + pool_row_step;
                p_low <= p_low + pool_row_step;
                if (py == pool_h - 1'b1) pool_active <= 1'b0;
              end
            end
          end
        end
        if (pb_we) begin
          pb_waddr <= pb_add(pb_waddr, 1);
          pb_count <= pb_count + 1'b1;
        end
        // Writer: one burst per output pixel; the DRAM signals each completed burst.
        if (wr_req_valid && wr_req_ready) begin
          wq_pixels <= wq_pixels + 1'b1;
          wq_addr <= wq_addr + ({{(G - 32){1'b0}}, regs[14]} << WBS);
        end
        if (wr_done) written <= written + 1'b1;
        outstanding <= outstanding + {5'd0, (issue && last_step && !pooled) || (pool_issue && pool_last)} - {5'd0, code_pop};
      end

      // MAC pipeline.
      v1 <= issue;
      v2 <= v1;
      v3 <= v2 && last2;
      v4 <= v3;
      pv1 <= pool_issue;
      pb_we <= v3 && pooled;
    end
  end

  always @(posedge clk) begin
    first1 <= first_step;
    last1 <= last_step;
    n1 <= n;
    real_px1 <= real_px;
    pad1 <= pad_word;
    sum2 <= sums;
    first2 <= first1;
    last2 <= last1;
    n2 <= n1;
    if (v2) acc <= acc_next;
    acc3 <= acc_next;
    n3 <= n2;
    code4 <= thresholded ? {{(PE * (OBM - A_BITS)){1'b0}}, levels} : values;
    pb_wdata <= levels;
    pfirst1 <= pkx == 8'd0 && pky == 8'd0;
    plast1 <= pool_last;
    if (pv1) best <= best_next;
  end
endmodule
