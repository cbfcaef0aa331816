#!/usr/bin/env bash
# Static checks that need no build.
#
# Usage: ops/check.sh [--layering] [--standalone] [--format] [--fix]
#   --layering    the include direction of docs/ARCHITECTURE.md: actors/ includes no CAF,
#                 librdkafka or RocksDB header, no storage/, topics/, runtime/ or app/
#                 header, no <chrono>, <thread>, <fstream> or <random> and reads no clock;
#                 storage/ and topics/ never include each other; nothing below runtime/
#                 includes runtime/ or app/
#   --standalone  no tracked file refers to a sibling checkout outside the repository
#   --format      clang-format --dry-run --Werror on the tracked *.cpp and *.hpp files
#   --fix         rewrite the tracked *.cpp and *.hpp files with clang-format -i
# With no option, runs --layering, --standalone and --format.
set -euo pipefail
AETHERIAL_LOG_TAG=check
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$AETHERIAL_ROOT"

do_layering=0
do_standalone=0
do_format=0
do_fix=0
while (($#)); do
  case "$1" in
  --layering) do_layering=1 ;;
  --standalone) do_standalone=1 ;;
  --format) do_format=1 ;;
  --fix) do_fix=1 ;;
  -h | --help) usage "${BASH_SOURCE[0]}" ;;
  *) die "unknown option: $1 (see --help)" ;;
  esac
  shift
done
if ((do_layering + do_standalone + do_format + do_fix == 0)); then
  do_layering=1
  do_standalone=1
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

# forbidden_code DIR REGEX WHY: every line of C++ under DIR matching REGEX (outside // comments)
# is an error.
forbidden_code() {
  local dir="$1" regex="$2" why="$3" hits
  [[ -d "$dir" ]] || return 0
  hits="$(grep -rnE --include='*.cpp' --include='*.hpp' --include='*.h' --include='*.cc' \
    "$regex" "$dir" | grep -vE '^[^:]+:[0-9]+:[[:space:]]*(//|/?\*)' || true)"
  if [[ -n "$hits" ]]; then
    printf '%s\n' "$hits" >&2
    log "FAIL: $why"
    return 1
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
  forbidden_includes actors 'storage/|topics/|runtime/|app/' \
    "actors/ includes only schemas/ and actors/ headers" || failed=1
  forbidden_includes actors 'chrono>|thread>|fstream>|random>|ctime>|time\.h>|sys/' \
    "actors/ reads no clock, starts no thread, opens no file and has no unseeded randomness" ||
    failed=1
  forbidden_code actors \
    'system_clock|steady_clock|high_resolution_clock|random_device|gettimeofday|clock_gettime|[^_[:alnum:]](std::)?(time|rand|srand|getenv|fopen)[[:space:]]*\(' \
    "actors/ must not read clocks, the environment, files or unseeded randomness" || failed=1
  forbidden_includes schemas 'actors/|storage/|topics/' \
    "schemas/ is the bottom layer: it includes no other module" || failed=1
  forbidden_includes storage 'topics/|actors/' "storage/ includes only schemas/" || failed=1
  forbidden_includes topics 'storage/|actors/' "topics/ includes only schemas/" || failed=1
  local d
  for d in schemas actors storage topics runtime; do
    forbidden_includes "$d" 'app/' "$d/ must not include app/ (the application lies above it)" ||
      failed=1
  done
  for d in schemas actors storage topics; do
    forbidden_includes "$d" 'runtime/' "$d/ must not include runtime/ (it lies below it)" ||
      failed=1
  done
  if ((failed)); then
    die "layering check failed"
  fi
  log "layering: ok"
}

# The repository stands alone: no tracked file may point at or read from a checkout beside
# it (documentation, data and scripts live inside the repository).
standalone() {
  local sibling='\.\./shar''ed([/"'"'"' ]|$)|DES''IGN\.md' hits
  if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    hits="$(git grep -nIE "$sibling" -- . || true)"
  else
    hits="$(grep -rnIE --exclude-dir='build*' --exclude-dir=.git "$sibling" . || true)"
  fi
  if [[ -n "$hits" ]]; then
    printf '%s\n' "$hits" >&2
    die "standalone check failed: the files above refer to a folder outside the repository"
  fi
  log "standalone: ok"
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
((do_standalone)) && standalone
((do_fix)) && format_fix
((do_format)) && format_check
exit 0
