/*
 * dsvk-bench read: file read throughput, CPU cost and latency of dsvk's I/O (io_uring and
 * the pread thread pool), side by side with fio in one invocation. Options, test files,
 * the order of runs, and the report (text or JSON). The runs themselves are in
 * bench_read_dsvk.c and bench_read_fio.c.
 */
#include "bench.h"
#include "bench_read.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <dsvk/dsvk.h>

static void usage(FILE *f)
{
    fprintf(
        f,
        "usage: dsvk-bench read [OPTIONS]\n"
        "\n"
        "Random (or sequential) reads of --bs bytes from --files test files, --depth reads in\n"
        "flight, through dsvk's public API (runtime, files, queues, callback signals), and with\n"
        "--fio the same workload through fio. Runs alternate per round; compare ratios.\n"
        "\n"
        "  --files N          test files (default 4)\n"
        "  --file-size SIZE   size of each (default 1G); files of that size in DIR are reused\n"
        "  --dir DIR          where the files live (default ./dsvk-bench-data; must not be tmpfs\n"
        "                     for --direct, must not contain ':' for --fio)\n"
        "  --bs SIZE          bytes per read (default 64k)\n"
        "  --depth N          reads in flight (default 32)\n"
        "  --queues N         dsvk queues the depth is spread over (default: depth, i.e. one read\n"
        "                     in flight per queue so each completes on its own; 1 = one in-order\n"
        "                     queue, latency then includes waiting for earlier requests)\n"
        "  --threads N        I/O threads: io_uring rings, pread threads, fio psync jobs\n"
        "                     (default: dsvk's defaults, 1 ring / max(8, 2 x CPUs); psync 8)\n"
        "  --backend B        uring | threads | both (default both)\n"
        "  --direct           O_DIRECT (default)     --buffered  page cache (dropped per run)\n"
        "  --random           random offsets, bs-aligned (default)     --seq  sequential\n"
        "  --seconds S        time per run (default 5)     --bytes SIZE  bytes per run instead\n"
        "  --repeat N         rounds (default 1); the summary takes medians\n"
        "  --fio              also run fio: ioengine=io_uring (iodepth=depth) beside dsvk's "
        "io_uring,\n"
        "                     ioengine=psync (numjobs=threads or 8) beside dsvk's thread pool\n"
        "  --engine-only      drive dsvk's internal I/O engine directly, not the public API\n"
        "                     (a diagnostic of the engine alone)\n"
        "  --no-fadvise       give the kernel no access hint; by default both dsvk's fds (opened\n"
        "                     here, adopted with dsvk_file_adopt_fd) and fio (fadvise_hint=1, its\n"
        "                     default) advise POSIX_FADV_RANDOM or _SEQUENTIAL: matters for "
        "--buffered\n"
        "  --seed N           random seed (default 1)\n"
        "  --json             print one JSON object instead of the table\n"
        "\n"
        "JSON: {\"subcommand\":\"read\", \"version\":S,\n"
        "  \"config\":{files, file_size, dir, bs, depth, queues, threads, backend, direct, "
        "random,\n"
        "            seconds, bytes, repeat, fio, engine_only, seed, fadvise},\n"
        "  \"runs\":[{round, name (dsvk-uring|dsvk-threads|fio-io_uring|fio-psync), path\n"
        "            (api|engine|fio), backend, setup_flags (IORING_SETUP_*), io_threads, bytes,\n"
        "            ios, errors, seconds, gb_per_s (1e9 bytes/s), iops, cpu_seconds (getrusage:\n"
        "            this process for dsvk, the fio child for fio), cpu_s_per_gb, fio_cpu_seconds\n"
        "            (fio's own usr_cpu+sys_cpu x runtime), lat_p50_us, lat_p99_us (submit to\n"
        "            completion; fio: lat_ns), ok, error}],\n"
        "  \"summary\":{NAME:{gb_per_s, iops, cpu_s_per_gb, lat_p50_us, lat_p99_us}} (medians),\n"
        "  \"ratios\":{uring_vs_fio_gbps, uring_vs_fio_cpu_per_gb, uring_vs_threads_gbps,\n"
        "            threads_vs_psync_gbps} (median of per-round ratios; null when not run)}\n");
}

/* ---- test files ----------------------------------------------------------------------- */

static int make_files(read_opts *o)
{
    if (mkdir(o->dir, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "dsvk-bench read: cannot create %s: %s\n", o->dir, strerror(errno));
        return -1;
    }
    o->paths = calloc(o->files, sizeof(*o->paths));
    uint8_t *block = malloc(4 << 20);
    if (!o->paths || !block) {
        free(block);
        return -1;
    }
    uint64_t rng = 0x5eed;
    for (uint32_t i = 0; i < o->files; i++) {
        size_t len = strlen(o->dir) + 32;
        o->paths[i] = malloc(len);
        if (!o->paths[i]) {
            free(block);
            return -1;
        }
        snprintf(o->paths[i], len, "%s/dsvk-read-%u.dat", o->dir, i);
        struct stat st;
        if (stat(o->paths[i], &st) == 0 && (uint64_t)st.st_size == o->file_size)
            continue;
        fprintf(stderr, "dsvk-bench read: writing %s (%llu MiB)\n", o->paths[i],
                (unsigned long long)(o->file_size >> 20));
        int fd = open(o->paths[i], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0) {
            fprintf(stderr, "dsvk-bench read: %s: %s\n", o->paths[i], strerror(errno));
            free(block);
            return -1;
        }
        /* Random content: nothing below us can compress or deduplicate it. */
        for (uint64_t done = 0; done < o->file_size;) {
            size_t n =
                o->file_size - done < (4u << 20) ? (size_t)(o->file_size - done) : (4u << 20);
            for (size_t k = 0; k + 8 <= n; k += 8) {
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                memcpy(block + k, &rng, 8);
            }
            ssize_t w = write(fd, block, n);
            if (w <= 0) {
                fprintf(stderr, "dsvk-bench read: writing %s: %s\n", o->paths[i], strerror(errno));
                close(fd);
                free(block);
                return -1;
            }
            done += (uint64_t)w;
        }
        fsync(fd);
        close(fd);
    }
    free(block);
    if (o->direct) {
        int fd = open(o->paths[0], O_RDONLY | O_DIRECT | O_CLOEXEC);
        if (fd < 0) {
            fprintf(stderr,
                    "dsvk-bench read: %s refuses O_DIRECT (%s); use --dir on a disk "
                    "filesystem, or --buffered\n",
                    o->paths[0], strerror(errno));
            return -1;
        }
        close(fd);
    }
    return 0;
}

int read_open(const read_opts *o, uint32_t i)
{
    int fd = open(o->paths[i], O_RDONLY | O_CLOEXEC);
    if (fd >= 0 && o->fadvise)
        posix_fadvise(fd, 0, 0, o->random ? POSIX_FADV_RANDOM : POSIX_FADV_SEQUENTIAL);
    return fd;
}

void read_drop_cache(const read_opts *o)
{
    for (uint32_t i = 0; i < o->files; i++) {
        int fd = open(o->paths[i], O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            continue;
        posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
        close(fd);
    }
}

/* ---- report --------------------------------------------------------------------------- */

typedef struct run_rec {
    unsigned round;
    read_result r;
} run_rec;

static double gbps(const read_result *r)
{
    return r->seconds > 0 ? (double)r->bytes / r->seconds / 1e9 : 0;
}

static double iops(const read_result *r)
{
    return r->seconds > 0 ? (double)r->ios / r->seconds : 0;
}

static double cpu_per_gb(const read_result *r)
{
    return r->bytes ? r->cpu_seconds / ((double)r->bytes / 1e9) : 0;
}

static double median(double *v, size_t n)
{
    if (n == 0)
        return 0;
    qsort(v, n, sizeof(*v), bench_cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

typedef double (*metric_fn)(const read_result *);

static double p50(const read_result *r)
{
    return r->p50_us;
}

static double p99(const read_result *r)
{
    return r->p99_us;
}

/* Median of a metric over the successful runs named `name`; -1 when there are none. */
static double summary(const run_rec *runs, size_t n, const char *name, metric_fn m)
{
    double v[256];
    size_t k = 0;
    for (size_t i = 0; i < n && k < 256; i++)
        if (runs[i].r.ok && strcmp(runs[i].r.name, name) == 0)
            v[k++] = m(&runs[i].r);
    return k ? median(v, k) : -1;
}

/* Median over rounds of a/b for metric m; -1 when no round has both. */
static double paired_ratio(const run_rec *runs, size_t n, unsigned rounds, const char *a,
                           const char *b, metric_fn m)
{
    double v[256];
    size_t k = 0;
    for (unsigned round = 0; round < rounds && k < 256; round++) {
        const read_result *ra = NULL, *rb = NULL;
        for (size_t i = 0; i < n; i++) {
            if (runs[i].round != round || !runs[i].r.ok)
                continue;
            if (strcmp(runs[i].r.name, a) == 0)
                ra = &runs[i].r;
            if (strcmp(runs[i].r.name, b) == 0)
                rb = &runs[i].r;
        }
        if (ra && rb && m(rb) > 0)
            v[k++] = m(ra) / m(rb);
    }
    return k ? median(v, k) : -1;
}

static void json_num_or_null(FILE *f, double v)
{
    if (v < 0)
        fputs("null", f);
    else
        fprintf(f, "%.4f", v);
}

static const char *const names[] = {"dsvk-uring", "fio-io_uring", "dsvk-threads", "fio-psync"};

static void print_json(const read_opts *o, const char *backend, unsigned repeat, bool fio,
                       bool engine_only, const run_rec *runs, size_t n, const double ratios[4])
{
    FILE *f = stdout;
    fprintf(f, "{\"subcommand\":\"read\",\"version\":");
    bench_json_string(f, dsvk_version());
    fprintf(f, ",\"config\":{\"files\":%u,\"file_size\":%llu,\"dir\":", o->files,
            (unsigned long long)o->file_size);
    bench_json_string(f, o->dir);
    fprintf(f,
            ",\"bs\":%u,\"depth\":%u,\"queues\":%u,\"threads\":%u,\"backend\":\"%s\","
            "\"direct\":%s,\"random\":%s,\"seconds\":%.3f,\"bytes\":%llu,\"repeat\":%u,"
            "\"fio\":%s,\"engine_only\":%s,\"seed\":%llu,\"fadvise\":%s},"
            "\"runs\":[",
            o->bs, o->depth, o->queues ? o->queues : o->depth, o->threads, backend,
            o->direct ? "true" : "false", o->random ? "true" : "false", o->seconds,
            (unsigned long long)o->bytes, repeat, fio ? "true" : "false",
            engine_only ? "true" : "false", (unsigned long long)o->seed,
            o->fadvise ? "true" : "false");
    for (size_t i = 0; i < n; i++) {
        const read_result *r = &runs[i].r;
        fprintf(f,
                "%s{\"round\":%u,\"name\":\"%s\",\"path\":\"%s\",\"backend\":\"%s\","
                "\"setup_flags\":%u,\"io_threads\":%u,\"bytes\":%llu,\"ios\":%llu,"
                "\"errors\":%llu,\"seconds\":%.4f,\"gb_per_s\":%.4f,\"iops\":%.1f,"
                "\"cpu_seconds\":%.4f,\"cpu_s_per_gb\":%.4f,\"fio_cpu_seconds\":%.4f,"
                "\"lat_p50_us\":%.1f,\"lat_p99_us\":%.1f,\"ok\":%s,\"error\":",
                i ? "," : "", runs[i].round, r->name, r->path, r->backend, r->setup_flags,
                r->io_threads, (unsigned long long)r->bytes, (unsigned long long)r->ios,
                (unsigned long long)r->errors, r->seconds, gbps(r), iops(r), r->cpu_seconds,
                cpu_per_gb(r), r->fio_cpu_seconds, r->p50_us, r->p99_us, r->ok ? "true" : "false");
        bench_json_string(f, r->error);
        fputc('}', f);
    }
    fprintf(f, "],\"summary\":{");
    bool first = true;
    for (size_t k = 0; k < 4; k++) {
        if (summary(runs, n, names[k], gbps) < 0)
            continue;
        fprintf(f,
                "%s\"%s\":{\"gb_per_s\":%.4f,\"iops\":%.1f,\"cpu_s_per_gb\":%.4f,"
                "\"lat_p50_us\":%.1f,\"lat_p99_us\":%.1f}",
                first ? "" : ",", names[k], summary(runs, n, names[k], gbps),
                summary(runs, n, names[k], iops), summary(runs, n, names[k], cpu_per_gb),
                summary(runs, n, names[k], p50), summary(runs, n, names[k], p99));
        first = false;
    }
    fprintf(f, "},\"ratios\":{\"uring_vs_fio_gbps\":");
    json_num_or_null(f, ratios[0]);
    fprintf(f, ",\"uring_vs_fio_cpu_per_gb\":");
    json_num_or_null(f, ratios[1]);
    fprintf(f, ",\"uring_vs_threads_gbps\":");
    json_num_or_null(f, ratios[2]);
    fprintf(f, ",\"threads_vs_psync_gbps\":");
    json_num_or_null(f, ratios[3]);
    fprintf(f, "}}\n");
}

static void print_row(const run_rec *rec)
{
    const read_result *r = &rec->r;
    if (!r->ok) {
        printf("%-5u %-13s %-7s FAILED: %s\n", rec->round, r->name, r->path, r->error);
        return;
    }
    printf("%-5u %-13s %-7s %7.3f %9.0f %9.3f %9.1f %9.1f\n", rec->round, r->name, r->path, gbps(r),
           iops(r), cpu_per_gb(r), r->p50_us, r->p99_us);
}

static void print_ratio(const char *what, double v, const char *target)
{
    if (v >= 0)
        printf("  %-44s %6.3f   (target %s)\n", what, v, target);
}

/* ---- main ----------------------------------------------------------------------------- */

static bool parse_u32(const char *s, uint32_t *out)
{
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    if (!*s || *end || v == 0 || v > 1u << 20)
        return false;
    *out = (uint32_t)v;
    return true;
}

int dsvk_bench_read(int argc, char **argv)
{
    read_opts o = {.files = 4,
                   .file_size = 1ull << 30,
                   .dir = "dsvk-bench-data",
                   .bs = 64 << 10,
                   .depth = 32,
                   .direct = true,
                   .random = true,
                   .seconds = 5,
                   .seed = 1,
                   .fadvise = true};
    const char *backend = "both";
    bool fio = false, engine_only = false, json = false;
    uint32_t repeat = 1;
    const char *env_dir = getenv("DSVK_BENCH_DIR");
    if (env_dir && *env_dir)
        o.dir = env_dir;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        bool ok = true, takes = true;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "--files") && v) {
            ok = parse_u32(v, &o.files);
        } else if (!strcmp(a, "--file-size") && v) {
            o.file_size = bench_parse_size(v);
            ok = o.file_size > 0;
        } else if (!strcmp(a, "--dir") && v) {
            o.dir = v;
        } else if (!strcmp(a, "--bs") && v) {
            uint64_t bs = bench_parse_size(v);
            ok = bs >= 512 && bs <= (64u << 20) && bs % 512 == 0;
            o.bs = (uint32_t)bs;
        } else if (!strcmp(a, "--depth") && v) {
            ok = parse_u32(v, &o.depth) && o.depth <= 4096;
        } else if (!strcmp(a, "--queues") && v) {
            ok = parse_u32(v, &o.queues);
        } else if (!strcmp(a, "--threads") && v) {
            ok = parse_u32(v, &o.threads) && o.threads <= 256;
        } else if (!strcmp(a, "--backend") && v) {
            backend = v;
            ok = !strcmp(v, "uring") || !strcmp(v, "threads") || !strcmp(v, "both");
        } else if (!strcmp(a, "--seconds") && v) {
            o.seconds = strtod(v, NULL);
            o.bytes = 0;
            ok = o.seconds > 0;
        } else if (!strcmp(a, "--bytes") && v) {
            o.bytes = bench_parse_size(v);
            o.seconds = 0;
            ok = o.bytes > 0;
        } else if (!strcmp(a, "--repeat") && v) {
            ok = parse_u32(v, &repeat) && repeat <= 50;
        } else if (!strcmp(a, "--seed") && v) {
            o.seed = strtoull(v, NULL, 10);
        } else {
            takes = false;
            if (!strcmp(a, "--direct"))
                o.direct = true;
            else if (!strcmp(a, "--buffered"))
                o.direct = false;
            else if (!strcmp(a, "--random"))
                o.random = true;
            else if (!strcmp(a, "--seq"))
                o.random = false;
            else if (!strcmp(a, "--fio"))
                fio = true;
            else if (!strcmp(a, "--engine-only"))
                engine_only = true;
            else if (!strcmp(a, "--no-fadvise"))
                o.fadvise = false;
            else if (!strcmp(a, "--json"))
                json = true;
            else
                ok = false;
        }
        if (!ok) {
            fprintf(stderr, "dsvk-bench read: bad option or value: %s%s%s\n", a,
                    takes && v ? " " : "", takes && v ? v : "");
            usage(stderr);
            return 2;
        }
        if (takes)
            i++;
    }
    if (o.file_size < o.bs) {
        fprintf(stderr, "dsvk-bench read: --file-size is smaller than --bs\n");
        return 2;
    }
    if (make_files(&o) != 0)
        return 1;

    bool want_uring = strcmp(backend, "threads") != 0;
    bool want_threads = strcmp(backend, "uring") != 0;
    size_t max_runs = (size_t)repeat * 4;
    run_rec *runs = calloc(max_runs, sizeof(*runs));
    if (!runs)
        return 1;
    size_t n = 0;
    if (!json)
        printf("%-5s %-13s %-7s %7s %9s %9s %9s %9s\n", "round", "run", "path", "GB/s", "IOPS",
               "CPU s/GB", "p50 us", "p99 us");
    for (unsigned round = 0; round < repeat; round++) {
        for (int k = 0; k < 4; k++) {
            bool uring_side = k < 2, fio_run = k % 2 == 1;
            if ((uring_side && !want_uring) || (!uring_side && !want_threads) || (fio_run && !fio))
                continue;
            run_rec *rec = &runs[n++];
            rec->round = round;
            read_result *r = &rec->r;
            snprintf(r->name, sizeof(r->name), "%s", names[k]);
            snprintf(r->backend, sizeof(r->backend), "%s",
                     uring_side ? (fio_run ? "io_uring" : "uring")
                                : (fio_run ? "psync" : "threads"));
            int b = uring_side ? DSVK_IO_URING : DSVK_IO_THREADS;
            if (fio_run)
                read_run_fio(&o, uring_side ? "io_uring" : "psync", r);
            else if (engine_only)
                read_run_engine(&o, b, r);
            else
                read_run_api(&o, b, r);
            if (!json) {
                print_row(rec);
                fflush(stdout);
            }
        }
    }

    double ratios[4] = {
        paired_ratio(runs, n, repeat, "dsvk-uring", "fio-io_uring", gbps),
        paired_ratio(runs, n, repeat, "dsvk-uring", "fio-io_uring", cpu_per_gb),
        paired_ratio(runs, n, repeat, "dsvk-uring", "dsvk-threads", gbps),
        paired_ratio(runs, n, repeat, "dsvk-threads", "fio-psync", gbps),
    };
    if (json) {
        print_json(&o, backend, repeat, fio, engine_only, runs, n, ratios);
    } else {
        printf("config: %u files x %llu MiB in %s, bs %u, depth %u, %s %s, %s per run\n", o.files,
               (unsigned long long)(o.file_size >> 20), o.dir, o.bs, o.depth,
               o.random ? "random" : "sequential", o.direct ? "O_DIRECT" : "buffered",
               o.seconds > 0 ? "time" : "bytes");
        printf("ratios (median over rounds):\n");
        print_ratio("dsvk io_uring / fio io_uring, GB/s", ratios[0], ">= 0.95");
        print_ratio("dsvk io_uring / fio io_uring, CPU s per GB", ratios[1], "<= 1.0");
        print_ratio("dsvk io_uring / dsvk thread pool, GB/s", ratios[2], ">= 1.3");
        print_ratio("dsvk thread pool / fio psync, GB/s", ratios[3], "info");
    }
    int status = 0;
    for (size_t i = 0; i < n; i++)
        if (!runs[i].r.ok)
            status = 1;
    for (uint32_t i = 0; i < o.files; i++)
        free(o.paths[i]);
    free(o.paths);
    free(runs);
    return status;
}
