/*
 * dsvk-bench read, our side: the same workload through the public API (what users get) or
 * straight into the internal I/O engine (a diagnostic of the engine alone).
 *
 * Both keep `depth` reads in flight and refill from the completion callback itself, on the
 * core's thread, as fio refills from its reaping loop: no extra thread hop is measured.
 * Public API: the depth is spread over `queues` queues; each request is followed by a
 * callback signal carrying its slot, so a request's latency is enqueue+submit to its
 * signal (signals complete in queue order: with one queue that includes head-of-line
 * waiting, with one queue per request in flight it is each request's own).
 */
#include "bench.h"
#include "bench_read.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <dsvk/dsvk.h>

#include "io/io.h"

/* ---- shared pieces -------------------------------------------------------------------- */

static uint64_t xorshift(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545F4914F6CDD1Dull;
}

void read_pick(const read_opts *o, read_picker *p, uint32_t *file, uint64_t *offset)
{
    uint64_t blocks = o->file_size / o->bs;
    if (o->random) {
        uint64_t v = xorshift(&p->rng);
        *file = (uint32_t)(v % o->files);
        *offset = (xorshift(&p->rng) % blocks) * o->bs;
        return;
    }
    /* Sequential: one position over all files, files taken round-robin per block like
     * fio's default file_service_type, each file read front to back. */
    uint64_t n = atomic_fetch_add_explicit(p->cursor, 1, memory_order_relaxed);
    *file = (uint32_t)(n % o->files);
    *offset = ((n / o->files) % blocks) * o->bs;
}

void read_lat_add(read_lat *l, double us)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 4096;
        double *p = realloc(l->us, cap * sizeof(*p));
        if (!p)
            return; /* a lost sample, not a lost read */
        l->us = p;
        l->cap = cap;
    }
    l->us[l->n++] = us;
}

void read_lat_finish(read_lat *lanes, size_t n_lanes, read_result *r)
{
    size_t total = 0;
    for (size_t i = 0; i < n_lanes; i++)
        total += lanes[i].n;
    double *all = malloc((total ? total : 1) * sizeof(*all));
    size_t k = 0;
    for (size_t i = 0; i < n_lanes; i++) {
        if (all)
            memcpy(all + k, lanes[i].us, lanes[i].n * sizeof(*all));
        k += lanes[i].n;
        free(lanes[i].us);
        lanes[i] = (read_lat){0};
    }
    if (!all)
        return;
    qsort(all, total, sizeof(*all), bench_cmp_double);
    r->p50_us = bench_percentile(all, total, 50);
    r->p99_us = bench_percentile(all, total, 99);
    free(all);
}

/* Ends a run: the deadline (or byte budget) check made before every refill. */
typedef struct run_clock {
    double deadline; /* 0: byte budget */
    uint64_t budget; /* bytes to issue when byte-based */
    _Atomic uint64_t issued;
    atomic_bool stop;
    pthread_mutex_t lock;
    pthread_cond_t drained;
    uint32_t active; /* lanes with reads in flight */
    double last_done;
} run_clock;

static void clock_init(run_clock *c, const read_opts *o, uint32_t lanes)
{
    *c = (run_clock){.budget = o->bytes, .active = lanes};
    atomic_init(&c->issued, 0);
    atomic_init(&c->stop, false);
    pthread_mutex_init(&c->lock, NULL);
    pthread_cond_init(&c->drained, NULL);
}

static void clock_start(run_clock *c, const read_opts *o)
{
    c->deadline = o->seconds > 0 ? bench_now() + o->seconds : 0;
}

/* True when another read of bs bytes may be issued. */
static bool clock_may_issue(run_clock *c, uint32_t bs, double now)
{
    if (atomic_load_explicit(&c->stop, memory_order_relaxed))
        return false;
    bool go = c->deadline > 0
                  ? now < c->deadline
                  : atomic_fetch_add_explicit(&c->issued, bs, memory_order_relaxed) < c->budget;
    if (!go)
        atomic_store_explicit(&c->stop, true, memory_order_relaxed);
    return go;
}

static void clock_lane_done(run_clock *c, double now)
{
    pthread_mutex_lock(&c->lock);
    if (now > c->last_done)
        c->last_done = now;
    if (--c->active == 0)
        pthread_cond_broadcast(&c->drained);
    pthread_mutex_unlock(&c->lock);
}

static void clock_wait(run_clock *c)
{
    pthread_mutex_lock(&c->lock);
    while (c->active)
        pthread_cond_wait(&c->drained, &c->lock);
    pthread_mutex_unlock(&c->lock);
    pthread_mutex_destroy(&c->lock);
    pthread_cond_destroy(&c->drained);
}

static void fail(read_result *r, const char *fmt, const char *what)
{
    snprintf(r->error, sizeof(r->error), fmt, what);
    r->ok = false;
}

/* ---- through the public API ----------------------------------------------------------- */

typedef struct api_lane {
    struct api_run *run;
    dsvk_queue *q;
    uint8_t *bufs;     /* per_lane buffers of bs bytes, 4 KiB aligned */
    double *issued_at; /* per slot */
    uint32_t per_lane;
    uint32_t in_flight;
    read_picker pick;
    read_lat lat;
    uint64_t ios;
} api_lane;

typedef struct api_run {
    const read_opts *o;
    dsvk_file **files;
    api_lane *lanes;
    run_clock clock;
    _Atomic uint64_t cursor;
} api_run;

static void api_done(void *user, uint64_t slot);

/* Enqueues slot's next read and its signal (not submitted). */
static dsvk_result api_enqueue(api_lane *l, uint32_t slot)
{
    const read_opts *o = l->run->o;
    uint32_t file;
    uint64_t offset;
    read_pick(o, &l->pick, &file, &offset);
    dsvk_request req = {
        .source = {.type = DSVK_SOURCE_FILE,
                   .u.file = {.file = l->run->files[file], .offset = offset, .size = o->bs}},
        .destination = {.type = DSVK_DEST_MEMORY,
                        .u.memory = {.data = l->bufs + (size_t)slot * o->bs, .size = o->bs}},
    };
    dsvk_result r = dsvk_queue_enqueue_request(l->q, &req);
    if (r != DSVK_OK)
        return r;
    dsvk_signal sig = {.fn = api_done, .user = l, .eventfd = -1, .value = slot};
    r = dsvk_queue_enqueue_signal(l->q, &sig);
    if (r == DSVK_OK)
        l->issued_at[slot] = bench_now();
    return r;
}

/* A signal: the read of `slot` completed. Runs on a core thread, in queue order. */
static void api_done(void *user, uint64_t slot)
{
    api_lane *l = user;
    double now = bench_now();
    read_lat_add(&l->lat, (now - l->issued_at[slot]) * 1e6);
    l->ios++;
    if (clock_may_issue(&l->run->clock, l->run->o->bs, now) &&
        api_enqueue(l, (uint32_t)slot) == DSVK_OK) {
        dsvk_queue_submit(l->q);
        return;
    }
    if (--l->in_flight == 0)
        clock_lane_done(&l->run->clock, now);
}

void read_run_api(const read_opts *o, int backend, read_result *r)
{
    snprintf(r->path, sizeof(r->path), "api");
    dsvk_config cfg;
    dsvk_config_init(&cfg);
    cfg.io_backend = (dsvk_io_backend)backend;
    cfg.io_threads = o->threads;
    cfg.io_depth = o->depth > 64 ? o->depth : 64;
    cfg.direct_io = o->direct;
    cfg.chunk_size = o->bs > (1u << 20) ? o->bs : 0;
    dsvk_runtime *rt = NULL;
    dsvk_result res = dsvk_runtime_create(&cfg, &rt);
    if (res != DSVK_OK) {
        fail(r, "dsvk_runtime_create: %s", dsvk_result_string(res));
        return;
    }
    dsvk_runtime_info info;
    dsvk_runtime_get_info(rt, &info);
    r->setup_flags = info.uring_setup_flags;
    r->io_threads = info.io_threads;
    if (info.io_backend != (dsvk_io_backend)backend) {
        fail(r, "runtime fell back: %.200s", info.io_backend_reason);
        dsvk_runtime_destroy(rt);
        return;
    }

    uint32_t queues = o->queues ? o->queues : o->depth;
    if (queues > o->depth)
        queues = o->depth;
    api_run run = {.o = o};
    atomic_init(&run.cursor, 0);
    run.files = calloc(o->files, sizeof(*run.files));
    run.lanes = calloc(queues, sizeof(*run.lanes));
    for (uint32_t i = 0; i < o->files && run.files; i++) {
        /* Opened here and adopted (public API) so that the same access hint fio gives the
         * kernel is on dsvk's fd too; the runtime gives none of its own. */
        int fd = read_open(o, i);
        res =
            fd < 0 ? DSVK_E_FILE_NOT_OPEN : dsvk_file_adopt_fd(rt, fd, o->paths[i], &run.files[i]);
        if (res != DSVK_OK) {
            if (fd >= 0)
                close(fd);
            fail(r, "dsvk_file_open(%.200s) failed", o->paths[i]);
            goto out;
        }
    }
    for (uint32_t i = 0; i < queues && run.lanes; i++) {
        api_lane *l = &run.lanes[i];
        l->run = &run;
        l->per_lane = o->depth / queues + (i < o->depth % queues);
        l->pick = (read_picker){.rng = o->seed * 7919 + i + 1, .cursor = &run.cursor};
        l->issued_at = calloc(l->per_lane, sizeof(*l->issued_at));
        if (posix_memalign((void **)&l->bufs, 4096, (size_t)l->per_lane * o->bs) != 0)
            l->bufs = NULL;
        uint32_t cap = 2 * l->per_lane + 2;
        cap = cap < DSVK_QUEUE_MIN_CAPACITY ? DSVK_QUEUE_MIN_CAPACITY : cap;
        char name[32];
        snprintf(name, sizeof(name), "bench-read-%u", i);
        dsvk_queue_desc d = {.source_type = DSVK_SOURCE_FILE,
                             .capacity = (uint16_t)cap,
                             .priority = DSVK_PRIORITY_NORMAL,
                             .name = name};
        if (!l->issued_at || !l->bufs || dsvk_queue_create(rt, &d, &l->q) != DSVK_OK) {
            fail(r, "%s", "cannot create the queues");
            goto out;
        }
    }
    if (!run.files || !run.lanes) {
        fail(r, "%s", "out of memory");
        goto out;
    }

    clock_init(&run.clock, o, queues);
    read_drop_cache(o);
    double cpu0 = bench_cpu_seconds();
    double t0 = bench_now();
    clock_start(&run.clock, o);
    /* Fill every lane first, then submit: every lane's first reads are queued before
     * the first one completes and refills. */
    for (uint32_t i = 0; i < queues; i++) {
        api_lane *l = &run.lanes[i];
        for (uint32_t s = 0; s < l->per_lane; s++) {
            if (!clock_may_issue(&run.clock, o->bs, t0) || api_enqueue(l, s) != DSVK_OK)
                break;
            l->in_flight++;
        }
    }
    for (uint32_t i = 0; i < queues; i++) {
        api_lane *l = &run.lanes[i];
        if (l->in_flight == 0)
            clock_lane_done(&run.clock, t0);
        else
            dsvk_queue_submit(l->q);
    }
    clock_wait(&run.clock);
    r->seconds = run.clock.last_done - t0;
    r->cpu_seconds = bench_cpu_seconds() - cpu0;

    read_lat *lats = calloc(queues, sizeof(*lats));
    for (uint32_t i = 0; i < queues; i++) {
        api_lane *l = &run.lanes[i];
        dsvk_queue_stats st;
        dsvk_queue_get_stats(l->q, &st);
        r->bytes += st.bytes_read;
        r->errors += st.requests_failed;
        r->ios += l->ios;
        if (lats)
            lats[i] = l->lat;
        else
            free(l->lat.us);
    }
    if (lats)
        read_lat_finish(lats, queues, r);
    free(lats);
    r->ok = r->errors == 0;
    if (r->errors) {
        dsvk_error_record rec;
        dsvk_queue_retrieve_error_record(run.lanes[0].q, &rec);
        snprintf(r->error, sizeof(r->error), "%llu reads failed (first: %s, %.160s)",
                 (unsigned long long)r->errors, dsvk_result_string(rec.result), rec.file_name);
    }

out:
    for (uint32_t i = 0; run.lanes && i < queues; i++) {
        if (run.lanes[i].q)
            dsvk_queue_close(run.lanes[i].q);
        free(run.lanes[i].bufs);
        free(run.lanes[i].issued_at);
    }
    for (uint32_t i = 0; run.files && i < o->files; i++)
        if (run.files[i])
            dsvk_file_close(run.files[i]);
    free(run.files);
    free(run.lanes);
    dsvk_runtime_destroy(rt);
}

/* ---- straight into the I/O engine ----------------------------------------------------- */

typedef struct engine_slot {
    dsvk_io_op op;
    struct engine_run *run;
    double issued_at;
    read_picker pick;
    read_lat lat;
    uint64_t ios, bytes, errors;
} engine_slot;

typedef struct engine_run {
    const read_opts *o;
    dsvk_io *io;
    int *fds, *direct_fds;
    engine_slot *slots;
    run_clock clock;
    _Atomic uint64_t cursor;
} engine_run;

static void engine_prepare(engine_slot *s)
{
    const read_opts *o = s->run->o;
    uint32_t file;
    uint64_t offset;
    read_pick(o, &s->pick, &file, &offset);
    s->op.fd = s->run->fds[file];
    s->op.direct_fd = s->run->direct_fds[file];
    s->op.offset = offset;
    s->issued_at = bench_now();
}

/* One slot's read finished: count it and issue the next from the engine's thread. */
static void engine_done(dsvk_io_op *op)
{
    engine_slot *s = op->user;
    double now = bench_now();
    read_lat_add(&s->lat, (now - s->issued_at) * 1e6);
    s->ios++;
    if (op->result == (int64_t)op->len)
        s->bytes += (uint64_t)op->result;
    else
        s->errors++;
    if (clock_may_issue(&s->run->clock, op->len, now)) {
        engine_prepare(s);
        dsvk_io_submit(s->run->io, &op, 1);
        return;
    }
    clock_lane_done(&s->run->clock, now);
}

void read_run_engine(const read_opts *o, int backend, read_result *r)
{
    snprintf(r->path, sizeof(r->path), "engine");
    dsvk_io_config cfg = {.backend = (dsvk_io_backend)backend,
                          .threads = o->threads,
                          .depth = o->depth,
                          .direct_io = o->direct};
    engine_run run = {.o = o};
    atomic_init(&run.cursor, 0);
    char reason[256];
    dsvk_result res = dsvk_io_create(&cfg, &run.io, reason, sizeof(reason));
    if (res != DSVK_OK) {
        fail(r, "dsvk_io_create: %.200s", reason);
        return;
    }
    dsvk_io_info info;
    dsvk_io_get_info(run.io, &info);
    r->setup_flags = info.setup_flags;
    r->io_threads = info.threads;
    run.fds = calloc(o->files, sizeof(int));
    run.direct_fds = calloc(o->files, sizeof(int));
    run.slots = calloc(o->depth, sizeof(*run.slots));
    uint8_t *bufs = NULL;
    if (posix_memalign((void **)&bufs, 4096, (size_t)o->depth * o->bs) != 0)
        bufs = NULL;
    uint32_t opened = 0;
    if (!run.fds || !run.direct_fds || !run.slots || !bufs) {
        fail(r, "%s", "out of memory");
        goto out;
    }
    for (; opened < o->files; opened++) {
        run.fds[opened] = read_open(o, opened);
        run.direct_fds[opened] =
            o->direct ? open(o->paths[opened], O_RDONLY | O_DIRECT | O_CLOEXEC) : -1;
        if (run.fds[opened] < 0 || (o->direct && run.direct_fds[opened] < 0)) {
            fail(r, "cannot open %.200s", o->paths[opened]);
            opened++;
            goto out;
        }
    }

    clock_init(&run.clock, o, o->depth);
    read_drop_cache(o);
    double cpu0 = bench_cpu_seconds();
    double t0 = bench_now();
    clock_start(&run.clock, o);
    for (uint32_t i = 0; i < o->depth; i++) {
        engine_slot *s = &run.slots[i];
        s->run = &run;
        s->pick = (read_picker){.rng = o->seed * 7919 + i + 1, .cursor = &run.cursor};
        s->op = (dsvk_io_op){.align = 4096,
                             .len = o->bs,
                             .dst = bufs + (size_t)i * o->bs,
                             .priority = 1,
                             .done = engine_done,
                             .user = s};
        if (!clock_may_issue(&run.clock, o->bs, t0)) {
            clock_lane_done(&run.clock, t0);
            continue;
        }
        engine_prepare(s);
        dsvk_io_op *p = &s->op;
        dsvk_io_submit(run.io, &p, 1);
    }
    clock_wait(&run.clock);
    r->seconds = run.clock.last_done - t0;
    r->cpu_seconds = bench_cpu_seconds() - cpu0;

    read_lat *lats = calloc(o->depth, sizeof(*lats));
    for (uint32_t i = 0; i < o->depth; i++) {
        engine_slot *s = &run.slots[i];
        r->bytes += s->bytes;
        r->ios += s->ios;
        r->errors += s->errors;
        if (lats)
            lats[i] = s->lat;
        else
            free(s->lat.us);
    }
    if (lats)
        read_lat_finish(lats, o->depth, r);
    free(lats);
    r->ok = r->errors == 0;
    if (r->errors)
        snprintf(r->error, sizeof(r->error), "%llu reads failed or came back short",
                 (unsigned long long)r->errors);

out:
    dsvk_io_destroy(run.io);
    for (uint32_t i = 0; i < opened; i++) {
        if (run.fds[i] >= 0)
            close(run.fds[i]);
        if (run.direct_fds[i] >= 0)
            close(run.direct_fds[i]);
    }
    free(run.fds);
    free(run.direct_fds);
    free(run.slots);
    free(bufs);
}
