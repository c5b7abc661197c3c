/*
 * The I/O engine: reads file ranges into memory, by io_uring or a pread() thread pool.
 *
 * Internal to the core. The queue engine splits requests into ops of at most chunk_size
 * bytes and submits them; the engine runs them highest priority first and calls op->done
 * exactly once per op, on one of its own threads. Both backends have identical semantics,
 * so everything above this seam is tested against both.
 */
#ifndef DSVK_IO_H
#define DSVK_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <dsvk/runtime.h>

typedef struct dsvk_io dsvk_io;
typedef struct dsvk_io_op dsvk_io_op;
typedef void (*dsvk_io_done_fn)(dsvk_io_op *op);

#define DSVK_IO_PRIORITIES 4 /* 0 = low .. 3 = realtime; higher runs first */

struct dsvk_io_op {
    /* Set by the caller before submit. */
    int fd;           /* buffered fd */
    int direct_fd;    /* O_DIRECT fd of the same file, or -1 */
    uint32_t align;   /* alignment O_DIRECT needs (file's logical block size), power of 2 */
    uint64_t offset;
    uint32_t len;
    void *dst;
    uint8_t priority; /* 0..DSVK_IO_PRIORITIES-1 */
    dsvk_io_done_fn done;
    void *user;

    /* Set by the engine before done() is called: bytes read (len, or fewer only at end of
     * file), or -errno. Short reads that are not at end of file are continued internally. */
    int64_t result;

    /* Engine-private. */
    dsvk_io_op *next;
    dsvk_io_op *prev;   /* while queued: neighbours in its priority list (O(1) cancel) */
    uint32_t progress;  /* bytes delivered to dst so far */
    uint16_t inbox;     /* the inbox (ring) it was queued on; fixed from submit to done */
    uint8_t state;      /* queued or started; changes only under that inbox's lock */
};

typedef struct dsvk_io_config {
    dsvk_io_backend backend; /* AUTO: io_uring, falling back to threads when refused */
    uint32_t threads;        /* rings (io_uring) or pread threads; 0 = backend default */
    uint32_t depth;          /* ops in flight per ring; 0 = 64 */
    bool direct_io;          /* use direct_fd when the op has one */
} dsvk_io_config;

/*
 * Creates the engine. With AUTO, when io_uring_setup is refused (EPERM: seccomp or
 * kernel.io_uring_disabled; ENOSYS) the thread pool is used and `reason` says why.
 * With URING a refusal is DSVK_E_UNSUPPORTED.
 */
dsvk_result dsvk_io_create(const dsvk_io_config *config, dsvk_io **out, char *reason,
                           size_t reason_len);

/* Queues ops; thread-safe, never blocks on I/O. */
void dsvk_io_submit(dsvk_io *io, dsvk_io_op *const *ops, size_t n);

/*
 * Takes an op back if the engine has not started it: returns true and done() is never
 * called for it. Returns false when the op is in flight or finished: done() runs (or ran).
 */
bool dsvk_io_cancel(dsvk_io *io, dsvk_io_op *op);

/* Fails queued ops with -ECANCELED, waits for those in flight, joins the threads. */
void dsvk_io_destroy(dsvk_io *io);

typedef struct dsvk_io_info {
    dsvk_io_backend backend;  /* URING or THREADS */
    uint32_t setup_flags;     /* IORING_SETUP_* used, 0 for threads */
    uint32_t threads;
} dsvk_io_info;

void dsvk_io_get_info(const dsvk_io *io, dsvk_io_info *info);

#endif
