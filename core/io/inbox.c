/* Per-priority FIFO lists, doubly linked so that cancel is O(1). */
#include "inbox.h"

void dsvk_io_inbox_init(dsvk_io_inbox *in, uint16_t index)
{
    *in = (dsvk_io_inbox){.index = index};
    pthread_mutex_init(&in->lock, NULL);
}

void dsvk_io_inbox_fini(dsvk_io_inbox *in)
{
    pthread_mutex_destroy(&in->lock);
}

static unsigned level_of(const dsvk_io_op *op)
{
    return op->priority < DSVK_IO_PRIORITIES ? op->priority : DSVK_IO_PRIORITIES - 1;
}

void dsvk_io_inbox_push(dsvk_io_inbox *in, dsvk_io_op *op)
{
    unsigned p = level_of(op);
    op->next = NULL;
    op->prev = in->tail[p];
    if (in->tail[p])
        in->tail[p]->next = op;
    else
        in->head[p] = op;
    in->tail[p] = op;
    op->inbox = in->index;
    op->state = DSVK_IO_OP_QUEUED;
    in->count++;
}

static void unlink_op(dsvk_io_inbox *in, dsvk_io_op *op)
{
    unsigned p = level_of(op);
    if (op->prev)
        op->prev->next = op->next;
    else
        in->head[p] = op->next;
    if (op->next)
        op->next->prev = op->prev;
    else
        in->tail[p] = op->prev;
    op->next = op->prev = NULL;
    in->count--;
}

dsvk_io_op *dsvk_io_inbox_pop(dsvk_io_inbox *in)
{
    for (int p = DSVK_IO_PRIORITIES - 1; p >= 0; p--) {
        dsvk_io_op *op = in->head[p];
        if (op) {
            unlink_op(in, op);
            op->state = DSVK_IO_OP_STARTED;
            return op;
        }
    }
    return NULL;
}

bool dsvk_io_inbox_remove(dsvk_io_inbox *in, dsvk_io_op *op)
{
    if (op->state != DSVK_IO_OP_QUEUED || op->inbox != in->index)
        return false;
    unlink_op(in, op);
    op->state = DSVK_IO_OP_IDLE;
    return true;
}

dsvk_io_op *dsvk_io_inbox_take_all(dsvk_io_inbox *in)
{
    dsvk_io_op *first = NULL, **link = &first;
    for (dsvk_io_op *op; (op = dsvk_io_inbox_pop(in)) != NULL;) {
        *link = op;
        link = &op->next;
    }
    *link = NULL;
    return first;
}
