`timescale 1ns/1ps
// Finch's testbench: streams input.hex into finch_top, writes every output word
// to output.hex and the cycle it appeared in to cycles.txt. Plusargs:
// +n_in=N +n_out=N (words), +stall=P (0..1023: chance in 1024 that a cycle
// drops s_tvalid or m_tready), +seed=S, +max_cycles=N (watchdog).
module finch_tb;
  parameter integer IN_W = 8;
  parameter integer OUT_W = 8;

  reg clk = 1'b0;
  reg rst_n = 1'b0;
  always #5 clk = ~clk;

  reg [IN_W-1:0] s_tdata = {IN_W{1'b0}};
  reg s_tvalid = 1'b0;
  wire s_tready;
  wire [OUT_W-1:0] m_tdata;
  wire m_tvalid;
  reg m_tready = 1'b0;

  finch_top dut (
    .clk(clk), .rst_n(rst_n),
    .s_tdata(s_tdata), .s_tvalid(s_tvalid), .s_tready(s_tready),
    .m_tdata(m_tdata), .m_tvalid(m_tvalid), .m_tready(m_tready)
  );

  integer n_in = 0, n_out = 0, stall = 0, seed = 1, max_cycles = 10000000;
  integer sent = 0, received = 0, cycle = 0, status = 0;
  integer in_file, out_file, cycle_file;
  reg [31:0] lfsr;
  reg [IN_W-1:0] next_word;

  initial begin
    if (!$value$plusargs("n_in=%d", n_in)) n_in = 0;
    if (!$value$plusargs("n_out=%d", n_out)) n_out = 0;
    if (!$value$plusargs("stall=%d", stall)) stall = 0;
    if (!$value$plusargs("seed=%d", seed)) seed = 1;
    if (!$value$plusargs("max_cycles=%d", max_cycles)) max_cycles = 10000000;
    lfsr = 32'h2545F491 ^ seed;
    // Checking the handles here also keeps Verilator 5.006 from reordering the opens after their first use.
    in_file = $fopen("input.hex", "r");
    out_file = $fopen("output.hex", "w");
    cycle_file = $fopen("cycles.txt", "w");
    if (in_file == 0 || out_file == 0 || cycle_file == 0) begin
      $display("finch_tb: cannot open input.hex, output.hex or cycles.txt in the working folder");
      $finish;
    end
    repeat (4) @(posedge clk);
    rst_n <= 1'b1;
  end

  always @(posedge clk) begin
    if (rst_n) begin
      cycle = cycle + 1;
      lfsr = {lfsr[30:0], lfsr[31] ^ lfsr[21] ^ lfsr[1] ^ lfsr[0]};
      if (m_tvalid && m_tready) begin
        $fwrite(out_file, "%h\n", m_tdata);
        $fwrite(cycle_file, "%0d\n", cycle);
        received = received + 1;
      end
      if (s_tvalid && s_tready) sent = sent + 1;
      if (!(s_tvalid && !s_tready)) begin
        if (sent < n_in && (lfsr[9:0] >= stall[9:0] || stall == 0)) begin
          // The status is checked so that no simulator drops the read as dead code.
          status = $fscanf(in_file, "%h", next_word);
          if (status == 1) begin
            s_tdata <= next_word;
            s_tvalid <= 1'b1;
          end else begin
            $display("finch_tb: input.hex ended after %0d of %0d words", sent, n_in);
            s_tvalid <= 1'b0;
          end
        end else begin
          s_tvalid <= 1'b0;
        end
      end
      m_tready <= (lfsr[19:10] >= stall[9:0]) || stall == 0;
      if (received >= n_out || cycle >= max_cycles) begin
        $fclose(out_file);
        $fclose(cycle_file);
        $finish;
      end
    end
  end
endmodule
