/*
 * The one logging module. Level and destination come from the runtime configuration, or
 * before any runtime exists from DSVK_LOG / DSVK_LOG_FILE. Messages that concern a request
 * name its file, offset and request name.
 */
#ifndef DSVK_LOG_H
#define DSVK_LOG_H

#include <stdbool.h>

#include <dsvk/runtime.h>

/* Sets level and destination (NULL = stderr). */
void dsvk_log_configure(dsvk_log_level level, const char *file);
bool dsvk_log_enabled(dsvk_log_level level);
void dsvk_log(dsvk_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Parses "error|warn|info|debug|trace"; false for anything else. */
bool dsvk_log_parse_level(const char *s, dsvk_log_level *out);

#define DSVK_ERR(...) dsvk_log(DSVK_LOG_ERROR, __VA_ARGS__)
#define DSVK_WARN(...) dsvk_log(DSVK_LOG_WARN, __VA_ARGS__)
#define DSVK_INFO(...) dsvk_log(DSVK_LOG_INFO, __VA_ARGS__)
#define DSVK_DEBUG(...)                                                                            \
    do {                                                                                           \
        if (dsvk_log_enabled(DSVK_LOG_DEBUG))                                                      \
            dsvk_log(DSVK_LOG_DEBUG, __VA_ARGS__);                                                 \
    } while (0)
#define DSVK_TRACE(...)                                                                            \
    do {                                                                                           \
        if (dsvk_log_enabled(DSVK_LOG_TRACE))                                                      \
            dsvk_log(DSVK_LOG_TRACE, __VA_ARGS__);                                                 \
    } while (0)

#endif
