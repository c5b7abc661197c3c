/*
 * One op's read, as a sequence of read calls: where the next call goes (fd, offset,
 * buffer, length), how a result advances it, and how the op's result comes out at the end.
 * Both backends drive ops through this, which is what keeps their semantics identical:
 * short reads are continued, EAGAIN/EINTR retried, O_DIRECT used only for aligned ranges,
 * unaligned O_DIRECT ops read an aligned superset into a bounce buffer and copy out.
 */
#ifndef DSVK_IO_READ_H
#define DSVK_IO_READ_H

#include <stdbool.h>
#include <stdint.h>

#include "bounce.h"
#include "io/io.h"

typedef struct dsvk_io_read {
    dsvk_io_op *op;
    uint8_t *buf;        /* where bytes land: op->dst, or the bounce buffer */
    dsvk_bounce *bounce; /* non-NULL when reading through a bounce buffer */
    uint64_t base;       /* file offset of buf[0] */
    uint32_t want;       /* bytes to read into buf */
    uint32_t got;        /* bytes read into buf so far */
    uint32_t head;       /* bounce: bytes in buf before op->offset */
    uint32_t retries;    /* EAGAIN/EINTR in a row */
    bool direct;         /* O_DIRECT may be used for aligned calls */
} dsvk_io_read;

/* The next call to make. */
typedef struct dsvk_io_call {
    int fd;
    uint64_t offset;
    void *buf;
    uint32_t len;
} dsvk_io_call;

typedef enum dsvk_io_step {
    DSVK_IO_STEP_MORE,     /* make the next call */
    DSVK_IO_STEP_FINISHED, /* call dsvk_io_read_finish */
} dsvk_io_step;

/*
 * The aligned range an op would read through a bounce buffer, when it wants O_DIRECT and
 * is not aligned; false when it reads directly (aligned, or buffered).
 */
bool dsvk_io_read_needs_bounce(const dsvk_io_op *op, bool direct_io, uint64_t *base,
                               uint32_t *size);

/* Starts an op. `bounce` is a buffer of the size dsvk_io_read_needs_bounce gave, or NULL
 * to read it buffered (no bounce buffer can be had) or directly (aligned). */
void dsvk_io_read_start(dsvk_io_read *r, dsvk_io_op *op, bool direct_io, dsvk_bounce *bounce);

dsvk_io_call dsvk_io_read_next(const dsvk_io_read *r);

/* Feeds the result of the call dsvk_io_read_next described (bytes or -errno). */
dsvk_io_step dsvk_io_read_advance(dsvk_io_read *r, const dsvk_io_call *call, int64_t res);

/* Sets op->result (copying out of the bounce buffer) and returns the bounce buffer for the
 * caller to put back (or NULL). Does not call done(). */
dsvk_bounce *dsvk_io_read_finish(dsvk_io_read *r);

#endif
