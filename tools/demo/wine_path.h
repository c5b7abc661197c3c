/*
 * The demo's Wine path: the same assets loaded by a PE program (dsvk-demo-loader.exe)
 * through DirectStorage under Wine, with dsvk's shim preloaded so that Wine takes dsvk's
 * dstorage.dll, and for comparison with plain Wine file reads.
 */
#ifndef DSVK_DEMO_WINE_PATH_H
#define DSVK_DEMO_WINE_PATH_H

#include <stdbool.h>
#include <stddef.h>

#include "load.h"

typedef struct wine_path {
    char wine[4096];     /* the wine loader */
    char version[128];   /* "wine-8.0 (...)" */
    char shim[4096];     /* libdsvk_preload.so */
    char run[4200];      /* dsvk-run, which starts Wine with the shim preloaded */
    char loader[4096];   /* dsvk-demo-loader.exe */
    char game_dll[4200]; /* the stand-in for a game's own dstorage.dll, next to the loader */
    char prefix[4096];   /* WINEPREFIX */
} wine_path;

/*
 * Finds Wine ($DSVK_WINE, wine64/wine on PATH, /usr/lib/wine/wine64), the shim
 * ($DSVK_SHIM_PATH, <libdir>/dsvk next to dsvk-demo, or the build tree), dsvk's dstorage.dll
 * next to it, and the PE loader ($DSVK_DEMO_LOADER, <libdir>/dsvk, or the build tree). False,
 * with every missing part in `why`, when the Wine path cannot run here.
 */
bool wine_path_find(wine_path *w, char *why, size_t n);

/* Runs the loader in `mode` ("dstorage" or "plain") on the asset folder, from a "game
 * folder" DIR/game holding the loader and a game's own dstorage.dll; the Wine prefix is
 * created first if needed ($WINEPREFIX, else ~/.cache/dsvk/wineprefix). */
void wine_path_load(const wine_path *w, const char *mode, const char *dir, load_result *r);

#endif
