/*
 * The custom decompression queue: requests whose data the application decompresses itself.
 * Offered requests wait in a FIFO until taken; taken ones are looked up by id when the
 * application reports results. Each offered request holds one count of its pending work.
 */
#include <stdlib.h>
#include <unistd.h>

#include "internal.h"

static bool selected(const dsvk_exec *e, dsvk_custom_select select)
{
    bool custom = e->req.compression >= DSVK_COMPRESSION_CUSTOM_FIRST;
    return custom ? (select & DSVK_CUSTOM_SELECT_CUSTOM) : (select & DSVK_CUSTOM_SELECT_BUILTIN);
}

void dsvk_custom_offer(dsvk_exec *e)
{
    dsvk_runtime *rt = e->queue->rt;
    atomic_fetch_add(&e->pending, 1);
    pthread_mutex_lock(&rt->custom_lock);
    e->custom_id = rt->custom_next_id++;
    e->custom_taken = false;
    e->next_custom = NULL;
    if (rt->custom_tail)
        rt->custom_tail->next_custom = e;
    else
        rt->custom_head = e;
    rt->custom_tail = e;
    pthread_mutex_unlock(&rt->custom_lock);
    uint64_t one = 1;
    if (write(rt->custom_fd, &one, sizeof(one)) < 0)
        DSVK_WARN("custom decompression event: cannot signal");
}

bool dsvk_custom_withdraw(dsvk_exec *e)
{
    dsvk_runtime *rt = e->queue->rt;
    bool found = false;
    pthread_mutex_lock(&rt->custom_lock);
    dsvk_exec *prev = NULL;
    for (dsvk_exec **p = &rt->custom_head; *p; prev = *p, p = &(*p)->next_custom) {
        if (*p != e)
            continue;
        *p = e->next_custom;
        if (rt->custom_tail == e)
            rt->custom_tail = prev;
        found = true;
        break;
    }
    pthread_mutex_unlock(&rt->custom_lock);
    return found;
}

int dsvk_custom_event_fd(dsvk_runtime *rt)
{
    return rt ? rt->custom_fd : -1;
}

static const void *source_bytes(const dsvk_exec *e)
{
    return e->req.source.type == DSVK_SOURCE_MEMORY ? e->req.source.u.memory.data : e->staging;
}

dsvk_result dsvk_custom_get_requests(dsvk_runtime *rt, dsvk_custom_select select, uint32_t max,
                                     dsvk_custom_request *out, uint32_t *count)
{
    if (!rt || !count || (max && !out) || !(select & DSVK_CUSTOM_SELECT_ALL))
        return DSVK_E_INVALID_ARGUMENT;
    *count = 0;
    pthread_mutex_lock(&rt->custom_lock);
    dsvk_exec *prev = NULL;
    for (dsvk_exec *e = rt->custom_head, *next; e && *count < max; e = next) {
        next = e->next_custom;
        if (!selected(e, select)) {
            prev = e;
            continue;
        }
        if (rt->custom_taken_count == rt->custom_taken_cap) {
            uint32_t cap = rt->custom_taken_cap ? rt->custom_taken_cap * 2 : 64;
            dsvk_exec **t = realloc(rt->custom_taken, cap * sizeof(*t));
            if (!t)
                break;
            rt->custom_taken = t;
            rt->custom_taken_cap = cap;
        }
        if (prev)
            prev->next_custom = next;
        else
            rt->custom_head = next;
        if (rt->custom_tail == e)
            rt->custom_tail = prev;
        e->custom_taken = true;
        rt->custom_taken[rt->custom_taken_count++] = e;
        uint64_t src_size = e->req.source.type == DSVK_SOURCE_MEMORY
                                ? e->req.source.u.memory.size
                                : e->req.source.u.file.size;
        out[(*count)++] = (dsvk_custom_request){
            .id = e->custom_id,
            .compression = e->req.compression,
            .src_size = src_size,
            .src = source_bytes(e),
            .dst_size = e->req.destination.u.memory.size,
            .dst = e->req.destination.u.memory.data,
        };
    }
    bool more = rt->custom_head != NULL;
    pthread_mutex_unlock(&rt->custom_lock);
    if (!more) {
        uint64_t drain;
        ssize_t n = read(rt->custom_fd, &drain, sizeof(drain));
        (void)n;
        pthread_mutex_lock(&rt->custom_lock);
        more = rt->custom_head != NULL;
        pthread_mutex_unlock(&rt->custom_lock);
        if (more) { /* raced with an offer: keep the event readable */
            uint64_t one = 1;
            n = write(rt->custom_fd, &one, sizeof(one));
            (void)n;
        }
    }
    return DSVK_OK;
}

dsvk_result dsvk_custom_set_results(dsvk_runtime *rt, uint32_t count,
                                    const dsvk_custom_result *results)
{
    if (!rt || (count && !results))
        return DSVK_E_INVALID_ARGUMENT;
    for (uint32_t i = 0; i < count; i++) {
        dsvk_exec *e = NULL;
        pthread_mutex_lock(&rt->custom_lock);
        for (uint32_t j = 0; j < rt->custom_taken_count; j++) {
            if (rt->custom_taken[j]->custom_id == results[i].id) {
                e = rt->custom_taken[j];
                rt->custom_taken[j] = rt->custom_taken[--rt->custom_taken_count];
                break;
            }
        }
        pthread_mutex_unlock(&rt->custom_lock);
        if (!e) {
            DSVK_WARN("custom decompression: result for unknown request id %llu ignored",
                      (unsigned long long)results[i].id);
            continue;
        }
        if (results[i].result != DSVK_OK)
            dsvk_exec_fail(e, results[i].result == DSVK_E_PENDING ? DSVK_E_DECOMPRESSION
                                                                   : results[i].result,
                           0);
        dsvk_exec_drop(e);
    }
    return DSVK_OK;
}
