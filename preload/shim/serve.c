/*
 * Serving a recognized call. The interposed write/read found the magic; here the fd is
 * confirmed to be the channel (only LOCATE is answered on any fd: it is how a PE side whose
 * inherited DSVK_CHANNEL names its parent's channel finds its own), the version and sizes are
 * checked, and the opcode runs. A negative return means "not ours": the caller hands the
 * call to libc unchanged.
 */
#include <string.h>

#include "ops.h"
#include "shim.h"

typedef int32_t (*op_fn)(void *args);

typedef struct op_entry {
    uint32_t args_size; /* 0: no argument block */
    op_fn fn;
} op_entry;

#define OP(code, type, fn) [code] = {sizeof(type), (op_fn)(fn)}

static const op_entry ops[] = {
    OP(DSVK_WIRE_OP_HELLO, dsvk_wire_hello, shim_op_hello),
    OP(DSVK_WIRE_OP_CONFIGURE, dsvk_wire_hello, shim_op_configure),
    OP(DSVK_WIRE_OP_FILE_OPEN, dsvk_wire_file_open, shim_op_file_open),
    OP(DSVK_WIRE_OP_FILE_CLOSE, dsvk_wire_handle, shim_op_file_close),
    OP(DSVK_WIRE_OP_FILE_INFO, dsvk_wire_file_info, shim_op_file_info),
    OP(DSVK_WIRE_OP_STATUS_CREATE, dsvk_wire_status_create, shim_op_status_create),
    OP(DSVK_WIRE_OP_STATUS_DESTROY, dsvk_wire_handle, shim_op_status_destroy),
    OP(DSVK_WIRE_OP_QUEUE_CREATE, dsvk_wire_queue_create, shim_op_queue_create),
    OP(DSVK_WIRE_OP_QUEUE_BATCH, dsvk_wire_queue_batch, shim_op_queue_batch),
    OP(DSVK_WIRE_OP_QUEUE_CANCEL, dsvk_wire_queue_cancel, shim_op_queue_cancel),
    OP(DSVK_WIRE_OP_QUEUE_CLOSE, dsvk_wire_handle, shim_op_queue_close),
    OP(DSVK_WIRE_OP_QUEUE_QUERY, dsvk_wire_queue_query, shim_op_queue_query),
    OP(DSVK_WIRE_OP_QUEUE_ERROR_RECORD, dsvk_wire_error_record, shim_op_queue_error_record),
    OP(DSVK_WIRE_OP_QUEUE_COMPRESSION_SUPPORT, dsvk_wire_compression_support,
       shim_op_queue_compression_support),
    OP(DSVK_WIRE_OP_CUSTOM_GET, dsvk_wire_custom_get, shim_op_custom_get),
    OP(DSVK_WIRE_OP_CUSTOM_SET, dsvk_wire_custom_set, shim_op_custom_set),
    OP(DSVK_WIRE_OP_CODEC_BOUND, dsvk_wire_codec, shim_op_codec_bound),
    OP(DSVK_WIRE_OP_CODEC_COMPRESS, dsvk_wire_codec, shim_op_codec_compress),
    OP(DSVK_WIRE_OP_CODEC_DECOMPRESS, dsvk_wire_codec, shim_op_codec_decompress),
};

/* The stable prefix: magic, version, header_size, status. */
static bool version_matches(dsvk_wire_header *h, size_t len)
{
    if (h->version == DSVK_WIRE_VERSION && h->header_size == sizeof(dsvk_wire_header) &&
        len >= sizeof(dsvk_wire_header))
        return true;
    shim_err("the PE side speaks wire version %u (header %u bytes), this shim version %u: "
             "dstorage.dll and libdsvk_preload.so come from different dsvk builds",
             (unsigned)h->version, (unsigned)h->header_size, (unsigned)DSVK_WIRE_VERSION);
    h->status = DSVK_WIRE_E_VERSION;
    h->version = DSVK_WIRE_VERSION;
    return false;
}

static int32_t dispatch(dsvk_wire_header *h, bool is_channel)
{
    if (h->opcode == DSVK_WIRE_OP_LOCATE) {
        if (h->args_size != sizeof(dsvk_wire_locate) ||
            !shim_ptr_ok(h->args, sizeof(dsvk_wire_locate)))
            return DSVK_WIRE_E_ARGS;
        return shim_op_locate((dsvk_wire_locate *)(uintptr_t)h->args, is_channel);
    }
    if (h->opcode == DSVK_WIRE_OP_WAKE) {
        shim_completion_wake();
        return DSVK_WIRE_R_OK;
    }
    if (h->opcode >= sizeof(ops) / sizeof(ops[0]) || !ops[h->opcode].fn)
        return DSVK_WIRE_E_OPCODE;
    const op_entry *op = &ops[h->opcode];
    if (h->args_size != op->args_size || !shim_ptr_ok(h->args, op->args_size) || (h->args & 7))
        return DSVK_WIRE_E_ARGS;
    return op->fn((void *)(uintptr_t)h->args);
}

bool shim_has_magic(uintptr_t buf)
{
    uint64_t magic;
    memcpy(&magic, (const void *)buf, sizeof(magic));
    return magic == DSVK_WIRE_MAGIC;
}

ssize_t shim_serve_write(int fd, void *buf, size_t len)
{
    dsvk_wire_header *h = buf;
    bool is_channel = shim_fd_is_channel(fd);
    if (!is_channel) {
        /* Only a LOCATE of our version is answered on a file that is not the channel; any
         * other write that merely starts with the magic is data for libc. */
        if (len != sizeof(dsvk_wire_header) || h->opcode != DSVK_WIRE_OP_LOCATE)
            return -1;
        if (h->version != DSVK_WIRE_VERSION || h->header_size != sizeof(dsvk_wire_header))
            return version_matches(h, len), (ssize_t)len;
    } else if (!version_matches(h, len)) {
        return (ssize_t)len;
    }
    h->status = dispatch(h, is_channel);
    return (ssize_t)len;
}

ssize_t shim_serve_read(int fd, void *buf, size_t len)
{
    if (!shim_fd_is_channel(fd))
        return -1;
    dsvk_wire_header *h = buf;
    if (!version_matches(h, len))
        return (ssize_t)sizeof(*h); /* the read fast path guarantees len >= the header */
    if (h->opcode != DSVK_WIRE_OP_COMPLETIONS) {
        h->status = DSVK_WIRE_E_OPCODE;
        return (ssize_t)sizeof(*h);
    }
    uint32_t max = (uint32_t)((len - sizeof(*h)) / sizeof(dsvk_wire_completion));
    if (max > DSVK_WIRE_MAX_COMPLETIONS)
        max = DSVK_WIRE_MAX_COMPLETIONS;
    dsvk_wire_completion *out = (dsvk_wire_completion *)(h + 1);
    uint32_t n = shim_completion_take(out, max);
    h->status = (int32_t)n;
    return (ssize_t)(sizeof(*h) + n * sizeof(dsvk_wire_completion));
}
