/*
 * dsvk-bench gdeflate-enc: the GDeflate encoder's ratio and speed. For every reference
 * vector (or given file) and level: dsvk's stream size beside the reference encoder's
 * (MANIFEST), checked by decoding it back; then compression MB/s at each level and thread
 * count on all inputs concatenated, beside libdeflate's DEFLATE compressor over the same
 * 64 KiB pieces as a familiar yardstick.
 */
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dsvk/api.h>
#include <dsvk/gdeflate.h>
#include <libdeflate.h>

#define MAX_INPUTS 64
#define MAX_LEVELS 12
#define MAX_THREADS 8
#define MAX_REF_LEVEL 12

typedef struct enc_input {
    char name[128];
    uint8_t *data;
    size_t size;
    size_t ref_size[MAX_REF_LEVEL + 1]; /* 0 = not listed */
} enc_input;

typedef struct enc_opts {
    const char *vectors;
    int levels[MAX_LEVELS];
    unsigned num_levels;
    uint32_t threads[MAX_THREADS];
    unsigned num_threads;
    double min_seconds;
    unsigned repeat;
    bool json;
    bool no_libdeflate;
} enc_opts;

/* clang-format off */
static void usage(FILE *f)
{
    fprintf(f,
"usage: dsvk-bench gdeflate-enc [OPTIONS] [FILE...]\n"
"\n"
"Compresses each input at each level with dsvk_gdeflate_compress, decodes it back with\n"
"dsvk_gdeflate_decompress, and lists the stream size beside the reference encoder's\n"
"(the vectors' MANIFEST). Then times compression of all inputs concatenated.\n"
"\n"
"  --vectors DIR      reference vectors (default $DSVK_VECTORS, else ../shared/gdeflate-vectors);\n"
"                     their NAME.raw files are the inputs when no FILE is given\n"
"  --levels L,L,...   levels 1..12 (default 1,9,12)\n"
"  --threads T,T,...  thread counts for the timing (default 1,2; 0 = one per CPU)\n"
"  --seconds S        minimum time per timing run (default 1)\n"
"  --repeat N         rounds; each times every configuration once, the best round is\n"
"                     reported (default 3)\n"
"  --no-libdeflate    skip the libdeflate yardstick\n"
"  --json             one JSON object instead of the tables\n"
"\n"
"JSON: {\"subcommand\":\"gdeflate-enc\", \"version\":S, \"config\":{vectors, levels, threads,\n"
"  seconds, repeat}, \"sizes\":[{input, bytes, level, dsvk, reference (null if unknown),\n"
"  diff_pct, ok}], \"speed\":[{level, threads, bytes, seconds, mb_per_s (1e6 bytes/s of\n"
"  input; the best round), ratio}], \"libdeflate\":[{level, mb_per_s, bytes_out}],\n"
"  \"level1_vs_level9\":[{threads, speedup (best vs best), median_round_speedup}]\n"
"  (when both levels ran)}\n");
}
/* clang-format on */

static bool parse_list(const char *s, int *out, unsigned max, unsigned *count, int lo, int hi)
{
    *count = 0;
    while (*s) {
        char *end;
        long v = strtol(s, &end, 10);
        if (end == s || v < lo || v > hi || *count >= max)
            return false;
        out[(*count)++] = (int)v;
        s = *end == ',' ? end + 1 : end;
        if (*end && *end != ',')
            return false;
    }
    return *count > 0;
}

static uint8_t *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    uint8_t *buf = NULL;
    if (fseek(f, 0, SEEK_END) == 0) {
        long len = ftell(f);
        if (len > 0 && fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)len)) &&
            fread(buf, 1, (size_t)len, f) != (size_t)len) {
            free(buf);
            buf = NULL;
        }
        *size = len > 0 ? (size_t)len : 0;
    }
    fclose(f);
    return buf;
}

/* Inputs from the MANIFEST (names, raw sizes, reference sizes per level). */
static unsigned load_vectors(const char *dir, enc_input *inputs)
{
    char path[1024], line[512];
    snprintf(path, sizeof(path), "%s/MANIFEST", dir);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    unsigned n = 0;
    while (fgets(line, sizeof(line), f)) {
        char name[128];
        size_t raw, ref;
        int level;
        if (line[0] == '#' || sscanf(line, "%127s %zu %d %zu", name, &raw, &level, &ref) != 4)
            continue;
        unsigned i = 0;
        while (i < n && strcmp(inputs[i].name, name) != 0)
            i++;
        if (i == n) {
            if (n == MAX_INPUTS)
                continue;
            memset(&inputs[n], 0, sizeof(inputs[n]));
            snprintf(inputs[n].name, sizeof(inputs[n].name), "%s", name);
            n++;
        }
        if (level >= 0 && level <= MAX_REF_LEVEL)
            inputs[i].ref_size[level] = ref;
    }
    fclose(f);
    for (unsigned i = 0; i < n; i++) {
        int len = snprintf(path, sizeof(path), "%s/%s.raw", dir, inputs[i].name);
        inputs[i].data =
            len > 0 && (size_t)len < sizeof(path) ? read_file(path, &inputs[i].size) : NULL;
        if (!inputs[i].data) {
            fprintf(stderr, "dsvk-bench gdeflate-enc: cannot read %s\n", path);
            return 0;
        }
    }
    return n;
}

/* Compresses in once and decodes it back; returns the stream size, 0 on any failure. */
static size_t size_and_check(const uint8_t *in, size_t n, int level)
{
    size_t cap = dsvk_gdeflate_compress_bound(n), size = 0;
    uint8_t *out = malloc(cap), *back = malloc(n);
    bool ok = out && back && dsvk_gdeflate_compress(in, n, out, cap, &size, level, 0) == DSVK_OK &&
              dsvk_gdeflate_decompress(out, size, back, n, 0, NULL) == DSVK_OK &&
              memcmp(back, in, n) == 0;
    free(out);
    free(back);
    return ok ? size : 0;
}

/* Seconds per compression of in, repeating it until min_seconds have passed; -1 on error. */
static double time_dsvk_once(const uint8_t *in, size_t n, int level, uint32_t threads,
                             double min_seconds, uint8_t *out, size_t cap, size_t *size)
{
    unsigned iters = 0;
    double start = bench_now(), elapsed;
    do {
        if (dsvk_gdeflate_compress(in, n, out, cap, size, level, threads) != DSVK_OK)
            return -1;
        iters++;
        elapsed = bench_now() - start;
    } while (elapsed < min_seconds);
    return elapsed / iters;
}

static double time_libdeflate(const uint8_t *in, size_t n, int level, const enc_opts *o,
                              size_t *size)
{
    struct libdeflate_compressor *c = libdeflate_alloc_compressor(level);
    size_t cap = libdeflate_deflate_compress_bound(c, DSVK_GDEFLATE_TILE_SIZE);
    uint8_t *out = malloc(cap);
    double best = -1;
    for (unsigned r = 0; c && out && r < o->repeat; r++) {
        unsigned iters = 0;
        double start = bench_now(), elapsed;
        do {
            *size = 0;
            for (size_t p = 0; p < n; p += DSVK_GDEFLATE_TILE_SIZE) {
                size_t len = n - p < DSVK_GDEFLATE_TILE_SIZE ? n - p : DSVK_GDEFLATE_TILE_SIZE;
                *size += libdeflate_deflate_compress(c, in + p, len, out, cap);
            }
            iters++;
            elapsed = bench_now() - start;
        } while (elapsed < o->min_seconds);
        double per = elapsed / iters;
        if (best < 0 || per < best)
            best = per;
    }
    free(out);
    libdeflate_free_compressor(c);
    return best;
}

static int parse_args(int argc, char **argv, enc_opts *o, int *first_file)
{
    const char *env = getenv("DSVK_VECTORS");
    *o = (enc_opts){.vectors = env && *env ? env : "../shared/gdeflate-vectors",
                    .levels = {1, 9, 12},
                    .num_levels = 3,
                    .threads = {1, 2},
                    .num_threads = 2,
                    .min_seconds = 1,
                    .repeat = 3};
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i];
        bool more = i + 1 < argc;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            exit(0);
        } else if (!strcmp(a, "--json")) {
            o->json = true;
        } else if (!strcmp(a, "--no-libdeflate")) {
            o->no_libdeflate = true;
        } else if (!strcmp(a, "--vectors") && more) {
            o->vectors = argv[++i];
        } else if (!strcmp(a, "--levels") && more) {
            if (!parse_list(argv[++i], o->levels, MAX_LEVELS, &o->num_levels, 1, 12))
                return -1;
        } else if (!strcmp(a, "--threads") && more) {
            int t[MAX_THREADS];
            if (!parse_list(argv[++i], t, MAX_THREADS, &o->num_threads, 0, 1024))
                return -1;
            for (unsigned k = 0; k < o->num_threads; k++)
                o->threads[k] = (uint32_t)t[k];
        } else if (!strcmp(a, "--seconds") && more) {
            o->min_seconds = atof(argv[++i]);
        } else if (!strcmp(a, "--repeat") && more) {
            o->repeat = (unsigned)atoi(argv[++i]);
            if (o->repeat == 0)
                return -1;
        } else {
            return -1;
        }
    }
    *first_file = i;
    return 0;
}

int dsvk_bench_gdeflate_enc(int argc, char **argv)
{
    enc_opts o;
    int first_file;
    if (parse_args(argc, argv, &o, &first_file) != 0) {
        usage(stderr);
        return 2;
    }
    static enc_input inputs[MAX_INPUTS];
    unsigned num_inputs = 0;
    if (first_file < argc) {
        for (int i = first_file; i < argc && num_inputs < MAX_INPUTS; i++) {
            enc_input *in = &inputs[num_inputs];
            memset(in, 0, sizeof(*in));
            snprintf(in->name, sizeof(in->name), "%s", argv[i]);
            in->data = read_file(argv[i], &in->size);
            if (!in->data) {
                fprintf(stderr, "dsvk-bench gdeflate-enc: cannot read %s\n", argv[i]);
                return 1;
            }
            num_inputs++;
        }
    } else if ((num_inputs = load_vectors(o.vectors, inputs)) == 0) {
        fprintf(stderr, "dsvk-bench gdeflate-enc: no vectors in %s (see --vectors)\n", o.vectors);
        return 1;
    }

    FILE *out = stdout;
    bool all_ok = true;
    if (o.json) {
        fprintf(out, "{\"subcommand\":\"gdeflate-enc\",\"version\":");
        bench_json_string(out, dsvk_version());
        fprintf(out, ",\"config\":{\"vectors\":");
        bench_json_string(out, o.vectors);
        fprintf(out, ",\"levels\":[");
        for (unsigned l = 0; l < o.num_levels; l++)
            fprintf(out, "%s%d", l ? "," : "", o.levels[l]);
        fprintf(out, "],\"threads\":[");
        for (unsigned t = 0; t < o.num_threads; t++)
            fprintf(out, "%s%u", t ? "," : "", o.threads[t]);
        fprintf(out, "],\"seconds\":%g,\"repeat\":%u},\"sizes\":[", o.min_seconds, o.repeat);
    } else {
        fprintf(out, "%-22s %9s %5s %10s %10s %8s\n", "input", "bytes", "level", "dsvk",
                "reference", "diff");
    }

    /* Sizes, each checked by a round trip. */
    size_t total = 0;
    bool first = true;
    for (unsigned i = 0; i < num_inputs; i++) {
        total += inputs[i].size;
        for (unsigned l = 0; l < o.num_levels; l++) {
            int level = o.levels[l];
            size_t size = size_and_check(inputs[i].data, inputs[i].size, level);
            size_t ref = inputs[i].ref_size[level];
            double diff = ref ? 100.0 * ((double)size - (double)ref) / (double)ref : 0;
            all_ok &= size != 0;
            if (o.json) {
                fprintf(out, "%s{\"input\":", first ? "" : ",");
                bench_json_string(out, inputs[i].name);
                fprintf(out, ",\"bytes\":%zu,\"level\":%d,\"dsvk\":%zu,", inputs[i].size, level,
                        size);
                if (ref)
                    fprintf(out, "\"reference\":%zu,\"diff_pct\":%.3f,", ref, diff);
                else
                    fprintf(out, "\"reference\":null,\"diff_pct\":null,");
                fprintf(out, "\"ok\":%s}", size ? "true" : "false");
            } else if (ref) {
                fprintf(out, "%-22s %9zu %5d %10zu %10zu %+7.2f%%%s\n", inputs[i].name,
                        inputs[i].size, level, size, ref, diff, size ? "" : "  ROUND TRIP FAILED");
            } else {
                fprintf(out, "%-22s %9zu %5d %10zu %10s %8s%s\n", inputs[i].name, inputs[i].size,
                        level, size, "-", "-", size ? "" : "  ROUND TRIP FAILED");
            }
            first = false;
        }
    }

    /* Speed on everything concatenated. */
    uint8_t *all = malloc(total);
    if (!all)
        return 1;
    for (size_t i = 0, p = 0; i < num_inputs; p += inputs[i].size, i++)
        memcpy(all + p, inputs[i].data, inputs[i].size);
    if (o.json)
        fprintf(out, "],\"speed\":[");
    else
        fprintf(out, "\nall inputs concatenated: %zu bytes\n%5s %7s %10s %10s %7s\n", total,
                "level", "threads", "MB/s", "bytes", "ratio");
    /* Rounds alternate every configuration, so a noisy spell hits all of them; each keeps
     * its best round, and level 1 / level 9 is also taken per round (median reported). */
    double best[MAX_LEVELS][MAX_THREADS], round_ratio[MAX_THREADS][64];
    size_t sizes[MAX_LEVELS][MAX_THREADS] = {{0}};
    unsigned rounds = o.repeat < 64 ? o.repeat : 64;
    int l1 = -1, l9 = -1;
    for (unsigned l = 0; l < o.num_levels; l++) {
        if (o.levels[l] == 1)
            l1 = (int)l;
        if (o.levels[l] == 9)
            l9 = (int)l;
        for (unsigned t = 0; t < o.num_threads; t++)
            best[l][t] = -1;
    }
    size_t cap = dsvk_gdeflate_compress_bound(total);
    uint8_t *scratch = malloc(cap);
    if (!scratch)
        return 1;
    for (unsigned r = 0; r < rounds; r++) {
        double secs[MAX_LEVELS][MAX_THREADS];
        for (unsigned l = 0; l < o.num_levels; l++) {
            for (unsigned t = 0; t < o.num_threads; t++) {
                secs[l][t] = time_dsvk_once(all, total, o.levels[l], o.threads[t], o.min_seconds,
                                            scratch, cap, &sizes[l][t]);
                all_ok &= secs[l][t] > 0;
                if (secs[l][t] > 0 && (best[l][t] < 0 || secs[l][t] < best[l][t]))
                    best[l][t] = secs[l][t];
            }
        }
        for (unsigned t = 0; l1 >= 0 && l9 >= 0 && t < o.num_threads; t++)
            round_ratio[t][r] = secs[l1][t] > 0 ? secs[l9][t] / secs[l1][t] : 0;
    }
    free(scratch);
    double mbps[MAX_LEVELS][MAX_THREADS] = {{0}};
    first = true;
    for (unsigned l = 0; l < o.num_levels; l++) {
        for (unsigned t = 0; t < o.num_threads; t++) {
            double sec = best[l][t];
            size_t size = sizes[l][t];
            mbps[l][t] = sec > 0 ? (double)total / sec / 1e6 : 0;
            if (o.json)
                fprintf(out,
                        "%s{\"level\":%d,\"threads\":%u,\"bytes\":%zu,\"seconds\":%.6f,"
                        "\"mb_per_s\":%.2f,\"ratio\":%.4f}",
                        first ? "" : ",", o.levels[l], o.threads[t], size, sec, mbps[l][t],
                        (double)size / (double)total);
            else
                fprintf(out, "%5d %7u %10.1f %10zu %7.4f\n", o.levels[l], o.threads[t], mbps[l][t],
                        size, (double)size / (double)total);
            first = false;
        }
    }

    if (o.json)
        fprintf(out, "],\"libdeflate\":[");
    else if (!o.no_libdeflate)
        fprintf(out, "\nlibdeflate (DEFLATE, 64 KiB pieces, 1 thread)\n%5s %10s %10s\n", "level",
                "MB/s", "bytes");
    first = true;
    for (unsigned l = 0; !o.no_libdeflate && l < o.num_levels; l++) {
        size_t size = 0;
        double s = time_libdeflate(all, total, o.levels[l], &o, &size);
        double rate = s > 0 ? (double)total / s / 1e6 : 0;
        if (o.json)
            fprintf(out, "%s{\"level\":%d,\"mb_per_s\":%.2f,\"bytes_out\":%zu}", first ? "" : ",",
                    o.levels[l], rate, size);
        else
            fprintf(out, "%5d %10.1f %10zu\n", o.levels[l], rate, size);
        first = false;
    }

    /* Level 1 against level 9, per thread count: best against best, and the median of the
     * per-round ratios. */
    if (o.json)
        fprintf(out, "],\"level1_vs_level9\":[");
    first = true;
    for (unsigned t = 0; l1 >= 0 && l9 >= 0 && t < o.num_threads; t++) {
        double x = mbps[l9][t] > 0 ? mbps[l1][t] / mbps[l9][t] : 0;
        qsort(round_ratio[t], rounds, sizeof(double), bench_cmp_double);
        double med = bench_percentile(round_ratio[t], rounds, 50);
        if (o.json)
            fprintf(out, "%s{\"threads\":%u,\"speedup\":%.2f,\"median_round_speedup\":%.2f}",
                    first ? "" : ",", o.threads[t], x, med);
        else
            fprintf(out, "%slevel 1 vs level 9, %u thread(s): %.2fx (median of rounds %.2fx)\n",
                    first ? "\n" : "", o.threads[t], x, med);
        first = false;
    }
    if (o.json)
        fprintf(out, "]}\n");

    free(all);
    for (unsigned i = 0; i < num_inputs; i++)
        free(inputs[i].data);
    return all_ok ? 0 : 1;
}
