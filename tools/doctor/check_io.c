/*
 * I/O: can this process use io_uring, and if not, why; then which backend the core really
 * picks with the current DSVK_* settings (it falls back to a pread() thread pool).
 */
#include <errno.h>
#include <grp.h>
#include <linux/io_uring.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <dsvk/dsvk.h>

#include "doctor.h"

static struct {
    bool usable;
    int err;       /* errno of io_uring_setup, 0 when usable */
    long disabled; /* kernel.io_uring_disabled, -1 when the file does not exist */
    long group;    /* kernel.io_uring_group, -1 when absent */
    long seccomp;  /* Seccomp: of /proc/self/status, -1 unknown */
    char reason[512];
    /* What the core chose. */
    bool runtime_ok;
    dsvk_result runtime_result;
    const char *requested; /* DSVK_IO or "auto" */
    dsvk_runtime_info info;
    char backend_reason[256];
} io;

static long read_long_file(const char *path)
{
    FILE *f = fopen(path, "re");
    long v = -1;
    if (f) {
        if (fscanf(f, "%ld", &v) != 1)
            v = -1;
        fclose(f);
    }
    return v;
}

static long seccomp_mode(void)
{
    FILE *f = fopen("/proc/self/status", "re");
    char line[256];
    long v = -1;
    while (f && fgets(line, sizeof(line), f))
        if (sscanf(line, "Seccomp: %ld", &v) == 1)
            break;
    if (f)
        fclose(f);
    return v;
}

static bool in_group(long gid)
{
    if (gid < 0)
        return false;
    if ((long)getegid() == gid)
        return true;
    gid_t groups[256];
    int n = getgroups(256, groups);
    for (int i = 0; i < n; i++)
        if ((long)groups[i] == gid)
            return true;
    return false;
}

/* Our own io_uring_setup, so the answer does not depend on liburing or the core. */
static void probe_uring(void)
{
    struct io_uring_params p;
    memset(&p, 0, sizeof(p));
    long fd = syscall(__NR_io_uring_setup, 4, &p);
    io.disabled = read_long_file("/proc/sys/kernel/io_uring_disabled");
    io.group = read_long_file("/proc/sys/kernel/io_uring_group");
    io.seccomp = seccomp_mode();
    if (fd >= 0) {
        close((int)fd);
        io.usable = true;
        snprintf(io.reason, sizeof(io.reason), "io_uring_setup works");
        return;
    }
    io.err = errno;
    switch (io.err) {
    case ENOSYS:
        snprintf(io.reason, sizeof(io.reason),
                 "the kernel has no io_uring (ENOSYS: older than 5.1, or built without "
                 "CONFIG_IO_URING)");
        break;
    case EPERM:
    case EACCES:
        if (io.disabled == 2)
            snprintf(io.reason, sizeof(io.reason),
                     "io_uring_setup is refused (%s): /proc/sys/kernel/io_uring_disabled is 2, "
                     "io_uring is off for every process",
                     io.err == EPERM ? "EPERM" : "EACCES");
        else if (io.disabled == 1 && !in_group(io.group))
            snprintf(io.reason, sizeof(io.reason),
                     "io_uring_setup is refused (%s): /proc/sys/kernel/io_uring_disabled is 1, "
                     "only root and group %ld (kernel.io_uring_group) may use io_uring",
                     io.err == EPERM ? "EPERM" : "EACCES", io.group);
        else if (io.seccomp == 2)
            snprintf(io.reason, sizeof(io.reason),
                     "io_uring_setup is refused (%s) by a seccomp filter on this process "
                     "(Seccomp: 2 in /proc/self/status; containers and sandboxes such as "
                     "Docker's default profile block io_uring)",
                     io.err == EPERM ? "EPERM" : "EACCES");
        else
            snprintf(io.reason, sizeof(io.reason),
                     "io_uring_setup is refused (%s) by a security module or policy "
                     "(io_uring_disabled=%ld, no seccomp filter)",
                     io.err == EPERM ? "EPERM" : "EACCES", io.disabled);
        break;
    case ENOMEM:
        snprintf(io.reason, sizeof(io.reason),
                 "io_uring_setup fails with ENOMEM: the locked-memory limit (ulimit -l) is "
                 "too small for a ring on this kernel");
        break;
    default: snprintf(io.reason, sizeof(io.reason), "io_uring_setup fails: %s", strerror(io.err));
    }
}

static const char *backend_name(dsvk_io_backend b)
{
    return b == DSVK_IO_URING ? "io_uring" : b == DSVK_IO_THREADS ? "threads" : "auto";
}

/* The flags the core got its rings with, for the report. */
static void describe_flags(uint32_t flags, char *out, size_t n)
{
    out[0] = 0;
    static const struct {
        uint32_t bit;
        const char *name;
    } names[] = {
        {IORING_SETUP_SINGLE_ISSUER, "SINGLE_ISSUER"},
        {IORING_SETUP_DEFER_TASKRUN, "DEFER_TASKRUN"},
        {IORING_SETUP_COOP_TASKRUN, "COOP_TASKRUN"},
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (flags & names[i].bit)
            snprintf(out + strlen(out), n - strlen(out), "%s%s", out[0] ? "|" : "", names[i].name);
    if (!out[0])
        snprintf(out, n, "none");
}

void check_io(doctor *d)
{
    probe_uring();
    const char *env = getenv("DSVK_IO");
    io.requested = env && *env ? env : "auto";

    dsvk_config cfg;
    dsvk_config_init(&cfg);
    (void)dsvk_config_load_env(&cfg); /* a bad value was reported by the core check */
    cfg.worker_threads = 1;
    cfg.log_level = DSVK_LOG_ERROR;
    dsvk_runtime *rt = NULL;
    io.runtime_result = dsvk_runtime_create(&cfg, &rt);
    io.runtime_ok = io.runtime_result == DSVK_OK;
    if (rt) {
        dsvk_runtime_get_info(rt, &io.info);
        snprintf(io.backend_reason, sizeof(io.backend_reason), "%s",
                 io.info.io_backend_reason ? io.info.io_backend_reason : "");
        dsvk_runtime_destroy(rt);
    }

    if (!io.runtime_ok) {
        doctor_add(d, "io", LEVEL_FAIL, false,
                   io.usable ? "Run with DSVK_LOG=debug to see why the core could not start."
                             : "Unset DSVK_IO (or set DSVK_IO=auto) so dsvk falls back to its "
                               "thread pool, or allow io_uring (see docs/TROUBLESHOOTING.md).",
                   "the core cannot start its I/O engine with DSVK_IO=%s: %s%s%s", io.requested,
                   dsvk_result_string(io.runtime_result), io.usable ? "" : "; ",
                   io.usable ? "" : io.reason);
        return;
    }
    if (io.info.io_backend == DSVK_IO_URING) {
        char flags[96];
        describe_flags(io.info.uring_setup_flags, flags, sizeof(flags));
        doctor_add(d, "io", LEVEL_OK, false, NULL,
                   "io_uring works; dsvk reads with io_uring (%u I/O thread%s, setup flags %s)",
                   io.info.io_threads, io.info.io_threads == 1 ? "" : "s", flags);
    } else if (io.usable) {
        doctor_add(d, "io", LEVEL_NOTE, false, NULL,
                   "io_uring works, but DSVK_IO=%s: dsvk reads with its pread() thread pool "
                   "(%u thread%s)",
                   io.requested, io.info.io_threads, io.info.io_threads == 1 ? "" : "s");
    } else {
        doctor_add(d, "io", LEVEL_WARN, false,
                   "dsvk works without io_uring, with more CPU use per read. To allow it, see "
                   "\"io_uring is not available\" in docs/TROUBLESHOOTING.md.",
                   "%s; dsvk reads with its pread() thread pool instead (%u thread%s)", io.reason,
                   io.info.io_threads, io.info.io_threads == 1 ? "" : "s");
    }
}

void json_io(json_writer *w, const doctor *d)
{
    (void)d;
    jw_object_begin(w, "io");
    jw_object_begin(w, "io_uring");
    jw_bool(w, "usable", io.usable);
    jw_string(w, "errno",
              io.err ? (io.err == EPERM    ? "EPERM"
                        : io.err == ENOSYS ? "ENOSYS"
                        : io.err == EACCES ? "EACCES"
                        : io.err == ENOMEM ? "ENOMEM"
                                           : "other")
                     : NULL);
    jw_string(w, "reason", io.reason);
    if (io.disabled >= 0)
        jw_int(w, "io_uring_disabled", io.disabled);
    else
        jw_null(w, "io_uring_disabled");
    if (io.seccomp >= 0)
        jw_int(w, "seccomp", io.seccomp);
    else
        jw_null(w, "seccomp");
    jw_object_end(w);
    jw_string(w, "requested", io.requested);
    jw_bool(w, "runtime_ok", io.runtime_ok);
    jw_string(w, "runtime_result", io.runtime_ok ? NULL : dsvk_result_string(io.runtime_result));
    jw_string(w, "backend", io.runtime_ok ? backend_name(io.info.io_backend) : NULL);
    jw_string(w, "backend_reason", io.runtime_ok ? io.backend_reason : NULL);
    jw_uint(w, "threads", io.runtime_ok ? io.info.io_threads : 0);
    jw_object_end(w);
}
