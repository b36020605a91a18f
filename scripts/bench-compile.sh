#!/usr/bin/env bash
# Times `finch compile` and `finch build` on the fixtures with two finch
# binaries side by side (e.g. a baseline checkout and this one), alternating
# runs, and prints the median wall time of each and the ratio new/old.
#
#   scripts/bench-compile.sh OLD_FINCH NEW_FINCH [RUNS]
#
# A baseline binary: git worktree add /tmp/old <commit>; (cd /tmp/old &&
# swift build -c release --product finch); then OLD_FINCH=/tmp/old/.build/release/finch.
set -euo pipefail
[[ $# -ge 2 ]] || { sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 64; }
old=$1 new=$2 runs=${3:-7}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
seconds() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null 2>&1; t1=$(date +%s.%N); echo "$t1 - $t0" | bc; }
printf '%-34s %10s %10s %8s\n' "command" "old s" "new s" "new/old"
for model in tfc_w1a1 tfc_w2a2 cnv_w1a1_small; do
  m="$root/Tests/Fixtures/$model.onnx"
  for command in compile build; do
    args=("$command" "$m" -o)
    extra=()
    [[ $command == build ]] && extra=(--board pynq-z1 --fps 1000)
    : >"$work/old" && : >"$work/new"
    for ((i = 0; i < runs; i++)); do
      rm -rf "$work/o" "$work/n"
      seconds "$old" "${args[@]}" "$work/o" "${extra[@]}" >>"$work/old"
      seconds "$new" "${args[@]}" "$work/n" "${extra[@]}" >>"$work/new"
    done
    a=$(median <"$work/old") b=$(median <"$work/new")
    printf '%-34s %10.3f %10.3f %8.2f\n' "$command $model" "$a" "$b" "$(echo "$b / $a" | bc -l)"
  done
done
