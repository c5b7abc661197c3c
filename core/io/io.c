/* The I/O engine's front: picks the backend (io_uring, else the pread pool), cancel, info. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "log.h"

void dsvk_io_fail_list(dsvk_io_op *list, int err)
{
    while (list) {
        dsvk_io_op *op = list;
        list = op->next; /* read before done(): the op may be freed by it */
        op->next = NULL;
        op->result = -err;
        op->done(op);
    }
}

dsvk_result dsvk_io_create(const dsvk_io_config *config, dsvk_io **out, char *reason,
                           size_t reason_len)
{
    if (reason && reason_len)
        reason[0] = 0;
    if (!config || !out)
        return DSVK_E_INVALID_ARGUMENT;
    *out = NULL;
    dsvk_io *io = calloc(1, sizeof(*io));
    if (!io)
        return DSVK_E_NO_MEMORY;
    io->direct_io = config->direct_io;
    io->depth = config->depth ? config->depth : 64;
    if (io->depth > 4096)
        io->depth = 4096; /* an SQ ring larger than this only costs memory */

    char why[256] = "";
    dsvk_result r = DSVK_E_UNSUPPORTED;
    if (config->backend != DSVK_IO_THREADS) {
        r = dsvk_io_uring_start(io, config->threads, why, sizeof(why));
        if (r != DSVK_OK && config->backend == DSVK_IO_URING) {
            DSVK_ERR("io: io_uring requested but unavailable: %s", why);
            if (reason && reason_len)
                snprintf(reason, reason_len, "%s", why);
            free(io);
            return r;
        }
        if (r != DSVK_OK)
            DSVK_WARN("io: io_uring unavailable (%s); using the pread thread pool", why);
    }
    if (r != DSVK_OK) {
        r = dsvk_io_threads_start(io, config->threads);
        if (r != DSVK_OK) {
            free(io);
            return r;
        }
    }
    if (reason && reason_len)
        snprintf(reason, reason_len, "%s", why);
    *out = io;
    return DSVK_OK;
}

void dsvk_io_submit(dsvk_io *io, dsvk_io_op *const *ops, size_t n)
{
    if (n)
        io->ops->submit(io, ops, n);
}

bool dsvk_io_cancel(dsvk_io *io, dsvk_io_op *op)
{
    /* op->inbox was set before the submit that published the op to the caller, and does
     * not change until done(); the state is read under that inbox's lock. */
    if (!io || !op || op->inbox >= io->n_inboxes)
        return false;
    dsvk_io_inbox *in = io->inboxes[op->inbox];
    pthread_mutex_lock(&in->lock);
    bool taken = dsvk_io_inbox_remove(in, op);
    pthread_mutex_unlock(&in->lock);
    return taken;
}

void dsvk_io_destroy(dsvk_io *io)
{
    if (!io)
        return;
    io->ops->stop(io);
    atomic_store(&io->stopping, true);
    io->ops->destroy(io);
    free(io);
}

void dsvk_io_get_info(const dsvk_io *io, dsvk_io_info *info)
{
    *info = io->info;
}
