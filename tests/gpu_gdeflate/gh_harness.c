/* Test harness of the GPU GDeflate tests (gh_harness.h). */
#include "gh_harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <vulkan/vulkan.h>

#include <dsvk/gdeflate.h>

/* The loader's entry point: tests and tools link libvulkan, the core does not. */
VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL vkGetInstanceProcAddr(VkInstance instance,
                                                               const char *pName);

uint32_t gh_tiles_per_group;

dsvk_gdgpu_variant gh_variant(int v)
{
    return v == GH_SUBGROUP ? DSVK_GDGPU_VARIANT_SUBGROUP : DSVK_GDGPU_VARIANT_SHARED;
}

const char *gh_variant_name(int v)
{
    return dsvk_gdgpu_variant_name(gh_variant(v));
}

bool gh_init(gh_ctx *c, bool validation, const char **why)
{
    const char *spirv = getenv("GH_SPIRV");
    return gh_init_spirv(c, validation, spirv && *spirv ? spirv : NULL, why);
}

bool gh_init_spirv(gh_ctx *c, bool validation, const char *spirv, const char **why)
{
    memset(c, 0, sizeof(*c));
    size_t spirv_size = 0;
    uint8_t *code = spirv ? gh_read_file(spirv, &spirv_size) : NULL;
    if (spirv && !code) {
        *why = "cannot read the SPIR-V file";
        return false;
    }
    const char *icd = getenv("VK_DRIVER_FILES");
    if (!icd)
        icd = getenv("VK_ICD_FILENAMES");
    struct stat st;
    if (icd && *icd && !strchr(icd, ':') && stat(icd, &st) != 0) {
        *why = "the Vulkan driver named by VK_DRIVER_FILES is not installed (lavapipe: "
               "apt install mesa-vulkan-drivers)";
        return false;
    }
    dsvk_vkstandalone_opts o = {
        .get_instance_proc_addr = vkGetInstanceProcAddr,
        .validation = validation,
    };
    if (dsvk_vkstandalone_create(&o, &c->vk, why) != DSVK_OK)
        return false;
    dsvk_vkstandalone *s = &c->vk;
    dsvk_gdgpu_device_info info = {
        .device = s->device,
        .get_device_proc_addr = s->get_device_proc_addr,
        .subgroup = s->subgroup,
        .min_subgroup_size = s->min_subgroup_size,
        .max_subgroup_size = s->max_subgroup_size,
        .limits = s->props.limits,
        .storage_buffer_8bit = s->storage_buffer_8bit,
        .vulkan_memory_model = s->vulkan_memory_model,
        .vulkan_memory_model_device_scope = s->vulkan_memory_model_device_scope,
        .memory_decompression_nv = s->memory_decompression_nv,
        .nv_max_indirect_count = s->nv_max_indirect_count,
        .tiles_per_group = gh_tiles_per_group,
        .capture_statistics = s->pipeline_statistics,
        .spirv_override = (const uint32_t *)code,
        .spirv_override_size = spirv_size,
    };
    if (dsvk_gdgpu_create(&info, DSVK_GDGPU_VARIANT_SHARED, &c->dec[GH_SHARED]) != DSVK_OK) {
        *why = "cannot create the shared-memory GDeflate decoder";
        free(code);
        gh_fini(c);
        return false;
    }
    for (int v = 0; v < GH_VARIANTS; v++)
        if (v != GH_SHARED && dsvk_gdgpu_create(&info, gh_variant(v), &c->dec[v]) != DSVK_OK)
            c->dec[v] = NULL;
    free(code); /* pipelines are made */
    c->env = (dsvk_gdgpu_env){
        .device = s->device,
        .vk = &s->fns,
        .memory = &s->memory,
        .limits = &s->props.limits,
        .queue = s->queue,
        .queue_family = s->queue_family,
        .timestamp_bits = s->timestamp_valid_bits,
        .buffer_device_address = s->buffer_device_address,
    };
    return true;
}

void gh_fini(gh_ctx *c)
{
    for (int v = 0; v < GH_VARIANTS; v++)
        dsvk_gdgpu_destroy(c->dec[v]);
    dsvk_vkstandalone_destroy(&c->vk);
}

unsigned gh_messages(gh_ctx *c)
{
    return atomic_load(&c->vk.messages);
}

dsvk_result gh_check_batch(gh_ctx *c, int v, const dsvk_gdgpu_stream *streams, uint32_t n,
                           const gh_batch_opts *opts, gh_report *rep)
{
    memset(rep, 0, sizeof(*rep));
    dsvk_gdgpu *g = c->dec[opts->native ? GH_SHARED : v];
    if (!g)
        return DSVK_E_UNSUPPORTED;
    dsvk_gdgpu_batch_opts bo = {
        .input_shift = opts->input_shift,
        .native = opts->native,
        .max_segment = opts->max_segment,
    };
    dsvk_gdgpu_batch *b = NULL;
    dsvk_result r = dsvk_gdgpu_batch_create(&c->env, g, streams, n, &bo, &b);
    if (r != DSVK_OK)
        return r;
    const uint8_t poison = 0xA5;
    r = dsvk_gdgpu_batch_run(b, opts->native, 1, poison, &rep->gpu_seconds);
    uint64_t out_size = dsvk_gdgpu_batch_output_size(b);
    uint32_t ntiles = dsvk_gdgpu_batch_tiles(b);
    rep->tiles = ntiles;
    rep->segments = dsvk_gdgpu_batch_segments(b);
    uint8_t *gpu = malloc(out_size + 1);
    uint32_t *status = malloc((ntiles + 1) * sizeof(uint32_t));
    uint8_t *cpu = malloc(DSVK_GDGPU_TILE_SIZE);
    uint8_t *covered = calloc(out_size + 1, 1);
    if (!gpu || !status || !cpu || !covered)
        r = DSVK_E_NO_MEMORY;
    if (r == DSVK_OK)
        r = dsvk_gdgpu_batch_read_output(b, gpu);
    if (r == DSVK_OK)
        r = dsvk_gdgpu_batch_read_status(b, status);
    int printed = 0;
    for (uint32_t s = 0; s < n && r == DSVK_OK; s++) {
        dsvk_gdeflate_info info;
        if (dsvk_gdeflate_parse(streams[s].data, streams[s].size, &info) != DSVK_OK)
            continue;
        uint64_t out0 = dsvk_gdgpu_batch_stream_output(b, s);
        uint32_t t0 = dsvk_gdgpu_batch_stream_first_tile(b, s);
        for (uint32_t t = 0; t < info.num_tiles; t++) {
            uint64_t off = 0;
            uint32_t size = 0;
            dsvk_gdeflate_tile_range(streams[s].data, &info, t, &off, &size);
            uint32_t osize = t + 1 == info.num_tiles ? info.last_tile_size : DSVK_GDGPU_TILE_SIZE;
            dsvk_result cr = dsvk_gdeflate_decompress_tile((const uint8_t *)streams[s].data + off,
                                                           size, cpu, osize);
            const uint8_t *got = gpu + out0 + (uint64_t)t * DSVK_GDGPU_TILE_SIZE;
            memset(covered + out0 + (uint64_t)t * DSVK_GDGPU_TILE_SIZE, 1, osize);
            uint32_t st = status[t0 + t];
            bool gpu_ok = opts->native ? true : dsvk_gdgpu_status_result(st, 1) == DSVK_OK;
            const uint8_t *want = cpu;
            if (opts->expected && opts->expected[s])
                want = (const uint8_t *)opts->expected[s] + (uint64_t)t * DSVK_GDGPU_TILE_SIZE;
            bool same = memcmp(got, want, osize) == 0;
            if (cr == DSVK_OK && opts->expected && opts->expected[s] &&
                memcmp(cpu, want, osize) != 0) {
                same = false; /* the CPU decoder disagrees with the expected bytes */
            }
            if (cr == DSVK_OK && gpu_ok && same) {
                rep->ok++;
                continue;
            }
            if (cr != DSVK_OK && !gpu_ok && !opts->native) {
                rep->rejected++;
                continue;
            }
            if (cr != DSVK_OK && opts->native) {
                rep->rejected++; /* the driver reports nothing: not a verdict */
                continue;
            }
            rep->mismatches++;
            if (printed++ < opts->verbose) {
                uint32_t first = 0;
                while (first < osize && got[first] == want[first])
                    first++;
                char buf[96];
                fprintf(stderr,
                        "  %s: stream %u tile %u (%u -> %u bytes): cpu %s, gpu status 0x%08x "
                        "(%s), first differing byte %u\n",
                        opts->native ? "native" : gh_variant_name(v), s, t, size, osize,
                        cr == DSVK_OK ? "ok" : "rejects", st,
                        dsvk_gdgpu_status_string(st, buf, sizeof(buf)), first);
            }
        }
    }
    for (uint64_t i = 0; i < out_size && r == DSVK_OK; i++)
        if (!covered[i] && gpu[i] != poison)
            rep->outside_writes++;
    free(gpu);
    free(status);
    free(cpu);
    free(covered);
    dsvk_gdgpu_batch_destroy(b);
    return r;
}

uint8_t *gh_read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    uint8_t *buf = NULL;
    if (fseek(f, 0, SEEK_END) == 0) {
        long n = ftell(f);
        if (n >= 0 && fseek(f, 0, SEEK_SET) == 0) {
            buf = malloc((size_t)n + 1);
            if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
                free(buf);
                buf = NULL;
            }
            *size = (size_t)n;
        }
    }
    fclose(f);
    return buf;
}

char *gh_vector_path(const char *name)
{
    const char *dir = getenv("DSVK_VECTORS");
    if (!dir)
        dir = ".";
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static uint64_t xorshift(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

void gh_make_data(uint8_t *dst, size_t n, int kind, uint64_t seed)
{
    uint64_t s = seed * 0x9E3779B97F4A7C15ull + 1;
    static const char *words[] = {
        "the ", "GDeflate ", "tile ",  "stream ", "{\"id\": ", "\"name\"", ", ",     "value",
        "}\n",  "lane ",     "0.5f, ", "texture", "mesh ",     "\t",       "return "};
    size_t i = 0;
    switch (kind) {
    case 0:
        for (; i < n; i++)
            dst[i] = (uint8_t)(xorshift(&s) >> 24);
        break;
    case 1:
        while (i < n) {
            const char *w = words[xorshift(&s) % (sizeof(words) / sizeof(words[0]))];
            for (; *w && i < n; w++)
                dst[i++] = (uint8_t)*w;
            if (xorshift(&s) % 7 == 0 && i < n)
                dst[i++] = (uint8_t)('0' + xorshift(&s) % 10);
        }
        break;
    case 2: { /* float-ish vertex records with slowly varying fields and some noise */
        float x = 0, y = 0;
        while (i < n) {
            x += 0.01f;
            y += (float)(xorshift(&s) % 100) * 0.0001f;
            float rec[4] = {x, y, x * y, 1.0f};
            for (size_t k = 0; k < sizeof(rec) && i < n; k++)
                dst[i++] = ((const uint8_t *)rec)[k];
        }
        break;
    }
    default: /* long runs and long-distance repeats */
        while (i < n) {
            size_t run = 1 + xorshift(&s) % 3000;
            uint8_t v = (uint8_t)xorshift(&s);
            if (i > 40000 && xorshift(&s) % 3 == 0) {
                size_t from = xorshift(&s) % (i - 1);
                for (size_t k = 0; k < run && i < n; k++)
                    dst[i++] = dst[from + k];
            } else
                for (size_t k = 0; k < run && i < n; k++)
                    dst[i++] = v;
        }
        break;
    }
}
