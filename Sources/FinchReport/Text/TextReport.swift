/// The text every command prints (with `--json` they print the same facts as
/// one JSON object instead): one function per report, all tables through ``TextTable``.
public enum TextReport {}
