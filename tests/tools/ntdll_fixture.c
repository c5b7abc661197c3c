/*
 * Test fixture standing in for a Wine build's x86_64-unix/ntdll.so: dsvk-doctor reads which
 * read/write functions it imports. NTDLL_FIXTURE_FORTIFIED builds the variant that imports
 * __pread64_chk, which the shim does not interpose.
 */
#include <stddef.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#ifdef NTDLL_FIXTURE_FORTIFIED
extern ssize_t __pread64_chk(int fd, void *buf, size_t n, off_t off, size_t buflen);
#endif

ssize_t fixture_file_io(int fd, void *buf, size_t n, off_t off);

ssize_t fixture_file_io(int fd, void *buf, size_t n, off_t off)
{
    ssize_t r = read(fd, buf, n) + write(fd, buf, n) + pwrite(fd, buf, n, off);
#ifdef NTDLL_FIXTURE_FORTIFIED
    r += __pread64_chk(fd, buf, n, off, n);
#else
    r += pread(fd, buf, n, off);
#endif
    struct iovec iov = {buf, n};
    return r + writev(fd, &iov, 1);
}
