#include "json_writer.h"

#include <math.h>

void jw_init(json_writer *w, FILE *out)
{
    *w = (json_writer){.out = out};
}

static void write_escaped(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\n': fputs("\\n", out); break;
        case '\t': fputs("\\t", out); break;
        case '\r': fputs("\\r", out); break;
        default:
            if (*p < 0x20)
                fprintf(out, "\\u%04x", *p);
            else
                fputc(*p, out);
        }
    }
    fputc('"', out);
}

/* The comma and key that come before every value. */
static void member(json_writer *w, const char *key)
{
    if (w->has_member[w->depth])
        fputc(',', w->out);
    w->has_member[w->depth] = true;
    if (key) {
        write_escaped(w->out, key);
        fputc(':', w->out);
    }
}

static void open_scope(json_writer *w, const char *key, char bracket)
{
    member(w, key);
    fputc(bracket, w->out);
    if (w->depth + 1 < JW_MAX_DEPTH)
        w->depth++;
    w->has_member[w->depth] = false;
}

static void close_scope(json_writer *w, char bracket)
{
    fputc(bracket, w->out);
    if (w->depth > 0)
        w->depth--;
}

void jw_object_begin(json_writer *w, const char *key)
{
    open_scope(w, key, '{');
}

void jw_object_end(json_writer *w)
{
    close_scope(w, '}');
}

void jw_array_begin(json_writer *w, const char *key)
{
    open_scope(w, key, '[');
}

void jw_array_end(json_writer *w)
{
    close_scope(w, ']');
}

void jw_string(json_writer *w, const char *key, const char *value)
{
    member(w, key);
    if (value)
        write_escaped(w->out, value);
    else
        fputs("null", w->out);
}

void jw_bool(json_writer *w, const char *key, bool value)
{
    member(w, key);
    fputs(value ? "true" : "false", w->out);
}

void jw_int(json_writer *w, const char *key, int64_t value)
{
    member(w, key);
    fprintf(w->out, "%lld", (long long)value);
}

void jw_uint(json_writer *w, const char *key, uint64_t value)
{
    member(w, key);
    fprintf(w->out, "%llu", (unsigned long long)value);
}

void jw_double(json_writer *w, const char *key, double value)
{
    member(w, key);
    if (isfinite(value))
        fprintf(w->out, "%.6g", value);
    else
        fputs("null", w->out);
}

void jw_null(json_writer *w, const char *key)
{
    member(w, key);
    fputs("null", w->out);
}

void jw_finish(json_writer *w)
{
    fputc('\n', w->out);
    fflush(w->out);
}
