/* Worker threads: run jobs (copies, tile decodes, completions), highest priority first. */
#ifndef DSVK_WORKERS_H
#define DSVK_WORKERS_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <dsvk/result.h>

#define DSVK_JOB_PRIORITIES 4

typedef struct dsvk_job dsvk_job;
struct dsvk_job {
    void (*fn)(dsvk_job *job);
    dsvk_job *next;
    uint8_t priority; /* 0..3, higher first */
};

typedef struct dsvk_workers {
    pthread_t *threads;
    uint32_t count;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    dsvk_job *head[DSVK_JOB_PRIORITIES], *tail[DSVK_JOB_PRIORITIES];
    bool stop;
} dsvk_workers;

dsvk_result dsvk_workers_start(dsvk_workers *w, uint32_t count);
/* Queues jobs (a NULL-terminated chain through ->next is not used: pass an array). */
void dsvk_workers_push(dsvk_workers *w, dsvk_job *const *jobs, size_t n);
/* Runs every queued job, then joins the threads. */
void dsvk_workers_stop(dsvk_workers *w);

#endif
