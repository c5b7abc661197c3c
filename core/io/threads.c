/*
 * The pread() thread pool: the fallback when the kernel refuses io_uring, and DSVK_IO=threads.
 * One shared inbox; each thread takes the highest-priority op, reads it to the end with
 * pread (through the same read state machine as io_uring), and calls done().
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"
#include "log.h"
#include "read.h"

/* Each thread's bounce pool holds one op's aligned range; larger ones are read buffered. */
#define THREAD_BOUNCE_CAP (4u << 20)

typedef struct pool {
    dsvk_io_inbox inbox; /* its lock also guards the fields below */
    dsvk_io_inbox *inbox_list[1];
    pthread_cond_t work;
    uint32_t idle; /* threads waiting on `work` */
    bool stopping;
    bool closed; /* threads gone: submits fail at once */
    uint32_t n_threads;
    pthread_t *threads;
} pool;

static void run_op(dsvk_io *io, dsvk_bounce_pool *bounces, dsvk_io_op *op)
{
    dsvk_bounce *b = NULL;
    uint64_t base;
    uint32_t size;
    if (dsvk_io_read_needs_bounce(op, io->direct_io, &base, &size))
        b = dsvk_bounce_get(bounces, size); /* NULL: too big for the pool, read buffered */
    dsvk_io_read r;
    dsvk_io_read_start(&r, op, io->direct_io, b);
    for (;;) {
        dsvk_io_call c = dsvk_io_read_next(&r);
        ssize_t n = pread(c.fd, c.buf, c.len, (off_t)c.offset);
        if (dsvk_io_read_advance(&r, &c, n < 0 ? -(int64_t)errno : n) == DSVK_IO_STEP_FINISHED)
            break;
    }
    b = dsvk_io_read_finish(&r);
    if (b)
        dsvk_bounce_put(bounces, b);
    op->done(op);
}

static void *thread_main(void *arg)
{
    dsvk_io *io = arg;
    pool *p = io->backend;
    dsvk_bounce_pool bounces;
    dsvk_bounce_pool_init(&bounces, THREAD_BOUNCE_CAP);
    pthread_mutex_lock(&p->inbox.lock);
    for (;;) {
        if (p->stopping) {
            /* destroy: what is still queued is failed, not read */
            dsvk_io_op *rest = dsvk_io_inbox_take_all(&p->inbox);
            pthread_mutex_unlock(&p->inbox.lock);
            if (!rest)
                break;
            dsvk_io_fail_list(rest, ECANCELED);
            pthread_mutex_lock(&p->inbox.lock);
            continue;
        }
        dsvk_io_op *op = dsvk_io_inbox_pop(&p->inbox);
        if (!op) {
            p->idle++;
            pthread_cond_wait(&p->work, &p->inbox.lock);
            p->idle--;
            continue;
        }
        pthread_mutex_unlock(&p->inbox.lock);
        run_op(io, &bounces, op);
        pthread_mutex_lock(&p->inbox.lock);
    }
    dsvk_bounce_pool_fini(&bounces);
    return NULL;
}

static void pool_submit(dsvk_io *io, dsvk_io_op *const *ops, size_t n)
{
    pool *p = io->backend;
    pthread_mutex_lock(&p->inbox.lock);
    if (p->closed) {
        pthread_mutex_unlock(&p->inbox.lock);
        DSVK_WARN("io: %zu reads submitted after the engine stopped; failing them", n);
        for (size_t i = 0; i < n; i++) {
            ops[i]->result = -ECANCELED;
            ops[i]->done(ops[i]);
        }
        return;
    }
    for (size_t i = 0; i < n; i++)
        dsvk_io_inbox_push(&p->inbox, ops[i]);
    /* Wake as many idle threads as there is new work, no more. */
    if (p->idle == 0) {
        /* every thread busy: they look at the inbox before sleeping */
    } else if (n >= p->idle) {
        pthread_cond_broadcast(&p->work);
    } else {
        for (size_t i = 0; i < n; i++)
            pthread_cond_signal(&p->work);
    }
    pthread_mutex_unlock(&p->inbox.lock);
}

static void pool_stop(dsvk_io *io)
{
    pool *p = io->backend;
    pthread_mutex_lock(&p->inbox.lock);
    p->stopping = true;
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->inbox.lock);
}

static void pool_destroy(dsvk_io *io)
{
    pool *p = io->backend;
    for (uint32_t i = 0; i < p->n_threads; i++)
        pthread_join(p->threads[i], NULL);
    /* Ops submitted from done() callbacks while the last thread was leaving. */
    pthread_mutex_lock(&p->inbox.lock);
    p->closed = true;
    dsvk_io_op *rest = dsvk_io_inbox_take_all(&p->inbox);
    pthread_mutex_unlock(&p->inbox.lock);
    dsvk_io_fail_list(rest, ECANCELED);
    pthread_cond_destroy(&p->work);
    dsvk_io_inbox_fini(&p->inbox);
    free(p->threads);
    free(p);
}

static const dsvk_io_backend_ops pool_ops = {
    .submit = pool_submit,
    .stop = pool_stop,
    .destroy = pool_destroy,
};

static uint32_t default_threads(void)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    uint32_t n = cpus > 0 ? 2 * (uint32_t)cpus : 8;
    if (n < 8)
        n = 8; /* blocking reads: more threads than CPUs keep the device busy */
    return n > 64 ? 64 : n;
}

dsvk_result dsvk_io_threads_start(dsvk_io *io, uint32_t threads)
{
    pool *p = calloc(1, sizeof(*p));
    if (!p)
        return DSVK_E_NO_MEMORY;
    p->n_threads = threads ? threads : default_threads();
    p->threads = calloc(p->n_threads, sizeof(*p->threads));
    if (!p->threads) {
        free(p);
        return DSVK_E_NO_MEMORY;
    }
    dsvk_io_inbox_init(&p->inbox, 0);
    pthread_cond_init(&p->work, NULL);
    p->inbox_list[0] = &p->inbox;
    io->backend = p;
    io->ops = &pool_ops;
    io->inboxes = p->inbox_list;
    io->n_inboxes = 1;

    uint32_t started = 0;
    for (; started < p->n_threads; started++) {
        int err = pthread_create(&p->threads[started], NULL, thread_main, io);
        if (err) {
            DSVK_ERR("io: cannot start pread thread %u: %s", started, strerror(err));
            break;
        }
    }
    if (started < p->n_threads) {
        p->n_threads = started;
        pool_stop(io);
        pool_destroy(io);
        return DSVK_E_NO_MEMORY;
    }
    io->info =
        (dsvk_io_info){.backend = DSVK_IO_THREADS, .setup_flags = 0, .threads = p->n_threads};
    DSVK_DEBUG("io: pread thread pool with %u threads", p->n_threads);
    return DSVK_OK;
}
