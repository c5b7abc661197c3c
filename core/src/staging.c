/*
 * Staging memory for compressed data read from files, bounded by the configured budget
 * (DirectStorage's staging buffer size). A request that does not fit waits in FIFO order and
 * starts its reads when earlier requests release theirs; one larger than the whole budget
 * runs alone.
 */
#include <errno.h>
#include <stdlib.h>

#include "internal.h"

static bool fits_locked(dsvk_runtime *rt, uint64_t need)
{
    return rt->staging_used == 0 || rt->staging_used + need <= rt->cfg.staging_size;
}

static void begin_reads(dsvk_exec *e)
{
    e->staging = malloc(e->req.source.u.file.size ? e->req.source.u.file.size : 1);
    if (!e->staging) {
        dsvk_exec_fail(e, DSVK_E_NO_MEMORY, ENOMEM);
        return;
    }
    dsvk_exec_issue_reads(e, e->staging);
}

void dsvk_staging_acquire(dsvk_exec *e)
{
    dsvk_runtime *rt = e->queue->rt;
    uint64_t need = e->req.source.u.file.size ? e->req.source.u.file.size : 1;
    pthread_mutex_lock(&rt->staging_lock);
    if (!rt->staging_head && fits_locked(rt, need)) {
        rt->staging_used += need;
        e->staging_bytes = need;
        pthread_mutex_unlock(&rt->staging_lock);
        begin_reads(e);
        return;
    }
    atomic_fetch_add(&e->pending, 1); /* the wait hold, dropped once the reads are issued */
    e->next_waiting = NULL;
    if (rt->staging_tail)
        rt->staging_tail->next_waiting = e;
    else
        rt->staging_head = e;
    rt->staging_tail = e;
    pthread_mutex_unlock(&rt->staging_lock);
}

void dsvk_staging_release(dsvk_runtime *rt, dsvk_exec *e)
{
    free(e->staging);
    e->staging = NULL;
    dsvk_exec *ready = NULL, **link = &ready;
    pthread_mutex_lock(&rt->staging_lock);
    rt->staging_used -= e->staging_bytes;
    e->staging_bytes = 0;
    while (rt->staging_head) {
        dsvk_exec *w = rt->staging_head;
        uint64_t need = w->req.source.u.file.size ? w->req.source.u.file.size : 1;
        if (!fits_locked(rt, need))
            break;
        rt->staging_head = w->next_waiting;
        if (!rt->staging_head)
            rt->staging_tail = NULL;
        rt->staging_used += need;
        w->staging_bytes = need;
        *link = w;
        link = &w->next_waiting;
    }
    *link = NULL;
    pthread_mutex_unlock(&rt->staging_lock);
    while (ready) {
        dsvk_exec *w = ready;
        ready = w->next_waiting;
        if (dsvk_exec_live(w))
            begin_reads(w);
        dsvk_exec_job_done(w);
    }
}

bool dsvk_staging_forget(dsvk_runtime *rt, dsvk_exec *e)
{
    bool found = false;
    pthread_mutex_lock(&rt->staging_lock);
    for (dsvk_exec **p = &rt->staging_head, *prev = NULL; *p; prev = *p, p = &(*p)->next_waiting) {
        if (*p != e)
            continue;
        *p = e->next_waiting;
        if (rt->staging_tail == e)
            rt->staging_tail = prev;
        found = true;
        break;
    }
    pthread_mutex_unlock(&rt->staging_lock);
    return found;
}
