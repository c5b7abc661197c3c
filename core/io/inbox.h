/*
 * An inbox: the ops waiting for one ring (or for the pread pool), one FIFO list per
 * priority. Callers hold `lock` around every function here; an op's state changes only
 * under it, which is what makes dsvk_io_cancel exact.
 */
#ifndef DSVK_IO_INBOX_H
#define DSVK_IO_INBOX_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "io/io.h"

enum {
    DSVK_IO_OP_IDLE = 0,    /* not in an inbox (never submitted, or cancelled) */
    DSVK_IO_OP_QUEUED = 1,  /* in an inbox: cancel can take it back */
    DSVK_IO_OP_STARTED = 2, /* taken by an engine thread: done() will run */
};

typedef struct dsvk_io_inbox {
    pthread_mutex_t lock;
    dsvk_io_op *head[DSVK_IO_PRIORITIES];
    dsvk_io_op *tail[DSVK_IO_PRIORITIES];
    size_t count;
    uint16_t index; /* stored in op->inbox */
} dsvk_io_inbox;

void dsvk_io_inbox_init(dsvk_io_inbox *in, uint16_t index);
void dsvk_io_inbox_fini(dsvk_io_inbox *in);

/* Appends at the tail of the op's priority (clamped to the highest level). */
void dsvk_io_inbox_push(dsvk_io_inbox *in, dsvk_io_op *op);
/* Removes and returns the oldest op of the highest non-empty priority, marked STARTED. */
dsvk_io_op *dsvk_io_inbox_pop(dsvk_io_inbox *in);
/* Removes a QUEUED op of this inbox; false when it is not queued. */
bool dsvk_io_inbox_remove(dsvk_io_inbox *in, dsvk_io_op *op);
/* Takes every queued op out, highest priority first, as a list linked by ->next; each is
 * marked STARTED (its done() is now the taker's job). */
dsvk_io_op *dsvk_io_inbox_take_all(dsvk_io_inbox *in);

#endif
