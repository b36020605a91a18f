// A synchronous FIFO of DEPTH words of WIDTH bits (first word falls through).
// Memory is written so synthesis can use LUTRAM (or block RAM when deep).
module finch_fifo #(
  parameter integer WIDTH = 8,
  parameter integer DEPTH = 2
) (
  input wire clk,
  input wire rst_n,
  input wire [WIDTH-1:0] s_tdata,
  input wire s_tvalid,
  output wire s_tready,
  output wire [WIDTH-1:0] m_tdata,
  output wire m_tvalid,
  input wire m_tready
);
  localparam integer AW = DEPTH > 1 ? $clog2(DEPTH) : 1;
  localparam [AW:0] FULL = DEPTH[AW:0];
  localparam [AW-1:0] LAST = DEPTH[AW-1:0] - 1'b1;

  reg [WIDTH-1:0] mem [0:DEPTH-1];
  reg [AW-1:0] rd;
  reg [AW-1:0] wr;
  reg [AW:0] count;

  wire push = s_tvalid && s_tready;
  wire pop = m_tvalid && m_tready;

  assign s_tready = count != FULL;
  assign m_tvalid = count != {(AW + 1){1'b0}};
  assign m_tdata = mem[rd];

  always @(posedge clk) begin
    if (push) mem[wr] <= s_tdata;
  end

  always @(posedge clk) begin
    if (!rst_n) begin
      rd <= {AW{1'b0}};
      wr <= {AW{1'b0}};
      count <= {(AW + 1){1'b0}};
    end else begin
      if (push) wr <= wr == LAST ? {AW{1'b0}} : wr + 1'b1;
      if (pop) rd <= rd == LAST ? {AW{1'b0}} : rd + 1'b1;
      if (push && !pop) count <= count + 1'b1;
      else if (pop && !push) count <= count - 1'b1;
    end
  end
endmodule
