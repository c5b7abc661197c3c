/*
 * The shim's log: one line per message on stderr, "dsvk-preload[pid]: ...". Its level follows
 * DSVK_LOG like the core's (error|warn|info|debug|trace, default warn); errors always print.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shim.h"

enum { LV_ERROR, LV_WARN, LV_INFO, LV_DEBUG };
static int level = LV_WARN;

void shim_log_init(void)
{
    const char *s = getenv("DSVK_LOG");
    if (!s || !*s)
        return;
    if (!strcmp(s, "error"))
        level = LV_ERROR;
    else if (!strcmp(s, "warn"))
        level = LV_WARN;
    else if (!strcmp(s, "info"))
        level = LV_INFO;
    else if (!strcmp(s, "debug") || !strcmp(s, "trace"))
        level = LV_DEBUG;
    /* Unknown values are reported by the core when it reads DSVK_LOG. */
}

static void vlog(int lv, const char *tag, const char *fmt, va_list ap)
{
    if (lv > level)
        return;
    char line[1024];
    int n = snprintf(line, sizeof(line), "dsvk-preload[%d]: %s", (int)getpid(), tag);
    if (n < 0 || (size_t)n >= sizeof(line))
        return;
    int m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
    if (m < 0)
        return;
    size_t len = strlen(line);
    line[len++] = '\n';
    /* One write, so lines of concurrent threads and processes do not interleave. */
    ssize_t w = write(2, line, len);
    (void)w;
}

#define SHIM_LOG_FN(name, lv, tag)                                                                 \
    void name(const char *fmt, ...)                                                                \
    {                                                                                              \
        va_list ap;                                                                                \
        va_start(ap, fmt);                                                                         \
        vlog(lv, tag, fmt, ap);                                                                    \
        va_end(ap);                                                                                \
    }
SHIM_LOG_FN(shim_err, LV_ERROR, "error: ")
SHIM_LOG_FN(shim_warn, LV_WARN, "warning: ")
SHIM_LOG_FN(shim_info, LV_INFO, "")
SHIM_LOG_FN(shim_debug, LV_DEBUG, "")
