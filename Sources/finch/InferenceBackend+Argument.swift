import ArgumentParser
import FinchDriver

/// `--backend cpu|interpreter`.
extension InferenceBackend: ExpressibleByArgument {}
