/*
 * Which fds are the channel. A recognized call is confirmed with fstat() (device and inode
 * equal to the channel file's) once per fd; the answer is cached until the fd is closed or
 * replaced by dup2/dup3 (the interposed close/dup2/dup3 forget it). Wine keeps the fd of an
 * open handle cached, so the channel's fd stays the same for the handle's lifetime.
 */
#include <stdatomic.h>
#include <sys/stat.h>

#include "shim.h"

#define FDCACHE_SIZE 65536

enum { FD_UNKNOWN = 0, FD_CHANNEL = 1, FD_OTHER = 2 };

static _Atomic uint8_t fd_state[FDCACHE_SIZE];

bool shim_fd_is_channel(int fd)
{
    if (fd < 0 || !shim_active)
        return false;
    if (fd < FDCACHE_SIZE) {
        uint8_t s = atomic_load_explicit(&fd_state[fd], memory_order_relaxed);
        if (s != FD_UNKNOWN)
            return s == FD_CHANNEL;
    }
    struct stat st;
    bool is = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_dev == shim_channel_dev &&
              st.st_ino == shim_channel_ino;
    if (fd < FDCACHE_SIZE)
        atomic_store_explicit(&fd_state[fd], is ? FD_CHANNEL : FD_OTHER, memory_order_relaxed);
    return is;
}

void shim_fd_forget(int fd)
{
    if (fd >= 0 && fd < FDCACHE_SIZE)
        atomic_store_explicit(&fd_state[fd], FD_UNKNOWN, memory_order_relaxed);
}
