#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layer_log.h"

static pthread_once_t level_once = PTHREAD_ONCE_INIT;
static int max_level = LAYER_LOG_WARN;

static void read_level(void)
{
    static const char *const names[] = {"error", "warn", "info", "debug", "trace"};
    const char *s = getenv("DSVK_LOG");
    if (!s || !*s)
        return;
    for (int i = 0; i < (int)(sizeof(names) / sizeof(names[0])); i++) {
        if (!strcmp(s, names[i])) {
            max_level = i > LAYER_LOG_DEBUG ? LAYER_LOG_DEBUG : i;
            return;
        }
    }
    /* The core reports the unknown value too, when it is loaded; the layer may run alone. */
    fprintf(stderr,
            "dsvk layer: warn: unknown value '%s' for DSVK_LOG (expected "
            "error|warn|info|debug|trace)\n",
            s);
}

void dsvk_layer_log(int level, const char *fmt, ...)
{
    static const char *const names[] = {"error", "warn", "info", "debug"};
    pthread_once(&level_once, read_level);
    if (level > max_level)
        return;
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    /* One write per line, so lines of concurrent threads do not interleave. */
    fprintf(stderr, "dsvk layer: %s: %s\n", names[level], line);
}
