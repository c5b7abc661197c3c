/*
 * dsvk-doctor: each check fills its section of the report (what it found, for --json) and
 * adds findings (what it means, in plain words, for the text report and the exit code).
 */
#ifndef DSVK_DOCTOR_H
#define DSVK_DOCTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "json_writer.h"

#define DOCTOR_TEXT_MAX 2048
#define DOCTOR_PATH_MAX 4096

typedef enum finding_level {
    LEVEL_OK = 0,
    LEVEL_NOTE = 1, /* worth knowing, changes nothing */
    LEVEL_WARN = 2, /* dsvk works, but slower or with less */
    LEVEL_FAIL = 3, /* dsvk cannot work this way: the exit code says so */
} finding_level;

typedef struct finding {
    const char *area; /* "core", "io", "vulkan", "layer", "shim", "dll", "wine" */
    finding_level level;
    bool games_only; /* blocks games under Wine, not native programs (--native) */
    char text[DOCTOR_TEXT_MAX];
    char fix[DOCTOR_TEXT_MAX]; /* what to do about it; "" when nothing */
} finding;

typedef struct doctor {
    bool native_only; /* --native: only what native programs need can block */
    finding findings[96];
    size_t n_findings;
    /* Where this program and its installed neighbours live. */
    char exe_dir[DOCTOR_PATH_MAX];
    char lib_dir[DOCTOR_PATH_MAX]; /* exe_dir + relative bin -> lib path */
    /* The shim's exported read/write-family functions (bridge check -> Wine check). */
    char interposed[32][32];
    size_t n_interposed;
    bool interposed_from_elf; /* false: the built-in list kept in sync with preload/ */
} doctor;

/* Adds a finding: the text is a printf format, the fix a plain string (or NULL). */
void doctor_add(doctor *d, const char *area, finding_level level, bool games_only, const char *fix,
                const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* True when the finding makes the exit code non-zero under the current mode. */
bool doctor_blocks(const doctor *d, const finding *f);

/* The checks, in report order. Each has a JSON writer for its section. */
void check_core(doctor *d);
void json_core(json_writer *w, const doctor *d);
void check_io(doctor *d);
void json_io(json_writer *w, const doctor *d);
void check_vulkan(doctor *d);
void json_vulkan(json_writer *w, const doctor *d);
void check_bridge(doctor *d);
void json_bridge(json_writer *w, const doctor *d);
void check_wine(doctor *d);
void json_wine(json_writer *w, const doctor *d);

#endif
