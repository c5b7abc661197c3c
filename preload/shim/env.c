/*
 * Environment edits the constructor makes so that Wine loads our dstorage.dll as a builtin:
 * WINEDLLPATH gets our PE folder appended, WINEDLLOVERRIDES gets dstorage=b. Both keep what
 * is there (Proton sets its own values) and do nothing twice: a Wine loader re-executes
 * itself, and child processes inherit the environment we changed.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "shim.h"

char *shim_path_list_append(const char *list, const char *dir)
{
    size_t dl = strlen(dir);
    if (list && *list) {
        for (const char *p = list; *p;) {
            const char *end = strchr(p, ':');
            size_t len = end ? (size_t)(end - p) : strlen(p);
            if (len == dl && !strncmp(p, dir, dl))
                return strdup(list);
            if (!end)
                break;
            p = end + 1;
        }
        size_t ll = strlen(list);
        char *out = malloc(ll + 1 + dl + 1);
        if (!out)
            return NULL;
        memcpy(out, list, ll);
        out[ll] = ':';
        memcpy(out + ll + 1, dir, dl + 1);
        return out;
    }
    return strdup(dir);
}

/* Does one dll name of an override entry ("dstorage", "dstorage.dll", "*dstorage") match? */
static bool names_dstorage(const char *name, size_t len)
{
    while (len && (*name == '*' || isspace((unsigned char)*name))) {
        name++;
        len--;
    }
    while (len && isspace((unsigned char)name[len - 1]))
        len--;
    if (len >= 4 && !strncasecmp(name + len - 4, ".dll", 4))
        len -= 4;
    return len == 8 && !strncasecmp(name, "dstorage", 8);
}

char *shim_overrides_add(const char *overrides)
{
    static const char add[] = "dstorage=b";
    if (!overrides || !*overrides)
        return strdup(add);
    /* Entries are separated by ';', each "dll[,dll...]=mode" (or just dlls: disabled). */
    for (const char *p = overrides; *p;) {
        const char *entry_end = strchr(p, ';');
        size_t elen = entry_end ? (size_t)(entry_end - p) : strlen(p);
        const char *eq = memchr(p, '=', elen);
        size_t names_len = eq ? (size_t)(eq - p) : elen;
        for (const char *n = p; n < p + names_len;) {
            const char *comma = memchr(n, ',', (size_t)(p + names_len - n));
            size_t nlen = comma ? (size_t)(comma - n) : (size_t)(p + names_len - n);
            if (names_dstorage(n, nlen))
                return NULL; /* the user (or Proton) decided about dstorage already */
            if (!comma)
                break;
            n = comma + 1;
        }
        if (!entry_end)
            break;
        p = entry_end + 1;
    }
    size_t ol = strlen(overrides);
    char *out = malloc(ol + 1 + sizeof(add));
    if (!out)
        return NULL;
    memcpy(out, overrides, ol);
    size_t at = ol;
    if (overrides[ol - 1] != ';')
        out[at++] = ';';
    memcpy(out + at, add, sizeof(add));
    return out;
}
