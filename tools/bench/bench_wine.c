/*
 * dsvk-bench wine: the same load through DirectStorage's API under Wine (dsvk's
 * dstorage.dll + libdsvk_preload.so, driven by dsvk-bench-pe.exe) and through dsvk's native
 * API in this process, alternating, in one invocation. What the Wine bridge costs is the
 * difference: one channel crossing per Submit batch, status writes into PE memory, the
 * completion thread's SetEvent.
 *
 * Loads: "gdeflate" -- REQUEST-byte GDeflate streams (default 64 KiB, level 9, 256 distinct
 * streams of compressible data, read round robin from the page cache) decoded into memory;
 * "raw" -- uncompressed REQUEST-byte reads (default 4 KiB) from a 64 MiB file. Both read
 * --size uncompressed bytes per run into a ring of CAPACITY destination slots, with a Submit
 * every --batch requests, and end with a status entry plus an event (native: an eventfd).
 * Besides wall-clock throughput, each side reports the CPU time its process spent during the
 * run (getrusage here; for the Wine process, whose threads include the core's, utime + stime
 * from /proc/PID/stat when the PE program says it starts and when its result arrives), which
 * a busy machine disturbs much less than throughput. wineserver's CPU is not counted: the
 * steady state makes no server calls.
 */
#include "bench.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <dsvk/dsvk.h>
#include <dsvk/gdeflate.h>

extern char **environ;

typedef struct wine_opts {
    uint64_t size;        /* uncompressed bytes per run */
    uint64_t gd_request;  /* GDeflate request size */
    uint64_t raw_request; /* uncompressed request size */
    uint32_t capacity, batch, rounds;
    bool do_gd, do_raw, json;
    char dir[PATH_MAX / 2]; /* leaves room for file names in load paths */
    char wine[PATH_MAX], shim[PATH_MAX], pe_exe[PATH_MAX];
} wine_opts;

typedef struct run_result {
    bool ok;
    double seconds, gbps;
    double submit_us;       /* mean Submit during the run (includes waiting for slots) */
    double empty_submit_us; /* Submit with nothing enqueued: the crossing alone */
    double batch_submit_us; /* --batch enqueues + their Submit into an idle queue */
    double cpu_s_per_gb;    /* CPU time of the process during the run, per 1e9 bytes */
    char error[200];
} run_result;

typedef struct load {
    const char *name;
    bool compressed;
    uint64_t request;
    char data[PATH_MAX], index[PATH_MAX]; /* index "" for raw */
    uint64_t *offsets;                    /* gdeflate: stream table */
    uint32_t *sizes;
    uint32_t n_streams;
    uint64_t file_size;
} load;

static void usage(FILE *f)
{
    fprintf(f,
            "usage: dsvk-bench wine [OPTIONS]\n"
            "\n"
            "The same load through DirectStorage under Wine (dsvk's dstorage.dll and preload\n"
            "shim, driven by dsvk-bench-pe.exe) and through dsvk's native API, alternating.\n"
            "\n"
            "  --size SIZE       uncompressed bytes per run (default 2G)\n"
            "  --gd-request SIZE GDeflate request size (default 64k; 0 skips that load)\n"
            "  --raw-request SIZE  uncompressed request size (default 4k; 0 skips that load)\n"
            "  --capacity N      queue capacity (default 1024)\n"
            "  --batch N         requests per Submit (default 128)\n"
            "  --rounds N        native/Wine pairs per load (default 3); medians are reported\n"
            "  --dir DIR         data files (default ./dsvk-bench-wine-data)\n"
            "  --wine PATH       wine loader (default $DSVK_WINE, wine64/wine on PATH,\n"
            "                    /usr/lib/wine/wine64); WINEPREFIX is taken from the environment\n"
            "  --shim PATH       libdsvk_preload.so (default: next to this build/install)\n"
            "  --pe-exe PATH     dsvk-bench-pe.exe (default: next to this build/install)\n"
            "  --json            one JSON object\n"
            "\n"
            "JSON: {\"subcommand\":\"wine\", \"version\":S, \"config\":{...},\n"
            "  \"loads\":[{name, request, compressed, native:{gb_per_s, seconds, submit_us,\n"
            "    empty_submit_us, batch_submit_us, cpu_s_per_gb}, wine:{...}, wine_vs_native\n"
            "    (throughput ratio), difference_percent, cpu_per_gb_wine_vs_native,\n"
            "    runs:[{round, side, ok, gb_per_s, seconds, submit_us, empty_submit_us,\n"
            "    batch_submit_us, cpu_s_per_gb, error}]}]}\n");
}

/* ---- finding Wine and the bridge ---------------------------------------------------- */

static bool is_exec(const char *p)
{
    return p[0] && access(p, X_OK) == 0;
}

static bool is_file(const char *p)
{
    struct stat st;
    return p[0] && stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static void find_default(char *out, size_t n, const char *const *rel, bool exec)
{
    char self[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (len <= 0)
        return;
    self[len] = 0;
    char *slash = strrchr(self, '/');
    if (slash)
        *slash = 0;
    for (; *rel; rel++) {
        char p[PATH_MAX * 2];
        snprintf(p, sizeof(p), "%s/%s", self, *rel);
        char real[PATH_MAX];
        if (realpath(p, real) && (exec ? is_exec(real) : is_file(real)) && strlen(real) < n) {
            memcpy(out, real, strlen(real) + 1);
            return;
        }
    }
}

static void find_wine(char *out, size_t n)
{
    const char *env = getenv("DSVK_WINE");
    if (env && *env) {
        snprintf(out, n, "%s", env);
        return;
    }
    const char *path = getenv("PATH");
    static const char *const names[] = {"wine64", "wine"};
    for (size_t k = 0; k < 2 && path; k++) {
        char copy[4096];
        snprintf(copy, sizeof(copy), "%s", path);
        for (char *save, *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
            char p[PATH_MAX];
            int len = snprintf(p, sizeof(p), "%s/%s", d, names[k]);
            if (len > 0 && (size_t)len < n && (size_t)len < sizeof(p) && is_exec(p)) {
                memcpy(out, p, (size_t)len + 1);
                return;
            }
        }
    }
    snprintf(out, n, "%s", is_exec("/usr/lib/wine/wine64") ? "/usr/lib/wine/wine64" : "");
}

/* Wine's default Z: drive is the unix root. */
static void dos_path(const char *unix_path, char *out, size_t n)
{
    snprintf(out, n, "Z:%s", unix_path);
    for (char *p = out; *p; p++)
        if (*p == '/')
            *p = '\\';
}

/* ---- data --------------------------------------------------------------------------- */

/* Compressible, game-like bytes: vertex-ish floats and text-ish runs. */
static void synth(uint8_t *p, size_t n, uint32_t seed)
{
    uint32_t x = seed * 2654435761u + 1;
    for (size_t i = 0; i < n;) {
        x = x * 1664525u + 1013904223u;
        if ((x >> 28) < 10 && i + 12 <= n) {
            float v[3] = {(float)((x >> 8) & 1023) / 64.0f, (float)(i & 255), 1.0f};
            memcpy(p + i, v, sizeof(v));
            i += sizeof(v);
        } else {
            static const char words[] = "texture mesh material shader level asset ";
            size_t k = (x >> 16) % (sizeof(words) - 1);
            for (; k < sizeof(words) - 1 && i < n; k++)
                p[i++] = (uint8_t)words[k];
        }
    }
}

static bool write_all(const char *path, const void *data, size_t size)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return false;
    const uint8_t *p = data;
    while (size) {
        ssize_t w = write(fd, p, size);
        if (w <= 0) {
            close(fd);
            return false;
        }
        p += w;
        size -= (size_t)w;
    }
    return close(fd) == 0;
}

static bool prepare_gdeflate(const wine_opts *o, load *l)
{
    enum { N = 256 };
    size_t req = (size_t)l->request;
    size_t bound = dsvk_gdeflate_compress_bound(req);
    uint8_t *raw = malloc(req), *file = malloc((size_t)N * bound);
    struct {
        uint64_t offset;
        uint32_t size, pad;
    } *idx = calloc(N, 16);
    l->offsets = calloc(N, sizeof(uint64_t));
    l->sizes = calloc(N, sizeof(uint32_t));
    if (!raw || !file || !idx || !l->offsets || !l->sizes)
        return false;
    uint64_t at = 0;
    for (uint32_t i = 0; i < N; i++) {
        synth(raw, req, i + 1);
        size_t out = 0;
        if (dsvk_gdeflate_compress(raw, req, file + at, bound, &out, DSVK_GDEFLATE_LEVEL_DEFAULT,
                                   0) != DSVK_OK)
            return false;
        idx[i].offset = l->offsets[i] = at;
        idx[i].size = l->sizes[i] = (uint32_t)out;
        at += out;
    }
    l->n_streams = N;
    l->file_size = at;
    snprintf(l->data, sizeof(l->data), "%s/gdeflate-%zu.bin", o->dir, req);
    snprintf(l->index, sizeof(l->index), "%s/gdeflate-%zu.idx", o->dir, req);
    bool ok = write_all(l->data, file, at) && write_all(l->index, idx, (size_t)N * 16);
    free(raw);
    free(file);
    free(idx);
    return ok;
}

static bool prepare_raw(const wine_opts *o, load *l)
{
    size_t size = 64u << 20;
    uint8_t *p = malloc(size);
    if (!p)
        return false;
    synth(p, size, 99);
    snprintf(l->data, sizeof(l->data), "%s/raw.bin", o->dir);
    l->index[0] = 0;
    l->file_size = size;
    bool ok = write_all(l->data, p, size);
    free(p);
    return ok;
}

/* ---- the native run ---------------------------------------------------------------- */

/* Request i of the load, exactly as dsvk-bench-pe.exe builds it. */
static void fill_request(const load *l, dsvk_request *req, dsvk_file *file, uint64_t i,
                         uint64_t slots, uint8_t *dst)
{
    req->source.type = DSVK_SOURCE_FILE;
    req->source.u.file.file = file;
    if (l->compressed) {
        req->source.u.file.offset = l->offsets[i % l->n_streams];
        req->source.u.file.size = l->sizes[i % l->n_streams];
        req->compression = DSVK_COMPRESSION_GDEFLATE;
        req->uncompressed_size = (uint32_t)l->request;
    } else {
        req->source.u.file.offset = (i % slots) * l->request;
        req->source.u.file.size = (uint32_t)l->request;
    }
    req->destination.type = DSVK_DEST_MEMORY;
    req->destination.u.memory.data = dst;
    req->destination.u.memory.size = (uint32_t)l->request;
}

static void native_run(const wine_opts *o, const load *l, run_result *r)
{
    memset(r, 0, sizeof(*r));
    dsvk_config cfg;
    dsvk_config_init(&cfg);
    dsvk_config_load_env(&cfg);
    dsvk_runtime *rt = NULL;
    dsvk_file *file = NULL;
    dsvk_queue *q = NULL;
    dsvk_status_array *st = NULL;
    uint8_t *ring = NULL;
    int efd = eventfd(0, EFD_CLOEXEC);
    uint64_t count = o->size / l->request;
    if (dsvk_runtime_create(&cfg, &rt) != DSVK_OK ||
        dsvk_file_open(rt, l->data, &file, NULL) != DSVK_OK ||
        dsvk_status_array_create(rt, 1, "bench", &st) != DSVK_OK || efd < 0) {
        snprintf(r->error, sizeof(r->error), "native setup failed");
        goto out;
    }
    dsvk_queue_desc qd = {.source_type = DSVK_SOURCE_FILE,
                          .capacity = (uint16_t)o->capacity,
                          .priority = DSVK_PRIORITY_NORMAL,
                          .name = "bench"};
    if (dsvk_queue_create(rt, &qd, &q) != DSVK_OK) {
        snprintf(r->error, sizeof(r->error), "native queue failed");
        goto out;
    }
    ring = malloc((size_t)o->capacity * l->request);
    if (!ring)
        goto out;
    memset(ring, 1, (size_t)o->capacity * l->request);

    double t0 = bench_now();
    for (int i = 0; i < 10000; i++)
        dsvk_queue_submit(q);
    r->empty_submit_us = (bench_now() - t0) / 10000 * 1e6;

    uint64_t slots = l->file_size / l->request;
    /* One batch into an idle queue, 20 times. */
    double batch_time = 0;
    for (int k = 0; k < 20; k++) {
        double s = bench_now();
        for (uint32_t i = 0; i < o->batch; i++) {
            dsvk_request req = {.cancel_tag = 0};
            fill_request(l, &req, file, i, slots, ring + (i % o->capacity) * l->request);
            dsvk_queue_enqueue_request(q, &req);
        }
        dsvk_queue_submit(q);
        batch_time += bench_now() - s;
        dsvk_signal sig = {.fn = NULL, .eventfd = efd, .value = 1};
        dsvk_queue_enqueue_signal(q, &sig);
        dsvk_queue_submit(q);
        uint64_t v;
        if (read(efd, &v, sizeof(v)) != sizeof(v))
            goto out;
    }
    r->batch_submit_us = batch_time / 20 * 1e6;

    double submit_time = 0;
    uint64_t submits = 0;
    double cpu0 = bench_cpu_seconds();
    t0 = bench_now();
    for (uint64_t i = 0; i < count; i++) {
        dsvk_request req = {.cancel_tag = 0};
        fill_request(l, &req, file, i, slots, ring + (i % o->capacity) * l->request);
        dsvk_queue_enqueue_request(q, &req);
        if ((i + 1) % o->batch == 0 || i + 1 == count) {
            double s = bench_now();
            dsvk_queue_submit(q);
            submit_time += bench_now() - s;
            submits++;
        }
    }
    dsvk_queue_enqueue_status(q, st, 0);
    dsvk_signal sig = {.fn = NULL, .eventfd = efd, .value = 1};
    dsvk_queue_enqueue_signal(q, &sig);
    dsvk_queue_submit(q);
    uint64_t v;
    if (read(efd, &v, sizeof(v)) != sizeof(v)) {
        snprintf(r->error, sizeof(r->error), "eventfd read failed");
        goto out;
    }
    r->seconds = bench_now() - t0;
    r->cpu_s_per_gb = (bench_cpu_seconds() - cpu0) / ((double)(count * l->request) / 1e9);
    dsvk_result res = dsvk_status_array_get_result(st, 0);
    if (res != DSVK_OK) {
        snprintf(r->error, sizeof(r->error), "requests failed: %s", dsvk_result_string(res));
        goto out;
    }
    r->gbps = (double)(count * l->request) / r->seconds / 1e9;
    r->submit_us = submits ? submit_time / (double)submits * 1e6 : 0;
    r->ok = true;
out:
    if (q)
        dsvk_queue_close(q);
    if (st)
        dsvk_status_array_destroy(st);
    if (file)
        dsvk_file_close(file);
    if (rt)
        dsvk_runtime_destroy(rt);
    if (efd >= 0)
        close(efd);
    free(ring);
}

/* ---- the Wine run ------------------------------------------------------------------- */

/* utime + stime of a process, in seconds; -1 when it cannot be read. */
static double proc_cpu_seconds(pid_t pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0)
        return -1;
    buf[n] = 0;
    const char *p = strrchr(buf, ')'); /* the command name may hold spaces */
    unsigned long long ut, st;
    if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
        return -1;
    return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static void wine_run(const wine_opts *o, const load *l, run_result *r)
{
    memset(r, 0, sizeof(*r));
    char data[PATH_MAX + 8], index[PATH_MAX + 8], pe[PATH_MAX + 8];
    char req[32], count[32], cap[32], batch[32];
    dos_path(l->data, data, sizeof(data));
    if (l->index[0])
        dos_path(l->index, index, sizeof(index));
    else
        snprintf(index, sizeof(index), "-");
    dos_path(o->pe_exe, pe, sizeof(pe));
    snprintf(req, sizeof(req), "%llu", (unsigned long long)l->request);
    snprintf(count, sizeof(count), "%llu", (unsigned long long)(o->size / l->request));
    snprintf(cap, sizeof(cap), "%u", o->capacity);
    snprintf(batch, sizeof(batch), "%u", o->batch);
    char *argv[] = {(char *)o->wine,           pe,  data, index, req, count, cap, batch,
                    l->compressed ? "1" : "0", NULL};

    /* The environment of a game launch: the shim preloaded, Wine quiet. */
    size_t n_env = 0;
    while (environ[n_env])
        n_env++;
    char **envp = calloc(n_env + 3, sizeof(char *));
    char preload[PATH_MAX + 16];
    snprintf(preload, sizeof(preload), "LD_PRELOAD=%s", o->shim);
    size_t k = 0;
    for (size_t i = 0; i < n_env; i++)
        if (strncmp(environ[i], "LD_PRELOAD=", 11) && strncmp(environ[i], "WINEDEBUG=", 10))
            envp[k++] = environ[i];
    envp[k++] = preload;
    envp[k++] = "WINEDEBUG=-all";
    envp[k] = NULL;

    int pipefd[2];
    if (pipe(pipefd) != 0) {
        free(envp);
        snprintf(r->error, sizeof(r->error), "pipe: %s", strerror(errno));
        return;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
    posix_spawn_file_actions_addclose(&fa, pipefd[0]);
    pid_t pid;
    int err = posix_spawn(&pid, o->wine, &fa, NULL, argv, envp);
    posix_spawn_file_actions_destroy(&fa);
    free(envp);
    close(pipefd[1]);
    if (err) {
        close(pipefd[0]);
        snprintf(r->error, sizeof(r->error), "cannot run %.120s: %.40s", o->wine, strerror(err));
        return;
    }
    char out[8192];
    size_t used = 0;
    double deadline = bench_now() + 900;
    double cpu_start = -1, cpu_end = -1;
    for (;;) {
        struct pollfd p = {.fd = pipefd[0], .events = POLLIN};
        int pr = poll(&p, 1, 1000);
        if (pr > 0) {
            ssize_t n = read(pipefd[0], out + used, sizeof(out) - 1 - used);
            if (n <= 0)
                break;
            used += (size_t)n;
            out[used] = 0;
            if (cpu_start < 0 && strstr(out, "DSVK_BENCH_PE start"))
                cpu_start = proc_cpu_seconds(pid);
            if (cpu_end < 0 && strstr(out, "DSVK_BENCH_PE seconds="))
                cpu_end = proc_cpu_seconds(pid);
            if (used == sizeof(out) - 1)
                break;
        } else if (pr < 0 && errno != EINTR) {
            break;
        }
        if (bench_now() > deadline) {
            kill(pid, SIGKILL);
            snprintf(r->error, sizeof(r->error), "the Wine run took more than 900 s");
            break;
        }
    }
    out[used] = 0;
    close(pipefd[0]);
    int status;
    waitpid(pid, &status, 0);
    const char *line = strstr(out, "DSVK_BENCH_PE seconds=");
    unsigned long long bytes = 0;
    unsigned submits = 0;
    if (line &&
        sscanf(line,
               "DSVK_BENCH_PE seconds=%lf bytes=%llu submits=%u submit_us=%lf "
               "empty_submit_us=%lf batch_submit_us=%lf",
               &r->seconds, &bytes, &submits, &r->submit_us, &r->empty_submit_us,
               &r->batch_submit_us) == 6 &&
        r->seconds > 0 && bytes > 0) {
        r->gbps = (double)bytes / r->seconds / 1e9;
        if (cpu_start >= 0 && cpu_end >= cpu_start)
            r->cpu_s_per_gb = (cpu_end - cpu_start) / ((double)bytes / 1e9);
        r->ok = true;
    } else if (!r->error[0]) {
        const char *e = strstr(out, "DSVK_BENCH_PE error");
        if (!e)
            e = out;
        snprintf(r->error, sizeof(r->error), "%.*s", (int)strcspn(e, "\n"), e);
        if (!r->error[0])
            snprintf(r->error, sizeof(r->error), "no result from dsvk-bench-pe.exe (exit %d)",
                     WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    }
}

/* ---- driver ------------------------------------------------------------------------- */

static double median_of(const run_result *runs, int n, size_t field_offset)
{
    double v[64];
    int k = 0;
    for (int i = 0; i < n && k < 64; i++)
        if (runs[i].ok)
            v[k++] = *(const double *)((const char *)&runs[i] + field_offset);
    if (!k)
        return 0;
    qsort(v, (size_t)k, sizeof(double), bench_cmp_double);
    return bench_percentile(v, (size_t)k, 50);
}

static void print_side(FILE *f, const char *name, const run_result *runs, int n)
{
    fprintf(f,
            "\"%s\":{\"gb_per_s\":%.4f,\"seconds\":%.4f,\"submit_us\":%.3f,"
            "\"empty_submit_us\":%.3f,\"batch_submit_us\":%.3f,\"cpu_s_per_gb\":%.4f}",
            name, median_of(runs, n, offsetof(run_result, gbps)),
            median_of(runs, n, offsetof(run_result, seconds)),
            median_of(runs, n, offsetof(run_result, submit_us)),
            median_of(runs, n, offsetof(run_result, empty_submit_us)),
            median_of(runs, n, offsetof(run_result, batch_submit_us)),
            median_of(runs, n, offsetof(run_result, cpu_s_per_gb)));
}

static int parse(int argc, char **argv, wine_opts *o)
{
    *o = (wine_opts){.size = 2ull << 30,
                     .gd_request = 64 << 10,
                     .raw_request = 4 << 10,
                     .capacity = 1024,
                     .batch = 128,
                     .rounds = 3};
    snprintf(o->dir, sizeof(o->dir), "dsvk-bench-wine-data");
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
#define NEED()                                                                                     \
    do {                                                                                           \
        if (!v) {                                                                                  \
            fprintf(stderr, "dsvk-bench wine: %s needs a value\n", a);                             \
            return 2;                                                                              \
        }                                                                                          \
        i++;                                                                                       \
    } while (0)
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 1;
        } else if (!strcmp(a, "--json")) {
            o->json = true;
        } else if (!strcmp(a, "--size")) {
            NEED();
            o->size = bench_parse_size(v);
        } else if (!strcmp(a, "--gd-request")) {
            NEED();
            o->gd_request = strcmp(v, "0") ? bench_parse_size(v) : 0;
            if (!strcmp(v, "0"))
                o->gd_request = 0;
        } else if (!strcmp(a, "--raw-request")) {
            NEED();
            o->raw_request = strcmp(v, "0") ? bench_parse_size(v) : 0;
        } else if (!strcmp(a, "--capacity")) {
            NEED();
            o->capacity = (uint32_t)strtoul(v, NULL, 10);
        } else if (!strcmp(a, "--batch")) {
            NEED();
            o->batch = (uint32_t)strtoul(v, NULL, 10);
        } else if (!strcmp(a, "--rounds")) {
            NEED();
            o->rounds = (uint32_t)strtoul(v, NULL, 10);
        } else if (!strcmp(a, "--dir")) {
            NEED();
            snprintf(o->dir, sizeof(o->dir), "%s", v);
        } else if (!strcmp(a, "--wine")) {
            NEED();
            snprintf(o->wine, sizeof(o->wine), "%s", v);
        } else if (!strcmp(a, "--shim")) {
            NEED();
            snprintf(o->shim, sizeof(o->shim), "%s", v);
        } else if (!strcmp(a, "--pe-exe")) {
            NEED();
            snprintf(o->pe_exe, sizeof(o->pe_exe), "%s", v);
        } else {
            fprintf(stderr, "dsvk-bench wine: unknown option %s (see --help)\n", a);
            return 2;
        }
#undef NEED
    }
    o->do_gd = o->gd_request != 0;
    o->do_raw = o->raw_request != 0;
    if (!o->size || o->capacity < 128 || o->capacity > 8192 || !o->batch || !o->rounds ||
        o->rounds > 32 || (o->do_gd && o->gd_request > DSVK_GDEFLATE_MAX_INPUT) ||
        (o->do_raw && o->raw_request > (64u << 20)) || (!o->do_gd && !o->do_raw)) {
        fprintf(stderr, "dsvk-bench wine: bad option values (see --help)\n");
        return 2;
    }
    /* Next to dstorage.dll (see preload/pe/CMakeLists.txt for why). */
    static const char *const pe_rel[] = {
        "../../preload/wine/x86_64-windows/dsvk-bench-pe.exe",
        "../lib/dsvk/wine/x86_64-windows/dsvk-bench-pe.exe",
        "../lib/x86_64-linux-gnu/dsvk/wine/x86_64-windows/dsvk-bench-pe.exe",
        "../lib64/dsvk/wine/x86_64-windows/dsvk-bench-pe.exe", NULL};
    static const char *const shim_rel[] = {"../../preload/libdsvk_preload.so",
                                           "../lib/dsvk/libdsvk_preload.so",
                                           "../lib/x86_64-linux-gnu/dsvk/libdsvk_preload.so",
                                           "../lib64/dsvk/libdsvk_preload.so", NULL};
    if (!o->pe_exe[0])
        find_default(o->pe_exe, sizeof(o->pe_exe), pe_rel, false);
    if (!o->shim[0])
        find_default(o->shim, sizeof(o->shim), shim_rel, false);
    if (!o->wine[0])
        find_wine(o->wine, sizeof(o->wine));
    if (!is_exec(o->wine) || !is_file(o->shim) || !is_file(o->pe_exe)) {
        fprintf(stderr,
                "dsvk-bench wine: needs Wine (%s), libdsvk_preload.so (%s) and "
                "dsvk-bench-pe.exe (%s); see --wine, --shim, --pe-exe\n",
                o->wine[0] ? o->wine : "not found", o->shim[0] ? o->shim : "not found",
                o->pe_exe[0] ? o->pe_exe : "not found");
        return 2;
    }
    return 0;
}

int dsvk_bench_wine(int argc, char **argv)
{
    wine_opts o;
    int pr = parse(argc, argv, &o);
    if (pr)
        return pr == 1 ? 0 : pr;
    if (mkdir(o.dir, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "dsvk-bench wine: cannot create %s: %s\n", o.dir, strerror(errno));
        return 1;
    }
    char real_dir[PATH_MAX];
    if (!realpath(o.dir, real_dir) || strlen(real_dir) >= sizeof(o.dir)) {
        fprintf(stderr, "dsvk-bench wine: %s: cannot use this folder\n", o.dir);
        return 1;
    }
    memcpy(o.dir, real_dir, strlen(real_dir) + 1);

    load loads[2];
    int n_loads = 0;
    if (o.do_gd) {
        load *l = &loads[n_loads];
        memset(l, 0, sizeof(*l));
        l->name = "gdeflate";
        l->compressed = true;
        l->request = o.gd_request;
        if (!prepare_gdeflate(&o, l)) {
            fprintf(stderr, "dsvk-bench wine: cannot prepare the GDeflate data\n");
            return 1;
        }
        n_loads++;
    }
    if (o.do_raw) {
        load *l = &loads[n_loads];
        memset(l, 0, sizeof(*l));
        l->name = "raw";
        l->request = o.raw_request;
        if (!prepare_raw(&o, l)) {
            fprintf(stderr, "dsvk-bench wine: cannot prepare the raw data\n");
            return 1;
        }
        n_loads++;
    }

    FILE *f = stdout;
    if (o.json) {
        fprintf(f, "{\"subcommand\":\"wine\",\"version\":");
        bench_json_string(f, dsvk_version());
        fprintf(f,
                ",\"config\":{\"size\":%llu,\"capacity\":%u,\"batch\":%u,\"rounds\":%u,"
                "\"wine\":",
                (unsigned long long)o.size, o.capacity, o.batch, o.rounds);
        bench_json_string(f, o.wine);
        fprintf(f, ",\"shim\":");
        bench_json_string(f, o.shim);
        fprintf(f, "},\"loads\":[");
    } else {
        fprintf(f,
                "dsvk-bench wine: %.2f GiB per run, capacity %u, Submit every %u requests, "
                "%u rounds\n  wine %s\n",
                (double)o.size / (1u << 30), o.capacity, o.batch, o.rounds, o.wine);
    }
    int failed = 0;
    for (int li = 0; li < n_loads; li++) {
        const load *l = &loads[li];
        run_result native[32], wine[32];
        for (uint32_t r = 0; r < o.rounds; r++) {
            native_run(&o, l, &native[r]);
            wine_run(&o, l, &wine[r]);
            failed += !native[r].ok + !wine[r].ok;
            if (!o.json)
                fprintf(stderr, "  %s round %u: native %.3f GB/s%s%s, wine %.3f GB/s%s%s\n",
                        l->name, r + 1, native[r].gbps,
                        native[r].ok ? "" : " FAILED: ", native[r].error, wine[r].gbps,
                        wine[r].ok ? "" : " FAILED: ", wine[r].error);
        }
        double ng = median_of(native, (int)o.rounds, offsetof(run_result, gbps));
        double wg = median_of(wine, (int)o.rounds, offsetof(run_result, gbps));
        double ratio = ng > 0 ? wg / ng : 0;
        if (o.json) {
            fprintf(f, "%s{\"name\":\"%s\",\"request\":%llu,\"compressed\":%s,", li ? "," : "",
                    l->name, (unsigned long long)l->request, l->compressed ? "true" : "false");
            print_side(f, "native", native, (int)o.rounds);
            fprintf(f, ",");
            print_side(f, "wine", wine, (int)o.rounds);
            double nc = median_of(native, (int)o.rounds, offsetof(run_result, cpu_s_per_gb));
            double wc = median_of(wine, (int)o.rounds, offsetof(run_result, cpu_s_per_gb));
            fprintf(f,
                    ",\"wine_vs_native\":%.4f,\"difference_percent\":%.2f,"
                    "\"cpu_per_gb_wine_vs_native\":%.4f,\"runs\":[",
                    ratio, (1 - ratio) * 100, nc > 0 ? wc / nc : 0);
            for (uint32_t r = 0; r < o.rounds; r++) {
                for (int side = 0; side < 2; side++) {
                    const run_result *x = side ? &wine[r] : &native[r];
                    fprintf(f,
                            "%s{\"round\":%u,\"side\":\"%s\",\"ok\":%s,\"gb_per_s\":%.4f,"
                            "\"seconds\":%.4f,\"submit_us\":%.3f,\"empty_submit_us\":%.3f,"
                            "\"batch_submit_us\":%.3f,\"cpu_s_per_gb\":%.4f,\"error\":",
                            r || side ? "," : "", r + 1, side ? "wine" : "native",
                            x->ok ? "true" : "false", x->gbps, x->seconds, x->submit_us,
                            x->empty_submit_us, x->batch_submit_us, x->cpu_s_per_gb);
                    bench_json_string(f, x->error);
                    fprintf(f, "}");
                }
            }
            fprintf(f, "]}");
        } else {
            fprintf(f,
                    "\n%s, %llu-byte requests (%s):\n"
                    "  %-8s %9s %10s %16s %18s %20s\n",
                    l->name, (unsigned long long)l->request,
                    l->compressed ? "GDeflate, decoded on the CPU" : "uncompressed", "", "GB/s",
                    "CPU s/GB", "empty Submit us", "batch+Submit us", "Submit in load us");
            for (int side = 0; side < 2; side++) {
                const run_result *x = side ? wine : native;
                fprintf(f, "  %-8s %9.3f %10.3f %16.2f %18.2f %20.2f\n", side ? "wine" : "native",
                        median_of(x, (int)o.rounds, offsetof(run_result, gbps)),
                        median_of(x, (int)o.rounds, offsetof(run_result, cpu_s_per_gb)),
                        median_of(x, (int)o.rounds, offsetof(run_result, empty_submit_us)),
                        median_of(x, (int)o.rounds, offsetof(run_result, batch_submit_us)),
                        median_of(x, (int)o.rounds, offsetof(run_result, submit_us)));
            }
            double nc = median_of(native, (int)o.rounds, offsetof(run_result, cpu_s_per_gb));
            double wc = median_of(wine, (int)o.rounds, offsetof(run_result, cpu_s_per_gb));
            fprintf(f, "  Wine/native throughput %.4f (difference %.2f%%), CPU per GB %.4f\n",
                    ratio, (1 - ratio) * 100, nc > 0 ? wc / nc : 0);
        }
    }
    if (o.json)
        fprintf(f, "]}\n");
    for (int li = 0; li < n_loads; li++) {
        free(loads[li].offsets);
        free(loads[li].sizes);
    }
    return failed ? 1 : 0;
}
