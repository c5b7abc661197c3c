/*
 * Every reference vector (all levels) decoded by the GPU shader, both variants, compared
 * byte for byte with its .raw file and with the CPU decoder; then all of them in one dispatch,
 * also at unaligned input positions. Zero validation messages.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gh_harness.h"

#define MAX_VECTORS 64

typedef struct vec {
    char name[96];
    uint8_t *stream, *raw;
    size_t stream_size, raw_size;
} vec;

static gh_ctx ctx;
static vec vecs[MAX_VECTORS];
static uint32_t nvecs;

static int setup(void **state)
{
    (void)state;
    const char *why = NULL;
    if (!gh_init(&ctx, true, &why)) {
        fprintf(stderr, "gpu_gdeflate: no Vulkan device for the test: %s\n", why);
        return -1;
    }
    char *manifest = gh_vector_path("MANIFEST");
    FILE *f = manifest ? fopen(manifest, "r") : NULL;
    if (!f) {
        fprintf(stderr, "gpu_gdeflate: cannot read %s (set DSVK_VECTORS)\n", manifest);
        free(manifest);
        return -1;
    }
    free(manifest);
    char line[512];
    while (fgets(line, sizeof(line), f) && nvecs < MAX_VECTORS) {
        char name[64];
        unsigned level;
        if (line[0] == '#' || sscanf(line, "%63s %*u %u", name, &level) != 2)
            continue;
        vec *v = &vecs[nvecs];
        snprintf(v->name, sizeof(v->name), "%s.l%u.gdeflate", name, level);
        char raw_name[96];
        snprintf(raw_name, sizeof(raw_name), "%s.raw", name);
        char *sp = gh_vector_path(v->name), *rp = gh_vector_path(raw_name);
        v->stream = gh_read_file(sp, &v->stream_size);
        v->raw = gh_read_file(rp, &v->raw_size);
        free(sp);
        free(rp);
        if (!v->stream || !v->raw) {
            fprintf(stderr, "gpu_gdeflate: cannot read vector %s\n", v->name);
            fclose(f);
            return -1;
        }
        nvecs++;
    }
    fclose(f);
    if (nvecs < 24) {
        fprintf(stderr, "gpu_gdeflate: only %u vectors in the MANIFEST\n", nvecs);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    for (uint32_t i = 0; i < nvecs; i++) {
        free(vecs[i].stream);
        free(vecs[i].raw);
    }
    gh_fini(&ctx);
    return 0;
}

static void check_all(int variant, bool one_batch, uint32_t shift)
{
    assert_non_null(ctx.dec[variant]);
    uint32_t total_ok = 0, total_tiles = 0;
    for (uint32_t i = 0; i < (one_batch ? 1 : nvecs); i++) {
        dsvk_gdgpu_stream streams[MAX_VECTORS];
        const void *expected[MAX_VECTORS];
        uint32_t n = 0;
        for (uint32_t k = one_batch ? 0 : i; k < (one_batch ? nvecs : i + 1); k++) {
            streams[n] = (dsvk_gdgpu_stream){vecs[k].stream, vecs[k].stream_size};
            expected[n++] = vecs[k].raw;
        }
        gh_batch_opts o = {.input_shift = shift, .expected = expected, .verbose = 8};
        gh_report rep;
        dsvk_result r = gh_check_batch(&ctx, variant, streams, n, &o, &rep);
        if (r != DSVK_OK || rep.mismatches || rep.outside_writes || rep.rejected)
            fprintf(stderr, "%s %s: %u tiles, %u ok, %u rejected, %u mismatches, %u outside\n",
                    gh_variant_name(variant), one_batch ? "all" : vecs[i].name, rep.tiles, rep.ok,
                    rep.rejected, rep.mismatches, rep.outside_writes);
        assert_int_equal(r, DSVK_OK);
        assert_int_equal(rep.mismatches, 0);
        assert_int_equal(rep.rejected, 0);
        assert_int_equal(rep.outside_writes, 0);
        assert_int_equal(rep.ok, rep.tiles);
        total_ok += rep.ok;
        total_tiles += rep.tiles;
    }
    assert_true(total_tiles >= 48);
    assert_int_equal(total_ok, total_tiles);
    assert_int_equal(gh_messages(&ctx), 0);
}

static void each_vector_subgroup(void **state)
{
    (void)state;
    check_all(GH_SUBGROUP, false, 0);
}

static void each_vector_shared(void **state)
{
    (void)state;
    check_all(GH_SHARED, false, 0);
}

static void one_dispatch_unaligned_subgroup(void **state)
{
    (void)state;
    check_all(GH_SUBGROUP, true, 3);
}

static void one_dispatch_unaligned_shared(void **state)
{
    (void)state;
    check_all(GH_SHARED, true, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(each_vector_subgroup),
        cmocka_unit_test(each_vector_shared),
        cmocka_unit_test(one_dispatch_unaligned_subgroup),
        cmocka_unit_test(one_dispatch_unaligned_shared),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
