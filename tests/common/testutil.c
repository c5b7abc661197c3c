#include "testutil.h"

#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

void tu_fill_random(void *buf, size_t n, uint64_t seed)
{
    uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
    uint8_t *p = buf;
    for (size_t i = 0; i < n; i++) {
        if ((i & 7) == 0) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
        }
        p[i] = (uint8_t)(x >> ((i & 7) * 8));
    }
}

char *tu_make_file(size_t n, uint64_t seed, uint8_t **data)
{
    const char *base = getenv("DSVK_TEST_TMPDIR");
    char dir[512];
    snprintf(dir, sizeof(dir), "%s/dsvk-test-XXXXXX", base && *base ? base : "/tmp");
    assert_non_null(mkdtemp(dir));
    char *path = malloc(strlen(dir) + 16);
    assert_non_null(path);
    sprintf(path, "%s/data.bin", dir);
    uint8_t *buf = malloc(n ? n : 1);
    assert_non_null(buf);
    tu_fill_random(buf, n, seed);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    assert_true(fd >= 0);
    size_t done = 0;
    while (done < n) {
        ssize_t w = write(fd, buf + done, n - done);
        assert_true(w > 0);
        done += (size_t)w;
    }
    close(fd);
    if (data)
        *data = buf;
    else
        free(buf);
    return path;
}

void tu_remove_file(char *path)
{
    unlink(path);
    char *slash = strrchr(path, '/');
    if (slash) {
        *slash = 0;
        rmdir(path);
    }
    free(path);
}

dsvk_runtime *tu_runtime(dsvk_io_backend backend)
{
    dsvk_config cfg;
    dsvk_config_init(&cfg);
    cfg.io_backend = backend;
    cfg.worker_threads = 4;
    cfg.chunk_size = 64 << 10; /* small chunks: multi-op requests in every test */
    dsvk_runtime *rt = NULL;
    dsvk_result r = dsvk_runtime_create(&cfg, &rt);
    if (r != DSVK_OK)
        fail_msg("dsvk_runtime_create(backend %d): %s", backend, dsvk_result_string(r));
    return rt;
}

void tu_signals_init(tu_signals *s)
{
    memset(s, 0, sizeof(*s));
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->cond, NULL);
}

void tu_signal_cb(void *user, uint64_t value)
{
    tu_signals *s = user;
    pthread_mutex_lock(&s->lock);
    if (s->count < sizeof(s->values) / sizeof(s->values[0]))
        s->values[s->count] = value;
    s->count++;
    pthread_cond_broadcast(&s->cond);
    pthread_mutex_unlock(&s->lock);
}

void tu_signals_wait(tu_signals *s, unsigned count)
{
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 30;
    pthread_mutex_lock(&s->lock);
    while (s->count < count) {
        if (pthread_cond_timedwait(&s->cond, &s->lock, &deadline) != 0) {
            unsigned got = s->count;
            pthread_mutex_unlock(&s->lock);
            fail_msg("timed out waiting for %u signals (got %u)", count, got);
        }
    }
    pthread_mutex_unlock(&s->lock);
}

void tu_enqueue_signal(dsvk_queue *q, tu_signals *s, uint64_t value)
{
    dsvk_signal sig = {.fn = tu_signal_cb, .user = s, .eventfd = -1, .value = value};
    assert_int_equal(dsvk_queue_enqueue_signal(q, &sig), DSVK_OK);
}

void tu_drain(dsvk_queue *q)
{
    tu_signals s;
    tu_signals_init(&s);
    tu_enqueue_signal(q, &s, 1);
    dsvk_queue_submit(q);
    tu_signals_wait(&s, 1);
}

dsvk_request tu_file_request(dsvk_file *f, uint64_t offset, uint32_t size, void *dst)
{
    dsvk_request r = {0};
    r.source.type = DSVK_SOURCE_FILE;
    r.source.u.file.file = f;
    r.source.u.file.offset = offset;
    r.source.u.file.size = size;
    r.destination.type = DSVK_DEST_MEMORY;
    r.destination.u.memory.data = dst;
    r.destination.u.memory.size = size;
    return r;
}

dsvk_request tu_memory_request(const void *src, uint32_t size, void *dst)
{
    dsvk_request r = {0};
    r.source.type = DSVK_SOURCE_MEMORY;
    r.source.u.memory.data = src;
    r.source.u.memory.size = size;
    r.destination.type = DSVK_DEST_MEMORY;
    r.destination.u.memory.data = dst;
    r.destination.u.memory.size = size;
    return r;
}
