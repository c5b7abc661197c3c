/* DSVK_DECODER: choosing and remembering the GDeflate decoder of a device
 * (gdeflate_gpu_select.h). */
#include "gpu/gdeflate_gpu_select.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <dsvk/gdeflate.h>

#include "log.h"

#define SAMPLE_BYTES (16u << 20)
#define ENTRY_INDENT "    \""

static const char *const names[] = {"auto", "gpu", "gpu-native", "cpu"};

static bool parse_name(const char *s, dsvk_decoder *out)
{
    for (int k = 0; s && k < 4; k++)
        if (!strcmp(s, names[k])) {
            *out = (dsvk_decoder)k;
            return true;
        }
    return false;
}

const char *dsvk_decoder_name(dsvk_decoder k)
{
    return (unsigned)k < 4 ? names[k] : "?";
}

/* ---- cache --------------------------------------------------------------------------------- */

char *dsvk_decoder_cache_path(void)
{
    const char *explicit_path = getenv("DSVK_DECODER_CACHE");
    if (explicit_path && *explicit_path)
        return strdup(explicit_path);
    const char *xdg = getenv("XDG_CACHE_HOME");
    const char *home = getenv("HOME");
    char buf[4096];
    if (xdg && *xdg)
        snprintf(buf, sizeof(buf), "%s/dsvk/decoder.json", xdg);
    else if (home && *home)
        snprintf(buf, sizeof(buf), "%s/.cache/dsvk/decoder.json", home);
    else
        return NULL;
    return strdup(buf);
}

void dsvk_decoder_cache_key(const dsvk_decoder_device *dev, uint32_t shader_hash, char *buf,
                            size_t cap)
{
    char uuid[33];
    for (int i = 0; i < 16; i++)
        snprintf(uuid + 2 * i, 3, "%02x", dev->uuid[i]);
    snprintf(buf, cap, "%s/%08x/%08x", uuid, dev->driver_version, shader_hash);
}

/* Entries are one line each: `    "KEY": {"decoder": "gpu", ...}`. */
bool dsvk_decoder_cache_get(const char *path, const char *key, dsvk_decoder *out)
{
    FILE *f = path ? fopen(path, "r") : NULL;
    if (!f)
        return false;
    char line[1024], want[256];
    snprintf(want, sizeof(want), ENTRY_INDENT "%s\":", key);
    bool found = false;
    while (!found && fgets(line, sizeof(line), f)) {
        if (strncmp(line, want, strlen(want)) != 0)
            continue;
        const char *d = strstr(line, "\"decoder\": \"");
        if (!d)
            continue;
        d += strlen("\"decoder\": \"");
        const char *end = strchr(d, '"');
        if (!end || end - d >= 16)
            continue;
        char v[16];
        memcpy(v, d, (size_t)(end - d));
        v[end - d] = 0;
        found = parse_name(v, out) && *out != DSVK_DECODER_AUTO;
    }
    fclose(f);
    return found;
}

static int make_dirs(char *path)
{
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = 0;
        int r = mkdir(path, 0755);
        *p = '/';
        if (r != 0 && errno != EEXIST)
            return -1;
    }
    return 0;
}

dsvk_result dsvk_decoder_cache_put(const char *path, const char *key, dsvk_decoder k,
                                   double shader_gbps, double native_gbps, const char *device_name)
{
    if (!path)
        return DSVK_E_INVALID_ARGUMENT;
    char *dir = strdup(path);
    if (!dir || make_dirs(dir) != 0) {
        free(dir);
        return DSVK_E_IO;
    }
    free(dir);
    /* Keep the other devices' entries. */
    char **keep = NULL;
    size_t nkeep = 0;
    char want[256];
    snprintf(want, sizeof(want), ENTRY_INDENT "%s\":", key);
    FILE *in = fopen(path, "r");
    char line[1024];
    while (in && fgets(line, sizeof(line), in)) {
        if (strncmp(line, ENTRY_INDENT, strlen(ENTRY_INDENT)) != 0 ||
            !strncmp(line, want, strlen(want)))
            continue;
        size_t n = strcspn(line, "\n");
        while (n > 0 && (line[n - 1] == ',' || line[n - 1] == ' '))
            n--;
        line[n] = 0;
        char **grown = realloc(keep, (nkeep + 1) * sizeof(*keep));
        if (!grown)
            break;
        keep = grown;
        keep[nkeep++] = strdup(line);
    }
    if (in)
        fclose(in);
    char tmp[4200];
    snprintf(tmp, sizeof(tmp), "%s.%d.tmp", path, (int)getpid());
    FILE *out = fopen(tmp, "w");
    dsvk_result r = out ? DSVK_OK : DSVK_E_IO;
    if (out) {
        fprintf(out, "{\n  \"version\": 1,\n  \"devices\": {\n");
        for (size_t i = 0; i < nkeep; i++)
            if (keep[i])
                fprintf(out, "%s,\n", keep[i]);
        char name[128] = "";
        for (size_t i = 0; device_name && device_name[i] && i + 1 < sizeof(name); i++)
            name[i] = device_name[i] == '"' || device_name[i] == '\\' ? '_' : device_name[i];
        fprintf(out,
                ENTRY_INDENT "%s\": {\"decoder\": \"%s\", \"shader_gbps\": %.2f, "
                             "\"native_gbps\": %.2f, \"device\": \"%s\", \"measured\": %lld}\n",
                key, dsvk_decoder_name(k), shader_gbps, native_gbps, name, (long long)time(NULL));
        fprintf(out, "  }\n}\n");
        if (fclose(out) != 0 || rename(tmp, path) != 0) {
            unlink(tmp);
            r = DSVK_E_IO;
        }
    }
    for (size_t i = 0; i < nkeep; i++)
        free(keep[i]);
    free(keep);
    return r;
}

/* ---- measurement --------------------------------------------------------------------------- */

/* Mixed sample data: text-like records, float vertex-like records and block-compressed-texture-
 * like blocks, a third each (deterministic). */
static void make_sample(uint8_t *p, size_t n)
{
    uint64_t s = 0x853C49E6748FEA9Bull;
    size_t third = n / 3, i = 0;
    static const char *w[] = {"{\"name\": ", "\"mesh_", "\", \"lod\": ", ", \"pos\": [",
                              "0.25, ",      "1.5, ",   "-3.0], ",       "\"tex\": \"albedo_",
                              "},\n"};
    while (i < third) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        const char *t = w[(s >> 33) % 9];
        for (; *t && i < third; t++)
            p[i++] = (uint8_t)*t;
        if (i < third)
            p[i++] = (uint8_t)('0' + (s >> 40) % 10);
    }
    for (float x = 0; i < 2 * third; x += 0.01f) {
        float rec[4] = {x, x * 0.5f, 1.0f - x, 1.0f};
        for (size_t k = 0; k < sizeof(rec) && i < 2 * third; k++)
            p[i++] = ((const uint8_t *)rec)[k];
    }
    while (i < n) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        uint8_t blk[8] = {0x1f, (uint8_t)(0x80 + (s >> 60)), 0x00, 0x7c,
                          0x55, (uint8_t)(0x55 ^ (s >> 56)), 0xaa, (uint8_t)(s >> 48)};
        for (size_t k = 0; k < 8 && i < n; k++)
            p[i++] = blk[k];
    }
}

static double host_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double best_of_three(dsvk_gdgpu_batch *b, bool native, uint64_t bytes, dsvk_result *r)
{
    double best = 0;
    for (int k = 0; k < 3 && *r == DSVK_OK; k++) {
        double gpu = -1, t0 = host_now();
        *r = dsvk_gdgpu_batch_run(b, native, 1, 0, &gpu);
        double secs = gpu > 0 ? gpu : host_now() - t0;
        double gbps = secs > 0 ? (double)bytes / secs * 1e-9 : 0;
        best = gbps > best ? gbps : best;
    }
    return best;
}

dsvk_result dsvk_decoder_measure(const dsvk_gdgpu_env *env, dsvk_gdgpu *g, size_t sample_bytes,
                                 double *shader_gbps, double *native_gbps)
{
    *shader_gbps = *native_gbps = 0;
    if (sample_bytes == 0)
        return DSVK_E_INVALID_ARGUMENT;
    uint8_t *raw = malloc(sample_bytes);
    size_t cap = dsvk_gdeflate_compress_bound(sample_bytes), csize = 0;
    uint8_t *c = malloc(cap);
    dsvk_result r = raw && c ? DSVK_OK : DSVK_E_NO_MEMORY;
    if (r == DSVK_OK) {
        make_sample(raw, sample_bytes);
        r = dsvk_gdeflate_compress(raw, sample_bytes, c, cap, &csize, DSVK_GDEFLATE_LEVEL_DEFAULT,
                                   0);
    }
    dsvk_gdgpu_batch *b = NULL;
    dsvk_gdgpu_stream st = {c, csize};
    dsvk_gdgpu_batch_opts bo = {.native =
                                    dsvk_gdgpu_native_supported(g) && env->buffer_device_address};
    if (r == DSVK_OK)
        r = dsvk_gdgpu_batch_create(env, g, &st, 1, &bo, &b);
    if (r == DSVK_OK) {
        uint64_t bytes = dsvk_gdgpu_batch_output_size(b);
        (void)dsvk_gdgpu_batch_run(b, false, 1, 0, NULL); /* warm up */
        *shader_gbps = best_of_three(b, false, bytes, &r);
        /* Both decoders must be exact on the sample to count. */
        uint8_t *out = r == DSVK_OK ? malloc(bytes) : NULL;
        if (out && dsvk_gdgpu_batch_read_output(b, out) == DSVK_OK && memcmp(out, raw, bytes) != 0)
            *shader_gbps = 0;
        if (r == DSVK_OK && bo.native) {
            (void)dsvk_gdgpu_batch_run(b, true, 1, 0, NULL);
            *native_gbps = best_of_three(b, true, bytes, &r);
            if (out && dsvk_gdgpu_batch_read_output(b, out) == DSVK_OK &&
                memcmp(out, raw, bytes) != 0)
                *native_gbps = 0;
        }
        free(out);
    }
    dsvk_gdgpu_batch_destroy(b);
    free(raw);
    free(c);
    return r;
}

dsvk_result dsvk_decoder_select(const dsvk_gdgpu_env *env, dsvk_gdgpu *g,
                                const dsvk_decoder_device *dev, dsvk_decoder requested,
                                dsvk_decoder *chosen)
{
    bool native = g && dsvk_gdgpu_native_supported(g);
    switch (requested) {
    case DSVK_DECODER_CPU: *chosen = DSVK_DECODER_CPU; return DSVK_OK;
    case DSVK_DECODER_GPU: *chosen = DSVK_DECODER_GPU; return g ? DSVK_OK : DSVK_E_UNSUPPORTED;
    case DSVK_DECODER_GPU_NATIVE:
        *chosen = DSVK_DECODER_GPU_NATIVE;
        return native ? DSVK_OK : DSVK_E_UNSUPPORTED;
    case DSVK_DECODER_AUTO: break;
    default: return DSVK_E_INVALID_ARGUMENT;
    }
    if (!g) {
        *chosen = DSVK_DECODER_CPU;
        return DSVK_OK;
    }
    *chosen = DSVK_DECODER_GPU;
    if (!native || !env)
        return DSVK_OK; /* nothing to compare with */
    char key[128];
    dsvk_decoder_cache_key(dev, dsvk_gdgpu_shader_hash(g), key, sizeof(key));
    char *path = dsvk_decoder_cache_path();
    dsvk_decoder cached;
    if (dsvk_decoder_cache_get(path, key, &cached) &&
        (cached == DSVK_DECODER_GPU || cached == DSVK_DECODER_GPU_NATIVE)) {
        DSVK_DEBUG("gpu: decoder for %s from %s: %s", dev->name ? dev->name : "?", path,
                   dsvk_decoder_name(cached));
        *chosen = cached;
        free(path);
        return DSVK_OK;
    }
    double shader = 0, drv = 0;
    dsvk_result r = dsvk_decoder_measure(env, g, SAMPLE_BYTES, &shader, &drv);
    if (r == DSVK_OK && (shader > 0 || drv > 0)) {
        *chosen = drv > shader ? DSVK_DECODER_GPU_NATIVE : DSVK_DECODER_GPU;
        DSVK_INFO("gpu: %s: GDeflate shader %.1f GB/s, VK_NV_memory_decompression %.1f GB/s: "
                  "using %s",
                  dev->name ? dev->name : "?", shader, drv, dsvk_decoder_name(*chosen));
        if (dsvk_decoder_cache_put(path, key, *chosen, shader, drv, dev->name) != DSVK_OK)
            DSVK_WARN("gpu: cannot write the decoder cache %s", path ? path : "(no path)");
    } else {
        DSVK_WARN("gpu: measuring the GDeflate decoders failed (%s): using the shader",
                  dsvk_result_string(r));
    }
    free(path);
    return DSVK_OK;
}
