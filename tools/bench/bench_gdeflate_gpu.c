/*
 * dsvk-bench gdeflate-gpu: GDeflate decoding throughput, in one run on the same data:
 *   (a) dsvk's compute shader (each variant the device supports),
 *   (b) the driver's VK_NV_memory_decompression (one region per tile, indirect count),
 *   (c) dsvk's CPU decoder on every core,
 * with the compressed streams already resident in device memory for (a) and (b), timed with
 * GPU timestamps, and every output verified. Streams are replicated until one batch decodes
 * at least --batch-mib MiB. --e2e adds file -> host-visible staging -> device copy -> decode.
 */
#include "bench.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vulkan/vulkan.h>

#include <dsvk/gdeflate.h>

#include "gpu/gdeflate_gpu.h"
#include "gpu/gdeflate_gpu_batch.h"
#include "gpu/vk_standalone.h"

/* The loader's entry point (dsvk-bench links libvulkan; the core does not). */
VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL vkGetInstanceProcAddr(VkInstance instance,
                                                               const char *pName);

typedef struct input_file {
    const char *path;
    uint8_t *stream; /* GDeflate stream */
    size_t stream_size;
    uint8_t *raw; /* its original, or NULL when only the stream was given */
    uint64_t raw_size;
} input_file;

typedef struct result {
    char name[48];
    double gbps;    /* output bytes per second, 1e9 */
    double seconds; /* per batch */
    bool verified;
    bool ran;
    char note[128];
    char stats[512]; /* the driver's pipeline statistics, when available */
} result;

static uint8_t *read_all(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    uint8_t *buf = NULL;
    if (fseek(f, 0, SEEK_END) == 0) {
        long n = ftell(f);
        if (n > 0 && fseek(f, 0, SEEK_SET) == 0) {
            buf = malloc((size_t)n);
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

static bool has_suffix(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && !strcmp(s + a - b, suffix);
}

/* ---- CPU baseline: every tile of the batch over all cores ------------------------------- */

typedef struct cpu_job {
    const dsvk_gdgpu_stream *streams;
    const uint64_t *out_offsets;
    uint32_t nstreams;
    uint8_t *out;
    uint32_t next; /* next stream, atomically */
    bool failed;
} cpu_job;

static void *cpu_worker(void *arg)
{
    cpu_job *j = arg;
    for (;;) {
        uint32_t s = __atomic_fetch_add(&j->next, 1, __ATOMIC_RELAXED);
        if (s >= j->nstreams)
            break;
        dsvk_gdeflate_info info;
        if (dsvk_gdeflate_parse(j->streams[s].data, j->streams[s].size, &info) != DSVK_OK ||
            dsvk_gdeflate_decompress(j->streams[s].data, j->streams[s].size,
                                     j->out + j->out_offsets[s], info.uncompressed_size, 1,
                                     NULL) != DSVK_OK)
            __atomic_store_n(&j->failed, true, __ATOMIC_RELAXED);
    }
    return NULL;
}

/* Streams are spread over the threads (each stream decoded by one thread, tile by tile):
 * with many streams per batch that uses every core without per-stream thread start-up. */
static double cpu_decode(const dsvk_gdgpu_stream *streams, const uint64_t *offs, uint32_t n,
                         uint8_t *out, unsigned threads, bool *ok)
{
    cpu_job j = {.streams = streams, .out_offsets = offs, .nstreams = n, .out = out};
    pthread_t tid[256];
    if (threads > 256)
        threads = 256;
    double t0 = bench_now();
    unsigned started = 0;
    for (unsigned i = 0; i < threads; i++)
        if (pthread_create(&tid[started], NULL, cpu_worker, &j) == 0)
            started++;
    if (started == 0)
        cpu_worker(&j);
    for (unsigned i = 0; i < started; i++)
        pthread_join(tid[i], NULL);
    double dt = bench_now() - t0;
    *ok = !j.failed;
    return dt;
}

/* ---- verification -------------------------------------------------------------------------- */

static bool verify(const uint8_t *out, const dsvk_gdgpu_stream *streams, const uint64_t *offs,
                   const uint32_t *file_of, const input_file *files, uint32_t n,
                   const uint8_t *cpu_ref)
{
    for (uint32_t s = 0; s < n; s++) {
        const input_file *f = &files[file_of[s]];
        dsvk_gdeflate_info info;
        if (dsvk_gdeflate_parse(streams[s].data, streams[s].size, &info) != DSVK_OK)
            return false;
        const uint8_t *want = f->raw ? f->raw : cpu_ref + offs[s];
        if (memcmp(out + offs[s], want, info.uncompressed_size) != 0) {
            fprintf(stderr, "gdeflate-gpu: output of %s (copy %u) differs\n", f->path, s);
            return false;
        }
    }
    return true;
}

/* ---- end to end: file -> staging -> device -> decode ----------------------------------------- */

typedef struct e2e_result {
    bool ran;
    double read_s;  /* reading the files into host-visible staging (host clock) */
    double gpu_s;   /* copy + decode on the GPU (timestamps) */
    double total_s; /* host clock from the first read to the decoded output */
    bool verified;
} e2e_result;

static void e2e_run(dsvk_vkstandalone *vk, dsvk_gdgpu *g, const input_file *files, uint32_t nf,
                    e2e_result *er)
{
    memset(er, 0, sizeof(*er));
    const dsvk_vkfns *f = &vk->fns;
    VkDevice dev = vk->device;
    uint64_t in_total = 0, out_total = 0;
    uint32_t ntiles = 0;
    for (uint32_t i = 0; i < nf; i++) {
        dsvk_gdeflate_info info;
        if (dsvk_gdeflate_parse(files[i].stream, files[i].stream_size, &info) != DSVK_OK)
            return;
        in_total = (in_total + 3) / 4 * 4 + files[i].stream_size;
        out_total = (out_total + 3) / 4 * 4 + info.uncompressed_size;
        ntiles += info.num_tiles;
    }
    if (in_total > vk->props.limits.maxStorageBufferRange ||
        out_total > vk->props.limits.maxStorageBufferRange || out_total > (1ull << 31))
        return;
    dsvk_vkbuf staging = {0}, input = {0}, output = {0}, jobs = {0}, status = {0};
    dsvk_vkcmd cmd = {0};
    VkQueryPool qp = VK_NULL_HANDLE;
    dsvk_gdgpu_binding *bind = NULL;
    dsvk_gdgpu_tile *tiles = calloc(ntiles + 1, sizeof(*tiles));
    uint8_t *host_out = malloc(out_total + 1);
    const VkPhysicalDeviceMemoryProperties *mp = &vk->memory;
    dsvk_result r = tiles && host_out ? DSVK_OK : DSVK_E_NO_MEMORY;
    if (r == DSVK_OK)
        r = dsvk_vkbuf_create(f, dev, mp, in_total + 4, VK_BUFFER_USAGE_TRANSFER_SRC_BIT,
                              DSVK_VKMEM_UPLOAD, false, &staging);
    if (r == DSVK_OK)
        r = dsvk_vkbuf_create(f, dev, mp, in_total + 4,
                              VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT,
                              DSVK_VKMEM_DEVICE, false, &input);
    if (r == DSVK_OK)
        r = dsvk_vkbuf_create(f, dev, mp, (out_total + 7) & ~(uint64_t)3,
                              VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT,
                              DSVK_VKMEM_READBACK, false, &output);
    if (r == DSVK_OK)
        r = dsvk_vkbuf_create(f, dev, mp, dsvk_gdgpu_jobs_size(ntiles),
                              VK_BUFFER_USAGE_STORAGE_BUFFER_BIT |
                                  VK_BUFFER_USAGE_INDIRECT_BUFFER_BIT,
                              DSVK_VKMEM_UPLOAD, false, &jobs);
    if (r == DSVK_OK)
        r = dsvk_vkbuf_create(f, dev, mp, (uint64_t)ntiles * 4 + 4,
                              VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT,
                              DSVK_VKMEM_READBACK, false, &status);
    if (r == DSVK_OK)
        r = dsvk_vkcmd_init(f, dev, vk->queue_family, vk->queue, &cmd);
    VkQueryPoolCreateInfo qci = {.sType = VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO,
                                 .queryType = VK_QUERY_TYPE_TIMESTAMP,
                                 .queryCount = 2};
    if (r == DSVK_OK && f->CreateQueryPool(dev, &qci, NULL, &qp) != VK_SUCCESS)
        r = DSVK_E_NO_MEMORY;
    if (r != DSVK_OK)
        goto out;

    /* Reading the files is part of the run: straight into the mapped staging buffer. */
    double t0 = bench_now();
    uint64_t in_pos = 0, out_pos = 0;
    uint32_t nt = 0;
    for (uint32_t i = 0; i < nf && r == DSVK_OK; i++) {
        in_pos = (in_pos + 3) / 4 * 4;
        out_pos = (out_pos + 3) / 4 * 4;
        /* .gdeflate files are read from disk; raw files were compressed in memory */
        FILE *fp = has_suffix(files[i].path, ".gdeflate") ? fopen(files[i].path, "rb") : NULL;
        size_t got = fp ? fread((uint8_t *)staging.map + in_pos, 1, files[i].stream_size, fp) : 0;
        if (fp)
            fclose(fp);
        if (got != files[i].stream_size)
            memcpy((uint8_t *)staging.map + in_pos, files[i].stream, files[i].stream_size);
        uint32_t k = 0;
        r = dsvk_gdgpu_tiles_from_stream((uint8_t *)staging.map + in_pos, files[i].stream_size,
                                         in_pos, out_pos, 0, true, tiles + nt, ntiles - nt, &k);
        for (uint32_t t = 0; t < k; t++)
            tiles[nt + t].status_slot = nt + t;
        nt += k;
        dsvk_gdeflate_info info;
        dsvk_gdeflate_parse(files[i].stream, files[i].stream_size, &info);
        in_pos += files[i].stream_size;
        out_pos += info.uncompressed_size;
    }
    er->read_s = bench_now() - t0;
    if (r != DSVK_OK)
        goto out;
    dsvk_gdgpu_jobs_write_for(g, jobs.map, tiles, nt);
    memset(status.map, 0, (size_t)nt * 4);
    dsvk_gdgpu_range jr = {jobs.buffer, 0, dsvk_gdgpu_jobs_size(nt)};
    dsvk_gdgpu_range ir = {input.buffer, 0, input.size};
    dsvk_gdgpu_range orr = {output.buffer, 0, output.size};
    dsvk_gdgpu_range sr = {status.buffer, 0, status.size};
    r = dsvk_gdgpu_bind(g, &jr, &ir, &orr, &sr, &bind);
    if (r == DSVK_OK)
        r = dsvk_vkcmd_begin(f, dev, &cmd);
    if (r != DSVK_OK)
        goto out;
    f->CmdResetQueryPool(cmd.cmd, qp, 0, 2);
    f->CmdWriteTimestamp(cmd.cmd, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT, qp, 0);
    VkBufferCopy bc = {0, 0, in_total};
    f->CmdCopyBuffer(cmd.cmd, staging.buffer, input.buffer, 1, &bc);
    dsvk_vk_barrier(f, cmd.cmd, VK_PIPELINE_STAGE_TRANSFER_BIT | VK_PIPELINE_STAGE_HOST_BIT,
                    VK_ACCESS_TRANSFER_WRITE_BIT | VK_ACCESS_HOST_WRITE_BIT,
                    VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_DRAW_INDIRECT_BIT,
                    VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT |
                        VK_ACCESS_INDIRECT_COMMAND_READ_BIT);
    dsvk_gdgpu_record(g, cmd.cmd, bind);
    f->CmdWriteTimestamp(cmd.cmd, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, qp, 1);
    dsvk_vk_barrier(f, cmd.cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT,
                    VK_PIPELINE_STAGE_HOST_BIT, VK_ACCESS_HOST_READ_BIT);
    r = dsvk_vkcmd_submit_wait(f, dev, &cmd, 600ull * 1000000000ull);
    er->total_s = bench_now() - t0;
    if (r != DSVK_OK)
        goto out;
    uint64_t ts[2];
    if (f->GetQueryPoolResults(dev, qp, 0, 2, sizeof(ts), ts, 8,
                               VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT) == VK_SUCCESS)
        er->gpu_s = (double)(ts[1] - ts[0]) * vk->props.limits.timestampPeriod * 1e-9;
    er->ran = true;
    er->verified = true;
    const uint32_t *st = status.map;
    for (uint32_t t = 0; t < nt; t++)
        if (dsvk_gdgpu_status_result(st[t], 1) != DSVK_OK)
            er->verified = false;
    out_pos = 0;
    for (uint32_t i = 0; i < nf && er->verified; i++) {
        out_pos = (out_pos + 3) / 4 * 4;
        dsvk_gdeflate_info info;
        dsvk_gdeflate_parse(files[i].stream, files[i].stream_size, &info);
        if (files[i].raw &&
            memcmp((uint8_t *)output.map + out_pos, files[i].raw, info.uncompressed_size))
            er->verified = false;
        out_pos += info.uncompressed_size;
    }
out:
    dsvk_gdgpu_binding_destroy(g, bind);
    if (qp != VK_NULL_HANDLE)
        f->DestroyQueryPool(dev, qp, NULL);
    dsvk_vkcmd_destroy(f, dev, &cmd);
    dsvk_vkbuf_destroy(f, dev, &staging);
    dsvk_vkbuf_destroy(f, dev, &input);
    dsvk_vkbuf_destroy(f, dev, &output);
    dsvk_vkbuf_destroy(f, dev, &jobs);
    dsvk_vkbuf_destroy(f, dev, &status);
    free(tiles);
    free(host_out);
}

/* ---- the subcommand ------------------------------------------------------------------------- */

static void usage(void)
{
    printf("usage: dsvk-bench gdeflate-gpu [--json] [--iterations N] [--batch-mib M] "
           "[--level L]\n"
           "                              [--variant all|auto|subgroup|shared] "
           "[--tpg N,N] [--spirv FILE[:TPG]]... "
           "[--no-cpu] [--e2e] FILES...\n"
           "FILES: .gdeflate streams (NAME.lL.gdeflate is verified against NAME.raw when it "
           "exists),\nor raw files, compressed first with dsvk's CPU encoder at --level "
           "(default 9).\n");
}

int dsvk_bench_gdeflate_gpu(int argc, char **argv)
{
    bool json = false, do_cpu = true, do_e2e = false;
    unsigned iterations = 5;
    uint64_t batch_bytes = 512ull << 20;
    int level = 9;
    const char *variant = "all";
    const char *spirv[12];
    int nspirv = 0;
    uint32_t tpgs[8] = {0};
    int ntpg = 1;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--json"))
            json = true;
        else if (!strcmp(a, "--iterations") && i + 1 < argc)
            iterations = (unsigned)atoi(argv[++i]);
        else if (!strcmp(a, "--batch-mib") && i + 1 < argc)
            batch_bytes = (uint64_t)strtoull(argv[++i], NULL, 10) << 20;
        else if (!strcmp(a, "--level") && i + 1 < argc)
            level = atoi(argv[++i]);
        else if (!strcmp(a, "--variant") && i + 1 < argc)
            variant = argv[++i];
        else if (!strcmp(a, "--tpg") && i + 1 < argc) {
            ntpg = 0;
            for (char *t = strtok(argv[++i], ","); t && ntpg < 8; t = strtok(NULL, ","))
                tpgs[ntpg++] = (uint32_t)atoi(t);
            if (ntpg == 0)
                ntpg = 1;
        } else if (!strcmp(a, "--spirv") && i + 1 < argc && nspirv < 12)
            spirv[nspirv++] = argv[++i];
        else if (!strcmp(a, "--no-cpu"))
            do_cpu = false;
        else if (!strcmp(a, "--e2e"))
            do_e2e = true;
        else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage();
            return 0;
        } else {
            usage();
            return 2;
        }
    }
    if (i >= argc || iterations == 0 || batch_bytes == 0) {
        usage();
        return 2;
    }
    uint32_t nf = (uint32_t)(argc - i);
    input_file *files = calloc(nf, sizeof(*files));
    double t_compress = 0;
    uint64_t raw_total = 0;
    for (uint32_t k = 0; k < nf; k++) {
        input_file *f = &files[k];
        f->path = argv[i + (int)k];
        size_t size = 0;
        uint8_t *data = read_all(f->path, &size);
        if (!data) {
            fprintf(stderr, "gdeflate-gpu: cannot read %s\n", f->path);
            return 1;
        }
        if (has_suffix(f->path, ".gdeflate")) {
            f->stream = data;
            f->stream_size = size;
            char raw_path[4096];
            snprintf(raw_path, sizeof(raw_path), "%s", f->path);
            char *dot = strrchr(raw_path, '.');
            if (dot)
                *dot = 0; /* NAME.lL */
            dot = strrchr(raw_path, '.');
            if (dot && dot[1] == 'l') {
                snprintf(dot, sizeof(raw_path) - (size_t)(dot - raw_path), ".raw");
                size_t rs = 0;
                f->raw = read_all(raw_path, &rs);
                f->raw_size = rs;
            }
        } else {
            f->raw = data;
            f->raw_size = size;
            size_t bound = dsvk_gdeflate_compress_bound(size);
            f->stream = malloc(bound);
            double t0 = bench_now();
            if (!f->stream || dsvk_gdeflate_compress(data, size, f->stream, bound, &f->stream_size,
                                                     level, 0) != DSVK_OK) {
                fprintf(stderr, "gdeflate-gpu: cannot compress %s\n", f->path);
                return 1;
            }
            t_compress += bench_now() - t0;
        }
        dsvk_gdeflate_info info;
        if (dsvk_gdeflate_parse(f->stream, f->stream_size, &info) != DSVK_OK) {
            fprintf(stderr, "gdeflate-gpu: %s is not a GDeflate stream\n", f->path);
            return 1;
        }
        if (f->raw && f->raw_size != info.uncompressed_size) {
            free(f->raw);
            f->raw = NULL;
        }
        raw_total += info.uncompressed_size;
    }

    /* The batch: the files, repeated until it holds batch_bytes of output. */
    uint32_t reps = (uint32_t)((batch_bytes + raw_total - 1) / raw_total);
    if (reps == 0)
        reps = 1;
    uint32_t n = reps * nf;
    dsvk_gdgpu_stream *streams = calloc(n, sizeof(*streams));
    uint32_t *file_of = calloc(n, sizeof(*file_of));
    for (uint32_t s = 0; s < n; s++) {
        file_of[s] = s % nf;
        streams[s] = (dsvk_gdgpu_stream){files[s % nf].stream, files[s % nf].stream_size};
    }

    dsvk_vkstandalone vk;
    const char *why = NULL;
    dsvk_vkstandalone_opts vo = {.get_instance_proc_addr = vkGetInstanceProcAddr, .quiet = true};
    if (dsvk_vkstandalone_create(&vo, &vk, &why) != DSVK_OK) {
        fprintf(stderr, "gdeflate-gpu: %s\n", why);
        return 1;
    }
    dsvk_gdgpu_device_info di = {
        .capture_statistics = vk.pipeline_statistics,
        .device = vk.device,
        .get_device_proc_addr = vk.get_device_proc_addr,
        .subgroup = vk.subgroup,
        .min_subgroup_size = vk.min_subgroup_size,
        .max_subgroup_size = vk.max_subgroup_size,
        .limits = vk.props.limits,
        .storage_buffer_8bit = vk.storage_buffer_8bit,
        .vulkan_memory_model = vk.vulkan_memory_model,
        .vulkan_memory_model_device_scope = vk.vulkan_memory_model_device_scope,
        .memory_decompression_nv = vk.memory_decompression_nv,
        .nv_max_indirect_count = vk.nv_max_indirect_count,
    };
    dsvk_gdgpu_env env = {
        .device = vk.device,
        .vk = &vk.fns,
        .memory = &vk.memory,
        .limits = &vk.props.limits,
        .queue = vk.queue,
        .queue_family = vk.queue_family,
        .timestamp_bits = vk.timestamp_valid_bits,
        .buffer_device_address = vk.buffer_device_address,
    };
    dsvk_gdgpu_variant variants[DSVK_GDGPU_VARIANT_COUNT];
    int nv = 0;
    for (int v = 0; v < DSVK_GDGPU_VARIANT_COUNT; v++)
        if ((!strcmp(variant, "all") && v != DSVK_GDGPU_VARIANT_AUTO) ||
            !strcmp(variant, dsvk_gdgpu_variant_name((dsvk_gdgpu_variant)v)))
            variants[nv++] = (dsvk_gdgpu_variant)v;

    result res[24];
    int nres = 0;
    memset(res, 0, sizeof(res));
    enum { MAX_DECODERS = 20 };
    dsvk_gdgpu *decs[MAX_DECODERS] = {NULL};
    char dec_names[MAX_DECODERS][64];
    uint64_t out_total = 0, in_total = 0;
    uint32_t ntiles = 0, nsegs = 0;
    uint8_t *host = NULL;
    uint64_t *offs = calloc(n, sizeof(uint64_t));
    uint8_t *cpu_out = NULL;
    dsvk_gdgpu_batch *batch = NULL;
    dsvk_gdgpu *g0 = NULL;
    /* Every requested variant with each requested step-fence scope. */
    int ndec = 0;
    uint32_t tpg_max = 0;
    for (int t = 0; t < ntpg; t++)
        tpg_max = tpgs[t] > tpg_max ? tpgs[t] : tpg_max;
    for (int v = 0; v < nv; v++)
        for (int t = 0; t < ntpg && ndec < MAX_DECODERS; t++) {
            if (t > 0 && variants[v] != DSVK_GDGPU_VARIANT_SUBGROUP &&
                variants[v] != DSVK_GDGPU_VARIANT_AUTO)
                continue; /* tiles per workgroup only matter for the subgroup variant */
            dsvk_gdgpu_device_info dv = di;
            dv.tiles_per_group = tpgs[t];
            if (dsvk_gdgpu_create(&dv, variants[v], &decs[ndec]) != DSVK_OK)
                continue;
            uint32_t tpg = dsvk_gdgpu_tiles_per_group(decs[ndec]);
            bool dup = false; /* --tpg 0,1 on a device where both mean 1 */
            for (int k = 0; k < ndec; k++)
                dup |= dsvk_gdgpu_variant_of(decs[k]) == dsvk_gdgpu_variant_of(decs[ndec]) &&
                       dsvk_gdgpu_tiles_per_group(decs[k]) == tpg;
            if (dup) {
                dsvk_gdgpu_destroy(decs[ndec]);
                decs[ndec] = NULL;
                continue;
            }
            char tp[16] = "";
            if (tpg > 1)
                snprintf(tp, sizeof(tp), "-tpg%u", tpg);
            snprintf(dec_names[ndec], sizeof(dec_names[ndec]), "%s%s",
                     dsvk_gdgpu_variant_name(dsvk_gdgpu_variant_of(decs[ndec])), tp);
            ndec++;
        }
    /* Experimental shader builds (--spirv), with the largest --tpg (which the build must have). */
    uint8_t *spirv_code[12] = {NULL};
    for (int k = 0; k < nspirv && ndec < MAX_DECODERS; k++) {
        /* FILE or FILE:TPG (the build's tiles per workgroup; default the largest --tpg) */
        char path[4096];
        snprintf(path, sizeof(path), "%s", spirv[k]);
        uint32_t tpg_k = tpg_max;
        char *colon = strrchr(path, ':');
        if (colon) {
            *colon = 0;
            tpg_k = (uint32_t)atoi(colon + 1);
        }
        size_t size = 0;
        spirv_code[k] = read_all(path, &size);
        dsvk_gdgpu_device_info dk = di;
        dk.spirv_override = (const uint32_t *)spirv_code[k];
        dk.spirv_override_size = size;
        dk.tiles_per_group = tpg_k;
        if (!spirv_code[k] ||
            dsvk_gdgpu_create(&dk, DSVK_GDGPU_VARIANT_AUTO, &decs[ndec]) != DSVK_OK) {
            fprintf(stderr, "gdeflate-gpu: cannot use %s\n", spirv[k]);
            continue;
        }
        const char *base = strrchr(path, '/');
        snprintf(dec_names[ndec], sizeof(dec_names[ndec]), "%.63s", base ? base + 1 : path);
        ndec++;
    }
    g0 = ndec ? decs[0] : NULL;
    if (!g0) {
        fprintf(stderr,
                "gdeflate-gpu: the device cannot run the shader (storageBuffer8BitAccess?)\n");
        return 1;
    }
    dsvk_gdgpu_batch_opts bo = {.native = dsvk_gdgpu_native_supported(g0)};
    double t_upload = bench_now();
    dsvk_result r = dsvk_gdgpu_batch_create(&env, g0, streams, n, &bo, &batch);
    t_upload = bench_now() - t_upload;
    if (r != DSVK_OK) {
        fprintf(stderr, "gdeflate-gpu: cannot build the batch: %s\n", dsvk_result_string(r));
        return 1;
    }
    out_total = dsvk_gdgpu_batch_output_size(batch);
    in_total = dsvk_gdgpu_batch_input_size(batch);
    ntiles = dsvk_gdgpu_batch_tiles(batch);
    nsegs = dsvk_gdgpu_batch_segments(batch);
    for (uint32_t s = 0; s < n; s++)
        offs[s] = dsvk_gdgpu_batch_stream_output(batch, s);
    host = malloc(out_total + 1);
    uint32_t *status = malloc((size_t)ntiles * 4 + 4);

    /* GPUs idle at low clocks and take a while to reach full speed: decode for a second
     * before timing anything (without this, the first decoder timed in a process measured a
     * third of its speed on an H100). */
    double warm_until = bench_now() + 1.0, warm_s = 0;
    while (bench_now() < warm_until &&
           dsvk_gdgpu_batch_run(batch, false, 1, 0xA5, &warm_s) == DSVK_OK) {
    }

    /* (c) first, when some file has no original: its CPU output is the reference. */
    unsigned threads = (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
    if (threads < 1)
        threads = 1;
    bool need_ref = false;
    for (uint32_t k = 0; k < nf; k++)
        need_ref |= files[k].raw == NULL;
    if (do_cpu || need_ref) {
        cpu_out = malloc(out_total + 1);
        result *c = &res[nres++];
        snprintf(c->name, sizeof(c->name), "cpu");
        double best = 1e30;
        bool ok = true;
        for (unsigned it = 0; it < (do_cpu ? iterations : 1) && ok; it++) {
            double dt = cpu_decode(streams, offs, n, cpu_out, threads, &ok);
            best = dt < best ? dt : best;
        }
        c->ran = true;
        c->seconds = best;
        c->gbps = (double)out_total / best * 1e-9;
        c->verified = ok && verify(cpu_out, streams, offs, file_of, files, n, cpu_out);
        snprintf(c->note, sizeof(c->note), "%u threads, best of %u", threads,
                 do_cpu ? iterations : 1);
    }

    /* (a) every shader variant; (b) the driver. */
    for (int v = 0; v <= ndec; v++) {
        bool native = v == ndec;
        dsvk_gdgpu *g = native ? g0 : decs[v];
        result *x = &res[nres];
        if (native) {
            snprintf(x->name, sizeof(x->name), "nv-memory-decompression");
            if (!bo.native) {
                snprintf(x->note, sizeof(x->note), "VK_NV_memory_decompression not available");
                nres++;
                continue;
            }
        } else {
            if (!g)
                continue;
            snprintf(x->name, sizeof(x->name), "dsvk-shader-%s", dec_names[v]);
        }
        nres++;
        if (!native)
            dsvk_gdgpu_statistics(g, x->stats, sizeof(x->stats));
        /* A batch's descriptors are bound to the decoder it was built with: rebuild the
         * bindings for another variant by building the batch again (upload included). */
        dsvk_gdgpu_batch *bb = batch;
        if (!native && g != g0) {
            r = dsvk_gdgpu_batch_create(&env, g, streams, n, &(dsvk_gdgpu_batch_opts){0}, &bb);
            if (r != DSVK_OK) {
                snprintf(x->note, sizeof(x->note), "batch: %s", dsvk_result_string(r));
                continue;
            }
        }
        double warm = 0, secs = 0;
        r = dsvk_gdgpu_batch_run(bb, native, 1, 0xA5, &warm);
        if (r == DSVK_OK)
            r = dsvk_gdgpu_batch_read_output(bb, host);
        bool ok = r == DSVK_OK && verify(host, streams, offs, file_of, files, n, cpu_out);
        if (!native && r == DSVK_OK && dsvk_gdgpu_batch_read_status(bb, status) == DSVK_OK)
            for (uint32_t t = 0; t < ntiles; t++)
                ok = ok && dsvk_gdgpu_status_result(status[t], 1) == DSVK_OK;
        if (r == DSVK_OK)
            r = dsvk_gdgpu_batch_run(bb, native, iterations, 0x5A, &secs);
        /* the timed runs decode again: check the last one's output too */
        if (r == DSVK_OK && dsvk_gdgpu_batch_read_output(bb, host) == DSVK_OK)
            ok = ok && verify(host, streams, offs, file_of, files, n, cpu_out);
        x->ran = r == DSVK_OK;
        x->verified = ok;
        x->seconds = secs > 0 ? secs / iterations : -1;
        x->gbps = secs > 0 ? (double)out_total * iterations / secs * 1e-9 : 0;
        snprintf(x->note, sizeof(x->note), "%s; %u dispatch%s per batch, first run %.3f ms",
                 r == DSVK_OK ? "gpu timestamps" : dsvk_result_string(r), native ? 1u : nsegs,
                 (native ? 1u : nsegs) == 1 ? "" : "es", warm * 1e3);
        if (bb != batch)
            dsvk_gdgpu_batch_destroy(bb);
    }

    e2e_result e2e = {0};
    if (do_e2e)
        e2e_run(&vk, g0, files, nf, &e2e);

    /* The best shader variant against the driver. */
    double best_shader = 0, native_gbps = 0;
    for (int k = 0; k < nres; k++) {
        if (!res[k].ran || !res[k].verified)
            continue;
        if (!strncmp(res[k].name, "dsvk-shader", 11) && res[k].gbps > best_shader)
            best_shader = res[k].gbps;
        if (!strcmp(res[k].name, "nv-memory-decompression"))
            native_gbps = res[k].gbps;
    }
    bool all_ok = true;
    for (int k = 0; k < nres; k++)
        all_ok = all_ok && (!res[k].ran || res[k].verified);

    if (json) {
        printf("{\"subcommand\":\"gdeflate-gpu\",\"device\":");
        bench_json_string(stdout, vk.props.deviceName);
        printf(",\"driver_version\":%u,\"api_version\":\"%u.%u.%u\",\"subgroup_size\":%u,",
               vk.props.driverVersion, VK_API_VERSION_MAJOR(vk.props.apiVersion),
               VK_API_VERSION_MINOR(vk.props.apiVersion), VK_API_VERSION_PATCH(vk.props.apiVersion),
               vk.subgroup.subgroupSize);
        printf("\"files\":[");
        for (uint32_t k = 0; k < nf; k++) {
            printf("%s{\"path\":", k ? "," : "");
            bench_json_string(stdout, files[k].path);
            dsvk_gdeflate_info info;
            dsvk_gdeflate_parse(files[k].stream, files[k].stream_size, &info);
            printf(",\"raw_bytes\":%llu,\"stream_bytes\":%zu}",
                   (unsigned long long)info.uncompressed_size, files[k].stream_size);
        }
        printf("],\"level\":%d,\"compress_seconds\":%.3f,", level, t_compress);
        printf("\"batch\":{\"copies\":%u,\"streams\":%u,\"tiles\":%u,\"dispatches\":%u,"
               "\"output_bytes\":%llu,\"input_bytes\":%llu,\"upload_seconds\":%.3f},",
               reps, n, ntiles, nsegs, (unsigned long long)out_total, (unsigned long long)in_total,
               t_upload);
        printf("\"iterations\":%u,\"results\":[", iterations);
        for (int k = 0; k < nres; k++) {
            printf("%s{\"decoder\":", k ? "," : "");
            bench_json_string(stdout, res[k].name);
            printf(",\"ran\":%s,\"verified\":%s,\"gbps\":%.3f,\"seconds_per_batch\":%.6f,"
                   "\"note\":",
                   res[k].ran ? "true" : "false", res[k].verified ? "true" : "false", res[k].gbps,
                   res[k].seconds);
            bench_json_string(stdout, res[k].note);
            printf(",\"stats\":");
            bench_json_string(stdout, res[k].stats);
            printf("}");
        }
        printf("],\"shader_vs_native\":");
        if (best_shader > 0 && native_gbps > 0)
            printf("%.3f", best_shader / native_gbps);
        else
            printf("null");
        if (do_e2e)
            printf(",\"e2e\":{\"ran\":%s,\"verified\":%s,\"read_seconds\":%.4f,"
                   "\"gpu_copy_decode_seconds\":%.4f,\"total_seconds\":%.4f}",
                   e2e.ran ? "true" : "false", e2e.verified ? "true" : "false", e2e.read_s,
                   e2e.gpu_s, e2e.total_s);
        printf(",\"all_verified\":%s}\n", all_ok ? "true" : "false");
    } else {
        printf("device: %s (subgroup size %u)\n", vk.props.deviceName, vk.subgroup.subgroupSize);
        printf("batch: %u files x %u copies = %u streams, %u tiles, %.1f MiB out, %.1f MiB in, "
               "%u dispatch(es)\n",
               nf, reps, n, ntiles, (double)out_total / 1048576.0, (double)in_total / 1048576.0,
               nsegs);
        for (int k = 0; k < nres; k++)
            printf("  %-26s %8.2f GB/s  %s  (%s)\n", res[k].name, res[k].gbps,
                   !res[k].ran       ? "not run "
                   : res[k].verified ? "verified"
                                     : "WRONG   ",
                   res[k].note);
        if (best_shader > 0 && native_gbps > 0)
            printf("  shader / driver: %.2fx\n", best_shader / native_gbps);
        if (do_e2e && e2e.ran)
            printf("  e2e (one copy of the files): read %.2f ms, GPU copy+decode %.3f ms, total "
                   "%.2f ms, %s\n",
                   e2e.read_s * 1e3, e2e.gpu_s * 1e3, e2e.total_s * 1e3,
                   e2e.verified ? "verified" : "WRONG");
    }

    dsvk_gdgpu_batch_destroy(batch);
    for (int v = 0; v < ndec; v++)
        dsvk_gdgpu_destroy(decs[v]);
    for (int k = 0; k < nspirv; k++)
        free(spirv_code[k]);
    dsvk_vkstandalone_destroy(&vk);
    for (uint32_t k = 0; k < nf; k++) {
        free(files[k].stream);
        free(files[k].raw);
    }
    free(files);
    free(streams);
    free(file_of);
    free(offs);
    free(host);
    free(status);
    free(cpu_out);
    return all_ok ? 0 : 1;
}
