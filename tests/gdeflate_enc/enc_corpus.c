/* Test corpora (see enc_corpus.h). */
#include "enc_corpus.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static uint64_t next_random(uint64_t *s)
{
    /* xorshift64* */
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545F4914F6CDD1DULL;
}

static const char *const words[] = {
    "the",     "of",      "and",    "texture", "mesh",   "shader", "stream", "queue",
    "request", "file",    "read",   "tile",    "block",  "level",  "engine", "asset",
    "a",       "to",      "in",     "is",      "for",    "with",   "that",   "on",
    "buffer",  "memory",  "vertex", "index",   "normal", "light",  "shadow", "frame",
    "render",  "compute", "load",   "fast",    "data",   "world",  "player", "sound",
};
#define NUM_WORDS (sizeof(words) / sizeof(words[0]))

/* Appends s to buf at *pos, as far as it fits. */
static void put(uint8_t *buf, size_t n, size_t *pos, const char *s)
{
    for (; *s && *pos < n; s++)
        buf[(*pos)++] = (uint8_t)*s;
}

static void fill_text(uint8_t *buf, size_t n, uint64_t seed)
{
    size_t pos = 0;
    unsigned in_sentence = 0;
    while (pos < n) {
        uint64_t r = next_random(&seed);
        /* Zipf-like: low word indices are much more common. */
        unsigned w = (unsigned)((r % NUM_WORDS) * ((r >> 32) % NUM_WORDS) / NUM_WORDS);
        if (in_sentence == 0 && (r >> 40) % 7 == 0)
            put(buf, n, &pos, "\n<p class=\"body\">");
        put(buf, n, &pos, words[w]);
        in_sentence++;
        if ((r >> 48) % 11 == 0) {
            put(buf, n, &pos, ". ");
            in_sentence = 0;
        } else if ((r >> 52) % 13 == 0) {
            put(buf, n, &pos, ", ");
        } else {
            put(buf, n, &pos, " ");
        }
    }
}

static void fill_vertices(uint8_t *buf, size_t n, uint64_t seed)
{
    size_t pos = 0;
    unsigned i = 0;
    double phase = (double)(seed % 1000) / 1000.0;
    while (pos < n) {
        double u = (i % 256) / 255.0, v = (i / 256) / 255.0;
        float rec[8] = {
            (float)(cos(u * 6.2831853 + phase) * (2.0 + cos(v * 6.2831853))),
            (float)(sin(u * 6.2831853 + phase) * (2.0 + cos(v * 6.2831853))),
            (float)sin(v * 6.2831853),
            (float)(cos(u * 6.2831853) * cos(v * 6.2831853)),
            (float)(sin(u * 6.2831853) * cos(v * 6.2831853)),
            (float)sin(v * 6.2831853),
            (float)u,
            (float)v,
        };
        size_t take = n - pos < sizeof(rec) ? n - pos : sizeof(rec);
        memcpy(buf + pos, rec, take);
        pos += take;
        i++;
    }
}

static void fill_json(uint8_t *buf, size_t n, uint64_t seed)
{
    size_t pos = 0;
    unsigned id = 0;
    put(buf, n, &pos, "[\n");
    while (pos < n) {
        char rec[256];
        uint64_t r = next_random(&seed);
        snprintf(rec, sizeof(rec),
                 "  {\"id\": %u, \"name\": \"%s_%s\", \"lod\": %u, \"visible\": %s, "
                 "\"scale\": %u.%03u, \"tags\": [\"%s\", \"%s\"]},\n",
                 id++, words[r % NUM_WORDS], words[(r >> 8) % NUM_WORDS], (unsigned)(r >> 16) % 4,
                 (r >> 20) & 1 ? "true" : "false", (unsigned)(r >> 24) % 10,
                 (unsigned)(r >> 32) % 1000, words[(r >> 42) % 16], words[(r >> 50) % 16]);
        put(buf, n, &pos, rec);
    }
}

static void fill_texture(uint8_t *buf, size_t n, uint64_t seed)
{
    const unsigned width = 256;
    for (size_t i = 0; i < n; i++) {
        size_t px = i / 4;
        unsigned x = (unsigned)(px % width), y = (unsigned)(px / width) % 256,
                 c = (unsigned)(i % 4);
        uint64_t r = next_random(&seed);
        unsigned value;
        if (c == 3)
            value = 255; /* opaque alpha */
        else if ((x / 64 + y / 64) % 3 == 0)
            value = 40 * c + 20; /* flat region */
        else
            value = (x * (c + 1) + y * (3 - c)) / 2 + (unsigned)(r % 5); /* gradient + noise */
        buf[i] = (uint8_t)value;
    }
}

static void fill_random(uint8_t *buf, size_t n, uint64_t seed)
{
    for (size_t i = 0; i < n; i++)
        buf[i] = (uint8_t)(next_random(&seed) >> 56);
}

const char *enc_corpus_name(enum enc_corpus c)
{
    static const char *const names[CORPUS_COUNT] = {"text",    "vertices", "json",
                                                    "texture", "random",   "zeros"};
    return c < CORPUS_COUNT ? names[c] : "?";
}

void enc_corpus_fill(enum enc_corpus c, uint8_t *buf, size_t n, uint64_t seed)
{
    seed = seed * 0x9E3779B97F4A7C15ULL + c + 1;
    switch (c) {
    case CORPUS_TEXT: fill_text(buf, n, seed); break;
    case CORPUS_VERTICES: fill_vertices(buf, n, seed); break;
    case CORPUS_JSON: fill_json(buf, n, seed); break;
    case CORPUS_TEXTURE: fill_texture(buf, n, seed); break;
    case CORPUS_RANDOM: fill_random(buf, n, seed); break;
    default: memset(buf, 0, n); break;
    }
}
