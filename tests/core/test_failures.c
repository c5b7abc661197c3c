/* First-failure reporting, error records and failures of file reads, on both backends. */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hold.h"
#include "testutil.h"
#include <unistd.h>

typedef struct fixture {
    dsvk_runtime *rt;
    dsvk_queue *q;
    dsvk_status_array *sa;
    dsvk_file *f;
    char *path;
    uint8_t *data;
} fixture;

enum { FILE_SIZE = 300000 };

static void setup(fixture *fx, dsvk_io_backend backend)
{
    fx->rt = tu_runtime(backend);
    dsvk_queue_desc d = {.source_type = DSVK_SOURCE_FILE, .capacity = 256,
                         .priority = DSVK_PRIORITY_NORMAL, .name = "failures"};
    assert_int_equal(dsvk_queue_create(fx->rt, &d, &fx->q), DSVK_OK);
    assert_int_equal(dsvk_status_array_create(fx->rt, 8, "sa", &fx->sa), DSVK_OK);
    fx->path = tu_make_file(FILE_SIZE, 3, &fx->data);
    assert_int_equal(dsvk_file_open(fx->rt, fx->path, &fx->f, NULL), DSVK_OK);
}

static void teardown(fixture *fx)
{
    dsvk_runtime_destroy(fx->rt); /* closes queue, file and array */
    tu_remove_file(fx->path);
    free(fx->data);
}

static dsvk_io_backend backend_of(void **state)
{
    return *(dsvk_io_backend *)*state;
}

static void test_read_past_eof(void **state)
{
    fixture fx;
    setup(&fx, backend_of(state));
    static uint8_t dst[8192];
    dsvk_request r = tu_file_request(fx.f, FILE_SIZE - 100, 8192, dst);
    r.name = "past-eof";
    assert_int_equal(dsvk_queue_enqueue_request(fx.q, &r), DSVK_OK);
    assert_int_equal(dsvk_queue_enqueue_status(fx.q, fx.sa, 0), DSVK_OK);
    tu_drain(fx.q);
    assert_int_equal(dsvk_status_array_get_result(fx.sa, 0), DSVK_E_END_OF_FILE);

    dsvk_error_record rec;
    dsvk_queue_retrieve_error_record(fx.q, &rec);
    assert_int_equal(rec.failure_count, 1);
    assert_int_equal(rec.result, DSVK_E_END_OF_FILE);
    assert_int_equal(rec.kind, DSVK_ENTRY_REQUEST);
    assert_string_equal(rec.file_name, fx.path);
    assert_string_equal(rec.request_name, "past-eof");
    assert_string_equal(rec.request.name, "past-eof");
    assert_int_equal(rec.request.source.u.file.offset, FILE_SIZE - 100);
    /* Retrieving clears the record. */
    dsvk_queue_retrieve_error_record(fx.q, &rec);
    assert_int_equal(rec.failure_count, 0);
    assert_int_equal(rec.result, DSVK_OK);
    teardown(&fx);
}

/* The status entry reports the first failure in ENQUEUE order, not in completion order; the
 * next status entry only covers requests after the previous one. */
static void test_first_failure_in_enqueue_order(void **state)
{
    fixture fx;
    setup(&fx, backend_of(state));
    hold h;
    hold_install(fx.rt, &h);
    int efd = dsvk_queue_error_fd(fx.q);
    assert_true(efd >= 0);

    static uint8_t a[4096], b[4096], c[4096], d[4096];
    dsvk_request r = tu_file_request(fx.f, FILE_SIZE - 10, sizeof(a), a); /* EOF */
    r.name = "hold-eof";
    dsvk_queue_enqueue_request(fx.q, &r);
    dsvk_test_inject_io_error(fx.f, 100000, 10, EIO);
    r = tu_file_request(fx.f, 99000, sizeof(b), b); /* EIO, finishes first */
    r.name = "eio";
    dsvk_queue_enqueue_request(fx.q, &r);
    r = tu_file_request(fx.f, 0, sizeof(c), c);
    r.name = "good";
    dsvk_queue_enqueue_request(fx.q, &r);
    dsvk_queue_enqueue_status(fx.q, fx.sa, 0);
    r = tu_file_request(fx.f, 4096, sizeof(d), d);
    dsvk_queue_enqueue_request(fx.q, &r);
    dsvk_queue_enqueue_status(fx.q, fx.sa, 1);
    dsvk_queue_submit(fx.q);
    hold_wait_held(&h, 1);
    usleep(20000);
    assert_false(dsvk_status_array_is_complete(fx.sa, 0));
    hold_release(&h);
    tu_drain(fx.q);

    assert_int_equal(dsvk_status_array_get_result(fx.sa, 0), DSVK_E_END_OF_FILE);
    assert_int_equal(dsvk_status_array_get_result(fx.sa, 1), DSVK_OK);
    assert_memory_equal(c, fx.data, sizeof(c));
    assert_memory_equal(d, fx.data + 4096, sizeof(d));
    struct pollfd p = {.fd = efd, .events = POLLIN};
    assert_int_equal(poll(&p, 1, 5000), 1);
    dsvk_error_record rec;
    dsvk_queue_retrieve_error_record(fx.q, &rec);
    assert_int_equal(rec.failure_count, 2);
    assert_int_equal(rec.result, DSVK_E_END_OF_FILE);
    assert_string_equal(rec.request_name, "hold-eof");
    assert_int_equal(poll(&p, 1, 0), 0); /* re-armed */
    teardown(&fx);
}

static void test_injected_eio_names_file_and_errno(void **state)
{
    fixture fx;
    setup(&fx, backend_of(state));
    dsvk_test_inject_io_error(fx.f, 0, 1, EIO);
    static uint8_t dst[200000];
    memset(dst, 0xAB, sizeof(dst));
    dsvk_request r = tu_file_request(fx.f, 0, sizeof(dst), dst);
    r.name = "eio";
    dsvk_queue_enqueue_request(fx.q, &r);
    dsvk_queue_enqueue_status(fx.q, fx.sa, 2);
    tu_drain(fx.q);
    assert_int_equal(dsvk_status_array_get_result(fx.sa, 2), DSVK_E_IO);
    dsvk_error_record rec;
    dsvk_queue_retrieve_error_record(fx.q, &rec);
    assert_int_equal(rec.result, DSVK_E_IO);
    assert_int_equal(rec.sys_errno, EIO);
    assert_string_equal(rec.file_name, fx.path);
    /* The queue goes on: the next request succeeds. */
    dsvk_test_inject_io_error(fx.f, 0, 0, 0);
    r = tu_file_request(fx.f, 0, sizeof(dst), dst);
    dsvk_queue_enqueue_request(fx.q, &r);
    dsvk_queue_enqueue_status(fx.q, fx.sa, 3);
    tu_drain(fx.q);
    assert_int_equal(dsvk_status_array_get_result(fx.sa, 3), DSVK_OK);
    assert_memory_equal(dst, fx.data, sizeof(dst));
    teardown(&fx);
}

static void test_invalid_requests(void **state)
{
    fixture fx;
    setup(&fx, backend_of(state));
    static uint8_t dst[4096];
    /* Offset overflow. */
    dsvk_request r = tu_file_request(fx.f, UINT64_MAX - 10, 4096, dst);
    assert_int_equal(dsvk_queue_enqueue_request(fx.q, &r), DSVK_E_INVALID_FILE_OFFSET);
    dsvk_queue_enqueue_status(fx.q, fx.sa, 0);
    /* Memory source on a file queue. */
    r = tu_memory_request(dst, 16, dst);
    assert_int_equal(dsvk_queue_enqueue_request(fx.q, &r), DSVK_E_INVALID_SOURCE_TYPE);
    dsvk_queue_enqueue_status(fx.q, fx.sa, 1);
    /* Destination size differs from an uncompressed source. */
    r = tu_file_request(fx.f, 0, 4096, dst);
    r.destination.u.memory.size = 100;
    assert_int_equal(dsvk_queue_enqueue_request(fx.q, &r), DSVK_E_INVALID_DESTINATION_SIZE);
    dsvk_queue_enqueue_status(fx.q, fx.sa, 2);
    /* Reserved compression format. */
    r = tu_file_request(fx.f, 0, 4096, dst);
    r.compression = 7;
    assert_int_equal(dsvk_queue_enqueue_request(fx.q, &r), DSVK_E_UNSUPPORTED_FORMAT);
    dsvk_queue_enqueue_status(fx.q, fx.sa, 3);
    /* GPU destination on a queue without a device. */
    r = tu_file_request(fx.f, 0, 4096, dst);
    r.destination.type = DSVK_DEST_BUFFER;
    assert_int_equal(dsvk_queue_enqueue_request(fx.q, &r), DSVK_E_INVALID_DESTINATION_TYPE);
    dsvk_queue_enqueue_status(fx.q, fx.sa, 4);
    /* A status entry with a bad index is itself a failure. */
    assert_int_equal(dsvk_queue_enqueue_status(fx.q, fx.sa, 99), DSVK_E_INDEX_BOUND);
    tu_drain(fx.q);
    assert_int_equal(dsvk_status_array_get_result(fx.sa, 0), DSVK_E_INVALID_FILE_OFFSET);
    assert_int_equal(dsvk_status_array_get_result(fx.sa, 1), DSVK_E_INVALID_SOURCE_TYPE);
    assert_int_equal(dsvk_status_array_get_result(fx.sa, 2), DSVK_E_INVALID_DESTINATION_SIZE);
    assert_int_equal(dsvk_status_array_get_result(fx.sa, 3), DSVK_E_UNSUPPORTED_FORMAT);
    assert_int_equal(dsvk_status_array_get_result(fx.sa, 4), DSVK_E_INVALID_DESTINATION_TYPE);
    assert_int_equal(dsvk_status_array_get_result(fx.sa, 99), DSVK_E_INDEX_BOUND);
    dsvk_error_record rec;
    dsvk_queue_retrieve_error_record(fx.q, &rec);
    assert_int_equal(rec.failure_count, 6);
    teardown(&fx);
}

static void test_closed_file(void **state)
{
    fixture fx;
    setup(&fx, backend_of(state));
    static uint8_t dst[4096];
    dsvk_request r = tu_file_request(fx.f, 0, sizeof(dst), dst);
    r.name = "after-close";
    assert_int_equal(dsvk_queue_enqueue_request(fx.q, &r), DSVK_OK);
    dsvk_file_close(fx.f); /* before submit: the request must fail, not read */
    dsvk_queue_enqueue_status(fx.q, fx.sa, 0);
    tu_drain(fx.q);
    assert_int_equal(dsvk_status_array_get_result(fx.sa, 0), DSVK_E_FILE_NOT_OPEN);
    dsvk_error_record rec;
    dsvk_queue_retrieve_error_record(fx.q, &rec);
    assert_string_equal(rec.file_name, fx.path);
    /* Opening a missing file reports errno. */
    int err = 0;
    dsvk_file *missing;
    assert_int_equal(dsvk_file_open(fx.rt, "/nonexistent/dsvk", &missing, &err),
                     DSVK_E_FILE_NOT_OPEN);
    assert_int_equal(err, ENOENT);
    teardown(&fx);
}

static void test_file_info(void **state)
{
    fixture fx;
    setup(&fx, backend_of(state));
    dsvk_file_info info;
    assert_int_equal(dsvk_file_get_info(fx.f, &info), DSVK_OK);
    assert_int_equal(info.size, FILE_SIZE);
    assert_string_equal(dsvk_file_name(fx.f), fx.path);
    teardown(&fx);
}

int main(void)
{
    static dsvk_io_backend backends[] = {DSVK_IO_URING, DSVK_IO_THREADS};
    int failed = 0;
    for (int b = 0; b < 2; b++) {
        const struct CMUnitTest tests[] = {
            cmocka_unit_test_prestate(test_read_past_eof, &backends[b]),
            cmocka_unit_test_prestate(test_first_failure_in_enqueue_order, &backends[b]),
            cmocka_unit_test_prestate(test_injected_eio_names_file_and_errno, &backends[b]),
            cmocka_unit_test_prestate(test_invalid_requests, &backends[b]),
            cmocka_unit_test_prestate(test_closed_file, &backends[b]),
            cmocka_unit_test_prestate(test_file_info, &backends[b]),
        };
        failed += _cmocka_run_group_tests(b ? "failures (threads)" : "failures (io_uring)", tests,
                                          sizeof(tests) / sizeof(tests[0]), NULL, NULL);
    }
    return failed;
}
