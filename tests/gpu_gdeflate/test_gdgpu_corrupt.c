/*
 * Hostile input: bit flips, overwritten bytes, garbage lane words (bogus block headers and
 * Huffman tables), truncated and extended tiles, zeroed tiles and tiles shorter than the 32
 * initial lane words, mixed with intact streams in one dispatch. For every tile the GPU's
 * verdict must equal the CPU decoder's (an error status where it rejects, the same bytes
 * where it accepts), intact tiles must decode exactly, nothing may be written outside the
 * tiles' ranges, every dispatch must finish, and the validation layer must stay silent.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <dsvk/gdeflate.h>

#include "gh_harness.h"

#define MAX_STREAMS 160

static gh_ctx ctx;
static dsvk_gdgpu_stream streams[MAX_STREAMS];
static uint32_t nstreams;
static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint32_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 11);
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static uint32_t get32(const uint8_t *p)
{
    return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void add(uint8_t *data, size_t size)
{
    dsvk_gdeflate_info info;
    if (nstreams < MAX_STREAMS && dsvk_gdeflate_parse(data, size, &info) == DSVK_OK)
        streams[nstreams++] = (dsvk_gdgpu_stream){data, size};
    else
        free(data);
}

static uint8_t *copy_of(const uint8_t *src, size_t n, size_t extra)
{
    uint8_t *d = calloc(1, n + extra);
    memcpy(d, src, n);
    return d;
}

/* The corruptions of one intact stream (which goes in too). */
static void corrupt_all(const uint8_t *s, size_t n)
{
    dsvk_gdeflate_info info;
    assert_int_equal(dsvk_gdeflate_parse(s, n, &info), DSVK_OK);
    const size_t data0 = info.header_size;
    const size_t body = n - data0;
    add(copy_of(s, n, 0), n);
    for (int k = 0; k < 10; k++) { /* one flipped bit */
        uint8_t *d = copy_of(s, n, 0);
        size_t at = data0 + next() % body;
        d[at] ^= (uint8_t)(1u << (next() % 8));
        add(d, n);
    }
    for (int k = 0; k < 4; k++) { /* 16 overwritten bytes */
        uint8_t *d = copy_of(s, n, 0);
        size_t at = data0 + next() % (body > 16 ? body - 16 : 1);
        for (int b = 0; b < 16 && at + b < n; b++)
            d[at + b] = (uint8_t)next();
        add(d, n);
    }
    for (int k = 0; k < 4; k++) { /* garbage lane words: bogus headers and tables */
        uint8_t *d = copy_of(s, n, 0);
        uint64_t off;
        uint32_t size;
        dsvk_gdeflate_tile_range(d, &info, next() % info.num_tiles, &off, &size);
        for (uint32_t w = 0; w < 32 && 4 * w + 4 <= size; w++)
            if (next() % 2)
                put32(d + off + 4 * w, next() | next() << 21);
        add(d, n);
    }
    { /* last tile truncated by 4 and by 12 bytes (the tile table says so) */
        for (uint32_t cut = 4; cut <= 12; cut += 8) {
            uint8_t *d = copy_of(s, n, 0);
            uint32_t last = get32(d + 8);
            if (last > cut) {
                put32(d + 8, last - cut);
                add(d, n - cut);
            } else
                free(d);
        }
    }
    { /* last tile extended by a non-zero word, and by a zero word (accepted as padding) */
        for (int z = 0; z < 2; z++) {
            uint8_t *d = copy_of(s, n, 4);
            put32(d + 8, get32(d + 8) + 4);
            put32(d + n, z ? 0 : 0xA5A5A5A5u);
            add(d, n + 4);
        }
    }
    { /* last tile zeroed; last tile shorter than the 32 initial words */
        uint8_t *d = copy_of(s, n, 0);
        uint64_t off;
        uint32_t size;
        dsvk_gdeflate_tile_range(d, &info, info.num_tiles - 1, &off, &size);
        memset(d + off, 0, size);
        add(d, n);
        uint32_t keep = size < 64 ? size : 64;
        d = copy_of(s, n, 0);
        put32(d + 8, keep);
        add(d, (size_t)(off + keep));
    }
}

static int setup(void **state)
{
    (void)state;
    const char *why = NULL;
    if (!gh_init(&ctx, true, &why)) {
        fprintf(stderr, "gpu_gdeflate: no Vulkan device for the test: %s\n", why);
        return -1;
    }
    /* Intact bases: every block type (stored: random data; fixed: tiny; dynamic: the rest). */
    static const struct {
        int kind;
        size_t size;
        int level;
    } bases[] = {{1, 140000, 9}, {2, 70000, 1}, {3, 131072, 12}, {0, 70000, 9}, {1, 40, 5}};
    for (size_t b = 0; b < sizeof(bases) / sizeof(bases[0]); b++) {
        uint8_t *raw = malloc(bases[b].size);
        gh_make_data(raw, bases[b].size, bases[b].kind, 100 + b);
        size_t cap = dsvk_gdeflate_compress_bound(bases[b].size), csize = 0;
        uint8_t *c = malloc(cap);
        if (dsvk_gdeflate_compress(raw, bases[b].size, c, cap, &csize, bases[b].level, 0) !=
            DSVK_OK)
            return -1;
        corrupt_all(c, csize);
        free(c);
        free(raw);
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    for (uint32_t i = 0; i < nstreams; i++)
        free((void *)streams[i].data);
    gh_fini(&ctx);
    return 0;
}

static void run(int variant)
{
    assert_non_null(ctx.dec[variant]);
    gh_batch_opts o = {.verbose = 10};
    gh_report rep;
    assert_int_equal(gh_check_batch(&ctx, variant, streams, nstreams, &o, &rep), DSVK_OK);
    fprintf(stderr, "%s: %u streams, %u tiles: %u exact, %u rejected by both, %u mismatches\n",
            gh_variant_name(variant), nstreams, rep.tiles, rep.ok, rep.rejected, rep.mismatches);
    assert_int_equal(rep.mismatches, 0);
    assert_int_equal(rep.outside_writes, 0);
    assert_true(rep.rejected >= 30); /* the corruptions were caught... */
    assert_true(rep.ok >= 30);       /* ...and the rest decoded, in the same dispatch */
    assert_int_equal(gh_messages(&ctx), 0);
}

static void corrupt_subgroup(void **state)
{
    (void)state;
    run(GH_SUBGROUP);
}

static void corrupt_shared(void **state)
{
    (void)state;
    run(GH_SHARED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(corrupt_subgroup),
        cmocka_unit_test(corrupt_shared),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
