#include "gd_testutil.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gdeflate/decode_internal.h"

const char *gdt_vectors_dir(void)
{
    const char *dir = getenv("DSVK_VECTORS");
    if (!dir || !*dir)
        fail_msg("DSVK_VECTORS is not set: the GDeflate reference vectors are required");
    char path[1024];
    snprintf(path, sizeof(path), "%s/MANIFEST", dir);
    FILE *f = fopen(path, "r");
    if (!f)
        fail_msg("GDeflate reference vectors missing: cannot open %s", path);
    fclose(f);
    return dir;
}

uint8_t *gdt_read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) != 0) {
        fclose(f);
        return NULL;
    }
    long n = ftell(f);
    rewind(f);
    uint8_t *buf = malloc((size_t)n + 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        fclose(f);
        return NULL;
    }
    fclose(f);
    *size = (size_t)n;
    return buf;
}

gdt_vector *gdt_manifest(size_t *count)
{
    char path[1024], line[512];
    snprintf(path, sizeof(path), "%s/MANIFEST", gdt_vectors_dir());
    FILE *f = fopen(path, "r");
    if (!f)
        fail_msg("cannot read %s", path);
    size_t n = 0, cap = 64;
    gdt_vector *v = calloc(cap, sizeof(*v));
    while (fgets(line, sizeof(line), f)) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        if (n == cap)
            v = realloc(v, (cap *= 2) * sizeof(*v));
        if (sscanf(line, "%63s %zu %u %zu", v[n].name, &v[n].raw_size, &v[n].level,
                   &v[n].stream_size) == 4)
            n++;
    }
    fclose(f);
    if (n == 0)
        fail_msg("%s lists no vectors", path);
    *count = n;
    return v;
}

uint8_t *gdt_load_raw(const gdt_vector *v, size_t *size)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s.raw", gdt_vectors_dir(), v->name);
    uint8_t *p = gdt_read_file(path, size);
    if (!p)
        fail_msg("cannot read %s", path);
    if (*size != v->raw_size)
        fail_msg("%s: %zu bytes, MANIFEST says %zu", path, *size, v->raw_size);
    return p;
}

uint8_t *gdt_load_stream(const gdt_vector *v, size_t *size)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s.l%u.gdeflate", gdt_vectors_dir(), v->name, v->level);
    uint8_t *p = gdt_read_file(path, size);
    if (!p)
        fail_msg("cannot read %s", path);
    if (*size != v->stream_size)
        fail_msg("%s: %zu bytes, MANIFEST says %zu", path, *size, v->stream_size);
    return p;
}

static uint64_t next_random(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

void gdt_fill(uint8_t *buf, size_t n, gdt_kind kind, uint64_t seed)
{
    static const char *words[] = {"the ",   "tile ",  "lane ",   "stream ", "decoder ",
                                  "block ", "match ", "window ", "64 KiB ", "\n"};
    uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
    size_t i = 0;
    switch (kind) {
    case GDT_RANDOM:
        for (; i < n; i++)
            buf[i] = (uint8_t)next_random(&x);
        break;
    case GDT_ZEROS: memset(buf, 0, n); break;
    case GDT_TEXT:
        while (i < n) {
            const char *w = words[next_random(&x) % 10];
            for (; *w && i < n; w++)
                buf[i++] = (uint8_t)*w;
        }
        break;
    case GDT_FLOATS:
        for (; i < n; i++) {
            /* little-endian floats of a slowly changing mesh: similar exponents, noisy
             * mantissas */
            float f = (float)(i / 12) * 0.01f + (float)(next_random(&x) % 100) * 1e-4f;
            uint8_t b[4];
            memcpy(b, &f, 4);
            buf[i] = b[i % 4];
        }
        break;
    case GDT_MIXED:
        while (i < n) {
            size_t run = 1 + next_random(&x) % 3000;
            if (run > n - i)
                run = n - i;
            gdt_fill(buf + i, run, (gdt_kind)(next_random(&x) % 4), next_random(&x));
            i += run;
        }
        break;
    }
}

size_t gdt_tile_out_size(const dsvk_gdeflate_info *info, uint32_t t)
{
    return t + 1 == info->num_tiles ? info->last_tile_size : DSVK_GDEFLATE_TILE_SIZE;
}

unsigned gdt_decoder_variants(void)
{
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("bmi2"))
        return 2;
    if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("bmi"))
        return 3;
    return gd_cpu_has_avx512() ? 5 : 4;
#else
    return 2;
#endif
}
