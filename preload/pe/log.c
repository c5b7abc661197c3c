/*
 * dstorage.dll's log: each message is one line "dsvk: ..." to OutputDebugString (seen with
 * WINEDEBUG=+debugstr or a debugger) and to the process's stderr handle (the terminal or
 * Proton's log). Level from DSVK_LOG like the unix side: error|warn|info (default warn).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "pe.h"

enum { LV_ERROR, LV_WARN, LV_INFO };

static int log_level(void)
{
    static LONG level = -1;
    LONG l = InterlockedCompareExchange(&level, -1, -1);
    if (l >= 0)
        return (int)l;
    char v[16] = "";
    GetEnvironmentVariableA("DSVK_LOG", v, sizeof(v));
    l = LV_WARN;
    if (!strcmp(v, "error"))
        l = LV_ERROR;
    else if (!strcmp(v, "info") || !strcmp(v, "debug") || !strcmp(v, "trace"))
        l = LV_INFO;
    InterlockedExchange(&level, l);
    return (int)l;
}

static void vlog(int lv, const char *tag, const char *fmt, va_list ap)
{
    if (lv > log_level())
        return;
    char line[1024];
    int n = snprintf(line, sizeof(line), "dsvk: %s", tag);
    if (n < 0)
        return;
    vsnprintf(line + n, sizeof(line) - (size_t)n - 2, fmt, ap);
    size_t len = strlen(line);
    line[len++] = '\n';
    line[len] = 0;
    OutputDebugStringA(line);
    HANDLE err = GetStdHandle(STD_ERROR_HANDLE);
    if (err && err != INVALID_HANDLE_VALUE) {
        DWORD written;
        WriteFile(err, line, (DWORD)len, &written, NULL);
    }
}

#define PE_LOG_FN(name, lv, tag)                                                                   \
    void name(const char *fmt, ...)                                                                \
    {                                                                                              \
        va_list ap;                                                                                \
        va_start(ap, fmt);                                                                         \
        vlog(lv, tag, fmt, ap);                                                                    \
        va_end(ap);                                                                                \
    }
PE_LOG_FN(pe_log_error, LV_ERROR, "error: ")
PE_LOG_FN(pe_log_warn, LV_WARN, "warning: ")
PE_LOG_FN(pe_log_info, LV_INFO, "")
