#!/usr/bin/env bash
# Static checks that need no build.
#
# Usage: ops/check.sh [--layering] [--format] [--fix]
#   --layering  include rules of DESIGN.md: actors/ includes no CAF, librdkafka or RocksDB
#               header and no storage/, topics/ or runtime/ header; nothing below
#               runtime/ includes runtime/
#   --format    clang-format --dry-run --Werror on the tracked *.cpp and *.hpp files
#   --fix       rewrite the tracked *.cpp and *.hpp files with clang-format -i
# With no option, runs --layering and --format.
set -euo pipefail
AETHERIAL_LOG_TAG=check
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$AETHERIAL_ROOT"

do_layering=0
do_format=0
do_fix=0
while (($#)); do
  case "$1" in
  --layering) do_layering=1 ;;
  --format) do_format=1 ;;
  --fix) do_fix=1 ;;
  -h | --help)
    awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"
    exit 0
    ;;
  *) die "unknown option: $1 (see --help)" ;;
  esac
  shift
done
if ((do_layering + do_format + do_fix == 0)); then
  do_layering=1
  do_format=1
fi

# C++ sources and headers of the project: tracked ones in a git checkout, else all outside
# build directories.
cxx_files() {
  if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git ls-files -- '*.cpp' '*.hpp'
  else
    find . \( -path './build*' -o -path './.git' \) -prune -o \
      -type f \( -name '*.cpp' -o -name '*.hpp' \) -print | sed 's|^\./||' | sort
  fi
}

# forbidden_includes DIR REGEX WHY: every #include line under DIR matching REGEX is an error.
forbidden_includes() {
  local dir="$1" regex="$2" why="$3" hits
  [[ -d "$dir" ]] || return 0
  hits="$(grep -rnE --include='*.cpp' --include='*.hpp' --include='*.h' --include='*.cc' \
    "^[[:space:]]*#[[:space:]]*include[[:space:]]*[<\"]($regex)" "$dir" || true)"
  if [[ -n "$hits" ]]; then
    printf '%s\n' "$hits" >&2
    log "FAIL: $why"
    return 1
  fi
}

layering() {
  local failed=0
  forbidden_includes actors 'caf/|librdkafka/|rdkafka|rocksdb/' \
    "actors/ must not include CAF, librdkafka or RocksDB headers (agents are plain C++)" ||
    failed=1
  forbidden_includes actors 'storage/|topics/|runtime/' \
    "actors/ includes only schemas/ and actors/ headers" || failed=1
  local d
  for d in schemas actors storage topics; do
    forbidden_includes "$d" 'runtime/' "$d/ must not include runtime/ (it lies below it)" ||
      failed=1
  done
  if ((failed)); then
    die "layering check failed"
  fi
  log "layering: ok"
}

format_check() {
  command -v clang-format >/dev/null 2>&1 || die "clang-format not found: run ops/setup.sh"
  local files bad=()
  mapfile -t files < <(cxx_files)
  if ((${#files[@]} == 0)); then
    log "format: no C++ files"
    return 0
  fi
  local f
  for f in "${files[@]}"; do
    [[ -f "$f" ]] || continue
    clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || bad+=("$f")
  done
  if ((${#bad[@]})); then
    printf '  %s\n' "${bad[@]}" >&2
    clang-format --dry-run "${bad[0]}" 2>&1 | head -n 20 >&2
    die "format check failed for ${#bad[@]} file(s); fix with: ops/check.sh --fix"
  fi
  log "format: ${#files[@]} files ok ($(clang-format --version | grep -oE '[0-9]+\.[0-9.]+' | head -n 1))"
}

format_fix() {
  command -v clang-format >/dev/null 2>&1 || die "clang-format not found: run ops/setup.sh"
  local files
  mapfile -t files < <(cxx_files)
  ((${#files[@]})) && clang-format -i "${files[@]}"
  log "formatted ${#files[@]} files"
}

((do_layering)) && layering
((do_fix)) && format_fix
((do_format)) && format_check
exit 0
