// finch_offload_mac: the offload engine's MAC array, combinational. For each
// of PE lanes, the sum over SIMD lanes of weight (p, s) times window element
// s, wrapped to T_BITS (two's complement), with the lane arithmetic the call's
// mode selects (Docs/offload.md §1): XNOR adds `w XNOR a` on bit 0; otherwise
// weights are bipolar (bit 0: 1 = +1, 0 = -1) or two's complement, inputs
// bipolar, two's complement or unsigned.
//
// Each PE sums one term per lane in a balanced tree (finch_offload_sum). With
// 1-bit weights there is no multiplier: a lane's term is `w XNOR a` (XNOR) or
// `w ? v : 0`, and with m the PE's sum and S the sum of all SIMD input values
// (one tree shared by every PE), bipolar weights give `2m - S` and two's
// complement ones (1 = -1) give `-m`. Wider weights multiply per lane.
module finch_offload_mac #(
  parameter integer PE = 1,
  parameter integer SIMD = 1,
  parameter integer W_BITS = 1,
  parameter integer A_BITS = 1,
  parameter integer T_BITS = 16
) (
  input wire [PE*SIMD*W_BITS-1:0] weights,
  input wire [SIMD*A_BITS-1:0] window,
  input wire xnor_mode,
  input wire bipolar_weights,
  input wire bipolar_inputs,
  input wire signed_inputs,
  output wire [PE*T_BITS-1:0] sums
);
  localparam integer AV = A_BITS + 1;                 // decoded input value, signed
  localparam integer WV = W_BITS > 1 ? W_BITS : 2;    // decoded weight value, signed
  localparam integer IW = W_BITS == 1 ? AV : AV + WV; // one lane's term
  localparam integer SW = IW + $clog2(SIMD);          // a sum of SIMD terms
  localparam integer RW = SW + 2;                     // the PE's result, before wrapping
  localparam integer XW = RW > T_BITS ? RW : T_BITS;

  // Inputs decode once for every PE lane.
  wire [SIMD*AV-1:0] values;
  genvar p, s;
  generate
    for (s = 0; s < SIMD; s = s + 1) begin : g_input
      wire [A_BITS-1:0] a = window[s*A_BITS +: A_BITS];
      assign values[s*AV +: AV] = bipolar_inputs ? (a[0] ? {{(AV - 1){1'b0}}, 1'b1} : {AV{1'b1}})
        : signed_inputs ? {a[A_BITS-1], a} : {1'b0, a};
    end
    wire [AV+$clog2(SIMD)-1:0] all;
    if (W_BITS == 1) begin : g_all
      finch_offload_sum #(.N(SIMD), .IW(AV)) shared (.terms(values), .total(all));
    end else begin : g_no_all
      assign all = {(AV + $clog2(SIMD)){1'b0}};
    end
    for (p = 0; p < PE; p = p + 1) begin : g_pe
      wire [SIMD*IW-1:0] terms;
      for (s = 0; s < SIMD; s = s + 1) begin : g_term
        wire [W_BITS-1:0] w = weights[(p*SIMD + s)*W_BITS +: W_BITS];
        wire [IW-1:0] match = {{(IW - 1){1'b0}}, ~(w[0] ^ window[s*A_BITS])};
        if (W_BITS == 1) begin : g_select
          assign terms[s*IW +: IW] = xnor_mode ? match : w[0] ? values[s*AV +: AV] : {IW{1'b0}};
        end else begin : g_multiply
          wire signed [WV-1:0] wd = bipolar_weights ? (w[0] ? {{(WV - 1){1'b0}}, 1'b1} : {WV{1'b1}}) : w;
          wire signed [IW-1:0] product = wd * $signed(values[s*AV +: AV]);
          assign terms[s*IW +: IW] = xnor_mode ? match : product;
        end
      end
      wire [SW-1:0] mine;
      finch_offload_sum #(.N(SIMD), .IW(IW)) tree (.terms(terms), .total(mine));
      wire signed [RW-1:0] m = {{2{mine[SW-1]}}, mine};
      wire signed [RW-1:0] total = W_BITS > 1 || xnor_mode ? m
        : bipolar_weights ? (m <<< 1) - $signed({{(RW - AV - $clog2(SIMD)){all[AV+$clog2(SIMD)-1]}}, all}) : -m;
      wire [XW-1:0] wide = {{(XW - RW){total[RW-1]}}, total};
      assign sums[p*T_BITS +: T_BITS] = wide[T_BITS-1:0];
    end
  endgenerate
endmodule
