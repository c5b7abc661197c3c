/* Helpers shared by the core's cmocka tests. */
#ifndef DSVK_TESTUTIL_H
#define DSVK_TESTUTIL_H

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include <dsvk/dsvk.h>

/* Deterministic pseudo-random bytes (xorshift), so failures reproduce. */
void tu_fill_random(void *buf, size_t n, uint64_t seed);
/* Creates a file of n random bytes in a fresh temporary directory; returns its malloc'd path.
 * *data (optional) receives a malloc'd copy of the content. */
char *tu_make_file(size_t n, uint64_t seed, uint8_t **data);
void tu_remove_file(char *path);

/* A runtime on the given backend with a few workers; fails the test if it cannot start. */
dsvk_runtime *tu_runtime(dsvk_io_backend backend);

/* A signal sink: counts values delivered by callback, records their order. */
typedef struct tu_signals {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    uint64_t values[4096];
    unsigned count;
} tu_signals;
void tu_signals_init(tu_signals *s);
void tu_signal_cb(void *user, uint64_t value);
/* Waits until `count` signals arrived (fails the test after 30 s). */
void tu_signals_wait(tu_signals *s, unsigned count);
/* Enqueues a callback signal of `value` into q. */
void tu_enqueue_signal(dsvk_queue *q, tu_signals *s, uint64_t value);
/* Submits and waits until everything enqueued so far completed. */
void tu_drain(dsvk_queue *q);

/* A file-source request for host memory. */
dsvk_request tu_file_request(dsvk_file *f, uint64_t offset, uint32_t size, void *dst);
dsvk_request tu_memory_request(const void *src, uint32_t size, void *dst);

/* The backends the I/O tests run on: DSVK_TEST_BACKEND=uring|threads narrows it. */
#define TU_BACKENDS(X) X(uring, DSVK_IO_URING) X(threads, DSVK_IO_THREADS)

#endif
