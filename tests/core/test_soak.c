/* Soak: 100 000 file requests of random sizes and offsets per backend, each checked by CRC32
 * against the file's content, with status entries spread through the stream. */
#include <libdeflate.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "testutil.h"
#include <unistd.h>

enum { FILE_SIZE = 32 << 20, BATCH = 1000, MAX_REQ = 16384 };

static void soak(dsvk_io_backend backend, unsigned total)
{
    dsvk_runtime *rt = tu_runtime(backend);
    uint8_t *data;
    char *path = tu_make_file(FILE_SIZE, 41, &data);
    dsvk_file *f;
    assert_int_equal(dsvk_file_open(rt, path, &f, NULL), DSVK_OK);
    dsvk_queue_desc d = {.source_type = DSVK_SOURCE_FILE, .capacity = 2048,
                         .priority = DSVK_PRIORITY_NORMAL, .name = "soak"};
    dsvk_queue *q;
    assert_int_equal(dsvk_queue_create(rt, &d, &q), DSVK_OK);
    dsvk_status_array *sa;
    assert_int_equal(dsvk_status_array_create(rt, BATCH / 100, "soak", &sa), DSVK_OK);
    uint8_t *dst = malloc((size_t)BATCH * MAX_REQ);
    uint64_t offs[BATCH];
    uint32_t sizes[BATCH];
    uint64_t x = 88172645463325252ull;
    for (unsigned done = 0; done < total; done += BATCH) {
        for (unsigned i = 0; i < BATCH; i++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            sizes[i] = 1 + (uint32_t)(x % MAX_REQ);
            offs[i] = (x >> 20) % (FILE_SIZE - sizes[i]);
            dsvk_request r = tu_file_request(f, offs[i], sizes[i], dst + (size_t)i * MAX_REQ);
            assert_int_equal(dsvk_queue_enqueue_request(q, &r), DSVK_OK);
            if (i % 100 == 99)
                dsvk_queue_enqueue_status(q, sa, i / 100);
        }
        tu_drain(q);
        for (unsigned s = 0; s < BATCH / 100; s++)
            assert_int_equal(dsvk_status_array_get_result(sa, s), DSVK_OK);
        for (unsigned i = 0; i < BATCH; i++) {
            uint32_t want = libdeflate_crc32(0, data + offs[i], sizes[i]);
            uint32_t got = libdeflate_crc32(0, dst + (size_t)i * MAX_REQ, sizes[i]);
            if (want != got)
                fail_msg("request %u (offset %llu, %u bytes): crc %08x, want %08x", done + i,
                         (unsigned long long)offs[i], sizes[i], got, want);
        }
    }
    dsvk_queue_stats st;
    dsvk_queue_get_stats(q, &st);
    assert_int_equal(st.requests_completed, total);
    print_message("%s: %u requests, %.1f MiB, p50 %llu us, p99 %llu us\n",
                  backend == DSVK_IO_URING ? "io_uring" : "threads", total,
                  (double)st.bytes_read / 1048576.0,
                  (unsigned long long)dsvk_stats_latency_percentile(&st, 50),
                  (unsigned long long)dsvk_stats_latency_percentile(&st, 99));
    free(dst);
    dsvk_runtime_destroy(rt);
    tu_remove_file(path);
    free(data);
}

static unsigned soak_total(void)
{
    const char *s = getenv("DSVK_SOAK_REQUESTS");
    return s && *s ? (unsigned)strtoul(s, NULL, 10) / BATCH * BATCH : 100000;
}

static void test_soak_uring(void **state)
{
    (void)state;
    soak(DSVK_IO_URING, soak_total());
}

static void test_soak_threads(void **state)
{
    (void)state;
    soak(DSVK_IO_THREADS, soak_total());
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_soak_uring),
        cmocka_unit_test(test_soak_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
