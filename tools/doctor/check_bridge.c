/*
 * The Wine bridge's two halves: the preload shim (libdsvk_preload.so) and our PE
 * dstorage.dll. Both carry a "dsvk-version:X.Y.Z" string; they must match each other and
 * the core. The shim's exported read/write functions are what it interposes, which the
 * Wine check compares with what each Wine's ntdll.so imports.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <dsvk/api.h>

#include "doctor.h"
#include "elf_symbols.h"
#include "io_symbols.h"
#include "path_list.h"

#define SHIM_NAME "libdsvk_preload.so"
#define VERSION_TAG "dsvk-version:"
#define BUILTIN_MARKER "Wine builtin DLL"

typedef struct part {
    bool installed;
    char path[DOCTOR_PATH_MAX];
    char version[64]; /* "" when the file carries no version tag */
    char looked[DOCTOR_TEXT_MAX / 2];
} part;

static struct {
    part shim, dll;
    char shim_error[512];
    bool dll_is_pe64, dll_builtin_marker;
} br;

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static void note_looked(part *p, const char *path)
{
    size_t len = strlen(p->looked);
    snprintf(p->looked + len, sizeof(p->looked) - len, "%s%s", len ? ", " : "", path);
}

static bool try_path(part *p, const char *path)
{
    note_looked(p, path);
    if (!is_file(path))
        return false;
    p->installed = true;
    snprintf(p->path, sizeof(p->path), "%s", path);
    return true;
}

/* Finds "dsvk-version:" in the file and copies the version after it. */
static void read_version_tag(part *p)
{
    FILE *f = fopen(p->path, "rb");
    if (!f)
        return;
    static char buf[1 << 16];
    const size_t tag_len = strlen(VERSION_TAG);
    size_t keep = 0;
    for (;;) {
        size_t n = fread(buf + keep, 1, sizeof(buf) - keep, f);
        if (n == 0)
            break;
        size_t have = keep + n;
        for (size_t i = 0; i + tag_len <= have; i++) {
            if (memcmp(buf + i, VERSION_TAG, tag_len) != 0)
                continue;
            size_t j = i + tag_len, o = 0;
            while (j < have && o + 1 < sizeof(p->version) &&
                   (buf[j] == '.' || buf[j] == '-' || buf[j] == '+' ||
                    (buf[j] >= '0' && buf[j] <= '9') || (buf[j] >= 'a' && buf[j] <= 'z') ||
                    (buf[j] >= 'A' && buf[j] <= 'Z')))
                p->version[o++] = buf[j++];
            p->version[o] = 0;
            if (o) {
                fclose(f);
                return;
            }
        }
        /* Keep a tail in case the tag straddles two reads. */
        keep = have < 64 ? have : 64;
        memmove(buf, buf + have - keep, keep);
    }
    fclose(f);
}

static void inspect_pe(const char *path)
{
    FILE *f = fopen(path, "rb");
    uint8_t head[4096] = {0};
    size_t n = f ? fread(head, 1, sizeof(head), f) : 0;
    if (f)
        fclose(f);
    if (n < 0x40 + sizeof(BUILTIN_MARKER) || head[0] != 'M' || head[1] != 'Z')
        return;
    br.dll_builtin_marker = memcmp(head + 0x40, BUILTIN_MARKER, sizeof(BUILTIN_MARKER)) == 0;
    uint32_t pe = (uint32_t)head[0x3c] | (uint32_t)head[0x3d] << 8 | (uint32_t)head[0x3e] << 16 |
                  (uint32_t)head[0x3f] << 24;
    if (pe + 6 <= n && !memcmp(head + pe, "PE\0\0", 4))
        br.dll_is_pe64 = (head[pe + 4] | head[pe + 5] << 8) == 0x8664;
}

static void dirname_of(const char *path, char *out, size_t n)
{
    snprintf(out, n, "%s", path);
    char *slash = strrchr(out, '/');
    if (slash)
        *slash = 0;
}

static void find_parts(doctor *d)
{
    char path[DOCTOR_PATH_MAX];
    const char *env = getenv("DSVK_SHIM_PATH");
    if (env && *env) {
        try_path(&br.shim, env);
    } else {
        /* The install puts it in <libdir>/dsvk (preload/CMakeLists.txt). */
        path_join(path, sizeof(path), d->lib_dir, "dsvk/" SHIM_NAME);
        if (!try_path(&br.shim, path)) {
            path_join(path, sizeof(path), d->lib_dir, SHIM_NAME);
            try_path(&br.shim, path);
        }
    }
    /* The shim adds <its real dir>/wine to WINEDLLPATH (preload/shim/setup.c), where Wine
     * looks for <dir>/dstorage.dll and <dir>/x86_64-windows/dstorage.dll. */
    char base[DOCTOR_PATH_MAX];
    if (br.shim.installed) {
        char *real = realpath(br.shim.path, NULL);
        dirname_of(real ? real : br.shim.path, base, sizeof(base));
        free(real);
    } else {
        path_join(base, sizeof(base), d->lib_dir, "dsvk");
    }
    static const char *const dll_places[] = {
        "wine/x86_64-windows/dstorage.dll",
        "wine/dstorage.dll",
    };
    for (size_t i = 0; i < sizeof(dll_places) / sizeof(dll_places[0]); i++) {
        path_join(path, sizeof(path), base, dll_places[i]);
        if (try_path(&br.dll, path))
            break;
    }
}

static void learn_interposed(doctor *d)
{
    d->n_interposed = 0;
    elf_symbols exports;
    if (br.shim.installed && elf_read_symbols(br.shim.path, ELF_EXPORTS, &exports, br.shim_error,
                                              sizeof(br.shim_error))) {
        for (size_t i = 0; i < exports.count && d->n_interposed < 32; i++)
            if (io_symbol_in_family(exports.names[i]))
                snprintf(d->interposed[d->n_interposed++], sizeof(d->interposed[0]), "%s",
                         exports.names[i]);
        elf_symbols_free(&exports);
        d->interposed_from_elf = true;
        return;
    }
    for (size_t i = 0; i < shim_interposed_fallback_count; i++)
        snprintf(d->interposed[d->n_interposed++], sizeof(d->interposed[0]), "%s",
                 shim_interposed_fallback[i]);
    d->interposed_from_elf = false;
}

static void report(doctor *d)
{
    static const char *const install_fix =
        "Run scripts/install.sh from a dsvk checkout whose Wine bridge (preload/) is built.";
    if (!br.shim.installed)
        doctor_add(d, "shim", LEVEL_FAIL, true, install_fix,
                   "the preload shim is not installed (looked for %s)", br.shim.looked);
    else if (br.shim_error[0])
        doctor_add(d, "shim", LEVEL_FAIL, true, install_fix, "the shim at %s is unreadable: %s",
                   br.shim.path, br.shim_error);
    else
        doctor_add(d, "shim", LEVEL_OK, true, NULL, "shim %s at %s",
                   br.shim.version[0] ? br.shim.version : "(no version tag)", br.shim.path);

    if (!br.dll.installed) {
        doctor_add(d, "dll", LEVEL_FAIL, true, install_fix,
                   "dsvk's dstorage.dll is not installed (looked for %s)", br.dll.looked);
    } else if (!br.dll_is_pe64) {
        doctor_add(d, "dll", LEVEL_FAIL, true, install_fix, "%s is not a 64-bit PE DLL",
                   br.dll.path);
    } else if (!br.dll_builtin_marker) {
        doctor_add(d, "dll", LEVEL_FAIL, true, install_fix,
                   "%s lacks the \"Wine builtin DLL\" marker: Wine would prefer the game's own "
                   "dstorage.dll",
                   br.dll.path);
    } else {
        doctor_add(d, "dll", LEVEL_OK, true, NULL, "dstorage.dll %s at %s",
                   br.dll.version[0] ? br.dll.version : "(no version tag)", br.dll.path);
    }

    if (br.shim.installed && br.dll.installed) {
        const char *sv = br.shim.version, *dv = br.dll.version;
        if (!sv[0] || !dv[0])
            doctor_add(d, "dll", LEVEL_WARN, true, NULL,
                       "cannot tell whether shim and DLL match: %s carries no \"" VERSION_TAG
                       "\" string",
                       !sv[0] ? "the shim" : "the DLL");
        else if (strcmp(sv, dv) != 0 || strcmp(sv, DSVK_VERSION_STRING) != 0)
            doctor_add(d, "dll", LEVEL_FAIL, true,
                       "Reinstall dsvk (scripts/install.sh): its parts come from different "
                       "builds.",
                       "versions differ: shim %s, dstorage.dll %s, dsvk %s", sv, dv,
                       DSVK_VERSION_STRING);
        else
            doctor_add(d, "dll", LEVEL_OK, true, NULL, "shim and dstorage.dll are both %s", sv);
    }
}

void check_bridge(doctor *d)
{
    find_parts(d);
    if (br.shim.installed)
        read_version_tag(&br.shim);
    if (br.dll.installed) {
        read_version_tag(&br.dll);
        inspect_pe(br.dll.path);
    }
    learn_interposed(d);
    report(d);
}

static void json_part(json_writer *w, const char *key, const part *p)
{
    jw_object_begin(w, key);
    jw_bool(w, "installed", p->installed);
    jw_string(w, "path", p->installed ? p->path : NULL);
    jw_string(w, "version", p->version[0] ? p->version : NULL);
    jw_string(w, "looked_for", p->looked);
    jw_object_end(w);
}

void json_bridge(json_writer *w, const doctor *d)
{
    jw_object_begin(w, "bridge");
    json_part(w, "shim", &br.shim);
    json_part(w, "dll", &br.dll);
    jw_bool(w, "dll_pe64", br.dll_is_pe64);
    jw_bool(w, "dll_builtin_marker", br.dll_builtin_marker);
    jw_bool(w, "versions_match",
            br.shim.version[0] && !strcmp(br.shim.version, br.dll.version) &&
                !strcmp(br.shim.version, DSVK_VERSION_STRING));
    jw_array_begin(w, "interposed");
    for (size_t i = 0; i < d->n_interposed; i++)
        jw_string(w, NULL, d->interposed[i]);
    jw_array_end(w);
    jw_string(w, "interposed_source", d->interposed_from_elf ? "elf" : "builtin-list");
    jw_object_end(w);
}
