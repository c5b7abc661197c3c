/*
 * Is this a Wine process? The shim is preloaded into every process of a launch (Steam's
 * runtime tools, shells, wineserver, Wine's helper processes); it must do nothing outside
 * Wine's own processes. The test is the basename of /proc/self/exe, one readlink() with no
 * allocation, safe in a constructor:
 *   wine, wine64, wine-preloader, wine64-preloader -> a Wine process (Debian runs
 *       /usr/lib/wine/wine64; Proton runs files/bin/wine64 or wine, via its -preloader);
 *   wineserver, wineserver32, wineserver64 -> Wine's server: inert;
 *   anything else (bash, python, pressure-vessel, steam, reaper, ...) -> inert.
 * A Wine process's /proc/self/exe is the loader even for "game.exe": PE modules are mapped,
 * not exec()ed. DSVK_PRELOAD_FORCE=1 serves a loader with an unusual name.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shim.h"

static bool name_is(const char *base, const char *const *names)
{
    for (; *names; names++)
        if (!strcmp(base, *names))
            return true;
    return false;
}

shim_process_kind shim_classify_exe(const char *exe_path)
{
    static const char *const loaders[] = {"wine", "wine64", "wine-preloader", "wine64-preloader",
                                          NULL};
    static const char *const servers[] = {"wineserver", "wineserver32", "wineserver64", NULL};
    if (!exe_path || !*exe_path)
        return SHIM_PROCESS_OTHER;
    const char *base = strrchr(exe_path, '/');
    base = base ? base + 1 : exe_path;
    if (name_is(base, servers))
        return SHIM_PROCESS_WINESERVER;
    if (name_is(base, loaders))
        return SHIM_PROCESS_WINE;
    return SHIM_PROCESS_OTHER;
}

shim_process_kind shim_detect_process(void)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n <= 0)
        return SHIM_PROCESS_OTHER;
    exe[n] = 0;
    shim_process_kind kind = shim_classify_exe(exe);
    const char *force = getenv("DSVK_PRELOAD_FORCE");
    if (kind == SHIM_PROCESS_OTHER && force && !strcmp(force, "1"))
        kind = SHIM_PROCESS_WINE;
    return kind;
}
