/*
 * A device where the GDeflate shader's start-up check refuses the workgroup layout: llvmpipe
 * with LP_NATIVE_VECTOR_WIDTH=1024 reports fixed 32-wide subgroups (so the host picks a
 * multi-tile build) but fills each with 16 invocations (so every tile fails that build's
 * layout check). The request that meets it fails with DSVK_E_DECOMPRESSION; the executor
 * then decodes on the CPU, and the same request succeeds. Run by ctest with that variable
 * set (gpu_exec_shader_refused).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <dsvk/gdeflate.h>

#include "exec_harness.h"

enum { RAW_SIZE = 200000 };

static dsvk_request request(dsvk_file *f, uint32_t size, const eh_buffer *dst)
{
    dsvk_request r = {0};
    r.source.type = DSVK_SOURCE_FILE;
    r.source.u.file.file = f;
    r.source.u.file.size = size;
    r.name = "refused layout";
    r.compression = DSVK_COMPRESSION_GDEFLATE;
    r.uncompressed_size = RAW_SIZE;
    r.destination.type = DSVK_DEST_BUFFER;
    r.destination.u.buffer.buffer = (uint64_t)(uintptr_t)dst->buffer;
    r.destination.u.buffer.size = RAW_SIZE;
    return r;
}

static void refused_shader_hands_over_to_the_cpu(void **state)
{
    (void)state;
    eh h;
    eh_init(&h, &(eh_opts){.decoder = DSVK_DECODER_GPU,
                           .configure = true,
                           .exec = {.shader_features = true}});
    if (h.vk.subgroup.subgroupSize != 32 || h.vk.min_subgroup_size != 32 ||
        h.vk.max_subgroup_size != 32)
        fail_msg("needs lavapipe with fixed 32-wide subgroups (LP_NATIVE_VECTOR_WIDTH=1024); "
                 "got %u (%u..%u)",
                 h.vk.subgroup.subgroupSize, h.vk.min_subgroup_size, h.vk.max_subgroup_size);
    dsvk_gpu_executor_info info;
    assert_true(dsvk_gpu_executor_get_info(h.dev, &info));
    assert_int_equal(info.decoder, DSVK_DECODER_GPU);

    uint8_t *raw = malloc(RAW_SIZE);
    assert_non_null(raw);
    for (uint32_t i = 0; i < RAW_SIZE; i++)
        raw[i] = (uint8_t)((i * 7u) ^ (i >> 9));
    size_t cap = dsvk_gdeflate_compress_bound(RAW_SIZE), csize = 0;
    uint8_t *comp = malloc(cap);
    assert_non_null(comp);
    assert_int_equal(dsvk_gdeflate_compress(raw, RAW_SIZE, comp, cap, &csize, 6, 1), DSVK_OK);
    dsvk_file *f = eh_file(&h, comp, csize);
    eh_buffer dst;
    eh_buffer_create(&h, RAW_SIZE, 0x5A, &dst);
    dsvk_queue *q = eh_queue(&h, DSVK_SOURCE_FILE, 128);

    dsvk_request r = request(f, (uint32_t)csize, &dst);
    assert_int_equal(dsvk_queue_enqueue_request(q, &r), DSVK_OK);
    assert_int_equal(eh_wait(&h, q), DSVK_E_DECOMPRESSION);
    assert_true(dsvk_gpu_executor_get_info(h.dev, &info));
    assert_int_equal(info.decoder, DSVK_DECODER_CPU);

    assert_int_equal(dsvk_queue_enqueue_request(q, &r), DSVK_OK);
    assert_int_equal(eh_wait(&h, q), DSVK_OK);
    assert_memory_equal(dst.map, raw, RAW_SIZE);

    dsvk_queue_close(q);
    eh_file_close(f);
    eh_buffer_destroy(&h, &dst);
    free(comp);
    free(raw);
    eh_fini(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(refused_shader_hands_over_to_the_cpu),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
