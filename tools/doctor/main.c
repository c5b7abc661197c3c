/*
 * dsvk-doctor: tells a player, in plain words, whether this machine can run dsvk and what
 * to do about what stands in the way. Exit status 0: nothing blocks dsvk; 1: something
 * does (listed); 2: usage error.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <dsvk/api.h>

#include "doctor.h"

#define WRAP_COLUMNS 100
#define INDENT 15

static void usage(FILE *out)
{
    fprintf(out,
            "usage: dsvk-doctor [--json] [--native]\n"
            "\n"
            "Checks whether dsvk can work on this machine and explains what blocks it:\n"
            "  - io_uring: usable, or why not (seccomp, kernel.io_uring_disabled, old kernel);\n"
            "    dsvk then reads with a thread pool\n"
            "  - Vulkan devices: name, driver, UUID, and which GDeflate decoder each gets\n"
            "    (gpu-native: VK_NV/EXT_memory_decompression; gpu-shader: dsvk's shader; cpu)\n"
            "  - the Vulkan layer VK_LAYER_DSVK_capture: asked of the Vulkan loader with DSVK=1\n"
            "  - the preload shim and dstorage.dll: installed, and of the same version\n"
            "  - Wine and Proton builds (system, Steam libraries, compatibilitytools.d): does\n"
            "    the shim interpose every read/write function their ntdll.so imports\n"
            "\n"
            "  --json     print one JSON object instead of the text report\n"
            "  --native   only what native programs using libdsvk need can block (the layer,\n"
            "             shim, DLL and Wine are still reported)\n"
            "  --help     this text;  --version  the version\n"
            "\n"
            "Exit status: 0 nothing blocks dsvk, 1 something does (see the FAIL lines),\n"
            "2 usage error. The DSVK_* variables of this environment apply (DSVK_IO,\n"
            "DSVK_DECODER, ...); DSVK_SHIM_PATH checks a shim other than the installed one.\n"
            "See docs/TROUBLESHOOTING.md.\n");
}

void doctor_add(doctor *d, const char *area, finding_level level, bool games_only, const char *fix,
                const char *fmt, ...)
{
    if (d->n_findings == sizeof(d->findings) / sizeof(d->findings[0]))
        return;
    finding *f = &d->findings[d->n_findings++];
    f->area = area;
    f->level = level;
    f->games_only = games_only;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->text, sizeof(f->text), fmt, ap);
    va_end(ap);
    snprintf(f->fix, sizeof(f->fix), "%s", fix ? fix : "");
}

bool doctor_blocks(const doctor *d, const finding *f)
{
    return f->level == LEVEL_FAIL && !(d->native_only && f->games_only);
}

/* Where this program lives, and the lib folder its installed neighbours are in. */
static void locate_self(doctor *d)
{
    char exe[DOCTOR_PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n <= 0) {
        snprintf(d->exe_dir, sizeof(d->exe_dir), ".");
    } else {
        exe[n] = 0;
        char *slash = strrchr(exe, '/');
        if (slash)
            *slash = 0;
        snprintf(d->exe_dir, sizeof(d->exe_dir), "%s", exe);
    }
    char joined[2 * DOCTOR_PATH_MAX];
    snprintf(joined, sizeof(joined), "%s/%s", d->exe_dir, DSVK_LIBDIR_FROM_BINDIR);
    char *real = realpath(joined, NULL);
    snprintf(d->lib_dir, sizeof(d->lib_dir), "%.*s", (int)sizeof(d->lib_dir) - 1,
             real ? real : joined);
    free(real);
}

/* Prints text that starts at column `col`; continuation lines start at column `indent`. Words
 * wrap at WRAP_COLUMNS. */
static void print_wrapped(const char *text, int col, int indent)
{
    bool line_start = true;
    const char *p = text;
    while (*p) {
        const char *end = p;
        while (*end && *end != ' ')
            end++;
        int len = (int)(end - p);
        if (!line_start && col + 1 + len > WRAP_COLUMNS) {
            printf("\n%*s", indent, "");
            col = indent;
            line_start = true;
        }
        if (!line_start) {
            putchar(' ');
            col++;
        }
        fwrite(p, 1, (size_t)len, stdout);
        col += len;
        line_start = false;
        p = *end ? end + 1 : end;
    }
    putchar('\n');
}

static const char *level_label(const doctor *d, const finding *f)
{
    switch (f->level) {
    case LEVEL_OK: return "ok";
    case LEVEL_NOTE: return "note";
    case LEVEL_WARN: return "warn";
    default: return doctor_blocks(d, f) ? "FAIL" : "warn";
    }
}

static void print_text(const doctor *d)
{
    printf("dsvk-doctor %s: is this machine ready for dsvk%s?\n\n", DSVK_VERSION_STRING,
           d->native_only ? " (native programs)" : "");
    size_t blocking = 0, warnings = 0;
    for (size_t i = 0; i < d->n_findings; i++) {
        const finding *f = &d->findings[i];
        printf("%-8s %-5s ", f->area, level_label(d, f));
        char text[DOCTOR_TEXT_MAX + 32];
        snprintf(text, sizeof(text), "%s%s", f->text,
                 f->level == LEVEL_FAIL && !doctor_blocks(d, f) ? " (blocks games only)" : "");
        print_wrapped(text, INDENT, INDENT);
        if (f->fix[0] && f->level >= LEVEL_WARN) {
            printf("%*s", INDENT, "");
            char fix[DOCTOR_TEXT_MAX + 8];
            snprintf(fix, sizeof(fix), "fix: %s", f->fix);
            print_wrapped(fix, INDENT, INDENT + 5);
        }
        if (doctor_blocks(d, f))
            blocking++;
        else if (f->level >= LEVEL_WARN)
            warnings++;
    }
    printf("\n");
    if (blocking) {
        printf("Result: %zu problem%s block%s dsvk (FAIL above)", blocking,
               blocking == 1 ? "" : "s", blocking == 1 ? "s" : "");
    } else {
        printf("Result: nothing blocks dsvk%s", d->native_only ? " for native programs" : "");
    }
    if (warnings)
        printf("; %zu warning%s", warnings, warnings == 1 ? "" : "s");
    printf(".\n");
}

static void json_findings(json_writer *w, const doctor *d, const char *key, int which)
{
    jw_array_begin(w, key);
    for (size_t i = 0; i < d->n_findings; i++) {
        const finding *f = &d->findings[i];
        bool blocks = doctor_blocks(d, f);
        if ((which == 1 && !blocks) || (which == 2 && (blocks || f->level != LEVEL_WARN)))
            continue;
        static const char *const names[] = {"ok", "note", "warn", "fail"};
        jw_object_begin(w, NULL);
        jw_string(w, "area", f->area);
        jw_string(w, "level", names[f->level]);
        jw_bool(w, "games_only", f->games_only);
        jw_bool(w, "blocking", blocks);
        jw_string(w, "text", f->text);
        jw_string(w, "fix", f->fix[0] ? f->fix : NULL);
        jw_object_end(w);
    }
    jw_array_end(w);
}

static void print_json(const doctor *d, bool ok)
{
    json_writer w;
    jw_init(&w, stdout);
    jw_object_begin(&w, NULL);
    jw_string(&w, "tool", "dsvk-doctor");
    jw_string(&w, "version", DSVK_VERSION_STRING);
    jw_string(&w, "mode", d->native_only ? "native" : "games");
    jw_bool(&w, "ok", ok);
    json_findings(&w, d, "blocking", 1);
    json_findings(&w, d, "warnings", 2);
    json_findings(&w, d, "findings", 0);
    json_core(&w, d);
    json_io(&w, d);
    json_vulkan(&w, d);
    json_bridge(&w, d);
    json_wine(&w, d);
    jw_object_end(&w);
    jw_finish(&w);
}

int main(int argc, char **argv)
{
    static doctor d;
    bool json = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--json")) {
            json = true;
        } else if (!strcmp(argv[i], "--native")) {
            d.native_only = true;
        } else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(argv[i], "--version")) {
            printf("dsvk-doctor %s\n", DSVK_VERSION_STRING);
            return 0;
        } else {
            fprintf(stderr, "dsvk-doctor: unknown option '%s'\n", argv[i]);
            usage(stderr);
            return 2;
        }
    }
    locate_self(&d);
    check_core(&d);
    check_io(&d);
    check_vulkan(&d);
    check_bridge(&d);
    check_wine(&d);

    bool ok = true;
    for (size_t i = 0; i < d.n_findings; i++)
        ok &= !doctor_blocks(&d, &d.findings[i]);
    if (json)
        print_json(&d, ok);
    else
        print_text(&d);
    return ok ? 0 : 1;
}
