/* A list of paths without duplicates (compared by real path). */
#ifndef DSVK_PATH_LIST_H
#define DSVK_PATH_LIST_H

#include <stdbool.h>
#include <stddef.h>

typedef struct path_list {
    char **paths; /* as given */
    char **real;  /* realpath() of each, for comparison */
    size_t count;
} path_list;

/* Adds `path` if it exists and its real path is not in the list yet; true when added. */
bool path_list_add(path_list *l, const char *path);
void path_list_free(path_list *l);

/* out = a + "/" + b; false (and out = "") when it does not fit in n bytes. */
bool path_join(char *out, size_t n, const char *a, const char *b);

#endif
