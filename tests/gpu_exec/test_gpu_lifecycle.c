/*
 * GPU executor life cycle on lavapipe with validation (zero messages expected):
 * - cancel with GPU work queued: when dsvk_queue_cancel returns, no cancelled request writes
 *   its destination any more; the others complete;
 * - the device unregistered with dsvk work in flight: submitted work completes, the rest
 *   fails with DSVK_E_DEVICE_LOST, every Vulkan object of the executor is gone before the
 *   device is destroyed (validation reports leaks at vkDestroyDevice), later requests fail;
 * - device loss (VK_ERROR_DEVICE_LOST from vkQueueSubmit, injected) and out-of-memory
 *   (vkAllocateMemory failing, injected): the affected requests fail with their result, the
 *   queue and the process go on.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <dsvk/gdeflate.h>

#include "exec_harness.h"

static dsvk_request buffer_request(dsvk_file *f, uint64_t offset, uint32_t size, const eh_buffer *b,
                                   uint64_t dst, uint64_t tag)
{
    dsvk_request r = {0};
    r.source.type = DSVK_SOURCE_FILE;
    r.source.u.file.file = f;
    r.source.u.file.offset = offset;
    r.source.u.file.size = size;
    r.destination.type = DSVK_DEST_BUFFER;
    r.destination.u.buffer.buffer = (uint64_t)(uintptr_t)b->buffer;
    r.destination.u.buffer.offset = dst;
    r.destination.u.buffer.size = size;
    r.cancel_tag = tag;
    r.name = tag == 1 ? "cancelled" : "kept";
    return r;
}

static bool all_bytes(const uint8_t *p, size_t n, uint8_t v)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != v)
            return false;
    return true;
}

static void cancel_with_gpu_work_queued(void **state)
{
    (void)state;
    eh h;
    eh_init(&h, &(eh_opts){.staging_mb = 1});
    enum { N = 48, SIZE = 384u << 10 };
    uint8_t *data = malloc((size_t)N * SIZE);
    eh_fill(data, (size_t)N * SIZE, 61);
    dsvk_file *f = eh_file(&h, data, (size_t)N * SIZE);
    eh_buffer dst;
    eh_buffer_create(&h, (size_t)N * SIZE, 0x00, &dst);
    dsvk_queue *q = eh_queue(&h, DSVK_SOURCE_FILE, 256);
    for (uint32_t i = 0; i < N; i++) {
        dsvk_request r =
            buffer_request(f, (uint64_t)i * SIZE, SIZE, &dst, (uint64_t)i * SIZE, i % 2 ? 1 : 2);
        assert_int_equal(dsvk_queue_enqueue_request(q, &r), DSVK_OK);
    }
    dsvk_queue_submit(q);
    /* Two requests fit the 1 MiB ring: the rest wait for space, are being read, are ready
     * for recording or are recorded when the cancel comes. */
    dsvk_queue_cancel(q, ~0ull, 1);
    uint8_t *snapshot = malloc((size_t)N * SIZE);
    memcpy(snapshot, dst.map, (size_t)N * SIZE);

    assert_int_equal(eh_wait(&h, q), DSVK_OK); /* cancelled requests are not failures */
    uint32_t untouched = 0;
    for (uint32_t i = 0; i < N; i++) {
        const uint8_t *got = dst.map + (size_t)i * SIZE;
        if (i % 2 == 0) {
            assert_memory_equal(got, data + (size_t)i * SIZE, SIZE);
            continue;
        }
        if (memcmp(got, snapshot + (size_t)i * SIZE, SIZE))
            fail_msg("cancelled request %u wrote its destination after the cancel returned", i);
        untouched += all_bytes(got, SIZE, 0x00);
    }
    dsvk_queue_stats st;
    dsvk_queue_get_stats(q, &st);
    /* A tagged request that finished before the cancel came is reported completed. */
    assert_int_equal(st.requests_cancelled + st.requests_completed, N);
    assert_true(st.requests_cancelled > 0 && st.requests_cancelled <= N / 2);
    assert_int_equal(st.requests_failed, 0);
    dsvk_gpu_executor_info info;
    assert_true(dsvk_gpu_executor_get_info(h.dev, &info));
    /* Most were taken back before they were recorded: their ranges were never written. */
    assert_true(untouched > 0);
    assert_true(info.requests < N);
    printf("cancel: %u of %u cancelled requests never wrote; executor recorded %llu, dropped "
           "%llu\n",
           untouched, N / 2, (unsigned long long)info.requests, (unsigned long long)info.dropped);

    /* Cancelling everything, then closing the queue with nothing left, works too. */
    for (uint32_t i = 0; i < 8; i++) {
        dsvk_request r = buffer_request(f, 0, SIZE, &dst, (uint64_t)i * SIZE, 3);
        assert_int_equal(dsvk_queue_enqueue_request(q, &r), DSVK_OK);
    }
    dsvk_queue_submit(q);
    dsvk_queue_cancel(q, 0, 0);
    dsvk_queue_close(q);
    free(snapshot);
    eh_file_close(f);
    eh_buffer_destroy(&h, &dst);
    free(data);
    eh_fini(&h);
}

static void unregister_with_work_in_flight(void **state)
{
    (void)state;
    eh h;
    eh_init(&h, &(eh_opts){.staging_mb = 2});
    /* 160 requests, 8 in the ring at a time: finishing them all takes the executor about 20
     * batches, far longer than this thread needs from seeing the first batch to unregistering
     * (with 40 a loaded machine once let everything finish first, and nothing failed). */
    enum { N = 160, SIZE = 256u << 10 };
    uint8_t *data = malloc((size_t)N * SIZE);
    eh_fill(data, (size_t)N * SIZE, 71);
    dsvk_file *f = eh_file(&h, data, (size_t)N * SIZE);
    eh_buffer dst;
    eh_buffer_create(&h, (size_t)N * SIZE, 0xD0, &dst);
    dsvk_queue *q = eh_queue(&h, DSVK_SOURCE_FILE, 256);
    for (uint32_t i = 0; i < N; i++) {
        dsvk_request r = buffer_request(f, (uint64_t)i * SIZE, SIZE, &dst, (uint64_t)i * SIZE, 2);
        assert_int_equal(dsvk_queue_enqueue_request(q, &r), DSVK_OK);
    }
    dsvk_queue_submit(q);
    /* Once a command buffer is on the GPU (the ring holds 8 of the requests at a time,
     * most of the others wait for space), unregister: what the layer's vkDestroyDevice does.
     * It returns once the submitted work completed and the executor's objects are gone. */
    dsvk_gpu_executor_info info = {0};
    for (int i = 0; i < 60000 && info.batches == 0; i++) {
        dsvk_gpu_executor_get_info(h.dev, &info);
        usleep(100);
    }
    assert_true(info.batches > 0);
    eh_unregister(&h);
    dsvk_result res = eh_wait(&h, q);
    assert_true(res == DSVK_OK || res == DSVK_E_DEVICE_LOST);
    dsvk_queue_stats st;
    dsvk_queue_get_stats(q, &st);
    assert_int_equal(st.requests_completed + st.requests_failed, N);
    uint32_t written = 0;
    for (uint32_t i = 0; i < N; i++) {
        const uint8_t *got = dst.map + (size_t)i * SIZE;
        if (!memcmp(got, data + (size_t)i * SIZE, SIZE))
            written++;
        else if (!all_bytes(got, SIZE, 0xD0))
            fail_msg("request %u left a partial or wrong destination", i);
    }
    assert_int_equal(written, st.requests_completed);
    assert_true(st.requests_completed > 0); /* what was submitted completed */
    assert_true(st.requests_failed > 0);    /* what was not, failed */
    printf("unregister: %llu completed, %llu failed with DSVK_E_DEVICE_LOST\n",
           (unsigned long long)st.requests_completed, (unsigned long long)st.requests_failed);

    /* Later requests fail at once. */
    dsvk_request r = buffer_request(f, 0, SIZE, &dst, 0, 2);
    assert_int_equal(dsvk_queue_enqueue_request(q, &r), DSVK_E_DEVICE_LOST);
    assert_int_equal(eh_wait(&h, q), DSVK_E_DEVICE_LOST);
    dsvk_queue_close(q);
    eh_file_close(f);
    eh_buffer_destroy(&h, &dst);
    free(data);
    eh_fini(&h); /* vkDestroyDevice: validation would name any object the executor left */
}

static void device_lost_fails_requests_and_later_ones(void **state)
{
    (void)state;
    eh h;
    eh_init(&h, &(eh_opts){0});
    enum { N = 6, SIZE = 100000 };
    uint8_t *data = malloc((size_t)N * SIZE);
    eh_fill(data, (size_t)N * SIZE, 81);
    dsvk_file *f = eh_file(&h, data, (size_t)N * SIZE);
    eh_buffer dst;
    eh_buffer_create(&h, (size_t)N * SIZE, 0x3C, &dst);
    dsvk_queue *q = eh_queue(&h, DSVK_SOURCE_FILE, 128);

    atomic_store(&eh_inject_submit_lost, 1);
    for (uint32_t i = 0; i < N; i++) {
        dsvk_request r = buffer_request(f, (uint64_t)i * SIZE, SIZE, &dst, (uint64_t)i * SIZE, 2);
        assert_int_equal(dsvk_queue_enqueue_request(q, &r), DSVK_OK);
    }
    assert_int_equal(eh_wait(&h, q), DSVK_E_DEVICE_LOST);
    atomic_store(&eh_inject_submit_lost, 0);
    dsvk_error_record rec;
    dsvk_queue_retrieve_error_record(q, &rec);
    assert_int_equal(rec.result, DSVK_E_DEVICE_LOST);
    assert_int_equal(rec.failure_count, N);
    assert_string_equal(rec.request_name, "kept");
    assert_true(strstr(rec.file_name, "dsvk-gpu-exec-") != NULL);
    assert_true(all_bytes(dst.map, (size_t)N * SIZE, 0x3C));
    dsvk_gpu_executor_info info;
    assert_true(dsvk_gpu_executor_get_info(h.dev, &info));
    assert_true(info.lost);

    /* The device stays lost for dsvk: refused at enqueue, without touching Vulkan. */
    dsvk_request r = buffer_request(f, 0, SIZE, &dst, 0, 2);
    assert_int_equal(dsvk_queue_enqueue_request(q, &r), DSVK_E_DEVICE_LOST);
    assert_int_equal(eh_wait(&h, q), DSVK_E_DEVICE_LOST);

    /* The queue and the runtime go on: a host-memory request on the same queue. */
    uint8_t *host = malloc(SIZE);
    r = buffer_request(f, SIZE, SIZE, &dst, 0, 2);
    r.destination.type = DSVK_DEST_MEMORY;
    r.destination.u.memory.data = host;
    r.destination.u.memory.size = SIZE;
    assert_int_equal(dsvk_queue_enqueue_request(q, &r), DSVK_OK);
    assert_int_equal(eh_wait(&h, q), DSVK_OK);
    assert_memory_equal(host, data + SIZE, SIZE);

    free(host);
    dsvk_queue_close(q);
    eh_file_close(f);
    eh_buffer_destroy(&h, &dst);
    free(data);
    eh_fini(&h);
}

static void out_of_device_memory_then_recovery(void **state)
{
    (void)state;
    eh h;
    eh_init(&h, &(eh_opts){0});
    enum { SIZE = 300000 };
    uint8_t *data = malloc(SIZE);
    eh_fill(data, SIZE, 91);
    dsvk_file *f = eh_file(&h, data, SIZE);
    eh_buffer dst;
    eh_buffer_create(&h, SIZE, 0x00, &dst);
    dsvk_queue *q = eh_queue(&h, DSVK_SOURCE_FILE, 128);

    /* The staging ring cannot be allocated: the executor is not created. */
    atomic_store(&eh_inject_alloc_oom, 1);
    dsvk_request r = buffer_request(f, 0, SIZE, &dst, 0, 2);
    assert_int_equal(dsvk_queue_enqueue_request(q, &r), DSVK_OK);
    assert_int_equal(eh_wait(&h, q), DSVK_E_OUT_OF_DEVICE_MEMORY);
    dsvk_gpu_executor_info info;
    assert_false(dsvk_gpu_executor_get_info(h.dev, &info));
    assert_true(all_bytes(dst.map, SIZE, 0x00));

    /* Memory is back: the next request creates it and succeeds. */
    atomic_store(&eh_inject_alloc_oom, 0);
    assert_int_equal(dsvk_queue_enqueue_request(q, &r), DSVK_OK);
    assert_int_equal(eh_wait(&h, q), DSVK_OK);
    assert_memory_equal(dst.map, data, SIZE);
    assert_true(dsvk_gpu_executor_get_info(h.dev, &info));
    dsvk_queue_stats st;
    dsvk_queue_get_stats(q, &st);
    assert_int_equal(st.requests_failed, 1);
    assert_int_equal(st.requests_completed, 1);

    dsvk_queue_close(q);
    eh_file_close(f);
    eh_buffer_destroy(&h, &dst);
    free(data);
    eh_fini(&h);
}

/* Several queues fed from several threads at once, uncompressed and GDeflate (CPU-decoded)
 * requests mixed, one thread cancelling half of its own as it goes: every request that was
 * not cancelled arrives intact. Exercises the executor's lists, ring and threads under
 * contention (run it under TSan/ASan builds too). */
enum { CQ_THREADS = 3, CQ_REQUESTS = 60, CQ_SIZE = 96u << 10 };

typedef struct cq_thread {
    eh *h;
    dsvk_queue *q;
    dsvk_file *raw, *packed;
    const uint64_t *stream_offsets; /* GDeflate stream of chunk i in the packed file */
    const eh_buffer *dst;
    uint32_t index;
    bool cancel_some;
} cq_thread;

static void *cq_main(void *arg)
{
    cq_thread *t = arg;
    for (uint32_t i = 0; i < CQ_REQUESTS; i++) {
        uint32_t chunk = t->index * CQ_REQUESTS + i;
        dsvk_request r = buffer_request(t->raw, (uint64_t)chunk * CQ_SIZE, CQ_SIZE, t->dst,
                                        (uint64_t)chunk * CQ_SIZE, 2 + (i % 2));
        if (i % 3 == 0) { /* the same bytes, GDeflate-compressed */
            r.source.u.file.file = t->packed;
            r.source.u.file.offset = t->stream_offsets[chunk];
            r.source.u.file.size =
                (uint32_t)(t->stream_offsets[chunk + 1] - t->stream_offsets[chunk]);
            r.compression = DSVK_COMPRESSION_GDEFLATE;
            r.uncompressed_size = CQ_SIZE;
        }
        if (dsvk_queue_enqueue_request(t->q, &r) != DSVK_OK)
            return "enqueue failed";
        if (i % 8 == 7)
            dsvk_queue_submit(t->q);
        if (t->cancel_some && i % 16 == 15)
            dsvk_queue_cancel(t->q, ~0ull, 3); /* the odd ones so far */
    }
    return NULL;
}

static void concurrent_queues_with_cancels(void **state)
{
    (void)state;
    eh h;
    eh_init(&h, &(eh_opts){.staging_mb = 2});
    const uint32_t chunks = CQ_THREADS * CQ_REQUESTS;
    const size_t n = (size_t)chunks * CQ_SIZE;
    uint8_t *data = malloc(n);
    for (size_t i = 0; i < n; i++) /* compressible, different per chunk */
        data[i] = (uint8_t)((i / 3) ^ (i >> 12) ^ (i % 251 == 0 ? 0x5A : 0));
    size_t bound = dsvk_gdeflate_compress_bound(CQ_SIZE);
    uint8_t *packed = malloc(chunks * bound);
    uint64_t *offsets = calloc(chunks + 1, sizeof(uint64_t));
    uint64_t at = 0;
    for (uint32_t c = 0; c < chunks; c++) {
        size_t got = 0;
        assert_int_equal(dsvk_gdeflate_compress(data + (size_t)c * CQ_SIZE, CQ_SIZE, packed + at,
                                                bound, &got, 1, 1),
                         DSVK_OK);
        offsets[c] = at;
        at += got;
    }
    offsets[chunks] = at;
    dsvk_file *raw = eh_file(&h, data, n), *pf = eh_file(&h, packed, at);
    eh_buffer dst;
    eh_buffer_create(&h, n, 0xEE, &dst);

    cq_thread t[CQ_THREADS];
    pthread_t th[CQ_THREADS];
    for (uint32_t i = 0; i < CQ_THREADS; i++) {
        t[i] =
            (cq_thread){&h, eh_queue(&h, DSVK_SOURCE_FILE, 128), raw, pf, offsets, &dst, i, i == 0};
        assert_int_equal(pthread_create(&th[i], NULL, cq_main, &t[i]), 0);
    }
    for (uint32_t i = 0; i < CQ_THREADS; i++) {
        void *err = NULL;
        pthread_join(th[i], &err);
        if (err)
            fail_msg("thread %u: %s", i, (const char *)err);
    }
    for (uint32_t i = 0; i < CQ_THREADS; i++) {
        assert_int_equal(eh_wait(&h, t[i].q), DSVK_OK);
        dsvk_queue_stats st;
        dsvk_queue_get_stats(t[i].q, &st);
        assert_int_equal(st.requests_failed, 0);
        assert_int_equal(st.requests_completed + st.requests_cancelled, CQ_REQUESTS);
        if (i)
            assert_int_equal(st.requests_cancelled, 0);
        for (uint32_t r = 0; r < CQ_REQUESTS; r++) {
            size_t c = (size_t)i * CQ_REQUESTS + r;
            if (i == 0 && r % 2 == 1 && r < CQ_REQUESTS - CQ_REQUESTS % 16)
                continue; /* cancelled, or finished before the cancel: not promised */
            if (memcmp(dst.map + c * CQ_SIZE, data + c * CQ_SIZE, CQ_SIZE))
                fail_msg("queue %u request %u arrived wrongly", i, r);
        }
        dsvk_queue_close(t[i].q);
    }
    eh_file_close(raw);
    eh_file_close(pf);
    eh_buffer_destroy(&h, &dst);
    free(offsets);
    free(packed);
    free(data);
    eh_fini(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cancel_with_gpu_work_queued),
        cmocka_unit_test(unregister_with_work_in_flight),
        cmocka_unit_test(device_lost_fails_requests_and_later_ones),
        cmocka_unit_test(out_of_device_memory_then_recovery),
        cmocka_unit_test(concurrent_queues_with_cancels),
    };
    const char *only = getenv("DSVK_TEST_FILTER"); /* e.g. "*shader*" while debugging */
    if (only && *only)
        cmocka_set_test_filter(only);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
