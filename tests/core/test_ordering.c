/* Status and signal entries complete in enqueue order over out-of-order requests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdatomic.h>
#include <stdint.h>

#include <cmocka.h>

#include "hold.h"
#include "testutil.h"
#include <unistd.h>

static dsvk_queue *memory_queue(dsvk_runtime *rt, uint16_t cap)
{
    dsvk_queue_desc d = {.source_type = DSVK_SOURCE_MEMORY, .capacity = cap,
                         .priority = DSVK_PRIORITY_REALTIME, .name = "ordering"};
    dsvk_queue *q = NULL;
    assert_int_equal(dsvk_queue_create(rt, &d, &q), DSVK_OK);
    return q;
}

/* A held request keeps every later status/signal entry pending while later requests finish. */
static void test_barriers_wait_for_earlier_requests(void **state)
{
    (void)state;
    dsvk_runtime *rt = tu_runtime(DSVK_IO_THREADS);
    hold h;
    hold_install(rt, &h);
    dsvk_queue *q = memory_queue(rt, 128);
    dsvk_status_array *sa;
    assert_int_equal(dsvk_status_array_create(rt, 4, "sa", &sa), DSVK_OK);
    tu_signals sig;
    tu_signals_init(&sig);

    static uint8_t src[3][4096], dst[3][4096];
    for (int i = 0; i < 3; i++)
        tu_fill_random(src[i], sizeof(src[i]), (uint64_t)i + 1);

    dsvk_request r = tu_memory_request(src[0], 4096, dst[0]);
    r.name = "hold-first";
    assert_int_equal(dsvk_queue_enqueue_request(q, &r), DSVK_OK);
    assert_int_equal(dsvk_queue_enqueue_status(q, sa, 0), DSVK_OK);
    tu_enqueue_signal(q, &sig, 10);
    r = tu_memory_request(src[1], 4096, dst[1]);
    r.name = "fast";
    assert_int_equal(dsvk_queue_enqueue_request(q, &r), DSVK_OK);
    assert_int_equal(dsvk_queue_enqueue_status(q, sa, 1), DSVK_OK);
    tu_enqueue_signal(q, &sig, 20);
    assert_false(dsvk_status_array_is_complete(sa, 0));
    assert_int_equal(dsvk_status_array_get_result(sa, 0), DSVK_E_PENDING);
    dsvk_queue_submit(q);

    hold_wait_held(&h, 1);
    /* The second request can finish, but nothing after the held one may complete. */
    for (int spin = 0; spin < 200; spin++) {
        assert_false(dsvk_status_array_is_complete(sa, 0));
        assert_false(dsvk_status_array_is_complete(sa, 1));
        pthread_mutex_lock(&sig.lock);
        assert_int_equal(sig.count, 0);
        pthread_mutex_unlock(&sig.lock);
        usleep(500);
    }
    assert_memory_equal(dst[1], src[1], 4096); /* out of order: the later request finished */
    hold_release(&h);
    tu_signals_wait(&sig, 2);
    assert_int_equal(sig.values[0], 10);
    assert_int_equal(sig.values[1], 20);
    assert_true(dsvk_status_array_is_complete(sa, 0));
    assert_int_equal(dsvk_status_array_get_result(sa, 0), DSVK_OK);
    assert_int_equal(dsvk_status_array_get_result(sa, 1), DSVK_OK);
    assert_memory_equal(dst[0], src[0], 4096);
    dsvk_queue_close(q);
    dsvk_runtime_destroy(rt);
}

/* Many signals over many requests arrive strictly increasing, also with an eventfd. */
static void test_many_signals_in_order(void **state)
{
    (void)state;
    dsvk_runtime *rt = tu_runtime(DSVK_IO_THREADS);
    dsvk_queue *q = memory_queue(rt, 256);
    tu_signals sig;
    tu_signals_init(&sig);
    enum { N = 2000 };
    static uint8_t src[4096], dst[N][4096];
    tu_fill_random(src, sizeof(src), 7);
    for (unsigned i = 0; i < N; i++) {
        uint32_t size = (uint32_t)(1 + (i * 7919u) % sizeof(src));
        dsvk_request r = tu_memory_request(src, size, dst[i]);
        assert_int_equal(dsvk_queue_enqueue_request(q, &r), DSVK_OK);
        tu_enqueue_signal(q, &sig, i + 1);
    }
    dsvk_queue_submit(q);
    tu_signals_wait(&sig, N);
    for (unsigned i = 0; i < N; i++)
        assert_int_equal(sig.values[i], i + 1);
    dsvk_queue_close(q);
    dsvk_runtime_destroy(rt);
}

static void test_signal_eventfd(void **state)
{
    (void)state;
    dsvk_runtime *rt = tu_runtime(DSVK_IO_THREADS);
    dsvk_queue *q = memory_queue(rt, 128);
    int efd = eventfd(0, EFD_CLOEXEC);
    assert_true(efd >= 0);
    uint8_t src[100] = {1}, dst[100];
    dsvk_request r = tu_memory_request(src, sizeof(src), dst);
    assert_int_equal(dsvk_queue_enqueue_request(q, &r), DSVK_OK);
    dsvk_signal s = {.eventfd = efd, .value = 42};
    assert_int_equal(dsvk_queue_enqueue_signal(q, &s), DSVK_OK);
    dsvk_queue_submit(q);
    uint64_t v = 0;
    assert_int_equal(read(efd, &v, sizeof(v)), (ssize_t)sizeof(v));
    assert_int_equal(v, 42);
    assert_memory_equal(dst, src, sizeof(src));
    close(efd);
    dsvk_queue_close(q);
    dsvk_runtime_destroy(rt);
}

typedef struct thread_seen {
    tu_signals sig;
    pthread_t caller;
    atomic_int on_caller;
} thread_seen;

static void record_thread(void *user, uint64_t value)
{
    thread_seen *t = user;
    if (pthread_equal(pthread_self(), t->caller))
        atomic_fetch_add(&t->on_caller, 1);
    tu_signal_cb(&t->sig, value);
}

/* Completions never run on the application's thread inside enqueue/submit, even when the
 * entries are complete before submit returns (an empty request list, instant copies). */
static void test_callbacks_never_on_submitting_thread(void **state)
{
    (void)state;
    dsvk_runtime *rt = tu_runtime(DSVK_IO_THREADS);
    dsvk_queue *q = memory_queue(rt, 128);
    static thread_seen t;
    tu_signals_init(&t.sig);
    t.caller = pthread_self();
    static uint8_t src[16], dst[200][16];
    for (unsigned i = 0; i < 200; i++) {
        if (i % 2) {
            dsvk_request r = tu_memory_request(src, 16, dst[i]);
            dsvk_queue_enqueue_request(q, &r);
        }
        dsvk_signal s = {.fn = record_thread, .user = &t, .eventfd = -1, .value = i + 1};
        assert_int_equal(dsvk_queue_enqueue_signal(q, &s), DSVK_OK);
        dsvk_queue_submit(q);
    }
    tu_signals_wait(&t.sig, 200);
    assert_int_equal(atomic_load(&t.on_caller), 0);
    dsvk_queue_close(q);
    dsvk_runtime_destroy(rt);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_barriers_wait_for_earlier_requests),
        cmocka_unit_test(test_many_signals_in_order),
        cmocka_unit_test(test_signal_eventfd),
        cmocka_unit_test(test_callbacks_never_on_submitting_thread),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
