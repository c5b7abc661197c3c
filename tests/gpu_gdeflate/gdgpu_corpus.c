/*
 * dsvk-gdgpu-corpus: writes deterministic benchmark inputs for the GPU decoder where no asset
 * corpus is at hand (docs/GPU_DECODER.md):
 *   texture.raw  BC1-like compressed texture blocks: RGB565 endpoints of a smooth colour field
 *                plus 2-bit indices with spatial structure and noise (what DirectStorage
 *                mostly streams: block-compressed textures)
 *   mesh.raw     float vertex records (position, normal, uv) of a smooth surface
 *   json.raw     JSON-like records with repeated keys and varying values
 *
 *   dsvk-gdgpu-corpus OUTDIR MIB
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng = 0x243F6A8885A308D3ull;

static uint32_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}

static FILE *open_out(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f)
        perror(path);
    return f;
}

static uint16_t rgb565(double r, double g, double b)
{
    int R = (int)fmax(0, fmin(31, r * 31)), G = (int)fmax(0, fmin(63, g * 63)),
        B = (int)fmax(0, fmin(31, b * 31));
    return (uint16_t)((R << 11) | (G << 5) | B);
}

static void texture(FILE *f, uint64_t bytes)
{
    const uint32_t bw = 2048; /* blocks per row: an 8192-pixel-wide texture */
    uint64_t nblocks = bytes / 8;
    for (uint64_t i = 0; i < nblocks; i++) {
        double x = (double)(i % bw) / bw, y = (double)(i / bw) / bw;
        double r = 0.5 + 0.4 * sin(x * 9 + y * 3), g = 0.5 + 0.4 * sin(y * 7 + 1),
               b = 0.5 + 0.4 * cos(x * 5 - y * 4);
        double d = 0.05 + 0.1 * (next() % 100) / 100.0; /* block contrast */
        uint16_t c0 = rgb565(r + d, g + d, b + d), c1 = rgb565(r - d, g - d, b - d);
        uint32_t idx = 0;
        for (int p = 0; p < 16; p++) {
            /* a gradient across the block with a little noise */
            int v = ((p & 3) + (p >> 2)) * 3 / 6 + ((next() % 8) == 0 ? 1 : 0);
            idx |= (uint32_t)(v & 3) << (2 * p);
        }
        uint8_t blk[8] = {(uint8_t)c0,          (uint8_t)(c0 >> 8),  (uint8_t)c1,
                          (uint8_t)(c1 >> 8),   (uint8_t)idx,        (uint8_t)(idx >> 8),
                          (uint8_t)(idx >> 16), (uint8_t)(idx >> 24)};
        fwrite(blk, 1, 8, f);
    }
}

static void mesh(FILE *f, uint64_t bytes)
{
    uint64_t n = bytes / 32;
    for (uint64_t i = 0; i < n; i++) {
        float u = (float)(i % 1024) / 1024.0f, v = (float)(i / 1024 % 1024) / 1024.0f;
        float rec[8] = {u * 10.0f,
                        (float)sin(u * 6.0f + v * 4.0f),
                        v * 10.0f,
                        (float)cos(u * 6.0f),
                        (float)sin(v * 4.0f),
                        0.5f,
                        u,
                        v};
        fwrite(rec, sizeof(rec), 1, f);
    }
}

static void json(FILE *f, uint64_t bytes)
{
    static const char *names[] = {"sword",     "shield",    "potion", "tree_oak", "rock_large",
                                  "npc_guard", "door_wood", "lamp",   "crate",    "banner"};
    uint64_t written = 0;
    while (written < bytes) {
        char buf[512];
        int n =
            snprintf(buf, sizeof(buf),
                     "{\"id\": %u, \"name\": \"%s_%u\", \"position\": [%.3f, %.3f, %.3f], "
                     "\"scale\": %.2f, \"tags\": [\"static\", \"lod%u\"], \"visible\": %s},\n",
                     next() % 100000, names[next() % 10], next() % 64, (next() % 100000) / 100.0,
                     (next() % 1000) / 100.0, (next() % 100000) / 100.0,
                     0.5 + (next() % 200) / 100.0, next() % 4, next() % 3 ? "true" : "false");
        fwrite(buf, 1, (size_t)n, f);
        written += (uint64_t)n;
    }
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s OUTDIR MIB\n", argv[0]);
        return 2;
    }
    uint64_t bytes = strtoull(argv[2], NULL, 10) << 20;
    FILE *f;
    if (!(f = open_out(argv[1], "texture.raw")))
        return 1;
    texture(f, bytes);
    fclose(f);
    if (!(f = open_out(argv[1], "mesh.raw")))
        return 1;
    mesh(f, bytes);
    fclose(f);
    if (!(f = open_out(argv[1], "json.raw")))
        return 1;
    json(f, bytes);
    fclose(f);
    return 0;
}
