#include "log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const level_names[] = {"error", "warn", "info", "debug", "trace"};

static atomic_int log_level = -1; /* -1: not read from the environment yet */
static FILE *log_stream;          /* NULL: stderr */
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t env_once = PTHREAD_ONCE_INIT;

bool dsvk_log_parse_level(const char *s, dsvk_log_level *out)
{
    for (int i = 0; i < (int)(sizeof(level_names) / sizeof(level_names[0])); i++) {
        if (strcmp(s, level_names[i]) == 0) {
            *out = (dsvk_log_level)i;
            return true;
        }
    }
    return false;
}

static void open_stream(const char *file)
{
    if (log_stream) {
        fclose(log_stream);
        log_stream = NULL;
    }
    if (file && *file) {
        log_stream = fopen(file, "ae");
        if (log_stream)
            setvbuf(log_stream, NULL, _IOLBF, 0);
        else
            fprintf(stderr, "dsvk: cannot open log file %s; logging to stderr\n", file);
    }
}

static void read_env(void)
{
    dsvk_log_level level = DSVK_LOG_WARN;
    const char *s = getenv("DSVK_LOG");
    if (s && *s && !dsvk_log_parse_level(s, &level))
        fprintf(stderr, "dsvk: unknown DSVK_LOG value '%s' (error|warn|info|debug|trace)\n", s);
    pthread_mutex_lock(&log_lock);
    open_stream(getenv("DSVK_LOG_FILE"));
    pthread_mutex_unlock(&log_lock);
    int expected = -1;
    atomic_compare_exchange_strong(&log_level, &expected, (int)level);
}

void dsvk_log_configure(dsvk_log_level level, const char *file)
{
    pthread_once(&env_once, read_env);
    pthread_mutex_lock(&log_lock);
    open_stream(file);
    pthread_mutex_unlock(&log_lock);
    atomic_store(&log_level, (int)level);
}

bool dsvk_log_enabled(dsvk_log_level level)
{
    int cur = atomic_load_explicit(&log_level, memory_order_relaxed);
    if (cur < 0) {
        pthread_once(&env_once, read_env);
        cur = atomic_load(&log_level);
    }
    return (int)level <= cur;
}

void dsvk_log(dsvk_log_level level, const char *fmt, ...)
{
    if (!dsvk_log_enabled(level))
        return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);

    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    pthread_mutex_lock(&log_lock);
    FILE *f = log_stream ? log_stream : stderr;
    fprintf(f, "dsvk %5ld.%03ld %-5s %s\n", (long)ts.tv_sec, ts.tv_nsec / 1000000L,
            level_names[level], msg);
    pthread_mutex_unlock(&log_lock);
}
