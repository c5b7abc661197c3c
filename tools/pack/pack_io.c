/* dsvk-pack: whole-file input and output, and the progress line. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pack.h"

#define PROGRESS_MIN_BYTES (64ull << 20)

static bool read_stream(int fd, const char *path, pack_file *f)
{
    size_t cap = 1 << 20, size = 0;
    uint8_t *buf = malloc(cap);
    for (;;) {
        if (!buf) {
            fprintf(stderr, "dsvk-pack: %s: out of memory\n", path);
            return false;
        }
        if (size == cap) {
            uint8_t *bigger = realloc(buf, cap *= 2);
            if (!bigger) {
                free(buf);
                buf = NULL;
                continue;
            }
            buf = bigger;
        }
        ssize_t n = read(fd, buf + size, cap - size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            fprintf(stderr, "dsvk-pack: %s: %s\n", path, strerror(errno));
            free(buf);
            return false;
        }
        if (n == 0)
            break;
        size += (size_t)n;
    }
    f->data = buf;
    f->size = size;
    f->heap = buf;
    return true;
}

bool pack_read_file(const char *path, pack_file *f)
{
    memset(f, 0, sizeof(*f));
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        fprintf(stderr, "dsvk-pack: %s: %s\n", path, strerror(errno));
        return false;
    }
    struct stat st;
    bool ok;
    if (fstat(fd, &st) != 0) {
        fprintf(stderr, "dsvk-pack: %s: %s\n", path, strerror(errno));
        ok = false;
    } else if (S_ISDIR(st.st_mode)) {
        fprintf(stderr, "dsvk-pack: %s: is a directory\n", path);
        ok = false;
    } else if (S_ISREG(st.st_mode) && st.st_size > 0) {
        void *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        ok = map != MAP_FAILED;
        if (ok) {
            f->map = map;
            f->data = map;
            f->size = (size_t)st.st_size;
        } else {
            fprintf(stderr, "dsvk-pack: %s: %s\n", path, strerror(errno));
        }
    } else if (S_ISREG(st.st_mode)) {
        f->data = (const uint8_t *)"";
        ok = true;
    } else {
        ok = read_stream(fd, path, f); /* a pipe or device */
    }
    close(fd);
    return ok;
}

void pack_close_file(pack_file *f)
{
    if (f->map)
        munmap(f->map, f->size);
    free(f->heap);
    memset(f, 0, sizeof(*f));
}

static bool write_all(int fd, const uint8_t *p, size_t size)
{
    while (size) {
        ssize_t n = write(fd, p, size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return false;
        p += n;
        size -= (size_t)n;
    }
    return true;
}

bool pack_write_file(const char *path, const void *data, size_t size)
{
    /* Devices and pipes are written in place; files through a temporary file renamed over
     * the target, so that a failure (or OUT being IN) never leaves a half-written file. */
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        int fd = open(path, O_WRONLY | O_CLOEXEC);
        bool ok = fd >= 0 && write_all(fd, data, size);
        int err = errno;
        if (fd >= 0 && close(fd) != 0 && ok) {
            ok = false;
            err = errno;
        }
        if (!ok)
            fprintf(stderr, "dsvk-pack: %s: %s\n", path, strerror(err));
        return ok;
    }
    char tmp[PATH_MAX];
    if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp-XXXXXX", path) >= sizeof(tmp)) {
        fprintf(stderr, "dsvk-pack: %s: path too long\n", path);
        return false;
    }
    int fd = mkstemp(tmp);
    if (fd < 0) {
        fprintf(stderr, "dsvk-pack: %s: %s\n", path, strerror(errno));
        return false;
    }
    bool ok = write_all(fd, data, size);
    int err = errno;
    /* mkstemp makes the file 0600; give it the mode a plain create would */
    const mode_t mask = umask(0);
    umask(mask);
    if (ok && fchmod(fd, 0666 & ~mask) != 0) {
        ok = false;
        err = errno;
    }
    if (close(fd) != 0 && ok) {
        ok = false;
        err = errno;
    }
    if (ok && rename(tmp, path) != 0) {
        ok = false;
        err = errno;
    }
    if (!ok) {
        unlink(tmp);
        fprintf(stderr, "dsvk-pack: %s: %s\n", path, strerror(err));
    }
    return ok;
}

void pack_progress_start(pack_progress *p, const char *verb, const char *name, uint64_t total)
{
    p->on = total >= PROGRESS_MIN_BYTES && isatty(STDERR_FILENO);
    p->verb = verb;
    p->name = name;
    p->total = total;
    pack_progress_update(p, 0);
}

void pack_progress_update(pack_progress *p, uint64_t done)
{
    if (!p || !p->on)
        return;
    fprintf(stderr, "\rdsvk-pack: %s %s: %3u%% (%llu of %llu MiB)", p->verb, p->name,
            (unsigned)(done * 100 / p->total), (unsigned long long)(done >> 20),
            (unsigned long long)(p->total >> 20));
    fflush(stderr);
}

void pack_progress_end(pack_progress *p)
{
    if (p->on)
        fprintf(stderr, "\r\033[K");
    p->on = false;
}

uint32_t pack_step_tiles(uint32_t threads)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    uint32_t n = threads ? threads : (cpus > 0 ? (uint32_t)cpus : 1);
    return n * 16 > 64 ? n * 16 : 64;
}
