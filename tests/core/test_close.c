/* Closing a queue with work in flight, and with an enqueue blocked on a full queue. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "hold.h"
#include "testutil.h"
#include <unistd.h>

static void test_close_with_work_in_flight(void **state)
{
    (void)state;
    dsvk_runtime *rt = tu_runtime(DSVK_IO_URING);
    dsvk_queue_desc d = {.source_type = DSVK_SOURCE_FILE, .capacity = 512,
                         .priority = DSVK_PRIORITY_HIGH};
    dsvk_queue *q;
    assert_int_equal(dsvk_queue_create(rt, &d, &q), DSVK_OK);
    char *path = tu_make_file(8 << 20, 21, NULL);
    dsvk_file *f;
    assert_int_equal(dsvk_file_open(rt, path, &f, NULL), DSVK_OK);
    uint8_t *dst = malloc(8 << 20);
    tu_signals sig;
    tu_signals_init(&sig);
    for (unsigned i = 0; i < 128; i++) {
        dsvk_request r = tu_file_request(f, (uint64_t)i * 65536, 65536, dst + (size_t)i * 65536);
        dsvk_queue_enqueue_request(q, &r);
        tu_enqueue_signal(q, &sig, i);
    }
    dsvk_queue_submit(q);
    dsvk_queue_close(q);
    /* Every signal was delivered by the time close returned, none after. */
    pthread_mutex_lock(&sig.lock);
    unsigned after_close = sig.count;
    pthread_mutex_unlock(&sig.lock);
    assert_int_equal(after_close, 128);
    usleep(20000);
    assert_int_equal(sig.count, after_close);
    dsvk_runtime_destroy(rt);
    free(dst);
    tu_remove_file(path);
}

typedef struct blocked {
    dsvk_queue *q;
    uint8_t buf[16];
    dsvk_result result;
} blocked;

static void *blocked_enqueue(void *arg)
{
    blocked *b = arg;
    dsvk_request r = tu_memory_request(b->buf, 16, b->buf);
    b->result = dsvk_queue_enqueue_request(b->q, &r);
    return NULL;
}

static void test_close_wakes_blocked_enqueue(void **state)
{
    (void)state;
    dsvk_runtime *rt = tu_runtime(DSVK_IO_THREADS);
    hold h;
    hold_install(rt, &h);
    dsvk_queue_desc d = {.source_type = DSVK_SOURCE_MEMORY, .capacity = 128,
                         .priority = DSVK_PRIORITY_REALTIME};
    dsvk_queue *q;
    assert_int_equal(dsvk_queue_create(rt, &d, &q), DSVK_OK);
    static uint8_t src[16], dst[128][16];
    dsvk_request r = tu_memory_request(src, 16, dst[0]);
    r.name = "hold";
    dsvk_queue_enqueue_request(q, &r);
    dsvk_queue_submit(q);
    hold_wait_held(&h, 1);
    r.name = NULL;
    for (unsigned i = 1; i < 127; i++) {
        r.destination.u.memory.data = dst[i];
        dsvk_queue_enqueue_request(q, &r);
    }
    blocked b = {.q = q};
    pthread_t t;
    pthread_create(&t, NULL, blocked_enqueue, &b);
    usleep(30000);
    hold_release(&h); /* close must wait for the held request */
    dsvk_queue_close(q);
    pthread_join(t, NULL);
    assert_true(b.result == DSVK_E_QUEUE_CLOSED || b.result == DSVK_OK);
    dsvk_runtime_destroy(rt);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_close_with_work_in_flight),
        cmocka_unit_test(test_close_wakes_blocked_enqueue),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
