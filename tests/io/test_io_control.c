/*
 * Ordering and life cycle on both backends: priority order, cancel of queued ops, destroy
 * with ops queued and in flight, ops submitted from done(), many submitting threads.
 * Engines are held still with a gate (an op whose done() blocks), never with timing.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "io/engine.h"
#include "io_test.h"

static const dsvk_io_backend uring = DSVK_IO_URING;
static const dsvk_io_backend threads = DSVK_IO_THREADS;

static dsvk_io_backend backend_of(void **state)
{
    return *(const dsvk_io_backend *)*state;
}

/* One engine thread, one op at a time: completion order is start order. */
static void test_priority_order(void **state)
{
    iot_file f;
    iot_file_create(&f, 1 << 20, 10);
    dsvk_io *io = iot_engine(backend_of(state), 1, 1, false);
    enum { N = 64 };
    iot_tracker t;
    iot_tracker_init(&t, N + 1);
    iot_gate g;
    iot_gate_close(&g, io, &t, &f);

    static uint8_t bufs[N][512];
    iot_op ops[N];
    uint64_t seed = 99, seq = 0;
    dsvk_io_op *batch[N];
    size_t nb = 0;
    for (uint64_t i = 0; i < N; i++) {
        uint8_t prio = (uint8_t)(iot_rand(&seed) % DSVK_IO_PRIORITIES);
        iot_op_init(&ops[i], &t, 0, f.fd, -1, i * 512, 512, bufs[i], prio);
        batch[nb++] = &ops[i].op;
        /* Singles and batches of 2..5: flush at varying points. */
        if (iot_rand(&seed) % 3 == 0 || nb == 5 || i == N - 1) {
            /* id: priority in the high bits, submission order in the low ones */
            for (size_t k = 0; k < nb; k++) {
                iot_op *o = batch[k]->user;
                o->id = (uint64_t)batch[k]->priority << 32 | seq++;
            }
            dsvk_io_submit(io, batch, nb);
            nb = 0;
        }
    }
    /* Nothing but the gate started yet. */
    assert_int_equal(iot_tracker_count(&t), 0);
    iot_gate_open(&g);
    iot_tracker_wait(&t, N + 1);

    assert_int_equal(t.order[0], UINT64_MAX); /* the gate itself */
    /* Priority descending; within a priority, submission order. */
    for (size_t k = 2; k <= N; k++) {
        uint64_t a = t.order[k - 1], b = t.order[k];
        uint32_t pa = (uint32_t)(a >> 32), pb = (uint32_t)(b >> 32);
        if (pa < pb || (pa == pb && (uint32_t)a > (uint32_t)b))
            fail_msg("completion %zu: op %u (priority %u) after op %u (priority %u)", k,
                     (uint32_t)b, pb, (uint32_t)a, pa);
    }
    for (size_t i = 0; i < N; i++) {
        assert_int_equal(ops[i].op.result, 512);
        assert_memory_equal(bufs[i], f.data + i * 512, 512);
    }
    dsvk_io_destroy(io);
    iot_gate_fini(&g);
    iot_tracker_fini(&t);
    iot_file_destroy(&f);
}

static void test_cancel_queued(void **state)
{
    iot_file f;
    iot_file_create(&f, 1 << 20, 11);
    dsvk_io *io = iot_engine(backend_of(state), 1, 4, false);
    enum { N = 100 };
    iot_tracker t;
    iot_tracker_init(&t, 0);
    iot_gate g;
    iot_gate_close(&g, io, &t, &f);

    static uint8_t bufs[N][1024];
    iot_op ops[N];
    dsvk_io_op *ptrs[N];
    for (size_t i = 0; i < N; i++) {
        iot_op_init(&ops[i], &t, i, f.fd, -1, i * 1024, 1024, bufs[i], (uint8_t)(i % 4));
        ptrs[i] = &ops[i].op;
    }
    dsvk_io_submit(io, ptrs, N);
    /* The gate's op is running (its done() is): too late to cancel. */
    assert_false(dsvk_io_cancel(io, &g.op.op));
    size_t cancelled = 0;
    for (size_t i = 0; i < N; i += 2) {
        assert_true(dsvk_io_cancel(io, &ops[i].op));
        assert_false(dsvk_io_cancel(io, &ops[i].op)); /* once only */
        cancelled++;
    }
    /* Cancelled ops can be submitted again, and cancelled again. */
    dsvk_io_submit(io, &ptrs[0], 1);
    assert_true(dsvk_io_cancel(io, &ops[0].op));
    iot_gate_open(&g);
    iot_tracker_wait(&t, 1 + N - cancelled);
    dsvk_io_destroy(io); /* after this no done() can come */
    assert_int_equal(iot_tracker_count(&t), 1 + N - cancelled);
    for (size_t i = 0; i < N; i++) {
        if (i % 2 == 0) {
            assert_int_equal(atomic_load(&ops[i].calls), 0);
            continue;
        }
        assert_int_equal(atomic_load(&ops[i].calls), 1);
        assert_int_equal(ops[i].op.result, 1024);
        assert_memory_equal(bufs[i], f.data + i * 1024, 1024);
    }
    iot_gate_fini(&g);
    iot_tracker_fini(&t);
    iot_file_destroy(&f);
}

/* Cancel of finished ops, and of an op never submitted: false. */
static void test_cancel_finished(void **state)
{
    iot_file f;
    iot_file_create(&f, 65536, 12);
    dsvk_io *io = iot_engine(backend_of(state), 0, 0, false);
    iot_tracker t;
    iot_tracker_init(&t, 0);
    uint8_t buf[4096];
    iot_op o, never;
    iot_op_init(&o, &t, 0, f.fd, -1, 0, sizeof(buf), buf, 0);
    iot_op_init(&never, &t, 1, f.fd, -1, 0, sizeof(buf), buf, 0);
    dsvk_io_op *p = &o.op;
    dsvk_io_submit(io, &p, 1);
    iot_tracker_wait(&t, 1);
    assert_false(dsvk_io_cancel(io, &o.op));
    assert_false(dsvk_io_cancel(io, &never.op));
    dsvk_io_destroy(io);
    assert_int_equal(atomic_load(&o.calls), 1);
    iot_tracker_fini(&t);
    iot_file_destroy(&f);
}

typedef struct destroyer {
    pthread_t thread;
    dsvk_io *io;
} destroyer;

static void *destroy_main(void *arg)
{
    destroyer *d = arg;
    dsvk_io_destroy(d->io);
    return NULL;
}

/* Destroy while an op is in flight (held in done()) and others are queued: the queued ones
 * fail with -ECANCELED, the running one finishes, destroy returns after both. */
static void test_destroy_queued_and_in_flight(void **state)
{
    iot_file f;
    iot_file_create(&f, 1 << 20, 13);
    dsvk_io *io = iot_engine(backend_of(state), 1, 8, false);
    enum { N = 40 };
    iot_tracker t;
    iot_tracker_init(&t, 0);
    iot_gate g;
    iot_gate_close(&g, io, &t, &f);
    static uint8_t bufs[N][256];
    iot_op ops[N];
    dsvk_io_op *ptrs[N];
    for (size_t i = 0; i < N; i++) {
        iot_op_init(&ops[i], &t, i, f.fd, -1, i * 256, 256, bufs[i], (uint8_t)(i % 4));
        ptrs[i] = &ops[i].op;
    }
    dsvk_io_submit(io, ptrs, N);

    destroyer d = {.io = io};
    assert_int_equal(pthread_create(&d.thread, NULL, destroy_main, &d), 0);
    /* Wait until the engine was told to stop (destroy cannot return before the gate opens,
     * so io stays valid), then let the running op finish. */
    while (!atomic_load(&io->stopping))
        usleep(1000);
    assert_int_equal(iot_tracker_count(&t), 0);
    iot_gate_open(&g);
    pthread_join(d.thread, NULL);

    assert_int_equal(iot_tracker_count(&t), N + 1);
    assert_int_equal(atomic_load(&g.op.calls), 1);
    assert_int_equal(g.op.op.result, 4096);
    for (size_t i = 0; i < N; i++) {
        assert_int_equal(atomic_load(&ops[i].calls), 1);
        assert_int_equal(ops[i].op.result, -ECANCELED);
    }
    iot_gate_fini(&g);
    iot_tracker_fini(&t);
    iot_file_destroy(&f);
}

/* Destroy right after a large submission, with reads really in the kernel: every op gets
 * exactly one done() before destroy returns, either a full read or -ECANCELED. */
static void test_destroy_busy(void **state)
{
    iot_file f;
    iot_file_create(&f, 8 << 20, 14);
    for (int round = 0; round < 5; round++) {
        dsvk_io *io = iot_engine(backend_of(state), 2, 8, true);
        enum { N = 300 };
        iot_tracker t;
        iot_tracker_init(&t, 0);
        iot_op *ops = calloc(N, sizeof(*ops));
        dsvk_io_op **ptrs = calloc(N, sizeof(*ptrs));
        void *base;
        uint8_t *buf = iot_buffer((size_t)N * 65536, 0, &base);
        for (size_t i = 0; i < N; i++) {
            uint64_t off = (i * 65536 + (round ? 0 : 17)) % (8 << 20);
            iot_op_init(&ops[i], &t, i, f.fd, f.direct_fd, off, 65536, buf + i * 65536,
                        (uint8_t)(i % 4));
            ptrs[i] = &ops[i].op;
        }
        dsvk_io_submit(io, ptrs, N);
        /* Let a growing number finish first, so reads are in the kernel when it stops. */
        iot_tracker_wait(&t, (size_t)round * 40);
        dsvk_io_destroy(io);
        assert_int_equal(iot_tracker_count(&t), N);
        size_t read = 0;
        for (size_t i = 0; i < N; i++) {
            assert_int_equal(atomic_load(&ops[i].calls), 1);
            const dsvk_io_op *op = &ops[i].op;
            if (op->result == -ECANCELED)
                continue;
            assert_int_equal(op->result, iot_expected(8 << 20, op->offset, 65536));
            assert_memory_equal(op->dst, f.data + op->offset, (size_t)op->result);
            read++;
        }
        assert_true(read >= (size_t)round * 40);
        print_message("round %d: %zu of %d ops read before destroy, the rest cancelled\n", round,
                      read, N);
        free(base);
        free(ops);
        free(ptrs);
        iot_tracker_fini(&t);
    }
    iot_file_destroy(&f);
}

/* done() submitting the next op (a chain), as the queue engine does for staged reads. */
typedef struct chain {
    iot_op op;
    dsvk_io *io;
    const iot_file *f;
    uint8_t *buf;
    uint32_t left;
    bool ok;
    iot_tracker *t;
} chain;

static void chain_done(dsvk_io_op *op)
{
    chain *c = op->user;
    if (op->result != 4096 || memcmp(c->buf, c->f->data + op->offset, 4096) != 0)
        c->ok = false;
    if (--c->left == 0) {
        c->op.op.user = &c->op;
        iot_done(op);
        return;
    }
    op->offset += 4096;
    memset(c->buf, 0, 4096);
    dsvk_io_submit(c->io, &op, 1);
}

static void test_submit_from_done(void **state)
{
    iot_file f;
    iot_file_create(&f, 1 << 20, 15);
    dsvk_io *io = iot_engine(backend_of(state), 1, 1, false);
    iot_tracker t;
    iot_tracker_init(&t, 0);
    uint8_t buf[4096];
    chain c = {.io = io, .f = &f, .buf = buf, .left = 200, .ok = true, .t = &t};
    iot_op_init(&c.op, &t, 0, f.fd, -1, 0, 4096, buf, 2);
    c.op.op.done = chain_done;
    c.op.op.user = &c;
    dsvk_io_op *p = &c.op.op;
    dsvk_io_submit(io, &p, 1);
    iot_tracker_wait(&t, 1);
    assert_true(c.ok);
    assert_int_equal(c.left, 0);
    dsvk_io_destroy(io);
    iot_tracker_fini(&t);
    iot_file_destroy(&f);
}

/* Many threads submitting and cancelling at once (run under TSan too). */
typedef struct submitter {
    pthread_t thread;
    dsvk_io *io;
    const iot_file *f;
    iot_tracker *t;
    iot_op *ops;
    uint8_t *buf;
    bool *cancelled;
    size_t n;
    uint64_t seed;
} submitter;

#define OP_LEN 3000u

static void *submit_main(void *arg)
{
    submitter *s = arg;
    dsvk_io_op *batch[16];
    for (size_t i = 0; i < s->n;) {
        size_t nb = 1 + iot_rand(&s->seed) % 16;
        if (nb > s->n - i)
            nb = s->n - i;
        for (size_t k = 0; k < nb; k++) {
            uint64_t off = iot_rand(&s->seed) % (s->f->size + 5000);
            iot_op_init(&s->ops[i + k], s->t, i + k, s->f->fd, s->f->direct_fd, off, OP_LEN,
                        s->buf + (i + k) * OP_LEN,
                        (uint8_t)(iot_rand(&s->seed) % DSVK_IO_PRIORITIES));
            batch[k] = &s->ops[i + k].op;
        }
        dsvk_io_submit(s->io, batch, nb);
        /* Now and then try to take back one of this batch. */
        if (iot_rand(&s->seed) % 4 == 0) {
            size_t k = iot_rand(&s->seed) % nb;
            s->cancelled[i + k] = dsvk_io_cancel(s->io, batch[k]);
        }
        i += nb;
    }
    return NULL;
}

static void test_many_submitters(void **state)
{
    iot_file f;
    iot_file_create(&f, 2 << 20, 16);
    dsvk_io *io = iot_engine(backend_of(state), 2, 8, true);
    enum { THREADS = 6, PER = 400 };
    iot_tracker t;
    iot_tracker_init(&t, 0);
    submitter subs[THREADS];
    for (int k = 0; k < THREADS; k++) {
        subs[k] = (submitter){.io = io, .f = &f, .t = &t, .n = PER, .seed = 1000 + k};
        subs[k].ops = calloc(PER, sizeof(iot_op));
        subs[k].buf = calloc(PER, OP_LEN);
        subs[k].cancelled = calloc(PER, sizeof(bool));
        assert_true(subs[k].ops && subs[k].buf && subs[k].cancelled);
    }
    for (int k = 0; k < THREADS; k++)
        assert_int_equal(pthread_create(&subs[k].thread, NULL, submit_main, &subs[k]), 0);
    size_t cancelled = 0;
    for (int k = 0; k < THREADS; k++) {
        pthread_join(subs[k].thread, NULL);
        for (size_t i = 0; i < PER; i++)
            cancelled += subs[k].cancelled[i];
    }
    iot_tracker_wait(&t, THREADS * PER - cancelled);
    dsvk_io_destroy(io);
    assert_int_equal(iot_tracker_count(&t), THREADS * PER - cancelled);
    for (int k = 0; k < THREADS; k++) {
        for (size_t i = 0; i < PER; i++) {
            const iot_op *o = &subs[k].ops[i];
            assert_int_equal(atomic_load(&o->calls), subs[k].cancelled[i] ? 0 : 1);
            if (subs[k].cancelled[i])
                continue;
            int64_t want = iot_expected(f.size, o->op.offset, OP_LEN);
            assert_int_equal(o->op.result, want);
            assert_memory_equal(o->op.dst, f.data + o->op.offset, (size_t)want);
        }
        free(subs[k].ops);
        free(subs[k].buf);
        free(subs[k].cancelled);
    }
    print_message("%zu of %d ops cancelled while queued\n", cancelled, THREADS * PER);
    iot_tracker_fini(&t);
    iot_file_destroy(&f);
}

static void test_info(void **state)
{
    dsvk_io_backend b = backend_of(state);
    dsvk_io *io = iot_engine(b, 3, 0, false);
    dsvk_io_info info;
    dsvk_io_get_info(io, &info);
    assert_int_equal(info.backend, b);
    assert_int_equal(info.threads, 3);
    if (b == DSVK_IO_URING) {
        const uint32_t ok[] = {0, 1u << 8, (1u << 12) | (1u << 13)};
        assert_true(info.setup_flags == ok[0] || info.setup_flags == ok[1] ||
                    info.setup_flags == ok[2]);
        print_message("io_uring setup flags: 0x%x\n", info.setup_flags);
    } else {
        assert_int_equal(info.setup_flags, 0);
    }
    dsvk_io_destroy(io);

    /* Defaults: one ring; the pread pool has at least 8 threads. */
    io = iot_engine(b, 0, 0, false);
    dsvk_io_get_info(io, &info);
    if (b == DSVK_IO_URING)
        assert_int_equal(info.threads, 1);
    else
        assert_true(info.threads >= 8);
    dsvk_io_destroy(io);
}

int main(void)
{
#define BOTH(fn)                                                                                   \
    cmocka_unit_test_prestate(fn, (void *)&uring), cmocka_unit_test_prestate(fn, (void *)&threads)
    const struct CMUnitTest tests[] = {
        BOTH(test_priority_order),  BOTH(test_cancel_queued),
        BOTH(test_cancel_finished), BOTH(test_destroy_queued_and_in_flight),
        BOTH(test_destroy_busy),    BOTH(test_submit_from_done),
        BOTH(test_many_submitters), BOTH(test_info),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
