// finch_offload_sum: a balanced adder tree over N signed IW-bit terms, each
// adder only as wide as its partial sum (IW + ceil(log2 n) bits for n terms),
// combinational; the offload engine's MAC array sums its lanes with it.
module finch_offload_sum #(
  parameter integer N = 1,
  parameter integer IW = 1
) (
  input wire [N*IW-1:0] terms,
  output wire [IW+$clog2(N)-1:0] total
);
  localparam integer OW = IW + $clog2(N);
  generate
    if (N == 1) begin : g_leaf
      assign total = terms;
    end else begin : g_node
      localparam integer NL = N / 2;
      localparam integer NR = N - N / 2;
      localparam integer LW = IW + $clog2(NL);
      localparam integer RW = IW + $clog2(NR);
      wire [LW-1:0] l;
      wire [RW-1:0] r;
      finch_offload_sum #(.N(NL), .IW(IW)) left (.terms(terms[NL*IW-1:0]), .total(l));
      finch_offload_sum #(.N(NR), .IW(IW)) right (.terms(terms[N*IW-1:NL*IW]), .total(r));
      assign total = {{(OW - LW){l[LW-1]}}, l} + {{(OW - RW){r[RW-1]}}, r};
    end
  endgenerate
endmodule
