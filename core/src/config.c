/* Configuration defaults and the DSVK_* environment variables. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void dsvk_config_init(dsvk_config *c)
{
    *c = (dsvk_config){
        .io_backend = DSVK_IO_AUTO,
        .decoder = DSVK_DECODER_AUTO,
        .log_level = DSVK_LOG_WARN,
    };
}

static bool parse_uint(const char *s, uint64_t max, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || v > max || s[0] == '-')
        return false;
    *out = v;
    return true;
}

static bool bad(const char *var, const char *value, const char *expected)
{
    DSVK_ERR("unknown value '%s' for %s (expected %s); ignoring it", value, var, expected);
    return false;
}

dsvk_result dsvk_config_load_env(dsvk_config *c)
{
    bool ok = true;
    const char *s;
    uint64_t v;

    if ((s = getenv("DSVK_IO")) && *s) {
        if (!strcmp(s, "auto"))
            c->io_backend = DSVK_IO_AUTO;
        else if (!strcmp(s, "uring"))
            c->io_backend = DSVK_IO_URING;
        else if (!strcmp(s, "threads"))
            c->io_backend = DSVK_IO_THREADS;
        else
            ok = bad("DSVK_IO", s, "auto|uring|threads");
    }
    if ((s = getenv("DSVK_IO_THREADS")) && *s) {
        if (parse_uint(s, 256, &v))
            c->io_threads = (uint32_t)v;
        else
            ok = bad("DSVK_IO_THREADS", s, "a number 0..256");
    }
    if ((s = getenv("DSVK_WORKERS")) && *s) {
        if (parse_uint(s, 256, &v))
            c->worker_threads = (uint32_t)v;
        else
            ok = bad("DSVK_WORKERS", s, "a number 0..256");
    }
    if ((s = getenv("DSVK_STAGING_MB")) && *s) {
        if (parse_uint(s, 1u << 20, &v))
            c->staging_size = v << 20;
        else
            ok = bad("DSVK_STAGING_MB", s, "a number of MiB");
    }
    if ((s = getenv("DSVK_DIRECT_IO")) && *s) {
        if (!strcmp(s, "0") || !strcmp(s, "1"))
            c->direct_io = s[0] == '1';
        else
            ok = bad("DSVK_DIRECT_IO", s, "0|1");
    }
    if ((s = getenv("DSVK_DECODER")) && *s) {
        if (!strcmp(s, "auto"))
            c->decoder = DSVK_DECODER_AUTO;
        else if (!strcmp(s, "gpu"))
            c->decoder = DSVK_DECODER_GPU;
        else if (!strcmp(s, "gpu-native"))
            c->decoder = DSVK_DECODER_GPU_NATIVE;
        else if (!strcmp(s, "cpu"))
            c->decoder = DSVK_DECODER_CPU;
        else
            ok = bad("DSVK_DECODER", s, "auto|gpu|gpu-native|cpu");
    }
    if ((s = getenv("DSVK_LOG")) && *s) {
        dsvk_log_level level;
        if (dsvk_log_parse_level(s, &level))
            c->log_level = level;
        else
            ok = bad("DSVK_LOG", s, "error|warn|info|debug|trace");
    }
    if ((s = getenv("DSVK_LOG_FILE")) && *s)
        c->log_file = s;
    if ((s = getenv("DSVK_STATS")) && *s) {
        if (!strcmp(s, "0") || !strcmp(s, "1"))
            c->stats_at_exit = s[0] == '1';
        else
            ok = bad("DSVK_STATS", s, "0|1");
    }
    if ((s = getenv("DSVK_STATS_FILE")) && *s)
        c->stats_file = s;
    return ok ? DSVK_OK : DSVK_E_INVALID_ARGUMENT;
}
