/* The custom decompression queue: application-defined formats, and GDeflate handed to the
 * application when built-in CPU decompression is disabled. */
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"

#include <dsvk/gdeflate.h>
#include <stdatomic.h>
#include <unistd.h>

#define XOR_FORMAT 0x80
#define FAIL_FORMAT 0x81

/* A toy format: every byte XOR 0x5A; the output is the input repeated to dst_size. */
static void xor_decode(const dsvk_custom_request *r)
{
    const uint8_t *s = r->src;
    uint8_t *d = r->dst;
    for (uint64_t i = 0; i < r->dst_size; i++)
        d[i] = s[i % r->src_size] ^ 0x5A;
}

typedef struct app {
    dsvk_runtime *rt;
    dsvk_custom_select select;
    atomic_bool stop;
    unsigned served;
} app;

static void *app_thread(void *arg)
{
    app *a = arg;
    int fd = dsvk_custom_event_fd(a->rt);
    while (!atomic_load(&a->stop)) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, 20) <= 0)
            continue;
        dsvk_custom_request reqs[8];
        uint32_t n = 0;
        assert_int_equal(dsvk_custom_get_requests(a->rt, a->select, 8, reqs, &n), DSVK_OK);
        dsvk_custom_result res[8];
        for (uint32_t i = 0; i < n; i++) {
            res[i].id = reqs[i].id;
            res[i].result = DSVK_OK;
            if (reqs[i].compression == XOR_FORMAT)
                xor_decode(&reqs[i]);
            else if (reqs[i].compression == FAIL_FORMAT)
                res[i].result = DSVK_E_DECOMPRESSION;
            else if (reqs[i].compression == DSVK_COMPRESSION_GDEFLATE)
                res[i].result = dsvk_gdeflate_decompress(reqs[i].src, reqs[i].src_size,
                                                         reqs[i].dst, reqs[i].dst_size, 1, NULL);
            a->served++;
        }
        assert_int_equal(dsvk_custom_set_results(a->rt, n, res), DSVK_OK);
    }
    return NULL;
}

static void test_custom_formats_from_file_and_memory(void **state)
{
    (void)state;
    dsvk_runtime *rt = tu_runtime(DSVK_IO_URING);
    app a = {.rt = rt, .select = DSVK_CUSTOM_SELECT_CUSTOM};
    pthread_t t;
    pthread_create(&t, NULL, app_thread, &a);
    uint8_t *data;
    char *path = tu_make_file(4096, 31, &data);
    dsvk_file *f;
    assert_int_equal(dsvk_file_open(rt, path, &f, NULL), DSVK_OK);
    dsvk_queue_desc d = {.source_type = DSVK_SOURCE_FILE, .capacity = 128,
                         .priority = DSVK_PRIORITY_NORMAL};
    dsvk_queue *q;
    assert_int_equal(dsvk_queue_create(rt, &d, &q), DSVK_OK);
    dsvk_status_array *sa;
    assert_int_equal(dsvk_status_array_create(rt, 2, "sa", &sa), DSVK_OK);
    static uint8_t out[10000], out2[100];
    dsvk_request r = tu_file_request(f, 0, 4096, out);
    r.compression = XOR_FORMAT;
    r.uncompressed_size = sizeof(out);
    r.destination.u.memory.size = sizeof(out);
    assert_int_equal(dsvk_queue_enqueue_request(q, &r), DSVK_OK);
    dsvk_queue_enqueue_status(q, sa, 0);
    r = tu_file_request(f, 0, 100, out2);
    r.compression = FAIL_FORMAT;
    r.uncompressed_size = sizeof(out2);
    dsvk_queue_enqueue_request(q, &r);
    dsvk_queue_enqueue_status(q, sa, 1);
    tu_drain(q);
    assert_int_equal(dsvk_status_array_get_result(sa, 0), DSVK_OK);
    assert_int_equal(dsvk_status_array_get_result(sa, 1), DSVK_E_DECOMPRESSION);
    for (unsigned i = 0; i < sizeof(out); i++)
        assert_int_equal(out[i], data[i % 4096] ^ 0x5A);

    /* Memory source. */
    dsvk_queue_desc md = {.source_type = DSVK_SOURCE_MEMORY, .capacity = 128,
                          .priority = DSVK_PRIORITY_REALTIME};
    dsvk_queue *mq;
    assert_int_equal(dsvk_queue_create(rt, &md, &mq), DSVK_OK);
    r = tu_memory_request(data, 1000, out);
    r.compression = XOR_FORMAT;
    r.uncompressed_size = 3000;
    r.destination.u.memory.size = 3000;
    dsvk_queue_enqueue_request(mq, &r);
    dsvk_queue_enqueue_status(mq, sa, 0);
    tu_drain(mq);
    assert_int_equal(dsvk_status_array_get_result(sa, 0), DSVK_OK);
    for (unsigned i = 0; i < 3000; i++)
        assert_int_equal(out[i], data[i % 1000] ^ 0x5A);

    atomic_store(&a.stop, true);
    pthread_join(t, NULL);
    assert_int_equal(a.served, 3);
    dsvk_runtime_destroy(rt);
    tu_remove_file(path);
    free(data);
}

static void test_builtin_handed_to_app_when_cpu_decode_disabled(void **state)
{
    (void)state;
    dsvk_config cfg;
    dsvk_config_init(&cfg);
    cfg.io_backend = DSVK_IO_THREADS;
    cfg.cpu_decompression_threads = -1;
    dsvk_runtime *rt;
    assert_int_equal(dsvk_runtime_create(&cfg, &rt), DSVK_OK);
    uint8_t raw[70000];
    tu_fill_random(raw, sizeof(raw), 9);
    memset(raw, 'a', 30000);
    size_t cap = dsvk_gdeflate_compress_bound(sizeof(raw)), size = 0;
    uint8_t *stream = malloc(cap);
    assert_int_equal(dsvk_gdeflate_compress(raw, sizeof(raw), stream, cap, &size, 1, 1), DSVK_OK);

    dsvk_queue_desc md = {.source_type = DSVK_SOURCE_MEMORY, .capacity = 128,
                          .priority = DSVK_PRIORITY_REALTIME};
    dsvk_queue *q;
    assert_int_equal(dsvk_queue_create(rt, &md, &q), DSVK_OK);
    static uint8_t out[70000];
    dsvk_request r = tu_memory_request(stream, (uint32_t)size, out);
    r.compression = DSVK_COMPRESSION_GDEFLATE;
    r.uncompressed_size = sizeof(out);
    r.destination.u.memory.size = sizeof(out);
    dsvk_queue_enqueue_request(q, &r);
    dsvk_queue_submit(q);
    /* Selecting only custom formats finds nothing. */
    usleep(20000);
    dsvk_custom_request req;
    uint32_t n = 0;
    assert_int_equal(dsvk_custom_get_requests(rt, DSVK_CUSTOM_SELECT_CUSTOM, 1, &req, &n), DSVK_OK);
    assert_int_equal(n, 0);
    app a = {.rt = rt, .select = DSVK_CUSTOM_SELECT_BUILTIN};
    pthread_t t;
    pthread_create(&t, NULL, app_thread, &a);
    tu_drain(q);
    atomic_store(&a.stop, true);
    pthread_join(t, NULL);
    assert_int_equal(a.served, 1);
    assert_memory_equal(out, raw, sizeof(raw));
    free(stream);
    dsvk_runtime_destroy(rt);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_custom_formats_from_file_and_memory),
        cmocka_unit_test(test_builtin_handed_to_app_when_cpu_decode_disabled),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
