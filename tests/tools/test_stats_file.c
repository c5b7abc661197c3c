/*
 * DSVK_STATS_FILE: one JSON line per queue every second and a final one when the queue closes
 * or the runtime is destroyed, appended to what the file held; counts match the work done; queue
 * names are escaped; a file that cannot be opened does not stop the runtime.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "internal.h"
#include "testutil.h"

#define REQUESTS 16
#define REQUEST_BYTES (256u << 10)

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = 0;
    fclose(f);
    return buf;
}

/* The number after "key": in a JSON line; fails the test when the key is missing. */
static unsigned long long field(const char *line, const char *key)
{
    char pattern[64];
    snprintf(pattern, sizeof(pattern), "\"%s\":", key);
    const char *at = strstr(line, pattern);
    if (!at)
        fail_msg("no %s in %s", key, line);
    return strtoull(at + strlen(pattern), NULL, 10);
}

static dsvk_runtime *runtime_with_stats_file(const char *path)
{
    dsvk_config cfg;
    dsvk_config_init(&cfg);
    cfg.io_backend = DSVK_IO_THREADS;
    cfg.worker_threads = 2;
    cfg.stats_file = path;
    dsvk_runtime *rt = NULL;
    assert_int_equal(dsvk_runtime_create(&cfg, &rt), DSVK_OK);
    return rt;
}

static dsvk_queue *memory_queue(dsvk_runtime *rt, const char *name)
{
    dsvk_queue_desc d = {.source_type = DSVK_SOURCE_MEMORY,
                         .capacity = 256,
                         .priority = DSVK_PRIORITY_REALTIME,
                         .name = name};
    dsvk_queue *q = NULL;
    assert_int_equal(dsvk_queue_create(rt, &d, &q), DSVK_OK);
    return q;
}

static void test_lines_per_second_and_final(void **state)
{
    (void)state;
    char path[] = "/tmp/dsvk-stats-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "earlier line\n", 13), 13);
    close(fd);

    dsvk_runtime *rt = runtime_with_stats_file(path);
    assert_non_null(rt->stats_file);
    dsvk_queue *alpha = memory_queue(rt, "alpha");
    memory_queue(rt, "beta \"quoted\"\\"); /* idle; closed by the runtime */
    uint8_t *src = malloc(REQUEST_BYTES), *dst = malloc(REQUEST_BYTES * REQUESTS);
    assert_non_null(src);
    assert_non_null(dst);
    tu_fill_random(src, REQUEST_BYTES, 7);
    for (int i = 0; i < REQUESTS; i++) {
        dsvk_request req = tu_memory_request(src, REQUEST_BYTES, dst + (size_t)i * REQUEST_BYTES);
        assert_int_equal(dsvk_queue_enqueue_request(alpha, &req), DSVK_OK);
    }
    tu_drain(alpha);
    /* A queue closed by the program gets its final line at once, and none after it. */
    dsvk_queue *gamma = memory_queue(rt, "gamma");
    dsvk_request one = tu_memory_request(src, REQUEST_BYTES, dst);
    assert_int_equal(dsvk_queue_enqueue_request(gamma, &one), DSVK_OK);
    tu_drain(gamma);
    dsvk_queue_close(gamma);
    /* Two periodic samples, then the final one at destroy. */
    struct timespec nap = {.tv_sec = 2, .tv_nsec = 400 * 1000 * 1000};
    nanosleep(&nap, NULL);
    dsvk_runtime_destroy(rt);

    char *text = read_all(path);
    assert_true(strncmp(text, "earlier line\n", 13) == 0);
    unsigned alpha_lines = 0, alpha_final = 0, beta_lines = 0, beta_final = 0, gamma_lines = 0;
    unsigned long long alpha_requests = 0, alpha_bytes = 0;
    for (char *line = strtok(text + 13, "\n"); line; line = strtok(NULL, "\n")) {
        assert_true(line[0] == '{' && line[strlen(line) - 1] == '}');
        bool final = strstr(line, "\"final\":true") != NULL;
        assert_non_null(strstr(line, "\"gbps\":"));
        assert_non_null(strstr(line, "\"io\":\"threads\""));
        assert_int_equal(field(line, "pid"), (unsigned long long)getpid());
        if (strstr(line, "\"queue\":\"alpha\"")) {
            alpha_lines++;
            alpha_final += final;
            alpha_requests += field(line, "requests");
            alpha_bytes += field(line, "bytes_written");
            assert_int_equal(field(line, "errors"), 0);
            if (final) {
                assert_int_equal(field(line, "total_requests"), REQUESTS);
                assert_int_equal(field(line, "total_bytes_written"),
                                 (unsigned long long)REQUESTS * REQUEST_BYTES);
            }
        } else if (strstr(line, "\"queue\":\"beta \\\"quoted\\\"\\\\\"")) {
            beta_lines++;
            beta_final += final;
            assert_int_equal(field(line, "requests"), 0);
        } else if (strstr(line, "\"queue\":\"gamma\"")) {
            gamma_lines++;
            assert_true(final);
            assert_int_equal(field(line, "requests"), 1);
            assert_int_equal(field(line, "total_requests"), 1);
        } else {
            fail_msg("a line of an unknown queue: %s", line);
        }
    }
    /* 2.4 s of sampling: two periodic lines (a third if the machine is slow) plus the final. */
    assert_in_range(alpha_lines, 3, 4);
    assert_int_equal(alpha_final, 1);
    assert_int_equal(beta_lines, alpha_lines);
    assert_int_equal(beta_final, 1);
    assert_int_equal(gamma_lines, 1);
    /* Every request and byte is counted in exactly one interval. */
    assert_int_equal(alpha_requests, REQUESTS);
    assert_int_equal(alpha_bytes, (unsigned long long)REQUESTS * REQUEST_BYTES);
    free(src);
    free(dst);
    unlink(path);
}

static void test_unopenable_file_is_not_fatal(void **state)
{
    (void)state;
    dsvk_runtime *rt = runtime_with_stats_file("/nonexistent-dir/dsvk/stats.jsonl");
    assert_null(rt->stats_file);
    dsvk_queue *q = memory_queue(rt, "q");
    uint8_t src[4096], dst[4096];
    tu_fill_random(src, sizeof(src), 3);
    dsvk_request req = tu_memory_request(src, sizeof(src), dst);
    assert_int_equal(dsvk_queue_enqueue_request(q, &req), DSVK_OK);
    tu_drain(q);
    assert_memory_equal(src, dst, sizeof(src));
    dsvk_runtime_destroy(rt);
}

static void test_off_without_a_path(void **state)
{
    (void)state;
    dsvk_runtime *rt = runtime_with_stats_file(NULL);
    assert_null(rt->stats_file);
    dsvk_runtime_destroy(rt);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lines_per_second_and_final),
        cmocka_unit_test(test_unopenable_file_is_not_fatal),
        cmocka_unit_test(test_off_without_a_path),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
