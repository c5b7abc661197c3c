#include "path_list.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

bool path_list_add(path_list *l, const char *path)
{
    char *real = realpath(path, NULL);
    if (!real)
        return false;
    for (size_t i = 0; i < l->count; i++) {
        if (!strcmp(l->real[i], real)) {
            free(real);
            return false;
        }
    }
    char **paths = realloc(l->paths, (l->count + 1) * sizeof(*paths));
    if (paths)
        l->paths = paths;
    char **reals = realloc(l->real, (l->count + 1) * sizeof(*reals));
    if (reals)
        l->real = reals;
    char *copy = strdup(path);
    if (!paths || !reals || !copy) {
        free(copy);
        free(real);
        return false;
    }
    l->paths[l->count] = copy;
    l->real[l->count] = real;
    l->count++;
    return true;
}

void path_list_free(path_list *l)
{
    for (size_t i = 0; i < l->count; i++) {
        free(l->paths[i]);
        free(l->real[i]);
    }
    free(l->paths);
    free(l->real);
    *l = (path_list){0};
}

bool path_join(char *out, size_t n, const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la + 1 + lb + 1 > n) {
        if (n)
            out[0] = 0;
        return false;
    }
    memcpy(out, a, la);
    out[la] = '/';
    memcpy(out + la + 1, b, lb + 1);
    return true;
}
