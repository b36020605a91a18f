#!/usr/bin/env bash
# Makes sure this machine can build Finch: a Swift 6 toolchain (from Debian's
# swiftlang package where the machine has none). Safe to run again.
set -euo pipefail
export PATH="/opt/swift/usr/bin:$PATH"
if ! command -v swift >/dev/null 2>&1; then
  echo "setup: no Swift toolchain found; installing Debian's swiftlang package" >&2
  apt-get update -qq
  apt-get install -y -qq swiftlang
fi
swift --version 2>&1 | head -1
