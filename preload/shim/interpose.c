/*
 * The interposed libc calls. Wine's unix side (ntdll.so) performs a synchronous NtWriteFile /
 * NtReadFile on a regular file as pwrite()/pread() (write()/read() without an offset) through
 * the PLT, so these definitions, preloaded, see every one. The fast path of each is a length
 * check and an 8-byte magic compare; everything else goes straight to libc. Wine 8.0's
 * ntdll.so imports read, write, pread, pwrite and close (no _chk variants: checked with
 * nm -D --undefined-only); pread64/pwrite64 and dup2/dup3 are covered for other builds and
 * for fd reuse.
 */
#include <unistd.h>

#include "shim.h"

/* The magic compare lives in serve.c: read buffers are write-only to the compiler (glibc's
 * access attributes), but a COMPLETIONS read deliberately carries a header in. */
static inline bool looks_like_call(const void *buf, size_t len, size_t min, size_t max)
{
    if (__builtin_expect(len < min || len > max || !buf || !shim_active, 1))
        return false;
    return shim_has_magic((uintptr_t)buf);
}

#define READ_MAX                                                                                   \
    (sizeof(dsvk_wire_header) + DSVK_WIRE_MAX_COMPLETIONS * sizeof(dsvk_wire_completion))

static inline void need_real(void)
{
    if (__builtin_expect(!__atomic_load_n(&shim_real.write, __ATOMIC_ACQUIRE), 0))
        shim_libc_resolve();
}

SHIM_EXPORT ssize_t write(int fd, const void *buf, size_t len)
{
    if (looks_like_call(buf, len, DSVK_WIRE_MIN_CALL, DSVK_WIRE_MAX_CALL)) {
        ssize_t r = shim_serve_write(fd, (void *)buf, len);
        if (r >= 0)
            return r;
    }
    need_real();
    return shim_real.write(fd, buf, len);
}

SHIM_EXPORT ssize_t pwrite(int fd, const void *buf, size_t len, off_t off)
{
    if (looks_like_call(buf, len, DSVK_WIRE_MIN_CALL, DSVK_WIRE_MAX_CALL)) {
        ssize_t r = shim_serve_write(fd, (void *)buf, len);
        if (r >= 0)
            return r;
    }
    need_real();
    return shim_real.pwrite(fd, buf, len, off);
}

SHIM_EXPORT ssize_t pwrite64(int fd, const void *buf, size_t len, off_t off)
{
    if (looks_like_call(buf, len, DSVK_WIRE_MIN_CALL, DSVK_WIRE_MAX_CALL)) {
        ssize_t r = shim_serve_write(fd, (void *)buf, len);
        if (r >= 0)
            return r;
    }
    need_real();
    return shim_real.pwrite64(fd, buf, len, off);
}

SHIM_EXPORT ssize_t read(int fd, void *buf, size_t len)
{
    if (looks_like_call(buf, len, sizeof(dsvk_wire_header), READ_MAX)) {
        ssize_t r = shim_serve_read(fd, buf, len);
        if (r >= 0)
            return r;
    }
    need_real();
    return shim_real.read(fd, buf, len);
}

SHIM_EXPORT ssize_t pread(int fd, void *buf, size_t len, off_t off)
{
    if (looks_like_call(buf, len, sizeof(dsvk_wire_header), READ_MAX)) {
        ssize_t r = shim_serve_read(fd, buf, len);
        if (r >= 0)
            return r;
    }
    need_real();
    return shim_real.pread(fd, buf, len, off);
}

SHIM_EXPORT ssize_t pread64(int fd, void *buf, size_t len, off_t off)
{
    if (looks_like_call(buf, len, sizeof(dsvk_wire_header), READ_MAX)) {
        ssize_t r = shim_serve_read(fd, buf, len);
        if (r >= 0)
            return r;
    }
    need_real();
    return shim_real.pread64(fd, buf, len, off);
}

/* Forget before (a racing check must not cache the old file after we return) and after
 * (a check between the two may have cached the closing fd). */
SHIM_EXPORT int close(int fd)
{
    need_real();
    shim_fd_forget(fd);
    int r = shim_real.close(fd);
    shim_fd_forget(fd);
    return r;
}

SHIM_EXPORT int dup2(int oldfd, int newfd)
{
    need_real();
    shim_fd_forget(newfd);
    int r = shim_real.dup2(oldfd, newfd);
    shim_fd_forget(newfd);
    return r;
}

SHIM_EXPORT int dup3(int oldfd, int newfd, int flags)
{
    need_real();
    shim_fd_forget(newfd);
    int r = shim_real.dup3(oldfd, newfd, flags);
    shim_fd_forget(newfd);
    return r;
}

/*
 * Fortified builds (-D_FORTIFY_SOURCE) call __read_chk/__pread_chk/__pread64_chk instead;
 * Debian's Wine 8.0 does not, other builds may. The buffer-size check stays libc's.
 */
typedef ssize_t (*read_chk_fn)(int, void *, size_t, size_t);
typedef ssize_t (*pread_chk_fn)(int, void *, size_t, off_t, size_t);

static void *next_symbol(void **slot, const char *name)
{
    void *p = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
    if (!p) {
        p = shim_next_symbol(name);
        __atomic_store_n(slot, p, __ATOMIC_RELEASE);
    }
    return p;
}

SHIM_EXPORT ssize_t __read_chk(int fd, void *buf, size_t len, size_t buflen)
{
    static void *real;
    if (len <= buflen && looks_like_call(buf, len, sizeof(dsvk_wire_header), READ_MAX)) {
        ssize_t r = shim_serve_read(fd, buf, len);
        if (r >= 0)
            return r;
    }
    return ((read_chk_fn)next_symbol(&real, "__read_chk"))(fd, buf, len, buflen);
}

SHIM_EXPORT ssize_t __pread_chk(int fd, void *buf, size_t len, off_t off, size_t buflen)
{
    static void *real;
    if (len <= buflen && looks_like_call(buf, len, sizeof(dsvk_wire_header), READ_MAX)) {
        ssize_t r = shim_serve_read(fd, buf, len);
        if (r >= 0)
            return r;
    }
    return ((pread_chk_fn)next_symbol(&real, "__pread_chk"))(fd, buf, len, off, buflen);
}

SHIM_EXPORT ssize_t __pread64_chk(int fd, void *buf, size_t len, off_t off, size_t buflen)
{
    static void *real;
    if (len <= buflen && looks_like_call(buf, len, sizeof(dsvk_wire_header), READ_MAX)) {
        ssize_t r = shim_serve_read(fd, buf, len);
        if (r >= 0)
            return r;
    }
    return ((pread_chk_fn)next_symbol(&real, "__pread64_chk"))(fd, buf, len, off, buflen);
}
