// finch_offload_pack: the offload engine's write width converter. Packs
// `groups` input words per output pixel, each `group_bits` wide (the low bits
// of s_data; the rest must be 0), into memory words low bits first, and ends
// each pixel's tile on a word boundary (the last word zero-padded), so a tile
// is ceil(groups * group_bits / WORD_BITS) words. Per call settings; `clear`
// restarts at a tile boundary. Handshakes on both sides; m_data is a register.
module finch_offload_pack #(
  parameter integer WORD_BITS = 64,
  parameter integer IN_BITS = 8,
  parameter integer CW = 24
) (
  input wire clk,
  input wire clear,
  input wire [CW-1:0] groups,
  input wire [15:0] group_bits,
  input wire [IN_BITS-1:0] s_data,
  input wire s_valid,
  output wire s_ready,
  output reg [WORD_BITS-1:0] m_data,
  output reg m_valid,
  input wire m_ready
);
  localparam integer BUF = WORD_BITS + IN_BITS;
  localparam integer FW = $clog2(BUF + 1);

  reg [BUF-1:0] buffer;
  reg [FW-1:0] fill;
  reg [CW-1:0] taken;  // groups taken into this tile

  wire complete = taken == groups;
  wire room = !m_valid || m_ready;
  wire emit = room && (fill >= WORD_BITS || (complete && fill != {FW{1'b0}}));
  wire [BUF-1:0] shifted = emit ? buffer >> WORD_BITS : buffer;
  wire [FW-1:0] left = !emit ? fill : fill >= WORD_BITS ? fill - WORD_BITS[FW-1:0] : {FW{1'b0}};
  // The emit that ends a tile empties the buffer: the next tile's first group
  // may come in the same cycle.
  wire flushing = complete && emit && left == {FW{1'b0}};
  assign s_ready = (!complete && left < WORD_BITS) || flushing;
  wire take = s_valid && s_ready;
  wire [BUF-1:0] incoming = {{WORD_BITS{1'b0}}, s_data} << left;
  wire [FW-1:0] fill_next = take ? left + group_bits[FW-1:0] : left;
  wire [CW-1:0] taken_next = (flushing ? {CW{1'b0}} : taken) + {{(CW - 1){1'b0}}, take};

  always @(posedge clk) begin
    if (clear) begin
      buffer <= {BUF{1'b0}};
      fill <= {FW{1'b0}};
      taken <= {CW{1'b0}};
      m_valid <= 1'b0;
    end else begin
      buffer <= take ? shifted | incoming : shifted;
      fill <= fill_next;
      taken <= taken_next;
      if (emit) m_data <= buffer[WORD_BITS-1:0];
      if (emit) m_valid <= 1'b1;
      else if (m_ready) m_valid <= 1'b0;
    end
  end
endmodule
