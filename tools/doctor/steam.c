#include "steam.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PATH_BYTES 4096

void steam_find_roots(path_list *roots)
{
    const char *home = getenv("HOME");
    if (!home || !*home)
        return;
    const char *data_home = getenv("XDG_DATA_HOME");
    char path[PATH_BYTES];
    if (data_home && *data_home) {
        if (path_join(path, sizeof(path), data_home, "Steam"))
            path_list_add(roots, path);
    }
    static const char *const under_home[] = {
        ".local/share/Steam",
        ".steam/steam",
        ".steam/root",
        ".steam/debian-installation",
        ".var/app/com.valvesoftware.Steam/.local/share/Steam",
        ".var/app/com.valvesoftware.Steam/data/Steam",
    };
    for (size_t i = 0; i < sizeof(under_home) / sizeof(under_home[0]); i++) {
        if (path_join(path, sizeof(path), home, under_home[i]))
            path_list_add(roots, path);
    }
}

/* A VDF token: a quoted string (with \\ and \" escapes), '{' or '}'. */
typedef struct vdf_token {
    char kind; /* 's', '{', '}', 0 at the end */
    char text[PATH_BYTES];
} vdf_token;

static const char *next_token(const char *p, vdf_token *t)
{
    for (;;) {
        while (*p && isspace((unsigned char)*p))
            p++;
        if (p[0] == '/' && p[1] == '/') { /* comment to the end of the line */
            while (*p && *p != '\n')
                p++;
            continue;
        }
        break;
    }
    t->kind = 0;
    t->text[0] = 0;
    if (!*p)
        return p;
    if (*p == '{' || *p == '}') {
        t->kind = *p;
        return p + 1;
    }
    size_t n = 0;
    bool quoted = *p == '"';
    if (quoted)
        p++;
    while (*p && (quoted ? *p != '"' : !isspace((unsigned char)*p) && *p != '{' && *p != '}')) {
        char c = *p++;
        if (quoted && c == '\\' && *p)
            c = *p++;
        if (n + 1 < sizeof(t->text))
            t->text[n++] = c;
    }
    if (quoted && *p == '"')
        p++;
    t->text[n] = 0;
    t->kind = 's';
    return p;
}

static bool all_digits(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s))
            return false;
    return true;
}

void steam_parse_libraryfolders(const char *text, void (*found)(void *user, const char *path),
                                void *user)
{
    vdf_token key, value;
    int depth = 0;
    const char *p = text;
    for (;;) {
        p = next_token(p, &key);
        if (!key.kind)
            return;
        if (key.kind == '{') {
            depth++;
            continue;
        }
        if (key.kind == '}') {
            depth--;
            continue;
        }
        p = next_token(p, &value);
        if (!value.kind)
            return;
        if (value.kind == '{') {
            depth++;
            continue;
        }
        if (value.kind != 's')
            continue;
        /* New format: "path" inside a numbered block. Old: "1" "/path" at depth 1. */
        if ((depth == 2 && !strcmp(key.text, "path")) || (depth == 1 && all_digits(key.text)))
            found(user, value.text);
    }
}

static void add_library(void *user, const char *path)
{
    path_list_add(user, path);
}

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "re");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            if (cap >= (16u << 20))
                break; /* not a libraryfolders.vdf */
            char *grown = realloc(buf, cap * 2 + 1);
            if (!grown)
                break;
            buf = grown;
            cap *= 2;
        }
    }
    fclose(f);
    if (buf)
        buf[n] = 0;
    return buf;
}

void steam_find_libraries(const char *root, path_list *libraries)
{
    path_list_add(libraries, root);
    static const char *const vdfs[] = {"steamapps/libraryfolders.vdf", "config/libraryfolders.vdf"};
    for (size_t i = 0; i < sizeof(vdfs) / sizeof(vdfs[0]); i++) {
        char path[PATH_BYTES];
        char *text = path_join(path, sizeof(path), root, vdfs[i]) ? read_text(path) : NULL;
        if (text)
            steam_parse_libraryfolders(text, add_library, libraries);
        free(text);
    }
}
