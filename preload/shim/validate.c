/*
 * Checks on addresses the PE side hands over. PE memory is directly addressable (one address
 * space), so the shim reads arguments in place. Every address is checked for what cannot be
 * a user address at all: null, the first 64 KiB (never mapped on Linux or Windows), anything
 * at or above the 47-bit user-space limit, and ranges that overflow. Argument blocks and the
 * arrays they point to (batches, footprints, custom request arrays: memory of our DLL, never
 * the game's) are also checked to be mapped, with one mincore() per block, so a broken or
 * mismatched PE side gets an error instead of crashing the process. The game's data buffers
 * (request sources and destinations) get the range checks only: a syscall per request would
 * cost too much, and a wrong pointer there faults as it would in DirectStorage.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "shim.h"

#define USER_MIN 0x10000ull
#define USER_END 0x800000000000ull /* x86_64 4-level paging: user space ends here */

bool shim_range_ok(uint64_t addr, uint64_t size)
{
    if (size == 0)
        return true;
    return addr >= USER_MIN && addr < USER_END && size <= USER_END - addr;
}

/* mincore() fails with ENOMEM when a page of the range is not mapped. */
static bool mapped(uint64_t addr, uint64_t size)
{
    static long page;
    if (!page)
        page = sysconf(_SC_PAGESIZE);
    uint64_t p = (uint64_t)page;
    uint64_t start = addr & ~(p - 1);
    uint64_t end = (addr + size + p - 1) & ~(p - 1);
    unsigned char vec[256];
    while (start < end) {
        uint64_t n = (end - start) / p;
        if (n > sizeof(vec))
            n = sizeof(vec);
        if (mincore((void *)(uintptr_t)start, n * p, vec) != 0 && errno == ENOMEM)
            return false;
        start += n * p;
    }
    return true;
}

bool shim_ptr_ok(uint64_t addr, uint64_t size)
{
    if (size == 0)
        size = 1;
    return addr != 0 && (addr & 3) == 0 && shim_range_ok(addr, size) && mapped(addr, size);
}

bool shim_copy_string(uint64_t addr, char *out, size_t max)
{
    out[0] = 0;
    if (!addr)
        return true;
    if (!shim_range_ok(addr, 1))
        return false;
    const char *s = (const char *)(uintptr_t)addr;
    /* Reads at most max-1 bytes, never past the user-space end. */
    size_t limit = max - 1;
    if (USER_END - addr < limit)
        limit = (size_t)(USER_END - addr);
    size_t n = strnlen(s, limit);
    memcpy(out, s, n);
    out[n] = 0;
    return true;
}
