// Concatenation of two streams along channels: per pixel, W0 words from s0
// then W1 words from s1 (WIDTH bits each: PE lanes), through an output
// register. Only the input whose turn it is is ready, when the register is
// free or leaving.
module finch_concat #(
  parameter integer WIDTH = 8,
  parameter integer W0 = 1,
  parameter integer W1 = 1
) (
  input wire clk,
  input wire rst_n,
  input wire [WIDTH-1:0] s0_tdata,
  input wire s0_tvalid,
  output wire s0_tready,
  input wire [WIDTH-1:0] s1_tdata,
  input wire s1_tvalid,
  output wire s1_tready,
  output reg [WIDTH-1:0] m_tdata,
  output reg m_tvalid,
  input wire m_tready
);
  localparam integer CW = $clog2((W0 > W1 ? W0 : W1) + 1);

  reg second;
  reg [CW-1:0] count;
  wire free = !m_tvalid || m_tready;
  wire take = second ? s1_tvalid && free : s0_tvalid && free;
  wire last = second ? count == W1 - 1 : count == W0 - 1;

  assign s0_tready = !second && free;
  assign s1_tready = second && free;

  always @(posedge clk) begin
    if (take) m_tdata <= second ? s1_tdata : s0_tdata;
  end

  always @(posedge clk) begin
    if (!rst_n) begin
      m_tvalid <= 1'b0;
      second <= 1'b0;
      count <= 0;
    end else begin
      m_tvalid <= take || (m_tvalid && !m_tready);
      if (take) begin
        count <= last ? 0 : count + 1'b1;
        if (last) second <= !second;
      end
    end
  end
endmodule
