/*
 * The DSVK_STATS_FILE sampler. Once a second it takes every queue's counters, subtracts the
 * previous sample of that queue and appends one JSON line per queue. Each line is written
 * with a single write() on an O_APPEND descriptor, so several processes of one game (Proton
 * starts many) can share one file without tearing each other's lines.
 */
#include "stats_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "stats.h"

#define SAMPLE_PERIOD_NS 1000000000ull
#define LINE_MAX_BYTES 1024

typedef struct queue_sample {
    const dsvk_queue *queue;
    dsvk_queue_stats stats;
    bool seen; /* still in the runtime's list at the latest sample */
} queue_sample;

struct dsvk_stats_file {
    dsvk_runtime *rt;
    int fd;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;         /* CLOCK_MONOTONIC */
    pthread_mutex_t sample_lock; /* one sample or closing queue's line at a time */
    bool stop;
    uint64_t last_ns;
    queue_sample *samples;
    size_t n_samples, cap_samples;
    char *buf; /* the lines of one sample */
    size_t buf_len, buf_cap;
};

static void append(dsvk_stats_file *s, const char *text, size_t n)
{
    if (s->buf_len + n > s->buf_cap) {
        size_t cap = s->buf_cap ? s->buf_cap * 2 : 4096;
        while (cap < s->buf_len + n)
            cap *= 2;
        char *grown = realloc(s->buf, cap);
        if (!grown)
            return; /* this sample loses a line; the next one tries again */
        s->buf = grown;
        s->buf_cap = cap;
    }
    memcpy(s->buf + s->buf_len, text, n);
    s->buf_len += n;
}

/* Queue names come from applications: escape them as JSON strings. */
static size_t json_escape(char *out, size_t cap, const char *in)
{
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)in; *p && o + 7 < cap; p++) {
        if (*p == '"' || *p == '\\') {
            out[o++] = '\\';
            out[o++] = (char)*p;
        } else if (*p < 0x20) {
            o += (size_t)snprintf(out + o, cap - o, "\\u%04x", *p);
        } else {
            out[o++] = (char)*p;
        }
    }
    out[o] = 0;
    return o;
}

static queue_sample *sample_of(dsvk_stats_file *s, const dsvk_queue *q)
{
    for (size_t i = 0; i < s->n_samples; i++)
        if (s->samples[i].queue == q)
            return &s->samples[i];
    if (s->n_samples == s->cap_samples) {
        size_t cap = s->cap_samples ? s->cap_samples * 2 : 8;
        queue_sample *grown = realloc(s->samples, cap * sizeof(*grown));
        if (!grown)
            return NULL;
        s->samples = grown;
        s->cap_samples = cap;
    }
    queue_sample *qs = &s->samples[s->n_samples++];
    *qs = (queue_sample){.queue = q};
    return qs;
}

/* A queue closed and a new one created at the same address looks like counters going
 * backwards; such a queue starts from zero. */
static bool went_backwards(const dsvk_queue_stats *now, const dsvk_queue_stats *then)
{
    return now->requests_completed < then->requests_completed ||
           now->requests_failed < then->requests_failed ||
           now->requests_cancelled < then->requests_cancelled ||
           now->bytes_written < then->bytes_written || now->submits < then->submits;
}

static void format_line(dsvk_stats_file *s, const dsvk_queue *q, const dsvk_queue_stats *now,
                        const dsvk_queue_stats *then, double interval_s, double wall, bool final)
{
    dsvk_queue_stats delta = {0};
    for (unsigned i = 0; i < DSVK_LATENCY_BUCKETS; i++)
        delta.latency_hist[i] = now->latency_hist[i] - then->latency_hist[i];
    uint64_t requests = now->requests_completed - then->requests_completed;
    uint64_t written = now->bytes_written - then->bytes_written;
    uint64_t read = now->bytes_read - then->bytes_read;
    double gbps = interval_s > 0 ? (double)written / interval_s / 1e9 : 0;

    char name[3 * 64];
    json_escape(name, sizeof(name), q->name);
    char line[LINE_MAX_BYTES];
    int n = snprintf(
        line, sizeof(line),
        "{\"time\":%.3f,\"pid\":%ld,\"queue\":\"%s\",\"interval_s\":%.3f,"
        "\"requests\":%llu,\"bytes_read\":%llu,\"bytes_written\":%llu,\"gbps\":%.3f,"
        "\"p50_us\":%llu,\"p99_us\":%llu,\"cancellations\":%llu,\"errors\":%llu,"
        "\"total_requests\":%llu,\"total_bytes_written\":%llu,\"total_cancellations\":%llu,"
        "\"total_errors\":%llu,\"decode\":\"%s\",\"io\":\"%s\",\"final\":%s}\n",
        wall, (long)getpid(), name, interval_s, (unsigned long long)requests,
        (unsigned long long)read, (unsigned long long)written, gbps,
        (unsigned long long)dsvk_stats_latency_percentile(&delta, 50),
        (unsigned long long)dsvk_stats_latency_percentile(&delta, 99),
        (unsigned long long)(now->requests_cancelled - then->requests_cancelled),
        (unsigned long long)(now->requests_failed - then->requests_failed),
        (unsigned long long)now->requests_completed, (unsigned long long)now->bytes_written,
        (unsigned long long)now->requests_cancelled, (unsigned long long)now->requests_failed,
        dsvk_stats_decode_path_name(now->decode_path),
        s->rt->io_info.backend == DSVK_IO_URING ? "io_uring" : "threads", final ? "true" : "false");
    if (n > 0)
        append(s, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

static void write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return; /* a full disk must not stop the game; the sample is lost */
        p += w;
        n -= (size_t)w;
    }
}

static void write_lines(dsvk_stats_file *s)
{
    /* Lines go out one write() each: O_APPEND keeps every line whole. */
    size_t start = 0;
    for (size_t i = 0; i < s->buf_len; i++) {
        if (s->buf[i] == '\n') {
            write_all(s->fd, s->buf + start, i + 1 - start);
            start = i + 1;
        }
    }
}

static void take_sample(dsvk_stats_file *s, bool final)
{
    dsvk_runtime *rt = s->rt;
    pthread_mutex_lock(&s->sample_lock);
    uint64_t now_ns = dsvk_now_ns();
    double interval_s = (double)(now_ns - s->last_ns) * 1e-9;
    s->last_ns = now_ns;
    struct timespec wall;
    clock_gettime(CLOCK_REALTIME, &wall);
    double wall_s = (double)wall.tv_sec + (double)wall.tv_nsec * 1e-9;

    s->buf_len = 0;
    for (size_t i = 0; i < s->n_samples; i++)
        s->samples[i].seen = false;
    /* The runtime lock keeps queues from being freed while we read them; queue locks are
     * never held while taking it, so this order cannot deadlock. */
    pthread_mutex_lock(&rt->lock);
    for (dsvk_link *l = rt->queues.next; l != &rt->queues; l = l->next) {
        dsvk_queue *q = DSVK_CONTAINER(l, dsvk_queue, link);
        dsvk_queue_stats now;
        dsvk_queue_get_stats(q, &now);
        queue_sample *qs = sample_of(s, q);
        if (!qs)
            continue;
        if (went_backwards(&now, &qs->stats))
            memset(&qs->stats, 0, sizeof(qs->stats));
        format_line(s, q, &now, &qs->stats, interval_s, wall_s, final);
        qs->stats = now;
        qs->seen = true;
    }
    pthread_mutex_unlock(&rt->lock);

    /* Forget queues that closed. */
    size_t kept = 0;
    for (size_t i = 0; i < s->n_samples; i++)
        if (s->samples[i].seen)
            s->samples[kept++] = s->samples[i];
    s->n_samples = kept;
    write_lines(s);
    pthread_mutex_unlock(&s->sample_lock);
}

void dsvk_stats_file_queue_closing(dsvk_queue *q)
{
    dsvk_stats_file *s = q->rt->stats_file;
    if (!s)
        return;
    pthread_mutex_lock(&s->sample_lock);
    dsvk_queue_stats now;
    dsvk_queue_get_stats(q, &now);
    queue_sample *qs = sample_of(s, q);
    dsvk_queue_stats zero = {0};
    const dsvk_queue_stats *then = qs && !went_backwards(&now, &qs->stats) ? &qs->stats : &zero;
    uint64_t now_ns = dsvk_now_ns();
    struct timespec wall;
    clock_gettime(CLOCK_REALTIME, &wall);
    s->buf_len = 0;
    /* The interval since this queue's last line: the sampler's last tick. */
    format_line(s, q, &now, then, (double)(now_ns - s->last_ns) * 1e-9,
                (double)wall.tv_sec + (double)wall.tv_nsec * 1e-9, true);
    write_lines(s);
    if (qs) /* forget it: the address may be reused by a new queue */
        *qs = s->samples[--s->n_samples];
    pthread_mutex_unlock(&s->sample_lock);
}

static void *sampler_main(void *arg)
{
    dsvk_stats_file *s = arg;
    pthread_mutex_lock(&s->lock);
    while (!s->stop) {
        uint64_t due = s->last_ns + SAMPLE_PERIOD_NS;
        struct timespec ts = {.tv_sec = (time_t)(due / 1000000000ull),
                              .tv_nsec = (long)(due % 1000000000ull)};
        int rc = 0;
        while (!s->stop && rc != ETIMEDOUT)
            rc = pthread_cond_timedwait(&s->wake, &s->lock, &ts);
        if (s->stop)
            break;
        pthread_mutex_unlock(&s->lock);
        take_sample(s, false);
        pthread_mutex_lock(&s->lock);
    }
    pthread_mutex_unlock(&s->lock);
    take_sample(s, true);
    return NULL;
}

static void destroy(dsvk_stats_file *s)
{
    if (s->fd >= 0)
        close(s->fd);
    pthread_cond_destroy(&s->wake);
    pthread_mutex_destroy(&s->lock);
    pthread_mutex_destroy(&s->sample_lock);
    free(s->samples);
    free(s->buf);
    free(s);
}

void dsvk_stats_file_start(dsvk_runtime *rt, const char *path)
{
    dsvk_stats_file *s = calloc(1, sizeof(*s));
    if (!s) {
        DSVK_WARN("DSVK_STATS_FILE: out of memory; no stats file");
        return;
    }
    s->rt = rt;
    s->fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    pthread_mutex_init(&s->lock, NULL);
    pthread_mutex_init(&s->sample_lock, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&s->wake, &attr);
    pthread_condattr_destroy(&attr);
    if (s->fd < 0) {
        DSVK_WARN("DSVK_STATS_FILE: cannot open %s: %s; no stats file", path, strerror(errno));
        destroy(s);
        return;
    }
    s->last_ns = dsvk_now_ns();
    int rc = pthread_create(&s->thread, NULL, sampler_main, s);
    if (rc) {
        DSVK_WARN("DSVK_STATS_FILE: cannot start its thread: %s; no stats file", strerror(rc));
        destroy(s);
        return;
    }
    DSVK_INFO("stats: appending a JSON line per queue every second to %s", path);
    rt->stats_file = s;
}

void dsvk_stats_file_stop(dsvk_runtime *rt)
{
    dsvk_stats_file *s = rt->stats_file;
    if (!s)
        return;
    pthread_mutex_lock(&s->lock);
    s->stop = true;
    pthread_cond_signal(&s->wake);
    pthread_mutex_unlock(&s->lock);
    pthread_join(s->thread, NULL);
    rt->stats_file = NULL;
    destroy(s);
}
