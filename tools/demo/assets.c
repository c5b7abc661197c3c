#include "assets.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Share of the total and number of assets per kind. */
static const struct {
    asset_kind kind;
    double share;
    unsigned count;
    const char *dir, *ext;
    unsigned align;
} plan[] = {
    {ASSET_TEXTURE_BC1, 0.25, 8, "textures", "bc1", 8},
    {ASSET_TEXTURE_BC7, 0.30, 8, "textures", "bc7", 16},
    {ASSET_MESH, 0.25, 10, "meshes", "mesh", 32},
    {ASSET_TEXT, 0.05, 8, "text", "json", 1},
    {ASSET_MEDIA, 0.15, 4, "media", "bank", 1},
};

const char *asset_kind_name(asset_kind k)
{
    static const char *const names[] = {"texture-bc1", "texture-bc7", "mesh", "text", "media"};
    return k < ASSET_KINDS ? names[k] : "?";
}

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint64_t hash2(uint64_t seed, uint64_t a, uint64_t b)
{
    uint64_t s = seed ^ (a * 0x100000001b3ull) ^ (b << 32 | b >> 32);
    return splitmix(&s);
}

bool assets_plan(asset_set *set, uint64_t total, uint64_t seed)
{
    size_t count = 0;
    for (size_t k = 0; k < sizeof(plan) / sizeof(plan[0]); k++)
        count += plan[k].count;
    *set = (asset_set){.assets = calloc(count, sizeof(asset)),
                       .count = count,
                       .requested_total = total,
                       .seed = seed};
    if (!set->assets)
        return false;
    size_t n = 0;
    uint64_t rng = seed;
    for (size_t k = 0; k < sizeof(plan) / sizeof(plan[0]); k++) {
        /* Sizes vary 1:4 within a kind, like a game's mix of small and large assets. */
        unsigned weights[16], sum = 0;
        for (unsigned i = 0; i < plan[k].count; i++)
            sum += weights[i] = 1 + (unsigned)(splitmix(&rng) % 4);
        uint64_t budget = (uint64_t)((double)total * plan[k].share);
        for (unsigned i = 0; i < plan[k].count; i++) {
            asset *a = &set->assets[n++];
            a->kind = plan[k].kind;
            uint64_t size = budget * weights[i] / sum;
            size -= size % plan[k].align;
            if (size < 4096)
                size = 4096;
            a->size = size;
            a->gdeflate = a->kind != ASSET_MEDIA;
            snprintf(a->path, sizeof(a->path), "%s/%s_%02u.%s%s", plan[k].dir,
                     asset_kind_name(a->kind), i, plan[k].ext, a->gdeflate ? ".gdf" : "");
            set->total_size += size;
        }
    }
    return true;
}

void assets_free(asset_set *set)
{
    free(set->assets);
    *set = (asset_set){0};
}

/* A smooth 8-bit field over block coordinates (value noise), so neighbouring blocks share
 * endpoints the way real textures do. */
static unsigned field(uint64_t seed, unsigned x, unsigned y, unsigned scale)
{
    unsigned gx = x / scale, gy = y / scale, fx = x % scale, fy = y % scale;
    unsigned v00 = hash2(seed, gx, gy) & 255, v10 = hash2(seed, gx + 1, gy) & 255;
    unsigned v01 = hash2(seed, gx, gy + 1) & 255, v11 = hash2(seed, gx + 1, gy + 1) & 255;
    unsigned top = v00 * (scale - fx) + v10 * fx, bottom = v01 * (scale - fx) + v11 * fx;
    return (top * (scale - fy) + bottom * fy) / (scale * scale);
}

static uint16_t rgb565(unsigned r, unsigned g, unsigned b)
{
    return (uint16_t)((r >> 3) << 11 | (g >> 2) << 5 | (b >> 3));
}

/* BC1/BC7-shaped blocks: endpoints from the smooth field, index bits from a few gradient
 * patterns most of the time and noise otherwise. */
static void gen_texture(uint64_t seed, uint8_t *out, uint64_t size, unsigned block_bytes)
{
    const unsigned width = 256; /* blocks per row: a 1024-texel-wide texture */
    static const uint32_t patterns[4] = {0x00000000u, 0x55aa55aau, 0x1b1b1b1bu, 0xe4e4e4e4u};
    uint64_t blocks = size / block_bytes;
    for (uint64_t i = 0; i < blocks; i++) {
        unsigned x = (unsigned)(i % width), y = (unsigned)(i / width);
        unsigned r = field(seed, x, y, 16), g = field(seed + 1, x, y, 16);
        unsigned b = field(seed + 2, x, y, 32), spread = field(seed + 3, x, y, 8) / 8;
        uint64_t h = hash2(seed, x, y);
        uint32_t idx = (h & 3) ? patterns[(h >> 2) & 3] : (uint32_t)(h >> 32);
        uint8_t *blk = out + i * block_bytes;
        uint16_t c0 = rgb565(r + spread > 255 ? 255 : r + spread, g, b);
        uint16_t c1 = rgb565(r > spread ? r - spread : 0, g, b > spread ? b - spread : 0);
        if (block_bytes == 8) {
            memcpy(blk, &c0, 2);
            memcpy(blk + 2, &c1, 2);
            memcpy(blk + 4, &idx, 4);
        } else {
            blk[0] = 0x40; /* BC7 mode 6 */
            memcpy(blk + 1, &c0, 2);
            memcpy(blk + 3, &c1, 2);
            blk[5] = (uint8_t)(r ^ b);
            blk[6] = (uint8_t)g;
            blk[7] = (uint8_t)spread;
            uint32_t idx2 = (h & 12) ? idx : (uint32_t)h;
            memcpy(blk + 8, &idx, 4);
            memcpy(blk + 12, &idx2, 4);
        }
    }
    memset(out + blocks * block_bytes, 0, size - blocks * block_bytes);
}

/* A jittered torus: position, normal, uv as floats, then triangle indices. */
static void gen_mesh(uint64_t seed, uint8_t *out, uint64_t size)
{
    const unsigned ring = 256; /* vertices around the tube */
    uint64_t n_vertices = size * 6 / 10 / 32;
    float *v = (float *)out;
    uint64_t rng = seed;
    for (uint64_t i = 0; i < n_vertices; i++) {
        double u = (double)(i / ring) * 0.01, w = (double)(i % ring) * (6.283185307 / ring);
        double jitter = (double)(splitmix(&rng) % 1000) * 1e-6;
        double cx = cos(u), sx = sin(u), cw = cos(w), sw = sin(w);
        float *p = v + i * 8;
        p[0] = (float)((1.0 + 0.3 * cw) * cx + jitter);
        p[1] = (float)((1.0 + 0.3 * cw) * sx);
        p[2] = (float)(0.3 * sw + jitter);
        p[3] = (float)(cw * cx);
        p[4] = (float)(cw * sx);
        p[5] = (float)sw;
        p[6] = (float)(u / 6.283185307);
        p[7] = (float)((i % ring) / (double)ring);
    }
    uint8_t *idx_start = out + n_vertices * 32;
    uint64_t n_indices = (size - n_vertices * 32) / 4;
    uint32_t *idx = (uint32_t *)idx_start;
    for (uint64_t i = 0; i < n_indices; i++) {
        uint64_t quad = i / 6, corner = i % 6;
        static const unsigned du[6] = {0, 1, 0, 0, 1, 1}, dw[6] = {0, 0, 1, 1, 0, 1};
        uint64_t row = quad / ring + du[corner], col = (quad + dw[corner]) % ring;
        idx[i] = (uint32_t)((row * ring + col) % (n_vertices ? n_vertices : 1));
    }
    memset(idx_start + n_indices * 4, 0, size - n_vertices * 32 - n_indices * 4);
}

/* JSON lines describing items: the repetitive text a game's data files hold. */
static void gen_text(uint64_t seed, uint8_t *out, uint64_t size)
{
    static const char *const words[] = {"rock",  "tree",   "crate", "lamp",  "door",
                                        "wall",  "banner", "cart",  "fence", "barrel",
                                        "stone", "moss",   "iron",  "oak",   "glass"};
    const unsigned n_words = sizeof(words) / sizeof(words[0]);
    uint64_t at = 0, rng = seed;
    char line[512];
    for (unsigned id = 0; at < size; id++) {
        uint64_t h = splitmix(&rng);
        int n = snprintf(line, sizeof(line),
                         "{\"id\":%u,\"name\":\"%s_%s_%04u\",\"mesh\":\"meshes/mesh_%02u.mesh\","
                         "\"texture\":\"textures/texture-bc7_%02u.bc7\",\"lod\":[%.2f,%.2f,%.2f],"
                         "\"tags\":[\"%s\",\"%s\"],\"spawn\":{\"x\":%.3f,\"y\":%.3f,\"z\":%.3f},"
                         "\"enabled\":%s}\n",
                         id, words[h % n_words], words[(h >> 8) % n_words], id % 10000,
                         (unsigned)(h >> 16) % 10, (unsigned)(h >> 20) % 8, 1.0, 0.5, 0.25,
                         words[(h >> 24) % n_words], words[(h >> 32) % n_words],
                         (double)((h >> 40) % 100000) / 100.0, (double)((h >> 20) % 10000) / 100.0,
                         (double)(h % 100000) / 100.0, (h >> 63) ? "true" : "false");
        uint64_t len = (uint64_t)n < size - at ? (uint64_t)n : size - at;
        memcpy(out + at, line, len);
        at += len;
    }
}

static void gen_media(uint64_t seed, uint8_t *out, uint64_t size)
{
    uint64_t rng = seed, i = 0;
    for (; i + 8 <= size; i += 8) {
        uint64_t r = splitmix(&rng);
        memcpy(out + i, &r, 8);
    }
    for (; i < size; i++)
        out[i] = (uint8_t)splitmix(&rng);
}

void assets_generate(const asset_set *set, size_t index, uint8_t *out)
{
    const asset *a = &set->assets[index];
    uint64_t seed = hash2(set->seed, index, a->kind);
    switch (a->kind) {
    case ASSET_TEXTURE_BC1: gen_texture(seed, out, a->size, 8); break;
    case ASSET_TEXTURE_BC7: gen_texture(seed, out, a->size, 16); break;
    case ASSET_MESH: gen_mesh(seed, out, a->size); break;
    case ASSET_TEXT: gen_text(seed, out, a->size); break;
    default: gen_media(seed, out, a->size); break;
    }
}
