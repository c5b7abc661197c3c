/*
 * The dsvk wire protocol: how the PE dstorage.dll talks to libdsvk_preload.so.
 *
 * Shared by both sides, compiled by x86_64-w64-mingw32-gcc and by the host compiler, so it is
 * plain C11 with fixed-width fields only: no pointers (PE addresses travel as uint64_t), no
 * enums in structs, no bitfields, explicit padding. Both sides are x86_64 and lay these
 * structs out identically; the static assertions at the end pin every size.
 *
 * A call is one WriteFile of a dsvk_wire_header on the channel file (with an explicit offset,
 * so Wine makes exactly one pwrite()). The interposed pwrite() recognizes the magic, confirms
 * the fd is this process's channel, reads the argument block at `args` (PE memory, same
 * address space), serves the call, writes results into the argument block and into
 * `status`, and returns the byte count. Completions travel the other way: the PE completion
 * thread ReadFile()s a buffer that starts with a header (opcode COMPLETIONS); the interposed
 * pread() waits for completion records and writes them after the header.
 *
 * Versioning: magic (offset 0), version (8), header_size (10) and status (12) never move.
 * A shim that does not speak the caller's version answers DSVK_WIRE_E_VERSION and writes its
 * own version into `version`, so either side can say which build is out of date.
 */
#ifndef DSVK_WIRE_H
#define DSVK_WIRE_H

#include <stdint.h>

#define DSVK_WIRE_MAGIC 0x455249576b767364ull /* "dsvkWIRE" little-endian */
#define DSVK_WIRE_VERSION 1

/* The interposed calls look at buffers of this many bytes only (fast path). */
#define DSVK_WIRE_MIN_CALL 16u
#define DSVK_WIRE_MAX_CALL 256u

/* Bytes of a unix path in LOCATE / FILE_OPEN (NUL included). */
#define DSVK_WIRE_PATH_MAX 4096u
#define DSVK_WIRE_NAME_MAX 64u /* request/queue/status array names (NUL included) */

/* Bounds the shim enforces on PE-supplied counts. */
#define DSVK_WIRE_MAX_BATCH 8192u      /* entries in one QUEUE_BATCH (queue capacity limit) */
#define DSVK_WIRE_MAX_FOOTPRINTS 4096u /* subresources in one request */
#define DSVK_WIRE_MAX_CUSTOM 8192u     /* custom decompression requests per GET/SET */

typedef struct dsvk_wire_header {
    uint64_t magic;       /* DSVK_WIRE_MAGIC */
    uint16_t version;     /* sender's DSVK_WIRE_VERSION; the shim's on E_VERSION replies */
    uint16_t header_size; /* sizeof(dsvk_wire_header) of the sender */
    int32_t status;       /* reply: a dsvk_wire_result or transport status (below) */
    uint32_t opcode;      /* dsvk_wire_opcode */
    uint32_t args_size;   /* sizeof the opcode's argument struct */
    uint64_t args;        /* PE address of the argument struct; 0 for opcodes without one */
} dsvk_wire_header;

/* Opcodes. */
enum {
    DSVK_WIRE_OP_LOCATE = 1,    /* served on ANY fd: is this the channel? where is it? */
    DSVK_WIRE_OP_HELLO = 2,     /* load the core, create the runtime (with configuration) */
    DSVK_WIRE_OP_CONFIGURE = 3, /* re-create the runtime with a new configuration */
    DSVK_WIRE_OP_FILE_OPEN = 10,
    DSVK_WIRE_OP_FILE_CLOSE = 11,
    DSVK_WIRE_OP_FILE_INFO = 12,
    DSVK_WIRE_OP_STATUS_CREATE = 20,
    DSVK_WIRE_OP_STATUS_DESTROY = 21,
    DSVK_WIRE_OP_QUEUE_CREATE = 30,
    DSVK_WIRE_OP_QUEUE_BATCH = 31, /* enqueue a batch of entries, optionally submit */
    DSVK_WIRE_OP_QUEUE_CANCEL = 32,
    DSVK_WIRE_OP_QUEUE_CLOSE = 33,
    DSVK_WIRE_OP_QUEUE_QUERY = 34,
    DSVK_WIRE_OP_QUEUE_ERROR_RECORD = 35,
    DSVK_WIRE_OP_QUEUE_COMPRESSION_SUPPORT = 36,
    DSVK_WIRE_OP_CUSTOM_GET = 40,
    DSVK_WIRE_OP_CUSTOM_SET = 41,
    DSVK_WIRE_OP_CODEC_BOUND = 50,
    DSVK_WIRE_OP_CODEC_COMPRESS = 51,
    DSVK_WIRE_OP_CODEC_DECOMPRESS = 52,
    DSVK_WIRE_OP_COMPLETIONS = 60, /* read side: wait for completion records */
    DSVK_WIRE_OP_WAKE = 61,        /* make a waiting COMPLETIONS read return now */
};

/*
 * Results. 0 and the small negative numbers are the core's results (equal to dsvk_result;
 * the shim asserts it at compile time), the PE side maps them to HRESULTs. Transport
 * statuses are <= -1000 and only ever appear in dsvk_wire_header.status.
 */
enum {
    DSVK_WIRE_R_OK = 0,
    DSVK_WIRE_R_PENDING = -1,
    DSVK_WIRE_R_INVALID_ARGUMENT = -2,
    DSVK_WIRE_R_NO_MEMORY = -3,
    DSVK_WIRE_R_IO = -4,
    DSVK_WIRE_R_END_OF_FILE = -5,
    DSVK_WIRE_R_FILE_NOT_OPEN = -6,
    DSVK_WIRE_R_INVALID_FILE_OFFSET = -7,
    DSVK_WIRE_R_INVALID_QUEUE_CAPACITY = -8,
    DSVK_WIRE_R_INVALID_QUEUE_PRIORITY = -9,
    DSVK_WIRE_R_INVALID_MEMORY_QUEUE_PRIORITY = -10,
    DSVK_WIRE_R_INVALID_SOURCE_TYPE = -11,
    DSVK_WIRE_R_INVALID_DESTINATION_TYPE = -12,
    DSVK_WIRE_R_INVALID_DESTINATION_SIZE = -13,
    DSVK_WIRE_R_REQUEST_TOO_LARGE = -14,
    DSVK_WIRE_R_DECOMPRESSION = -15,
    DSVK_WIRE_R_UNSUPPORTED_FORMAT = -16,
    DSVK_WIRE_R_QUEUE_CLOSED = -17,
    DSVK_WIRE_R_INDEX_BOUND = -18,
    DSVK_WIRE_R_UNSUPPORTED = -19,
    DSVK_WIRE_R_DEVICE_LOST = -20,
    DSVK_WIRE_R_OUT_OF_DEVICE_MEMORY = -21,
    DSVK_WIRE_R_COMPRESSED_DATA_TOO_LARGE = -22,
    DSVK_WIRE_R_INVALID_FENCE = -23,
    DSVK_WIRE_R_INVALID_STATUS_ARRAY = -24,
    DSVK_WIRE_R_BUSY = -25,
    DSVK_WIRE_R_CANCELLED = -26,

    DSVK_WIRE_S_UNANSWERED = 0x7ffe0001, /* set by the PE side; unchanged = nobody served it */
    DSVK_WIRE_E_VERSION = -1000,         /* the shim speaks another version (in `version`) */
    DSVK_WIRE_E_OPCODE = -1001,          /* unknown opcode */
    DSVK_WIRE_E_ARGS = -1002,            /* argument block size, pointer or count rejected */
    DSVK_WIRE_E_NO_CORE = -1003,         /* libdsvk.so could not be loaded or lacks a symbol */
    DSVK_WIRE_E_NO_RUNTIME = -1004,      /* runtime creation failed, or HELLO not done */
    DSVK_WIRE_E_HANDLE = -1005,          /* unknown, stale or wrong-type handle */
};

/* --- LOCATE (any fd) --- */
typedef struct dsvk_wire_locate {
    uint32_t is_channel;           /* reply: 1 when the fd written to is this process's channel */
    uint32_t pid;                  /* reply: unix pid of the process */
    char path[DSVK_WIRE_PATH_MAX]; /* reply: unix path of this process's channel */
} dsvk_wire_locate;

/* --- HELLO / CONFIGURE --- */
enum {
    DSVK_WIRE_CFG_FORCE_MAPPING_LAYER = 1u << 0,
    DSVK_WIRE_CFG_DISABLE_BYPASS_IO = 1u << 1,
    DSVK_WIRE_CFG_DISABLE_TELEMETRY = 1u << 2,
    DSVK_WIRE_CFG_DISABLE_GPU_METACOMMAND = 1u << 3,
    DSVK_WIRE_CFG_DISABLE_GPU_DECOMPRESSION = 1u << 4,
    DSVK_WIRE_CFG_FORCE_FILE_BUFFERING = 1u << 5,
};

typedef struct dsvk_wire_config {
    uint32_t present;                  /* 0: no DStorageSetConfiguration call, use defaults */
    uint32_t num_submit_threads;       /* 0 = default */
    int32_t cpu_decompression_threads; /* 0 = default, -1 = disabled (custom queue) */
    uint32_t flags;                    /* DSVK_WIRE_CFG_* */
    uint32_t staging_size;             /* IDStorageFactory::SetStagingBufferSize; 0 = default */
    uint32_t reserved;
} dsvk_wire_config;

enum {
    DSVK_WIRE_CAP_GPU_DEVICES = 1u << 0, /* the core can bind queues to Vulkan devices */
};

typedef struct dsvk_wire_hello {
    dsvk_wire_config config;
    uint32_t caps; /* reply: DSVK_WIRE_CAP_* */
    uint32_t reserved;
    char core_version[32]; /* reply: dsvk_version() of the loaded core */
    char message[256];     /* reply: why the core or runtime is unavailable */
} dsvk_wire_hello;

/* --- files --- */
typedef struct dsvk_wire_file_open {
    uint64_t path;     /* PE address of a NUL-terminated unix path */
    uint32_t path_len; /* bytes, NUL excluded; < DSVK_WIRE_PATH_MAX */
    int32_t err_no;    /* reply: errno of a failed open */
    uint64_t handle;   /* reply */
} dsvk_wire_file_open;

typedef struct dsvk_wire_file_info {
    uint64_t handle;
    uint64_t size; /* reply fields */
    uint64_t device;
    uint64_t inode;
    int64_t mtime_ns;
    uint32_t block_size;
    uint32_t reserved;
} dsvk_wire_file_info;

/* FILE_CLOSE, STATUS_DESTROY, QUEUE_CLOSE: just a handle. */
typedef struct dsvk_wire_handle {
    uint64_t handle;
} dsvk_wire_handle;

/* --- status arrays --- */
typedef struct dsvk_wire_status_create {
    uint64_t storage; /* PE address of capacity int32_t elements, 4-byte aligned */
    uint32_t capacity;
    uint32_t reserved;
    uint64_t pe_object; /* the PE IDStorageStatusArray*, echoed in error records */
    char name[DSVK_WIRE_NAME_MAX];
    uint64_t handle; /* reply */
} dsvk_wire_status_create;

/* --- queues --- */
typedef struct dsvk_wire_queue_create {
    uint32_t source_type; /* 0 file, 1 memory */
    uint16_t capacity;
    int8_t priority;    /* -1 .. 2 */
    uint8_t has_device; /* device_uuid is valid */
    uint8_t device_uuid[16];
    uint64_t pe_queue; /* PE queue id, echoed in ERROR completions */
    char name[DSVK_WIRE_NAME_MAX];
    uint64_t handle;       /* reply */
    uint32_t bound_device; /* reply: 1 when the core bound the queue to a Vulkan device */
    uint32_t reserved;
} dsvk_wire_queue_create;

enum {
    DSVK_WIRE_SRC_FILE = 0,
    DSVK_WIRE_SRC_MEMORY = 1,
};

enum {
    DSVK_WIRE_DST_MEMORY = 0,
    DSVK_WIRE_DST_BUFFER = 1,
    DSVK_WIRE_DST_IMAGE_REGION = 2,
    DSVK_WIRE_DST_SUBRESOURCES = 3,
    DSVK_WIRE_DST_TILES = 4,
};

typedef struct dsvk_wire_footprint {
    uint64_t data_offset;
    uint32_t row_pitch;
    uint32_t width, height, depth;
    uint32_t aspect; /* VkImageAspectFlags */
    uint32_t mip_level;
    uint32_t array_layer;
    uint32_t reserved;
} dsvk_wire_footprint;

typedef struct dsvk_wire_destination {
    uint32_t type; /* DSVK_WIRE_DST_* */
    uint32_t reserved;
    union {
        struct {
            uint64_t address; /* PE memory */
            uint32_t size, reserved;
        } memory;
        struct {
            uint64_t buffer; /* VkBuffer */
            uint64_t offset;
            uint32_t size, reserved;
        } buffer;
        struct {
            uint64_t image; /* VkImage */
            uint32_t format, layout;
            dsvk_wire_footprint footprint;
            uint32_t box[6]; /* x, y, z, width, height, depth */
        } image_region;
        struct {
            uint64_t image;
            uint32_t format, layout;
            uint32_t count, reserved;
            uint64_t footprints; /* PE address of count dsvk_wire_footprint */
        } subresources;
        struct {
            uint64_t resource; /* VkImage or VkBuffer */
            uint32_t is_buffer, format, layout;
            uint32_t mip, layer, aspect;
            uint32_t x, y, z;
            uint32_t tiles_w, tiles_h, tiles_d;
            uint32_t tile_width, tile_height, tile_depth;
        } tiles;
    } u;
} dsvk_wire_destination;

typedef struct dsvk_wire_request {
    uint32_t source_type; /* DSVK_WIRE_SRC_* */
    uint8_t compression;  /* DSTORAGE_COMPRESSION_FORMAT */
    uint8_t reserved[3];
    uint64_t source; /* file handle, or PE address of the source bytes */
    uint64_t offset; /* file offset */
    uint32_t size;   /* source bytes */
    uint32_t uncompressed_size;
    uint64_t cancel_tag;
    uint64_t name; /* PE address of a NUL-terminated name, or 0 */
    dsvk_wire_destination destination;
} dsvk_wire_request;

enum {
    DSVK_WIRE_ENTRY_REQUEST = 0,
    DSVK_WIRE_ENTRY_STATUS = 1,
    DSVK_WIRE_ENTRY_SIGNAL = 2, /* ID3D12Fence::Signal on the PE completion thread */
    DSVK_WIRE_ENTRY_EVENT = 3,  /* SetEvent on the PE completion thread */
};

typedef struct dsvk_wire_entry {
    uint32_t kind; /* DSVK_WIRE_ENTRY_* */
    uint32_t reserved;
    union {
        dsvk_wire_request request;
        struct {
            uint64_t array; /* status array handle */
            uint32_t index, reserved;
        } status;
        struct {
            uint64_t target; /* PE ID3D12Fence* or HANDLE, echoed in the completion */
            uint64_t value;
        } signal;
    } u;
} dsvk_wire_entry;

enum {
    DSVK_WIRE_BATCH_SUBMIT = 1u << 0,
};

typedef struct dsvk_wire_queue_batch {
    uint64_t queue;    /* handle */
    uint64_t entries;  /* PE address of count dsvk_wire_entry */
    uint32_t count;    /* <= DSVK_WIRE_MAX_BATCH */
    uint32_t flags;    /* DSVK_WIRE_BATCH_* */
    uint32_t accepted; /* reply: entries the core took (the rest: queue closed) */
    uint32_t reserved;
} dsvk_wire_queue_batch;

typedef struct dsvk_wire_queue_cancel {
    uint64_t queue;
    uint64_t mask;
    uint64_t value;
} dsvk_wire_queue_cancel;

typedef struct dsvk_wire_queue_query {
    uint64_t queue;
    uint16_t empty_slots; /* reply */
    uint16_t requests_until_autosubmit;
    uint32_t reserved;
} dsvk_wire_queue_query;

enum {
    DSVK_WIRE_KIND_NONE = -1,
    DSVK_WIRE_KIND_REQUEST = 0,
    DSVK_WIRE_KIND_STATUS = 1,
    DSVK_WIRE_KIND_SIGNAL = 2,
};

typedef struct dsvk_wire_error_record {
    uint64_t queue;
    uint32_t failure_count; /* reply fields */
    int32_t result;
    int32_t kind; /* DSVK_WIRE_KIND_* */
    int32_t sys_errno;
    dsvk_wire_request request; /* source is 0 (the file may be gone), name is 0 */
    char request_name[DSVK_WIRE_NAME_MAX];
    char file_name[1024];  /* unix path of the request's file, "" for memory sources */
    uint64_t status_array; /* pe_object of the status array (kind STATUS) */
    uint32_t status_index;
    uint32_t reserved;
    uint64_t signal_value; /* kind SIGNAL */
} dsvk_wire_error_record;

enum {
    DSVK_WIRE_SUPPORT_GPU_OPTIMIZED = 0x1,
    DSVK_WIRE_SUPPORT_GPU_FALLBACK = 0x2,
    DSVK_WIRE_SUPPORT_CPU_FALLBACK = 0x4,
    DSVK_WIRE_SUPPORT_USES_COMPUTE_QUEUE = 0x8,
};

typedef struct dsvk_wire_compression_support {
    uint64_t queue;
    uint32_t format;  /* DSTORAGE_COMPRESSION_FORMAT */
    uint32_t support; /* reply: DSVK_WIRE_SUPPORT_* */
} dsvk_wire_compression_support;

/* --- custom decompression --- */
typedef struct dsvk_wire_custom_request {
    uint64_t id;
    uint8_t compression;
    uint8_t reserved[3];
    uint32_t flags; /* DSTORAGE_CUSTOM_DECOMPRESSION_FLAGS */
    uint64_t src_size;
    uint64_t src; /* address of the compressed bytes (core staging memory; the
                     one address space makes it readable from PE code) */
    uint64_t dst_size;
    uint64_t dst;
} dsvk_wire_custom_request;

typedef struct dsvk_wire_custom_get {
    uint32_t select;   /* 1 custom, 2 built-in, 3 all */
    uint32_t max;      /* <= DSVK_WIRE_MAX_CUSTOM */
    uint64_t requests; /* PE address of max dsvk_wire_custom_request */
    uint32_t count;    /* reply */
    uint32_t more;     /* reply: 1 when requests still wait (of any kind) */
    uint64_t arm_seq;  /* reply: CUSTOM_READY completions older than this are stale */
} dsvk_wire_custom_get;

typedef struct dsvk_wire_custom_result {
    uint64_t id;
    int32_t result; /* dsvk_wire_result */
    uint32_t reserved;
} dsvk_wire_custom_result;

typedef struct dsvk_wire_custom_set {
    uint64_t results; /* PE address of count dsvk_wire_custom_result */
    uint32_t count;   /* <= DSVK_WIRE_MAX_CUSTOM */
    uint32_t reserved;
} dsvk_wire_custom_set;

/* --- codec --- */
typedef struct dsvk_wire_codec {
    uint64_t in; /* PE addresses */
    uint64_t in_size;
    uint64_t out;
    uint64_t out_cap;
    int32_t level;     /* COMPRESS: 1..12 */
    uint32_t threads;  /* 0 = one per CPU */
    uint64_t out_size; /* reply: COMPRESS/DECOMPRESS bytes written; BOUND: the bound */
} dsvk_wire_codec;

/* --- completions (read side) --- */
enum {
    DSVK_WIRE_DONE_SIGNAL = 1,       /* target = ID3D12Fence*, value */
    DSVK_WIRE_DONE_EVENT = 2,        /* target = HANDLE */
    DSVK_WIRE_DONE_ERROR = 3,        /* target = pe_queue: a failure entered its record */
    DSVK_WIRE_DONE_CUSTOM_READY = 4, /* custom decompression requests wait to be taken;
                                        value = the arm sequence it was reported under */
};

typedef struct dsvk_wire_completion {
    uint32_t kind; /* DSVK_WIRE_DONE_* */
    uint32_t reserved;
    uint64_t target;
    uint64_t value;
} dsvk_wire_completion;

/* A COMPLETIONS read: the header, then up to this many records. The shim writes the record
 * count into header.status and returns sizeof header + count * sizeof record. */
#define DSVK_WIRE_MAX_COMPLETIONS 256u

/* A waiting COMPLETIONS read returns (with zero records) after this long at most. */
#define DSVK_WIRE_COMPLETION_WAIT_MS 250

#define DSVK_WIRE_ASSERT_SIZE(type, size)                                                          \
    _Static_assert(sizeof(type) == (size), #type " has another size than the wire says")
DSVK_WIRE_ASSERT_SIZE(dsvk_wire_header, 32);
DSVK_WIRE_ASSERT_SIZE(dsvk_wire_locate, 8 + DSVK_WIRE_PATH_MAX);
DSVK_WIRE_ASSERT_SIZE(dsvk_wire_config, 24);
DSVK_WIRE_ASSERT_SIZE(dsvk_wire_hello, 24 + 8 + 32 + 256);
DSVK_WIRE_ASSERT_SIZE(dsvk_wire_file_open, 24);
DSVK_WIRE_ASSERT_SIZE(dsvk_wire_file_info, 48);
DSVK_WIRE_ASSERT_SIZE(dsvk_wire_status_create, 24 + DSVK_WIRE_NAME_MAX + 8);
DSVK_WIRE_ASSERT_SIZE(dsvk_wire_queue_create, 32 + DSVK_WIRE_NAME_MAX + 16);
DSVK_WIRE_ASSERT_SIZE(dsvk_wire_footprint, 40);
DSVK_WIRE_ASSERT_SIZE(dsvk_wire_destination, 8 + 80);
DSVK_WIRE_ASSERT_SIZE(dsvk_wire_request, 48 + 88);
DSVK_WIRE_ASSERT_SIZE(dsvk_wire_entry, 8 + 136);
DSVK_WIRE_ASSERT_SIZE(dsvk_wire_queue_batch, 32);
DSVK_WIRE_ASSERT_SIZE(dsvk_wire_error_record, 24 + 136 + DSVK_WIRE_NAME_MAX + 1024 + 24);
DSVK_WIRE_ASSERT_SIZE(dsvk_wire_custom_request, 48);
DSVK_WIRE_ASSERT_SIZE(dsvk_wire_custom_get, 32);
DSVK_WIRE_ASSERT_SIZE(dsvk_wire_custom_result, 16);
DSVK_WIRE_ASSERT_SIZE(dsvk_wire_codec, 48);
DSVK_WIRE_ASSERT_SIZE(dsvk_wire_completion, 24);

#endif
