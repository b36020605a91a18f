// Label select: reads LABELS values per vector (PE per word, in label order),
// keeps the K largest (a strictly larger value moves ahead, so ties keep the
// lower index first) and then emits their indices, largest first, one
// IDX_BITS-wide word each. Input is held off while the indices go out.
module finch_label_select #(
  parameter integer LABELS = 10,
  parameter integer PE = 1,
  parameter integer K = 1,
  parameter integer BITS = 8,
  parameter integer SIGNED = 1,
  parameter integer IDX_BITS = 4
) (
  input wire clk,
  input wire rst_n,
  input wire [PE*BITS-1:0] s_tdata,
  input wire s_tvalid,
  output wire s_tready,
  output wire [IDX_BITS-1:0] m_tdata,
  output wire m_tvalid,
  input wire m_tready
);
  localparam integer NF = LABELS / PE;
  localparam integer CW = $clog2(NF + 1);
  localparam integer KW = $clog2(K + 1);
  localparam [CW-1:0] LAST_WORD = NF[CW-1:0] - 1'b1;
  localparam [KW-1:0] LAST_OUT = K[KW-1:0] - 1'b1;

  // Values are compared as BITS+1-bit signed numbers (zero-extended when unsigned).
  reg signed [BITS:0] best_value [0:K-1];
  reg [IDX_BITS-1:0] best_index [0:K-1];
  reg [CW-1:0] word;
  reg emitting;
  reg [KW-1:0] out_count;

  assign s_tready = !emitting;
  assign m_tvalid = emitting;
  assign m_tdata = best_index[out_count];

  // Insert the PE values of this word one after another into the sorted list:
  // the value carried down the list swaps into the first slot that is empty
  // (slot >= values seen so far) or holds a smaller value, and every later slot
  // then shifts down by one.
  reg signed [BITS:0] v_next [0:K-1];
  reg [IDX_BITS-1:0] i_next [0:K-1];
  reg signed [BITS:0] carry_v;
  reg [IDX_BITS-1:0] carry_i;
  reg signed [BITS:0] swap_v;
  reg [IDX_BITS-1:0] swap_i;
  reg moving;
  integer p, k, seen;
  integer r;
  always @* begin
    swap_v = {(BITS + 1){1'b0}};
    swap_i = {IDX_BITS{1'b0}};
    for (k = 0; k < K; k = k + 1) begin
      v_next[k] = best_value[k];
      i_next[k] = best_index[k];
    end
    for (p = 0; p < PE; p = p + 1) begin
      seen = word * PE + p;
      carry_v = SIGNED != 0 ? {s_tdata[p*BITS+BITS-1], s_tdata[p*BITS +: BITS]} : {1'b0, s_tdata[p*BITS +: BITS]};
      carry_i = seen[IDX_BITS-1:0];
      moving = 1'b0;
      for (k = 0; k < K; k = k + 1) begin
        if (moving || k >= seen || carry_v > v_next[k]) begin
          swap_v = v_next[k];
          swap_i = i_next[k];
          v_next[k] = carry_v;
          i_next[k] = carry_i;
          carry_v = swap_v;
          carry_i = swap_i;
          moving = 1'b1;
        end
      end
    end
  end

  always @(posedge clk) begin
    if (!rst_n) begin
      word <= {CW{1'b0}};
      emitting <= 1'b0;
      out_count <= {KW{1'b0}};
      for (r = 0; r < K; r = r + 1) begin
        best_value[r] <= {(BITS + 1){1'b0}};
        best_index[r] <= {IDX_BITS{1'b0}};
      end
    end else if (emitting) begin
      if (m_tready) begin
        out_count <= out_count == LAST_OUT ? {KW{1'b0}} : out_count + 1'b1;
        if (out_count == LAST_OUT) emitting <= 1'b0;
      end
    end else if (s_tvalid) begin
      for (r = 0; r < K; r = r + 1) begin
        best_value[r] <= v_next[r];
        best_index[r] <= i_next[r];
      end
      word <= word == LAST_WORD ? {CW{1'b0}} : word + 1'b1;
      if (word == LAST_WORD) emitting <= 1'b1;
    end
  end
endmodule
