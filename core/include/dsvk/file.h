/* Files: the sources of file-queue requests. */
#ifndef DSVK_FILE_H
#define DSVK_FILE_H

#include <stdint.h>

#include <dsvk/runtime.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct dsvk_file dsvk_file;

typedef struct dsvk_file_info {
    uint64_t size;
    uint64_t device;     /* st_dev */
    uint64_t inode;      /* st_ino */
    int64_t mtime_ns;    /* modification time, ns since the epoch */
    uint32_t block_size; /* alignment O_DIRECT reads need on this file */
} dsvk_file_info;

/* Opens a file read-only. Errors: DSVK_E_FILE_NOT_OPEN (errno in *err_no when not NULL). */
DSVK_API dsvk_result dsvk_file_open(dsvk_runtime *rt, const char *path, dsvk_file **out,
                                    int *err_no);

/* Adopts an open fd (the file takes ownership and closes it). name is used in error records. */
DSVK_API dsvk_result dsvk_file_adopt_fd(dsvk_runtime *rt, int fd, const char *name,
                                        dsvk_file **out);

/*
 * Closes the file. Requests that have not started reading fail with DSVK_E_FILE_NOT_OPEN;
 * reads already in flight finish (the fd is released after the last one). The handle is
 * invalid afterwards.
 */
DSVK_API void dsvk_file_close(dsvk_file *file);

DSVK_API dsvk_result dsvk_file_get_info(const dsvk_file *file, dsvk_file_info *info);

/* The path or name the file was opened with. */
DSVK_API const char *dsvk_file_name(const dsvk_file *file);

#ifdef __cplusplus
}
#endif

#endif
