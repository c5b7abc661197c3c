/*
 * The fallback to the pread pool when the kernel refuses io_uring. Each case runs in a
 * forked child that first installs a seccomp filter making io_uring_setup fail with EPERM
 * (what Docker's default profile and kernel.io_uring_disabled=2 do) or ENOSYS (a kernel
 * without io_uring) — the real refusal, through the real system call, no test hook.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "io_test.h"

#if defined(__x86_64__)
#define THIS_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define THIS_AUDIT_ARCH AUDIT_ARCH_AARCH64
#else
#error "add this architecture's AUDIT_ARCH_* value"
#endif

/* Makes io_uring_setup fail with `err` for this process and the threads it starts. */
static int refuse_io_uring(int err)
{
    struct sock_filter filter[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, THIS_AUDIT_ARCH, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_io_uring_setup, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ((unsigned)err & SECCOMP_RET_DATA)),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog prog = {.len = sizeof(filter) / sizeof(filter[0]), .filter = filter};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        return -1;
    return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog);
}

/* Child side: returns NULL on success, or what went wrong. */
typedef const char *(*child_fn)(const iot_file *f, char *msg, size_t len);

/* Reads a few ranges through an engine and compares them with the file. */
static const char *read_some(dsvk_io *io, const iot_file *f, char *msg, size_t len)
{
    iot_tracker t;
    iot_tracker_init(&t, 0);
    enum { N = 32 };
    static uint8_t bufs[N][5000];
    iot_op ops[N];
    dsvk_io_op *ptrs[N];
    for (size_t i = 0; i < N; i++) {
        iot_op_init(&ops[i], &t, i, f->fd, f->direct_fd, i * 7777, 5000, bufs[i], (uint8_t)(i % 4));
        ptrs[i] = &ops[i].op;
    }
    dsvk_io_submit(io, ptrs, N);
    iot_tracker_wait(&t, N);
    for (size_t i = 0; i < N; i++) {
        int64_t want = iot_expected(f->size, i * 7777, 5000);
        if (ops[i].op.result != want || memcmp(bufs[i], f->data + i * 7777, (size_t)want)) {
            snprintf(msg, len, "op %zu: result %lld, expected %lld (or data differs)", i,
                     (long long)ops[i].op.result, (long long)want);
            return msg;
        }
    }
    iot_tracker_fini(&t);
    return NULL;
}

static const char *auto_falls_back(const iot_file *f, char *msg, size_t len, const char *expect)
{
    dsvk_io_config cfg = {.backend = DSVK_IO_AUTO, .direct_io = true};
    dsvk_io *io = NULL;
    char reason[256] = "unset";
    dsvk_result r = dsvk_io_create(&cfg, &io, reason, sizeof(reason));
    if (r != DSVK_OK) {
        snprintf(msg, len, "AUTO did not fall back: result %d, reason '%s'", r, reason);
        return msg;
    }
    dsvk_io_info info;
    dsvk_io_get_info(io, &info);
    if (info.backend != DSVK_IO_THREADS || info.setup_flags != 0 || info.threads < 8) {
        snprintf(msg, len, "AUTO gave backend %d, flags 0x%x, %u threads", info.backend,
                 info.setup_flags, info.threads);
        return msg;
    }
    if (!strstr(reason, expect)) {
        snprintf(msg, len, "reason '%s' does not say '%s'", reason, expect);
        return msg;
    }
    const char *err = read_some(io, f, msg, len);
    dsvk_io_destroy(io);
    if (!err)
        fprintf(stderr, "  fallback reason: %s\n", reason);
    return err;
}

static const char *child_eperm(const iot_file *f, char *msg, size_t len)
{
    if (refuse_io_uring(EPERM) != 0)
        return "cannot install the seccomp filter";
    return auto_falls_back(f, msg, len, "io_uring_setup: Operation not permitted");
}

static const char *child_enosys(const iot_file *f, char *msg, size_t len)
{
    if (refuse_io_uring(ENOSYS) != 0)
        return "cannot install the seccomp filter";
    return auto_falls_back(f, msg, len, "io_uring_setup: Function not implemented");
}

static const char *child_uring_forced(const iot_file *f, char *msg, size_t len)
{
    (void)f;
    if (refuse_io_uring(EPERM) != 0)
        return "cannot install the seccomp filter";
    dsvk_io_config cfg = {.backend = DSVK_IO_URING};
    dsvk_io *io = NULL;
    char reason[256] = "";
    dsvk_result r = dsvk_io_create(&cfg, &io, reason, sizeof(reason));
    if (r != DSVK_E_UNSUPPORTED || io != NULL) {
        snprintf(msg, len, "forced io_uring under refusal gave %d", r);
        return msg;
    }
    if (!strstr(reason, "Operation not permitted")) {
        snprintf(msg, len, "reason '%s'", reason);
        return msg;
    }
    return NULL;
}

/* Control: the same child without the filter gets io_uring (where the kernel allows it). */
static const char *child_control(const iot_file *f, char *msg, size_t len)
{
    dsvk_io_config cfg = {.backend = DSVK_IO_AUTO};
    dsvk_io *io = NULL;
    char reason[256] = "";
    if (dsvk_io_create(&cfg, &io, reason, sizeof(reason)) != DSVK_OK)
        return "AUTO failed without any filter";
    dsvk_io_info info;
    dsvk_io_get_info(io, &info);
    const char *err = NULL;
    if (info.backend == DSVK_IO_URING && reason[0]) {
        snprintf(msg, len, "io_uring in use but a reason was given: '%s'", reason);
        err = msg;
    } else if (info.backend == DSVK_IO_THREADS && !reason[0]) {
        err = "thread pool chosen without a reason";
    } else {
        err = read_some(io, f, msg, len);
    }
    if (info.backend == DSVK_IO_THREADS)
        fprintf(stderr, "  note: this kernel refuses io_uring here: %s\n", reason);
    dsvk_io_destroy(io);
    return err;
}

static void run_in_child(child_fn fn)
{
    iot_file f;
    iot_file_create(&f, 300000, 21);
    int pipefd[2];
    assert_int_equal(pipe(pipefd), 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(pipefd[0]);
        char msg[512];
        const char *err = fn(&f, msg, sizeof(msg));
        if (err) {
            ssize_t w = write(pipefd[1], err, strlen(err));
            (void)w;
        }
        _exit(err ? 1 : 0);
    }
    close(pipefd[1]);
    char err[512] = "";
    ssize_t n = read(pipefd[0], err, sizeof(err) - 1);
    err[n > 0 ? n : 0] = 0;
    close(pipefd[0]);
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    iot_file_destroy(&f);
    if (!WIFEXITED(status))
        fail_msg("child died (status 0x%x)", status);
    if (WEXITSTATUS(status) != 0)
        fail_msg("%s", err[0] ? err : "child failed");
}

static void test_eperm_falls_back(void **state)
{
    (void)state;
    run_in_child(child_eperm);
}

static void test_enosys_falls_back(void **state)
{
    (void)state;
    run_in_child(child_enosys);
}

static void test_forced_uring_fails(void **state)
{
    (void)state;
    run_in_child(child_uring_forced);
}

static void test_control(void **state)
{
    (void)state;
    run_in_child(child_control);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_control),
        cmocka_unit_test(test_eperm_falls_back),
        cmocka_unit_test(test_enosys_falls_back),
        cmocka_unit_test(test_forced_uring_fails),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
