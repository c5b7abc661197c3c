/*
 * Random corpora: random, text-like, structured and run-heavy data of awkward sizes,
 * compressed by dsvk's CPU encoder at several levels, decoded on the GPU, many streams in one
 * dispatch and again split into many dispatches; every byte compared with the input (and every
 * tile with the CPU decoder). Both shader variants; zero validation messages.
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

#define MAX_STREAMS 64

static gh_ctx ctx;
static dsvk_gdgpu_stream streams[MAX_STREAMS];
static uint8_t *raws[MAX_STREAMS];
static uint32_t nstreams;

static int setup(void **state)
{
    (void)state;
    const char *why = NULL;
    if (!gh_init(&ctx, true, &why)) {
        fprintf(stderr, "gpu_gdeflate: no Vulkan device for the test: %s\n", why);
        return -1;
    }
    static const size_t sizes[] = {1, 100, 4095, 65535, 65536, 65537, 200001};
    static const int levels[] = {1, 5, 9, 12};
    uint64_t seed = 1;
    for (int kind = 0; kind < 4; kind++)
        for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
            /* every kind at every size, levels in rotation (all four per kind) */
            int level = levels[(kind + s) % 4];
            size_t n = sizes[s];
            uint8_t *raw = malloc(n);
            gh_make_data(raw, n, kind, seed++);
            size_t cap = dsvk_gdeflate_compress_bound(n), csize = 0;
            uint8_t *c = malloc(cap);
            if (dsvk_gdeflate_compress(raw, n, c, cap, &csize, level, 0) != DSVK_OK) {
                fprintf(stderr, "gpu_gdeflate: encoder failed (kind %d, %zu bytes)\n", kind, n);
                return -1;
            }
            raws[nstreams] = raw;
            streams[nstreams++] = (dsvk_gdgpu_stream){c, csize};
        }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    for (uint32_t i = 0; i < nstreams; i++) {
        free(raws[i]);
        free((void *)streams[i].data);
    }
    gh_fini(&ctx);
    return 0;
}

static void run(int variant, uint64_t max_segment, uint32_t shift)
{
    assert_non_null(ctx.dec[variant]);
    gh_batch_opts o = {
        .input_shift = shift,
        .max_segment = max_segment,
        .expected = (const void *const *)raws,
        .verbose = 8,
    };
    gh_report rep;
    assert_int_equal(gh_check_batch(&ctx, variant, streams, nstreams, &o, &rep), DSVK_OK);
    if (rep.mismatches || rep.rejected || rep.outside_writes)
        fprintf(stderr, "%s: %u tiles, %u ok, %u rejected, %u mismatches, %u outside\n",
                gh_variant_name(variant), rep.tiles, rep.ok, rep.rejected, rep.mismatches,
                rep.outside_writes);
    assert_true(rep.tiles > 40);
    assert_int_equal(rep.ok, rep.tiles);
    assert_int_equal(rep.outside_writes, 0);
    if (max_segment)
        assert_true(rep.segments > 4);
    assert_int_equal(gh_messages(&ctx), 0);
}

static void one_dispatch_subgroup(void **state)
{
    (void)state;
    run(GH_SUBGROUP, 0, 0);
}

static void one_dispatch_shared(void **state)
{
    (void)state;
    run(GH_SHARED, 0, 2);
}

/* Small segments: many dispatches, each binding its own input and output ranges. */
static void many_dispatches_subgroup(void **state)
{
    (void)state;
    run(GH_SUBGROUP, 256 * 1024, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(one_dispatch_subgroup),
        cmocka_unit_test(one_dispatch_shared),
        cmocka_unit_test(many_dispatches_subgroup),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
