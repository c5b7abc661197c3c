/*
 * dsvk-pack: GDeflate tile streams from the command line (compress, decompress, info).
 * Each subcommand lives in its own file; this header holds what they share.
 */
#ifndef DSVK_PACK_H
#define DSVK_PACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Exit codes (also listed by --help). */
enum {
    PACK_OK = 0,
    PACK_E_IO = 1,      /* a file could not be read or written */
    PACK_E_USAGE = 2,   /* bad command line */
    PACK_E_CORRUPT = 3, /* the input is not a valid GDeflate stream */
    PACK_E_INPUT = 4,   /* the input cannot be compressed (empty or over 65535 tiles) */
    PACK_E_VERIFY = 5,  /* --verify: the stream does not decode to the input */
    PACK_E_NO_MEMORY = 6,
};

typedef struct pack_options {
    int level;        /* 1..12 */
    uint32_t threads; /* 0 = one per CPU */
    bool verify;
    const char *in, *out;
} pack_options;

/* A whole input file, mapped read-only (or read, for pipes). */
typedef struct pack_file {
    const uint8_t *data;
    size_t size;
    void *map;  /* mapping to unmap, or NULL */
    void *heap; /* buffer to free, or NULL */
} pack_file;

/* Loads path; prints "dsvk-pack: PATH: reason" and returns false on failure. */
bool pack_read_file(const char *path, pack_file *f);
void pack_close_file(pack_file *f);
/* Writes size bytes to path (replacing it); on failure prints why, removes the partial
 * file and returns false. */
bool pack_write_file(const char *path, const void *data, size_t size);

/* Progress on stderr for large inputs, only when stderr is a terminal. */
typedef struct pack_progress {
    bool on;
    const char *verb, *name;
    uint64_t total;
} pack_progress;
void pack_progress_start(pack_progress *p, const char *verb, const char *name, uint64_t total);
void pack_progress_update(pack_progress *p, uint64_t done); /* p may be NULL */
void pack_progress_end(pack_progress *p);

/* Tiles per step of the stepwise compress/decompress (progress is reported per step). */
uint32_t pack_step_tiles(uint32_t threads);

/* Decodes a whole stream into out in steps of tiles (progress may be NULL). Returns a PACK_
 * code; for a corrupt stream *failed_tile is the first bad tile (UINT32_MAX: header). */
int pack_decode_stream(const uint8_t *in, size_t in_size, uint8_t *out, uint64_t out_size,
                       uint32_t threads, pack_progress *progress, uint32_t *failed_tile);
/* Prints "dsvk-pack: NAME: corrupt GDeflate stream: ..." for a stream that failed. */
void pack_report_corrupt(const char *name, const uint8_t *in, size_t in_size, uint32_t failed_tile);

int pack_compress(const pack_options *o);
int pack_decompress(const pack_options *o);
int pack_info(const pack_options *o);

#endif
