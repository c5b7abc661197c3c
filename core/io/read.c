/* The per-op read state machine shared by the io_uring and pread backends. */
#include "read.h"

#include <errno.h>
#include <stdatomic.h>
#include <string.h>

#include "log.h"

/* EAGAIN from a regular file is transient (page cache pressure, NOWAIT races); a device
 * that keeps answering it is broken, and the op fails rather than spinning forever. */
#define MAX_RETRIES 1000

static bool aligned(uint64_t v, uint32_t align)
{
    return (v & (uint64_t)(align - 1)) == 0;
}

static bool wants_direct(const dsvk_io_op *op, bool direct_io)
{
    return direct_io && op->direct_fd >= 0 && op->align >= 512 && op->align <= DSVK_BOUNCE_ALIGN &&
           (op->align & (op->align - 1)) == 0;
}

bool dsvk_io_read_needs_bounce(const dsvk_io_op *op, bool direct_io, uint64_t *base, uint32_t *size)
{
    if (!wants_direct(op, direct_io) || op->len == 0)
        return false;
    uint32_t a = op->align;
    if (aligned(op->offset, a) && aligned(op->len, a) && aligned((uintptr_t)op->dst, a))
        return false;
    uint64_t start = op->offset & ~(uint64_t)(a - 1);
    uint64_t end = (op->offset + op->len + a - 1) & ~(uint64_t)(a - 1);
    if (end - start > UINT32_MAX - DSVK_BOUNCE_GRAIN)
        return false; /* cannot be bounced: read buffered */
    *base = start;
    *size = (uint32_t)(end - start);
    return true;
}

void dsvk_io_read_start(dsvk_io_read *r, dsvk_io_op *op, bool direct_io, dsvk_bounce *bounce)
{
    *r = (dsvk_io_read){.op = op, .direct = wants_direct(op, direct_io)};
    op->progress = 0;
    op->result = 0;
    uint64_t base;
    uint32_t size;
    if (dsvk_io_read_needs_bounce(op, direct_io, &base, &size)) {
        if (bounce) {
            r->bounce = bounce;
            r->buf = bounce->mem;
            r->base = base;
            r->want = size;
            r->head = (uint32_t)(op->offset - base);
            return;
        }
        r->direct = false; /* no bounce buffer to be had: the buffered fd reads it as is */
    }
    r->buf = op->dst;
    r->base = op->offset;
    r->want = op->len;
}

dsvk_io_call dsvk_io_read_next(const dsvk_io_read *r)
{
    dsvk_io_call c = {
        .fd = r->op->fd,
        .offset = r->base + r->got,
        .buf = r->buf + r->got,
        .len = r->want - r->got,
    };
    /* O_DIRECT only for a fully aligned call; after a short direct read that ended off a
     * block boundary (end of file) the buffered fd finishes the job. */
    uint32_t a = r->op->align;
    if (r->direct && aligned(c.offset, a) && aligned(c.len, a) && aligned((uintptr_t)c.buf, a))
        c.fd = r->op->direct_fd;
    return c;
}

static bool have_all(const dsvk_io_read *r)
{
    if (r->got >= r->want)
        return true;
    /* Through a bounce buffer the wanted bytes may end before the aligned range does. */
    return r->bounce && r->got >= r->head + r->op->len;
}

dsvk_io_step dsvk_io_read_advance(dsvk_io_read *r, const dsvk_io_call *call, int64_t res)
{
    dsvk_io_op *op = r->op;
    if (res > 0) {
        r->retries = 0;
        r->got += (uint32_t)res;
        if (!r->bounce)
            op->progress = r->got;
        return have_all(r) ? DSVK_IO_STEP_FINISHED : DSVK_IO_STEP_MORE;
    }
    if (res == 0) {
        op->result = 0; /* end of file: finish reports what arrived */
        return DSVK_IO_STEP_FINISHED;
    }
    if ((res == -EAGAIN || res == -EINTR) && ++r->retries < MAX_RETRIES)
        return DSVK_IO_STEP_MORE;
    if (res == -EINVAL && call->fd == op->direct_fd && call->fd != op->fd) {
        /* The device wants a larger alignment than the file said: read buffered. */
        static atomic_bool warned;
        if (!atomic_exchange(&warned, true))
            DSVK_WARN("io: O_DIRECT read refused (fd %d, offset %llu, %u bytes, align %u); "
                      "reading such ranges buffered",
                      call->fd, (unsigned long long)call->offset, call->len, op->align);
        r->direct = false;
        return DSVK_IO_STEP_MORE;
    }
    DSVK_DEBUG("io: read fd %d offset %llu len %u failed: %s", call->fd,
               (unsigned long long)call->offset, call->len, strerror((int)-res));
    op->result = res;
    return DSVK_IO_STEP_FINISHED;
}

dsvk_bounce *dsvk_io_read_finish(dsvk_io_read *r)
{
    dsvk_io_op *op = r->op;
    if (op->result < 0)
        return r->bounce;
    uint32_t n = r->got;
    if (r->bounce) {
        n = r->got > r->head ? r->got - r->head : 0;
        if (n > op->len)
            n = op->len;
        memcpy(op->dst, r->buf + r->head, n);
        op->progress = n;
    }
    op->result = n;
    return r->bounce;
}
