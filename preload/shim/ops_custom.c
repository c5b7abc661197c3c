/* The custom decompression queue and the codec: direct calls into the core. */
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "ops.h"

int32_t shim_op_custom_get(dsvk_wire_custom_get *a)
{
    a->count = 0;
    a->more = 0;
    a->arm_seq = 0;
    dsvk_runtime *rt = shim_runtime();
    if (!rt)
        return DSVK_WIRE_E_NO_RUNTIME;
    uint32_t max = a->max;
    uint64_t out_addr = a->requests;
    if (max > DSVK_WIRE_MAX_CUSTOM ||
        (max && !shim_ptr_ok(out_addr, (uint64_t)max * sizeof(dsvk_wire_custom_request))))
        return DSVK_WIRE_E_ARGS;
    dsvk_custom_request *reqs = max ? malloc(max * sizeof(*reqs)) : NULL;
    if (max && !reqs)
        return DSVK_WIRE_R_NO_MEMORY;
    uint32_t n = 0;
    dsvk_result r = core.dsvk_custom_get_requests(rt, (dsvk_custom_select)a->select, max, reqs, &n);
    /* The core keeps its eventfd readable exactly while requests wait. */
    struct pollfd pfd = {.fd = core.dsvk_custom_event_fd(rt), .events = POLLIN};
    a->more = poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLIN);
    /* Whatever was taken, the PE side will look again when more arrive. */
    a->arm_seq = shim_completion_rearm_custom();
    if (r != DSVK_OK) {
        free(reqs);
        return r;
    }
    dsvk_wire_custom_request *out = (dsvk_wire_custom_request *)(uintptr_t)out_addr;
    for (uint32_t i = 0; i < n; i++) {
        dsvk_wire_custom_request w = {
            .id = reqs[i].id,
            .compression = reqs[i].compression,
            .flags = 0,
            .src_size = reqs[i].src_size,
            .src = (uint64_t)(uintptr_t)reqs[i].src,
            .dst_size = reqs[i].dst_size,
            .dst = (uint64_t)(uintptr_t)reqs[i].dst,
        };
        memcpy(&out[i], &w, sizeof(w));
    }
    free(reqs);
    a->count = n;
    return DSVK_WIRE_R_OK;
}

int32_t shim_op_custom_set(dsvk_wire_custom_set *a)
{
    dsvk_runtime *rt = shim_runtime();
    if (!rt)
        return DSVK_WIRE_E_NO_RUNTIME;
    uint32_t n = a->count;
    uint64_t in_addr = a->results;
    if (n > DSVK_WIRE_MAX_CUSTOM ||
        (n && !shim_ptr_ok(in_addr, (uint64_t)n * sizeof(dsvk_wire_custom_result))))
        return DSVK_WIRE_E_ARGS;
    if (!n)
        return DSVK_WIRE_R_OK;
    dsvk_custom_result *res = malloc(n * sizeof(*res));
    if (!res)
        return DSVK_WIRE_R_NO_MEMORY;
    const dsvk_wire_custom_result *in = (const dsvk_wire_custom_result *)(uintptr_t)in_addr;
    for (uint32_t i = 0; i < n; i++) {
        res[i].id = in[i].id;
        int32_t v = in[i].result;
        /* Only results the core knows; anything else from the PE side is a decode failure. */
        res[i].result =
            v <= 0 && v >= DSVK_WIRE_R_CANCELLED ? (dsvk_result)v : DSVK_E_DECOMPRESSION;
    }
    dsvk_result r = core.dsvk_custom_set_results(rt, n, res);
    free(res);
    return r;
}

static bool codec_ready(char *msg, size_t n)
{
    return shim_core_load(msg, n); /* logs why once when it cannot */
}

int32_t shim_op_codec_bound(dsvk_wire_codec *a)
{
    char msg[256];
    if (!codec_ready(msg, sizeof(msg)))
        return DSVK_WIRE_E_NO_CORE;
    a->out_size = core.dsvk_gdeflate_compress_bound((size_t)a->in_size);
    return DSVK_WIRE_R_OK;
}

int32_t shim_op_codec_compress(dsvk_wire_codec *a)
{
    char msg[256];
    a->out_size = 0;
    if (!codec_ready(msg, sizeof(msg)))
        return DSVK_WIRE_E_NO_CORE;
    if (!a->in || !a->out || !shim_range_ok(a->in, a->in_size) ||
        !shim_range_ok(a->out, a->out_cap))
        return DSVK_WIRE_R_INVALID_ARGUMENT;
    size_t out_size = 0;
    dsvk_result r = core.dsvk_gdeflate_compress((const void *)(uintptr_t)a->in, (size_t)a->in_size,
                                                (void *)(uintptr_t)a->out, (size_t)a->out_cap,
                                                &out_size, a->level, a->threads);
    a->out_size = out_size;
    return r;
}

int32_t shim_op_codec_decompress(dsvk_wire_codec *a)
{
    char msg[256];
    a->out_size = 0;
    if (!codec_ready(msg, sizeof(msg)))
        return DSVK_WIRE_E_NO_CORE;
    if (!a->in || !shim_range_ok(a->in, a->in_size) || !shim_range_ok(a->out, a->out_cap))
        return DSVK_WIRE_R_INVALID_ARGUMENT;
    const void *in = (const void *)(uintptr_t)a->in;
    dsvk_gdeflate_info info;
    dsvk_result r = core.dsvk_gdeflate_parse(in, (size_t)a->in_size, &info);
    if (r != DSVK_OK)
        return r;
    a->out_size = info.uncompressed_size; /* what is needed, also when out is too small */
    if (info.uncompressed_size > a->out_cap || (!a->out && info.uncompressed_size))
        return DSVK_WIRE_R_INVALID_DESTINATION_SIZE;
    return core.dsvk_gdeflate_decompress(in, (size_t)a->in_size, (void *)(uintptr_t)a->out,
                                         (size_t)info.uncompressed_size, a->threads, NULL);
}
