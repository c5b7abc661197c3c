/*
 * The io_uring backend: one ring per I/O thread, and only that thread touches its ring
 * (which is what IORING_SETUP_SINGLE_ISSUER promises the kernel, so the ring is created on
 * the thread itself).
 *
 * Other threads hand ops over through the ring's inbox. The ring thread always keeps a read
 * of an eventfd queued in its ring, so a single io_uring_submit_and_wait() sleeps until
 * either a read completes or a submitter writes the eventfd. Submitters write it only when
 * the ring thread announced (under the inbox lock) that it is about to sleep with free
 * slots: one eventfd write per sleep at most, none while the ring is busy and full.
 *
 * Each loop: take up to `depth` in-flight ops from the inbox (highest priority first),
 * prepare their SQEs, submit them and wait in one system call, then reap the CQEs in
 * batches; a short read or EAGAIN queues the next SQE of the same op right away.
 */
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "engine.h"
#include "log.h"
#include "read.h"

#define EVENTFD_TAG UINT64_MAX /* user_data of the wakeup read; slots use their index */
#define REAP_BATCH 64
#define NO_SLOT UINT32_MAX

/* Bytes of bounce buffers a ring may hold: enough for a full depth of 1 MiB chunks at the
 * default depth without hoarding memory on an idle ring. */
#define RING_BOUNCE_CAP (64u << 20)

typedef struct slot {
    dsvk_io_read read;
    dsvk_io_call call; /* the call in flight */
    uint32_t next;     /* free list or bounce-wait list */
} slot;

typedef struct ring {
    dsvk_io_inbox inbox; /* its lock also guards waiting, stopping, closed */
    bool waiting;        /* the thread sleeps with free slots: submitters write efd */
    bool stopping;
    bool closed; /* the thread has left: submits fail at once */

    dsvk_io *io;
    pthread_t thread;
    bool thread_started;
    int efd;

    /* Ring thread only, after startup. */
    struct io_uring uring;
    uint64_t efd_value;
    slot *slots;
    uint32_t free_slot;
    uint32_t used; /* slots holding an op (in flight or waiting for a bounce buffer) */
    uint32_t bounce_wait_head, bounce_wait_tail;
    dsvk_io_op **batch;
    dsvk_bounce_pool bounces;

    /* Startup handshake, under the backend's start_lock. */
    bool setup_done;
    int setup_err;
    uint32_t setup_flags;
    char setup_reason[200];
} ring;

typedef struct uring_backend {
    uint32_t n_rings;
    ring *rings;
    dsvk_io_inbox **inbox_list;
    pthread_mutex_t start_lock;
    pthread_cond_t start_cond;
    _Atomic uint32_t next_ring;
} uring_backend;

/* The ring whose thread this is (NULL elsewhere): its own submits, from done() callbacks,
 * need no wakeup, since it looks at the inbox again before it sleeps. */
static _Thread_local ring *this_ring;

/* ---- setup ---------------------------------------------------------------------------- */

static const uint32_t setup_ladder[] = {
    IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN,
    IORING_SETUP_COOP_TASKRUN,
    0,
};

static void refusal_reason(int err, char *out, size_t len)
{
    const char *hint = "";
    char sysctl[64] = "";
    if (err == EPERM || err == EACCES) {
        FILE *f = fopen("/proc/sys/kernel/io_uring_disabled", "r");
        int v = 0;
        if (f && fscanf(f, "%d", &v) == 1 && v != 0)
            snprintf(sysctl, sizeof(sysctl), " (kernel.io_uring_disabled=%d)", v);
        if (f)
            fclose(f);
        hint = sysctl[0] ? sysctl : " (seccomp filter or sandbox?)";
    } else if (err == ENOSYS) {
        hint = " (kernel without io_uring?)";
    }
    snprintf(out, len, "io_uring_setup: %s%s", strerror(err), hint);
}

/* Creates the ring on the calling thread with the best flags the kernel accepts. */
static int ring_setup(ring *r, uint32_t entries)
{
    int err = EINVAL;
    for (size_t i = 0; i < sizeof(setup_ladder) / sizeof(setup_ladder[0]); i++) {
        struct io_uring_params p = {.flags = setup_ladder[i]};
        int ret = io_uring_queue_init_params(entries, &r->uring, &p);
        err = -ret;
        if (ret == 0) {
            r->setup_flags = setup_ladder[i];
            break;
        }
        if (err != EINVAL) /* refused or out of resources: other flags will not help */
            break;
    }
    if (err) {
        refusal_reason(err, r->setup_reason, sizeof(r->setup_reason));
        return err;
    }
    /* Plain reads need Linux 5.6; older kernels accept the ring but not the opcode. */
    struct io_uring_probe *probe = io_uring_get_probe_ring(&r->uring);
    bool has_read = probe && io_uring_opcode_supported(probe, IORING_OP_READ);
    if (probe)
        io_uring_free_probe(probe);
    if (!has_read) {
        io_uring_queue_exit(&r->uring);
        snprintf(r->setup_reason, sizeof(r->setup_reason),
                 "io_uring: the kernel lacks IORING_OP_READ (Linux 5.6+)");
        return ENOSYS;
    }
    return 0;
}

/* ---- slots ---------------------------------------------------------------------------- */

static uint32_t slot_alloc(ring *r)
{
    uint32_t i = r->free_slot;
    r->free_slot = r->slots[i].next;
    r->used++;
    return i;
}

static void slot_free(ring *r, uint32_t i)
{
    r->slots[i].next = r->free_slot;
    r->free_slot = i;
    r->used--;
}

static struct io_uring_sqe *get_sqe(ring *r)
{
    struct io_uring_sqe *sqe = io_uring_get_sqe(&r->uring);
    while (!sqe) {
        /* Cannot happen with entries > depth, but a full SQ is no reason to lose an op. */
        io_uring_submit(&r->uring);
        sqe = io_uring_get_sqe(&r->uring);
    }
    return sqe;
}

static void queue_call(ring *r, uint32_t i)
{
    slot *s = &r->slots[i];
    s->call = dsvk_io_read_next(&s->read);
    struct io_uring_sqe *sqe = get_sqe(r);
    io_uring_prep_read(sqe, s->call.fd, s->call.buf, s->call.len, s->call.offset);
    io_uring_sqe_set_data64(sqe, i);
}

static void arm_eventfd(ring *r)
{
    struct io_uring_sqe *sqe = get_sqe(r);
    io_uring_prep_read(sqe, r->efd, &r->efd_value, sizeof(r->efd_value), 0);
    io_uring_sqe_set_data64(sqe, EVENTFD_TAG);
}

static void finish_slot(ring *r, uint32_t i)
{
    slot *s = &r->slots[i];
    dsvk_io_op *op = s->read.op;
    dsvk_bounce *b = dsvk_io_read_finish(&s->read);
    if (b)
        dsvk_bounce_put(&r->bounces, b);
    slot_free(r, i);
    op->done(op); /* last: the op may be freed or resubmitted by it */
}

static void bounce_wait_push(ring *r, uint32_t i)
{
    r->slots[i].next = NO_SLOT;
    if (r->bounce_wait_tail == NO_SLOT)
        r->bounce_wait_head = i;
    else
        r->slots[r->bounce_wait_tail].next = i;
    r->bounce_wait_tail = i;
}

/* Starts the op held by slot i; false when it must wait for a bounce buffer. */
static bool try_start(ring *r, uint32_t i)
{
    slot *s = &r->slots[i];
    dsvk_io_op *op = s->read.op;
    dsvk_bounce *b = NULL;
    uint64_t base;
    uint32_t size;
    if (dsvk_io_read_needs_bounce(op, r->io->direct_io, &base, &size)) {
        b = dsvk_bounce_get(&r->bounces, size);
        /* None free now, but buffers in use come back as reads complete: wait. With
         * none in use (too big for the pool, or no memory) read it buffered instead. */
        if (!b && r->bounces.in_use > 0 && !dsvk_bounce_too_big(&r->bounces, size))
            return false;
    }
    dsvk_io_read_start(&s->read, op, r->io->direct_io, b);
    queue_call(r, i);
    return true;
}

static void start_op(ring *r, dsvk_io_op *op)
{
    uint32_t i = slot_alloc(r);
    r->slots[i].read.op = op;
    /* Ops behind one already waiting for a buffer wait too: no overtaking. */
    if (r->bounce_wait_head != NO_SLOT || !try_start(r, i))
        bounce_wait_push(r, i);
}

static void start_bounce_waiters(ring *r)
{
    while (r->bounce_wait_head != NO_SLOT) {
        uint32_t i = r->bounce_wait_head;
        uint32_t next = r->slots[i].next;
        if (!try_start(r, i))
            return;
        r->bounce_wait_head = next;
        if (next == NO_SLOT)
            r->bounce_wait_tail = NO_SLOT;
    }
}

static void fail_bounce_waiters(ring *r)
{
    while (r->bounce_wait_head != NO_SLOT) {
        uint32_t i = r->bounce_wait_head;
        r->bounce_wait_head = r->slots[i].next;
        dsvk_io_op *op = r->slots[i].read.op;
        slot_free(r, i);
        op->result = -ECANCELED;
        op->done(op);
    }
    r->bounce_wait_tail = NO_SLOT;
}

/* ---- the ring thread ------------------------------------------------------------------ */

static void reap(ring *r)
{
    struct io_uring_cqe *cqes[REAP_BATCH];
    for (;;) {
        unsigned n = io_uring_peek_batch_cqe(&r->uring, cqes, REAP_BATCH);
        if (n == 0)
            return;
        for (unsigned k = 0; k < n; k++) {
            uint64_t tag = io_uring_cqe_get_data64(cqes[k]);
            int res = cqes[k]->res;
            if (tag == EVENTFD_TAG) {
                /* A wakeup (or an error reading the eventfd, which only re-arming fixes). */
                if (res < 0 && res != -EINTR && res != -EAGAIN)
                    DSVK_WARN("io: wakeup read on eventfd %d failed: %s", r->efd, strerror(-res));
                arm_eventfd(r);
                continue;
            }
            uint32_t i = (uint32_t)tag;
            slot *s = &r->slots[i];
            if (dsvk_io_read_advance(&s->read, &s->call, res) == DSVK_IO_STEP_MORE)
                queue_call(r, i);
            else
                finish_slot(r, i);
        }
        io_uring_cq_advance(&r->uring, n);
        if (n < REAP_BATCH)
            return;
    }
}

static void run(ring *r)
{
    const uint32_t depth = r->io->depth;
    arm_eventfd(r);
    for (;;) {
        start_bounce_waiters(r);

        uint32_t n = 0;
        dsvk_io_op *rest = NULL;
        bool stop;
        pthread_mutex_lock(&r->inbox.lock);
        stop = r->stopping;
        if (stop) {
            rest = dsvk_io_inbox_take_all(&r->inbox);
            if (!rest && r->used == 0) {
                r->closed = true;
                pthread_mutex_unlock(&r->inbox.lock);
                return;
            }
        } else {
            for (dsvk_io_op *op; r->used + n < depth && (op = dsvk_io_inbox_pop(&r->inbox));)
                r->batch[n++] = op;
        }
        /* Sleeping with free slots: ask submitters for a wakeup. */
        r->waiting = !stop && r->used + n < depth;
        pthread_mutex_unlock(&r->inbox.lock);

        if (stop) {
            dsvk_io_fail_list(rest, ECANCELED);
            fail_bounce_waiters(r);
            if (r->used == 0)
                continue; /* re-check the inbox, then leave */
        }
        for (uint32_t k = 0; k < n; k++)
            start_op(r, r->batch[k]);

        int ret = io_uring_submit_and_wait(&r->uring, 1);
        if (ret < 0 && ret != -EINTR && ret != -EAGAIN && ret != -EBUSY && ret != -ETIME)
            DSVK_WARN("io: io_uring_submit_and_wait on ring fd %d: %s", r->uring.ring_fd,
                      strerror(-ret));
        reap(r);
    }
}

static void *ring_main(void *arg)
{
    ring *r = arg;
    uring_backend *u = r->io->backend;
    uint32_t depth = r->io->depth;
    int err = ring_setup(r, depth + 1); /* + the eventfd read */
    if (!err) {
        r->slots = calloc(depth, sizeof(*r->slots));
        r->batch = calloc(depth, sizeof(*r->batch));
        if (!r->slots || !r->batch) {
            err = ENOMEM;
            snprintf(r->setup_reason, sizeof(r->setup_reason), "io_uring: out of memory");
            io_uring_queue_exit(&r->uring);
        }
    }
    pthread_mutex_lock(&u->start_lock);
    r->setup_err = err;
    r->setup_done = true;
    pthread_cond_broadcast(&u->start_cond);
    pthread_mutex_unlock(&u->start_lock);
    if (err) {
        free(r->slots);
        free(r->batch);
        r->slots = NULL;
        r->batch = NULL;
        pthread_mutex_lock(&r->inbox.lock);
        r->closed = true;
        pthread_mutex_unlock(&r->inbox.lock);
        return NULL;
    }
    for (uint32_t i = 0; i < depth; i++)
        r->slots[i].next = i + 1 < depth ? i + 1 : NO_SLOT;
    r->free_slot = 0;
    r->bounce_wait_head = r->bounce_wait_tail = NO_SLOT;
    dsvk_bounce_pool_init(&r->bounces, RING_BOUNCE_CAP);
    this_ring = r;

    run(r);

    io_uring_queue_exit(&r->uring); /* cancels the pending eventfd read */
    dsvk_bounce_pool_fini(&r->bounces);
    free(r->slots);
    free(r->batch);
    return NULL;
}

/* ---- the submitting side -------------------------------------------------------------- */

static void kick(ring *r)
{
    uint64_t one = 1;
    while (write(r->efd, &one, sizeof(one)) < 0 && errno == EINTR)
        ;
}

static void ring_submit(ring *r, dsvk_io_op *const *ops, size_t n)
{
    pthread_mutex_lock(&r->inbox.lock);
    if (r->closed) {
        pthread_mutex_unlock(&r->inbox.lock);
        DSVK_WARN("io: %zu reads submitted after the engine stopped; failing them", n);
        for (size_t i = 0; i < n; i++) {
            ops[i]->result = -ECANCELED;
            ops[i]->done(ops[i]);
        }
        return;
    }
    for (size_t i = 0; i < n; i++)
        dsvk_io_inbox_push(&r->inbox, ops[i]);
    bool wake = r->waiting && this_ring != r;
    if (wake)
        r->waiting = false; /* one wakeup per sleep */
    pthread_mutex_unlock(&r->inbox.lock);
    if (wake)
        kick(r);
}

static void uring_submit(dsvk_io *io, dsvk_io_op *const *ops, size_t n)
{
    uring_backend *u = io->backend;
    if (u->n_rings == 1) {
        ring_submit(&u->rings[0], ops, n);
        return;
    }
    /* Spread a batch over the rings in equal pieces, starting round-robin. */
    uint32_t first = atomic_fetch_add_explicit(&u->next_ring, 1, memory_order_relaxed);
    size_t piece = (n + u->n_rings - 1) / u->n_rings;
    for (uint32_t k = 0; k < u->n_rings && n; k++) {
        size_t take = n < piece ? n : piece;
        ring_submit(&u->rings[(first + k) % u->n_rings], ops, take);
        ops += take;
        n -= take;
    }
}

static void uring_stop(dsvk_io *io)
{
    uring_backend *u = io->backend;
    for (uint32_t i = 0; i < u->n_rings; i++) {
        ring *r = &u->rings[i];
        pthread_mutex_lock(&r->inbox.lock);
        r->stopping = true;
        pthread_mutex_unlock(&r->inbox.lock);
        if (r->efd >= 0)
            kick(r);
    }
}

static void uring_destroy(dsvk_io *io)
{
    uring_backend *u = io->backend;
    for (uint32_t i = 0; i < u->n_rings; i++) {
        ring *r = &u->rings[i];
        if (r->thread_started)
            pthread_join(r->thread, NULL);
        /* Ops queued from done() callbacks after the thread's last look (closed is set
         * under the same lock, so nothing can be added after this). */
        pthread_mutex_lock(&r->inbox.lock);
        r->closed = true;
        dsvk_io_op *rest = dsvk_io_inbox_take_all(&r->inbox);
        pthread_mutex_unlock(&r->inbox.lock);
        dsvk_io_fail_list(rest, ECANCELED);
        if (r->efd >= 0)
            close(r->efd);
        dsvk_io_inbox_fini(&r->inbox);
    }
    pthread_cond_destroy(&u->start_cond);
    pthread_mutex_destroy(&u->start_lock);
    free(u->rings);
    free(u->inbox_list);
    free(u);
    io->backend = NULL;
}

static const dsvk_io_backend_ops uring_ops = {
    .submit = uring_submit,
    .stop = uring_stop,
    .destroy = uring_destroy,
};

dsvk_result dsvk_io_uring_start(dsvk_io *io, uint32_t threads, char *reason, size_t reason_len)
{
    uring_backend *u = calloc(1, sizeof(*u));
    if (!u)
        return DSVK_E_NO_MEMORY;
    u->n_rings = threads ? threads : 1;
    u->rings = calloc(u->n_rings, sizeof(*u->rings));
    u->inbox_list = calloc(u->n_rings, sizeof(*u->inbox_list));
    if (!u->rings || !u->inbox_list) {
        free(u->rings);
        free(u->inbox_list);
        free(u);
        return DSVK_E_NO_MEMORY;
    }
    pthread_mutex_init(&u->start_lock, NULL);
    pthread_cond_init(&u->start_cond, NULL);
    io->backend = u;
    io->ops = &uring_ops;
    io->inboxes = u->inbox_list;
    io->n_inboxes = u->n_rings;

    dsvk_result result = DSVK_OK;
    for (uint32_t i = 0; i < u->n_rings; i++) {
        ring *r = &u->rings[i];
        dsvk_io_inbox_init(&r->inbox, (uint16_t)i);
        u->inbox_list[i] = &r->inbox;
        r->io = io;
        /* Blocking on purpose: io_uring polls it for the queued read, and a read of a
         * non-blocking eventfd would come back -EAGAIN instead of waiting. */
        r->efd = eventfd(0, EFD_CLOEXEC);
        if (r->efd < 0) {
            snprintf(reason, reason_len, "eventfd: %s", strerror(errno));
            result = DSVK_E_NO_MEMORY;
            continue;
        }
        int err = pthread_create(&r->thread, NULL, ring_main, r);
        if (err) {
            snprintf(reason, reason_len, "pthread_create: %s", strerror(err));
            result = DSVK_E_NO_MEMORY;
            continue;
        }
        r->thread_started = true;
    }
    /* Wait for every ring's verdict. */
    uint32_t flags = 0;
    pthread_mutex_lock(&u->start_lock);
    for (uint32_t i = 0; i < u->n_rings; i++) {
        ring *r = &u->rings[i];
        if (!r->thread_started)
            continue;
        while (!r->setup_done)
            pthread_cond_wait(&u->start_cond, &u->start_lock);
        if (r->setup_err && result == DSVK_OK) {
            snprintf(reason, reason_len, "%s", r->setup_reason);
            result = r->setup_err == ENOMEM ? DSVK_E_NO_MEMORY : DSVK_E_UNSUPPORTED;
        }
        flags = r->setup_flags;
    }
    pthread_mutex_unlock(&u->start_lock);
    if (result != DSVK_OK) {
        uring_stop(io);
        uring_destroy(io);
        io->ops = NULL;
        io->inboxes = NULL;
        io->n_inboxes = 0;
        return result;
    }
    io->info =
        (dsvk_io_info){.backend = DSVK_IO_URING, .setup_flags = flags, .threads = u->n_rings};
    DSVK_DEBUG("io: io_uring with %u ring(s), depth %u, setup flags 0x%x", u->n_rings, io->depth,
               flags);
    return DSVK_OK;
}
