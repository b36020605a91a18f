// Data-width converter: re-packs a stream of ELEM_W-bit elements from IN_W-bit
// words into OUT_W-bit words, element order preserved (element 0 in the least
// significant bits). Both widths must be multiples of the element width;
// any ratio works.
module finch_dwc #(
  parameter integer IN_W = 8,
  parameter integer OUT_W = 8
) (
  input wire clk,
  input wire rst_n,
  input wire [IN_W-1:0] s_tdata,
  input wire s_tvalid,
  output wire s_tready,
  output wire [OUT_W-1:0] m_tdata,
  output wire m_tvalid,
  input wire m_tready
);
  generate
    if (IN_W == OUT_W) begin : g_pass
      assign m_tdata = s_tdata;
      assign m_tvalid = s_tvalid;
      assign s_tready = m_tready;
      // clk and rst_n are unused in the pass-through case.
      wire unused_ok = &{1'b0, clk, rst_n};
    end else begin : g_convert
      // The buffer holds up to IN_W + OUT_W bits; `fill` counts the valid ones.
      localparam integer CAP = IN_W + OUT_W;
      localparam integer FW = $clog2(CAP + 1);
      localparam [FW-1:0] IN_BITS = IN_W[FW-1:0];
      localparam [FW-1:0] OUT_BITS = OUT_W[FW-1:0];
      localparam [FW-1:0] ROOM = CAP[FW-1:0] - IN_W[FW-1:0];
      reg [CAP-1:0] buffer;
      reg [FW-1:0] fill;
      wire pop = m_tvalid && m_tready;
      wire push = s_tvalid && s_tready;
      wire [FW-1:0] kept = pop ? fill - OUT_BITS : fill;
      wire [CAP-1:0] shifted = pop ? buffer >> OUT_W : buffer;
      wire [CAP-1:0] incoming = {{OUT_W{1'b0}}, s_tdata} << kept;
      assign m_tvalid = fill >= OUT_BITS;
      assign m_tdata = buffer[OUT_W-1:0];
      assign s_tready = kept <= ROOM;
      always @(posedge clk) begin
        if (!rst_n) begin
          buffer <= {CAP{1'b0}};
          fill <= {FW{1'b0}};
        end else begin
          buffer <= push ? shifted | incoming : shifted;
          fill <= push ? kept + IN_BITS : kept;
        end
      end
    end
  endgenerate
endmodule
