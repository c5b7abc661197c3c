/* dsvk-bench read: what its three files (options and report, dsvk runs, fio runs) share. */
#ifndef DSVK_BENCH_READ_H
#define DSVK_BENCH_READ_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct read_opts {
    uint32_t files;
    uint64_t file_size;
    const char *dir;
    char **paths; /* the files, created by bench_read.c */
    uint32_t bs;
    uint32_t depth;   /* requests in flight */
    uint32_t queues;  /* dsvk queues the depth is spread over (public API path) */
    uint32_t threads; /* I/O threads: rings or pread threads; 0 = the backend's default */
    bool direct;
    bool random;
    double seconds; /* time-based, or ... */
    uint64_t bytes; /* ... this many bytes per run */
    uint64_t seed;
    bool fadvise; /* POSIX_FADV_RANDOM/SEQUENTIAL on the fds, as fio's fadvise_hint=1 */
} read_opts;

/* Opens a test file for buffered reads with the access hint --fadvise asks for. */
int read_open(const read_opts *o, uint32_t i);

typedef struct read_result {
    char name[32];        /* dsvk-uring, dsvk-threads, fio-io_uring, fio-psync */
    char path[16];        /* api, engine, fio */
    char backend[16];     /* uring, threads, io_uring, psync */
    uint32_t setup_flags; /* io_uring setup flags (dsvk) */
    uint32_t io_threads;
    uint64_t bytes;
    uint64_t ios;
    uint64_t errors;
    double seconds;
    double cpu_seconds;     /* getrusage: ours RUSAGE_SELF, fio's RUSAGE_CHILDREN */
    double fio_cpu_seconds; /* fio's own usr_cpu+sys_cpu times its runtime */
    double p50_us, p99_us;
    bool ok;
    char error[256];
} read_result;

/* Through the public API (runtime, files, queues, signals). */
void read_run_api(const read_opts *o, int backend, read_result *r);
/* Through the internal I/O engine directly: a diagnostic of the engine alone. */
void read_run_engine(const read_opts *o, int backend, read_result *r);
/* fio with ioengine io_uring (iodepth = depth) or psync (numjobs = threads or 8). */
void read_run_fio(const read_opts *o, const char *engine, read_result *r);

/* Where request number n (of a lane with its own rng) reads. */
typedef struct read_picker {
    uint64_t rng;
    _Atomic uint64_t *cursor; /* shared sequential position */
} read_picker;
void read_pick(const read_opts *o, read_picker *p, uint32_t *file, uint64_t *offset);

/* Latency samples (microseconds) of one lane; only its owner appends. */
typedef struct read_lat {
    double *us;
    size_t n, cap;
} read_lat;
void read_lat_add(read_lat *l, double us);
/* Merges lanes, sorts, fills p50/p99; frees the lanes' samples. */
void read_lat_finish(read_lat *lanes, size_t n_lanes, read_result *r);

/* Drops the files' page cache (buffered runs start cold, like fio's invalidate=1). */
void read_drop_cache(const read_opts *o);

#endif
