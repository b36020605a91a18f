// finch_mvau: matrix-vector-activation unit (Docs/ops/MVAU.md), FINN-R style.
//
// Folding: SF = MW/SIMD input words per vector, NF = MH/PE neuron folds. Each
// cycle issues one step (nf, sf): SIMD input elements times a PE x SIMD weight
// tile (one weight ROM word, address nf*SF + sf). During nf = 0 the step takes
// its input word from s_tdata and stores it in the input buffer (SF words);
// folds nf > 0 replay the buffer, so a vector takes NF*SF cycles.
//
// Pipeline (no stall anywhere inside; a valid bit travels with each step):
//   issue -> S1: weight ROM read (registered), input word or buffer read
//         -> products (registered), balanced adder/popcount tree per PE with a
//            register every TREE_STAGE levels and after the last level
//         -> accumulate (acc <= first ? dot : acc + dot); on the last sf the sum
//            is captured and the threshold ROM (address: output fold) is read
//         -> thresholds: compare all N_THRESH, balanced popcount (registered),
//            element = OUT_SCALE*count + OUT_BIAS (or bit = value > 0 when
//            O_BIPOLAR); no thresholds: element = acc (XNOR: 2*acc - MW)
//         -> output FIFO (m_tdata/m_tvalid straight from it).
// Back-pressure: the issue logic holds a credit for every output word in flight
// or in the FIFO and only issues a step that ends a vector fold when a FIFO
// slot is free, so nothing is ever dropped and the FIFO never overflows. The
// FIFO is deep enough for the pipeline's round trip, so with m_tready high the
// unit issues every cycle. s_tready depends on registers only (no path from
// m_tready or s_tvalid).
//
// Memories ($readmemh, hex, one line per address):
//   WEIGHT_FILE: depth NF*SF, width PE*SIMD*W_BITS; address nf*SF + sf, lane
//     (p, s) at bit (p*SIMD + s)*W_BITS holds W[sf*SIMD + s][nf*PE + p]
//     (bipolar: 1 = +1, 0 = -1). Registered read, so synthesis can use BRAM.
//   THRESH_FILE: depth NF, width PE*N_THRESH*T_BITS; entry nf holds lane p,
//     threshold j at bit (p*N_THRESH + j)*T_BITS: T[nf*PE + p][j], signed
//     (XNOR: popcount-domain thresholds).
// Element types: A_SIGNED/W_SIGNED two's complement, A_BIPOLAR/W_BIPOLAR one bit
// with 1 = +1 (A_BITS/W_BITS = 1), otherwise unsigned. XNOR: bipolar inputs and
// weights, acc = popcount of XNOR. ACC_BITS: a signed width holding every
// partial and final sum (the unit widens it to the product width if smaller).
module finch_mvau #(
  parameter integer MW = 16,
  parameter integer MH = 8,
  parameter integer PE = 1,
  parameter integer SIMD = 1,
  parameter integer A_BITS = 1,
  parameter integer A_SIGNED = 0,
  parameter integer A_BIPOLAR = 0,
  parameter integer W_BITS = 1,
  parameter integer W_SIGNED = 0,
  parameter integer W_BIPOLAR = 0,
  parameter integer XNOR = 1,
  parameter integer ACC_BITS = 6,
  parameter integer N_THRESH = 0,
  parameter integer T_BITS = 6,
  parameter integer O_BITS = 6,
  parameter integer O_BIPOLAR = 0,
  parameter integer OUT_SCALE = 1,
  parameter integer OUT_BIAS = 0,
  parameter integer TREE_STAGE = 2,
  parameter WEIGHT_FILE = "weights.mem",
  parameter THRESH_FILE = "thresholds.mem"
) (
  input wire clk,
  input wire rst_n,
  input wire [SIMD*A_BITS-1:0] s_tdata,
  input wire s_tvalid,
  output wire s_tready,
  output wire [PE*O_BITS-1:0] m_tdata,
  output wire m_tvalid,
  input wire m_tready
);
  // ---------------------------------------------------------------- sizes
  localparam integer SF = MW / SIMD;
  localparam integer NF = MH / PE;
  localparam integer STEPS = SF * NF;
  localparam integer SF_W = SF > 1 ? $clog2(SF) : 1;
  localparam integer NF_W = NF > 1 ? $clog2(NF) : 1;
  localparam integer ST_W = STEPS > 1 ? $clog2(STEPS) : 1;
  localparam [SF_W-1:0] SF_LAST = SF[SF_W-1:0] - 1'b1;
  localparam [NF_W-1:0] NF_LAST = NF[NF_W-1:0] - 1'b1;
  localparam [ST_W-1:0] ST_LAST = STEPS[ST_W-1:0] - 1'b1;
  localparam integer IN_W = SIMD * A_BITS;
  localparam integer OUT_W = PE * O_BITS;
  localparam integer WM_W = PE * SIMD * W_BITS;
  localparam integer TM_W = N_THRESH > 0 ? PE * N_THRESH * T_BITS : 1;

  // Products: XNOR gives 1-bit agreements; unsigned x unsigned stays unsigned;
  // anything signed or bipolar becomes a signed product of the widened operands.
  localparam integer A_X = A_BIPOLAR != 0 ? 2 : (A_SIGNED != 0 ? A_BITS : A_BITS + 1);
  localparam integer W_X = W_BIPOLAR != 0 ? 2 : (W_SIGNED != 0 ? W_BITS : W_BITS + 1);
  localparam integer P_SIGNED = XNOR != 0 ? 0 : ((A_SIGNED + A_BIPOLAR + W_SIGNED + W_BIPOLAR) != 0 ? 1 : 0);
  localparam integer P_W = XNOR != 0 ? 1 : (P_SIGNED != 0 ? A_X + W_X : A_BITS + W_BITS);
  localparam integer ACC_W = ACC_BITS > P_W ? ACC_BITS : P_W;
  localparam integer TREE_LEVELS = SIMD > 1 ? $clog2(SIMD) : 0;
  localparam integer DOT_LAT = 1 + (TREE_LEVELS + TREE_STAGE - 1) / TREE_STAGE;

  // Thresholds: counts of 0..N_THRESH, compared in a width holding both sides.
  localparam integer CNT_W = N_THRESH > 0 ? $clog2(N_THRESH + 1) : 1;
  localparam integer CNT_STAGE = 3;
  localparam integer CNT_LEVELS = N_THRESH > 1 ? $clog2(N_THRESH) : 0;
  localparam integer CNT_LAT = N_THRESH > 0 ? 1 + (CNT_LEVELS + CNT_STAGE - 1) / CNT_STAGE : 0;
  localparam integer CMP_W = (ACC_W > T_BITS ? ACC_W : T_BITS) + 1;

  // Output FIFO: issue-to-FIFO-write latency L_W; a credit is held L_W + 1
  // cycles, and vector folds end every SF cycles at full rate.
  localparam integer L_W = 3 + DOT_LAT + CNT_LAT;
  localparam integer FIFO_NEED = (L_W + SF) / SF + 1;
  localparam integer FA = FIFO_NEED > 2 ? $clog2(FIFO_NEED) : 1;
  localparam integer FIFO_DEPTH = 1 << FA;
  localparam [FA:0] FIFO_FULL = FIFO_DEPTH[FA:0];

  // ---------------------------------------------------------------- memories
  reg [WM_W-1:0] wmem [0:STEPS-1];
  initial $readmemh(WEIGHT_FILE, wmem);
  reg [IN_W-1:0] ibuf [0:SF-1];

  // ---------------------------------------------------------------- issue
  reg live;
  reg [SF_W-1:0] sf;
  reg [NF_W-1:0] nf;
  reg [ST_W-1:0] waddr;
  reg [FA:0] credits;
  wire last_step = sf == SF_LAST;
  wire fresh = nf == {NF_W{1'b0}};
  wire room = !last_step || credits != FIFO_FULL;
  wire issue = live && room && (!fresh || s_tvalid);
  wire pop = m_tvalid && m_tready;
  assign s_tready = live && fresh && room;

  always @(posedge clk) begin
    if (!rst_n) begin
      live <= 1'b0;
      sf <= {SF_W{1'b0}};
      nf <= {NF_W{1'b0}};
      waddr <= {ST_W{1'b0}};
      credits <= {(FA + 1){1'b0}};
    end else begin
      live <= 1'b1;
      if (issue) begin
        sf <= last_step ? {SF_W{1'b0}} : sf + 1'b1;
        if (last_step) nf <= nf == NF_LAST ? {NF_W{1'b0}} : nf + 1'b1;
        waddr <= waddr == ST_LAST ? {ST_W{1'b0}} : waddr + 1'b1;
      end
      credits <= credits + {{FA{1'b0}}, issue && last_step} - {{FA{1'b0}}, pop};
    end
  end

  // ---------------------------------------------------------------- S1
  reg [WM_W-1:0] w1;
  reg [IN_W-1:0] x1;
  reg [IN_W-1:0] b1;
  reg sel1;
  reg [2:0] ctl1;  // {last sf, first sf, valid}
  always @(posedge clk) begin
    w1 <= wmem[waddr];
    if (issue && fresh) ibuf[sf] <= s_tdata;
    b1 <= ibuf[sf];
    x1 <= s_tdata;
    sel1 <= fresh;
  end
  always @(posedge clk) begin
    if (!rst_n) ctl1 <= 3'b000;
    else ctl1 <= {last_step, sf == {SF_W{1'b0}}, issue};
  end
  wire [IN_W-1:0] act = sel1 ? x1 : b1;

  // Control delayed to the dot products (DOT_LAT registers).
  reg [DOT_LAT*3-1:0] cpipe;
  wire [(DOT_LAT+1)*3-1:0] cchain = {cpipe, ctl1};
  always @(posedge clk) begin
    if (!rst_n) cpipe <= {(DOT_LAT * 3){1'b0}};
    else cpipe <= cchain[DOT_LAT*3-1:0];
  end
  wire v_d = cchain[DOT_LAT*3];
  wire first_d = cchain[DOT_LAT*3+1];
  wire last_d = cchain[DOT_LAT*3+2];

  // ---------------------------------------------------------------- dot products
  wire [PE*ACC_W-1:0] dot;
  genvar p, s, j;
  generate
    for (p = 0; p < PE; p = p + 1) begin : g_pe
      wire [SIMD*P_W-1:0] prods;
      for (s = 0; s < SIMD; s = s + 1) begin : g_lane
        wire [A_BITS-1:0] a = act[s*A_BITS +: A_BITS];
        wire [W_BITS-1:0] w = w1[(p*SIMD + s)*W_BITS +: W_BITS];
        wire [P_W-1:0] prod;
        if (XNOR != 0) begin : g_xnor
          assign prod = ~(a[0] ^ w[0]);
        end else if (P_SIGNED == 0) begin : g_unsigned
          if (W_BITS == 1) begin : g_wbin
            assign prod = w[0] ? {{W_BITS{1'b0}}, a} : {P_W{1'b0}};
          end else if (A_BITS == 1) begin : g_abin
            assign prod = a[0] ? {{A_BITS{1'b0}}, w} : {P_W{1'b0}};
          end else begin : g_mul
            wire [P_W-1:0] au = {{W_BITS{1'b0}}, a};
            wire [P_W-1:0] wu = {{A_BITS{1'b0}}, w};
            assign prod = au * wu;
          end
        end else begin : g_signed
          // Signed P_W-bit products (P_W > A_BITS, W_BITS); a bipolar or 0/1
          // operand selects the other one (or its negation, or 0).
          if (W_BIPOLAR != 0 && A_BIPOLAR != 0) begin : g_bb
            assign prod = {{(P_W - 1){a[0] ^ w[0]}}, 1'b1};
          end else if (W_BIPOLAR != 0 || (W_BITS == 1 && W_SIGNED == 0)) begin : g_wsel
            wire [P_W-1:0] av = A_BIPOLAR != 0 ? {{(P_W - 1){~a[0]}}, 1'b1} : {{(P_W - A_BITS){A_SIGNED != 0 && a[A_BITS-1]}}, a};
            wire [P_W-1:0] off = W_BIPOLAR != 0 ? {P_W{1'b0}} - av : {P_W{1'b0}};
            assign prod = w[0] ? av : off;
          end else if (A_BIPOLAR != 0 || (A_BITS == 1 && A_SIGNED == 0)) begin : g_asel
            wire [P_W-1:0] wv = {{(P_W - W_BITS){W_SIGNED != 0 && w[W_BITS-1]}}, w};
            wire [P_W-1:0] off = A_BIPOLAR != 0 ? {P_W{1'b0}} - wv : {P_W{1'b0}};
            assign prod = a[0] ? wv : off;
          end else begin : g_mul
            wire [P_W-1:0] av = {{(P_W - A_BITS){A_SIGNED != 0 && a[A_BITS-1]}}, a};
            wire [P_W-1:0] wv = {{(P_W - W_BITS){W_SIGNED != 0 && w[W_BITS-1]}}, w};
            assign prod = av * wv;
          end
        end
        assign prods[s*P_W +: P_W] = prod;
      end
      finch_mvau_sum #(
        .N(SIMD), .IN_W(P_W), .SIGNED(P_SIGNED), .OUT_W(ACC_W), .STAGE(TREE_STAGE)
      ) u_tree (
        .clk(clk), .in(prods), .out(dot[p*ACC_W +: ACC_W])
      );
    end
  endgenerate

  // ---------------------------------------------------------------- accumulate
  reg [PE*ACC_W-1:0] acc;
  reg [PE*ACC_W-1:0] accf;
  reg vf;
  wire [PE*ACC_W-1:0] acc_next;
  generate
    for (p = 0; p < PE; p = p + 1) begin : g_acc
      assign acc_next[p*ACC_W +: ACC_W] = (first_d ? {ACC_W{1'b0}} : acc[p*ACC_W +: ACC_W]) + dot[p*ACC_W +: ACC_W];
    end
  endgenerate
  always @(posedge clk) begin
    if (v_d) acc <= acc_next;
    accf <= acc_next;
  end
  always @(posedge clk) begin
    if (!rst_n) vf <= 1'b0;
    else vf <= v_d && last_d;
  end

  // ---------------------------------------------------------------- activation
  wire [OUT_W-1:0] elems;
  wire fifo_wen;
  generate
    if (N_THRESH > 0) begin : g_thresh
      reg [TM_W-1:0] tmem [0:NF-1];
      initial $readmemh(THRESH_FILE, tmem);
      // The output fold: folds finish in order, so a counter gives the address.
      reg [NF_W-1:0] ofold;
      reg [TM_W-1:0] tq;
      always @(posedge clk) begin
        if (!rst_n) ofold <= {NF_W{1'b0}};
        else if (v_d && last_d) ofold <= ofold == NF_LAST ? {NF_W{1'b0}} : ofold + 1'b1;
      end
      always @(posedge clk) tq <= tmem[ofold];

      reg [CNT_LAT-1:0] vpipe;
      wire [CNT_LAT:0] vchain = {vpipe, vf};
      always @(posedge clk) begin
        if (!rst_n) vpipe <= {CNT_LAT{1'b0}};
        else vpipe <= vchain[CNT_LAT-1:0];
      end
      assign fifo_wen = vchain[CNT_LAT];

      for (p = 0; p < PE; p = p + 1) begin : g_pe
        wire [ACC_W-1:0] a = accf[p*ACC_W +: ACC_W];
        wire signed [CMP_W-1:0] ax = {{(CMP_W - ACC_W){a[ACC_W-1]}}, a};
        wire [N_THRESH-1:0] ge;
        for (j = 0; j < N_THRESH; j = j + 1) begin : g_cmp
          wire [T_BITS-1:0] t = tq[(p*N_THRESH + j)*T_BITS +: T_BITS];
          wire signed [CMP_W-1:0] tx = {{(CMP_W - T_BITS){t[T_BITS-1]}}, t};
          assign ge[j] = ax >= tx;
        end
        wire [CNT_W-1:0] count;
        finch_mvau_sum #(
          .N(N_THRESH), .IN_W(1), .SIGNED(0), .OUT_W(CNT_W), .STAGE(CNT_STAGE)
        ) u_count (
          .clk(clk), .in(ge), .out(count)
        );
        if (O_BIPOLAR != 0) begin : g_bipolar
          wire signed [31:0] value = OUT_SCALE * $signed({{(32 - CNT_W){1'b0}}, count}) + OUT_BIAS;
          assign elems[p*O_BITS +: O_BITS] = {{(O_BITS - 1){1'b0}}, value > 0};
        end else if (CNT_W <= O_BITS) begin : g_level
          // OUT_SCALE*count + OUT_BIAS modulo 2^O_BITS: the element's encoding.
          localparam [O_BITS-1:0] BIAS = OUT_BIAS[O_BITS-1:0];
          wire [O_BITS-1:0] c;
          if (O_BITS > CNT_W) begin : g_ext
            assign c = {{(O_BITS - CNT_W){1'b0}}, count};
          end else begin : g_keep
            assign c = count;
          end
          if (OUT_SCALE == 1) begin : g_unit
            assign elems[p*O_BITS +: O_BITS] = c + BIAS;
          end else begin : g_scaled
            localparam [O_BITS-1:0] SCALE = OUT_SCALE[O_BITS-1:0];
            assign elems[p*O_BITS +: O_BITS] = c * SCALE + BIAS;
          end
        end else begin : g_narrow
          // More thresholds than O_BITS can count: only the low bits of the
          // count reach the element (modulo arithmetic, as its encoding).
          localparam [O_BITS-1:0] SCALE = OUT_SCALE[O_BITS-1:0];
          localparam [O_BITS-1:0] BIAS = OUT_BIAS[O_BITS-1:0];
          /* verilator lint_off UNUSEDSIGNAL */  // high count bits drop out modulo 2^O_BITS
          wire [CNT_W-1:0] count_full = count;
          /* verilator lint_on UNUSEDSIGNAL */
          assign elems[p*O_BITS +: O_BITS] = count_full[O_BITS-1:0] * SCALE + BIAS;
        end
      end
    end else begin : g_raw
      assign fifo_wen = vf;
      // Element = acc, or 2*acc - MW (the bipolar dot product) in XNOR mode.
      localparam integer VX = XNOR != 0 ? ACC_W + 1 : ACC_W;
      localparam [VX-1:0] MW_C = MW[VX-1:0];
      for (p = 0; p < PE; p = p + 1) begin : g_pe
        wire [ACC_W-1:0] a = accf[p*ACC_W +: ACC_W];
        wire [VX-1:0] v;
        if (XNOR != 0) begin : g_dot
          assign v = {a, 1'b0} - MW_C;
        end else begin : g_acc
          assign v = a;
        end
        if (O_BITS > VX) begin : g_wide
          assign elems[p*O_BITS +: O_BITS] = {{(O_BITS - VX){v[VX-1]}}, v};
        end else if (O_BITS == VX) begin : g_same
          assign elems[p*O_BITS +: O_BITS] = v;
        end else begin : g_narrow
          // The output type holds every value, so the dropped high bits are
          // sign (or zero) copies.
          /* verilator lint_off UNUSEDSIGNAL */
          wire [VX-1:0] v_full = v;
          /* verilator lint_on UNUSEDSIGNAL */
          assign elems[p*O_BITS +: O_BITS] = v_full[O_BITS-1:0];
        end
      end
    end
  endgenerate

  // ---------------------------------------------------------------- output FIFO
  reg [OUT_W-1:0] fmem [0:FIFO_DEPTH-1];
  reg [FA:0] wp;
  reg [FA:0] rp;
  always @(posedge clk) begin
    if (fifo_wen) fmem[wp[FA-1:0]] <= elems;
  end
  always @(posedge clk) begin
    if (!rst_n) begin
      wp <= {(FA + 1){1'b0}};
      rp <= {(FA + 1){1'b0}};
    end else begin
      if (fifo_wen) wp <= wp + 1'b1;
      if (pop) rp <= rp + 1'b1;
    end
  end
  assign m_tvalid = wp != rp;
  assign m_tdata = fmem[rp[FA-1:0]];
endmodule

// A balanced adder tree: out = the sum of the N elements of `in` (IN_W bits
// each, two's complement when SIGNED, else unsigned) modulo 2^OUT_W
// (OUT_W >= IN_W). Level l adds pairs of level l-1 (an odd last node passes
// through) in IN_W + l bits, capped at OUT_W. The inputs are registered, and
// every STAGE-th level and the last one (STAGE >= 1): latency
// 1 + ceil(clog2(N)/STAGE) cycles. It lives in finch_mvau.v so that the library
// copies it with the only module that uses it.
/* verilator lint_off DECLFILENAME */  // a helper of finch_mvau, in finch_mvau's file on purpose
module finch_mvau_sum #(
  parameter integer N = 1,
  parameter integer IN_W = 1,
  parameter integer SIGNED = 0,
  parameter integer OUT_W = 1,
  parameter integer STAGE = 1
) (
  input wire clk,
  input wire [N*IN_W-1:0] in,
  output wire [OUT_W-1:0] out
);
  localparam integer LEVELS = N > 1 ? $clog2(N) : 0;

  function integer nodes(input integer l);
    nodes = (N + (1 << l) - 1) >> l;
  endfunction

  function integer width(input integer l);
    width = IN_W + l < OUT_W ? IN_W + l : OUT_W;
  endfunction

  function integer offset(input integer l);
    integer k;
    begin
      offset = 0;
      for (k = 0; k < l; k = k + 1) offset = offset + nodes(k) * width(k);
    end
  endfunction

  localparam integer TOTAL = offset(LEVELS + 1);
  localparam integer TOP_W = width(LEVELS);
  localparam integer TOP = offset(LEVELS);

  wire [TOP_W-1:0] top;
  genvar l, i;
  generate
    if (LEVELS == 0) begin : g_one
      reg [IN_W-1:0] q;
      always @(posedge clk) q <= in;
      assign top = q;
    end else begin : g_tree
      // All levels in one vector; split_var tells Verilator the levels are
      // separate signals (otherwise it reports a false combinational loop).
      wire [TOTAL-1:0] tree /* verilator split_var */;
      for (l = 0; l <= LEVELS; l = l + 1) begin : g_level
        localparam integer NN = nodes(l);
        localparam integer NW = width(l);
        localparam integer BASE = offset(l);
        wire [NN*NW-1:0] sum;
        if (l == 0) begin : g_leaf
          assign sum = in;
        end else begin : g_add
          localparam integer CN = nodes(l - 1);
          localparam integer CW = width(l - 1);
          localparam integer CBASE = offset(l - 1);
          for (i = 0; i < NN; i = i + 1) begin : g_node
            wire [CW-1:0] a = tree[CBASE + 2*i*CW +: CW];
            wire [NW-1:0] ax;
            if (NW > CW) begin : g_ext
              assign ax = {{(NW - CW){SIGNED != 0 && a[CW-1]}}, a};
            end else begin : g_keep
              assign ax = a;
            end
            if (2*i + 1 < CN) begin : g_pair
              wire [CW-1:0] b = tree[CBASE + (2*i + 1)*CW +: CW];
              wire [NW-1:0] bx;
              if (NW > CW) begin : g_ext
                assign bx = {{(NW - CW){SIGNED != 0 && b[CW-1]}}, b};
              end else begin : g_keep
                assign bx = b;
              end
              assign sum[i*NW +: NW] = ax + bx;
            end else begin : g_single
              assign sum[i*NW +: NW] = ax;
            end
          end
        end
        if (l == 0 || l == LEVELS || l % STAGE == 0) begin : g_reg
          reg [NN*NW-1:0] q;
          always @(posedge clk) q <= sum;
          assign tree[BASE +: NN*NW] = q;
        end else begin : g_comb
          assign tree[BASE +: NN*NW] = sum;
        end
      end
      assign top = tree[TOP +: TOP_W];
    end
  endgenerate

  generate
    if (OUT_W > TOP_W) begin : g_ext
      assign out = {{(OUT_W - TOP_W){SIGNED != 0 && top[TOP_W-1]}}, top};
    end else begin : g_keep
      assign out = top;
    end
  endgenerate
endmodule
/* verilator lint_on DECLFILENAME */
