// Thresholding as a table: each of the PE lanes looks its input element up in
// a ROM of precomputed output elements (LEVEL_FILE), addressed by
// (channel group, input encoding). Entry (lane p, group g, input v) sits at
// p*DEPTH + g*2^I_BITS + v, DEPTH = GROUPS*2^I_BITS, GROUPS = 1 when all
// channels share their thresholds (SHARED) and C/PE otherwise. One word per cycle.
module finch_thresholding #(
  parameter integer C = 1,
  parameter integer PE = 1,
  parameter integer I_BITS = 8,
  parameter integer O_BITS = 1,
  parameter integer SHARED = 1,
  parameter LEVEL_FILE = "levels.mem"
) (
  input wire clk,
  input wire rst_n,
  input wire [PE*I_BITS-1:0] s_tdata,
  input wire s_tvalid,
  output wire s_tready,
  output reg [PE*O_BITS-1:0] m_tdata,
  output reg m_tvalid,
  input wire m_tready
);
  localparam integer NF = C / PE;
  localparam integer GROUPS = SHARED != 0 ? 1 : NF;
  localparam integer DEPTH = GROUPS << I_BITS;
  localparam integer GW = NF > 1 ? $clog2(NF) : 1;
  localparam integer AW = PE * DEPTH > 1 ? $clog2(PE * DEPTH) : 1;
  localparam [GW-1:0] LAST_GROUP = NF[GW-1:0] - 1'b1;

  reg [O_BITS-1:0] rom [0:PE*DEPTH-1];
  initial $readmemh(LEVEL_FILE, rom);

  reg [GW-1:0] group;
  // With shared thresholds the lanes ignore the channel group.
  wire unused_group = &{1'b0, group};
  wire enable = !m_tvalid || m_tready;
  assign s_tready = enable;

  wire [PE*O_BITS-1:0] looked_up;
  genvar p;
  generate
    for (p = 0; p < PE; p = p + 1) begin : g_lane
      localparam integer BASE = p * DEPTH;
      wire [AW-1:0] base = BASE[AW-1:0];
      wire [I_BITS-1:0] value = s_tdata[p*I_BITS +: I_BITS];
      wire [AW-1:0] offset;
      wire [AW-1:0] row;
      if (AW > I_BITS) begin : g_pad
        assign offset = {{(AW - I_BITS){1'b0}}, value};
      end else begin : g_exact
        assign offset = value;
      end
      if (SHARED != 0 || NF <= 1) begin : g_shared
        assign row = {AW{1'b0}};
      end else begin : g_grouped
        assign row = {{(AW - GW){1'b0}}, group} << I_BITS;
      end
      assign looked_up[p*O_BITS +: O_BITS] = rom[base + row + offset];
    end
  endgenerate

  always @(posedge clk) begin
    if (!rst_n) begin
      m_tvalid <= 1'b0;
      m_tdata <= {(PE * O_BITS){1'b0}};
      group <= {GW{1'b0}};
    end else if (enable) begin
      m_tvalid <= s_tvalid;
      if (s_tvalid) begin
        m_tdata <= looked_up;
        group <= (NF <= 1 || group == LAST_GROUP) ? {GW{1'b0}} : group + 1'b1;
      end
    end
  end
endmodule
