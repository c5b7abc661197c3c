/*
 * DSVK_DECODER: names, the per-device cache file, forced choices and auto on lavapipe (which
 * has no VK_NV_memory_decompression: auto is the shader, and gpu-native is refused), and the
 * measurement that auto runs where the driver path exists (here: the shader half). Also the
 * rule on the output binding (offset and size multiples of 4: the shader writes words).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "gh_harness.h"
#include "gpu/gdeflate_gpu_select.h"
#include "gpu/vk_buffer.h"

static gh_ctx ctx;

static int setup(void **state)
{
    (void)state;
    const char *why = NULL;
    if (!gh_init(&ctx, true, &why)) {
        fprintf(stderr, "gpu_gdeflate: no Vulkan device for the test: %s\n", why);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    gh_fini(&ctx);
    return 0;
}

static void names(void **state)
{
    (void)state;
    assert_string_equal(dsvk_decoder_name(DSVK_DECODER_AUTO), "auto");
    assert_string_equal(dsvk_decoder_name(DSVK_DECODER_GPU), "gpu");
    assert_string_equal(dsvk_decoder_name(DSVK_DECODER_GPU_NATIVE), "gpu-native");
    assert_string_equal(dsvk_decoder_name(DSVK_DECODER_CPU), "cpu");
}

static void cache(void **state)
{
    (void)state;
    char dir[] = "/tmp/dsvk-decoder-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof(path), "%s/a/b/decoder.json", dir);
    dsvk_decoder_device d1 = {.uuid = {1, 2, 3}, .driver_version = 7, .name = "one \"q\""};
    dsvk_decoder_device d2 = {.uuid = {9}, .driver_version = 7, .name = "two"};
    char k1[128], k2[128], k1b[128];
    dsvk_decoder_cache_key(&d1, 0x1234, k1, sizeof(k1));
    dsvk_decoder_cache_key(&d2, 0x1234, k2, sizeof(k2));
    dsvk_decoder_cache_key(&d1, 0x9999, k1b, sizeof(k1b)); /* another shader build */
    assert_string_not_equal(k1, k2);
    assert_string_not_equal(k1, k1b);
    dsvk_decoder k;
    assert_false(dsvk_decoder_cache_get(path, k1, &k));
    assert_int_equal(dsvk_decoder_cache_put(path, k1, DSVK_DECODER_GPU_NATIVE, 30, 70, d1.name),
                     DSVK_OK);
    assert_int_equal(dsvk_decoder_cache_put(path, k2, DSVK_DECODER_GPU, 50, 40, d2.name), DSVK_OK);
    assert_true(dsvk_decoder_cache_get(path, k1, &k) && k == DSVK_DECODER_GPU_NATIVE);
    assert_true(dsvk_decoder_cache_get(path, k2, &k) && k == DSVK_DECODER_GPU);
    assert_false(dsvk_decoder_cache_get(path, k1b, &k));
    /* replacing one entry keeps the other */
    assert_int_equal(dsvk_decoder_cache_put(path, k1, DSVK_DECODER_GPU, 90, 70, d1.name), DSVK_OK);
    assert_true(dsvk_decoder_cache_get(path, k1, &k) && k == DSVK_DECODER_GPU);
    assert_true(dsvk_decoder_cache_get(path, k2, &k) && k == DSVK_DECODER_GPU);
    size_t n = 0;
    uint8_t *text = gh_read_file(path, &n);
    assert_non_null(text);
    text[n] = 0;
    assert_true(text[0] == '{' && strstr((char *)text, "\"devices\"") != NULL);
    assert_null(strstr((char *)text, "\"q\"")); /* names cannot break the JSON */
    free(text);
    setenv("DSVK_DECODER_CACHE", path, 1);
    char *p = dsvk_decoder_cache_path();
    assert_string_equal(p, path);
    free(p);
    unsetenv("DSVK_DECODER_CACHE");
    setenv("XDG_CACHE_HOME", dir, 1);
    p = dsvk_decoder_cache_path();
    char want[256];
    snprintf(want, sizeof(want), "%s/dsvk/decoder.json", dir);
    assert_string_equal(p, want);
    free(p);
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static void select_on_lavapipe(void **state)
{
    (void)state;
    dsvk_gdgpu *g = ctx.dec[GH_SUBGROUP] ? ctx.dec[GH_SUBGROUP] : ctx.dec[GH_SHARED];
    assert_false(dsvk_gdgpu_native_supported(g));
    dsvk_decoder_device dev = {.driver_version = ctx.vk.props.driverVersion,
                               .name = ctx.vk.props.deviceName};
    memcpy(dev.uuid, ctx.vk.device_uuid, 16);
    dsvk_decoder k;
    assert_int_equal(dsvk_decoder_select(&ctx.env, g, &dev, DSVK_DECODER_AUTO, &k), DSVK_OK);
    assert_int_equal(k, DSVK_DECODER_GPU);
    assert_int_equal(dsvk_decoder_select(&ctx.env, g, &dev, DSVK_DECODER_CPU, &k), DSVK_OK);
    assert_int_equal(k, DSVK_DECODER_CPU);
    assert_int_equal(dsvk_decoder_select(&ctx.env, g, &dev, DSVK_DECODER_GPU, &k), DSVK_OK);
    assert_int_equal(k, DSVK_DECODER_GPU);
    assert_int_equal(dsvk_decoder_select(&ctx.env, g, &dev, DSVK_DECODER_GPU_NATIVE, &k),
                     DSVK_E_UNSUPPORTED);
    /* no shader context: auto falls back to the CPU, gpu is refused */
    assert_int_equal(dsvk_decoder_select(NULL, NULL, &dev, DSVK_DECODER_AUTO, &k), DSVK_OK);
    assert_int_equal(k, DSVK_DECODER_CPU);
    assert_int_equal(dsvk_decoder_select(NULL, NULL, &dev, DSVK_DECODER_GPU, &k),
                     DSVK_E_UNSUPPORTED);
    assert_int_equal(gh_messages(&ctx), 0);
}

static void measure(void **state)
{
    (void)state;
    double shader = -1, native = -1;
    assert_int_equal(
        dsvk_decoder_measure(&ctx.env, ctx.dec[GH_SHARED], 256 * 1024, &shader, &native), DSVK_OK);
    assert_true(shader > 0); /* exact and timed */
    assert_true(native == 0);
    assert_int_equal(gh_messages(&ctx), 0);
}

/* dsvk_gdgpu_bind takes an output range whose size is a multiple of 4 and refuses others. */
static void bind_refuses_output_not_in_words(void **state)
{
    (void)state;
    dsvk_vkstandalone *s = &ctx.vk;
    dsvk_gdgpu *g = ctx.dec[GH_SHARED];
    dsvk_vkbuf b;
    assert_int_equal(
        dsvk_vkbuf_create(&s->fns, s->device, &s->memory, 1u << 16,
                          VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_INDIRECT_BUFFER_BIT,
                          DSVK_VKMEM_DEVICE, false, &b),
        DSVK_OK);
    dsvk_gdgpu_range jobs = {b.buffer, 0, 4096}, in = {b.buffer, 4096, 4096};
    dsvk_gdgpu_range out = {b.buffer, 8192, 4096}, st = {b.buffer, 12288, 256};
    dsvk_gdgpu_binding *bind = NULL;
    assert_int_equal(dsvk_gdgpu_bind(g, &jobs, &in, &out, &st, &bind), DSVK_OK);
    assert_non_null(bind);
    dsvk_gdgpu_binding_destroy(g, bind);
    for (VkDeviceSize size = 4093; size < 4096; size++) {
        out.size = size;
        bind = NULL;
        assert_int_equal(dsvk_gdgpu_bind(g, &jobs, &in, &out, &st, &bind), DSVK_E_INVALID_ARGUMENT);
        assert_null(bind);
    }
    dsvk_vkbuf_destroy(&s->fns, s->device, &b);
    assert_int_equal(gh_messages(&ctx), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(names),
        cmocka_unit_test(cache),
        cmocka_unit_test(select_on_lavapipe),
        cmocka_unit_test(measure),
        cmocka_unit_test(bind_refuses_output_not_in_words),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
