/* What io.c (backend choice, cancel, info) shares with the two backends. */
#ifndef DSVK_IO_ENGINE_H
#define DSVK_IO_ENGINE_H

#include <stdatomic.h>
#include <stddef.h>

#include "inbox.h"
#include "io/io.h"

typedef struct dsvk_io_backend_ops {
    void (*submit)(dsvk_io *io, dsvk_io_op *const *ops, size_t n);
    /* Tells the threads to stop (they fail queued ops with -ECANCELED); does not wait. */
    void (*stop)(dsvk_io *io);
    /* After stop: waits for in-flight ops, joins the threads, frees the backend. */
    void (*destroy)(dsvk_io *io);
} dsvk_io_backend_ops;

struct dsvk_io {
    dsvk_io_info info;
    bool direct_io;
    uint32_t depth;
    const dsvk_io_backend_ops *ops;
    void *backend;
    dsvk_io_inbox **inboxes; /* indexed by op->inbox */
    uint32_t n_inboxes;
    /* Set once stop() returned: from then on no queued op will be read. Tests wait for it
     * to make destroy-while-busy deterministic. */
    atomic_bool stopping;
};

/*
 * io_uring backend. Returns DSVK_OK, or DSVK_E_UNSUPPORTED when the kernel refuses
 * io_uring (reason filled), or another error.
 */
dsvk_result dsvk_io_uring_start(dsvk_io *io, uint32_t threads, char *reason, size_t reason_len);
dsvk_result dsvk_io_threads_start(dsvk_io *io, uint32_t threads);

/* Calls done() with -ECANCELED for every op of a ->next list. */
void dsvk_io_fail_list(dsvk_io_op *list, int err);

#endif
