/* Files: an fd (and an O_DIRECT fd when direct I/O is on), shared by the requests naming it. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "testing.h"

static dsvk_result file_new(dsvk_runtime *rt, int fd, const char *name, dsvk_file **out)
{
    dsvk_file *f = calloc(1, sizeof(*f));
    char *copy = strdup(name ? name : "");
    if (!f || !copy) {
        free(f);
        free(copy);
        return DSVK_E_NO_MEMORY;
    }
    f->rt = rt;
    f->fd = fd;
    f->direct_fd = -1;
    f->name = copy;
    f->align = 4096;
    atomic_init(&f->refs, 1);
    struct stat st;
    if (fstat(fd, &st) == 0 && st.st_blksize > 4096 && (st.st_blksize & (st.st_blksize - 1)) == 0)
        f->align = (uint32_t)st.st_blksize;
    /* Requests name exact ranges; readahead beyond them only costs bandwidth. */
    posix_fadvise(fd, 0, 0, POSIX_FADV_RANDOM);
    if (rt->cfg.direct_io) {
        char proc[64];
        snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
        f->direct_fd = open(proc, O_RDONLY | O_DIRECT | O_CLOEXEC);
        if (f->direct_fd < 0)
            DSVK_INFO("%s: no O_DIRECT (%s); buffered reads", f->name, strerror(errno));
    }
    pthread_mutex_lock(&rt->lock);
    dsvk_list_add(&rt->files, &f->link);
    pthread_mutex_unlock(&rt->lock);
    *out = f;
    return DSVK_OK;
}

dsvk_result dsvk_file_open(dsvk_runtime *rt, const char *path, dsvk_file **out, int *err_no)
{
    if (err_no)
        *err_no = 0;
    if (!rt || !path || !out)
        return DSVK_E_INVALID_ARGUMENT;
    *out = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        if (err_no)
            *err_no = e;
        DSVK_WARN("cannot open %s: %s", path, strerror(e));
        return DSVK_E_FILE_NOT_OPEN;
    }
    dsvk_result r = file_new(rt, fd, path, out);
    if (r != DSVK_OK)
        close(fd);
    return r;
}

dsvk_result dsvk_file_adopt_fd(dsvk_runtime *rt, int fd, const char *name, dsvk_file **out)
{
    if (!rt || fd < 0 || !out)
        return DSVK_E_INVALID_ARGUMENT;
    *out = NULL;
    if (fcntl(fd, F_GETFD) < 0)
        return DSVK_E_FILE_NOT_OPEN;
    char fallback[32];
    if (!name) {
        snprintf(fallback, sizeof(fallback), "fd %d", fd);
        name = fallback;
    }
    return file_new(rt, fd, name, out);
}

void dsvk_file_ref(dsvk_file *f)
{
    atomic_fetch_add_explicit(&f->refs, 1, memory_order_relaxed);
}

void dsvk_file_unref(dsvk_file *f)
{
    if (atomic_fetch_sub_explicit(&f->refs, 1, memory_order_acq_rel) != 1)
        return;
    close(f->fd);
    if (f->direct_fd >= 0)
        close(f->direct_fd);
    free(f->name);
    free(f);
}

void dsvk_file_close(dsvk_file *f)
{
    if (!f)
        return;
    dsvk_runtime *rt = f->rt;
    pthread_mutex_lock(&rt->lock);
    dsvk_list_remove(&f->link);
    pthread_mutex_unlock(&rt->lock);
    atomic_store(&f->closed, true);
    dsvk_file_unref(f);
}

dsvk_result dsvk_file_get_info(const dsvk_file *f, dsvk_file_info *info)
{
    if (!f || !info)
        return DSVK_E_INVALID_ARGUMENT;
    struct stat st;
    if (fstat(f->fd, &st) != 0)
        return DSVK_E_IO;
    *info = (dsvk_file_info){
        .size = (uint64_t)st.st_size,
        .device = (uint64_t)st.st_dev,
        .inode = (uint64_t)st.st_ino,
        .mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec,
        .block_size = f->align,
    };
    return DSVK_OK;
}

const char *dsvk_file_name(const dsvk_file *f)
{
    return f ? f->name : "";
}

void dsvk_test_inject_io_error(dsvk_file *f, uint64_t offset, uint64_t len, int err)
{
    f->inject_offset = offset;
    f->inject_len = len;
    atomic_store(&f->inject_errno, err);
}
