#include "workers.h"

#include <stdlib.h>

#include "log.h"

static dsvk_job *pop_locked(dsvk_workers *w)
{
    for (int p = DSVK_JOB_PRIORITIES - 1; p >= 0; p--) {
        dsvk_job *j = w->head[p];
        if (j) {
            w->head[p] = j->next;
            if (!w->head[p])
                w->tail[p] = NULL;
            return j;
        }
    }
    return NULL;
}

static void *worker_main(void *arg)
{
    dsvk_workers *w = arg;
    pthread_mutex_lock(&w->lock);
    for (;;) {
        dsvk_job *j = pop_locked(w);
        if (!j) {
            if (w->stop)
                break;
            pthread_cond_wait(&w->wake, &w->lock);
            continue;
        }
        pthread_mutex_unlock(&w->lock);
        j->fn(j);
        pthread_mutex_lock(&w->lock);
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

dsvk_result dsvk_workers_start(dsvk_workers *w, uint32_t count)
{
    *w = (dsvk_workers){0};
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->wake, NULL);
    w->threads = calloc(count, sizeof(*w->threads));
    if (!w->threads)
        return DSVK_E_NO_MEMORY;
    for (uint32_t i = 0; i < count; i++) {
        if (pthread_create(&w->threads[i], NULL, worker_main, w) != 0) {
            DSVK_ERR("cannot start worker thread %u of %u", i + 1, count);
            dsvk_workers_stop(w);
            return DSVK_E_NO_MEMORY;
        }
        w->count++;
    }
    return DSVK_OK;
}

void dsvk_workers_push(dsvk_workers *w, dsvk_job *const *jobs, size_t n)
{
    if (n == 0)
        return;
    pthread_mutex_lock(&w->lock);
    for (size_t i = 0; i < n; i++) {
        dsvk_job *j = jobs[i];
        unsigned p = j->priority < DSVK_JOB_PRIORITIES ? j->priority : DSVK_JOB_PRIORITIES - 1;
        j->next = NULL;
        if (w->tail[p])
            w->tail[p]->next = j;
        else
            w->head[p] = j;
        w->tail[p] = j;
    }
    if (n == 1)
        pthread_cond_signal(&w->wake);
    else
        pthread_cond_broadcast(&w->wake);
    pthread_mutex_unlock(&w->lock);
}

void dsvk_workers_stop(dsvk_workers *w)
{
    pthread_mutex_lock(&w->lock);
    w->stop = true;
    pthread_cond_broadcast(&w->wake);
    pthread_mutex_unlock(&w->lock);
    for (uint32_t i = 0; i < w->count; i++)
        pthread_join(w->threads[i], NULL);
    free(w->threads);
    w->threads = NULL;
    w->count = 0;
    pthread_mutex_destroy(&w->lock);
    pthread_cond_destroy(&w->wake);
}
