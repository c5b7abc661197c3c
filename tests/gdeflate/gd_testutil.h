/* Helpers shared by the GDeflate decoder tests. */
#ifndef DSVK_TEST_GD_TESTUTIL_H
#define DSVK_TEST_GD_TESTUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <dsvk/gdeflate.h>

/* One line of the reference vectors' MANIFEST. */
typedef struct gdt_vector {
    char name[64];
    unsigned level;
    size_t raw_size, stream_size;
} gdt_vector;

/* The vectors directory from DSVK_VECTORS; fails the test (never skips) when it is unset or
 * missing. */
const char *gdt_vectors_dir(void);
/* Every MANIFEST entry (malloc'd array); fails the test if the MANIFEST cannot be read. */
gdt_vector *gdt_manifest(size_t *count);
/* Loads NAME.raw / NAME.lL.gdeflate of an entry (malloc'd), checking their sizes. */
uint8_t *gdt_load_raw(const gdt_vector *v, size_t *size);
uint8_t *gdt_load_stream(const gdt_vector *v, size_t *size);
/* A whole file (malloc'd), NULL if it cannot be read. */
uint8_t *gdt_read_file(const char *path, size_t *size);

/* Deterministic test data of a few kinds. */
typedef enum { GDT_RANDOM, GDT_ZEROS, GDT_TEXT, GDT_FLOATS, GDT_MIXED } gdt_kind;
void gdt_fill(uint8_t *buf, size_t n, gdt_kind kind, uint64_t seed);

/* Output size of tile t of a parsed stream. */
size_t gdt_tile_out_size(const dsvk_gdeflate_info *info, uint32_t t);

/* How many of {generic, counting, bmi2, avx2, avx512} decoder variants this CPU runs (2..5). */
unsigned gdt_decoder_variants(void);

#endif
