/* Helpers for the I/O engine's tests: files, engines, completion tracking, a gate that holds
 * an engine thread inside a done() callback. */
#ifndef DSVK_IO_TEST_H
#define DSVK_IO_TEST_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "io/io.h"

/* A test file of random bytes on a filesystem that takes O_DIRECT (tmpfs may not): the first
 * of $DSVK_TEST_TMPDIR, $DSVK_IO_TEST_DIR (the build tree), /var/tmp, /tmp that does. */
typedef struct iot_file {
    char *path;
    int fd;
    int direct_fd;
    uint8_t *data;
    size_t size;
} iot_file;

void iot_file_create(iot_file *f, size_t size, uint64_t seed);
void iot_file_destroy(iot_file *f);

/* An engine of the given backend; fails the test when it cannot be created. */
dsvk_io *iot_engine(dsvk_io_backend backend, uint32_t threads, uint32_t depth, bool direct);

/* Counts done() calls of ops that carry it; records completion order. */
typedef struct iot_tracker {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    size_t done;
    size_t order_cap;
    uint64_t *order; /* the op's `id` per completion, when order_cap > 0 */
} iot_tracker;

typedef struct iot_op {
    dsvk_io_op op;
    iot_tracker *tracker;
    uint64_t id;
    atomic_int calls;
} iot_op;

void iot_tracker_init(iot_tracker *t, size_t order_cap);
void iot_tracker_fini(iot_tracker *t);
/* Waits until `count` done() calls arrived; fails the test after 60 s. */
void iot_tracker_wait(iot_tracker *t, size_t count);
size_t iot_tracker_count(iot_tracker *t);

/* Fills an iot_op (done = iot_done). */
void iot_op_init(iot_op *o, iot_tracker *t, uint64_t id, int fd, int direct_fd, uint64_t offset,
                 uint32_t len, void *dst, uint8_t priority);
void iot_done(dsvk_io_op *op);

/* Expected result of reading [offset, offset+len) of a file of `size` bytes. */
int64_t iot_expected(size_t size, uint64_t offset, uint32_t len);

/* Holds an engine thread in the done() of the op it is attached to until opened. */
typedef struct iot_gate {
    iot_op op;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool entered;
    bool open;
} iot_gate;

/* Submits a read whose done() blocks, and waits until an engine thread is inside it. */
void iot_gate_close(iot_gate *g, dsvk_io *io, iot_tracker *t, const iot_file *f);
void iot_gate_open(iot_gate *g);
void iot_gate_fini(iot_gate *g);

/* A buffer of n bytes whose start is `misalign` bytes past a 4096 boundary, with a guard
 * pattern before and after it; iot_buffer_guard_ok checks both guards. */
uint8_t *iot_buffer(size_t n, size_t misalign, void **base);
bool iot_buffer_guard_ok(const uint8_t *buf, size_t n, size_t misalign);

/* Deterministic random numbers (xorshift64*). */
uint64_t iot_rand(uint64_t *state);

#endif
