/*
 * Support for the PE test programs: they use DirectStorage exactly as a game does (the
 * import library of dstorage.dll, IIDs, COM calls through vtables) and report with
 * CHECK lines. A program exits 0 only when every check passed.
 */
#ifndef DSVK_WINE_TEST_H
#define DSVK_WINE_TEST_H

#include <stdarg.h>
#include <stdio.h>

#include "dstorage_abi.h"

/* Imported from dstorage.dll, as a game links dstorage.lib. */
__declspec(dllimport) HRESULT WINAPI DStorageGetFactory(REFIID riid, void **ppv);
__declspec(dllimport) HRESULT WINAPI DStorageSetConfiguration(const DSTORAGE_CONFIGURATION *c);
__declspec(dllimport) HRESULT WINAPI DStorageSetConfiguration1(const DSTORAGE_CONFIGURATION1 *c);
__declspec(dllimport) HRESULT WINAPI
    DStorageCreateCompressionCodec(DSTORAGE_COMPRESSION_FORMAT f, UINT32 threads, REFIID riid,
                                   void **ppv);

extern int wt_failures;
extern int wt_checks;

/* Records one check; prints a FAIL line (with the printf-style message) when !ok. */
bool wt_report(bool ok, const char *file, int line, const char *expr, const char *fmt, ...)
    __attribute__((format(__MINGW_PRINTF_FORMAT, 5, 6)));

#define CHECK(cond, ...) wt_report((cond), __FILE__, __LINE__, #cond, __VA_ARGS__)

#define CHECK_HR(expr, expected)                                                                   \
    do {                                                                                           \
        HRESULT wt_hr_ = (expr);                                                                   \
        wt_report(wt_hr_ == (HRESULT)(expected), __FILE__, __LINE__, #expr,                        \
                  "= %#lx, expected %#lx", (unsigned long)wt_hr_,                                  \
                  (unsigned long)(HRESULT)(expected));                                             \
    } while (0)

/* Stops the program at once (a failure that makes the rest meaningless). cond is
 * evaluated once. */
#define REQUIRE(cond, ...)                                                                         \
    do {                                                                                           \
        if (!wt_report((cond), __FILE__, __LINE__, #cond, __VA_ARGS__))                            \
            wt_exit();                                                                             \
    } while (0)

void wt_begin(const char *name);
int wt_end(void); /* prints the summary; the process exit code */
void wt_exit(void) __attribute__((noreturn));

/* The factory through DStorageGetFactory; REQUIREs success (and so that ours is loaded). */
IDStorageFactory *wt_factory(void);

/* Files next to the test program ("the game's folder"). */
void wt_path(WCHAR *out, size_t n, const WCHAR *name);
void wt_write_file(const WCHAR *name, const void *data, size_t size);
/* Deterministic test bytes: byte i of stream `seed`. */
void wt_fill(uint8_t *buf, size_t size, uint32_t seed, uint64_t offset);
/* The whole content of a file (malloc'd), NULL if it cannot be read. */
void *wt_read_whole(const WCHAR *path, size_t *size);
/* The vectors folder (DSVK_VECTORS, a unix path) as a DOS path; REQUIREs it. */
void wt_vectors_dir(WCHAR *out, size_t n);

/* Waits until the status array element completes or the timeout (ms) passes. */
bool wt_wait_status(IDStorageStatusArray *a, UINT32 index, DWORD timeout_ms);

/* A minimal ID3D12Fence of our own, as a game's fence would behave: Signal records every
 * value in arrival order and sets events registered with SetEventOnCompletion. */
typedef struct wt_fence wt_fence;
wt_fence *wt_fence_create(void);
ID3D12Fence *wt_fence_iface(wt_fence *f);
UINT64 wt_fence_value(wt_fence *f);
/* Copies up to max signalled values (in order); returns how many there were. */
uint32_t wt_fence_history(wt_fence *f, UINT64 *out, uint32_t max);
/* Waits until the fence reaches value; false on timeout. */
bool wt_fence_wait(wt_fence *f, UINT64 value, DWORD timeout_ms);
LONG wt_fence_refs(wt_fence *f);

#endif
