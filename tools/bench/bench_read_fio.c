/*
 * dsvk-bench read, the baseline: fio on the same files with the same block size, depth,
 * O_DIRECT flag and pattern, its JSON output (--output-format=json) read back.
 */
#include "bench.h"
#include "bench_read.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- just enough JSON to walk fio's output -------------------------------------------- */

static const char *ws(const char *p)
{
    while (*p && isspace((unsigned char)*p))
        p++;
    return p;
}

static const char *skip_string(const char *p)
{
    for (p++; *p && *p != '"'; p++)
        if (*p == '\\' && p[1])
            p++;
    return *p ? p + 1 : p;
}

/* Returns the end of the JSON value at p (or NULL on malformed input). */
static const char *skip_value(const char *p)
{
    p = ws(p);
    if (*p == '"')
        return skip_string(p);
    if (*p == '{' || *p == '[') {
        char close = *p == '{' ? '}' : ']';
        p = ws(p + 1);
        if (*p == close)
            return p + 1;
        for (;;) {
            if (close == '}') {
                if (*p != '"')
                    return NULL;
                p = ws(skip_string(p));
                if (*p++ != ':')
                    return NULL;
            }
            p = skip_value(p);
            if (!p)
                return NULL;
            p = ws(p);
            if (*p == ',') {
                p = ws(p + 1);
                continue;
            }
            return *p == close ? p + 1 : NULL;
        }
    }
    while (*p && *p != ',' && *p != '}' && *p != ']' && !isspace((unsigned char)*p))
        p++; /* number, true, false, null */
    return p;
}

/* The value of member `key` of the object at p, or element `key` (decimal) of the array
 * at p; NULL when absent. */
static const char *member(const char *p, const char *key)
{
    if (!p)
        return NULL;
    p = ws(p);
    if (*p == '[') {
        long want = strtol(key, NULL, 10);
        p = ws(p + 1);
        for (long i = 0; *p && *p != ']'; i++) {
            if (i == want)
                return p;
            p = skip_value(p);
            if (!p)
                return NULL;
            p = ws(p);
            if (*p == ',')
                p = ws(p + 1);
        }
        return NULL;
    }
    if (*p != '{')
        return NULL;
    p = ws(p + 1);
    size_t klen = strlen(key);
    while (*p == '"') {
        const char *name = p + 1;
        const char *end = skip_string(p);
        bool match = (size_t)(end - 1 - name) == klen && memcmp(name, key, klen) == 0;
        p = ws(end);
        if (*p++ != ':')
            return NULL;
        p = ws(p);
        if (match)
            return p;
        p = skip_value(p);
        if (!p)
            return NULL;
        p = ws(p);
        if (*p == ',')
            p = ws(p + 1);
    }
    return NULL;
}

/* The number at path (keys separated as separate arguments, NULL-terminated). */
static double number_at(const char *json, bool *ok, ...)
{
    va_list ap;
    va_start(ap, ok);
    const char *p = json;
    for (const char *k; p && (k = va_arg(ap, const char *)) != NULL;)
        p = member(p, k);
    va_end(ap);
    if (!p) {
        *ok = false;
        return 0;
    }
    return strtod(p, NULL);
}

/* ---- running fio ---------------------------------------------------------------------- */

static double children_cpu(void)
{
    struct rusage ru;
    getrusage(RUSAGE_CHILDREN, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
}

/* Runs argv, returns its stdout (malloc'd) or NULL. */
static char *capture(char *const argv[], int *status)
{
    int pipefd[2];
    if (pipe(pipefd) != 0)
        return NULL;
    pid_t pid = fork();
    if (pid < 0) {
        close(pipefd[0]);
        close(pipefd[1]);
        return NULL;
    }
    if (pid == 0) {
        dup2(pipefd[1], STDOUT_FILENO);
        close(pipefd[0]);
        close(pipefd[1]);
        execvp(argv[0], argv);
        fprintf(stderr, "dsvk-bench read: cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    close(pipefd[1]);
    size_t len = 0, cap = 1 << 16;
    char *out = malloc(cap);
    for (ssize_t n; out;) {
        if (len + 1 == cap) {
            char *bigger = realloc(out, cap * 2);
            if (!bigger) {
                free(out);
                out = NULL;
                break;
            }
            out = bigger;
            cap *= 2;
        }
        n = read(pipefd[0], out + len, cap - 1 - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        len += (size_t)n;
    }
    close(pipefd[0]);
    while (waitpid(pid, status, 0) < 0 && errno == EINTR)
        ;
    if (out)
        out[len] = 0;
    return out;
}

void read_run_fio(const read_opts *o, const char *engine, read_result *r)
{
    snprintf(r->path, sizeof(r->path), "fio");
    bool psync = strcmp(engine, "psync") == 0;
    uint32_t jobs = psync ? (o->threads ? o->threads : 8) : 1;
    r->io_threads = jobs;

    /* fio separates file names with ':'. */
    size_t names_len = 1;
    for (uint32_t i = 0; i < o->files; i++)
        names_len += strlen(o->paths[i]) + 1;
    char *names = calloc(1, names_len);
    if (!names) {
        snprintf(r->error, sizeof(r->error), "out of memory");
        return;
    }
    for (uint32_t i = 0; i < o->files; i++) {
        if (strchr(o->paths[i], ':')) {
            snprintf(r->error, sizeof(r->error), "fio cannot take ':' in %s", o->paths[i]);
            free(names);
            return;
        }
        if (i)
            strcat(names, ":");
        strcat(names, o->paths[i]);
    }
    char a_rw[32], a_bs[48], a_depth[48], a_engine[48], a_direct[32], a_jobs[48], a_limit[64],
        a_limit2[48], a_seed[48], a_fadvise[32];
    char *file_arg = malloc(names_len + 16);
    if (!file_arg) {
        free(names);
        return;
    }
    sprintf(file_arg, "--filename=%s", names);
    free(names);
    snprintf(a_rw, sizeof(a_rw), "--rw=%s", o->random ? "randread" : "read");
    snprintf(a_bs, sizeof(a_bs), "--bs=%u", o->bs);
    snprintf(a_depth, sizeof(a_depth), "--iodepth=%u", psync ? 1 : o->depth);
    snprintf(a_engine, sizeof(a_engine), "--ioengine=%s", engine);
    snprintf(a_direct, sizeof(a_direct), "--direct=%d", o->direct ? 1 : 0);
    snprintf(a_jobs, sizeof(a_jobs), "--numjobs=%u", jobs);
    snprintf(a_fadvise, sizeof(a_fadvise), "--fadvise_hint=%d", o->fadvise ? 1 : 0);
    snprintf(a_seed, sizeof(a_seed), "--randseed=%llu", (unsigned long long)o->seed + 1);
    if (o->seconds > 0) {
        snprintf(a_limit, sizeof(a_limit), "--runtime=%llums",
                 (unsigned long long)(o->seconds * 1000));
        snprintf(a_limit2, sizeof(a_limit2), "--time_based=1");
    } else {
        snprintf(a_limit, sizeof(a_limit), "--io_size=%llu", (unsigned long long)(o->bytes / jobs));
        snprintf(a_limit2, sizeof(a_limit2), "--time_based=0");
    }
    char *argv[] = {"fio",
                    "--name=dsvk-bench-read",
                    file_arg,
                    a_rw,
                    a_bs,
                    a_depth,
                    a_engine,
                    a_direct,
                    a_jobs,
                    a_limit,
                    a_limit2,
                    a_seed,
                    a_fadvise,
                    "--group_reporting=1",
                    "--lat_percentiles=1",
                    "--invalidate=1",
                    "--norandommap=1",
                    "--output-format=json",
                    NULL};

    read_drop_cache(o);
    double cpu0 = children_cpu();
    int status = 0;
    char *out = capture(argv, &status);
    r->cpu_seconds = children_cpu() - cpu0;
    free(file_arg);
    if (!out || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        snprintf(r->error, sizeof(r->error), "fio failed (status 0x%x)%s", status,
                 WIFEXITED(status) && WEXITSTATUS(status) == 127 ? ": fio not installed" : "");
        free(out);
        return;
    }
    const char *json = strchr(out, '{'); /* fio may print notes before the JSON */
    bool ok = json != NULL;
    const char *job = json ? member(member(json, "jobs"), "0") : NULL;
    ok = ok && job;
    r->bytes = (uint64_t)number_at(job, &ok, "read", "io_bytes", NULL);
    r->ios = (uint64_t)number_at(job, &ok, "read", "total_ios", NULL);
    r->seconds = number_at(job, &ok, "read", "runtime", NULL) / 1e3;
    double usr = number_at(job, &ok, "usr_cpu", NULL);
    double sys = number_at(job, &ok, "sys_cpu", NULL);
    double job_runtime = number_at(job, &ok, "job_runtime", NULL) / 1e3;
    r->fio_cpu_seconds = (usr + sys) / 100.0 * job_runtime;
    r->p50_us = number_at(job, &ok, "read", "lat_ns", "percentile", "50.000000", NULL) / 1e3;
    r->p99_us = number_at(job, &ok, "read", "lat_ns", "percentile", "99.000000", NULL) / 1e3;
    r->errors = (uint64_t)number_at(job, &ok, "error", NULL);
    free(out);
    if (!ok) {
        snprintf(r->error, sizeof(r->error), "fio's JSON lacks the expected fields");
        return;
    }
    r->ok = r->errors == 0 && r->bytes > 0;
    if (!r->ok)
        snprintf(r->error, sizeof(r->error), "fio reported error %llu",
                 (unsigned long long)r->errors);
}
