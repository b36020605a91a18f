// finch_offload_divide: sequential restoring division of an N-bit numerator by
// the constant DIVISOR, one quotient bit per cycle: `start` loads, `ready`
// rises N cycles later with quotient and remainder (held until the next start).
module finch_offload_divide #(
  parameter integer N = 24,
  parameter integer DIVISOR = 1
) (
  input wire clk,
  input wire rst_n,
  input wire start,
  input wire [N-1:0] numerator,
  output reg [N-1:0] quotient,
  output reg [N-1:0] remainder,
  output wire ready
);
  localparam integer CW = $clog2(N + 1);
  reg [N-1:0] rest;
  reg [CW-1:0] steps;
  wire [N:0] trial = {remainder, rest[N-1]};
  wire fits = trial >= DIVISOR;
  assign ready = steps == {CW{1'b0}};
  always @(posedge clk) begin
    if (!rst_n) begin
      steps <= {CW{1'b0}};
    end else if (start) begin
      rest <= numerator;
      remainder <= {N{1'b0}};
      quotient <= {N{1'b0}};
      steps <= N[CW-1:0];
    end else if (!ready) begin
      rest <= rest << 1;
      remainder <= fits ? trial - DIVISOR : trial[N-1:0];
      quotient <= {quotient[N-2:0], fits};
      steps <= steps - 1'b1;
    end
  end
endmodule
