/*
 * dstorage.dll internals: the channel to libdsvk_preload.so, the completion thread, the COM
 * objects, and the translation of DirectStorage requests into wire entries.
 */
#ifndef DSVK_PE_H
#define DSVK_PE_H

#include "dstorage_abi.h"
#include "../wire/dsvk_wire.h"

/* --- log.c: one line each to OutputDebugString and stderr, "dsvk: ..." --- */
void pe_log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pe_log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pe_log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* --- hresult.c --- */
HRESULT pe_hresult(int32_t wire_result);   /* wire/core result or transport status */
int32_t pe_wire_result_of(HRESULT hr);     /* for custom decompression results */
HRESULT pe_hresult_from_errno(int err_no); /* a failed open */

/* --- channel.c --- */
/* Finds and opens this process's channel (LOCATE). S_OK, or an error logged once. */
HRESULT pe_channel_open(void);
/* pe_channel_open + HELLO: the core loaded, the runtime created with the configuration. */
HRESULT pe_runtime_start(void);
bool pe_runtime_started(void);
/* One call: returns the header status (a wire result or transport status). */
int32_t pe_call(uint32_t opcode, void *args, uint32_t args_size);
/* The completion thread's blocking read; returns the record count (or < 0). */
int32_t pe_read_completions(dsvk_wire_completion *out, uint32_t max);
void pe_channel_close(void);
/* Unix path <-> DOS path through kernel32's Wine exports; NULL when unavailable. Free with
 * HeapFree(GetProcessHeap()). */
char *pe_unix_path(const WCHAR *dos_path);
WCHAR *pe_dos_path(const char *unix_path);

/* --- config.c: DStorageSetConfiguration state --- */
void pe_config_get(dsvk_wire_config *out);
void pe_config_set_staging(UINT32 size);
bool pe_sdk_is_1_0(void); /* the game was built against DirectStorage 1.0 (layouts differ) */

/* --- completion.c: the thread that signals fences and events --- */
HRESULT pe_completion_retain(void); /* a queue or custom queue needs completions */
void pe_completion_release(void);
bool pe_on_completion_thread(void);

/* --- objects --- */
HRESULT pe_factory_get(REFIID riid, void **ppv);
HRESULT pe_queue_create(const DSTORAGE_QUEUE_DESC *desc, REFIID riid, void **ppv);
HRESULT pe_file_open(const WCHAR *path, REFIID riid, void **ppv);
HRESULT pe_status_array_create(UINT32 capacity, PCSTR name, REFIID riid, void **ppv);
HRESULT pe_custom_queue_get(REFIID riid, void **ppv);
HRESULT pe_codec_create(DSTORAGE_COMPRESSION_FORMAT format, UINT32 threads, REFIID riid,
                        void **ppv);

/* file.c: the unix handle of an IDStorageFile of ours (0 for foreign or closed objects). */
uint64_t pe_file_handle(IDStorageFile *file);
/* status_array.c */
uint64_t pe_status_array_handle(IDStorageStatusArray *array);
void pe_status_array_mark_pending(IDStorageStatusArray *array, UINT32 index);

/* queue.c: completion-thread hooks. */
void pe_queue_notify_error(uint64_t queue_id);
/* custom_queue.c */
void pe_custom_queue_notify(uint64_t arm_seq);

/* --- d3d12_dest.c: GPU destinations through vkd3d-proton's interop interface --- */
typedef struct pe_device {
    ID3D12Device *device;
    void *interop; /* ID3D12DXVKInteropDevice1*, NULL without vkd3d-proton */
    bool has_uuid;
    uint8_t uuid[16]; /* VkPhysicalDeviceIDProperties.deviceUUID */
} pe_device;
void pe_device_init(pe_device *d, ID3D12Device *device);
void pe_device_release(pe_device *d);
/* Fills the destination of a GPU request; footprints for SUBRESOURCES go to *footprints
 * (HeapAlloc'd, owned by the caller until the batch crossed). false: leave the destination
 * untranslated (the core then rejects it with INVALID_DESTINATION_TYPE). */
bool pe_translate_gpu_destination(pe_device *d, const DSTORAGE_REQUEST *req,
                                  dsvk_wire_destination *out, dsvk_wire_footprint **footprints);

/* --- COM helpers --- */
static inline bool pe_iid_is(REFIID a, const IID *b)
{
    return IsEqualGUID(a, b);
}

#endif
