#include <dsvk/result.h>

const char *dsvk_result_string(dsvk_result r)
{
    switch (r) {
    case DSVK_OK: return "success";
    case DSVK_E_PENDING: return "pending";
    case DSVK_E_INVALID_ARGUMENT: return "invalid argument";
    case DSVK_E_NO_MEMORY: return "out of memory";
    case DSVK_E_IO: return "I/O error";
    case DSVK_E_END_OF_FILE: return "read past the end of the file";
    case DSVK_E_FILE_NOT_OPEN: return "file not open";
    case DSVK_E_INVALID_FILE_OFFSET: return "invalid file offset";
    case DSVK_E_INVALID_QUEUE_CAPACITY: return "invalid queue capacity (128..8192)";
    case DSVK_E_INVALID_QUEUE_PRIORITY: return "invalid queue priority";
    case DSVK_E_INVALID_MEMORY_QUEUE_PRIORITY: return "a memory queue must have realtime priority";
    case DSVK_E_INVALID_SOURCE_TYPE: return "request source type does not match the queue";
    case DSVK_E_INVALID_DESTINATION_TYPE: return "invalid destination type";
    case DSVK_E_INVALID_DESTINATION_SIZE: return "invalid destination size";
    case DSVK_E_REQUEST_TOO_LARGE: return "request too large";
    case DSVK_E_DECOMPRESSION: return "corrupt compressed data";
    case DSVK_E_UNSUPPORTED_FORMAT: return "unsupported compression format";
    case DSVK_E_QUEUE_CLOSED: return "queue closed";
    case DSVK_E_INDEX_BOUND: return "index out of bounds";
    case DSVK_E_UNSUPPORTED: return "not supported";
    case DSVK_E_DEVICE_LOST: return "GPU device lost";
    case DSVK_E_OUT_OF_DEVICE_MEMORY: return "out of GPU memory";
    case DSVK_E_COMPRESSED_DATA_TOO_LARGE: return "compressed data too large for the buffer";
    case DSVK_E_INVALID_FENCE: return "invalid signal target";
    case DSVK_E_INVALID_STATUS_ARRAY: return "invalid status array";
    case DSVK_E_BUSY: return "busy";
    case DSVK_E_CANCELLED: return "cancelled";
    }
    return "unknown result";
}
