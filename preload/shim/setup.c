/*
 * The constructor: in a Wine process (detect.c) it points Wine at our dstorage.dll and
 * creates this process's channel file; everywhere else it does nothing at all.
 *
 * - WINEDLLPATH gets <shim dir>/wine appended (the build and the install put the PE DLL in
 *   <shim dir>/wine/x86_64-windows/dstorage.dll); WINEDLLOVERRIDES gets dstorage=b. Both are
 *   read by ntdll after preloaded constructors ran, so setting them here is early enough, and
 *   doing it in-process survives launch scripts (Proton's) that rewrite WINEDLLPATH.
 * - The channel is <dir>/channel-<pid>, mode 0600, where <dir> is $XDG_RUNTIME_DIR/dsvk or
 *   /tmp/dsvk-<uid> (created 0700; refused unless it is ours and private). Its path is
 *   exported as DSVK_CHANNEL. A Wine loader re-executes itself with the same pid: the second
 *   image reuses the file. Wine ends a process with _exit(), so destructors do not run
 *   in Wine processes: files of processes that are gone are removed by the next
 *   constructor (a scan of the private directory). The destructor still removes the
 *   file when a process does exit() (DSVK_PRELOAD_FORCE'd native programs, tests).
 *
 * DISABLE_DSVK=1 keeps the shim inert in every process.
 */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <dsvk/api.h>

#include "shim.h"

/* dsvk-doctor compares this with the DLL's and the core's version. */
__attribute__((used)) static const char version_tag[] = "dsvk-version:" DSVK_VERSION_STRING;

bool shim_active;
dev_t shim_channel_dev;
ino_t shim_channel_ino;
char shim_channel_path[DSVK_WIRE_PATH_MAX];
char shim_self_dir[DSVK_WIRE_PATH_MAX];

static pid_t channel_owner;

static bool find_self_dir(void)
{
    Dl_info info;
    if (!dladdr((void *)&find_self_dir, &info) || !info.dli_fname)
        return false;
    char real[PATH_MAX];
    if (!realpath(info.dli_fname, real))
        return false;
    char *slash = strrchr(real, '/');
    if (!slash)
        return false;
    *slash = 0;
    snprintf(shim_self_dir, sizeof(shim_self_dir), "%s", real[0] ? real : "/");
    return true;
}

static void setup_environment(void)
{
    char dll_dir[DSVK_WIRE_PATH_MAX + 8];
    snprintf(dll_dir, sizeof(dll_dir), "%s/wine", shim_self_dir);
    char *path = shim_path_list_append(getenv("WINEDLLPATH"), dll_dir);
    if (path) {
        setenv("WINEDLLPATH", path, 1);
        free(path);
    }
    const char *old = getenv("WINEDLLOVERRIDES");
    char *ovr = shim_overrides_add(old);
    if (ovr) {
        setenv("WINEDLLOVERRIDES", ovr, 1);
        free(ovr);
    } else {
        shim_info("WINEDLLOVERRIDES already names dstorage (%s); leaving it", old);
    }
}

/* A private directory of ours: created 0700, and verified (not a symlink, our uid, no group
 * or other access) because /tmp is shared. */
static bool private_dir(const char *dir)
{
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        return false;
    struct stat st;
    if (lstat(dir, &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != getuid() ||
        (st.st_mode & 077)) {
        shim_err("refusing channel directory %s (not a private directory of uid %u)", dir,
                 (unsigned)getuid());
        return false;
    }
    return true;
}

static bool channel_dir(char *out, size_t size)
{
    const char *xdg = getenv("XDG_RUNTIME_DIR");
    struct stat st;
    if (xdg && *xdg && stat(xdg, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == getuid()) {
        snprintf(out, size, "%s/dsvk", xdg);
        if (private_dir(out))
            return true;
    }
    snprintf(out, size, "/tmp/dsvk-%u", (unsigned)getuid());
    return private_dir(out);
}

/* Channels of processes that are gone (killed, crashed) are removed here. */
static void remove_stale_channels(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        char *end;
        if (strncmp(e->d_name, "channel-", 8) != 0)
            continue;
        long pid = strtol(e->d_name + 8, &end, 10);
        if (*end || pid <= 0 || pid == getpid())
            continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;
        char path[DSVK_WIRE_PATH_MAX + 300];
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        unlink(path);
    }
    closedir(d);
}

static bool create_channel(void)
{
    char dir[DSVK_WIRE_PATH_MAX - 64];
    if (!channel_dir(dir, sizeof(dir)))
        return false;
    remove_stale_channels(dir);
    snprintf(shim_channel_path, sizeof(shim_channel_path), "%s/channel-%d", dir, (int)getpid());
    int fd = open(shim_channel_path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        shim_err("cannot create the channel %s: %s", shim_channel_path, strerror(errno));
        return false;
    }
    struct stat st;
    bool ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == getuid() &&
              st.st_nlink == 1 && fchmod(fd, 0600) == 0;
    if (ok) {
        shim_channel_dev = st.st_dev;
        shim_channel_ino = st.st_ino;
    }
    close(fd);
    if (!ok) {
        shim_err("refusing the channel %s (not a private regular file)", shim_channel_path);
        return false;
    }
    channel_owner = getpid();
    setenv("DSVK_CHANNEL", shim_channel_path, 1);
    return true;
}

__attribute__((constructor)) static void shim_init(void)
{
    const char *disable = getenv("DISABLE_DSVK");
    if (disable && !strcmp(disable, "1"))
        return;
    if (shim_detect_process() != SHIM_PROCESS_WINE)
        return;
    shim_log_init();
    shim_libc_resolve();
    if (!find_self_dir()) {
        shim_err("cannot find the directory of libdsvk_preload.so; staying inert");
        return;
    }
    setup_environment();
    if (!create_channel())
        return;
    shim_active = true;
    shim_debug("channel %s, PE folder %s/wine", shim_channel_path, shim_self_dir);
}

/* Only the process that created the channel removes it: a forked child that exit()s must
 * not take its parent's channel away. (Wine processes leave through _exit(): see above.) */
__attribute__((destructor)) static void shim_fini(void)
{
    if (shim_active && channel_owner == getpid())
        unlink(shim_channel_path);
}
