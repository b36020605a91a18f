import ArgumentParser

/// `--weights`: the parameters of a Darknet `.cfg` model.
struct WeightsOption: ParsableArguments {
  @Option(help: ArgumentHelp("The .weights file of a Darknet .cfg model (default: the one beside it with the same name).", valueName: "file"))
  var weights: String?
}
