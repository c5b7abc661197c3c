/*
 * dsvk-gdgpu-check: decodes GDeflate streams on a GPU with dsvk's shader (both variants) and
 * with VK_NV_memory_decompression, and checks every tile against the CPU decoder and, where
 * known, the original bytes. Used by the tests on lavapipe and on real GPUs (docs/GPU_DECODER.md).
 *
 *   dsvk-gdgpu-check [--variant all|subgroup|shared|none] [--native|--require-native]
 *                    [--levels 1,9,12] [--no-validation] [--shift N] [--spirv FILE]
 *                    [--tpg N] FILES...
 *
 * FILE.gdeflate is decoded as it is (its original is FILE's NAME.raw when NAME.lL.gdeflate);
 * any other file is compressed with dsvk's CPU encoder at each level first. All streams of a
 * path go into one batch (one dispatch per segment). Exit status 0 only when every tile of
 * every path matched and the validation layer (when on) reported nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <dsvk/gdeflate.h>

#include "gh_harness.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* NAME.lL.gdeflate -> NAME.raw, if it exists. */
static uint8_t *sibling_raw(const char *path, size_t *size)
{
    char buf[4096];
    snprintf(buf, sizeof(buf), "%s", path);
    char *dot = strstr(buf, ".l");
    char *last = NULL;
    while (dot) {
        last = dot;
        dot = strstr(dot + 1, ".l");
    }
    if (!last)
        return NULL;
    snprintf(last, sizeof(buf) - (size_t)(last - buf), ".raw");
    return gh_read_file(buf, size);
}

int main(int argc, char **argv)
{
    const char *variant = "all";
    bool native = false, require_native = false, validation = true;
    int levels[12] = {1, 9, 12};
    int nlevels = 3;
    uint32_t shift = 0;
    const char *spirv = NULL;
    int first = 1;
    for (; first < argc && argv[first][0] == '-'; first++) {
        const char *a = argv[first];
        if (!strcmp(a, "--variant") && first + 1 < argc)
            variant = argv[++first];
        else if (!strcmp(a, "--native"))
            native = true;
        else if (!strcmp(a, "--require-native"))
            native = require_native = true;
        else if (!strcmp(a, "--no-validation"))
            validation = false;
        else if (!strcmp(a, "--tpg") && first + 1 < argc)
            gh_tiles_per_group = (uint32_t)atoi(argv[++first]);
        else if (!strcmp(a, "--spirv") && first + 1 < argc)
            spirv = argv[++first];
        else if (!strcmp(a, "--shift") && first + 1 < argc)
            shift = (uint32_t)atoi(argv[++first]);
        else if (!strcmp(a, "--levels") && first + 1 < argc) {
            nlevels = 0;
            for (char *t = strtok(argv[++first], ","); t && nlevels < 12; t = strtok(NULL, ","))
                levels[nlevels++] = atoi(t);
        } else {
            fprintf(stderr,
                    "usage: %s [--variant all|subgroup|shared|none] [--native] "
                    "[--require-native] [--levels L,L] [--no-validation] [--shift N] "
                    "[--spirv FILE] [--tpg N] FILES...\n",
                    argv[0]);
            return 2;
        }
    }
    if (first >= argc) {
        fprintf(stderr, "%s: no files\n", argv[0]);
        return 2;
    }

    /* Streams and what they must decode to. */
    size_t cap = (size_t)(argc - first) * (size_t)nlevels + 1;
    dsvk_gdgpu_stream *streams = calloc(cap, sizeof(*streams));
    const void **expected = calloc(cap, sizeof(*expected));
    void **owned = calloc(cap * 2, sizeof(*owned));
    uint32_t n = 0, nowned = 0;
    for (int i = first; i < argc; i++) {
        size_t size = 0;
        uint8_t *data = gh_read_file(argv[i], &size);
        if (!data) {
            fprintf(stderr, "%s: cannot read %s\n", argv[0], argv[i]);
            return 2;
        }
        owned[nowned++] = data;
        if (ends_with(argv[i], ".gdeflate")) {
            size_t raw_size = 0;
            uint8_t *raw = sibling_raw(argv[i], &raw_size);
            dsvk_gdeflate_info info;
            if (raw && (dsvk_gdeflate_parse(data, size, &info) != DSVK_OK ||
                        info.uncompressed_size != raw_size)) {
                free(raw);
                raw = NULL;
            }
            if (raw)
                owned[nowned++] = raw;
            streams[n] = (dsvk_gdgpu_stream){data, size};
            expected[n++] = raw;
            continue;
        }
        for (int l = 0; l < nlevels; l++) {
            size_t bound = dsvk_gdeflate_compress_bound(size);
            uint8_t *c = malloc(bound);
            size_t csize = 0;
            if (!c ||
                dsvk_gdeflate_compress(data, size, c, bound, &csize, levels[l], 0) != DSVK_OK) {
                fprintf(stderr, "%s: cannot compress %s at level %d\n", argv[0], argv[i],
                        levels[l]);
                return 2;
            }
            owned[nowned++] = c;
            streams[n] = (dsvk_gdgpu_stream){c, csize};
            expected[n++] = data;
        }
    }

    double t0 = now();
    gh_ctx ctx;
    const char *why = NULL;
    if (!gh_init_spirv(&ctx, validation, spirv, &why)) {
        fprintf(stderr, "%s: %s\n", argv[0], why);
        return 2;
    }
    const dsvk_vkstandalone *s = &ctx.vk;
    printf("device: %s, driver 0x%x, Vulkan %u.%u.%u, vendor 0x%04x\n", s->props.deviceName,
           s->props.driverVersion, VK_API_VERSION_MAJOR(s->props.apiVersion),
           VK_API_VERSION_MINOR(s->props.apiVersion), VK_API_VERSION_PATCH(s->props.apiVersion),
           s->props.vendorID);
    printf("subgroups: size %u, compute %s, operations 0x%x; maxStorageBufferRange %u, "
           "maxComputeWorkGroupCount[0] %u\n",
           s->subgroup.subgroupSize,
           (s->subgroup.supportedStages & VK_SHADER_STAGE_COMPUTE_BIT) ? "yes" : "no",
           s->subgroup.supportedOperations, s->props.limits.maxStorageBufferRange,
           s->props.limits.maxComputeWorkGroupCount[0]);
    printf("VK_NV_memory_decompression: %s (methods 0x%llx, maxDecompressionIndirectCount "
           "%llu)\n",
           s->memory_decompression_nv ? "enabled" : "no",
           (unsigned long long)s->nv_decompression_methods,
           (unsigned long long)s->nv_max_indirect_count);
    printf("setup (instance, device, pipelines): %.2f s\n", now() - t0);
    for (int v = 0; v < GH_VARIANTS; v++) {
        char st[1024];
        if (ctx.dec[v])
            printf("%s: %u tile(s) per workgroup; driver statistics: %s\n", gh_variant_name(v),
                   dsvk_gdgpu_tiles_per_group(ctx.dec[v]),
                   dsvk_gdgpu_statistics(ctx.dec[v], st, sizeof(st))[0] ? st : "none");
    }

    int failures = 0;
    uint64_t out_total = 0;
    for (uint32_t i = 0; i < n; i++) {
        dsvk_gdeflate_info info;
        if (dsvk_gdeflate_parse(streams[i].data, streams[i].size, &info) == DSVK_OK)
            out_total += info.uncompressed_size;
    }
    struct {
        const char *name;
        int v;
        bool native;
    } paths[] = {{"shader/subgroup", GH_SUBGROUP, false},
                 {"shader/shared", GH_SHARED, false},
                 {"VK_NV_memory_decompression", GH_SHARED, true}};
    for (size_t p = 0; p < sizeof(paths) / sizeof(paths[0]); p++) {
        if (paths[p].native && !native)
            continue;
        if (!paths[p].native && strcmp(variant, "all") &&
            strcmp(variant, gh_variant_name(paths[p].v)))
            continue;
        if (paths[p].native && !dsvk_gdgpu_native_supported(ctx.dec[GH_SHARED])) {
            printf("%-28s not available on this device\n", paths[p].name);
            failures += require_native;
            continue;
        }
        if (!paths[p].native && !ctx.dec[paths[p].v]) {
            printf("%-28s not supported by this device\n", paths[p].name);
            continue;
        }
        gh_batch_opts o = {
            .native = paths[p].native,
            .input_shift = paths[p].native ? 0 : shift,
            .expected = expected,
            .verbose = 10,
        };
        gh_report rep;
        double t1 = now();
        dsvk_result r = gh_check_batch(&ctx, paths[p].v, streams, n, &o, &rep);
        double wall = now() - t1;
        bool good = r == DSVK_OK && rep.mismatches == 0 && rep.outside_writes == 0 &&
                    rep.ok + rep.rejected == rep.tiles;
        printf("%-28s %s: %u streams, %u tiles (%u segments), %u exact, %u rejected by both, "
               "%u mismatches, %u bytes written outside tiles; gpu %.3f ms (%.2f GB/s), "
               "wall %.2f s\n",
               paths[p].name, good ? "PASS" : "FAIL", n, rep.tiles, rep.segments, rep.ok,
               rep.rejected, rep.mismatches, rep.outside_writes, rep.gpu_seconds * 1e3,
               rep.gpu_seconds > 0 ? (double)out_total / rep.gpu_seconds * 1e-9 : 0.0, wall);
        if (r != DSVK_OK)
            printf("  batch failed: %s\n", dsvk_result_string(r));
        failures += !good;
    }
    unsigned msgs = gh_messages(&ctx);
    gh_fini(&ctx);
    if (validation)
        printf("validation messages: %u\n", msgs);
    failures += msgs != 0;
    for (uint32_t i = 0; i < nowned; i++)
        free(owned[i]);
    free(owned);
    free(streams);
    free(expected);
    printf("%s\n", failures ? "FAILED" : "ALL PASSED");
    return failures ? 1 : 0;
}
