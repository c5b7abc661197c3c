# Shell helpers for the tools tests (sourced). Each test script calls `t_begin NAME`, then
# checks with the t_* functions; t_end exits non-zero when any check failed.
# shellcheck shell=bash

t_failures=0
t_checks=0

t_begin() {
  t_name=$1
  # A private scratch directory, removed at exit unless DSVK_TEST_KEEP=1.
  t_tmp=$(mktemp -d "${TMPDIR:-/tmp}/dsvk-$t_name.XXXXXX")
  trap t_cleanup EXIT
}

t_cleanup() {
  if [ "${DSVK_TEST_KEEP:-0}" = 1 ]; then
    echo "kept $t_tmp" >&2
  else
    chmod -R u+w "$t_tmp" 2>/dev/null || true
    rm -rf "$t_tmp"
  fi
}

t_fail() {
  t_failures=$((t_failures + 1))
  printf 'FAIL: %s\n' "$*" >&2
}

t_ok() {
  t_checks=$((t_checks + 1))
  printf 'ok: %s\n' "$*"
}

# t_eq WHAT EXPECTED ACTUAL
t_eq() {
  if [ "$2" = "$3" ]; then
    t_ok "$1"
  else
    t_fail "$1"$'\n'"  expected: $2"$'\n'"  actual:   $3"
  fi
}

# t_contains WHAT NEEDLE HAYSTACK
t_contains() {
  case $3 in
  *"$2"*) t_ok "$1" ;;
  *) t_fail "$1: '$2' not found in:"$'\n'"$3" ;;
  esac
}

# t_not_contains WHAT NEEDLE HAYSTACK
t_not_contains() {
  case $3 in
  *"$2"*) t_fail "$1: '$2' found in:"$'\n'"$3" ;;
  *) t_ok "$1" ;;
  esac
}

# t_status WHAT EXPECTED-STATUS COMMAND...: runs COMMAND, output into $t_out.
t_status() {
  local what=$1 want=$2 got=0
  shift 2
  t_out=$("$@" 2>&1) || got=$?
  if [ "$got" = "$want" ]; then
    t_ok "$what (exit $got)"
  else
    t_fail "$what: exit $got, expected $want; output:"$'\n'"$t_out"
  fi
}

# t_json WHAT FILE PYTHON-EXPRESSION: evaluates the expression with `j` bound to the JSON
# object in FILE; the check passes when it is true.
t_json() {
  local what=$1 file=$2 expr=$3 result
  result=$(python3 - "$file" "$expr" <<'PY' 2>&1
import json, sys
with open(sys.argv[1]) as f:
    j = json.load(f)
print("true" if eval(sys.argv[2], {"j": j}) else "false")
PY
  ) || true
  if [ "$result" = true ]; then
    t_ok "$what"
  else
    t_fail "$what: $expr is $result for $(head -c 4000 "$file")"
  fi
}

t_end() {
  if [ "$t_failures" -ne 0 ]; then
    echo "$t_name: $t_failures of $((t_checks + t_failures)) checks failed" >&2
    exit 1
  fi
  if [ "$t_checks" -eq 0 ]; then
    echo "$t_name: no checks ran" >&2
    exit 1
  fi
  echo "$t_name: all $t_checks checks passed"
}
