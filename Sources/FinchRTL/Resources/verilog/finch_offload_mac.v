// finch_offload_mac: the offload engine's MAC array, combinational. For each
// of PE lanes, the sum over SIMD lanes of weight (p, s) times window element
// s, wrapped to T_BITS (two's complement), with the lane arithmetic the call's
// mode selects (Docs/offload.md §1): XNOR adds `w XNOR a` on bit 0; otherwise
// weights are bipolar (bit 0: 1 = +1, 0 = -1) or two's complement, inputs
// bipolar, two's complement or unsigned.
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
  localparam integer AV = A_BITS + 2;           // decoded input value
  localparam integer WV = W_BITS + 2;           // decoded weight value
  localparam integer PV = AV + WV;              // product
  localparam integer SV = PV + $clog2(SIMD + 1);  // sum over SIMD lanes
  localparam integer XW = SV > T_BITS ? SV : T_BITS;

  // Inputs decode once for every PE lane.
  wire [SIMD*AV-1:0] values;
  genvar p, s;
  generate
    for (s = 0; s < SIMD; s = s + 1) begin : g_input
      wire [A_BITS-1:0] a = window[s*A_BITS +: A_BITS];
      assign values[s*AV +: AV] = bipolar_inputs ? (a[0] ? {{(AV - 1){1'b0}}, 1'b1} : {AV{1'b1}})
        : signed_inputs ? {{2{a[A_BITS-1]}}, a} : {2'b00, a};
    end
    for (p = 0; p < PE; p = p + 1) begin : g_pe
      reg signed [SV-1:0] total;
      integer i;
      always @* begin
        total = {SV{1'b0}};
        for (i = 0; i < SIMD; i = i + 1) begin
          if (xnor_mode) begin
            total = total + {{(SV - 1){1'b0}}, ~(weights[(p*SIMD + i)*W_BITS] ^ window[i*A_BITS])};
          end else begin
            total = total + $signed(decode(weights[(p*SIMD + i)*W_BITS +: W_BITS], bipolar_weights))
              * $signed(values[i*AV +: AV]);
          end
        end
      end
      wire [XW-1:0] wide = {{(XW - SV){total[SV-1]}}, total};
      assign sums[p*T_BITS +: T_BITS] = wide[T_BITS-1:0];
    end
  endgenerate

  function [WV-1:0] decode(input [W_BITS-1:0] w, input bipolar);
    decode = bipolar ? (w[0] ? {{(WV - 1){1'b0}}, 1'b1} : {WV{1'b1}}) : {{2{w[W_BITS-1]}}, w};
  endfunction
endmodule
