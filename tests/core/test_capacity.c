/* Capacity limits, queue info, auto-submit at half capacity, blocking enqueue while full. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "hold.h"
#include "testutil.h"
#include <unistd.h>

static void test_descriptor_validation(void **state)
{
    (void)state;
    dsvk_runtime *rt = tu_runtime(DSVK_IO_THREADS);
    dsvk_queue *q;
    dsvk_queue_desc d = {.source_type = DSVK_SOURCE_FILE, .capacity = 127};
    assert_int_equal(dsvk_queue_create(rt, &d, &q), DSVK_E_INVALID_QUEUE_CAPACITY);
    d.capacity = 8193;
    assert_int_equal(dsvk_queue_create(rt, &d, &q), DSVK_E_INVALID_QUEUE_CAPACITY);
    d.capacity = 8192;
    d.priority = 3;
    assert_int_equal(dsvk_queue_create(rt, &d, &q), DSVK_E_INVALID_QUEUE_PRIORITY);
    d.priority = -2;
    assert_int_equal(dsvk_queue_create(rt, &d, &q), DSVK_E_INVALID_QUEUE_PRIORITY);
    d.source_type = DSVK_SOURCE_MEMORY;
    d.priority = DSVK_PRIORITY_NORMAL;
    assert_int_equal(dsvk_queue_create(rt, &d, &q), DSVK_E_INVALID_MEMORY_QUEUE_PRIORITY);
    d.priority = DSVK_PRIORITY_REALTIME;
    assert_int_equal(dsvk_queue_create(rt, &d, &q), DSVK_OK);
    dsvk_queue_info info;
    dsvk_queue_query(q, &info);
    assert_int_equal(info.capacity, 8192);
    assert_int_equal(info.empty_slots, 8191);
    assert_int_equal(info.requests_until_autosubmit, 4096);
    dsvk_queue_close(q);
    dsvk_runtime_destroy(rt);
}

static void test_autosubmit_at_half(void **state)
{
    (void)state;
    dsvk_runtime *rt = tu_runtime(DSVK_IO_THREADS);
    dsvk_queue *q;
    dsvk_queue_desc d = {.source_type = DSVK_SOURCE_MEMORY, .capacity = 128,
                         .priority = DSVK_PRIORITY_REALTIME};
    assert_int_equal(dsvk_queue_create(rt, &d, &q), DSVK_OK);
    tu_signals sig;
    tu_signals_init(&sig);
    static uint8_t src[64], dst[63][64];
    dsvk_queue_info info;
    for (unsigned i = 0; i < 63; i++) {
        dsvk_request r = tu_memory_request(src, sizeof(src), dst[i]);
        assert_int_equal(dsvk_queue_enqueue_request(q, &r), DSVK_OK);
    }
    dsvk_queue_query(q, &info);
    assert_int_equal(info.requests_until_autosubmit, 1);
    assert_int_equal(info.empty_slots, 127 - 63);
    usleep(20000);
    dsvk_queue_stats st;
    dsvk_queue_get_stats(q, &st);
    assert_int_equal(st.requests_completed, 0); /* nothing runs before submit */
    tu_enqueue_signal(q, &sig, 1);              /* the 64th entry: auto-submit */
    tu_signals_wait(&sig, 1);                   /* ... without dsvk_queue_submit */
    dsvk_queue_get_stats(q, &st);
    assert_int_equal(st.requests_completed, 63);
    assert_int_equal(st.submits, 1);
    dsvk_queue_query(q, &info);
    assert_int_equal(info.requests_until_autosubmit, 64);
    assert_int_equal(info.empty_slots, 127);
    dsvk_queue_close(q);
    dsvk_runtime_destroy(rt);
}

typedef struct enqueuer {
    dsvk_queue *q;
    uint8_t *src, *dst;
    atomic_int done;
} enqueuer;

static void *enqueue_one(void *arg)
{
    enqueuer *en = arg;
    dsvk_request r = tu_memory_request(en->src, 16, en->dst);
    dsvk_queue_enqueue_request(en->q, &r);
    atomic_store(&en->done, 1);
    return NULL;
}

static void test_enqueue_blocks_while_full(void **state)
{
    (void)state;
    dsvk_runtime *rt = tu_runtime(DSVK_IO_THREADS);
    hold h;
    hold_install(rt, &h);
    dsvk_queue *q;
    dsvk_queue_desc d = {.source_type = DSVK_SOURCE_MEMORY, .capacity = 128,
                         .priority = DSVK_PRIORITY_REALTIME};
    assert_int_equal(dsvk_queue_create(rt, &d, &q), DSVK_OK);
    static uint8_t src[16], dst[128][16];
    dsvk_request r = tu_memory_request(src, 16, dst[0]);
    r.name = "hold";
    assert_int_equal(dsvk_queue_enqueue_request(q, &r), DSVK_OK);
    dsvk_queue_submit(q);
    hold_wait_held(&h, 1);
    r.name = "fill";
    for (unsigned i = 1; i < 127; i++) {
        r.destination.u.memory.data = dst[i];
        assert_int_equal(dsvk_queue_enqueue_request(q, &r), DSVK_OK);
    }
    dsvk_queue_info info;
    dsvk_queue_query(q, &info);
    assert_int_equal(info.empty_slots, 0);

    enqueuer en = {.q = q, .src = src, .dst = dst[127]};
    pthread_t t;
    pthread_create(&t, NULL, enqueue_one, &en);
    usleep(50000);
    assert_int_equal(atomic_load(&en.done), 0); /* blocked: the queue is full */
    hold_release(&h);
    pthread_join(t, NULL);
    assert_int_equal(atomic_load(&en.done), 1);
    tu_drain(q);
    dsvk_queue_close(q);
    dsvk_runtime_destroy(rt);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_descriptor_validation),
        cmocka_unit_test(test_autosubmit_at_half),
        cmocka_unit_test(test_enqueue_blocks_while_full),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
