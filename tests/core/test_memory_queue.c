/* Memory-source queues: copies of every size, GDeflate streams from memory (the reference
 * vectors), corrupt streams. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"
#include <unistd.h>

static dsvk_queue *memory_queue(dsvk_runtime *rt)
{
    dsvk_queue_desc d = {.source_type = DSVK_SOURCE_MEMORY, .capacity = 512,
                         .priority = DSVK_PRIORITY_REALTIME, .name = "memory"};
    dsvk_queue *q;
    assert_int_equal(dsvk_queue_create(rt, &d, &q), DSVK_OK);
    return q;
}

static void test_copies(void **state)
{
    (void)state;
    dsvk_runtime *rt = tu_runtime(DSVK_IO_THREADS);
    dsvk_queue *q = memory_queue(rt);
    static const uint32_t sizes[] = {0, 1, 255, 4096, 262143, 262144, 262145, 3000001};
    enum { N = sizeof(sizes) / sizeof(sizes[0]) };
    uint8_t *src[N], *dst[N];
    for (unsigned i = 0; i < N; i++) {
        src[i] = malloc(sizes[i] + 1);
        dst[i] = calloc(1, sizes[i] + 1);
        tu_fill_random(src[i], sizes[i], i + 100);
        dsvk_request r = tu_memory_request(src[i], sizes[i], dst[i]);
        assert_int_equal(dsvk_queue_enqueue_request(q, &r), DSVK_OK);
    }
    tu_drain(q);
    for (unsigned i = 0; i < N; i++) {
        assert_memory_equal(dst[i], src[i], sizes[i]);
        free(src[i]);
        free(dst[i]);
    }
    dsvk_queue_stats st;
    dsvk_queue_get_stats(q, &st);
    assert_int_equal(st.requests_completed, N);
    assert_true(dsvk_stats_latency_percentile(&st, 99) > 0);
    dsvk_queue_close(q);
    dsvk_runtime_destroy(rt);
}

static uint8_t *read_all(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = malloc((size_t)n + 1);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *size = (size_t)n;
    return buf;
}

static void test_gdeflate_vectors(void **state)
{
    (void)state;
    const char *dir = getenv("DSVK_VECTORS");
    if (!dir || !*dir)
        fail_msg("DSVK_VECTORS is not set: the GDeflate reference vectors are required");
    DIR *d = opendir(dir);
    if (!d)
        fail_msg("GDeflate reference vectors missing: cannot open %s", dir);
    dsvk_runtime *rt = tu_runtime(DSVK_IO_THREADS);
    dsvk_queue *q = memory_queue(rt);
    dsvk_status_array *sa;
    assert_int_equal(dsvk_status_array_create(rt, 64, "sa", &sa), DSVK_OK);
    struct dirent *de;
    unsigned n = 0;
    uint8_t *streams[64], *raws[64], *outs[64];
    size_t raw_sizes[64];
    while ((de = readdir(d)) && n < 64) {
        const char *ext = strstr(de->d_name, ".gdeflate");
        if (!ext || ext[9])
            continue;
        char path[1024], raw_path[1024];
        snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
        snprintf(raw_path, sizeof(raw_path), "%s/%.*s.raw", dir,
                 (int)(strchr(de->d_name, '.') - de->d_name), de->d_name);
        size_t stream_size;
        streams[n] = read_all(path, &stream_size);
        raws[n] = read_all(raw_path, &raw_sizes[n]);
        assert_non_null(streams[n]);
        assert_non_null(raws[n]);
        outs[n] = malloc(raw_sizes[n]);
        dsvk_request r = tu_memory_request(streams[n], (uint32_t)stream_size, outs[n]);
        r.compression = DSVK_COMPRESSION_GDEFLATE;
        r.uncompressed_size = (uint32_t)raw_sizes[n];
        r.destination.u.memory.size = (uint32_t)raw_sizes[n];
        r.name = de->d_name;
        assert_int_equal(dsvk_queue_enqueue_request(q, &r), DSVK_OK);
        assert_int_equal(dsvk_queue_enqueue_status(q, sa, n), DSVK_OK);
        n++;
    }
    closedir(d);
    assert_true(n >= 24);
    tu_drain(q);
    for (unsigned i = 0; i < n; i++) {
        assert_int_equal(dsvk_status_array_get_result(sa, i), DSVK_OK);
        assert_memory_equal(outs[i], raws[i], raw_sizes[i]);
        free(streams[i]);
        free(raws[i]);
        free(outs[i]);
    }
    dsvk_queue_stats st;
    dsvk_queue_get_stats(q, &st);
    assert_int_equal(st.decode_path, DSVK_DECODER_CPU);
    dsvk_queue_close(q);
    dsvk_runtime_destroy(rt);
}

static void test_corrupt_gdeflate_fails_request_only(void **state)
{
    (void)state;
    dsvk_runtime *rt = tu_runtime(DSVK_IO_THREADS);
    dsvk_queue *q = memory_queue(rt);
    dsvk_status_array *sa;
    assert_int_equal(dsvk_status_array_create(rt, 2, "sa", &sa), DSVK_OK);
    uint8_t garbage[300];
    tu_fill_random(garbage, sizeof(garbage), 5);
    garbage[0] = 4; /* a plausible header with a bogus table and tiles */
    garbage[1] = 0xFB;
    static uint8_t out[65536], src[100], dst[100];
    dsvk_request r = tu_memory_request(garbage, sizeof(garbage), out);
    r.compression = DSVK_COMPRESSION_GDEFLATE;
    r.uncompressed_size = sizeof(out);
    r.destination.u.memory.size = sizeof(out);
    dsvk_queue_enqueue_request(q, &r);
    dsvk_queue_enqueue_status(q, sa, 0);
    r = tu_memory_request(src, sizeof(src), dst);
    dsvk_queue_enqueue_request(q, &r);
    dsvk_queue_enqueue_status(q, sa, 1);
    tu_drain(q);
    assert_int_equal(dsvk_status_array_get_result(sa, 0), DSVK_E_DECOMPRESSION);
    assert_int_equal(dsvk_status_array_get_result(sa, 1), DSVK_OK);
    dsvk_queue_close(q);
    dsvk_runtime_destroy(rt);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_copies),
        cmocka_unit_test(test_gdeflate_vectors),
        cmocka_unit_test(test_corrupt_gdeflate_fails_request_only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
