/*
 * dsvk-bench gpu-upload: file -> VkBuffer through the core's GPU executor, the way a game's
 * DirectStorage requests to D3D12 buffers run under dsvk:
 *   - uncompressed and GDeflate (one stream per request; the decoder from --decoder, as
 *     DSVK_DECODER),
 *   - each staging placement (host memory, and device-local host-visible "ReBAR" memory
 *     where the device has it),
 * into a device-local buffer, every byte verified after the runs. Reports GB/s of
 * destination bytes and CPU seconds per GB (the whole process: on lavapipe that includes the
 * "GPU", which is the CPU; real devices: scripts/h200-gpu-upload.sh).
 *
 * The device is made with the core's vk_standalone helper through the Vulkan loader, which
 * is dlopen'ed (dsvk-bench needs no link to libvulkan for this), and registered natively.
 */
#include "bench.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <dsvk/dsvk.h>
#include <dsvk/gdeflate.h>
#include <dsvk/vulkan.h>

#include "gpu/executor.h"
#include "gpu/vk_buffer.h"
#include "gpu/vk_cmd.h"
#include "gpu/vk_standalone.h"

typedef struct upload_opts {
    uint64_t size;    /* bytes uploaded per run */
    uint64_t request; /* uncompressed bytes per request */
    uint32_t staging_mb;
    uint32_t iterations;
    int level;
    bool cold; /* drop the file's page cache before each run */
    bool validation;
    bool json;
    dsvk_decoder decoder;
    const char *decoder_name;
    const char *dir;
    const char *device;
    bool do_none, do_gdeflate, do_host, do_rebar;
} upload_opts;

typedef struct upload_result {
    const char *staging, *compression;
    bool ran, verified;
    uint64_t requests, bytes, source_bytes, batches;
    double seconds, gbps, cpu_s_per_gb;
    char decoder[16];
    char note[160];
} upload_result;

/* What every run shares: the device, the data, the files. */
typedef struct bench_ctx {
    const upload_opts *o;
    PFN_vkGetInstanceProcAddr gipa;
    dsvk_vkstandalone vk;
    VkQueueFamilyProperties family;
    pthread_mutex_t queue_lock; /* the executor's and the bench's submissions */
    uint8_t *data;              /* o->size bytes */
    uint64_t requests;
    char raw_path[512], packed_path[512];
    uint64_t *stream_offsets; /* GDeflate stream i in the packed file, [requests] = end */
    uint64_t packed_size;
} bench_ctx;

/* The data: compressible like game assets (text, vertex-like floats, a little noise). */
static void make_data(uint8_t *dst, uint64_t n)
{
    static const char *words[] = {"texture ", "mesh ",    "{\"id\": ", "0.5f, ", "shader ",
                                  "\"name\"", "material", ", ",        "}\n",    "lod "};
    uint64_t s = 0x9E3779B97F4A7C15ull, i = 0;
    float x = 0;
    while (i < n) {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        uint64_t kind = (i >> 14) % 4;
        if (kind < 2) {
            const char *w = words[s % 10];
            for (; *w && i < n; w++)
                dst[i++] = (uint8_t)*w;
        } else if (kind == 2) {
            x += 0.01f;
            float rec[2] = {x, (float)(s % 1000) * 0.001f};
            for (size_t k = 0; k < sizeof(rec) && i < n; k++)
                dst[i++] = ((const uint8_t *)rec)[k];
        } else {
            dst[i++] = (uint8_t)(s >> 40);
        }
    }
}

static bool write_file(const char *path, const void *data, uint64_t n)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return false;
    uint64_t done = 0;
    while (done < n) {
        ssize_t w = write(fd, (const uint8_t *)data + done, n - done);
        if (w <= 0) {
            close(fd);
            return false;
        }
        done += (uint64_t)w;
    }
    return close(fd) == 0;
}

/* One GDeflate stream per request, packed back to back into packed_path. */
static bool make_packed(bench_ctx *c)
{
    const upload_opts *o = c->o;
    size_t bound = dsvk_gdeflate_compress_bound(o->request);
    uint8_t *out = malloc(c->requests * bound);
    c->stream_offsets = calloc(c->requests + 1, sizeof(uint64_t));
    if (!out || !c->stream_offsets) {
        free(out);
        return false;
    }
    uint64_t at = 0;
    for (uint64_t i = 0; i < c->requests; i++) {
        size_t got = 0;
        if (dsvk_gdeflate_compress(c->data + i * o->request, o->request, out + at, bound, &got,
                                   o->level, 0) != DSVK_OK) {
            free(out);
            return false;
        }
        c->stream_offsets[i] = at;
        at += got;
    }
    c->stream_offsets[c->requests] = at;
    c->packed_size = at;
    bool ok = write_file(c->packed_path, out, at);
    free(out);
    return ok;
}

static void lock_cb(void *user)
{
    pthread_mutex_lock(user);
}

static void unlock_cb(void *user)
{
    pthread_mutex_unlock(user);
}

static dsvk_vk_device_desc device_desc(bench_ctx *c)
{
    dsvk_vkstandalone *vk = &c->vk;
    dsvk_vk_device_desc d = {
        .version = DSVK_VK_DEVICE_DESC_VERSION,
        .instance = vk->instance,
        .physical_device = vk->physical_device,
        .device = vk->device,
        .get_instance_proc_addr = c->gipa,
        .get_device_proc_addr = vk->get_device_proc_addr,
        .queue = vk->queue,
        .queue_family_index = vk->queue_family,
        .queue_family = c->family,
        .queue_shared = true,
        .lock_queue = lock_cb,
        .unlock_queue = unlock_cb,
        .lock_user = &c->queue_lock,
        .app_queue_families = 1u << vk->queue_family,
        .api_version = VK_API_VERSION_1_3,
        .properties = vk->props,
        .memory_properties = vk->memory,
        .subgroup_size = vk->subgroup.subgroupSize,
        .subgroup_stages = vk->subgroup.supportedStages,
        .subgroup_operations = vk->subgroup.supportedOperations,
        .enabled = {.timeline_semaphore = true, /* Vulkan 1.2; vk_standalone enables it */
                    .buffer_device_address = vk->buffer_device_address,
                    .memory_decompression_nv = vk->memory_decompression_nv},
        .decompression_methods = vk->nv_decompression_methods,
        .max_decompression_indirect_count = vk->nv_max_indirect_count,
    };
    memcpy(d.device_uuid, vk->device_uuid, VK_UUID_SIZE);
    return d;
}

static const char *decoder_string(dsvk_decoder d)
{
    switch (d) {
    case DSVK_DECODER_GPU: return "gpu-shader";
    case DSVK_DECODER_GPU_NATIVE: return "gpu-native";
    case DSVK_DECODER_CPU: return "cpu";
    default: return "none";
    }
}

/* Copies the destination back and compares it with the data. */
static bool verify(bench_ctx *c, const dsvk_vkbuf *dst, char *note, size_t cap)
{
    dsvk_vkstandalone *vk = &c->vk;
    dsvk_vkbuf rb;
    if (dsvk_vkbuf_create(&vk->fns, vk->device, &vk->memory, c->o->size,
                          VK_BUFFER_USAGE_TRANSFER_DST_BIT, DSVK_VKMEM_READBACK, false,
                          &rb) != DSVK_OK) {
        snprintf(note, cap, "no readback buffer");
        return false;
    }
    dsvk_vkcmd cmd;
    bool ok = dsvk_vkcmd_init(&vk->fns, vk->device, vk->queue_family, vk->queue, &cmd) == DSVK_OK;
    if (ok) {
        cmd.lock = lock_cb;
        cmd.unlock = unlock_cb;
        cmd.lock_user = &c->queue_lock;
        ok = dsvk_vkcmd_begin(&vk->fns, vk->device, &cmd) == DSVK_OK;
        if (ok) {
            VkBufferCopy region = {0, 0, c->o->size};
            vk->fns.CmdCopyBuffer(cmd.cmd, dst->buffer, rb.buffer, 1, &region);
            dsvk_vk_barrier(&vk->fns, cmd.cmd, VK_PIPELINE_STAGE_TRANSFER_BIT,
                            VK_ACCESS_TRANSFER_WRITE_BIT, VK_PIPELINE_STAGE_HOST_BIT,
                            VK_ACCESS_HOST_READ_BIT);
            ok = dsvk_vkcmd_submit_wait(&vk->fns, vk->device, &cmd, 120000000000ull) == DSVK_OK;
        }
        dsvk_vkcmd_destroy(&vk->fns, vk->device, &cmd);
    }
    if (!ok)
        snprintf(note, cap, "readback failed");
    else if (memcmp(rb.map, c->data, c->o->size)) {
        ok = false;
        for (uint64_t i = 0; i < c->o->size; i++)
            if (((const uint8_t *)rb.map)[i] != c->data[i]) {
                snprintf(note, cap, "first wrong byte at %llu", (unsigned long long)i);
                break;
            }
    }
    dsvk_vkbuf_destroy(&vk->fns, vk->device, &rb);
    return ok;
}

/* One timed pass: every request enqueued, one status entry, submitted, waited for. */
static dsvk_result one_pass(bench_ctx *c, dsvk_runtime *rt, dsvk_queue *q, dsvk_file *f,
                            bool gdeflate, const dsvk_vkbuf *dst, double *wall, double *cpu)
{
    const upload_opts *o = c->o;
    dsvk_status_array *a = NULL;
    if (dsvk_status_array_create(rt, 1, "gpu-upload", &a) != DSVK_OK)
        return DSVK_E_NO_MEMORY;
    if (o->cold) {
        int fd = open(gdeflate ? c->packed_path : c->raw_path, O_RDONLY | O_CLOEXEC);
        if (fd >= 0) {
            posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
            close(fd);
        }
    }
    double t0 = bench_now(), c0 = bench_cpu_seconds();
    for (uint64_t i = 0; i < c->requests; i++) {
        dsvk_request r = {0};
        r.source.type = DSVK_SOURCE_FILE;
        r.source.u.file.file = f;
        if (gdeflate) {
            r.source.u.file.offset = c->stream_offsets[i];
            r.source.u.file.size = (uint32_t)(c->stream_offsets[i + 1] - c->stream_offsets[i]);
            r.compression = DSVK_COMPRESSION_GDEFLATE;
            r.uncompressed_size = (uint32_t)o->request;
        } else {
            r.source.u.file.offset = i * o->request;
            r.source.u.file.size = (uint32_t)o->request;
        }
        r.destination.type = DSVK_DEST_BUFFER;
        r.destination.u.buffer.buffer = (uint64_t)(uintptr_t)dst->buffer;
        r.destination.u.buffer.offset = i * o->request;
        r.destination.u.buffer.size = (uint32_t)o->request;
        dsvk_result e = dsvk_queue_enqueue_request(q, &r);
        if (e != DSVK_OK) {
            dsvk_status_array_destroy(a);
            return e;
        }
    }
    dsvk_queue_enqueue_status(q, a, 0);
    dsvk_queue_submit(q);
    while (!dsvk_status_array_is_complete(a, 0))
        usleep(50);
    *wall = bench_now() - t0;
    *cpu = bench_cpu_seconds() - c0;
    dsvk_result res = dsvk_status_array_get_result(a, 0);
    dsvk_status_array_destroy(a);
    return res;
}

/* Uploads the data o->iterations times with one placement and compression; the best pass. */
static void run_case(bench_ctx *c, dsvk_staging_placement placement, bool gdeflate,
                     upload_result *res)
{
    const upload_opts *o = c->o;
    dsvk_vkstandalone *vk = &c->vk;
    memset(res, 0, sizeof(*res));
    res->staging = placement == DSVK_STAGING_REBAR ? "rebar" : "host";
    res->compression = gdeflate ? "gdeflate" : "none";
    res->requests = c->requests;
    res->bytes = o->size;
    res->source_bytes = gdeflate ? c->packed_size : o->size;
    snprintf(res->decoder, sizeof(res->decoder), "none");

    dsvk_config cfg;
    dsvk_config_init(&cfg);
    (void)dsvk_config_load_env(&cfg); /* DSVK_IO, DSVK_WORKERS, DSVK_LOG, ... */
    cfg.staging_size = (uint64_t)o->staging_mb << 20;
    cfg.decoder = o->decoder;
    dsvk_runtime *rt = NULL;
    if (dsvk_runtime_create(&cfg, &rt) != DSVK_OK) {
        snprintf(res->note, sizeof(res->note), "cannot create a runtime");
        return;
    }
    dsvk_vk_device_desc desc = device_desc(c);
    dsvk_device *dev = NULL;
    dsvk_vkbuf dst = {0};
    dsvk_queue *q = NULL;
    dsvk_file *f = NULL;
    if (dsvk_device_register(rt, &desc, &dev) != DSVK_OK) {
        snprintf(res->note, sizeof(res->note), "cannot register the device");
        goto done;
    }
    /* vk_standalone enables storageBuffer8BitAccess when the device has it, and
     * vulkanMemoryModelDeviceScope with vulkanMemoryModel. */
    dsvk_gpu_executor_opts xo = {.staging = placement, .shader_features = vk->storage_buffer_8bit};
    dsvk_result r = dsvk_gpu_executor_configure(dev, &xo);
    dsvk_gpu_executor_info info;
    if (r != DSVK_OK || !dsvk_gpu_executor_get_info(dev, &info)) {
        snprintf(res->note, sizeof(res->note), "executor: %s", dsvk_result_string(r));
        goto done;
    }
    if (info.staging != placement) {
        snprintf(res->note, sizeof(res->note), "no ReBAR memory type on this device");
        goto done;
    }
    if (gdeflate)
        snprintf(res->decoder, sizeof(res->decoder), "%s", decoder_string(info.decoder));
    if (dsvk_vkbuf_create(&vk->fns, vk->device, &vk->memory, o->size,
                          VK_BUFFER_USAGE_TRANSFER_DST_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT,
                          DSVK_VKMEM_DEVICE, false, &dst) != DSVK_OK) {
        snprintf(res->note, sizeof(res->note), "cannot allocate %llu bytes of device memory",
                 (unsigned long long)o->size);
        goto done;
    }
    dsvk_queue_desc qd = {
        .source_type = DSVK_SOURCE_FILE,
        .capacity = 4096,
        .priority = DSVK_PRIORITY_NORMAL,
        .name = "gpu-upload",
        .device = dev,
    };
    int err = 0;
    if (dsvk_queue_create(rt, &qd, &q) != DSVK_OK ||
        dsvk_file_open(rt, gdeflate ? c->packed_path : c->raw_path, &f, &err) != DSVK_OK) {
        snprintf(res->note, sizeof(res->note), "cannot create the queue or open the file");
        goto done;
    }
    double best = 0, best_cpu = 0;
    for (uint32_t it = 0; it < o->iterations; it++) {
        double wall = 0, cpu = 0;
        r = one_pass(c, rt, q, f, gdeflate, &dst, &wall, &cpu);
        if (r != DSVK_OK) {
            snprintf(res->note, sizeof(res->note), "pass %u: %s", it, dsvk_result_string(r));
            goto done;
        }
        if (it == 0 || wall < best) {
            best = wall;
            best_cpu = cpu;
        }
    }
    res->ran = true;
    res->seconds = best;
    res->gbps = (double)o->size / best / 1e9;
    res->cpu_s_per_gb = best_cpu / ((double)o->size / 1e9);
    dsvk_gpu_executor_get_info(dev, &info);
    res->batches = info.batches / o->iterations;
    res->verified = verify(c, &dst, res->note, sizeof(res->note));

done:
    if (f)
        dsvk_file_close(f);
    if (q)
        dsvk_queue_close(q);
    if (dev)
        dsvk_device_unregister(dev);
    if (dst.buffer)
        dsvk_vkbuf_destroy(&vk->fns, vk->device, &dst);
    dsvk_runtime_destroy(rt);
}

static void print_results(const bench_ctx *c, const upload_result *res, int n)
{
    const upload_opts *o = c->o;
    if (!o->json) {
        printf("gpu-upload: %s, %llu MiB in %llu requests of %llu KiB, staging %u MiB, best of "
               "%u%s\n",
               c->vk.props.deviceName, (unsigned long long)(o->size >> 20),
               (unsigned long long)c->requests, (unsigned long long)(o->request >> 10),
               o->staging_mb, o->iterations, o->cold ? ", page cache dropped" : "");
        printf("  %-6s %-9s %-10s %9s %10s %9s %8s  %s\n", "stage", "compress", "decoder", "GB/s",
               "CPU s/GB", "batches", "verified", "note");
        for (int i = 0; i < n; i++)
            printf("  %-6s %-9s %-10s %9.3f %10.3f %9llu %8s  %s\n", res[i].staging,
                   res[i].compression, res[i].decoder, res[i].gbps, res[i].cpu_s_per_gb,
                   (unsigned long long)res[i].batches,
                   res[i].ran ? (res[i].verified ? "yes" : "NO") : "-", res[i].note);
        return;
    }
    printf("{\"subcommand\": \"gpu-upload\", \"device\": ");
    bench_json_string(stdout, c->vk.props.deviceName);
    printf(", \"driver_version\": %u, \"size_bytes\": %llu, \"request_bytes\": %llu, "
           "\"requests\": %llu, \"staging_mb\": %u, \"iterations\": %u, \"cold\": %s, "
           "\"decoder_option\": ",
           c->vk.props.driverVersion, (unsigned long long)o->size, (unsigned long long)o->request,
           (unsigned long long)c->requests, o->staging_mb, o->iterations,
           o->cold ? "true" : "false");
    bench_json_string(stdout, o->decoder_name);
    printf(", \"results\": [");
    for (int i = 0; i < n; i++) {
        printf("%s{\"staging\": \"%s\", \"compression\": \"%s\", \"decoder\": \"%s\", "
               "\"ran\": %s, \"verified\": %s, \"bytes\": %llu, \"source_bytes\": %llu, "
               "\"seconds\": %.6f, \"gbps\": %.4f, \"cpu_s_per_gb\": %.4f, \"batches\": %llu, "
               "\"note\": ",
               i ? ", " : "", res[i].staging, res[i].compression, res[i].decoder,
               res[i].ran ? "true" : "false", res[i].verified ? "true" : "false",
               (unsigned long long)res[i].bytes, (unsigned long long)res[i].source_bytes,
               res[i].seconds, res[i].gbps, res[i].cpu_s_per_gb,
               (unsigned long long)res[i].batches);
        bench_json_string(stdout, res[i].note);
        printf("}");
    }
    printf("]}\n");
}

static int usage(int code)
{
    printf("usage: dsvk-bench gpu-upload [--json] [--size 256M] [--request 1M] [--staging-mb 32]\n"
           "                             [--iterations 3] [--compression none|gdeflate|both]\n"
           "                             [--staging host|rebar|both] "
           "[--decoder auto|gpu|gpu-native|cpu]\n"
           "                             [--level 1..12] [--cold] [--dir DIR] [--device NAME]\n"
           "                             [--validation]\n"
           "File -> device-local VkBuffer through dsvk's GPU executor: uncompressed and GDeflate\n"
           "(one stream per request), host and ReBAR staging. GB/s of destination bytes and CPU\n"
           "seconds per GB (whole process). Data files go to --dir (default $TMPDIR or /tmp)\n"
           "and are removed afterwards; --cold drops their page cache before every pass.\n");
    return code;
}

static bool parse_decoder(const char *s, dsvk_decoder *d)
{
    static const struct {
        const char *name;
        dsvk_decoder d;
    } names[] = {{"auto", DSVK_DECODER_AUTO},
                 {"gpu", DSVK_DECODER_GPU},
                 {"gpu-native", DSVK_DECODER_GPU_NATIVE},
                 {"cpu", DSVK_DECODER_CPU}};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (!strcmp(s, names[i].name)) {
            *d = names[i].d;
            return true;
        }
    return false;
}

static bool parse_args(int argc, char **argv, upload_opts *o, int *exit_code)
{
    *o = (upload_opts){
        .size = 256u << 20,
        .request = 1u << 20,
        .staging_mb = 32,
        .iterations = 3,
        .level = 1,
        .decoder = DSVK_DECODER_AUTO,
        .decoder_name = "auto",
        .do_none = true,
        .do_gdeflate = true,
        .do_host = true,
        .do_rebar = true,
    };
    const char *tmp = getenv("TMPDIR");
    o->dir = tmp && *tmp ? tmp : "/tmp";
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        bool ok = true;
        if (!strcmp(a, "--json")) {
            o->json = true;
            continue;
        } else if (!strcmp(a, "--cold")) {
            o->cold = true;
            continue;
        } else if (!strcmp(a, "--validation")) {
            o->validation = true;
            continue;
        } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            *exit_code = usage(0);
            return false;
        } else if (!v) {
            ok = false;
        } else if (!strcmp(a, "--size")) {
            ok = (o->size = bench_parse_size(v)) != 0;
        } else if (!strcmp(a, "--request")) {
            o->request = bench_parse_size(v);
            ok = o->request > 0 && o->request <= UINT32_MAX;
        } else if (!strcmp(a, "--staging-mb")) {
            o->staging_mb = (uint32_t)atoi(v);
            ok = o->staging_mb > 0;
        } else if (!strcmp(a, "--iterations")) {
            o->iterations = (uint32_t)atoi(v);
            ok = o->iterations > 0;
        } else if (!strcmp(a, "--level")) {
            o->level = atoi(v);
            ok = o->level >= 1 && o->level <= 12;
        } else if (!strcmp(a, "--compression")) {
            o->do_none = !strcmp(v, "none") || !strcmp(v, "both");
            o->do_gdeflate = !strcmp(v, "gdeflate") || !strcmp(v, "both");
            ok = o->do_none || o->do_gdeflate;
        } else if (!strcmp(a, "--staging")) {
            o->do_host = !strcmp(v, "host") || !strcmp(v, "both");
            o->do_rebar = !strcmp(v, "rebar") || !strcmp(v, "both");
            ok = o->do_host || o->do_rebar;
        } else if (!strcmp(a, "--decoder")) {
            ok = parse_decoder(v, &o->decoder);
            o->decoder_name = v;
        } else if (!strcmp(a, "--dir")) {
            o->dir = v;
        } else if (!strcmp(a, "--device")) {
            o->device = v;
        } else {
            ok = false;
        }
        if (!ok) {
            fprintf(stderr, "dsvk-bench gpu-upload: bad or unknown option %s %s\n", a, v ? v : "");
            *exit_code = usage(2);
            return false;
        }
        i++;
    }
    if (o->size % o->request || o->request > (uint64_t)o->staging_mb << 20) {
        fprintf(stderr, "dsvk-bench gpu-upload: --size must be a multiple of --request, and "
                        "--request at most --staging-mb\n");
        *exit_code = 2;
        return false;
    }
    return true;
}

static bool setup(bench_ctx *c)
{
    const upload_opts *o = c->o;
    void *loader = dlopen("libvulkan.so.1", RTLD_NOW | RTLD_LOCAL);
    c->gipa = loader ? (PFN_vkGetInstanceProcAddr)dlsym(loader, "vkGetInstanceProcAddr") : NULL;
    if (!c->gipa) {
        fprintf(stderr, "dsvk-bench gpu-upload: no Vulkan loader (libvulkan.so.1)\n");
        return false;
    }
    const char *why = NULL;
    dsvk_vkstandalone_opts vo = {
        .get_instance_proc_addr = c->gipa,
        .validation = o->validation,
        .device_name = o->device,
        .quiet = true,
    };
    if (dsvk_vkstandalone_create(&vo, &c->vk, &why) != DSVK_OK) {
        fprintf(stderr, "dsvk-bench gpu-upload: no Vulkan device: %s\n", why ? why : "?");
        return false;
    }
    PFN_vkGetPhysicalDeviceQueueFamilyProperties qfp =
        (PFN_vkGetPhysicalDeviceQueueFamilyProperties)c->gipa(
            c->vk.instance, "vkGetPhysicalDeviceQueueFamilyProperties");
    uint32_t nf = 0;
    qfp(c->vk.physical_device, &nf, NULL);
    VkQueueFamilyProperties fam[16];
    nf = nf > 16 ? 16 : nf;
    qfp(c->vk.physical_device, &nf, fam);
    c->family = fam[c->vk.queue_family];

    c->requests = o->size / o->request;
    c->data = malloc(o->size);
    if (!c->data)
        return false;
    make_data(c->data, o->size);
    snprintf(c->raw_path, sizeof(c->raw_path), "%s/dsvk-gpu-upload-%d.raw", o->dir, getpid());
    snprintf(c->packed_path, sizeof(c->packed_path), "%s/dsvk-gpu-upload-%d.gdeflate", o->dir,
             getpid());
    if (o->do_none && !write_file(c->raw_path, c->data, o->size)) {
        fprintf(stderr, "dsvk-bench gpu-upload: cannot write %s\n", c->raw_path);
        return false;
    }
    if (o->do_gdeflate && !make_packed(c)) {
        fprintf(stderr, "dsvk-bench gpu-upload: cannot compress or write %s\n", c->packed_path);
        return false;
    }
    return true;
}

int dsvk_bench_gpu_upload(int argc, char **argv)
{
    upload_opts o;
    int code = 0;
    if (!parse_args(argc, argv, &o, &code))
        return code;
    bench_ctx c = {.o = &o};
    pthread_mutex_init(&c.queue_lock, NULL);
    bool ok = setup(&c);
    upload_result res[4];
    int n = 0;
    for (int s = 0; ok && s < 2; s++) {
        if (!(s == 0 ? o.do_host : o.do_rebar))
            continue;
        for (int g = 0; g < 2; g++) {
            if (!(g == 0 ? o.do_none : o.do_gdeflate))
                continue;
            run_case(&c, s == 0 ? DSVK_STAGING_HOST : DSVK_STAGING_REBAR, g == 1, &res[n]);
            if (!o.json)
                fprintf(stderr, "gpu-upload: %s staging, %s: %s\n", res[n].staging,
                        res[n].compression, res[n].ran ? "done" : res[n].note);
            n++;
        }
    }
    if (ok)
        print_results(&c, res, n);
    unlink(c.raw_path);
    unlink(c.packed_path);
    if (c.vk.instance)
        dsvk_vkstandalone_destroy(&c.vk); /* validation names leaked objects here */
    unsigned messages = atomic_load(&c.vk.messages);
    free(c.data);
    free(c.stream_offsets);
    pthread_mutex_destroy(&c.queue_lock);
    if (messages) {
        fprintf(stderr, "dsvk-bench gpu-upload: %u validation messages\n", messages);
        return 1;
    }
    bool all = ok && n > 0;
    for (int i = 0; i < n; i++)
        all = all && (!res[i].ran || res[i].verified) &&
              (res[i].ran || !strcmp(res[i].staging, "rebar"));
    return all ? 0 : 1;
}
