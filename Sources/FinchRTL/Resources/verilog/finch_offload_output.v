// finch_offload_output: the offload engine's output stage, combinational. Per
// PE lane: with thresholds, the level `scale*count + bias` (count: thresholds
// <= the accumulator, signed) in A_BITS; without, `scale*acc + bias` in
// T_BITS. Lanes whose `lane_valid` bit is clear (channels past out_channels)
// are 0.
module finch_offload_output #(
  parameter integer PE = 1,
  parameter integer A_BITS = 1,
  parameter integer T_BITS = 16
) (
  input wire [PE*T_BITS-1:0] acc,
  input wire [PE*((1 << A_BITS) - 1)*T_BITS-1:0] thresholds,
  input wire [31:0] scale,
  input wire [31:0] bias,
  input wire [PE-1:0] lane_valid,
  output wire [PE*A_BITS-1:0] levels,
  output wire [PE*T_BITS-1:0] values
);
  localparam integer NT = (1 << A_BITS) - 1;
  genvar p;
  generate
    for (p = 0; p < PE; p = p + 1) begin : g_pe
      wire signed [T_BITS-1:0] a = acc[p*T_BITS +: T_BITS];
      reg [A_BITS-1:0] count;
      integer j;
      always @* begin
        count = {A_BITS{1'b0}};
        for (j = 0; j < NT; j = j + 1)
          if ($signed(thresholds[(p*NT + j)*T_BITS +: T_BITS]) <= a) count = count + 1'b1;
      end
      wire [A_BITS-1:0] level = scale[A_BITS-1:0] * count + bias[A_BITS-1:0];
      wire [T_BITS-1:0] value = scale[T_BITS-1:0] * acc[p*T_BITS +: T_BITS] + bias[T_BITS-1:0];
      assign levels[p*A_BITS +: A_BITS] = lane_valid[p] ? level : {A_BITS{1'b0}};
      assign values[p*T_BITS +: T_BITS] = lane_valid[p] ? value : {T_BITS{1'b0}};
    end
  endgenerate
endmodule
