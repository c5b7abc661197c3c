/*
 * The demo's asset folder: one file per asset (GDeflate streams at level 9, media stored
 * as is) and a manifest with each asset's sizes and CRC32, written last so a folder with a
 * manifest is complete.
 */
#ifndef DSVK_DEMO_PACK_H
#define DSVK_DEMO_PACK_H

#include <stdbool.h>
#include <stddef.h>

#include "assets.h"

#define PACK_MANIFEST "dsvk-demo.manifest"

/* Reads DIR's manifest; true when it describes a complete set of `total` bytes from `seed`
 * whose files all exist with their recorded sizes. */
bool pack_load(const char *dir, uint64_t total, uint64_t seed, asset_set *set);

/* Generates, compresses and writes every asset of a planned set, then the manifest.
 * Files are flushed to disk, so a later load can drop them from the page cache. */
bool pack_create(const char *dir, asset_set *set, char *err, size_t err_len);

/* Flips one byte in the middle of the first GDeflate asset and of the first stored one;
 * names them in `what`. */
bool pack_corrupt(const char *dir, const asset_set *set, char *what, size_t what_len);

/* The full path of an asset's file. */
void pack_path(const char *dir, const asset *a, char *out, size_t n);

#endif
