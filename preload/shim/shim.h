/*
 * libdsvk_preload.so internals. The shim is libc-only: it links nothing but libc (and
 * libdl/libpthread, which are libc on glibc 2.34+), so it is harmless in every process of a
 * launch; the core is dlopen()ed on the first channel message.
 */
#ifndef DSVK_SHIM_H
#define DSVK_SHIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../wire/dsvk_wire.h"

#define SHIM_EXPORT __attribute__((visibility("default")))

/* log.c: "dsvk-preload: ..." on stderr (DSVK_LOG level rules; errors always). */
void shim_log_init(void);
void shim_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void shim_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void shim_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void shim_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* detect.c: whether this process is a Wine process the shim serves. */
typedef enum shim_process_kind {
    SHIM_PROCESS_OTHER = 0,  /* not Wine: stay inert */
    SHIM_PROCESS_WINESERVER, /* Wine's server: stay inert */
    SHIM_PROCESS_WINE,       /* a Wine loader/preloader: serve */
} shim_process_kind;
shim_process_kind shim_classify_exe(const char *exe_path);
shim_process_kind shim_detect_process(void);

/* setup.c: constructor work (environment, channel file) and the channel's identity. */
extern bool shim_active; /* true once the channel exists in a Wine process */
extern dev_t shim_channel_dev;
extern ino_t shim_channel_ino;
extern char shim_channel_path[DSVK_WIRE_PATH_MAX];
extern char shim_self_dir[DSVK_WIRE_PATH_MAX]; /* directory of libdsvk_preload.so */

/* env.c: pure string helpers for the constructor (tested natively). */
/* Appends `dir` to a ':'-separated list unless it is there; returns a malloc'd string. */
char *shim_path_list_append(const char *list, const char *dir);
/* Adds "dstorage=b" to a WINEDLLOVERRIDES value unless dstorage is already mentioned;
 * returns a malloc'd string, or NULL when nothing changes (the user's choice stands). */
char *shim_overrides_add(const char *overrides);

/* libc.c: the real functions behind the interposed ones. */
typedef struct shim_libc {
    ssize_t (*write)(int, const void *, size_t);
    ssize_t (*pwrite)(int, const void *, size_t, off_t);
    ssize_t (*pwrite64)(int, const void *, size_t, off_t);
    ssize_t (*read)(int, void *, size_t);
    ssize_t (*pread)(int, void *, size_t, off_t);
    ssize_t (*pread64)(int, void *, size_t, off_t);
    int (*close)(int);
    int (*dup2)(int, int);
    int (*dup3)(int, int, int);
} shim_libc;
extern shim_libc shim_real;
void shim_libc_resolve(void);
void *shim_next_symbol(const char *name); /* dlsym(RTLD_NEXT, name) */

/* fdcache.c: is this fd the channel? fstat once per fd, forgotten on close/dup2. */
bool shim_fd_is_channel(int fd);
void shim_fd_forget(int fd);

/* serve.c: whether buf starts with DSVK_WIRE_MAGIC (buf holds at least 8 bytes). */
bool shim_has_magic(uintptr_t buf); /* an address: see interpose.c */
/* serve.c: a recognized call on fd; returns the byte count to report. */
ssize_t shim_serve_write(int fd, void *buf, size_t len);
/* A recognized COMPLETIONS read; returns bytes written into buf. */
ssize_t shim_serve_read(int fd, void *buf, size_t len);

/* validate.c: PE pointers lie in the same address space; these catch the nonsensical. */
bool shim_range_ok(uint64_t addr, uint64_t size); /* size 0 allowed with any addr */
bool shim_ptr_ok(uint64_t addr, uint64_t size);   /* + non-null, aligned to 4, mapped */
/* Copies a NUL-terminated string of at most max-1 bytes from PE memory (validated);
 * false if the pointer is bad. addr 0 gives "". */
bool shim_copy_string(uint64_t addr, char *out, size_t max);

/* completions.c: the FIFO the PE completion thread drains. Never blocks producers. */
void shim_completion_push(uint32_t kind, uint64_t target, uint64_t value);
/* Waits up to DSVK_WIRE_COMPLETION_WAIT_MS (or until woken) and takes up to max records. */
uint32_t shim_completion_take(dsvk_wire_completion *out, uint32_t max);
void shim_completion_wake(void);
/* The custom decompression eventfd the wait also polls (edge-reported, re-armed by GET). */
void shim_completion_watch_custom(int fd);
/* Re-arms the report and returns its new sequence number (carried by CUSTOM_READY). */
uint64_t shim_completion_rearm_custom(void);

/* handles.c: typed, generation-checked handles for core objects. */
typedef enum shim_handle_type {
    SHIM_H_FILE = 1,
    SHIM_H_STATUS = 2,
    SHIM_H_QUEUE = 3,
} shim_handle_type;
uint64_t shim_handle_new(shim_handle_type type, void *object);
/* Takes a reference; NULL when the handle is unknown, stale, closing or of another type. */
void *shim_handle_get(uint64_t handle, shim_handle_type type);
void shim_handle_put(uint64_t handle);
/* Marks closing (no new gets), waits until no reference is held, frees the slot and
 * returns the object for the caller to destroy; NULL when the handle is bad. */
void *shim_handle_close(uint64_t handle, shim_handle_type type);
/* Live handles of any type (CONFIGURE refuses to re-create a runtime that has some). */
uint32_t shim_handle_count(void);
/* Looks an object up by pointer (error records name status arrays by pointer). */
void *shim_handle_find_object(shim_handle_type type, bool (*match)(void *object, void *ctx),
                              void *ctx);

#endif
