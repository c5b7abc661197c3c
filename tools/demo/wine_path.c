/*
 * The Wine path needs Wine, the bridge installed next to this program (the shim in
 * <libdir>/dsvk, dstorage.dll in <libdir>/dsvk/wine/x86_64-windows) and a PE program that
 * calls DirectStorage. That PE demo loader is not written yet: it waits for the Wine
 * bridge's mingw build (preload/pe/), whose PE test programs it would reuse.
 */
#include "wine_path.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static bool have_wine(void)
{
    const char *path = getenv("PATH");
    char *copy = path ? strdup(path) : NULL;
    bool found = false;
    for (char *save = NULL, *dir = copy ? strtok_r(copy, ":", &save) : NULL; dir && !found;
         dir = strtok_r(NULL, ":", &save)) {
        char p[PATH_MAX + 16];
        snprintf(p, sizeof(p), "%s/wine", dir);
        found = access(p, X_OK) == 0;
        snprintf(p, sizeof(p), "%s/wine64", dir);
        found = found || access(p, X_OK) == 0;
    }
    free(copy);
    return found || access("/usr/lib/wine/wine64", X_OK) == 0;
}

static void add(char *why, size_t n, const char *text)
{
    size_t len = strlen(why);
    snprintf(why + len, n - len, "%s%s", len ? "; " : "", text);
}

bool wine_path_ready(char *why, size_t n)
{
    why[0] = 0;
    if (!have_wine())
        add(why, n, "Wine is not installed");
    char exe[PATH_MAX], path[PATH_MAX + 64];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    exe[len > 0 ? len : 0] = 0;
    char *slash = strrchr(exe, '/');
    if (slash)
        *slash = 0;
    snprintf(path, sizeof(path), "%s/%s/dsvk/libdsvk_preload.so", exe, DSVK_LIBDIR_FROM_BINDIR);
    if (!is_file(path))
        add(why, n, "the preload shim is not installed next to dsvk-demo");
    snprintf(path, sizeof(path), "%s/%s/dsvk/wine/x86_64-windows/dstorage.dll", exe,
             DSVK_LIBDIR_FROM_BINDIR);
    if (!is_file(path))
        add(why, n, "dsvk's dstorage.dll is not installed next to dsvk-demo");
    add(why, n, "the PE demo loader (tools/demo/pe/) is not written yet: it waits for the Wine "
                "bridge's mingw build");
    return false;
}
