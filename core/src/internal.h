/*
 * Internal structures of the core. One lock per queue guards its ring; the runtime lock
 * guards object lists and staging; request execution state that I/O and worker threads
 * touch without the queue lock is atomic.
 */
#ifndef DSVK_INTERNAL_H
#define DSVK_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <dsvk/dsvk.h>
#include <dsvk/gdeflate.h>

#include "io/io.h"
#include "log.h"
#include "workers.h"

typedef struct dsvk_entry dsvk_entry;
typedef struct dsvk_stats_file dsvk_stats_file; /* stats_file.c */

/* A list node for the runtime's object lists. */
typedef struct dsvk_link {
    struct dsvk_link *prev, *next;
} dsvk_link;

struct dsvk_file {
    dsvk_runtime *rt;
    dsvk_link link;
    atomic_int refs;      /* the open handle + one per request that names the file */
    atomic_bool closed;
    int fd;
    int direct_fd;        /* -1 unless direct_io */
    uint32_t align;
    char *name;
    /* Test hook: reads overlapping [inject_offset, +inject_len) fail with -inject_errno. */
    atomic_int inject_errno;
    uint64_t inject_offset, inject_len;
};

struct dsvk_status_array {
    dsvk_runtime *rt;
    dsvk_link link;
    _Atomic int32_t *elems;
    uint32_t capacity;
    bool owns_storage;
    char name[64];
};

/* Execution state of one request, alive from enqueue until its entry retires. */
typedef struct dsvk_exec {
    dsvk_request req;             /* copy; name points at name[] */
    char name[DSVK_REQUEST_MAX_NAME];
    dsvk_footprint *footprints;   /* copied SUBRESOURCES footprints */
    dsvk_queue *queue;
    uint64_t seq;                 /* position in the queue's ring */
    atomic_int pending;           /* outstanding I/O ops and jobs, plus holds */
    atomic_int reads_left;        /* file read ops not yet done */
    atomic_bool cancelled;
    _Atomic int result;           /* first failure, DSVK_OK otherwise */
    atomic_int sys_errno;
    dsvk_io_op inline_op;         /* the single op of a one-chunk read */
    dsvk_io_op *ops;              /* inline_op or an array of n_ops */
    atomic_uint n_ops;            /* published after the ops were submitted (for cancel) */
    void *staging;                /* compressed bytes read from a file */
    void *read_buf;               /* where dsvk_exec_issue_reads puts the file's bytes */
    uint64_t staging_bytes;       /* reserved from the runtime's staging budget */
    uint64_t submit_ns;
    dsvk_job job;                 /* single job: memory copy, decode dispatch */
    struct dsvk_tile_job *tiles;  /* GDeflate tile jobs */
    dsvk_gdeflate_info gd;
    const uint8_t *gd_src;        /* compressed stream (staging or memory source) */
    struct dsvk_exec *next_waiting; /* staging wait list */
    struct dsvk_exec *next_start;   /* submit's list of requests to start */
    uint64_t custom_id;           /* nonzero while offered to the custom queue */
    struct dsvk_exec *next_custom;
    bool custom_taken;
    _Atomic(struct dsvk_gpu_req *) gpu; /* GPU destinations: the executor's state (gpu/executor.h) */
} dsvk_exec;

typedef struct dsvk_tile_job {
    dsvk_job job;
    dsvk_exec *exec;
    uint32_t tile;
} dsvk_tile_job;

enum dsvk_entry_state {
    ENTRY_FREE = 0,
    ENTRY_ENQUEUED,  /* not submitted */
    ENTRY_RUNNING,   /* submitted, request not finished */
    ENTRY_DONE,      /* request finished, or a status/signal entry that is submitted */
};

struct dsvk_entry {
    uint8_t kind;    /* dsvk_entry_kind */
    uint8_t state;   /* dsvk_entry_state; guarded by the queue lock */
    union {
        dsvk_exec *exec;
        struct {
            dsvk_status_array *array;
            uint32_t index;
        } status;
        dsvk_signal signal;
    } u;
};

struct dsvk_queue {
    dsvk_runtime *rt;
    dsvk_link link;
    dsvk_queue_desc desc;
    char name[64];
    uint8_t io_priority;

    pthread_mutex_t lock;
    pthread_cond_t not_full;   /* a slot was freed */
    pthread_cond_t progress;   /* a request's pending count reached zero / retiring ended */
    dsvk_entry *ring;          /* capacity entries; one always free */
    uint32_t cap;
    uint64_t head;             /* oldest entry not retired */
    uint64_t submitted;        /* entries before this one were submitted */
    uint64_t tail;             /* next entry to fill */
    bool retiring;             /* a thread delivers completions */
    bool retire_again;
    bool retire_scheduled;     /* retire_job is queued on the workers */
    dsvk_job retire_job;
    bool closing;

    /* First failure of the requests retired since the previous status entry. */
    dsvk_result failure_since_status;

    dsvk_error_record record;  /* guarded by lock */
    int error_fd;

    dsvk_queue_stats stats;    /* guarded by lock */
    uint64_t busy_since_ns;
    uint32_t running;          /* requests submitted and not finished */
    uint32_t users;            /* threads inside enqueue; close waits for them */
};

struct dsvk_runtime {
    dsvk_config cfg;
    char log_file[512];
    dsvk_io *io;
    dsvk_io_info io_info;
    char io_reason[256];
    dsvk_workers workers;
    uint32_t decode_threads;

    pthread_mutex_t lock;
    dsvk_link queues, files, arrays;

    /* Staging budget for compressed data read from files. */
    pthread_mutex_t staging_lock;
    uint64_t staging_used;
    dsvk_exec *staging_head, *staging_tail;

    /* Custom decompression queue. */
    pthread_mutex_t custom_lock;
    dsvk_exec *custom_head, *custom_tail; /* offered, not taken */
    dsvk_exec **custom_taken;             /* taken, indexed by search */
    uint32_t custom_taken_count, custom_taken_cap;
    uint64_t custom_next_id;
    int custom_fd;

    /* DSVK_STATS_FILE sampler, NULL when not configured (stats_file.c). */
    dsvk_stats_file *stats_file;

    /* Test hook: called before a request finishes (outside every lock). */
    void (*before_finish)(void *user, const dsvk_request *req);
    void *before_finish_user;
};

/* Lists. */
void dsvk_list_init(dsvk_link *head);
void dsvk_list_add(dsvk_link *head, dsvk_link *node);
void dsvk_list_remove(dsvk_link *node);
#define DSVK_CONTAINER(ptr, type, member) ((type *)((char *)(ptr)-offsetof(type, member)))

uint64_t dsvk_now_ns(void);

/* file.c */
void dsvk_file_ref(dsvk_file *f);
void dsvk_file_unref(dsvk_file *f);

/* exec.c: running requests. */
void dsvk_exec_start(dsvk_exec *e);                 /* after submit, no lock held */
void dsvk_exec_finish(dsvk_exec *e, dsvk_result r); /* sets the result, completes the entry */
void dsvk_exec_job_done(dsvk_exec *e);              /* one pending op/job ended */
void dsvk_exec_drop(dsvk_exec *e); /* the same, on an application thread: never finishes inline */
bool dsvk_exec_try_cancel(dsvk_exec *e);            /* takes queued ops back; no lock held */
void dsvk_exec_free(dsvk_exec *e);
void dsvk_exec_fail(dsvk_exec *e, dsvk_result r, int sys_errno); /* first failure wins */
bool dsvk_exec_live(const dsvk_exec *e);            /* not cancelled and not failed */
void dsvk_exec_issue_reads(dsvk_exec *e, void *buf);

/* staging.c */
void dsvk_staging_acquire(dsvk_exec *e); /* starts the read now or when budget frees */
void dsvk_staging_release(dsvk_runtime *rt, dsvk_exec *e);
bool dsvk_staging_forget(dsvk_runtime *rt, dsvk_exec *e); /* true if e was still waiting */

/* custom.c */
void dsvk_custom_offer(dsvk_exec *e);
bool dsvk_custom_withdraw(dsvk_exec *e); /* true if taken back before the app took it */

/* queue.c */
void dsvk_queue_request_done(dsvk_exec *e); /* the request's pending count reached zero */

/* decode.c */
void dsvk_decode_start(dsvk_exec *e, const void *src, uint64_t size);

#endif
