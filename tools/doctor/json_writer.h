/*
 * A small streaming JSON writer for the tools' --json output (dsvk-doctor, dsvk-demo).
 * Members are written in call order; the writer inserts commas and escapes strings. Pass a
 * key inside objects and NULL inside arrays (and for the top-level value).
 */
#ifndef DSVK_JSON_WRITER_H
#define DSVK_JSON_WRITER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JW_MAX_DEPTH 32

typedef struct json_writer {
    FILE *out;
    int depth;
    bool has_member[JW_MAX_DEPTH]; /* a value was written at this depth: next needs a comma */
} json_writer;

void jw_init(json_writer *w, FILE *out);
void jw_object_begin(json_writer *w, const char *key);
void jw_object_end(json_writer *w);
void jw_array_begin(json_writer *w, const char *key);
void jw_array_end(json_writer *w);
void jw_string(json_writer *w, const char *key, const char *value); /* NULL -> null */
void jw_bool(json_writer *w, const char *key, bool value);
void jw_int(json_writer *w, const char *key, int64_t value);
void jw_uint(json_writer *w, const char *key, uint64_t value);
void jw_double(json_writer *w, const char *key, double value); /* non-finite -> null */
void jw_null(json_writer *w, const char *key);
/* Ends the document with a newline. */
void jw_finish(json_writer *w);

#endif
