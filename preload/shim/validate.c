/*
 * Checks on addresses the PE side hands over. PE memory is directly addressable (one address
 * space), so the shim reads arguments in place; these checks reject what cannot be a user
 * address at all: null, the first 64 KiB (never mapped on Linux or Windows), anything at or
 * above the 47-bit user-space limit, and ranges that overflow. They do not prove the pages
 * are mapped (that would cost a syscall per request); a wrong pointer from the game faults
 * like it would in DirectStorage.
 */
#include <string.h>

#include "shim.h"

#define USER_MIN 0x10000ull
#define USER_END 0x800000000000ull /* x86_64 4-level paging: user space ends here */

bool shim_range_ok(uint64_t addr, uint64_t size)
{
    if (size == 0)
        return true;
    return addr >= USER_MIN && addr < USER_END && size <= USER_END - addr;
}

bool shim_ptr_ok(uint64_t addr, uint64_t size)
{
    return addr != 0 && (addr & 3) == 0 && shim_range_ok(addr, size ? size : 1);
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
