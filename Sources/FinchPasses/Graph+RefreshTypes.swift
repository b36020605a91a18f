import FinchIR

extension Graph {
  /// Re-infers every node output's type after an edit, naming `pass` on failure.
  mutating func refreshTypes(after pass: String) throws(PassError) {
    removeDeadValues()
    do {
      try sortTopologically()
      try inferTypes()
    } catch {
      throw .invalidResult(pass: pass, error)
    }
  }
}
