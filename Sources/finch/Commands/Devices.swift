import ArgumentParser
import FinchCost
import FinchReport
import Foundation

/// `finch devices`: the boards and parts of the device catalogue.
struct Devices: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "List the boards and FPGA parts Finch knows, with their resources, clock and memory bandwidth.",
    discussion: """
      Board and part names are what --board accepts elsewhere (case-insensitive). BRAM18 counts 18 Kb \
      block RAMs (a 36 Kb block is two), EBR iCE40 4 Kb block RAMs, URAM 288 Kb UltraRAMs, SPRAM iCE40 \
      256 Kb RAMs. With --json, print the catalogue as one JSON object ({"boards": [...], "parts": [...]}).
      """)

  @Flag(help: "Print one JSON object instead of tables.")
  var json = false

  func run() throws {
    try Finch.reportingErrors {
      let catalogue = try DeviceCatalogue.bundled()
      if json {
        return try JSONReport.print(catalogue)
      }
      print(try TextReport.devices(catalogue))
    }
  }
}
