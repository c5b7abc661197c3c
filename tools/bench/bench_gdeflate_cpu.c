/*
 * dsvk-bench gdeflate-cpu: GDeflate CPU decoding beside libdeflate.
 *
 * For each raw input file: compress it with dsvk's encoder (level 9 unless --level), then in
 * the same run time dsvk's decoder on one thread and on N threads, and the baseline: the same
 * data compressed by libdeflate (level 9) as raw DEFLATE in independent 64 KiB chunks and
 * decoded chunk by chunk with libdeflate_deflate_decompress on one thread. Each figure is the
 * best of several repetitions (the machines are shared); every output is verified. With
 * --variants, each decoder variant the CPU runs is timed too (the internal tile functions).
 * Reproducible inputs: scripts/gen-corpus.py.
 */
#include "bench.h"

#include <getopt.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libdeflate.h>

#include <dsvk/api.h>
#include <dsvk/gdeflate.h>

#include "gdeflate/decode_internal.h"

#define CHUNK DSVK_GDEFLATE_TILE_SIZE

typedef struct gd_cpu_opts {
    uint32_t threads;
    int level;
    bool json;
    bool cpu_clock;     /* single-thread figures from the thread's CPU time (busy machines) */
    bool variants;      /* also time each decoder variant this CPU runs, on one thread */
    double min_seconds; /* per measurement: repeat until this much time has passed */
    unsigned min_reps;
} gd_cpu_opts;

typedef struct gd_cpu_result {
    const char *name;
    size_t raw_size, ours_size, libdeflate_size;
    double ours_1t, ours_nt, libdeflate; /* best seconds (1T: on the chosen clock) */
    double ours_1t_wall;                 /* for the scaling figure */
    double variant[4];                   /* generic, bmi2, avx2, avx512; 0 = not run */
    unsigned reps_1t, reps_nt, reps_ld;
    bool ok;
} gd_cpu_result;

static void usage(FILE *f)
{
    fprintf(
        f,
        "usage: dsvk-bench gdeflate-cpu [--threads N] [--level L] [--reps R] [--clock wall|cpu]\n"
        "                               [--variants] [--json] FILE...\n"
        "\n"
        "FILEs are raw (uncompressed) inputs; scripts/gen-corpus.py writes a reproducible\n"
        "set. Each is compressed with dsvk's GDeflate encoder (level L, default 9) and\n"
        "decoded by dsvk on 1 and N threads (default: all CPUs), beside libdeflate decoding\n"
        "the same data as raw DEFLATE (level 9) in independent 64 KiB chunks on 1 thread.\n"
        "Figures: MB/s of output (10^6 bytes), best of at least R repetitions (default 5)\n"
        "and of 0.5 s of repetitions; ratio = dsvk 1 thread / libdeflate; scaling = dsvk N\n"
        "threads / dsvk 1 thread. --clock cpu times the single-thread runs by the thread's\n"
        "CPU time instead of wall time (for machines shared with other work; the N-thread\n"
        "runs always use wall time). --variants also times each of the decoder's variants\n"
        "(generic, bmi2, avx2, avx512) that this CPU runs, on one thread.\n");
}

static uint8_t *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    uint8_t *buf = NULL;
    if (fseek(f, 0, SEEK_END) == 0) {
        long n = ftell(f);
        rewind(f);
        buf = n >= 0 ? malloc((size_t)n + 1) : NULL;
        if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
            free(buf);
            buf = NULL;
        }
        *size = (size_t)n;
    }
    fclose(f);
    return buf;
}

static double thread_cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Times fn until min_reps runs and min_seconds have passed; returns the best run (by the
 * thread's CPU time when cpu_clock). */
typedef bool (*run_fn)(void *ctx);
static double best_time(run_fn fn, void *ctx, const gd_cpu_opts *o, bool cpu_clock, unsigned *reps,
                        bool *ok)
{
    double (*clock_now)(void) = cpu_clock ? thread_cpu_now : bench_now;
    double best = 1e30, start = bench_now();
    unsigned n = 0;
    do {
        double t0 = clock_now();
        if (!fn(ctx)) {
            *ok = false;
            break;
        }
        double t = clock_now() - t0;
        if (t < best)
            best = t;
        n++;
    } while (n < o->min_reps || (bench_now() - start < o->min_seconds && n < 1000));
    *reps = n;
    return best;
}

typedef struct ours_ctx {
    const uint8_t *stream;
    size_t stream_size;
    uint8_t *out;
    size_t out_size;
    uint32_t threads;
} ours_ctx;

/* One decoder variant over every tile of a stream, on this thread. */
typedef struct variant_ctx {
    gd_tile_fn fn;
    const uint8_t *stream;
    size_t stream_size;
    uint8_t *out;
} variant_ctx;

static bool run_variant(void *p)
{
    variant_ctx *c = p;
    dsvk_gdeflate_info info;
    if (dsvk_gdeflate_parse(c->stream, c->stream_size, &info) != DSVK_OK)
        return false;
    for (uint32_t t = 0; t < info.num_tiles; t++) {
        uint64_t off;
        uint32_t size;
        dsvk_gdeflate_tile_range(c->stream, &info, t, &off, &size);
        const size_t out_size = t + 1 == info.num_tiles ? info.last_tile_size : CHUNK;
        if (c->fn(c->stream + off, size, c->out + (size_t)t * CHUNK, out_size, NULL, NULL, NULL) !=
            DSVK_OK)
            return false;
    }
    return true;
}

static unsigned variants_on_this_cpu(void)
{
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("bmi2"))
        return 1;
    if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("bmi"))
        return 2;
    return gd_cpu_has_avx512() ? 4 : 3;
#else
    return 1;
#endif
}

static bool run_ours(void *p)
{
    ours_ctx *c = p;
    return dsvk_gdeflate_decompress(c->stream, c->stream_size, c->out, c->out_size, c->threads,
                                    NULL) == DSVK_OK;
}

typedef struct ld_ctx {
    struct libdeflate_decompressor *d;
    uint8_t **chunks;
    size_t *chunk_sizes;
    size_t num_chunks;
    uint8_t *out;
    size_t out_size;
} ld_ctx;

static bool run_libdeflate(void *p)
{
    ld_ctx *c = p;
    for (size_t i = 0; i < c->num_chunks; i++) {
        size_t at = i * CHUNK, len = c->out_size - at < CHUNK ? c->out_size - at : CHUNK;
        if (libdeflate_deflate_decompress(c->d, c->chunks[i], c->chunk_sizes[i], c->out + at, len,
                                          NULL) != LIBDEFLATE_SUCCESS)
            return false;
    }
    return true;
}

static bool bench_file(const char *path, const gd_cpu_opts *o, gd_cpu_result *res)
{
    memset(res, 0, sizeof(*res));
    res->name = path;
    size_t n;
    uint8_t *raw = read_file(path, &n);
    if (!raw || n == 0) {
        fprintf(stderr, "dsvk-bench: %s: cannot read (or empty)\n", path);
        free(raw);
        return false;
    }
    res->raw_size = n;
    res->ok = true;

    /* ours: compress, then decode on 1 and N threads */
    size_t cap = dsvk_gdeflate_compress_bound(n), stream_size = 0;
    uint8_t *stream = malloc(cap), *out = malloc(n);
    dsvk_result r = dsvk_gdeflate_compress(raw, n, stream, cap, &stream_size, o->level, 0);
    if (r != DSVK_OK) {
        fprintf(stderr, "dsvk-bench: %s: compression failed: %s\n", path, dsvk_result_string(r));
        free(raw);
        free(stream);
        free(out);
        return false;
    }
    res->ours_size = stream_size;
    ours_ctx oc = {stream, stream_size, out, n, 1};
    memset(out, 0, n);
    res->ours_1t = best_time(run_ours, &oc, o, o->cpu_clock, &res->reps_1t, &res->ok);
    res->ok = res->ok && !memcmp(out, raw, n);
    unsigned reps;
    res->ours_1t_wall =
        o->cpu_clock ? best_time(run_ours, &oc, o, false, &reps, &res->ok) : res->ours_1t;
    oc.threads = o->threads;
    memset(out, 0, n);
    res->ours_nt = best_time(run_ours, &oc, o, false, &res->reps_nt, &res->ok);
    res->ok = res->ok && !memcmp(out, raw, n);

    if (o->variants) {
        static const gd_tile_fn fns[4] = {gd_decode_tile_generic, gd_decode_tile_bmi2,
                                          gd_decode_tile_avx2, gd_decode_tile_avx512};
        const unsigned num = variants_on_this_cpu();
        for (unsigned v = 0; v < num; v++) {
            variant_ctx vc = {fns[v], stream, stream_size, out};
            memset(out, 0, n);
            res->variant[v] = best_time(run_variant, &vc, o, o->cpu_clock, &reps, &res->ok);
            res->ok = res->ok && !memcmp(out, raw, n);
        }
    }

    /* the baseline: level 9 raw DEFLATE in independent 64 KiB chunks */
    struct libdeflate_compressor *comp = libdeflate_alloc_compressor(9);
    ld_ctx lc = {.d = libdeflate_alloc_decompressor(),
                 .out = out,
                 .out_size = n,
                 .num_chunks = (n + CHUNK - 1) / CHUNK};
    lc.chunks = calloc(lc.num_chunks, sizeof(*lc.chunks));
    lc.chunk_sizes = calloc(lc.num_chunks, sizeof(*lc.chunk_sizes));
    for (size_t i = 0; i < lc.num_chunks; i++) {
        size_t at = i * CHUNK, len = n - at < CHUNK ? n - at : CHUNK;
        size_t bound = libdeflate_deflate_compress_bound(comp, len);
        lc.chunks[i] = malloc(bound);
        lc.chunk_sizes[i] = libdeflate_deflate_compress(comp, raw + at, len, lc.chunks[i], bound);
        res->ok = res->ok && lc.chunk_sizes[i] != 0;
        res->libdeflate_size += lc.chunk_sizes[i];
    }
    memset(out, 0, n);
    if (res->ok)
        res->libdeflate = best_time(run_libdeflate, &lc, o, o->cpu_clock, &res->reps_ld, &res->ok);
    res->ok = res->ok && !memcmp(out, raw, n);
    if (!res->ok)
        fprintf(stderr, "dsvk-bench: %s: a decoder's output differs from the input\n", path);

    for (size_t i = 0; i < lc.num_chunks; i++)
        free(lc.chunks[i]);
    free(lc.chunks);
    free(lc.chunk_sizes);
    libdeflate_free_decompressor(lc.d);
    libdeflate_free_compressor(comp);
    free(raw);
    free(stream);
    free(out);
    return res->ok;
}

static double mbps(size_t bytes, double seconds)
{
    return seconds > 0 ? (double)bytes / seconds / 1e6 : 0;
}

static void print_table(const gd_cpu_result *res, size_t count, const gd_cpu_opts *o)
{
    printf("GDeflate CPU decode, level %d, %u threads, %s clock (dsvk %s)\n", o->level, o->threads,
           o->cpu_clock ? "CPU-time (1T) / wall (NT)" : "wall", dsvk_version());
    printf("%-24s %9s %7s %7s %9s %9s %9s %7s %7s\n", "file", "MiB", "ours%", "ld%", "ours 1T",
           "ours NT", "libdefl", "ratio", "scaling");
    size_t total = 0;
    double t1 = 0, t1w = 0, tn = 0, tl = 0;
    for (size_t i = 0; i < count; i++) {
        const gd_cpu_result *r = &res[i];
        const char *base = strrchr(r->name, '/') ? strrchr(r->name, '/') + 1 : r->name;
        printf("%-24s %9.1f %6.1f%% %6.1f%% %9.0f %9.0f %9.0f %7.2f %7.2f%s\n", base,
               (double)r->raw_size / 1048576.0, 100.0 * (double)r->ours_size / (double)r->raw_size,
               100.0 * (double)r->libdeflate_size / (double)r->raw_size,
               mbps(r->raw_size, r->ours_1t), mbps(r->raw_size, r->ours_nt),
               mbps(r->raw_size, r->libdeflate), r->libdeflate / r->ours_1t,
               r->ours_1t_wall / r->ours_nt, r->ok ? "" : "  VERIFY FAILED");
        total += r->raw_size;
        t1 += r->ours_1t;
        t1w += r->ours_1t_wall;
        tn += r->ours_nt;
        tl += r->libdeflate;
    }
    if (count > 1)
        printf("%-24s %9.1f %7s %7s %9.0f %9.0f %9.0f %7.2f %7.2f\n", "all", total / 1048576.0, "",
               "", mbps(total, t1), mbps(total, tn), mbps(total, tl), tl / t1, t1w / tn);
    printf("MB/s of output, best of >= %u runs; ratio = ours 1T / libdeflate; scaling = ours "
           "NT / ours 1T (both wall time)\n",
           o->min_reps);
    if (!o->variants)
        return;
    static const char *names[4] = {"generic", "bmi2", "avx2", "avx512"};
    printf("\ndecoder variants, 1 thread, MB/s (x libdeflate)\n%-24s", "file");
    for (unsigned v = 0; v < 4; v++)
        printf(" %15s", names[v]);
    printf("\n");
    for (size_t i = 0; i < count; i++) {
        const char *base = strrchr(res[i].name, '/') ? strrchr(res[i].name, '/') + 1 : res[i].name;
        printf("%-24s", base);
        for (unsigned v = 0; v < 4; v++) {
            if (res[i].variant[v] > 0)
                printf(" %7.0f (%5.2f)", mbps(res[i].raw_size, res[i].variant[v]),
                       res[i].libdeflate / res[i].variant[v]);
            else
                printf(" %15s", "-");
        }
        printf("\n");
    }
}

static void print_json(const gd_cpu_result *res, size_t count, const gd_cpu_opts *o)
{
    printf("{\"benchmark\":\"gdeflate-cpu\",\"dsvk\":");
    bench_json_string(stdout, dsvk_version());
    printf(",\"level\":%d,\"threads\":%u,\"clock\":\"%s\",\"files\":[", o->level, o->threads,
           o->cpu_clock ? "cpu" : "wall");
    for (size_t i = 0; i < count; i++) {
        const gd_cpu_result *r = &res[i];
        printf("%s{\"file\":", i ? "," : "");
        bench_json_string(stdout, r->name);
        printf(",\"bytes\":%zu,\"gdeflate_bytes\":%zu,\"libdeflate_bytes\":%zu,"
               "\"ours_1t_mbps\":%.1f,\"ours_nt_mbps\":%.1f,\"libdeflate_mbps\":%.1f,"
               "\"ratio_vs_libdeflate\":%.3f,\"scaling\":%.3f,\"reps\":[%u,%u,%u],"
               "\"variants_mbps\":{\"generic\":%.1f,\"bmi2\":%.1f,\"avx2\":%.1f,"
               "\"avx512\":%.1f},\"verified\":%s}",
               r->raw_size, r->ours_size, r->libdeflate_size, mbps(r->raw_size, r->ours_1t),
               mbps(r->raw_size, r->ours_nt), mbps(r->raw_size, r->libdeflate),
               r->libdeflate / r->ours_1t, r->ours_1t_wall / r->ours_nt, r->reps_1t, r->reps_nt,
               r->reps_ld, mbps(r->raw_size, r->variant[0]), mbps(r->raw_size, r->variant[1]),
               mbps(r->raw_size, r->variant[2]), mbps(r->raw_size, r->variant[3]),
               r->ok ? "true" : "false");
    }
    printf("]}\n");
}

int dsvk_bench_gdeflate_cpu(int argc, char **argv)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    gd_cpu_opts o = {.threads = cpus > 0 ? (uint32_t)cpus : 1,
                     .level = DSVK_GDEFLATE_LEVEL_DEFAULT,
                     .min_seconds = 0.5,
                     .min_reps = 5};
    static const struct option longs[] = {
        {"threads", required_argument, NULL, 't'}, {"level", required_argument, NULL, 'l'},
        {"reps", required_argument, NULL, 'r'},    {"clock", required_argument, NULL, 'c'},
        {"variants", no_argument, NULL, 'V'},      {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0}};
    optind = 1;
    for (int c; (c = getopt_long(argc, argv, "t:l:r:c:Vjh", longs, NULL)) != -1;) {
        switch (c) {
        case 't':
            o.threads = (uint32_t)strtoul(optarg, NULL, 10);
            if (o.threads == 0)
                o.threads = cpus > 0 ? (uint32_t)cpus : 1;
            break;
        case 'l':
            o.level = atoi(optarg);
            if (o.level < 1 || o.level > 12) {
                fprintf(stderr, "dsvk-bench gdeflate-cpu: level must be 1..12\n");
                return 2;
            }
            break;
        case 'r':
            o.min_reps = (unsigned)strtoul(optarg, NULL, 10);
            if (o.min_reps == 0)
                o.min_reps = 1;
            break;
        case 'c':
            if (strcmp(optarg, "cpu") && strcmp(optarg, "wall")) {
                fprintf(stderr, "dsvk-bench gdeflate-cpu: --clock is wall or cpu\n");
                return 2;
            }
            o.cpu_clock = !strcmp(optarg, "cpu");
            break;
        case 'V': o.variants = true; break;
        case 'j': o.json = true; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind >= argc) {
        usage(stderr);
        return 2;
    }
    const size_t count = (size_t)(argc - optind);
    gd_cpu_result *res = calloc(count, sizeof(*res));
    bool ok = true;
    for (size_t i = 0; i < count; i++)
        ok = bench_file(argv[optind + (int)i], &o, &res[i]) && ok;
    if (o.json)
        print_json(res, count, &o);
    else
        print_table(res, count, &o);
    free(res);
    return ok ? 0 : 1;
}
