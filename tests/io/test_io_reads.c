/*
 * What a read returns, on both backends, buffered and with O_DIRECT: many random ranges
 * checked byte for byte (and for writes outside the destination), end of file, ranges past
 * it, bad fds, and evidence that O_DIRECT (with bounce buffers for unaligned ranges) is used.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "io_test.h"

typedef struct mode {
    dsvk_io_backend backend;
    bool direct;
} mode;

static const mode uring_buffered = {DSVK_IO_URING, false};
static const mode uring_direct = {DSVK_IO_URING, true};
static const mode threads_buffered = {DSVK_IO_THREADS, false};
static const mode threads_direct = {DSVK_IO_THREADS, true};

/* 4 MiB and a bit: the last block is partial, so EOF falls inside an aligned block. */
#define FILE_SIZE ((4u << 20) + 1234u)

typedef struct range {
    iot_op op;
    void *base;
    uint8_t *buf;
    size_t misalign;
    int64_t expected;
} range;

static void check_range(const iot_file *f, const range *r)
{
    const dsvk_io_op *op = &r->op.op;
    assert_int_equal(atomic_load(&r->op.calls), 1);
    if (op->result != r->expected)
        fail_msg("offset %llu len %u (dst %% 4096 = %zu): result %lld, expected %lld",
                 (unsigned long long)op->offset, op->len, r->misalign, (long long)op->result,
                 (long long)r->expected);
    if (r->expected > 0)
        assert_memory_equal(r->buf, f->data + op->offset, (size_t)r->expected);
    /* Bytes past the result are untouched (still zero), and nothing outside dst moved. */
    for (uint32_t i = (uint32_t)r->expected; i < op->len; i++)
        if (r->buf[i] != 0)
            fail_msg("offset %llu len %u: byte %u past the result was written",
                     (unsigned long long)op->offset, op->len, i);
    assert_true(iot_buffer_guard_ok(r->buf, op->len, r->misalign));
}

static void test_random_ranges(void **state)
{
    const mode *m = *state;
    iot_file f;
    iot_file_create(&f, FILE_SIZE, 1);
    dsvk_io *io = iot_engine(m->backend, 0, 16, m->direct);

    enum { N = 600 };
    range *rs = calloc(N, sizeof(*rs));
    dsvk_io_op **ptrs = calloc(N, sizeof(*ptrs));
    assert_non_null(rs);
    assert_non_null(ptrs);
    iot_tracker t;
    iot_tracker_init(&t, 0);
    uint64_t seed = 0x1234 + (uint64_t)m->backend * 7 + m->direct;
    for (size_t i = 0; i < N; i++) {
        range *r = &rs[i];
        uint64_t kind = iot_rand(&seed) % 8;
        uint64_t offset;
        uint32_t len;
        if (kind == 0) { /* block aligned: the direct path proper */
            offset = (iot_rand(&seed) % (FILE_SIZE / 4096)) * 4096;
            len = (uint32_t)(1 + iot_rand(&seed) % 32) * 4096;
        } else if (kind == 1) { /* around the end of file */
            offset = FILE_SIZE - 6000 + iot_rand(&seed) % 9000;
            len = (uint32_t)(1 + iot_rand(&seed) % 20000);
        } else {
            offset = iot_rand(&seed) % FILE_SIZE;
            len = (uint32_t)(1 + iot_rand(&seed) % (256u << 10));
        }
        r->misalign = kind == 0 ? 0 : (size_t)(iot_rand(&seed) % 4096);
        r->buf = iot_buffer(len, r->misalign, &r->base);
        r->expected = iot_expected(FILE_SIZE, offset, len);
        iot_op_init(&r->op, &t, i, f.fd, f.direct_fd, offset, len, r->buf,
                    (uint8_t)(iot_rand(&seed) % DSVK_IO_PRIORITIES));
        ptrs[i] = &r->op.op;
    }
    /* Batches of varying size, from this thread. */
    for (size_t i = 0; i < N;) {
        size_t n = 1 + i % 37;
        if (n > N - i)
            n = N - i;
        dsvk_io_submit(io, ptrs + i, n);
        i += n;
    }
    iot_tracker_wait(&t, N);
    for (size_t i = 0; i < N; i++)
        check_range(&f, &rs[i]);
    dsvk_io_destroy(io);
    for (size_t i = 0; i < N; i++)
        free(rs[i].base);
    free(rs);
    free(ptrs);
    iot_tracker_fini(&t);
    iot_file_destroy(&f);
}

/* One op, start to end. */
static int64_t read_one(dsvk_io *io, int fd, int direct_fd, uint64_t offset, uint32_t len,
                        uint8_t *dst)
{
    iot_tracker t;
    iot_tracker_init(&t, 0);
    iot_op o;
    iot_op_init(&o, &t, 0, fd, direct_fd, offset, len, dst, 1);
    dsvk_io_op *p = &o.op;
    dsvk_io_submit(io, &p, 1);
    iot_tracker_wait(&t, 1);
    assert_int_equal(atomic_load(&o.calls), 1);
    iot_tracker_fini(&t);
    return o.op.result;
}

static void test_end_of_file(void **state)
{
    const mode *m = *state;
    iot_file f;
    iot_file_create(&f, FILE_SIZE, 2);
    dsvk_io *io = iot_engine(m->backend, 0, 0, m->direct);
    void *base;
    uint8_t *buf = iot_buffer(1 << 20, 0, &base);

    /* Short: the tail of the file. */
    assert_int_equal(read_one(io, f.fd, f.direct_fd, FILE_SIZE - 100, 4096, buf), 100);
    assert_memory_equal(buf, f.data + FILE_SIZE - 100, 100);
    /* Short, from an aligned offset with an aligned length, ending in a partial block. */
    memset(buf, 0, 1 << 20);
    uint64_t at = (FILE_SIZE / 4096 - 3) * 4096;
    assert_int_equal(read_one(io, f.fd, f.direct_fd, at, 1 << 20, buf), FILE_SIZE - at);
    assert_memory_equal(buf, f.data + at, FILE_SIZE - at);
    /* Exactly up to the end. */
    assert_int_equal(read_one(io, f.fd, f.direct_fd, FILE_SIZE - 5000, 5000, buf), 5000);
    assert_memory_equal(buf, f.data + FILE_SIZE - 5000, 5000);
    /* At and past the end: 0, not an error. */
    assert_int_equal(read_one(io, f.fd, f.direct_fd, FILE_SIZE, 4096, buf), 0);
    assert_int_equal(read_one(io, f.fd, f.direct_fd, FILE_SIZE + 12345, 100, buf), 0);
    assert_int_equal(read_one(io, f.fd, f.direct_fd, (uint64_t)1 << 40, 8192, buf), 0);
    /* Zero length. */
    assert_int_equal(read_one(io, f.fd, f.direct_fd, 10, 0, buf), 0);
    assert_true(iot_buffer_guard_ok(buf, 1 << 20, 0));

    dsvk_io_destroy(io);
    free(base);
    iot_file_destroy(&f);
}

static void test_bad_fd(void **state)
{
    const mode *m = *state;
    iot_file f;
    iot_file_create(&f, 8192, 3);
    dsvk_io *io = iot_engine(m->backend, 0, 0, m->direct);
    uint8_t buf[8192];
    int closed = dup(f.fd);
    close(closed);

    assert_int_equal(read_one(io, closed, -1, 0, 100, buf), -EBADF);
    assert_int_equal(read_one(io, -1, -1, 4096, 4096, buf), -EBADF);
    /* An O_DIRECT fd that is bad fails too, rather than silently reading something else. */
    if (m->direct) {
        void *base;
        uint8_t *al = iot_buffer(4096, 0, &base);
        assert_int_equal(read_one(io, f.fd, closed, 0, 4096, al), -EBADF);
        free(base);
    }
    /* A directory cannot be read. */
    int dir = open("/", O_RDONLY | O_DIRECTORY);
    assert_true(dir >= 0);
    assert_int_equal(read_one(io, dir, -1, 0, 100, buf), -EISDIR);
    close(dir);
    /* The engine is fine afterwards. */
    assert_int_equal(read_one(io, f.fd, f.direct_fd, 0, 100, buf), 100);
    assert_memory_equal(buf, f.data, 100);

    dsvk_io_destroy(io);
    iot_file_destroy(&f);
}

/*
 * Proof that O_DIRECT is used: the buffered fd passed is invalid, so only reads through
 * direct_fd can succeed — aligned ones directly, unaligned ones through a bounce buffer.
 */
static void test_direct_is_used(void **state)
{
    const mode *m = *state;
    iot_file f;
    iot_file_create(&f, FILE_SIZE, 4);
    dsvk_io *io = iot_engine(m->backend, 0, 0, true);
    void *base;
    uint8_t *al = iot_buffer(256 << 10, 0, &base);
    void *base2;
    uint8_t *un = iot_buffer(256 << 10, 123, &base2);

    assert_int_equal(read_one(io, -1, f.direct_fd, 8192, 128 << 10, al), 128 << 10);
    assert_memory_equal(al, f.data + 8192, 128 << 10);
    /* Unaligned offset, length and destination: bounced, still through O_DIRECT only. */
    assert_int_equal(read_one(io, -1, f.direct_fd, 5000, 70001, un), 70001);
    assert_memory_equal(un, f.data + 5000, 70001);
    assert_true(iot_buffer_guard_ok(un, 256 << 10, 123));
    /* Aligned range, unaligned destination. */
    assert_int_equal(read_one(io, -1, f.direct_fd, 4096, 4096, un), 4096);
    assert_memory_equal(un, f.data + 4096, 4096);
    /* Unaligned and larger than a pread thread's bounce pool: still read correctly (the
     * pread backend reads it buffered, io_uring through a bounce buffer). */
    uint8_t *big = malloc(6 << 20);
    assert_non_null(big);
    int64_t r = read_one(io, f.fd, f.direct_fd, 1, 4 << 20, big);
    assert_int_equal(r, (4 << 20));
    assert_memory_equal(big, f.data + 1, 4 << 20);
    free(big);
    dsvk_io_destroy(io);

    /* Without direct_io in the config, direct_fd is ignored. */
    io = iot_engine(m->backend, 0, 0, false);
    assert_int_equal(read_one(io, -1, f.direct_fd, 8192, 4096, al), -EBADF);
    dsvk_io_destroy(io);
    free(base);
    free(base2);
    iot_file_destroy(&f);
}

int main(void)
{
#define BOTH(fn)                                                                                   \
    cmocka_unit_test_prestate(fn, (void *)&uring_buffered),                                        \
        cmocka_unit_test_prestate(fn, (void *)&uring_direct),                                      \
        cmocka_unit_test_prestate(fn, (void *)&threads_buffered),                                  \
        cmocka_unit_test_prestate(fn, (void *)&threads_direct)
    const struct CMUnitTest tests[] = {
        BOTH(test_random_ranges),
        BOTH(test_end_of_file),
        BOTH(test_bad_fd),
        cmocka_unit_test_prestate(test_direct_is_used, (void *)&uring_direct),
        cmocka_unit_test_prestate(test_direct_is_used, (void *)&threads_direct),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
