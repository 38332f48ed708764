#!/usr/bin/env bash
# Build time on this machine (issue 12): a clean clone of REV, its dependencies already installed,
# built the way the README's commands build it. Prints, for REV:
#   demo      configure + build of what scripts/demo builds (kubectl-workload_update, kubevirt-sim)
#   all       configure + build of what scripts/test builds (everything, tests included)
#   ctest     the whole test suite on that build, as scripts/test runs it, with its pass/fail count
#   installed the size of the stripped binary `cmake --install` puts in bin/
# Each build starts from an empty build directory and no compiler cache (CCACHE_DISABLE=1).
# Usage: tests/bench/build_time_bench.sh [REV] [--no-ctest] [--no-demo]
#   REV defaults to HEAD; pass an older commit for the "before" figure. Commits before scripts/configure
#   existed are configured as their own scripts did (make, Release; RelWithDebInfo before that).
set -euo pipefail
cd "$(dirname "$0")/../.."
REV=${1:-HEAD}
run_ctest=1 run_demo=1
for a in "${@:2}"; do
  case $a in
    --no-ctest) run_ctest=0 ;;
    --no-demo) run_demo=0 ;;
    *) echo "unknown option $a" >&2; exit 2 ;;
  esac
done
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
git clone -q "$PWD" "$T/src"
git -C "$T/src" checkout -q "$(git rev-parse "$REV")"
cd "$T/src"
scripts/install-deps
export CCACHE_DISABLE=1  # no compiler cache: a newcomer's first build
build_type=$(sed -n 's/.*-DCMAKE_BUILD_TYPE=\([A-Za-z]*\).*/\1/p' scripts/test | tail -1)
configure() {  # configure DIR: as this commit's scripts do
  if [ -x scripts/configure ]; then scripts/configure "$1" -DCMAKE_BUILD_TYPE="$build_type"
  else cmake -S . -B "$1" -DCMAKE_BUILD_TYPE="$build_type" > /dev/null; fi
}
timed() {  # timed LABEL command...: prints LABEL, wall seconds, CPU seconds
  local label=$1 s e u sy
  shift
  s=$(date +%s.%N)
  /usr/bin/time -f "%U %S" -o "$T/cpu" "$@" > "$T/$label.log" 2>&1 || { echo "$label failed:"; tail -20 "$T/$label.log"; return 1; }
  e=$(date +%s.%N)
  read -r u sy < "$T/cpu"
  printf '%-10s %7.1f s wall  %7.1f s CPU\n' "$label" "$(echo "$e - $s" | bc)" "$(echo "$u + $sy" | bc)"
}
echo "== $(git log -1 --format='%h %s' | cut -c1-90)"
echo "   $(nproc) cores, build type $build_type, generator $([ -x scripts/configure ] && command -v ninja > /dev/null && echo Ninja || echo make)"
[ "$run_demo" = 0 ] || timed demo bash -c "$(declare -f configure); build_type=$build_type; configure build-demo && cmake --build build-demo -j$(nproc) --target kubectl-workload_update kubevirt-sim"
timed all bash -c "$(declare -f configure); build_type=$build_type; configure build && cmake --build build -j$(nproc)"
DESTDIR="$T/root" cmake --install build --prefix /usr/local > /dev/null
printf '%-10s %7.1f MB (%s bytes)\n' installed "$(echo "scale=1; $(stat -c %s "$T/root/usr/local/bin/kubectl-workload_update") / 1000000" | bc)" \
  "$(stat -c %s "$T/root/usr/local/bin/kubectl-workload_update")"
if [ "$run_ctest" = 1 ]; then
  timed ctest bash -c "cd build && ctest -j$(( 2 * $(nproc) + 1 ))" || true  # as scripts/test runs it
  grep -E 'tests passed|tests failed' "$T/ctest.log" | sed 's/^/           /'
fi
