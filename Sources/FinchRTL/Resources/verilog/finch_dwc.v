// Data-width converter: re-packs a stream of elements from IN_W-bit words into
// OUT_W-bit words, element order preserved (element 0 in the least
// significant bits). Both widths must be multiples of the element width; any
// ratio works. Each case costs what its ratio needs:
// - equal widths: wires;
// - OUT_W a multiple of IN_W (gather): an OUT_W-bit register the input words
//   shift into, and a count;
// - IN_W a multiple of OUT_W (split): an IN_W-bit register loaded whole and
//   read a piece at a time through an AND-OR mux on a one-hot piece select;
// - any other ratio: an IN_W + OUT_W-bit buffer the input word is shifted into
//   at its fill, the output taken from the bottom.
// Every case passes one input word and one output word per cycle at full rate.
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
    end else if (OUT_W % IN_W == 0) begin : g_gather
      // `count` input words sit in the top of `buffer`; after OUT_W/IN_W of
      // them the first is at the bottom and the word is complete.
      localparam integer K = OUT_W / IN_W;
      localparam integer CW = $clog2(K + 1);
      localparam [CW-1:0] FULL = K[CW-1:0];
      reg [OUT_W-1:0] buffer;
      reg [CW-1:0] count;
      wire full = count == FULL;
      wire pop = full && m_tready;
      wire push = s_tvalid && s_tready;
      assign m_tvalid = full;
      assign m_tdata = buffer;
      assign s_tready = !full || m_tready;
      always @(posedge clk) begin
        if (push) buffer <= {s_tdata, buffer[OUT_W-1:IN_W]};
        if (!rst_n) count <= {CW{1'b0}};
        else if (pop) count <= {{(CW-1){1'b0}}, push};
        else if (push) count <= count + 1'b1;
      end
    end else if (IN_W % OUT_W == 0) begin : g_split
      // `select` is one-hot on the piece of the loaded word that is out
      // (zero when none is left); the output ORs the selected piece.
      localparam integer K = IN_W / OUT_W;
      reg [IN_W-1:0] buffer;
      reg [K-1:0] select;
      reg [OUT_W-1:0] piece;
      integer j;
      wire pop = m_tvalid && m_tready;
      wire push = s_tvalid && s_tready;
      always @* begin
        piece = {OUT_W{1'b0}};
        for (j = 0; j < K; j = j + 1) piece = piece | ({OUT_W{select[j]}} & buffer[j*OUT_W +: OUT_W]);
      end
      assign m_tvalid = |select;
      assign m_tdata = piece;
      assign s_tready = !m_tvalid || (select[K-1] && m_tready);
      always @(posedge clk) begin
        if (push) buffer <= s_tdata;
        if (!rst_n) select <= {K{1'b0}};
        else if (push) select <= {{(K-1){1'b0}}, 1'b1};
        else if (pop) select <= select << 1;
      end
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
