/*
 * Running one request: read (file sources), then copy or decode, then finish.
 *
 * e->pending counts everything outstanding — I/O ops, jobs, the staging wait, the custom
 * decompressor, and short "holds" taken by whoever is about to add work — so a request
 * finishes exactly once, when it drops to zero. A stage adds its work before the previous
 * stage's count is released.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "gpu/executor.h"
#include "internal.h"

static void set_error(dsvk_exec *e, dsvk_result r, int sys_errno)
{
    int expected = DSVK_OK;
    if (!atomic_compare_exchange_strong(&e->result, &expected, (int)r))
        return; /* the first failure stays */
    atomic_store(&e->sys_errno, sys_errno);
    if (e->req.source.type == DSVK_SOURCE_FILE && e->req.source.u.file.file)
        DSVK_WARN("queue '%s': request '%s' (%s, offset %llu, %u bytes) failed: %s%s%s",
                  e->queue->name, e->name, e->req.source.u.file.file->name,
                  (unsigned long long)e->req.source.u.file.offset, e->req.source.u.file.size,
                  dsvk_result_string(r), sys_errno ? ": " : "",
                  sys_errno ? strerror(sys_errno) : "");
    else
        DSVK_WARN("queue '%s': request '%s' (memory, %u bytes) failed: %s", e->queue->name,
                  e->name, e->req.source.u.memory.size, dsvk_result_string(r));
}

void dsvk_exec_fail(dsvk_exec *e, dsvk_result r, int sys_errno)
{
    set_error(e, r, sys_errno);
}

bool dsvk_exec_live(const dsvk_exec *e)
{
    return !atomic_load_explicit(&e->cancelled, memory_order_acquire) &&
           atomic_load_explicit(&e->result, memory_order_relaxed) == DSVK_OK;
}

static void finish(dsvk_exec *e)
{
    if (atomic_load(&e->cancelled))
        atomic_store(&e->result, DSVK_E_CANCELLED);
    if (e->staging_bytes)
        dsvk_staging_release(e->queue->rt, e);
    if (atomic_load(&e->gpu))
        dsvk_gpu_exec_finished(e);
    dsvk_runtime *rt = e->queue->rt;
    if (rt->before_finish)
        rt->before_finish(rt->before_finish_user, &e->req);
    dsvk_queue_request_done(e);
}

void dsvk_exec_job_done(dsvk_exec *e)
{
    if (atomic_fetch_sub_explicit(&e->pending, 1, memory_order_acq_rel) == 1)
        finish(e);
}

static void finish_job_run(dsvk_job *job)
{
    finish(DSVK_CONTAINER(job, dsvk_exec, job));
}

/* Like dsvk_exec_job_done, for threads that belong to the application (enqueue, submit,
 * cancel, custom results): a request that finishes here is finished on a worker, so no
 * completion work or callback ever runs inside those calls. */
void dsvk_exec_drop(dsvk_exec *e)
{
    if (atomic_fetch_sub_explicit(&e->pending, 1, memory_order_acq_rel) != 1)
        return;
    e->job = (dsvk_job){.fn = finish_job_run, .priority = e->queue->io_priority};
    dsvk_job *j = &e->job;
    dsvk_workers_push(&e->queue->rt->workers, &j, 1);
}

/* After the data is in memory (read finished, or a memory source): the compute stage. */
static void process(dsvk_exec *e, const void *src, uint64_t size)
{
    if (dsvk_gpu_destination(e->req.destination.type)) {
        dsvk_gpu_exec_data_ready(e, src, size);
        return;
    }
    switch (e->req.compression) {
    case DSVK_COMPRESSION_NONE:
        if (src != e->req.destination.u.memory.data)
            dsvk_decode_start(e, src, size); /* a copy, chunked over the workers */
        return;
    case DSVK_COMPRESSION_GDEFLATE:
        if (e->queue->rt->cfg.cpu_decompression_threads < 0) {
            dsvk_custom_offer(e);
            return;
        }
        dsvk_decode_start(e, src, size);
        return;
    default:
        dsvk_custom_offer(e);
        return;
    }
}

static dsvk_result errno_result(int err)
{
    switch (err) {
    case EBADF: return DSVK_E_FILE_NOT_OPEN;
    case EINVAL:
    case EOVERFLOW: return DSVK_E_INVALID_FILE_OFFSET;
    case ENOMEM: return DSVK_E_NO_MEMORY;
    default: return DSVK_E_IO;
    }
}

static void op_done(dsvk_io_op *op)
{
    dsvk_exec *e = op->user;
    if (op->result < 0)
        set_error(e, errno_result((int)-op->result), (int)-op->result);
    else if ((uint64_t)op->result < op->len)
        set_error(e, DSVK_E_END_OF_FILE, 0);
    if (atomic_fetch_sub_explicit(&e->reads_left, 1, memory_order_acq_rel) == 1 &&
        dsvk_exec_live(e)) {
        process(e, e->read_buf, e->req.source.u.file.size);
    }
    dsvk_exec_job_done(e);
}

void dsvk_exec_issue_reads(dsvk_exec *e, void *buf)
{
    dsvk_runtime *rt = e->queue->rt;
    dsvk_file *f = e->req.source.u.file.file;
    uint64_t size = e->req.source.u.file.size, offset = e->req.source.u.file.offset;
    uint32_t chunk = rt->cfg.chunk_size;
    uint32_t n = size ? (uint32_t)((size + chunk - 1) / chunk) : 0;

    e->read_buf = buf;
    if (n == 0) {
        process(e, buf, 0);
        return;
    }
    if (n == 1) {
        e->ops = &e->inline_op;
    } else {
        e->ops = calloc(n, sizeof(*e->ops));
        if (!e->ops) {
            set_error(e, DSVK_E_NO_MEMORY, ENOMEM);
            return;
        }
    }
    atomic_store(&e->reads_left, (int)n);
    atomic_fetch_add(&e->pending, (int)n);

    dsvk_io_op *ptrs_stack[16];
    dsvk_io_op **ptrs = n <= 16 ? ptrs_stack : malloc(n * sizeof(*ptrs));
    size_t to_submit = 0;
    int inject = atomic_load(&f->inject_errno);
    for (uint32_t i = 0; i < n; i++) {
        dsvk_io_op *op = &e->ops[i];
        uint64_t at = (uint64_t)i * chunk;
        *op = (dsvk_io_op){
            .fd = f->fd,
            .direct_fd = f->direct_fd,
            .align = f->align,
            .offset = offset + at,
            .len = (uint32_t)(size - at < chunk ? size - at : chunk),
            .dst = (uint8_t *)buf + at,
            .priority = e->queue->io_priority,
            .done = op_done,
            .user = e,
        };
        if (inject && op->offset < f->inject_offset + f->inject_len &&
            f->inject_offset < op->offset + op->len) {
            op->result = -inject; /* test hook: fail as the kernel would, without reading */
            op_done(op);
            continue;
        }
        if (ptrs)
            ptrs[to_submit++] = op;
        else
            dsvk_io_submit(rt->io, &op, 1);
    }
    if (ptrs) {
        dsvk_io_submit(rt->io, ptrs, to_submit);
        if (ptrs != ptrs_stack)
            free(ptrs);
    }
    atomic_store_explicit(&e->n_ops, n, memory_order_release);
}

void dsvk_exec_start(dsvk_exec *e)
{
    atomic_store(&e->pending, 1); /* the start hold */
    const dsvk_request *r = &e->req;
    if (atomic_load(&e->cancelled)) {
        /* cancelled between submit and start: nothing to do */
    } else if (dsvk_gpu_destination(r->destination.type)) {
        dsvk_gpu_exec_start(e);
    } else if (r->source.type == DSVK_SOURCE_MEMORY) {
        process(e, r->source.u.memory.data, r->source.u.memory.size);
    } else if (atomic_load(&r->source.u.file.file->closed)) {
        set_error(e, DSVK_E_FILE_NOT_OPEN, 0);
    } else if (r->compression == DSVK_COMPRESSION_NONE) {
        dsvk_exec_issue_reads(e, r->destination.u.memory.data);
    } else {
        dsvk_staging_acquire(e);
    }
    dsvk_exec_drop(e);
}

bool dsvk_exec_try_cancel(dsvk_exec *e)
{
    bool any = false;
    dsvk_runtime *rt = e->queue->rt;
    if (dsvk_staging_forget(rt, e)) {
        dsvk_exec_drop(e);
        any = true;
    }
    if (dsvk_custom_withdraw(e)) {
        dsvk_exec_drop(e);
        any = true;
    }
    if (dsvk_gpu_exec_withdraw(e)) {
        dsvk_exec_drop(e);
        any = true;
    }
    /* Ops not yet published are in flight or done: cancel waits for them instead. */
    uint32_t n_ops = atomic_load_explicit(&e->n_ops, memory_order_acquire);
    for (uint32_t i = 0; i < n_ops; i++) {
        if (dsvk_io_cancel(rt->io, &e->ops[i])) {
            /* done() will not run for it: account for it here. */
            atomic_fetch_sub(&e->reads_left, 1);
            dsvk_exec_drop(e);
            any = true;
        }
    }
    return any;
}

void dsvk_exec_free(dsvk_exec *e)
{
    if (e->req.source.type == DSVK_SOURCE_FILE && e->req.source.u.file.file)
        dsvk_file_unref(e->req.source.u.file.file);
    if (e->ops && e->ops != &e->inline_op)
        free(e->ops);
    free(e->tiles);
    free(e->footprints);
    free(e);
}
