/* Generated inputs for the encoder tests: deterministic, shaped like game-asset data. */
#ifndef DSVK_TEST_ENC_CORPUS_H
#define DSVK_TEST_ENC_CORPUS_H

#include <stddef.h>
#include <stdint.h>

enum enc_corpus {
    CORPUS_TEXT,     /* English-like prose with markup */
    CORPUS_VERTICES, /* interleaved float position / normal / uv records of a smooth surface */
    CORPUS_JSON,     /* JSON-like records */
    CORPUS_TEXTURE,  /* RGBA8 image: gradients, soft noise, flat regions */
    CORPUS_RANDOM,   /* incompressible */
    CORPUS_ZEROS,
    CORPUS_COUNT
};

const char *enc_corpus_name(enum enc_corpus c);

/* Fills buf[0..n) with corpus c; the same (c, n, seed) always gives the same bytes. */
void enc_corpus_fill(enum enc_corpus c, uint8_t *buf, size_t n, uint64_t seed);

#endif
