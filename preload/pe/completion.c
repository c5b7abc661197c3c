/*
 * The completion thread: blocks in ReadFile on the channel (served by the shim's pread,
 * which waits for completion records) and does the Win32 side of completions:
 * ID3D12Fence::Signal, SetEvent for EnqueueSetEvent, the queues' error events and the custom
 * decompression queue's event. Fence signals arrive in each queue's order because the core
 * calls back in that order and the shim keeps a FIFO.
 *
 * Lifetime: started by the first queue (or custom queue) and stopped when the last one is
 * closed: the stopping thread sets `stop`, sends WAKE so the blocked read returns, and waits
 * for the thread, which drains the records still queued before it exits (the core runs no
 * callback after a queue's close returns, so nothing arrives after that). The thread holds a
 * reference on this DLL and leaves with FreeLibraryAndExitThread, so FreeLibrary can never
 * unload code it runs. At process exit Windows has already ended it; DllMain does nothing.
 */
#include "pe.h"

static CRITICAL_SECTION lock;
static bool lock_ready;
static INIT_ONCE lock_once = INIT_ONCE_STATIC_INIT;
static LONG users;
static HANDLE thread;
static DWORD thread_id;

/* Per thread, so that a thread stopped from its own callback and a successor started right
 * after never share a stop flag. The thread frees it on exit. */
typedef struct thread_ctx {
    HMODULE self;
    volatile LONG stop;
} thread_ctx;
static thread_ctx *current;

static BOOL CALLBACK init_lock(PINIT_ONCE once, PVOID param, PVOID *ctx)
{
    (void)once;
    (void)param;
    (void)ctx;
    InitializeCriticalSection(&lock);
    lock_ready = true;
    return TRUE;
}

static void deliver(const dsvk_wire_completion *c)
{
    switch (c->kind) {
    case DSVK_WIRE_DONE_SIGNAL: {
        ID3D12Fence *fence = (ID3D12Fence *)(uintptr_t)c->target;
        HRESULT hr = fence->lpVtbl->Signal(fence, c->value);
        if (FAILED(hr))
            pe_log_warn("ID3D12Fence::Signal(%llu) failed: %#lx", (unsigned long long)c->value,
                        (unsigned long)hr);
        fence->lpVtbl->Release(fence); /* the reference EnqueueSignal took */
        break;
    }
    case DSVK_WIRE_DONE_EVENT:
        if (!SetEvent((HANDLE)(uintptr_t)c->target))
            pe_log_warn("SetEvent(%p) failed (error %lu)", (void *)(uintptr_t)c->target,
                        GetLastError());
        break;
    case DSVK_WIRE_DONE_ERROR: pe_queue_notify_error(c->target); break;
    case DSVK_WIRE_DONE_CUSTOM_READY: pe_custom_queue_notify(c->value); break;
    default: pe_log_warn("unknown completion kind %u", c->kind); break;
    }
}

static DWORD WINAPI completion_main(void *param)
{
    thread_ctx *ctx = param;
    HMODULE self = ctx->self;
    dsvk_wire_completion records[DSVK_WIRE_MAX_COMPLETIONS];
    unsigned failures = 0;
    for (;;) {
        int32_t n = pe_read_completions(records, DSVK_WIRE_MAX_COMPLETIONS);
        if (n < 0) {
            /* The channel broke (should not happen); do not spin. */
            if (++failures == 1)
                pe_log_error("completion channel read failed; fences may not be signalled");
            if (InterlockedCompareExchange(&ctx->stop, 0, 0))
                break;
            Sleep(50);
            continue;
        }
        for (int32_t i = 0; i < n; i++)
            deliver(&records[i]);
        if (n == 0 && InterlockedCompareExchange(&ctx->stop, 0, 0))
            break;
    }
    HeapFree(GetProcessHeap(), 0, ctx);
    FreeLibraryAndExitThread(self, 0);
    return 0;
}

HRESULT pe_completion_retain(void)
{
    InitOnceExecuteOnce(&lock_once, init_lock, NULL, NULL);
    EnterCriticalSection(&lock);
    HRESULT hr = S_OK;
    if (users++ == 0) {
        HMODULE self = NULL;
        /* The thread's own reference on this DLL. */
        if (!GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS,
                                (LPCWSTR)(void *)&completion_main, &self)) {
            hr = HRESULT_FROM_WIN32(GetLastError());
        } else {
            thread_ctx *ctx = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*ctx));
            if (ctx) {
                ctx->self = self;
                thread = CreateThread(NULL, 0, completion_main, ctx, 0, &thread_id);
            }
            if (!ctx || !thread) {
                hr = ctx ? HRESULT_FROM_WIN32(GetLastError()) : E_OUTOFMEMORY;
                HeapFree(GetProcessHeap(), 0, ctx);
                FreeLibrary(self);
            } else {
                current = ctx;
            }
        }
        if (FAILED(hr)) {
            users--;
            pe_log_error("cannot start the completion thread: %#lx", (unsigned long)hr);
        }
    }
    LeaveCriticalSection(&lock);
    return hr;
}

void pe_completion_release(void)
{
    InitOnceExecuteOnce(&lock_once, init_lock, NULL, NULL);
    EnterCriticalSection(&lock);
    if (users > 0 && --users == 0 && thread) {
        InterlockedExchange(&current->stop, 1); /* the thread may free ctx from here on */
        current = NULL;
        pe_call(DSVK_WIRE_OP_WAKE, NULL, 0);
        /* Closing a queue from a fence callback on this very thread: it exits on its own. */
        if (GetCurrentThreadId() != thread_id)
            WaitForSingleObject(thread, INFINITE);
        CloseHandle(thread);
        thread = NULL;
        thread_id = 0;
    }
    LeaveCriticalSection(&lock);
}

bool pe_on_completion_thread(void)
{
    return thread_id && GetCurrentThreadId() == thread_id;
}
