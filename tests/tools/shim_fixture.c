/*
 * Test fixture with the shape of the preload shim as dsvk-doctor inspects it: it exports
 * the read/write functions the shim interposes and carries a "dsvk-version:" string. It is
 * only read as an ELF file, never preloaded; the functions still do what libc's do.
 */
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#include <dsvk/api.h>

__attribute__((used)) static const char version_tag[] = "dsvk-version:" DSVK_VERSION_STRING;

ssize_t read(int fd, void *buf, size_t n)
{
    return syscall(SYS_read, fd, buf, n);
}

ssize_t write(int fd, const void *buf, size_t n)
{
    return syscall(SYS_write, fd, buf, n);
}

ssize_t pread(int fd, void *buf, size_t n, off_t off)
{
    return syscall(SYS_pread64, fd, buf, n, off);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
    return syscall(SYS_pwrite64, fd, buf, n, off);
}

ssize_t pread64(int fd, void *buf, size_t n, off_t off)
{
    return syscall(SYS_pread64, fd, buf, n, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off)
{
    return syscall(SYS_pwrite64, fd, buf, n, off);
}
