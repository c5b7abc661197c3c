/*
 * dsvk-demo: builds a small game-like asset set, loads it through dsvk's native API and
 * the plain way (read() + single-threaded decode), checks every byte (CRC32), and prints a
 * one-screen report. Exit status 0: both loads delivered every asset intact; 1: a load
 * failed or an asset did not match; 2: usage error.
 */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <dsvk/dsvk.h>

#include "json_writer.h"
#include "load.h"
#include "pack.h"
#include "wine_path.h"

#define DEFAULT_SIZE (128ull << 20)
#define MIN_SIZE (1ull << 20)
#define MAX_SIZE (4ull << 30)

typedef struct options {
    const char *dir;
    uint64_t size;
    uint64_t seed;
    bool json, warm, corrupt, keep, no_wine;
} options;

typedef struct demo {
    options opt;
    char dir[4096];
    bool temporary;
    asset_set set;
    bool generated;
    double generate_seconds;
    char corrupted[1024];
    load_result native, baseline;
    /* The Wine path: "ran", "failed" (could not run), "pending" (a part is missing),
     * "skipped" (--no-wine). */
    const char *wine_status;
    char wine_why[1024];
    wine_path wine;
    load_result wine_dstorage, wine_plain;
} demo;

static void usage(FILE *out)
{
    fprintf(out,
            "usage: dsvk-demo [--dir DIR] [--size SIZE] [--json] [--warm] [--corrupt] [--keep]\n"
            "                 [--no-wine]\n"
            "\n"
            "Builds a small game-like asset set (BC1/BC7 texture blocks, float meshes, JSON\n"
            "text, already-compressed media; a few dozen files, GDeflate level 9 except the\n"
            "media), loads it through dsvk's native API (a file queue, GDeflate requests to\n"
            "host memory, status entries, an eventfd signal), checks every asset's CRC32, and\n"
            "compares with the plain way: read() of the same files and dsvk's GDeflate\n"
            "decoder on one thread. Throughput is of uncompressed output.\n"
            "\n"
            "  --dir DIR    keep the assets in DIR and reuse them next time (default: a\n"
            "               temporary folder under $TMPDIR or /var/tmp, removed at the end)\n"
            "  --size SIZE  uncompressed size of the set, e.g. 64M, 1G (default 128M;\n"
            "               1M..4G)\n"
            "  --json       print one JSON object instead of the report\n"
            "  --warm       leave the files in the page cache (default: evict them before\n"
            "               each load with posix_fadvise, so both loads read the disk)\n"
            "  --corrupt    flip a byte in one GDeflate asset and one stored asset before\n"
            "               loading: the demo must report both and exit with status 1\n"
            "  --keep       keep the temporary folder\n"
            "  --seed N     another asset set (default 1)\n"
            "  --no-wine    skip the Wine path\n"
            "\n"
            "The Wine path: when Wine, dsvk's shim and dstorage.dll, and the PE loader\n"
            "(dsvk-demo-loader.exe) are installed, the same assets are loaded by a Windows\n"
            "program through DirectStorage under Wine (the shim preloaded, as dsvk-run does),\n"
            "and for comparison with plain Wine file reads (ReadFile) plus a DirectStorage\n"
            "GDeflate codec on one thread. WINEPREFIX (default ~/.cache/dsvk/wineprefix,\n"
            "created on first use), DSVK_WINE, DSVK_SHIM_PATH and DSVK_DEMO_LOADER choose\n"
            "other ones. Without a part the Wine path is reported as pending.\n"
            "\n"
            "The DSVK_* variables apply (DSVK_IO, DSVK_WORKERS, DSVK_STATS, DSVK_STATS_FILE,\n"
            "...). Exit status: 0 every asset arrived intact every way that ran, 1 otherwise,\n"
            "2 usage.\n");
}

static bool parse_size(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || v <= 0)
        return false;
    double mult = 1;
    switch (*end) {
    case 'k':
    case 'K':
        mult = 1024.0;
        end++;
        break;
    case 'm':
    case 'M':
        mult = 1048576.0;
        end++;
        break;
    case 'g':
    case 'G':
        mult = 1073741824.0;
        end++;
        break;
    default: break;
    }
    if (*end == 'i' || *end == 'B')
        end += *end == 'i' ? (end[1] == 'B' ? 2 : 1) : 1;
    if (*end)
        return false;
    *out = (uint64_t)(v * mult);
    return true;
}

static int parse_args(int argc, char **argv, options *o)
{
    *o = (options){.size = DEFAULT_SIZE, .seed = 1};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool has_value = i + 1 < argc;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "--version")) {
            printf("dsvk-demo %s\n", DSVK_VERSION_STRING);
            return 0;
        } else if (!strcmp(a, "--json")) {
            o->json = true;
        } else if (!strcmp(a, "--warm")) {
            o->warm = true;
        } else if (!strcmp(a, "--corrupt")) {
            o->corrupt = true;
        } else if (!strcmp(a, "--keep")) {
            o->keep = true;
        } else if (!strcmp(a, "--no-wine")) {
            o->no_wine = true;
        } else if (!strcmp(a, "--dir") && has_value) {
            o->dir = argv[++i];
        } else if (!strcmp(a, "--size") && has_value) {
            if (!parse_size(argv[++i], &o->size) || o->size < MIN_SIZE || o->size > MAX_SIZE) {
                fprintf(stderr, "dsvk-demo: --size takes 1M..4G, not '%s'\n", argv[i]);
                return 2;
            }
        } else if (!strcmp(a, "--seed") && has_value) {
            char *end;
            o->seed = strtoull(argv[++i], &end, 10);
            if (*end) {
                fprintf(stderr, "dsvk-demo: --seed takes a number\n");
                return 2;
            }
        } else {
            fprintf(stderr, "dsvk-demo: unknown or incomplete option '%s'\n", a);
            usage(stderr);
            return 2;
        }
    }
    return -1; /* go on */
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)type;
    (void)ftw;
    remove(path);
    return 0;
}

static bool prepare_dir(demo *d, char *err, size_t n)
{
    if (d->opt.dir) {
        snprintf(d->dir, sizeof(d->dir), "%s", d->opt.dir);
        if (mkdir(d->dir, 0755) != 0 && errno != EEXIST) {
            snprintf(err, n, "cannot create %s: %s", d->dir, strerror(errno));
            return false;
        }
        return true;
    }
    /* /var/tmp rather than /tmp: /tmp is often a tmpfs, and the point is reading a disk. */
    const char *tmp = getenv("TMPDIR");
    snprintf(d->dir, sizeof(d->dir), "%s/dsvk-demo.XXXXXX", tmp && *tmp ? tmp : "/var/tmp");
    if (!mkdtemp(d->dir)) {
        snprintf(err, n, "cannot create a temporary folder in %s: %s",
                 tmp && *tmp ? tmp : "/var/tmp", strerror(errno));
        return false;
    }
    d->temporary = true;
    return true;
}

static bool load_ok(const demo *d, const load_result *r)
{
    return r->ran && r->requests_failed == 0 && r->checksum_mismatches == 0 &&
           r->assets_ok == d->set.count;
}

static double gbps(const load_result *r)
{
    return r->seconds > 0 ? (double)r->bytes_out / r->seconds / 1e9 : 0;
}

static void count_kinds(const asset_set *set, unsigned counts[ASSET_KINDS], unsigned *gdeflate)
{
    memset(counts, 0, sizeof(unsigned) * ASSET_KINDS);
    *gdeflate = 0;
    for (size_t i = 0; i < set->count; i++) {
        counts[set->assets[i].kind]++;
        *gdeflate += set->assets[i].gdeflate;
    }
}

static void print_load_line(const char *label, const char *fmt_native, const char *fmt_base)
{
    printf("  %-18s %-28s %s\n", label, fmt_native, fmt_base);
}

static void describe_checks(const demo *d, const load_result *r, char *out, size_t n)
{
    if (!r->ran)
        snprintf(out, n, "did not run");
    else
        snprintf(out, n, "%zu of %zu match", r->assets_ok, d->set.count);
}

static bool wine_ran(const demo *d)
{
    return !strcmp(d->wine_status, "ran");
}

/* Everything that ran delivered every asset intact; a Wine path that could not run although
 * all its parts are there counts as a failure. */
static bool demo_ok(const demo *d)
{
    bool wine_ok = wine_ran(d) ? load_ok(d, &d->wine_dstorage) && load_ok(d, &d->wine_plain)
                               : strcmp(d->wine_status, "failed") != 0;
    return load_ok(d, &d->native) && load_ok(d, &d->baseline) && wine_ok;
}

/* The time, throughput and CPU-time lines of two loads side by side ("-" where one did not
 * run, or its CPU time is unknown). */
static void print_timing_lines(const load_result *n, const load_result *b)
{
    char cn[128], cb[128];
    snprintf(cn, sizeof(cn), "%.3f s", n->seconds);
    snprintf(cb, sizeof(cb), "%.3f s", b->seconds);
    print_load_line("time", n->ran ? cn : "-", b->ran ? cb : "-");
    snprintf(cn, sizeof(cn), "%.2f GB/s", gbps(n));
    snprintf(cb, sizeof(cb), "%.2f GB/s", gbps(b));
    print_load_line("throughput", n->ran ? cn : "-", b->ran ? cb : "-");
    snprintf(cn, sizeof(cn), "%.3f s (%.1f cores)", n->cpu_seconds,
             n->seconds > 0 ? n->cpu_seconds / n->seconds : 0);
    snprintf(cb, sizeof(cb), "%.3f s (%.1f cores)", b->cpu_seconds,
             b->seconds > 0 ? b->cpu_seconds / b->seconds : 0);
    print_load_line("CPU time", n->ran && n->cpu_seconds >= 0 ? cn : "-",
                    b->ran && b->cpu_seconds >= 0 ? cb : "-");
}

static void print_wine(const demo *d)
{
    printf("\n  Wine path (the same assets loaded by a Windows program under Wine): %s\n",
           d->wine_status);
    if (!wine_ran(d)) {
        if (d->wine_why[0])
            printf("    %s\n", d->wine_why);
        return;
    }
    const load_result *n = &d->wine_dstorage, *b = &d->wine_plain;
    /* The game folder's own dstorage.dll answers 0x8badf00d: a load that ran means Wine took
     * dsvk's builtin instead (Wine still names the file it found). */
    printf("    %s; Wine used dsvk's dstorage.dll, not the game folder's own copy\n\n",
           d->wine.version[0] ? d->wine.version : "Wine");
    char cn[128], cb[128];
    print_load_line("", "DirectStorage (dsvk)", "ReadFile + codec, 1 thread");
    print_timing_lines(n, b);
    describe_checks(d, n, cn, sizeof(cn));
    describe_checks(d, b, cb, sizeof(cb));
    print_load_line("CRC32 checks", cn, cb);
    if (n->error[0])
        printf("    DirectStorage load failed: %s\n", n->error);
    if (n->problems[0])
        printf("    DirectStorage problems: %s\n", n->problems);
    if (b->error[0])
        printf("    plain load failed: %s\n", b->error);
    if (b->problems[0])
        printf("    plain problems: %s\n", b->problems);
}

static void print_text(const demo *d)
{
    const asset_set *s = &d->set;
    unsigned kinds[ASSET_KINDS], gd;
    count_kinds(s, kinds, &gd);
    printf("dsvk-demo %s: loading a game's assets through dsvk\n\n", DSVK_VERSION_STRING);
    printf("  assets    %zu files, %.1f MiB (%.1f MiB on disk) in %s\n", s->count,
           (double)s->total_size / 1048576.0, (double)s->total_stored / 1048576.0, d->dir);
    printf("            %u textures (BC1/BC7 blocks), %u meshes, %u JSON text, %u media; "
           "GDeflate level 9 for %u\n",
           kinds[ASSET_TEXTURE_BC1] + kinds[ASSET_TEXTURE_BC7], kinds[ASSET_MESH],
           kinds[ASSET_TEXT], kinds[ASSET_MEDIA], gd);
    if (d->generated)
        printf("            generated and compressed in %.1f s\n", d->generate_seconds);
    else
        printf("            reused from an earlier run\n");
    if (d->corrupted[0])
        printf("            corrupted on purpose: %s\n", d->corrupted);
    printf("  page cache %s\n\n", d->opt.warm ? "warm (--warm: files may be in memory)"
                                              : "evicted before each load (reads hit the disk)");

    const load_result *n = &d->native, *b = &d->baseline;
    char cn[128], cb[128];
    print_load_line("", "dsvk (native API)", "plain read() + 1-thread decode");
    print_timing_lines(n, b);
    snprintf(cn, sizeof(cn), "%llu", (unsigned long long)n->requests);
    snprintf(cb, sizeof(cb), "%llu files", (unsigned long long)b->requests);
    print_load_line("requests", cn, cb);
    describe_checks(d, n, cn, sizeof(cn));
    describe_checks(d, b, cb, sizeof(cb));
    print_load_line("CRC32 checks", cn, cb);
    printf("\n");
    if (n->ran)
        /* The queue's latency histogram has power-of-two buckets: these are upper bounds. */
        printf("  dsvk: %s I/O (%u thread%s), %u workers, GDeflate decoded by %s; request "
               "latency p50 < %llu us, p99 < %llu us\n",
               n->io_backend, n->io_threads, n->io_threads == 1 ? "" : "s", n->workers, n->decode,
               (unsigned long long)n->p50_us, (unsigned long long)n->p99_us);
    if (n->error[0])
        printf("  dsvk load failed: %s\n", n->error);
    if (n->problems[0])
        printf("  dsvk problems: %s\n", n->problems);
    if (b->error[0])
        printf("  plain load failed: %s\n", b->error);
    if (b->problems[0])
        printf("  plain problems: %s\n", b->problems);
    if (load_ok(d, n) && load_ok(d, b) && n->seconds > 0)
        printf("  dsvk loaded the set %.1fx as fast as the plain load, using %.1fx its CPU time.\n",
               b->seconds / n->seconds, b->cpu_seconds > 0 ? n->cpu_seconds / b->cpu_seconds : 0);
    print_wine(d);
    printf("\n  Result: %s\n",
           demo_ok(d) ? "every asset arrived intact, every way it was loaded"
                      : "FAILED: assets were lost or damaged, or a load could not run (see above)");
}

static void json_load(json_writer *w, const char *key, const load_result *r, bool native)
{
    jw_object_begin(w, key);
    jw_bool(w, "ran", r->ran);
    jw_string(w, "error", r->error[0] ? r->error : NULL);
    jw_double(w, "seconds", r->seconds);
    jw_double(w, "gbps", gbps(r));
    if (r->cpu_seconds >= 0)
        jw_double(w, "cpu_seconds", r->cpu_seconds);
    else
        jw_null(w, "cpu_seconds"); /* not measured */
    jw_uint(w, "bytes_out", r->bytes_out);
    jw_uint(w, "bytes_in", r->bytes_in);
    jw_uint(w, "requests", r->requests);
    jw_uint(w, "assets_ok", r->assets_ok);
    jw_uint(w, "requests_failed", r->requests_failed);
    jw_uint(w, "checksum_mismatches", r->checksum_mismatches);
    jw_string(w, "problems", r->problems[0] ? r->problems : NULL);
    jw_string(w, "decode", r->decode);
    if (native) {
        jw_string(w, "io_backend", r->io_backend[0] ? r->io_backend : NULL);
        jw_uint(w, "io_threads", r->io_threads);
        jw_uint(w, "workers", r->workers);
        jw_uint(w, "p50_us", r->p50_us);
        jw_uint(w, "p99_us", r->p99_us);
    }
    jw_object_end(w);
}

static void print_json(const demo *d, bool ok)
{
    json_writer w;
    jw_init(&w, stdout);
    jw_object_begin(&w, NULL);
    jw_string(&w, "tool", "dsvk-demo");
    jw_string(&w, "version", DSVK_VERSION_STRING);
    jw_bool(&w, "ok", ok);
    jw_object_begin(&w, "assets");
    jw_string(&w, "dir", d->dir);
    jw_uint(&w, "count", d->set.count);
    jw_uint(&w, "bytes", d->set.total_size);
    jw_uint(&w, "stored_bytes", d->set.total_stored);
    jw_bool(&w, "generated", d->generated);
    jw_double(&w, "generate_seconds", d->generate_seconds);
    jw_string(&w, "corrupted", d->corrupted[0] ? d->corrupted : NULL);
    jw_bool(&w, "page_cache_evicted", !d->opt.warm);
    jw_object_end(&w);
    json_load(&w, "dsvk", &d->native, true);
    json_load(&w, "baseline", &d->baseline, false);
    jw_string(&w, "baseline_method", "read() of each file + dsvk GDeflate decoder on 1 thread");
    jw_double(&w, "speedup", d->native.seconds > 0 ? d->baseline.seconds / d->native.seconds : 0);
    jw_object_begin(&w, "wine");
    jw_string(&w, "status", d->wine_status);
    jw_bool(&w, "ran", wine_ran(d));
    jw_string(&w, "reason", d->wine_why[0] ? d->wine_why : NULL);
    jw_string(&w, "wine", d->wine.version[0] ? d->wine.version : NULL);
    if (wine_ran(d)) {
        json_load(&w, "dstorage", &d->wine_dstorage, false);
        json_load(&w, "plain", &d->wine_plain, false);
        jw_string(&w, "dll", d->wine_dstorage.dll[0] ? d->wine_dstorage.dll : NULL);
        jw_string(&w, "plain_method",
                  "ReadFile of each file + IDStorageCompressionCodec (1 thread), under Wine");
    }
    jw_object_end(&w);
    jw_object_end(&w);
    jw_finish(&w);
}

static void run_wine_path(demo *d)
{
    if (d->opt.no_wine) {
        d->wine_status = "skipped";
        return;
    }
    if (!wine_path_find(&d->wine, d->wine_why, sizeof(d->wine_why))) {
        d->wine_status = "pending";
        return;
    }
    /* The loader reads the manifest itself: it needs an absolute folder. */
    char *dir = realpath(d->dir, NULL);
    if (!d->opt.warm)
        load_evict(d->dir, &d->set);
    wine_path_load(&d->wine, "dstorage", dir ? dir : d->dir, &d->wine_dstorage);
    if (!d->opt.warm)
        load_evict(d->dir, &d->set);
    wine_path_load(&d->wine, "plain", dir ? dir : d->dir, &d->wine_plain);
    free(dir);
    bool ran = d->wine_dstorage.ran && d->wine_plain.ran;
    d->wine_status = ran ? "ran" : "failed";
    if (!ran)
        snprintf(d->wine_why, sizeof(d->wine_why), "%s",
                 d->wine_dstorage.error[0] ? d->wine_dstorage.error : d->wine_plain.error);
}

int main(int argc, char **argv)
{
    static demo d;
    int rc = parse_args(argc, argv, &d.opt);
    if (rc >= 0)
        return rc;
    char err[8192];
    if (!prepare_dir(&d, err, sizeof(err))) {
        fprintf(stderr, "dsvk-demo: %s\n", err);
        return 1;
    }
    if (!pack_load(d.dir, d.opt.size, d.opt.seed, &d.set)) {
        if (!d.opt.json)
            fprintf(stderr, "dsvk-demo: generating %.0f MiB of assets in %s ...\n",
                    (double)d.opt.size / 1048576.0, d.dir);
        if (!assets_plan(&d.set, d.opt.size, d.opt.seed)) {
            fprintf(stderr, "dsvk-demo: out of memory\n");
            return 1;
        }
        double t0 = load_now();
        if (!pack_create(d.dir, &d.set, err, sizeof(err))) {
            fprintf(stderr, "dsvk-demo: %s\n", err);
            return 1;
        }
        d.generate_seconds = load_now() - t0;
        d.generated = true;
    }
    if (d.opt.corrupt && !pack_corrupt(d.dir, &d.set, d.corrupted, sizeof(d.corrupted))) {
        fprintf(stderr, "dsvk-demo: could not corrupt the assets in %s\n", d.dir);
        return 1;
    }
    load_native(d.dir, &d.set, !d.opt.warm, &d.native);
    load_baseline(d.dir, &d.set, !d.opt.warm, &d.baseline);
    run_wine_path(&d);

    bool ok = demo_ok(&d);
    if (d.opt.json)
        print_json(&d, ok);
    else
        print_text(&d);
    if (d.temporary && !d.opt.keep)
        nftw(d.dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    else if (d.temporary && !d.opt.json)
        printf("  (assets kept in %s)\n", d.dir);
    assets_free(&d.set);
    return ok ? 0 : 1;
}
