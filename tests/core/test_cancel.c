/* Cancellation: pending, in flight, completed, unknown tags, racing completion, shutdown, and
 * dsvk's promise that no cancelled request writes its destination once cancel returned. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdatomic.h>
#include <string.h>

#include <cmocka.h>

#include "hold.h"
#include "testutil.h"
#include <unistd.h>

static dsvk_queue *file_queue(dsvk_runtime *rt)
{
    dsvk_queue_desc d = {.source_type = DSVK_SOURCE_FILE, .capacity = 1024,
                         .priority = DSVK_PRIORITY_NORMAL, .name = "cancel"};
    dsvk_queue *q;
    assert_int_equal(dsvk_queue_create(rt, &d, &q), DSVK_OK);
    return q;
}

static dsvk_io_backend backend_of(void **state)
{
    return *(dsvk_io_backend *)*state;
}

static void test_cancel_pending_by_mask(void **state)
{
    dsvk_runtime *rt = tu_runtime(backend_of(state));
    dsvk_queue *q = file_queue(rt);
    uint8_t *data;
    char *path = tu_make_file(1 << 20, 11, &data);
    dsvk_file *f;
    assert_int_equal(dsvk_file_open(rt, path, &f, NULL), DSVK_OK);
    dsvk_status_array *sa;
    assert_int_equal(dsvk_status_array_create(rt, 1, "sa", &sa), DSVK_OK);
    static uint8_t dst[3][65536];
    memset(dst, 0xCD, sizeof(dst));
    const uint64_t tags[3] = {0x10, 0x11, 0x20};
    for (int i = 0; i < 3; i++) {
        dsvk_request r = tu_file_request(f, (uint64_t)i * 65536, 65536, dst[i]);
        r.cancel_tag = tags[i];
        dsvk_queue_enqueue_request(q, &r);
    }
    dsvk_queue_enqueue_status(q, sa, 0);
    dsvk_queue_cancel(q, 0xF0, 0x10); /* the first two, not yet submitted */
    tu_drain(q);
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 65536; j++)
            assert_int_equal(dst[i][j], 0xCD);
    assert_memory_equal(dst[2], data + 2 * 65536, 65536);
    assert_int_equal(dsvk_status_array_get_result(sa, 0), DSVK_OK); /* not failures */
    dsvk_queue_stats st;
    dsvk_queue_get_stats(q, &st);
    assert_int_equal(st.requests_cancelled, 2);
    assert_int_equal(st.requests_completed, 1);
    /* Completed and unknown tags: no effect. */
    dsvk_queue_cancel(q, ~0ull, 0x20);
    dsvk_queue_cancel(q, ~0ull, 0x999);
    assert_memory_equal(dst[2], data + 2 * 65536, 65536);
    dsvk_runtime_destroy(rt);
    tu_remove_file(path);
    free(data);
}

/* The strong promise, raced many times: snapshot the destination right after cancel returns;
 * after everything drained it must be unchanged. */
static void test_no_write_after_cancel_returns(void **state)
{
    dsvk_runtime *rt = tu_runtime(backend_of(state));
    dsvk_queue *q = file_queue(rt);
    enum { SIZE = 2 << 20 };
    char *path = tu_make_file(SIZE, 12, NULL);
    dsvk_file *f;
    assert_int_equal(dsvk_file_open(rt, path, &f, NULL), DSVK_OK);
    uint8_t *dst = malloc(SIZE), *snap = malloc(SIZE);
    assert_non_null(dst);
    assert_non_null(snap);
    tu_signals sig;
    tu_signals_init(&sig);
    unsigned cancelled_total = 0;
    for (unsigned iter = 0; iter < 40; iter++) {
        memset(dst, 0xEE, SIZE);
        for (unsigned k = 0; k < 8; k++) {
            dsvk_request r = tu_file_request(f, (uint64_t)k * (SIZE / 8), SIZE / 8,
                                             dst + (size_t)k * (SIZE / 8));
            r.cancel_tag = 7;
            dsvk_queue_enqueue_request(q, &r);
        }
        tu_enqueue_signal(q, &sig, iter + 1);
        dsvk_queue_submit(q);
        usleep((iter * 37) % 400);
        dsvk_queue_cancel(q, ~0ull, 7);
        memcpy(snap, dst, SIZE);
        tu_signals_wait(&sig, iter + 1); /* signals still complete */
        assert_memory_equal(dst, snap, SIZE);
        dsvk_queue_stats st;
        dsvk_queue_get_stats(q, &st);
        cancelled_total = (unsigned)st.requests_cancelled;
    }
    print_message("cancelled %u of %u requests across the iterations\n", cancelled_total, 40 * 8);
    free(dst);
    free(snap);
    dsvk_runtime_destroy(rt);
    tu_remove_file(path);
}

typedef struct racer {
    dsvk_queue *q;
    atomic_bool stop;
} racer;

static void *cancel_loop(void *arg)
{
    racer *r = arg;
    uint64_t v = 0;
    while (!atomic_load(&r->stop))
        dsvk_queue_cancel(r->q, 3, (v++) & 3);
    return NULL;
}

/* Cancel racing completion from another thread (run under TSan too): every signal arrives,
 * every request is either complete with correct bytes or cancelled. */
static void test_cancel_races_completion(void **state)
{
    dsvk_runtime *rt = tu_runtime(backend_of(state));
    dsvk_queue *q = file_queue(rt);
    uint8_t *data;
    char *path = tu_make_file(1 << 20, 13, &data);
    dsvk_file *f;
    assert_int_equal(dsvk_file_open(rt, path, &f, NULL), DSVK_OK);
    racer rc = {.q = q};
    pthread_t t;
    pthread_create(&t, NULL, cancel_loop, &rc);
    tu_signals sig;
    tu_signals_init(&sig);
    enum { N = 600, SZ = 4096 };
    uint8_t *dst = calloc(N, SZ);
    for (unsigned i = 0; i < N; i++) {
        dsvk_request r = tu_file_request(f, (uint64_t)(i % 256) * SZ, SZ, dst + (size_t)i * SZ);
        r.cancel_tag = i;
        dsvk_queue_enqueue_request(q, &r);
        if (i % 50 == 49) {
            tu_enqueue_signal(q, &sig, i);
            dsvk_queue_submit(q);
        }
    }
    tu_signals_wait(&sig, N / 50);
    atomic_store(&rc.stop, true);
    pthread_join(t, NULL);
    dsvk_queue_stats st;
    dsvk_queue_get_stats(q, &st);
    assert_int_equal(st.requests_completed + st.requests_cancelled, N);
    assert_int_equal(st.requests_failed, 0);
    for (unsigned i = 1; i < N / 50; i++)
        assert_true(sig.values[i] > sig.values[i - 1]);
    free(dst);
    dsvk_runtime_destroy(rt);
    tu_remove_file(path);
    free(data);
}

/* Destroying the runtime with work queued and in flight loses nothing and crashes nothing. */
static void test_cancel_at_shutdown(void **state)
{
    dsvk_runtime *rt = tu_runtime(backend_of(state));
    dsvk_queue *q = file_queue(rt);
    char *path = tu_make_file(4 << 20, 14, NULL);
    dsvk_file *f;
    assert_int_equal(dsvk_file_open(rt, path, &f, NULL), DSVK_OK);
    uint8_t *dst = malloc(4 << 20);
    for (unsigned i = 0; i < 64; i++) {
        dsvk_request r = tu_file_request(f, (uint64_t)i * 65536, 65536, dst + (size_t)i * 65536);
        dsvk_queue_enqueue_request(q, &r);
        if (i == 31)
            dsvk_queue_submit(q);
    }
    dsvk_runtime_destroy(rt); /* 32 submitted, 32 not */
    free(dst);
    tu_remove_file(path);
}

int main(void)
{
    static dsvk_io_backend backends[] = {DSVK_IO_URING, DSVK_IO_THREADS};
    int failed = 0;
    for (int b = 0; b < 2; b++) {
        const struct CMUnitTest tests[] = {
            cmocka_unit_test_prestate(test_cancel_pending_by_mask, &backends[b]),
            cmocka_unit_test_prestate(test_no_write_after_cancel_returns, &backends[b]),
            cmocka_unit_test_prestate(test_cancel_races_completion, &backends[b]),
            cmocka_unit_test_prestate(test_cancel_at_shutdown, &backends[b]),
        };
        failed += _cmocka_run_group_tests(b ? "cancel (threads)" : "cancel (io_uring)", tests,
                                          sizeof(tests) / sizeof(tests[0]), NULL, NULL);
    }
    return failed;
}
