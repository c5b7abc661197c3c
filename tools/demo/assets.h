/*
 * The demo's "game": a deterministic set of assets shaped like a real game's — block-
 * compressed textures, float vertex/index buffers, JSON text, and already-compressed media
 * — so GDeflate ratios and decode costs are in a realistic range.
 */
#ifndef DSVK_DEMO_ASSETS_H
#define DSVK_DEMO_ASSETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum asset_kind {
    ASSET_TEXTURE_BC1, /* 8-byte 4x4 blocks */
    ASSET_TEXTURE_BC7, /* 16-byte 4x4 blocks */
    ASSET_MESH,        /* float position/normal/uv vertices, then uint32 indices */
    ASSET_TEXT,        /* JSON lines: level and item descriptions */
    ASSET_MEDIA,       /* already compressed (audio, video): stored without GDeflate */
    ASSET_KINDS
} asset_kind;

typedef struct asset {
    asset_kind kind;
    char path[64];        /* relative to the asset folder */
    uint64_t size;        /* uncompressed bytes */
    uint64_t stored_size; /* bytes in the file */
    bool gdeflate;        /* stored as a GDeflate stream */
    uint32_t crc32;       /* of the uncompressed bytes */
} asset;

typedef struct asset_set {
    asset *assets;
    size_t count;
    uint64_t requested_total; /* what the plan was asked for */
    uint64_t total_size;      /* uncompressed bytes of all assets */
    uint64_t total_stored;    /* bytes on disk */
    uint64_t seed;
} asset_set;

/* Plans a set of about `total` bytes: a few dozen assets of every kind. */
bool assets_plan(asset_set *set, uint64_t total, uint64_t seed);
void assets_free(asset_set *set);

/* Writes the content of asset `index` (a->size bytes) into out. */
void assets_generate(const asset_set *set, size_t index, uint8_t *out);

const char *asset_kind_name(asset_kind k);

#endif
