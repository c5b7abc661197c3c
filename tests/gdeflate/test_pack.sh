#!/usr/bin/env bash
# dsvk-pack from the command line: round trips (with --verify, every preset, many tiles and
# stepwise compression), decoding the reference vectors, info output, and every exit code.
# usage: test_pack.sh DSVK-PACK VECTORS-DIR
set -u
pack=$1
vectors=$2
[ -f "$vectors/MANIFEST" ] || { echo "FAIL: GDeflate reference vectors missing at $vectors"; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/dsvk-pack-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# expect STATUS CMD...: runs CMD, checks its exit status
expect() {
  local want=$1; shift
  "$@" >"$work/stdout" 2>"$work/stderr"
  local got=$?
  [ "$got" = "$want" ] || fail "exit $got (want $want): $* -- $(cat "$work/stderr")"
}
stderr_has() { grep -q -- "$1" "$work/stderr" || fail "stderr lacks '$1': $(cat "$work/stderr")"; }
stdout_has() { grep -q -- "$1" "$work/stdout" || fail "stdout lacks '$1'"; }

# inputs: text from the vectors repeated into many tiles, and a small one
for i in $(seq 1 12); do cat "$vectors/text_headers.raw" "$vectors/mesh_vertices.raw"; done \
  >"$work/big"
head -c 100000 "$work/big" >"$work/small"
printf 'x' >"$work/one"
: >"$work/empty"

# round trips
for level in 1 9 12; do
  expect 0 "$pack" compress -l $level --verify "$work/small" "$work/small.gd"
  expect 0 "$pack" decompress "$work/small.gd" "$work/small.out"
  cmp -s "$work/small" "$work/small.out" || fail "level $level round trip differs"
done
expect 0 "$pack" compress "$work/one" "$work/one.gd"
expect 0 "$pack" decompress -t 1 "$work/one.gd" "$work/one.out"
cmp -s "$work/one" "$work/one.out" || fail "one-byte round trip differs"
# 129 tiles with one thread: stepwise compression and decoding (64 tiles a step)
expect 0 "$pack" compress -l 1 -t 1 --verify "$work/big" "$work/big.gd"
expect 0 "$pack" decompress -t 1 "$work/big.gd" "$work/big.out"
cmp -s "$work/big" "$work/big.out" || fail "many-tile round trip differs"
expect 0 "$pack" compress -l 1 -t 4 "$work/big" "$work/big4.gd"
cmp -s "$work/big.gd" "$work/big4.gd" || fail "stream depends on the thread count"
expect 0 "$pack" decompress --threads 3 "$work/big4.gd" "$work/big4.out"
cmp -s "$work/big" "$work/big4.out" || fail "3-thread decode differs"

# the reference vectors decode to their inputs
for f in "$vectors"/*.l9.gdeflate; do
  name=$(basename "$f" .l9.gdeflate)
  expect 0 "$pack" decompress "$f" "$work/v.out"
  cmp -s "$vectors/$name.raw" "$work/v.out" || fail "$name decodes wrongly"
done

# info
expect 0 "$pack" info "$vectors/mesh_vertices.l9.gdeflate"
stdout_has "10 tiles of 64 KiB (last 10176 bytes)"
stdout_has "uncompressed 600000 bytes, compressed 367116 bytes"
[ "$(grep -cE '^ +[0-9]+ +[0-9]+ ' "$work/stdout")" = 10 ] || fail "info lists not 10 tiles"
stdout_has "blocks: 0 stored, 0 fixed, 16 dynamic"
expect 0 "$pack" info "$vectors/random_64k.l1.gdeflate"
stdout_has "blocks: 2 stored, 0 fixed, 0 dynamic"

# exit codes: 0 help, 1 I/O, 2 usage, 3 corrupt, 4 not compressible; no output on failure
expect 0 "$pack" --help
stdout_has "exit status"
expect 2 "$pack"
expect 2 "$pack" frobnicate a b
expect 2 "$pack" compress -l 13 "$work/small" "$work/x"
expect 2 "$pack" compress -l 0 "$work/small" "$work/x"
expect 2 "$pack" compress "$work/small"
expect 2 "$pack" decompress -l 3 "$work/small.gd" "$work/x"
expect 2 "$pack" info -t 2 "$work/small.gd"
expect 2 "$pack" compress --bogus "$work/small" "$work/x"
expect 1 "$pack" compress "$work/does-not-exist" "$work/x"
stderr_has "does-not-exist: No such file"
expect 1 "$pack" decompress "$work/small.gd" "$work/no-such-dir/x"
expect 1 "$pack" info "$work"
expect 4 "$pack" compress "$work/empty" "$work/x"
stderr_has "empty input"
expect 3 "$pack" decompress "$work/small" "$work/x"
stderr_has "not a valid GDeflate stream: header"
expect 3 "$pack" info "$work/small"
# corrupt tile 3 of the many-tile stream: its first word becomes a block of type 3
python3 - "$work/big.gd" "$work/bad.gd" <<'PY'
import struct, sys
s = bytearray(open(sys.argv[1], 'rb').read())
n = struct.unpack_from('<H', s, 2)[0]
off = 8 + 4 * n + struct.unpack_from('<I', s, 8 + 4 * 3)[0]
s[off:off + 4] = b'\xff\xff\xff\xff'
open(sys.argv[2], 'wb').write(s)
PY
rm -f "$work/x"
expect 3 "$pack" decompress "$work/bad.gd" "$work/x"
stderr_has "corrupt GDeflate stream: tile 3 "
stderr_has "invalid block type 3"
[ -e "$work/x" ] && fail "a failed decompress left an output file"
expect 3 "$pack" decompress -t 1 "$work/bad.gd" "$work/x"
stderr_has "tile 3 "
expect 3 "$pack" info "$work/bad.gd"
grep -qE '^ +3 .*CORRUPT: invalid block type 3' "$work/stdout" || fail "info does not mark tile 3"
# OUT may be IN: the input is read before the output replaces it
cp "$work/small.gd" "$work/same.gd"
expect 0 "$pack" decompress "$work/same.gd" "$work/same.gd"
cmp -s "$work/small" "$work/same.gd" || fail "decompressing a file onto itself"

if [ "$failures" -ne 0 ]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "dsvk-pack: all checks passed"
