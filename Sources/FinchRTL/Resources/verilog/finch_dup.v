// Fan-out: every input word leaves on both outputs. A register per output
// holds the word until that output takes it; the next word is taken once
// both have taken (or take in this cycle) the last.
module finch_dup #(
  parameter integer WIDTH = 8
) (
  input wire clk,
  input wire rst_n,
  input wire [WIDTH-1:0] s_tdata,
  input wire s_tvalid,
  output wire s_tready,
  output wire [WIDTH-1:0] m0_tdata,
  output wire m0_tvalid,
  input wire m0_tready,
  output wire [WIDTH-1:0] m1_tdata,
  output wire m1_tvalid,
  input wire m1_tready
);
  reg [WIDTH-1:0] data;
  reg valid0, valid1;

  wire push = s_tvalid && s_tready;

  assign s_tready = (!valid0 || m0_tready) && (!valid1 || m1_tready);
  assign m0_tdata = data;
  assign m1_tdata = data;
  assign m0_tvalid = valid0;
  assign m1_tvalid = valid1;

  always @(posedge clk) begin
    if (push) data <= s_tdata;
  end

  always @(posedge clk) begin
    if (!rst_n) begin
      valid0 <= 1'b0;
      valid1 <= 1'b0;
    end else begin
      valid0 <= push || (valid0 && !m0_tready);
      valid1 <= push || (valid1 && !m1_tready);
    end
  end
endmodule
