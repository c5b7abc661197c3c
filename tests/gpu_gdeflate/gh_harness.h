/*
 * Shared by the GPU GDeflate tests and dsvk-gdgpu-check: a Vulkan device with the Khronos
 * validation layer and a message-counting messenger, both decoder variants, and a batch
 * checker that compares every tile the GPU decoded with the CPU decoder.
 */
#ifndef DSVK_TESTS_GH_HARNESS_H
#define DSVK_TESTS_GH_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gpu/gdeflate_gpu.h"
#include "gpu/gdeflate_gpu_batch.h"
#include "gpu/vk_standalone.h"

enum { GH_SUBGROUP, GH_SHARED, GH_VARIANTS };

/* The decoder variant behind each GH_* index. */
dsvk_gdgpu_variant gh_variant(int v);

typedef struct gh_ctx {
    dsvk_vkstandalone vk;
    dsvk_gdgpu *dec[GH_VARIANTS]; /* NULL where the device lacks the variant */
    dsvk_gdgpu_env env;
} gh_ctx;

/* Tiles per workgroup of the subgroup decoder made by gh_init (0: its default). */
extern uint32_t gh_tiles_per_group;

/* Brings up the device (validation on unless validation is false); false with *why set.
 * gh_init_spirv with spirv (a file): every variant runs that SPIR-V instead of the embedded
 * code; gh_init: the SPIR-V file GH_SPIRV names if set (to run the tests on a build that is
 * not embedded, such as the word-writes build), else the embedded code. */
bool gh_init(gh_ctx *c, bool validation, const char **why);
bool gh_init_spirv(gh_ctx *c, bool validation, const char *spirv, const char **why);
void gh_fini(gh_ctx *c);
const char *gh_variant_name(int v);
/* Validation messages seen so far. */
unsigned gh_messages(gh_ctx *c);

/* What a batch check found. */
typedef struct gh_report {
    uint32_t tiles;
    uint32_t ok;             /* tiles the GPU decoded exactly as the CPU decoder */
    uint32_t rejected;       /* tiles both rejected */
    uint32_t mismatches;     /* verdict or byte differences */
    uint32_t outside_writes; /* bytes outside every tile's range that changed */
    double gpu_seconds;
    uint32_t segments;
} gh_report;

typedef struct gh_batch_opts {
    uint32_t input_shift;
    uint64_t max_segment;
    bool native;                 /* decode with VK_NV_memory_decompression instead of the shader */
    const void *const *expected; /* optional: expected output of each stream */
    int verbose;                 /* print up to this many mismatches */
} gh_batch_opts;

/*
 * Decodes the streams in one batch with decoder v (or natively), then checks every tile
 * against the CPU decoder (dsvk_gdeflate_decompress_tile): a tile the CPU accepts must
 * decode to the same bytes with an "ok" status; a tile it rejects must report an error.
 * Bytes between the streams' outputs must keep the poison value. Returns DSVK_OK when the
 * batch ran (the report says how it went).
 */
dsvk_result gh_check_batch(gh_ctx *c, int v, const dsvk_gdgpu_stream *streams, uint32_t n,
                           const gh_batch_opts *opts, gh_report *rep);

/* Reads a whole file; NULL on failure. */
uint8_t *gh_read_file(const char *path, size_t *size);
/* $DSVK_VECTORS/name, malloc'd. */
char *gh_vector_path(const char *name);

/* Deterministic test data: kind 0 random, 1 text-like, 2 structured binary, 3 runs. */
void gh_make_data(uint8_t *dst, size_t n, int kind, uint64_t seed);

#endif
