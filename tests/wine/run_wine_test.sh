#!/bin/sh
# Runs one PE test program under real Wine, headless, as a game would be run with dsvk:
# the preload shim in LD_PRELOAD, the program in its own "game folder" next to a dummy
# dstorage.dll (the copy a game ships), which dsvk's builtin must replace.
#
#   run_wine_test.sh --prefix DIR --game DIR --exe PROGRAM.exe [--dummy DLL] [--shim SO]
#                    [--timeout S] [--after CMD] [--expect-output REGEX] [--x11] [-- ARGS...]
#
# --prefix   the WINEPREFIX; created once per build directory with wineboot -i (cached,
#            serialized with flock so parallel tests share it)
# --shim     libdsvk_preload.so to preload; without it the program runs without the shim
# --after    a shell command run after the program succeeded, in the game folder (checks on
#            files the program wrote)
# --expect-output  an extended regex the program's output (stdout + stderr) must match
# --x11      run under a private Xvfb server (DISPLAY set for Wine): Wine 8.0's winevulkan
#            creates no VkInstance without a display driver (winex11). Xvfb picks a free
#            display itself (-displayfd) and is killed at the end, after the prefix's
#            wineserver. The prefix must be one only --x11 runs use, and they hold its lock
#            for the whole run: a desktop process (explorer.exe) started headless by another
#            program of the same prefix would leave this one without a display driver.
#            Missing Xvfb is a failure.
# Wine is $DSVK_WINE, else wine64 / wine on PATH, else Debian's /usr/lib/wine/wine64.
# Missing Wine is a failure, never a skip.
set -eu

prefix= game= exe= dummy= shim= timeout_s=120 after= expect= x11=
while [ $# -gt 0 ]; do
    case "$1" in
    --prefix) prefix=$2; shift 2 ;;
    --game) game=$2; shift 2 ;;
    --exe) exe=$2; shift 2 ;;
    --dummy) dummy=$2; shift 2 ;;
    --shim) shim=$2; shift 2 ;;
    --timeout) timeout_s=$2; shift 2 ;;
    --after) after=$2; shift 2 ;;
    --expect-output) expect=$2; shift 2 ;;
    --x11) x11=1; shift ;;
    --) shift; break ;;
    *) echo "run_wine_test.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
[ -n "$prefix" ] && [ -n "$game" ] && [ -n "$exe" ] || { echo "run_wine_test.sh: missing options" >&2; exit 2; }

wine=${DSVK_WINE:-}
if [ -z "$wine" ]; then
    for w in wine64 wine /usr/lib/wine/wine64 /usr/lib/wine/wine; do
        if command -v "$w" >/dev/null 2>&1; then wine=$(command -v "$w"); break; fi
    done
fi
if [ -z "$wine" ] || [ ! -x "$wine" ]; then
    echo "FAIL: Wine was not found (install Debian's wine64, or set DSVK_WINE to a wine binary)"
    exit 1
fi
wineserver=$(dirname "$wine")/wineserver
[ -x "$wineserver" ] || wineserver=$(command -v wineserver || echo wineserver)

export WINEPREFIX="$prefix" WINEDEBUG=-all WINEDLLOVERRIDES="${WINEDLLOVERRIDES:-mscoree,mshtml=}"
unset DISPLAY WAYLAND_DISPLAY || true

mkdir -p "$prefix.lock.d"
xvfb_pid=
if [ -n "$x11" ]; then
    xvfb=$(command -v Xvfb || true)
    if [ -z "$xvfb" ]; then
        echo "FAIL: Xvfb was not found (install Debian's xvfb: scripts/setup.sh); this test needs an X display for Wine's winevulkan"
        exit 1
    fi
    # Only --x11 runs use this prefix; one at a time, for the whole run (fd 8 stays open).
    exec 8>"$prefix.lock.d/x11-run"
    flock 8
    displayfile="$prefix.lock.d/xvfb-display"
    : >"$displayfile"
    # Xvfb must not inherit the lock (fd 8): killed with this script, it could keep it.
    "$xvfb" -displayfd 7 -nolisten tcp -noreset -screen 0 640x480x24 7>"$displayfile" 8>&- \
        >"$prefix.lock.d/xvfb.log" 2>&1 &
    xvfb_pid=$!
    stop_x11() {
        # The prefix's wineserver (and its explorer.exe) goes with this display.
        timeout 20 "$wineserver" -k >/dev/null 2>&1 || true
        kill "$xvfb_pid" 2>/dev/null || true
        wait "$xvfb_pid" 2>/dev/null || true
    }
    trap stop_x11 EXIT
    trap 'exit 1' INT TERM HUP
    n=0
    while ! grep -q '^[0-9][0-9]*$' "$displayfile" 2>/dev/null; do
        if ! kill -0 "$xvfb_pid" 2>/dev/null || [ $n -ge 100 ]; then
            cat "$prefix.lock.d/xvfb.log"
            echo "FAIL: Xvfb did not start (log above)"
            exit 1
        fi
        sleep 0.1
        n=$((n + 1))
    done
    export DISPLAY=":$(cat "$displayfile")"
    # Such tests may set XDG_DATA_HOME (the build tree's Vulkan layer manifest): keep Wine's
    # menu builder from writing .desktop files there.
    export WINEDLLOVERRIDES="$WINEDLLOVERRIDES;winemenubuilder.exe="
    echo "wine-test: Xvfb on $DISPLAY"
fi
(
    flock 9
    if [ ! -f "$prefix/.dsvk-ready" ]; then
        echo "wine-test: creating WINEPREFIX $prefix (once per build directory)"
        rm -rf "$prefix"
        if ! timeout 300 "$wine" wineboot -i >"$prefix.lock.d/wineboot.log" 2>&1; then
            echo "FAIL: wineboot -i failed; see $prefix.lock.d/wineboot.log"
            exit 1
        fi
        timeout 60 "$wineserver" -w || true
        touch "$prefix/.dsvk-ready"
    fi
) 9>"$prefix.lock.d/lock"

rm -rf "$game"
mkdir -p "$game"
cp "$exe" "$game/"
[ -z "$dummy" ] || cp "$dummy" "$game/dstorage.dll"
program="$game/$(basename "$exe")"

log="$game.log"
set +e
if [ -n "$shim" ]; then
    (cd "$game" && LD_PRELOAD="$shim${LD_PRELOAD:+:$LD_PRELOAD}" timeout -k 10 "$timeout_s" "$wine" "$program" "$@") >"$log" 2>&1
else
    (cd "$game" && timeout -k 10 "$timeout_s" "$wine" "$program" "$@") >"$log" 2>&1
fi
rc=$?
set -e
cat "$log"
if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
    echo "FAIL: $(basename "$exe") timed out after ${timeout_s}s"
    exit 1
fi
if [ $rc -ne 0 ]; then
    echo "FAIL: $(basename "$exe") exited with $rc"
    exit 1
fi
if [ -n "$expect" ] && ! grep -Eq "$expect" "$log"; then
    echo "FAIL: the output does not match '$expect'"
    exit 1
fi
if [ -n "$after" ]; then
    (cd "$game" && sh -c "$after") || { echo "FAIL: check after the program: $after"; exit 1; }
fi
exit 0
