/*
 * Queues: a ring of entries. Requests finish in any order; entries retire strictly in ring
 * order, which is what completes status and signal entries in enqueue order and reports
 * first failures in enqueue order. One thread at a time retires a queue ("retiring"), so
 * signal callbacks run in order and outside the lock.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "gpu/device.h"
#include "gpu/executor.h"
#include "internal.h"
#include "stats.h"
#include "stats_file.h"

#define RETIRE_BATCH 64

static uint8_t io_priority_of(dsvk_priority p)
{
    return (uint8_t)(p + 1); /* LOW -1 .. REALTIME 2  ->  0 .. 3 */
}

dsvk_result dsvk_queue_create(dsvk_runtime *rt, const dsvk_queue_desc *desc, dsvk_queue **out)
{
    if (!rt || !desc || !out)
        return DSVK_E_INVALID_ARGUMENT;
    *out = NULL;
    if (desc->capacity < DSVK_QUEUE_MIN_CAPACITY || desc->capacity > DSVK_QUEUE_MAX_CAPACITY)
        return DSVK_E_INVALID_QUEUE_CAPACITY;
    if (desc->priority < DSVK_PRIORITY_LOW || desc->priority > DSVK_PRIORITY_REALTIME)
        return DSVK_E_INVALID_QUEUE_PRIORITY;
    if (desc->source_type != DSVK_SOURCE_FILE && desc->source_type != DSVK_SOURCE_MEMORY)
        return DSVK_E_INVALID_SOURCE_TYPE;
    if (desc->source_type == DSVK_SOURCE_MEMORY && desc->priority != DSVK_PRIORITY_REALTIME)
        return DSVK_E_INVALID_MEMORY_QUEUE_PRIORITY;

    dsvk_queue *q = calloc(1, sizeof(*q));
    if (!q)
        return DSVK_E_NO_MEMORY;
    q->ring = calloc(desc->capacity, sizeof(*q->ring));
    if (!q->ring) {
        free(q);
        return DSVK_E_NO_MEMORY;
    }
    q->rt = rt;
    q->desc = *desc;
    snprintf(q->name, sizeof(q->name), "%s", desc->name ? desc->name : "");
    q->desc.name = q->name;
    q->cap = desc->capacity;
    q->io_priority = io_priority_of(desc->priority);
    if (desc->device)
        dsvk_device_ref(desc->device);
    q->error_fd = -1;
    q->record.kind = DSVK_ENTRY_NONE;
    pthread_mutex_init(&q->lock, NULL);
    pthread_cond_init(&q->not_full, NULL);
    pthread_cond_init(&q->progress, NULL);
    pthread_mutex_lock(&rt->lock);
    dsvk_list_add(&rt->queues, &q->link);
    pthread_mutex_unlock(&rt->lock);
    *out = q;
    return DSVK_OK;
}

/* --- failures and the error record (queue lock held) --- */

static bool record_failure(dsvk_queue *q, dsvk_entry_kind kind, dsvk_result r, const dsvk_exec *e,
                           int sys_errno)
{
    dsvk_error_record *rec = &q->record;
    bool first = rec->failure_count == 0;
    rec->failure_count++;
    if (!first)
        return false;
    rec->result = r;
    rec->kind = kind;
    rec->sys_errno = sys_errno;
    if (e) {
        rec->request = e->req;
        snprintf(rec->request_name, sizeof(rec->request_name), "%s", e->name);
        rec->file_name[0] = 0;
        if (e->req.source.type == DSVK_SOURCE_FILE && e->req.source.u.file.file)
            snprintf(rec->file_name, sizeof(rec->file_name), "%s",
                     e->req.source.u.file.file->name);
        rec->request.source.u.file.file = NULL;
        rec->request.name = NULL;
    }
    return true;
}

static void notify_error(dsvk_queue *q)
{
    if (q->error_fd >= 0) {
        uint64_t one = 1;
        ssize_t n = write(q->error_fd, &one, sizeof(one));
        (void)n;
    }
    if (q->desc.on_error)
        q->desc.on_error(q->desc.on_error_user, q);
}

/* --- retirement --- */

static void account_request(dsvk_queue *q, dsvk_exec *e, dsvk_result r, bool *notify)
{
    dsvk_queue_stats *st = &q->stats;
    if (r == DSVK_E_CANCELLED) {
        st->requests_cancelled++;
        return;
    }
    if (r != DSVK_OK) {
        st->requests_failed++;
        if (q->failure_since_status == DSVK_OK)
            q->failure_since_status = r;
        if (record_failure(q, DSVK_ENTRY_REQUEST, r, e, atomic_load(&e->sys_errno)))
            *notify = true;
        return;
    }
    st->requests_completed++;
    st->bytes_read += e->req.source.type == DSVK_SOURCE_FILE ? e->req.source.u.file.size
                                                             : e->req.source.u.memory.size;
    st->bytes_written += e->req.compression == DSVK_COMPRESSION_NONE
                             ? (e->req.source.type == DSVK_SOURCE_FILE
                                    ? e->req.source.u.file.size
                                    : e->req.source.u.memory.size)
                             : e->req.uncompressed_size;
    dsvk_stats_add_latency(st, dsvk_now_ns() - e->submit_ns);
}

static void retire_locked(dsvk_queue *q)
{
    if (q->retiring) {
        q->retire_again = true;
        return;
    }
    q->retiring = true;
    for (;;) {
        dsvk_signal signals[RETIRE_BATCH];
        unsigned n_signals = 0;
        bool notify = false, freed = false;
        q->retire_again = false;

        while (q->head < q->submitted && n_signals < RETIRE_BATCH) {
            dsvk_entry *en = &q->ring[q->head % q->cap];
            if (en->state != ENTRY_DONE)
                break;
            switch (en->kind) {
            case DSVK_ENTRY_REQUEST: {
                dsvk_exec *e = en->u.exec;
                account_request(q, e, (dsvk_result)atomic_load(&e->result), &notify);
                dsvk_exec_free(e);
                break;
            }
            case DSVK_ENTRY_STATUS:
                atomic_store_explicit(&en->u.status.array->elems[en->u.status.index],
                                      q->failure_since_status, memory_order_release);
                q->failure_since_status = DSVK_OK;
                break;
            case DSVK_ENTRY_SIGNAL:
                signals[n_signals++] = en->u.signal;
                break;
            }
            en->state = ENTRY_FREE;
            q->head++;
            freed = true;
        }
        if (freed)
            pthread_cond_broadcast(&q->not_full);
        if (n_signals == 0 && !notify) {
            if (q->retire_again)
                continue;
            break;
        }
        pthread_mutex_unlock(&q->lock);
        for (unsigned i = 0; i < n_signals; i++) {
            const dsvk_signal *s = &signals[i];
            if (s->fn)
                s->fn(s->user, s->value);
            if (s->eventfd >= 0) {
                uint64_t v = s->value ? s->value : 1;
                if (write(s->eventfd, &v, sizeof(v)) < 0)
                    DSVK_WARN("queue '%s': signal eventfd %d: %s", q->name, s->eventfd,
                              strerror(errno));
            }
        }
        if (notify)
            notify_error(q);
        pthread_mutex_lock(&q->lock);
    }
    q->retiring = false;
    pthread_cond_broadcast(&q->progress);
}

static void retire_job_run(dsvk_job *job)
{
    dsvk_queue *q = DSVK_CONTAINER(job, dsvk_queue, retire_job);
    pthread_mutex_lock(&q->lock);
    q->retire_scheduled = false;
    retire_locked(q);
    pthread_cond_broadcast(&q->progress);
    pthread_mutex_unlock(&q->lock);
}

/* Retires on a worker what enqueue or submit made retirable (entries already complete), so
 * callbacks never run on the application's thread inside those calls. Lock held. */
static void schedule_retire_locked(dsvk_queue *q)
{
    if (q->retiring) {
        q->retire_again = true;
        return;
    }
    if (q->retire_scheduled || q->head == q->submitted ||
        q->ring[q->head % q->cap].state != ENTRY_DONE)
        return;
    q->retire_scheduled = true;
    q->retire_job = (dsvk_job){.fn = retire_job_run, .priority = q->io_priority};
    dsvk_job *j = &q->retire_job;
    dsvk_workers_push(&q->rt->workers, &j, 1);
}

void dsvk_queue_request_done(dsvk_exec *e)
{
    dsvk_queue *q = e->queue;
    pthread_mutex_lock(&q->lock);
    q->ring[e->seq % q->cap].state = ENTRY_DONE;
    if (--q->running == 0 && q->busy_since_ns) {
        q->stats.busy_ns += dsvk_now_ns() - q->busy_since_ns;
        q->busy_since_ns = 0;
    }
    pthread_cond_broadcast(&q->progress);
    retire_locked(q);
    pthread_mutex_unlock(&q->lock);
}

/* --- enqueue and submit --- */

/* Marks entries [submitted, tail) submitted; returns the requests to start. Lock held. */
static dsvk_exec *submit_locked(dsvk_queue *q)
{
    dsvk_exec *start = NULL, **link = &start;
    uint64_t now = dsvk_now_ns();
    if (q->submitted == q->tail)
        return NULL;
    for (uint64_t i = q->submitted; i < q->tail; i++) {
        dsvk_entry *en = &q->ring[i % q->cap];
        if (en->kind != DSVK_ENTRY_REQUEST || en->state == ENTRY_DONE) {
            en->state = ENTRY_DONE;
            continue;
        }
        dsvk_exec *e = en->u.exec;
        e->submit_ns = now;
        if (atomic_load(&e->result) != DSVK_OK || atomic_load(&e->cancelled)) {
            if (atomic_load(&e->cancelled))
                atomic_store(&e->result, DSVK_E_CANCELLED);
            en->state = ENTRY_DONE;
            continue;
        }
        en->state = ENTRY_RUNNING;
        if (q->running++ == 0)
            q->busy_since_ns = now;
        *link = e;
        link = &e->next_start;
    }
    *link = NULL;
    q->submitted = q->tail;
    q->stats.submits++;
    return start;
}

static void start_all(dsvk_exec *e)
{
    while (e) {
        dsvk_exec *next = e->next_start;
        dsvk_exec_start(e);
        e = next;
    }
}

/* Waits for a free slot. Lock held; false when the queue is closing. */
static bool wait_slot_locked(dsvk_queue *q)
{
    while (!q->closing && q->tail - q->head >= q->cap - 1)
        pthread_cond_wait(&q->not_full, &q->lock);
    return !q->closing;
}

/* After an entry was added: auto-submit at half capacity. Lock held; returns to start. */
static dsvk_exec *after_enqueue_locked(dsvk_queue *q)
{
    if (q->tail - q->submitted < q->cap / 2)
        return NULL;
    dsvk_exec *start = submit_locked(q);
    schedule_retire_locked(q);
    return start;
}

static dsvk_result check_request(const dsvk_queue *q, const dsvk_request *r)
{
    if (r->source.type != q->desc.source_type)
        return DSVK_E_INVALID_SOURCE_TYPE;
    uint32_t src_size;
    if (r->source.type == DSVK_SOURCE_FILE) {
        const dsvk_file *f = r->source.u.file.file;
        if (!f || atomic_load(&f->closed))
            return DSVK_E_FILE_NOT_OPEN;
        src_size = r->source.u.file.size;
        if (r->source.u.file.offset > UINT64_MAX - src_size ||
            r->source.u.file.offset > (uint64_t)INT64_MAX)
            return DSVK_E_INVALID_FILE_OFFSET;
    } else {
        src_size = r->source.u.memory.size;
        if (!r->source.u.memory.data && src_size)
            return DSVK_E_INVALID_ARGUMENT;
    }
    uint8_t c = r->compression;
    if (c != DSVK_COMPRESSION_NONE && c != DSVK_COMPRESSION_GDEFLATE &&
        c < DSVK_COMPRESSION_CUSTOM_FIRST)
        return DSVK_E_UNSUPPORTED_FORMAT;

    switch (r->destination.type) {
    case DSVK_DEST_MEMORY: {
        uint32_t dst_size = r->destination.u.memory.size;
        if (!r->destination.u.memory.data && dst_size)
            return DSVK_E_INVALID_ARGUMENT;
        if (c == DSVK_COMPRESSION_NONE) {
            if (dst_size != src_size ||
                (r->uncompressed_size && r->uncompressed_size != src_size))
                return DSVK_E_INVALID_DESTINATION_SIZE;
        } else if (r->uncompressed_size != dst_size) {
            return DSVK_E_INVALID_DESTINATION_SIZE;
        }
        return DSVK_OK;
    }
    case DSVK_DEST_BUFFER:
    case DSVK_DEST_IMAGE_REGION:
    case DSVK_DEST_SUBRESOURCES:
    case DSVK_DEST_TILES:
        if (!q->desc.device)
            return DSVK_E_INVALID_DESTINATION_TYPE;
        return dsvk_gpu_exec_validate(q->desc.device, r, q->name, r->name ? r->name : "");
    }
    return DSVK_E_INVALID_DESTINATION_TYPE;
}

static dsvk_exec *exec_new(dsvk_queue *q, const dsvk_request *req, dsvk_result *v)
{
    dsvk_exec *e = calloc(1, sizeof(*e));
    if (!e)
        return NULL;
    e->req = *req;
    e->queue = q;
    snprintf(e->name, sizeof(e->name), "%s", req->name ? req->name : "");
    e->req.name = e->name;
    *v = check_request(q, req);
    if (*v == DSVK_OK && req->destination.type == DSVK_DEST_SUBRESOURCES) {
        uint32_t n = req->destination.u.subresources.count;
        e->footprints = calloc(n ? n : 1, sizeof(dsvk_footprint));
        if (!e->footprints) {
            free(e);
            return NULL;
        }
        if (n)
            memcpy(e->footprints, req->destination.u.subresources.footprints,
                   n * sizeof(dsvk_footprint));
        e->req.destination.u.subresources.footprints = e->footprints;
    }
    if (e->req.source.type == DSVK_SOURCE_FILE) {
        /* The request keeps the file (and its name, for error records) alive. */
        dsvk_file *f = e->req.source.u.file.file;
        if (f && !atomic_load(&f->closed))
            dsvk_file_ref(f);
        else
            e->req.source.u.file.file = NULL;
    }
    atomic_init(&e->result, *v);
    return e;
}

dsvk_result dsvk_queue_enqueue_request(dsvk_queue *q, const dsvk_request *req)
{
    if (!q || !req)
        return DSVK_E_INVALID_ARGUMENT;
    dsvk_result v;
    dsvk_exec *e = exec_new(q, req, &v);
    if (!e)
        return DSVK_E_NO_MEMORY;
    if (v != DSVK_OK)
        DSVK_WARN("queue '%s': request '%s' rejected: %s", q->name, e->name,
                  dsvk_result_string(v));

    pthread_mutex_lock(&q->lock);
    q->users++;
    if (!wait_slot_locked(q)) {
        q->users--;
        pthread_cond_broadcast(&q->progress);
        pthread_mutex_unlock(&q->lock);
        dsvk_exec_free(e);
        return DSVK_E_QUEUE_CLOSED;
    }
    e->seq = q->tail;
    dsvk_entry *en = &q->ring[q->tail % q->cap];
    en->kind = DSVK_ENTRY_REQUEST;
    en->state = ENTRY_ENQUEUED;
    en->u.exec = e;
    q->tail++;
    dsvk_exec *start = after_enqueue_locked(q);
    q->users--;
    pthread_cond_broadcast(&q->progress);
    pthread_mutex_unlock(&q->lock);
    start_all(start);
    return v;
}

static dsvk_result enqueue_barrier(dsvk_queue *q, const dsvk_entry *proto)
{
    pthread_mutex_lock(&q->lock);
    q->users++;
    if (!wait_slot_locked(q)) {
        q->users--;
        pthread_cond_broadcast(&q->progress);
        pthread_mutex_unlock(&q->lock);
        return DSVK_E_QUEUE_CLOSED;
    }
    dsvk_entry *en = &q->ring[q->tail % q->cap];
    *en = *proto;
    en->state = ENTRY_ENQUEUED;
    if (en->kind == DSVK_ENTRY_STATUS)
        atomic_store_explicit(&en->u.status.array->elems[en->u.status.index], DSVK_E_PENDING,
                              memory_order_release);
    q->tail++;
    dsvk_exec *start = after_enqueue_locked(q);
    q->users--;
    pthread_cond_broadcast(&q->progress);
    pthread_mutex_unlock(&q->lock);
    start_all(start);
    return DSVK_OK;
}

static dsvk_result reject_entry(dsvk_queue *q, dsvk_entry_kind kind, dsvk_result r,
                                dsvk_status_array *array, uint32_t index, uint64_t value)
{
    pthread_mutex_lock(&q->lock);
    bool first = record_failure(q, kind, r, NULL, 0);
    if (first) {
        q->record.status_array = array;
        q->record.status_index = index;
        q->record.signal_value = value;
    }
    pthread_mutex_unlock(&q->lock);
    DSVK_WARN("queue '%s': %s entry rejected: %s", q->name,
              kind == DSVK_ENTRY_STATUS ? "status" : "signal", dsvk_result_string(r));
    if (first)
        notify_error(q);
    return r;
}

dsvk_result dsvk_queue_enqueue_status(dsvk_queue *q, dsvk_status_array *array, uint32_t index)
{
    if (!q)
        return DSVK_E_INVALID_ARGUMENT;
    if (!array)
        return reject_entry(q, DSVK_ENTRY_STATUS, DSVK_E_INVALID_STATUS_ARRAY, array, index, 0);
    if (index >= array->capacity)
        return reject_entry(q, DSVK_ENTRY_STATUS, DSVK_E_INDEX_BOUND, array, index, 0);
    dsvk_entry proto = {.kind = DSVK_ENTRY_STATUS};
    proto.u.status.array = array;
    proto.u.status.index = index;
    return enqueue_barrier(q, &proto);
}

dsvk_result dsvk_queue_enqueue_signal(dsvk_queue *q, const dsvk_signal *signal)
{
    if (!q)
        return DSVK_E_INVALID_ARGUMENT;
    if (!signal || (!signal->fn && signal->eventfd < 0))
        return reject_entry(q, DSVK_ENTRY_SIGNAL, DSVK_E_INVALID_FENCE, NULL, 0,
                            signal ? signal->value : 0);
    dsvk_entry proto = {.kind = DSVK_ENTRY_SIGNAL};
    proto.u.signal = *signal;
    return enqueue_barrier(q, &proto);
}

void dsvk_queue_submit(dsvk_queue *q)
{
    if (!q)
        return;
    pthread_mutex_lock(&q->lock);
    dsvk_exec *start = submit_locked(q);
    schedule_retire_locked(q);
    pthread_mutex_unlock(&q->lock);
    start_all(start);
}

/* --- cancellation --- */

static bool take_hold(dsvk_exec *e)
{
    int p = atomic_load(&e->pending);
    while (p > 0)
        if (atomic_compare_exchange_weak(&e->pending, &p, p + 1))
            return true;
    return false;
}

static bool entry_settled(const dsvk_queue *q, uint64_t seq)
{
    return seq < q->head || q->ring[seq % q->cap].state == ENTRY_DONE;
}

void dsvk_queue_cancel(dsvk_queue *q, uint64_t mask, uint64_t value)
{
    if (!q)
        return;
    pthread_mutex_lock(&q->lock);
    uint64_t n = q->tail - q->head;
    uint64_t *waits = n ? malloc(n * sizeof(*waits)) : NULL;
    dsvk_exec **held = n ? malloc(n * sizeof(*held)) : NULL;
    size_t n_waits = 0, n_held = 0;
    for (uint64_t i = q->head; i < q->tail; i++) {
        dsvk_entry *en = &q->ring[i % q->cap];
        if (en->kind != DSVK_ENTRY_REQUEST || en->state == ENTRY_DONE)
            continue;
        dsvk_exec *e = en->u.exec;
        if ((e->req.cancel_tag & mask) != value)
            continue;
        atomic_store(&e->cancelled, true);
        if (en->state == ENTRY_ENQUEUED)
            continue; /* submit will complete it as cancelled without starting it */
        if (held && take_hold(e))
            held[n_held++] = e;
        if (waits)
            waits[n_waits++] = i;
    }
    if (n && (!waits || !held))
        DSVK_ERR("queue '%s': out of memory while cancelling; waiting for all work", q->name);
    pthread_mutex_unlock(&q->lock);

    /* Take back what has not started; the holds keep these requests alive meanwhile. */
    for (size_t i = 0; i < n_held; i++) {
        dsvk_exec_try_cancel(held[i]);
        dsvk_exec_drop(held[i]);
    }

    /* dsvk's promise: once we return, no cancelled request writes its destination. */
    pthread_mutex_lock(&q->lock);
    if (waits && held) {
        for (size_t i = 0; i < n_waits; i++)
            while (!entry_settled(q, waits[i]))
                pthread_cond_wait(&q->progress, &q->lock);
    } else {
        while (q->running)
            pthread_cond_wait(&q->progress, &q->lock);
    }
    pthread_mutex_unlock(&q->lock);
    free(waits);
    free(held);
}

void dsvk_queue_close(dsvk_queue *q)
{
    if (!q)
        return;
    dsvk_runtime *rt = q->rt;
    pthread_mutex_lock(&q->lock);
    q->closing = true;
    pthread_cond_broadcast(&q->not_full);
    while (q->users)
        pthread_cond_wait(&q->progress, &q->lock);
    pthread_mutex_unlock(&q->lock);

    dsvk_queue_cancel(q, 0, 0);

    pthread_mutex_lock(&q->lock);
    dsvk_exec *start = submit_locked(q); /* only barriers and cancelled requests remain */
    retire_locked(q);
    while (q->head != q->tail || q->retiring || q->running || q->retire_scheduled)
        pthread_cond_wait(&q->progress, &q->lock);
    pthread_mutex_unlock(&q->lock);
    start_all(start); /* nothing: every request left was cancelled */

    if (rt->cfg.stats_at_exit)
        dsvk_stats_print_queue(q);
    dsvk_stats_file_queue_closing(q);
    pthread_mutex_lock(&rt->lock);
    dsvk_list_remove(&q->link);
    pthread_mutex_unlock(&rt->lock);
    if (q->desc.device)
        dsvk_device_release(q->desc.device);
    if (q->error_fd >= 0)
        close(q->error_fd);
    pthread_mutex_destroy(&q->lock);
    pthread_cond_destroy(&q->not_full);
    pthread_cond_destroy(&q->progress);
    free(q->ring);
    free(q);
}

/* --- information --- */

void dsvk_queue_retrieve_error_record(dsvk_queue *q, dsvk_error_record *out)
{
    if (!q || !out)
        return;
    pthread_mutex_lock(&q->lock);
    *out = q->record;
    memset(&q->record, 0, sizeof(q->record));
    q->record.kind = DSVK_ENTRY_NONE;
    pthread_mutex_unlock(&q->lock);
    if (out->kind == DSVK_ENTRY_REQUEST)
        out->request.name = out->request_name;
    if (q->error_fd >= 0) {
        uint64_t drain;
        ssize_t r = read(q->error_fd, &drain, sizeof(drain)); /* re-arm: the record is empty */
        (void)r;
    }
}

int dsvk_queue_error_fd(dsvk_queue *q)
{
    if (!q)
        return -1;
    pthread_mutex_lock(&q->lock);
    if (q->error_fd < 0) {
        q->error_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (q->error_fd >= 0 && q->record.failure_count) {
            uint64_t one = 1;
            ssize_t r = write(q->error_fd, &one, sizeof(one));
            (void)r;
        }
    }
    int fd = q->error_fd;
    pthread_mutex_unlock(&q->lock);
    return fd;
}

void dsvk_queue_query(dsvk_queue *q, dsvk_queue_info *info)
{
    if (!q || !info)
        return;
    pthread_mutex_lock(&q->lock);
    uint64_t used = q->tail - q->head, unsubmitted = q->tail - q->submitted;
    *info = (dsvk_queue_info){
        .source_type = q->desc.source_type,
        .capacity = (uint16_t)q->cap,
        .priority = q->desc.priority,
        .name = q->name,
        .empty_slots = (uint16_t)(q->cap - 1 - used),
        .requests_until_autosubmit =
            (uint16_t)(unsubmitted >= q->cap / 2 ? 0 : q->cap / 2 - unsubmitted),
    };
    pthread_mutex_unlock(&q->lock);
}

void dsvk_queue_get_stats(dsvk_queue *q, dsvk_queue_stats *stats)
{
    if (!q || !stats)
        return;
    pthread_mutex_lock(&q->lock);
    *stats = q->stats;
    if (q->busy_since_ns)
        stats->busy_ns += dsvk_now_ns() - q->busy_since_ns;
    pthread_mutex_unlock(&q->lock);
}
