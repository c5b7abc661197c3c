/*
 * DirectStorage's ABI as dsvk implements it: types, constants, IIDs and COM interfaces in C,
 * written from the facts in DIRECTSTORAGE_ABI.md (§1.2-1.5), not from Microsoft's headers.
 * Sizes and offsets are asserted at the end. The test programs include this header too: they
 * call the API exactly as a game does.
 */
#ifndef DSVK_DSTORAGE_ABI_H
#define DSVK_DSTORAGE_ABI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <windows.h>
#include <d3d12.h>

/* --- constants and enums (underlying types as the ABI has them) --- */

typedef INT8 DSTORAGE_PRIORITY;
#define DSTORAGE_PRIORITY_LOW ((DSTORAGE_PRIORITY)-1)
#define DSTORAGE_PRIORITY_NORMAL ((DSTORAGE_PRIORITY)0)
#define DSTORAGE_PRIORITY_HIGH ((DSTORAGE_PRIORITY)1)
#define DSTORAGE_PRIORITY_REALTIME ((DSTORAGE_PRIORITY)2)

#define DSTORAGE_MIN_QUEUE_CAPACITY 0x80
#define DSTORAGE_MAX_QUEUE_CAPACITY 0x2000

typedef UINT64 DSTORAGE_REQUEST_SOURCE_TYPE;
#define DSTORAGE_REQUEST_SOURCE_FILE 0
#define DSTORAGE_REQUEST_SOURCE_MEMORY 1

typedef UINT64 DSTORAGE_REQUEST_DESTINATION_TYPE;
#define DSTORAGE_REQUEST_DESTINATION_MEMORY 0
#define DSTORAGE_REQUEST_DESTINATION_BUFFER 1
#define DSTORAGE_REQUEST_DESTINATION_TEXTURE_REGION 2
#define DSTORAGE_REQUEST_DESTINATION_MULTIPLE_SUBRESOURCES 3
#define DSTORAGE_REQUEST_DESTINATION_TILES 4
#define DSTORAGE_REQUEST_DESTINATION_MULTIPLE_SUBRESOURCES_RANGE 5

typedef UINT8 DSTORAGE_COMPRESSION_FORMAT;
#define DSTORAGE_COMPRESSION_FORMAT_NONE 0
#define DSTORAGE_COMPRESSION_FORMAT_GDEFLATE 1
#define DSTORAGE_CUSTOM_COMPRESSION_0 0x80

#define DSTORAGE_DEBUG_NONE 0
#define DSTORAGE_DEBUG_SHOW_ERRORS 1
#define DSTORAGE_DEBUG_BREAK_ON_ERROR 2
#define DSTORAGE_DEBUG_RECORD_OBJECT_NAMES 4

#define DSTORAGE_REQUEST_MAX_NAME 64

typedef INT32 DSTORAGE_COMMAND_TYPE;
#define DSTORAGE_COMMAND_TYPE_NONE (-1)
#define DSTORAGE_COMMAND_TYPE_REQUEST 0
#define DSTORAGE_COMMAND_TYPE_STATUS 1
#define DSTORAGE_COMMAND_TYPE_SIGNAL 2
#define DSTORAGE_COMMAND_TYPE_EVENT 3

#define DSTORAGE_STAGING_BUFFER_SIZE_0 0u
#define DSTORAGE_STAGING_BUFFER_SIZE_32MB (32u * 1048576u)

typedef UINT32 DSTORAGE_GET_REQUEST_FLAGS;
#define DSTORAGE_GET_REQUEST_FLAG_SELECT_CUSTOM 1u
#define DSTORAGE_GET_REQUEST_FLAG_SELECT_BUILTIN 2u
#define DSTORAGE_GET_REQUEST_FLAG_SELECT_ALL 3u

typedef UINT32 DSTORAGE_CUSTOM_DECOMPRESSION_FLAGS;
#define DSTORAGE_CUSTOM_DECOMPRESSION_FLAG_NONE 0u
#define DSTORAGE_CUSTOM_DECOMPRESSION_FLAG_DEST_IN_UPLOAD_HEAP 1u

typedef UINT32 DSTORAGE_COMPRESSION_SUPPORT;
#define DSTORAGE_COMPRESSION_SUPPORT_NONE 0u
#define DSTORAGE_COMPRESSION_SUPPORT_GPU_OPTIMIZED 0x1u
#define DSTORAGE_COMPRESSION_SUPPORT_GPU_FALLBACK 0x2u
#define DSTORAGE_COMPRESSION_SUPPORT_CPU_FALLBACK 0x4u
#define DSTORAGE_COMPRESSION_SUPPORT_USES_COMPUTE_QUEUE 0x8u
#define DSTORAGE_COMPRESSION_SUPPORT_USES_COPY_QUEUE 0x10u

typedef INT32 DSTORAGE_COMPRESSION;
#define DSTORAGE_COMPRESSION_FASTEST (-1)
#define DSTORAGE_COMPRESSION_DEFAULT 0
#define DSTORAGE_COMPRESSION_BEST_RATIO 1

typedef UINT32 DSTORAGE_ENQUEUE_REQUEST_FLAGS;
#define DSTORAGE_ENQUEUE_REQUEST_FLAG_NONE 0u
#define DSTORAGE_ENQUEUE_REQUEST_FLAG_FENCE_WAIT_BEFORE_GPU_WORK 1u
#define DSTORAGE_ENQUEUE_REQUEST_FLAG_FENCE_WAIT_BEFORE_SOURCE_ACCESS 2u

#define DSTORAGE_DISABLE_BUILTIN_CPU_DECOMPRESSION (-1)

/* --- HRESULTs (FACILITY_GAME) --- */
#define E_DSTORAGE_ALREADY_RUNNING ((HRESULT)0x89240001L)
#define E_DSTORAGE_NOT_RUNNING ((HRESULT)0x89240002L)
#define E_DSTORAGE_INVALID_QUEUE_CAPACITY ((HRESULT)0x89240003L)
#define E_DSTORAGE_END_OF_FILE ((HRESULT)0x89240007L)
#define E_DSTORAGE_REQUEST_TOO_LARGE ((HRESULT)0x89240008L)
#define E_DSTORAGE_ACCESS_VIOLATION ((HRESULT)0x89240009L)
#define E_DSTORAGE_FILE_NOT_OPEN ((HRESULT)0x8924000BL)
#define E_DSTORAGE_RESERVED_FIELDS ((HRESULT)0x8924000CL)
#define E_DSTORAGE_INVALID_DESTINATION_SIZE ((HRESULT)0x8924000FL)
#define E_DSTORAGE_QUEUE_CLOSED ((HRESULT)0x89240010L)
#define E_DSTORAGE_TOO_MANY_QUEUES ((HRESULT)0x89240012L)
#define E_DSTORAGE_INVALID_QUEUE_PRIORITY ((HRESULT)0x89240013L)
#define E_DSTORAGE_TOO_MANY_FILES ((HRESULT)0x89240014L)
#define E_DSTORAGE_INDEX_BOUND ((HRESULT)0x89240015L)
#define E_DSTORAGE_IO_TIMEOUT ((HRESULT)0x89240016L)
#define E_DSTORAGE_INVALID_FILE_HANDLE ((HRESULT)0x89240017L)
#define E_DSTORAGE_INVALID_FILE_OFFSET ((HRESULT)0x8924001AL)
#define E_DSTORAGE_INVALID_SOURCE_TYPE ((HRESULT)0x8924001BL)
#define E_DSTORAGE_STAGING_BUFFER_LOCKED ((HRESULT)0x8924001FL)
#define E_DSTORAGE_INVALID_STAGING_BUFFER_SIZE ((HRESULT)0x89240020L)
#define E_DSTORAGE_STAGING_BUFFER_TOO_SMALL ((HRESULT)0x89240021L)
#define E_DSTORAGE_INVALID_FENCE ((HRESULT)0x89240022L)
#define E_DSTORAGE_INVALID_STATUS_ARRAY ((HRESULT)0x89240023L)
#define E_DSTORAGE_INVALID_MEMORY_QUEUE_PRIORITY ((HRESULT)0x89240024L)
#define E_DSTORAGE_DECOMPRESSION_ERROR ((HRESULT)0x89240030L)
#define E_DSTORAGE_COMPRESSED_DATA_TOO_LARGE ((HRESULT)0x89240039L)
#define E_DSTORAGE_INVALID_DESTINATION_TYPE ((HRESULT)0x89240040L)
#define E_DSTORAGE_FILEBUFFERING_REQUIRES_DISABLED_BYPASSIO ((HRESULT)0x89240041L)

/* --- structures --- */

typedef struct DSTORAGE_REQUEST_OPTIONS {
    DSTORAGE_COMPRESSION_FORMAT CompressionFormat;
    UINT8 Reserved1[7];
    /* One UINT64 unit, LSB first (MS bitfield rules; mingw's default). */
    UINT64 SourceType : 1;
    UINT64 DestinationType : 7;
    UINT64 Reserved : 48;
} DSTORAGE_REQUEST_OPTIONS;

typedef struct IDStorageFile IDStorageFile;
typedef struct IDStorageStatusArray IDStorageStatusArray;

typedef struct DSTORAGE_SOURCE_MEMORY {
    const void *Source;
    UINT32 Size;
} DSTORAGE_SOURCE_MEMORY;

typedef struct DSTORAGE_SOURCE_FILE {
    IDStorageFile *Source;
    UINT64 Offset;
    UINT32 Size;
} DSTORAGE_SOURCE_FILE;

typedef union DSTORAGE_SOURCE {
    DSTORAGE_SOURCE_MEMORY Memory;
    DSTORAGE_SOURCE_FILE File;
} DSTORAGE_SOURCE;

typedef struct DSTORAGE_DESTINATION_MEMORY {
    void *Buffer;
    UINT32 Size;
} DSTORAGE_DESTINATION_MEMORY;

typedef struct DSTORAGE_DESTINATION_BUFFER {
    ID3D12Resource *Resource;
    UINT64 Offset;
    UINT32 Size;
} DSTORAGE_DESTINATION_BUFFER;

typedef struct DSTORAGE_DESTINATION_TEXTURE_REGION {
    ID3D12Resource *Resource;
    UINT SubresourceIndex;
    D3D12_BOX Region;
} DSTORAGE_DESTINATION_TEXTURE_REGION;

typedef struct DSTORAGE_DESTINATION_MULTIPLE_SUBRESOURCES {
    ID3D12Resource *Resource;
    UINT FirstSubresource;
} DSTORAGE_DESTINATION_MULTIPLE_SUBRESOURCES;

typedef struct DSTORAGE_DESTINATION_TILES {
    ID3D12Resource *Resource;
    D3D12_TILED_RESOURCE_COORDINATE TiledRegionStartCoordinate;
    D3D12_TILE_REGION_SIZE TileRegionSize;
} DSTORAGE_DESTINATION_TILES;

typedef struct DSTORAGE_DESTINATION_MULTIPLE_SUBRESOURCES_RANGE {
    ID3D12Resource *Resource;
    UINT FirstSubresource;
    UINT NumSubresources;
} DSTORAGE_DESTINATION_MULTIPLE_SUBRESOURCES_RANGE;

typedef union DSTORAGE_DESTINATION {
    DSTORAGE_DESTINATION_MEMORY Memory;
    DSTORAGE_DESTINATION_BUFFER Buffer;
    DSTORAGE_DESTINATION_TEXTURE_REGION Texture;
    DSTORAGE_DESTINATION_MULTIPLE_SUBRESOURCES MultipleSubresources;
    DSTORAGE_DESTINATION_TILES Tiles;
    DSTORAGE_DESTINATION_MULTIPLE_SUBRESOURCES_RANGE MultipleSubresourcesRange;
} DSTORAGE_DESTINATION;

typedef struct DSTORAGE_REQUEST {
    DSTORAGE_REQUEST_OPTIONS Options;
    DSTORAGE_SOURCE Source;
    DSTORAGE_DESTINATION Destination;
    UINT32 UncompressedSize;
    UINT64 CancellationTag;
    const CHAR *Name;
} DSTORAGE_REQUEST;

typedef struct DSTORAGE_QUEUE_DESC {
    DSTORAGE_REQUEST_SOURCE_TYPE SourceType;
    UINT16 Capacity;
    DSTORAGE_PRIORITY Priority;
    const CHAR *Name;
    ID3D12Device *Device;
} DSTORAGE_QUEUE_DESC;

typedef struct DSTORAGE_QUEUE_INFO {
    DSTORAGE_QUEUE_DESC Desc;
    UINT16 EmptySlotCount;
    UINT16 RequestCountUntilAutoSubmit;
} DSTORAGE_QUEUE_INFO;

typedef struct DSTORAGE_ERROR_PARAMETERS_REQUEST {
    WCHAR Filename[MAX_PATH];
    CHAR RequestName[DSTORAGE_REQUEST_MAX_NAME];
    DSTORAGE_REQUEST Request;
} DSTORAGE_ERROR_PARAMETERS_REQUEST;

/* The 1.0 header's layout: RequestName was CHAR[MAX_PATH]. */
typedef struct DSTORAGE_ERROR_PARAMETERS_REQUEST_1_0 {
    WCHAR Filename[MAX_PATH];
    CHAR RequestName[MAX_PATH];
    DSTORAGE_REQUEST Request;
} DSTORAGE_ERROR_PARAMETERS_REQUEST_1_0;

typedef struct DSTORAGE_ERROR_PARAMETERS_STATUS {
    IDStorageStatusArray *StatusArray;
    UINT32 Index;
} DSTORAGE_ERROR_PARAMETERS_STATUS;

typedef struct DSTORAGE_ERROR_PARAMETERS_SIGNAL {
    ID3D12Fence *Fence;
    UINT64 Value;
} DSTORAGE_ERROR_PARAMETERS_SIGNAL;

typedef struct DSTORAGE_ERROR_PARAMETERS_EVENT {
    HANDLE Handle;
} DSTORAGE_ERROR_PARAMETERS_EVENT;

typedef struct DSTORAGE_ERROR_FIRST_FAILURE {
    HRESULT HResult;
    DSTORAGE_COMMAND_TYPE CommandType;
    union {
        DSTORAGE_ERROR_PARAMETERS_REQUEST Request;
        DSTORAGE_ERROR_PARAMETERS_STATUS Status;
        DSTORAGE_ERROR_PARAMETERS_SIGNAL Signal;
        DSTORAGE_ERROR_PARAMETERS_EVENT Event;
    };
} DSTORAGE_ERROR_FIRST_FAILURE;

typedef struct DSTORAGE_ERROR_RECORD {
    UINT32 FailureCount;
    DSTORAGE_ERROR_FIRST_FAILURE FirstFailure;
} DSTORAGE_ERROR_RECORD;

typedef struct DSTORAGE_ERROR_FIRST_FAILURE_1_0 {
    HRESULT HResult;
    DSTORAGE_COMMAND_TYPE CommandType;
    union {
        DSTORAGE_ERROR_PARAMETERS_REQUEST_1_0 Request;
        DSTORAGE_ERROR_PARAMETERS_STATUS Status;
        DSTORAGE_ERROR_PARAMETERS_SIGNAL Signal;
    };
} DSTORAGE_ERROR_FIRST_FAILURE_1_0;

typedef struct DSTORAGE_ERROR_RECORD_1_0 {
    UINT32 FailureCount;
    DSTORAGE_ERROR_FIRST_FAILURE_1_0 FirstFailure;
} DSTORAGE_ERROR_RECORD_1_0;

typedef struct DSTORAGE_CUSTOM_DECOMPRESSION_REQUEST {
    UINT64 Id;
    DSTORAGE_COMPRESSION_FORMAT CompressionFormat;
    UINT8 Reserved[3];
    DSTORAGE_CUSTOM_DECOMPRESSION_FLAGS Flags;
    UINT64 SrcSize;
    const void *SrcBuffer;
    UINT64 DstSize;
    void *DstBuffer;
} DSTORAGE_CUSTOM_DECOMPRESSION_REQUEST;

typedef struct DSTORAGE_CUSTOM_DECOMPRESSION_RESULT {
    UINT64 Id;
    HRESULT Result;
} DSTORAGE_CUSTOM_DECOMPRESSION_RESULT;

/* 1.0 layout (16 bytes). */
typedef struct DSTORAGE_CONFIGURATION_1_0 {
    UINT32 NumSubmitThreads;
    BOOL ForceMappingLayer;
    BOOL DisableBypassIO;
    BOOL DisableTelemetry;
} DSTORAGE_CONFIGURATION_1_0;

/* 1.1+ layout (28 bytes). */
typedef struct DSTORAGE_CONFIGURATION {
    UINT32 NumSubmitThreads;
    INT32 NumBuiltInCpuDecompressionThreads;
    BOOL ForceMappingLayer;
    BOOL DisableBypassIO;
    BOOL DisableTelemetry;
    BOOL DisableGpuDecompressionMetacommand;
    BOOL DisableGpuDecompression;
} DSTORAGE_CONFIGURATION;

/* 1.2+ (32 bytes). */
typedef struct DSTORAGE_CONFIGURATION1 {
    UINT32 NumSubmitThreads;
    INT32 NumBuiltInCpuDecompressionThreads;
    BOOL ForceMappingLayer;
    BOOL DisableBypassIO;
    BOOL DisableTelemetry;
    BOOL DisableGpuDecompressionMetacommand;
    BOOL DisableGpuDecompression;
    BOOL ForceFileBuffering;
} DSTORAGE_CONFIGURATION1;

/* --- IIDs (dstorage_guids.c) --- */
extern const IID IID_IDStorageFile;
extern const IID IID_IDStorageCustomDecompressionQueue;
extern const IID IID_IDStorageCustomDecompressionQueue1;
extern const IID IID_IDStorageFactory;
extern const IID IID_IDStorageStatusArray;
extern const IID IID_IDStorageQueue;
extern const IID IID_IDStorageQueue1;
extern const IID IID_IDStorageQueue2;
extern const IID IID_IDStorageQueue3;
extern const IID IID_IDStorageCompressionCodec;

/* --- interfaces: vtables in slot order --- */

#define DSVK_IUNKNOWN_SLOTS(T)                                                                     \
    HRESULT(STDMETHODCALLTYPE *QueryInterface)(T * This, REFIID riid, void **ppv);                 \
    ULONG(STDMETHODCALLTYPE *AddRef)(T * This);                                                    \
    ULONG(STDMETHODCALLTYPE *Release)(T * This);

typedef struct IDStorageFileVtbl {
    DSVK_IUNKNOWN_SLOTS(IDStorageFile)
    void(STDMETHODCALLTYPE *Close)(IDStorageFile *This);
    HRESULT(STDMETHODCALLTYPE *GetFileInformation)
    (IDStorageFile *This, BY_HANDLE_FILE_INFORMATION *info);
} IDStorageFileVtbl;
struct IDStorageFile {
    const IDStorageFileVtbl *lpVtbl;
};

typedef struct IDStorageCustomDecompressionQueue1 IDStorageCustomDecompressionQueue1;
typedef IDStorageCustomDecompressionQueue1 IDStorageCustomDecompressionQueue;
typedef struct IDStorageCustomDecompressionQueue1Vtbl {
    DSVK_IUNKNOWN_SLOTS(IDStorageCustomDecompressionQueue1)
    HANDLE(STDMETHODCALLTYPE *GetEvent)(IDStorageCustomDecompressionQueue1 *This);
    HRESULT(STDMETHODCALLTYPE *GetRequests)
    (IDStorageCustomDecompressionQueue1 *This, UINT32 maxRequests,
     DSTORAGE_CUSTOM_DECOMPRESSION_REQUEST *requests, UINT32 *numRequests);
    HRESULT(STDMETHODCALLTYPE *SetRequestResults)
    (IDStorageCustomDecompressionQueue1 *This, UINT32 numResults,
     DSTORAGE_CUSTOM_DECOMPRESSION_RESULT *results);
    /* IDStorageCustomDecompressionQueue1 (1.1) */
    HRESULT(STDMETHODCALLTYPE *GetRequests1)
    (IDStorageCustomDecompressionQueue1 *This, DSTORAGE_GET_REQUEST_FLAGS flags, UINT32 maxRequests,
     DSTORAGE_CUSTOM_DECOMPRESSION_REQUEST *requests, UINT32 *numRequests);
} IDStorageCustomDecompressionQueue1Vtbl;
struct IDStorageCustomDecompressionQueue1 {
    const IDStorageCustomDecompressionQueue1Vtbl *lpVtbl;
};

typedef struct IDStorageFactory IDStorageFactory;
typedef struct IDStorageFactoryVtbl {
    DSVK_IUNKNOWN_SLOTS(IDStorageFactory)
    HRESULT(STDMETHODCALLTYPE *CreateQueue)
    (IDStorageFactory *This, const DSTORAGE_QUEUE_DESC *desc, REFIID riid, void **ppv);
    HRESULT(STDMETHODCALLTYPE *OpenFile)
    (IDStorageFactory *This, const WCHAR *path, REFIID riid, void **ppv);
    HRESULT(STDMETHODCALLTYPE *CreateStatusArray)
    (IDStorageFactory *This, UINT32 capacity, PCSTR name, REFIID riid, void **ppv);
    void(STDMETHODCALLTYPE *SetDebugFlags)(IDStorageFactory *This, UINT32 flags);
    HRESULT(STDMETHODCALLTYPE *SetStagingBufferSize)(IDStorageFactory *This, UINT32 size);
} IDStorageFactoryVtbl;
struct IDStorageFactory {
    const IDStorageFactoryVtbl *lpVtbl;
};

typedef struct IDStorageStatusArrayVtbl {
    DSVK_IUNKNOWN_SLOTS(IDStorageStatusArray)
    bool(STDMETHODCALLTYPE *IsComplete)(IDStorageStatusArray *This, UINT32 index);
    HRESULT(STDMETHODCALLTYPE *GetHResult)(IDStorageStatusArray *This, UINT32 index);
} IDStorageStatusArrayVtbl;
struct IDStorageStatusArray {
    const IDStorageStatusArrayVtbl *lpVtbl;
};

/* IDStorageQueue, …1, …2 and …3 share one vtable prefix; one object answers all four. */
typedef struct IDStorageQueue3 IDStorageQueue3;
typedef IDStorageQueue3 IDStorageQueue;
typedef IDStorageQueue3 IDStorageQueue1;
typedef IDStorageQueue3 IDStorageQueue2;
typedef struct IDStorageQueue3Vtbl {
    DSVK_IUNKNOWN_SLOTS(IDStorageQueue3)
    void(STDMETHODCALLTYPE *EnqueueRequest)(IDStorageQueue3 *This, const DSTORAGE_REQUEST *request);
    void(STDMETHODCALLTYPE *EnqueueStatus)(IDStorageQueue3 *This, IDStorageStatusArray *array,
                                           UINT32 index);
    void(STDMETHODCALLTYPE *EnqueueSignal)(IDStorageQueue3 *This, ID3D12Fence *fence, UINT64 value);
    void(STDMETHODCALLTYPE *Submit)(IDStorageQueue3 *This);
    void(STDMETHODCALLTYPE *CancelRequestsWithTag)(IDStorageQueue3 *This, UINT64 mask,
                                                   UINT64 value);
    void(STDMETHODCALLTYPE *Close)(IDStorageQueue3 *This);
    HANDLE(STDMETHODCALLTYPE *GetErrorEvent)(IDStorageQueue3 *This);
    void(STDMETHODCALLTYPE *RetrieveErrorRecord)(IDStorageQueue3 *This,
                                                 DSTORAGE_ERROR_RECORD *record);
    void(STDMETHODCALLTYPE *Query)(IDStorageQueue3 *This, DSTORAGE_QUEUE_INFO *info);
    /* IDStorageQueue1 (1.1) */
    void(STDMETHODCALLTYPE *EnqueueSetEvent)(IDStorageQueue3 *This, HANDLE handle);
    /* IDStorageQueue2 (1.2) */
    DSTORAGE_COMPRESSION_SUPPORT(STDMETHODCALLTYPE *GetCompressionSupport)
    (IDStorageQueue3 *This, DSTORAGE_COMPRESSION_FORMAT format);
    /* IDStorageQueue3 (1.3) */
    void(STDMETHODCALLTYPE *EnqueueRequests)(IDStorageQueue3 *This,
                                             const DSTORAGE_REQUEST *requests, UINT numRequests,
                                             ID3D12Fence *fence, UINT64 value,
                                             DSTORAGE_ENQUEUE_REQUEST_FLAGS flags);
} IDStorageQueue3Vtbl;
struct IDStorageQueue3 {
    const IDStorageQueue3Vtbl *lpVtbl;
};

typedef struct IDStorageCompressionCodec IDStorageCompressionCodec;
typedef struct IDStorageCompressionCodecVtbl {
    DSVK_IUNKNOWN_SLOTS(IDStorageCompressionCodec)
    HRESULT(STDMETHODCALLTYPE *CompressBuffer)
    (IDStorageCompressionCodec *This, const void *uncompressedData, size_t uncompressedDataSize,
     DSTORAGE_COMPRESSION compressionSetting, void *compressedBuffer, size_t compressedBufferSize,
     size_t *compressedDataSize);
    HRESULT(STDMETHODCALLTYPE *DecompressBuffer)
    (IDStorageCompressionCodec *This, const void *compressedData, size_t compressedDataSize,
     void *uncompressedBuffer, size_t uncompressedBufferSize, size_t *uncompressedDataSize);
    size_t(STDMETHODCALLTYPE *CompressBufferBound)(IDStorageCompressionCodec *This,
                                                   size_t uncompressedDataSize);
} IDStorageCompressionCodecVtbl;
struct IDStorageCompressionCodec {
    const IDStorageCompressionCodecVtbl *lpVtbl;
};

/* --- exported functions --- */
typedef HRESULT(WINAPI *PFN_DStorageGetFactory)(REFIID riid, void **ppv);
typedef HRESULT(WINAPI *PFN_DStorageSetConfiguration)(const DSTORAGE_CONFIGURATION *config);
typedef HRESULT(WINAPI *PFN_DStorageSetConfiguration1)(const DSTORAGE_CONFIGURATION1 *config);
typedef HRESULT(WINAPI *PFN_DStorageCreateCompressionCodec)(DSTORAGE_COMPRESSION_FORMAT format,
                                                            UINT32 numThreads, REFIID riid,
                                                            void **ppv);

/* --- layout checks (x64) --- */
#define DSVK_ABI_SIZE(t, n) _Static_assert(sizeof(t) == (n), "sizeof " #t)
#define DSVK_ABI_OFFSET(t, m, n) _Static_assert(offsetof(t, m) == (n), "offsetof " #t "." #m)
DSVK_ABI_SIZE(DSTORAGE_REQUEST_OPTIONS, 16);
DSVK_ABI_SIZE(DSTORAGE_SOURCE, 24);
DSVK_ABI_SIZE(DSTORAGE_DESTINATION, 40);
DSVK_ABI_SIZE(DSTORAGE_REQUEST, 104);
DSVK_ABI_OFFSET(DSTORAGE_REQUEST, Source, 16);
DSVK_ABI_OFFSET(DSTORAGE_REQUEST, Destination, 40);
DSVK_ABI_OFFSET(DSTORAGE_REQUEST, UncompressedSize, 80);
DSVK_ABI_OFFSET(DSTORAGE_REQUEST, CancellationTag, 88);
DSVK_ABI_OFFSET(DSTORAGE_REQUEST, Name, 96);
DSVK_ABI_OFFSET(DSTORAGE_DESTINATION_TEXTURE_REGION, Region, 12);
DSVK_ABI_OFFSET(DSTORAGE_DESTINATION_TILES, TileRegionSize, 24);
DSVK_ABI_SIZE(DSTORAGE_QUEUE_DESC, 32);
DSVK_ABI_OFFSET(DSTORAGE_QUEUE_DESC, Priority, 10);
DSVK_ABI_OFFSET(DSTORAGE_QUEUE_DESC, Name, 16);
DSVK_ABI_SIZE(DSTORAGE_QUEUE_INFO, 40);
DSVK_ABI_OFFSET(DSTORAGE_QUEUE_INFO, EmptySlotCount, 32);
DSVK_ABI_SIZE(DSTORAGE_ERROR_PARAMETERS_REQUEST, 688);
DSVK_ABI_OFFSET(DSTORAGE_ERROR_PARAMETERS_REQUEST, Request, 584);
DSVK_ABI_SIZE(DSTORAGE_ERROR_PARAMETERS_REQUEST_1_0, 888);
DSVK_ABI_SIZE(DSTORAGE_ERROR_FIRST_FAILURE, 696);
DSVK_ABI_SIZE(DSTORAGE_ERROR_RECORD, 704);
DSVK_ABI_OFFSET(DSTORAGE_ERROR_RECORD, FirstFailure, 8);
DSVK_ABI_SIZE(DSTORAGE_ERROR_RECORD_1_0, 904);
DSVK_ABI_SIZE(DSTORAGE_CUSTOM_DECOMPRESSION_REQUEST, 48);
DSVK_ABI_OFFSET(DSTORAGE_CUSTOM_DECOMPRESSION_REQUEST, Flags, 12);
DSVK_ABI_OFFSET(DSTORAGE_CUSTOM_DECOMPRESSION_REQUEST, DstBuffer, 40);
DSVK_ABI_SIZE(DSTORAGE_CUSTOM_DECOMPRESSION_RESULT, 16);
DSVK_ABI_SIZE(DSTORAGE_CONFIGURATION_1_0, 16);
DSVK_ABI_SIZE(DSTORAGE_CONFIGURATION, 28);
DSVK_ABI_SIZE(DSTORAGE_CONFIGURATION1, 32);

#endif
