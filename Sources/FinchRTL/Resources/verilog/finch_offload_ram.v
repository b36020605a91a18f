// finch_offload_ram: a simple dual-port RAM of DEPTH words of WIDTH bits, one
// write port and one registered read port (read data the cycle after the
// address), written so synthesis infers block RAM. The offload engine's
// weight, threshold, window and pool buffers are instances of it.
module finch_offload_ram #(
  parameter integer WIDTH = 8,
  parameter integer DEPTH = 16
) (
  input wire clk,
  input wire we,
  input wire [(DEPTH > 1 ? $clog2(DEPTH) : 1)-1:0] waddr,
  input wire [WIDTH-1:0] wdata,
  input wire [(DEPTH > 1 ? $clog2(DEPTH) : 1)-1:0] raddr,
  output reg [WIDTH-1:0] rdata
);
  reg [WIDTH-1:0] mem [0:DEPTH-1];
  always @(posedge clk) begin
    if (we) mem[waddr] <= wdata;
    rdata <= mem[raddr];
  end
endmodule
