/*
 * Queues. QUEUE_BATCH is the hot path: every entry the PE side collected since its last
 * crossing (requests, status entries, fence signals, events) enters the core in one call,
 * then the queue is submitted if the PE side's Submit (or its half-capacity auto-submit)
 * asked for it. Entries are copied out of PE memory before they are used.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "ops.h"

typedef struct shim_queue {
    dsvk_queue *queue;
    uint64_t pe_queue;
    dsvk_device *device; /* a reference from dsvk_runtime_find_device, or NULL */
} shim_queue;

/* A signal or event entry: what the PE completion thread must do when it completes. */
typedef struct shim_signal {
    uint32_t kind; /* DSVK_WIRE_DONE_SIGNAL or _EVENT */
    uint64_t target;
} shim_signal;

static void on_queue_error(void *user, dsvk_queue *q)
{
    (void)q;
    shim_completion_push(DSVK_WIRE_DONE_ERROR, ((shim_queue *)user)->pe_queue, 0);
}

static void on_signal(void *user, uint64_t value)
{
    shim_signal *s = user;
    shim_completion_push(s->kind, s->target, value);
    free(s);
}

int32_t shim_op_queue_create(dsvk_wire_queue_create *a)
{
    a->handle = 0;
    a->bound_device = 0;
    dsvk_runtime *rt = shim_runtime();
    if (!rt)
        return DSVK_WIRE_E_NO_RUNTIME;
    char name[DSVK_WIRE_NAME_MAX];
    memcpy(name, a->name, sizeof(name));
    name[sizeof(name) - 1] = 0;
    shim_queue *sq = calloc(1, sizeof(*sq));
    if (!sq)
        return DSVK_WIRE_R_NO_MEMORY;
    sq->pe_queue = a->pe_queue;
    dsvk_device *device = NULL;
    if (a->has_device) {
        uint8_t uuid[16];
        memcpy(uuid, a->device_uuid, sizeof(uuid));
        device = shim_find_device(uuid);
    }
    dsvk_queue_desc desc = {
        .source_type =
            a->source_type == DSVK_WIRE_SRC_MEMORY ? DSVK_SOURCE_MEMORY : DSVK_SOURCE_FILE,
        .capacity = a->capacity,
        .priority = (dsvk_priority)a->priority,
        .name = name,
        .device = device,
        .on_error = on_queue_error,
        .on_error_user = sq,
    };
    if (a->source_type > DSVK_WIRE_SRC_MEMORY)
        desc.source_type = (dsvk_source_type)a->source_type; /* the core rejects it */
    dsvk_result r = core.dsvk_queue_create(rt, &desc, &sq->queue);
    if (r != DSVK_OK) {
        if (device)
            core.dsvk_device_release(device);
        free(sq);
        return r;
    }
    sq->device = device;
    a->handle = shim_handle_new(SHIM_H_QUEUE, sq);
    if (!a->handle) {
        core.dsvk_queue_close(sq->queue);
        if (device)
            core.dsvk_device_release(device);
        free(sq);
        return DSVK_WIRE_R_NO_MEMORY;
    }
    a->bound_device = device != NULL;
    return DSVK_WIRE_R_OK;
}

/* A PE data address as a pointer, or NULL when it cannot be one (the core then fails the
 * request with DSVK_E_INVALID_ARGUMENT through the queue's error record). */
static void *data_ptr(uint64_t addr, uint64_t size)
{
    return addr && shim_range_ok(addr, size) ? (void *)(uintptr_t)addr : NULL;
}

static void convert_footprint(const dsvk_wire_footprint *w, dsvk_footprint *f)
{
    *f = (dsvk_footprint){
        .data_offset = w->data_offset,
        .row_pitch = w->row_pitch,
        .width = w->width,
        .height = w->height,
        .depth = w->depth,
        .aspect = w->aspect,
        .mip_level = w->mip_level,
        .array_layer = w->array_layer,
    };
}

/* Converts the destination; *footprints gets a malloc'd array for SUBRESOURCES. */
static void convert_destination(const dsvk_wire_destination *w, dsvk_destination *d,
                                dsvk_footprint **footprints)
{
    memset(d, 0, sizeof(*d));
    d->type = (dsvk_destination_type)w->type;
    switch (w->type) {
    case DSVK_WIRE_DST_MEMORY:
        d->u.memory.data = data_ptr(w->u.memory.address, w->u.memory.size);
        d->u.memory.size = w->u.memory.size;
        break;
    case DSVK_WIRE_DST_BUFFER:
        d->u.buffer.buffer = w->u.buffer.buffer;
        d->u.buffer.offset = w->u.buffer.offset;
        d->u.buffer.size = w->u.buffer.size;
        break;
    case DSVK_WIRE_DST_IMAGE_REGION:
        d->u.image_region.image = w->u.image_region.image;
        d->u.image_region.format = w->u.image_region.format;
        d->u.image_region.layout = w->u.image_region.layout;
        convert_footprint(&w->u.image_region.footprint, &d->u.image_region.footprint);
        d->u.image_region.box = (dsvk_box){
            w->u.image_region.box[0], w->u.image_region.box[1], w->u.image_region.box[2],
            w->u.image_region.box[3], w->u.image_region.box[4], w->u.image_region.box[5],
        };
        break;
    case DSVK_WIRE_DST_SUBRESOURCES: {
        uint32_t n = w->u.subresources.count;
        d->u.subresources.image = w->u.subresources.image;
        d->u.subresources.format = w->u.subresources.format;
        d->u.subresources.layout = w->u.subresources.layout;
        if (n == 0 || n > DSVK_WIRE_MAX_FOOTPRINTS ||
            !shim_ptr_ok(w->u.subresources.footprints, (uint64_t)n * sizeof(dsvk_wire_footprint)))
            break; /* count 0: the core rejects the request */
        dsvk_footprint *f = malloc(n * sizeof(*f));
        if (!f)
            break;
        const dsvk_wire_footprint *wf =
            (const dsvk_wire_footprint *)(uintptr_t)w->u.subresources.footprints;
        for (uint32_t i = 0; i < n; i++)
            convert_footprint(&wf[i], &f[i]);
        d->u.subresources.count = n;
        d->u.subresources.footprints = f;
        *footprints = f;
        break;
    }
    case DSVK_WIRE_DST_TILES:
        d->u.tiles.resource = w->u.tiles.resource;
        d->u.tiles.is_buffer = w->u.tiles.is_buffer;
        d->u.tiles.format = w->u.tiles.format;
        d->u.tiles.layout = w->u.tiles.layout;
        d->u.tiles.subresource_mip = w->u.tiles.mip;
        d->u.tiles.subresource_layer = w->u.tiles.layer;
        d->u.tiles.aspect = w->u.tiles.aspect;
        d->u.tiles.x = w->u.tiles.x;
        d->u.tiles.y = w->u.tiles.y;
        d->u.tiles.z = w->u.tiles.z;
        d->u.tiles.tiles_w = w->u.tiles.tiles_w;
        d->u.tiles.tiles_h = w->u.tiles.tiles_h;
        d->u.tiles.tiles_d = w->u.tiles.tiles_d;
        d->u.tiles.tile_width = w->u.tiles.tile_width;
        d->u.tiles.tile_height = w->u.tiles.tile_height;
        d->u.tiles.tile_depth = w->u.tiles.tile_depth;
        break;
    default: break; /* unknown type: the core rejects it */
    }
}

/* The file of the previous request of the batch, kept referenced until the batch ends:
 * games read many requests from one file, and a lookup per request costs two lock round
 * trips. (A FILE_CLOSE meanwhile waits for the batch, as it would for any reference.) */
typedef struct file_memo {
    uint64_t handle;
    dsvk_file *file;
} file_memo;

static dsvk_file *memo_file(file_memo *m, uint64_t handle)
{
    if (m->file && m->handle == handle)
        return m->file;
    if (m->file)
        shim_handle_put(m->handle);
    m->handle = handle;
    m->file = shim_handle_get(handle, SHIM_H_FILE);
    return m->file;
}

static void memo_release(file_memo *m)
{
    if (m->file)
        shim_handle_put(m->handle);
    m->file = NULL;
}

static dsvk_result enqueue_request(shim_queue *sq, const dsvk_wire_request *w, file_memo *memo)
{
    char name[DSVK_WIRE_NAME_MAX];
    dsvk_request r = {
        .compression = w->compression,
        .uncompressed_size = w->uncompressed_size,
        .cancel_tag = w->cancel_tag,
        .name = shim_copy_string(w->name, name, sizeof(name)) ? name : NULL,
    };
    if (w->source_type == DSVK_WIRE_SRC_FILE) {
        r.source.type = DSVK_SOURCE_FILE;
        /* An unknown or closed handle leaves file NULL: the request fails FILE_NOT_OPEN. */
        r.source.u.file.file = memo_file(memo, w->source);
        r.source.u.file.offset = w->offset;
        r.source.u.file.size = w->size;
    } else {
        r.source.type = w->source_type == DSVK_WIRE_SRC_MEMORY ? DSVK_SOURCE_MEMORY
                                                               : (dsvk_source_type)w->source_type;
        r.source.u.memory.data = data_ptr(w->source, w->size);
        r.source.u.memory.size = w->size;
    }
    dsvk_footprint *footprints = NULL;
    convert_destination(&w->destination, &r.destination, &footprints);
    dsvk_result res = core.dsvk_queue_enqueue_request(sq->queue, &r);
    free(footprints); /* the core copied them */
    return res;
}

static dsvk_result enqueue_status(shim_queue *sq, uint64_t array_handle, uint32_t index)
{
    void *s = shim_handle_get(array_handle, SHIM_H_STATUS);
    /* NULL array: the core records E_DSTORAGE_INVALID_STATUS_ARRAY. */
    dsvk_result r =
        core.dsvk_queue_enqueue_status(sq->queue, s ? shim_status_array_of(s) : NULL, index);
    if (s)
        shim_handle_put(array_handle);
    return r;
}

static dsvk_result enqueue_signal(shim_queue *sq, uint32_t kind, uint64_t target, uint64_t value)
{
    dsvk_signal sig = {.fn = NULL, .user = NULL, .eventfd = -1, .value = value};
    shim_signal *s = NULL;
    if (target) { /* a null fence or event: the core records E_DSTORAGE_INVALID_FENCE */
        s = malloc(sizeof(*s));
        if (!s)
            return DSVK_E_NO_MEMORY;
        s->kind = kind;
        s->target = target;
        sig.fn = on_signal;
        sig.user = s;
    }
    dsvk_result r = core.dsvk_queue_enqueue_signal(sq->queue, &sig);
    if (r != DSVK_OK)
        free(s); /* not enqueued: its callback will never run */
    return r;
}

int32_t shim_op_queue_batch(dsvk_wire_queue_batch *a)
{
    a->accepted = 0;
    uint32_t count = a->count;
    uint64_t entries = a->entries;
    uint64_t handle = a->queue;
    bool submit = a->flags & DSVK_WIRE_BATCH_SUBMIT;
    if (count > DSVK_WIRE_MAX_BATCH ||
        (count && !shim_ptr_ok(entries, (uint64_t)count * sizeof(dsvk_wire_entry))))
        return DSVK_WIRE_E_ARGS;
    shim_queue *sq = shim_handle_get(handle, SHIM_H_QUEUE);
    if (!sq)
        return DSVK_WIRE_E_HANDLE;
    const dsvk_wire_entry *e = (const dsvk_wire_entry *)(uintptr_t)entries;
    int32_t status = DSVK_WIRE_R_OK;
    file_memo memo = {0};
    uint32_t i = 0;
    for (; i < count; i++) {
        dsvk_wire_entry en;
        memcpy(&en, &e[i], sizeof(en));
        dsvk_result r;
        switch (en.kind) {
        case DSVK_WIRE_ENTRY_REQUEST: r = enqueue_request(sq, &en.u.request, &memo); break;
        case DSVK_WIRE_ENTRY_STATUS:
            r = enqueue_status(sq, en.u.status.array, en.u.status.index);
            break;
        case DSVK_WIRE_ENTRY_SIGNAL:
            r = enqueue_signal(sq, DSVK_WIRE_DONE_SIGNAL, en.u.signal.target, en.u.signal.value);
            break;
        case DSVK_WIRE_ENTRY_EVENT:
            r = enqueue_signal(sq, DSVK_WIRE_DONE_EVENT, en.u.signal.target, en.u.signal.value);
            break;
        default:
            r = DSVK_E_INVALID_ARGUMENT;
            shim_err("batch entry %u has unknown kind %u; the rest of the batch is dropped", i,
                     en.kind);
            status = DSVK_WIRE_E_ARGS;
            break;
        }
        /* Validation failures are the queue's business (error record, status entries);
         * only a closed queue or exhausted memory stops the batch. */
        if (r == DSVK_E_QUEUE_CLOSED || r == DSVK_E_NO_MEMORY || status != DSVK_WIRE_R_OK) {
            if (status == DSVK_WIRE_R_OK)
                status = r;
            break;
        }
    }
    memo_release(&memo);
    a->accepted = i;
    if (submit)
        core.dsvk_queue_submit(sq->queue);
    shim_handle_put(handle);
    return status;
}

int32_t shim_op_queue_cancel(dsvk_wire_queue_cancel *a)
{
    shim_queue *sq = shim_handle_get(a->queue, SHIM_H_QUEUE);
    if (!sq)
        return DSVK_WIRE_E_HANDLE;
    core.dsvk_queue_cancel(sq->queue, a->mask, a->value);
    shim_handle_put(a->queue);
    return DSVK_WIRE_R_OK;
}

int32_t shim_op_queue_close(dsvk_wire_handle *a)
{
    shim_queue *sq = shim_handle_close(a->handle, SHIM_H_QUEUE);
    if (!sq)
        return DSVK_WIRE_E_HANDLE;
    core.dsvk_queue_close(sq->queue); /* no callback runs after this */
    if (sq->device)
        core.dsvk_device_release(sq->device);
    free(sq);
    return DSVK_WIRE_R_OK;
}

int32_t shim_op_queue_query(dsvk_wire_queue_query *a)
{
    shim_queue *sq = shim_handle_get(a->queue, SHIM_H_QUEUE);
    if (!sq)
        return DSVK_WIRE_E_HANDLE;
    dsvk_queue_info info;
    core.dsvk_queue_query(sq->queue, &info);
    shim_handle_put(a->queue);
    a->empty_slots = info.empty_slots;
    a->requests_until_autosubmit = info.requests_until_autosubmit;
    return DSVK_WIRE_R_OK;
}

static void wire_request_of(const dsvk_request *r, dsvk_wire_request *w)
{
    memset(w, 0, sizeof(*w));
    w->source_type = (uint32_t)r->source.type;
    w->compression = r->compression;
    w->uncompressed_size = r->uncompressed_size;
    w->cancel_tag = r->cancel_tag;
    if (r->source.type == DSVK_SOURCE_FILE) {
        w->offset = r->source.u.file.offset;
        w->size = r->source.u.file.size;
    } else {
        w->source = (uint64_t)(uintptr_t)r->source.u.memory.data;
        w->size = r->source.u.memory.size;
    }
    w->destination.type = (uint32_t)r->destination.type;
    switch (r->destination.type) {
    case DSVK_DEST_MEMORY:
        w->destination.u.memory.address = (uint64_t)(uintptr_t)r->destination.u.memory.data;
        w->destination.u.memory.size = r->destination.u.memory.size;
        break;
    case DSVK_DEST_BUFFER:
        w->destination.u.buffer.buffer = r->destination.u.buffer.buffer;
        w->destination.u.buffer.offset = r->destination.u.buffer.offset;
        w->destination.u.buffer.size = r->destination.u.buffer.size;
        break;
    default: break; /* the PE side reports the resource it knows; handles mean nothing there */
    }
}

int32_t shim_op_queue_error_record(dsvk_wire_error_record *a)
{
    shim_queue *sq = shim_handle_get(a->queue, SHIM_H_QUEUE);
    if (!sq)
        return DSVK_WIRE_E_HANDLE;
    dsvk_error_record *rec = malloc(sizeof(*rec));
    if (!rec) {
        shim_handle_put(a->queue);
        return DSVK_WIRE_R_NO_MEMORY;
    }
    core.dsvk_queue_retrieve_error_record(sq->queue, rec);
    shim_handle_put(a->queue);
    a->failure_count = rec->failure_count;
    a->result = rec->result;
    a->kind = rec->kind;
    a->sys_errno = rec->sys_errno;
    wire_request_of(&rec->request, &a->request);
    snprintf(a->request_name, sizeof(a->request_name), "%s", rec->request_name);
    snprintf(a->file_name, sizeof(a->file_name), "%s", rec->file_name);
    a->status_array = rec->kind == DSVK_ENTRY_STATUS ? shim_status_pe_object(rec->status_array) : 0;
    a->status_index = rec->status_index;
    a->reserved = 0;
    a->signal_value = rec->signal_value;
    free(rec);
    return DSVK_WIRE_R_OK;
}

int32_t shim_op_queue_compression_support(dsvk_wire_compression_support *a)
{
    shim_queue *sq = shim_handle_get(a->queue, SHIM_H_QUEUE);
    if (!sq)
        return DSVK_WIRE_E_HANDLE;
    a->support = 0;
    /* GDeflate: the core's CPU decoder unless disabled (custom queue instead); on a queue
     * bound to a device whose driver decodes GDeflate (VK_NV/EXT_memory_decompression,
     * DirectStorage's "metacommand") also GPU_OPTIMIZED. dsvk's own shader is not claimed:
     * whether a device can run it is the executor's decision, not visible here. Other
     * formats are not decompressed by the runtime (custom formats go to the app). */
    if (a->format == DSVK_COMPRESSION_GDEFLATE) {
        if (shim_runtime_cpu_decompression())
            a->support |= DSVK_WIRE_SUPPORT_CPU_FALLBACK;
        dsvk_decoder dec = shim_runtime_decoder();
        if (sq->device && (dec == DSVK_DECODER_AUTO || dec == DSVK_DECODER_GPU_NATIVE)) {
            const dsvk_vk_device_desc *d = core.dsvk_device_get_desc(sq->device);
            if (d && (d->enabled.memory_decompression_nv || d->enabled.memory_decompression_ext))
                a->support |=
                    DSVK_WIRE_SUPPORT_GPU_OPTIMIZED | DSVK_WIRE_SUPPORT_USES_COMPUTE_QUEUE;
        }
    }
    shim_handle_put(a->queue);
    return DSVK_WIRE_R_OK;
}
