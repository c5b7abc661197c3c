#include "io_test.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#define GUARD_BYTES 256
#define GUARD_VALUE 0xA5

uint64_t iot_rand(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 0x2545F4914F6CDD1Dull;
}

/* True when files in dir can be read with O_DIRECT (tmpfs on older kernels cannot). */
static bool takes_direct(const char *dir)
{
    char path[600];
    snprintf(path, sizeof(path), "%s/dsvk-direct-probe-XXXXXX", dir);
    int fd = mkstemp(path);
    if (fd < 0)
        return false;
    bool ok = false;
    static uint8_t block[8192];
    if (write(fd, block, sizeof(block)) == (ssize_t)sizeof(block)) {
        int dfd = open(path, O_RDONLY | O_DIRECT | O_CLOEXEC);
        void *buf = NULL;
        if (dfd >= 0 && posix_memalign(&buf, 4096, 4096) == 0)
            ok = pread(dfd, buf, 4096, 4096) == 4096;
        free(buf);
        if (dfd >= 0)
            close(dfd);
    }
    close(fd);
    unlink(path);
    return ok;
}

static const char *direct_dir(void)
{
    static char chosen[512];
    if (chosen[0])
        return chosen;
    const char *candidates[] = {getenv("DSVK_TEST_TMPDIR"), getenv("DSVK_IO_TEST_DIR"), "/var/tmp",
                                "/tmp"};
    for (size_t i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++) {
        if (candidates[i] && *candidates[i] && takes_direct(candidates[i])) {
            snprintf(chosen, sizeof(chosen), "%s", candidates[i]);
            return chosen;
        }
    }
    fail_msg("no directory takes O_DIRECT reads ($DSVK_TEST_TMPDIR, $DSVK_IO_TEST_DIR, "
             "/var/tmp, /tmp all refused); point DSVK_TEST_TMPDIR at an ext4/xfs/btrfs "
             "directory");
    return NULL;
}

static void fill_random(uint8_t *p, size_t n, uint64_t seed)
{
    uint64_t s = seed * 0x9E3779B97F4A7C15ull + 1;
    for (size_t i = 0; i < n; i += 8) {
        uint64_t v = iot_rand(&s);
        memcpy(p + i, &v, n - i < 8 ? n - i : 8);
    }
}

void iot_file_create(iot_file *f, size_t size, uint64_t seed)
{
    const char *dir = direct_dir();
    char tmpl[600];
    snprintf(tmpl, sizeof(tmpl), "%s/dsvk-io-test-XXXXXX", dir);
    int wfd = mkstemp(tmpl);
    assert_true(wfd >= 0);
    f->path = strdup(tmpl);
    f->size = size;
    f->data = malloc(size ? size : 1);
    assert_non_null(f->data);
    fill_random(f->data, size, seed);
    for (size_t done = 0; done < size;) {
        ssize_t w = write(wfd, f->data + done, size - done);
        assert_true(w > 0);
        done += (size_t)w;
    }
    close(wfd);
    f->fd = open(f->path, O_RDONLY | O_CLOEXEC);
    assert_true(f->fd >= 0);
    f->direct_fd = open(f->path, O_RDONLY | O_DIRECT | O_CLOEXEC);
    if (f->direct_fd < 0)
        fail_msg("%s: O_DIRECT open failed: %s", f->path, strerror(errno));
}

void iot_file_destroy(iot_file *f)
{
    close(f->fd);
    close(f->direct_fd);
    unlink(f->path);
    free(f->path);
    free(f->data);
}

dsvk_io *iot_engine(dsvk_io_backend backend, uint32_t threads, uint32_t depth, bool direct)
{
    dsvk_io_config cfg = {
        .backend = backend, .threads = threads, .depth = depth, .direct_io = direct};
    dsvk_io *io = NULL;
    char reason[256];
    dsvk_result r = dsvk_io_create(&cfg, &io, reason, sizeof(reason));
    if (r != DSVK_OK)
        fail_msg("dsvk_io_create(backend %d): %d (%s)", backend, r, reason);
    dsvk_io_info info;
    dsvk_io_get_info(io, &info);
    assert_int_equal(info.backend, backend);
    return io;
}

void iot_tracker_init(iot_tracker *t, size_t order_cap)
{
    *t = (iot_tracker){.order_cap = order_cap};
    pthread_mutex_init(&t->lock, NULL);
    pthread_cond_init(&t->cond, NULL);
    if (order_cap) {
        t->order = calloc(order_cap, sizeof(*t->order));
        assert_non_null(t->order);
    }
}

void iot_tracker_fini(iot_tracker *t)
{
    pthread_mutex_destroy(&t->lock);
    pthread_cond_destroy(&t->cond);
    free(t->order);
}

void iot_tracker_wait(iot_tracker *t, size_t count)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 60;
    pthread_mutex_lock(&t->lock);
    while (t->done < count) {
        if (pthread_cond_timedwait(&t->cond, &t->lock, &until) == ETIMEDOUT) {
            size_t got = t->done;
            pthread_mutex_unlock(&t->lock);
            fail_msg("only %zu of %zu ops completed within 60 s", got, count);
        }
    }
    pthread_mutex_unlock(&t->lock);
}

size_t iot_tracker_count(iot_tracker *t)
{
    pthread_mutex_lock(&t->lock);
    size_t n = t->done;
    pthread_mutex_unlock(&t->lock);
    return n;
}

void iot_op_init(iot_op *o, iot_tracker *t, uint64_t id, int fd, int direct_fd, uint64_t offset,
                 uint32_t len, void *dst, uint8_t priority)
{
    memset(o, 0, sizeof(*o));
    o->op = (dsvk_io_op){.fd = fd,
                         .direct_fd = direct_fd,
                         .align = 4096,
                         .offset = offset,
                         .len = len,
                         .dst = dst,
                         .priority = priority,
                         .done = iot_done,
                         .user = o,
                         .result = INT64_MIN};
    o->tracker = t;
    o->id = id;
    atomic_init(&o->calls, 0);
}

void iot_done(dsvk_io_op *op)
{
    iot_op *o = op->user;
    iot_tracker *t = o->tracker;
    atomic_fetch_add(&o->calls, 1);
    pthread_mutex_lock(&t->lock);
    if (t->done < t->order_cap)
        t->order[t->done] = o->id;
    t->done++;
    pthread_cond_broadcast(&t->cond);
    pthread_mutex_unlock(&t->lock);
}

int64_t iot_expected(size_t size, uint64_t offset, uint32_t len)
{
    if (offset >= size)
        return 0;
    return (int64_t)(size - offset < len ? size - offset : len);
}

static void gate_done(dsvk_io_op *op)
{
    iot_gate *g = op->user;
    pthread_mutex_lock(&g->lock);
    g->entered = true;
    pthread_cond_broadcast(&g->cond);
    while (!g->open)
        pthread_cond_wait(&g->cond, &g->lock);
    pthread_mutex_unlock(&g->lock);
    g->op.op.user = &g->op; /* count it like any other op */
    iot_done(op);
}

void iot_gate_close(iot_gate *g, dsvk_io *io, iot_tracker *t, const iot_file *f)
{
    static uint8_t sink[4096];
    pthread_mutex_init(&g->lock, NULL);
    pthread_cond_init(&g->cond, NULL);
    g->entered = g->open = false;
    iot_op_init(&g->op, t, UINT64_MAX, f->fd, -1, 0, sizeof(sink), sink, 0);
    g->op.op.done = gate_done;
    g->op.op.user = g;
    dsvk_io_op *p = &g->op.op;
    dsvk_io_submit(io, &p, 1);
    pthread_mutex_lock(&g->lock);
    while (!g->entered)
        pthread_cond_wait(&g->cond, &g->lock);
    pthread_mutex_unlock(&g->lock);
}

void iot_gate_open(iot_gate *g)
{
    pthread_mutex_lock(&g->lock);
    g->open = true;
    pthread_cond_broadcast(&g->cond);
    pthread_mutex_unlock(&g->lock);
}

void iot_gate_fini(iot_gate *g)
{
    pthread_mutex_destroy(&g->lock);
    pthread_cond_destroy(&g->cond);
}

uint8_t *iot_buffer(size_t n, size_t misalign, void **base)
{
    assert_int_equal(posix_memalign(base, 4096, misalign + n + GUARD_BYTES), 0);
    uint8_t *buf = (uint8_t *)*base + misalign;
    memset(*base, GUARD_VALUE, misalign);
    memset(buf, 0, n);
    memset(buf + n, GUARD_VALUE, GUARD_BYTES);
    return buf;
}

bool iot_buffer_guard_ok(const uint8_t *buf, size_t n, size_t misalign)
{
    for (size_t i = 1; i <= misalign; i++)
        if (buf[-(ptrdiff_t)i] != GUARD_VALUE)
            return false;
    for (size_t i = 0; i < GUARD_BYTES; i++)
        if (buf[n + i] != GUARD_VALUE)
            return false;
    return true;
}
