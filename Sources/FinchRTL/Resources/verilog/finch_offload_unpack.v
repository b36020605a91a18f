// finch_offload_unpack: the offload engine's read width converter. Splits each
// activation record (RECORD_WORDS memory words, elements from bit 0 of its
// first word) into its first RECORD_OUTS words of OUT_BITS bits, low bits
// first, and drops the rest of the record. Both counts are per call
// (`clear` restarts at a record boundary). Words in and out move on
// valid/ready handshakes; s_ready depends on m_ready (combinational).
module finch_offload_unpack #(
  parameter integer WORD_BITS = 64,
  parameter integer OUT_BITS = 8,
  parameter integer CW = 24
) (
  input wire clk,
  input wire clear,
  input wire [CW-1:0] record_words,
  input wire [CW-1:0] record_outs,
  input wire [WORD_BITS-1:0] s_data,
  input wire s_valid,
  output wire s_ready,
  output wire [OUT_BITS-1:0] m_data,
  output wire m_valid,
  input wire m_ready
);
  localparam integer BUF = WORD_BITS + OUT_BITS;
  localparam integer FW = $clog2(BUF + 1);

  reg [BUF-1:0] buffer;
  reg [FW-1:0] fill;
  reg [CW-1:0] words;  // memory words taken from this record
  reg [CW-1:0] outs;   // output words given from this record

  assign m_data = buffer[OUT_BITS-1:0];
  assign m_valid = outs != record_outs && fill >= OUT_BITS;
  wire emit = m_valid && m_ready;
  wire [BUF-1:0] shifted = emit ? buffer >> OUT_BITS : buffer;
  wire [FW-1:0] left = emit ? fill - OUT_BITS : fill;
  wire [CW-1:0] outs_next = outs + {{(CW - 1){1'b0}}, emit};
  wire discard = outs_next == record_outs;
  assign s_ready = words != record_words && (discard || left < OUT_BITS);
  wire take = s_valid && s_ready;
  wire [CW-1:0] words_next = words + {{(CW - 1){1'b0}}, take};
  wire [BUF-1:0] incoming = {{OUT_BITS{1'b0}}, s_data} << left;

  always @(posedge clk) begin
    if (clear || (words_next == record_words && outs_next == record_outs)) begin
      buffer <= {BUF{1'b0}};
      fill <= {FW{1'b0}};
      words <= {CW{1'b0}};
      outs <= {CW{1'b0}};
    end else begin
      buffer <= take && !discard ? shifted | incoming : shifted;
      fill <= take && !discard ? left + WORD_BITS[FW-1:0] : left;
      words <= words_next;
      outs <= outs_next;
    end
  end
endmodule
