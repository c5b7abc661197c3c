/*
 * The libc functions behind the interposed ones, found with dlsym(RTLD_NEXT). Resolution is
 * lazy and idempotent: an interposed call may come before our constructor (another library's
 * constructor writing to stderr), and two threads resolving at once store the same values.
 */
#include <dlfcn.h>

#include "shim.h"

shim_libc shim_real;

void shim_libc_resolve(void)
{
    shim_libc r;
    *(void **)&r.write = dlsym(RTLD_NEXT, "write");
    *(void **)&r.pwrite = dlsym(RTLD_NEXT, "pwrite");
    *(void **)&r.pwrite64 = dlsym(RTLD_NEXT, "pwrite64");
    *(void **)&r.read = dlsym(RTLD_NEXT, "read");
    *(void **)&r.pread = dlsym(RTLD_NEXT, "pread");
    *(void **)&r.pread64 = dlsym(RTLD_NEXT, "pread64");
    *(void **)&r.close = dlsym(RTLD_NEXT, "close");
    *(void **)&r.dup2 = dlsym(RTLD_NEXT, "dup2");
    *(void **)&r.dup3 = dlsym(RTLD_NEXT, "dup3");
    /* Publish the members the fast paths test last-to-first: write is the one they check. */
#define SHIM_PUBLISH(m) __atomic_store_n(&shim_real.m, r.m, __ATOMIC_RELEASE)
    SHIM_PUBLISH(pwrite);
    SHIM_PUBLISH(pwrite64);
    SHIM_PUBLISH(read);
    SHIM_PUBLISH(pread);
    SHIM_PUBLISH(pread64);
    SHIM_PUBLISH(close);
    SHIM_PUBLISH(dup2);
    SHIM_PUBLISH(dup3);
    SHIM_PUBLISH(write);
#undef SHIM_PUBLISH
}

void *shim_next_symbol(const char *name)
{
    return dlsym(RTLD_NEXT, name);
}
