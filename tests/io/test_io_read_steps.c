/*
 * The read state machine both backends drive (core/io/read.h), fed results no real file
 * gives on demand: EAGAIN and EINTR (retried, then given up), short reads (continued),
 * O_DIRECT refusals (continued buffered), and bounce buffers with the end of file inside
 * the aligned range.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "io/read.h"

static uint8_t file[1 << 16];

/* Performs a call against `file` of `size` bytes, as pread would. */
static int64_t perform(const dsvk_io_call *c, size_t size)
{
    if (c->offset >= size)
        return 0;
    size_t n = size - c->offset < c->len ? size - c->offset : c->len;
    memcpy(c->buf, file + c->offset, n);
    return (int64_t)n;
}

static void fill_file(void)
{
    for (size_t i = 0; i < sizeof(file); i++)
        file[i] = (uint8_t)(i * 131 + 7);
}

static dsvk_io_op make_op(uint64_t offset, uint32_t len, void *dst, int direct_fd)
{
    return (dsvk_io_op){.fd = 3,
                        .direct_fd = direct_fd,
                        .align = 4096,
                        .offset = offset,
                        .len = len,
                        .dst = dst,
                        .result = -999};
}

static void test_short_reads_continue(void **state)
{
    (void)state;
    fill_file();
    uint8_t dst[10000];
    dsvk_io_op op = make_op(100, sizeof(dst), dst, -1);
    dsvk_io_read r;
    dsvk_io_read_start(&r, &op, false, NULL);
    /* Three short reads of 3000 bytes, then the rest. */
    int calls = 0;
    for (;;) {
        dsvk_io_call c = dsvk_io_read_next(&r);
        assert_int_equal(c.fd, 3);
        assert_int_equal(c.offset, 100 + (uint64_t)calls * 3000);
        assert_ptr_equal(c.buf, dst + calls * 3000);
        dsvk_io_call shorter = c;
        if (shorter.len > 3000)
            shorter.len = 3000;
        calls++;
        if (dsvk_io_read_advance(&r, &c, perform(&shorter, sizeof(file))) == DSVK_IO_STEP_FINISHED)
            break;
    }
    assert_int_equal(calls, 4);
    assert_null(dsvk_io_read_finish(&r));
    assert_int_equal(op.result, sizeof(dst));
    assert_memory_equal(dst, file + 100, sizeof(dst));
}

static void test_eagain_eintr_retried_then_given_up(void **state)
{
    (void)state;
    fill_file();
    uint8_t dst[512];
    dsvk_io_op op = make_op(0, sizeof(dst), dst, -1);
    dsvk_io_read r;
    dsvk_io_read_start(&r, &op, false, NULL);
    dsvk_io_call c = dsvk_io_read_next(&r);
    assert_int_equal(dsvk_io_read_advance(&r, &c, -EAGAIN), DSVK_IO_STEP_MORE);
    assert_int_equal(dsvk_io_read_advance(&r, &c, -EINTR), DSVK_IO_STEP_MORE);
    c = dsvk_io_read_next(&r);
    assert_int_equal(c.len, sizeof(dst)); /* nothing was consumed */
    assert_int_equal(dsvk_io_read_advance(&r, &c, perform(&c, sizeof(file))),
                     DSVK_IO_STEP_FINISHED);
    dsvk_io_read_finish(&r);
    assert_int_equal(op.result, sizeof(dst));

    /* A device answering EAGAIN forever: the op fails instead of spinning. */
    op = make_op(0, sizeof(dst), dst, -1);
    dsvk_io_read_start(&r, &op, false, NULL);
    int tries = 0;
    for (;; tries++) {
        c = dsvk_io_read_next(&r);
        if (dsvk_io_read_advance(&r, &c, -EAGAIN) == DSVK_IO_STEP_FINISHED)
            break;
        assert_true(tries < 100000);
    }
    dsvk_io_read_finish(&r);
    assert_int_equal(op.result, -EAGAIN);
}

static void test_errors_end_the_op(void **state)
{
    (void)state;
    uint8_t dst[512];
    dsvk_io_op op = make_op(0, sizeof(dst), dst, -1);
    dsvk_io_read r;
    dsvk_io_read_start(&r, &op, false, NULL);
    dsvk_io_call c = dsvk_io_read_next(&r);
    /* Part read, then an error: the error is the result (bytes may be partial). */
    c.len = 100;
    assert_int_equal(dsvk_io_read_advance(&r, &c, 100), DSVK_IO_STEP_MORE);
    c = dsvk_io_read_next(&r);
    assert_int_equal(dsvk_io_read_advance(&r, &c, -EIO), DSVK_IO_STEP_FINISHED);
    dsvk_io_read_finish(&r);
    assert_int_equal(op.result, -EIO);
}

static void *aligned(size_t n)
{
    void *p = NULL;
    assert_int_equal(posix_memalign(&p, 4096, n), 0);
    return p;
}

static void test_direct_aligned_and_refused(void **state)
{
    (void)state;
    fill_file();
    uint8_t *dst = aligned(8192);
    dsvk_io_op op = make_op(4096, 8192, dst, 9);
    dsvk_io_read r;
    dsvk_io_read_start(&r, &op, true, NULL);
    dsvk_io_call c = dsvk_io_read_next(&r);
    assert_int_equal(c.fd, 9); /* aligned: O_DIRECT */
    /* The device wants more alignment than the file claimed: EINVAL, go on buffered. */
    assert_int_equal(dsvk_io_read_advance(&r, &c, -EINVAL), DSVK_IO_STEP_MORE);
    c = dsvk_io_read_next(&r);
    assert_int_equal(c.fd, 3);
    assert_int_equal(dsvk_io_read_advance(&r, &c, perform(&c, sizeof(file))),
                     DSVK_IO_STEP_FINISHED);
    dsvk_io_read_finish(&r);
    assert_int_equal(op.result, 8192);
    assert_memory_equal(dst, file + 4096, 8192);

    /* EINVAL from the buffered fd is a real error. */
    op = make_op(4096, 100, dst, 9);
    dsvk_io_read_start(&r, &op, true, NULL); /* unaligned, no bounce: buffered */
    c = dsvk_io_read_next(&r);
    assert_int_equal(c.fd, 3);
    assert_int_equal(dsvk_io_read_advance(&r, &c, -EINVAL), DSVK_IO_STEP_FINISHED);
    dsvk_io_read_finish(&r);
    assert_int_equal(op.result, -EINVAL);
    free(dst);
}

/* Direct read of an aligned range ending past EOF: a short, unaligned count, then the
 * buffered fd (which says 0) rather than an O_DIRECT call at an unaligned offset. */
static void test_direct_short_at_eof(void **state)
{
    (void)state;
    fill_file();
    const size_t size = 3 * 4096 + 100;
    uint8_t *dst = aligned(8192);
    dsvk_io_op op = make_op(2 * 4096, 8192, dst, 9);
    dsvk_io_read r;
    dsvk_io_read_start(&r, &op, true, NULL);
    dsvk_io_call c = dsvk_io_read_next(&r);
    assert_int_equal(c.fd, 9);
    assert_int_equal(dsvk_io_read_advance(&r, &c, perform(&c, size)), DSVK_IO_STEP_MORE);
    c = dsvk_io_read_next(&r);
    assert_int_equal(c.fd, 3);
    assert_int_equal(c.offset, size);
    assert_int_equal(dsvk_io_read_advance(&r, &c, perform(&c, size)), DSVK_IO_STEP_FINISHED);
    dsvk_io_read_finish(&r);
    assert_int_equal(op.result, 4096 + 100);
    assert_memory_equal(dst, file + 2 * 4096, 4096 + 100);
    free(dst);
}

/* Unaligned op through a bounce buffer: the aligned superset is read, the wanted bytes
 * copied out; with EOF inside the aligned range, only what exists past offset counts. */
static void test_bounce(void **state)
{
    (void)state;
    fill_file();
    dsvk_bounce_pool pool;
    dsvk_bounce_pool_init(&pool, 1 << 20);
    struct {
        uint64_t offset;
        uint32_t len;
        size_t size;
        int64_t want;
    } cases[] = {
        {100, 5000, sizeof(file), 5000},                      /* inside the file */
        {4096, 4096, sizeof(file), 4096},                     /* aligned range, unaligned dst */
        {3 * 4096 + 50, 9000, 4 * 4096 + 10, 4096 - 50 + 10}, /* EOF inside the range */
        {4 * 4096 + 20, 100, 4 * 4096 + 10, 0},               /* past EOF, same block */
        {9 * 4096, 100, 4 * 4096, 0},                         /* far past EOF */
    };
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        uint8_t *mem = aligned(16384);
        uint8_t *dst = mem + 1; /* never aligned */
        memset(mem, 0xEE, 16384);
        dsvk_io_op op = make_op(cases[k].offset, cases[k].len, dst, 9);
        uint64_t base;
        uint32_t size;
        assert_true(dsvk_io_read_needs_bounce(&op, true, &base, &size));
        assert_int_equal(base % 4096, 0);
        assert_int_equal(size % 4096, 0);
        assert_true(base <= op.offset && base + size >= op.offset + op.len);
        dsvk_bounce *b = dsvk_bounce_get(&pool, size);
        assert_non_null(b);
        dsvk_io_read r;
        dsvk_io_read_start(&r, &op, true, b);
        for (int calls = 0;; calls++) {
            dsvk_io_call c = dsvk_io_read_next(&r);
            assert_true(calls < 4);
            if (calls == 0) {
                assert_int_equal(c.fd, 9); /* the aligned superset, O_DIRECT */
                assert_int_equal(c.offset, base);
            }
            if (dsvk_io_read_advance(&r, &c, perform(&c, cases[k].size)) == DSVK_IO_STEP_FINISHED)
                break;
        }
        dsvk_bounce *back = dsvk_io_read_finish(&r);
        assert_ptr_equal(back, b);
        dsvk_bounce_put(&pool, back);
        assert_int_equal(op.result, cases[k].want);
        assert_memory_equal(dst, file + op.offset, (size_t)cases[k].want);
        /* Nothing written around the wanted bytes. */
        assert_int_equal(mem[0], 0xEE);
        for (size_t i = 1 + (size_t)cases[k].want; i < 16384; i++)
            if (mem[i] != 0xEE)
                fail_msg("case %zu: byte %zu past the result written", k, i - 1);
        free(mem);
    }
    dsvk_bounce_pool_fini(&pool);
}

static void test_bounce_pool_bounds(void **state)
{
    (void)state;
    dsvk_bounce_pool pool;
    dsvk_bounce_pool_init(&pool, 256 << 10);
    dsvk_bounce *a = dsvk_bounce_get(&pool, 100 << 10);
    dsvk_bounce *b = dsvk_bounce_get(&pool, 100 << 10);
    assert_non_null(a);
    assert_non_null(b);
    assert_null(dsvk_bounce_get(&pool, 100 << 10)); /* 3 x 128 KiB > 256 KiB */
    assert_true(dsvk_bounce_too_big(&pool, 300 << 10));
    assert_null(dsvk_bounce_get(&pool, 300 << 10));
    dsvk_bounce_put(&pool, a);
    dsvk_bounce *c = dsvk_bounce_get(&pool, 90 << 10); /* reuses a */
    assert_ptr_equal(c, a);
    dsvk_bounce_put(&pool, c);
    /* A size the cache cannot serve: cached buffers are dropped to stay under the cap. */
    dsvk_bounce_put(&pool, b);
    dsvk_bounce *d = dsvk_bounce_get(&pool, 250 << 10);
    assert_non_null(d);
    assert_true(pool.in_use + pool.cached_bytes <= pool.cap);
    assert_int_equal((uintptr_t)d->mem % 4096, 0);
    dsvk_bounce_put(&pool, d);
    dsvk_bounce_pool_fini(&pool);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_short_reads_continue),
        cmocka_unit_test(test_eagain_eintr_retried_then_given_up),
        cmocka_unit_test(test_errors_end_the_op),
        cmocka_unit_test(test_direct_aligned_and_refused),
        cmocka_unit_test(test_direct_short_at_eof),
        cmocka_unit_test(test_bounce),
        cmocka_unit_test(test_bounce_pool_bounds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
