/* Whether the demo can also load its assets through dsvk's dstorage.dll under Wine. */
#ifndef DSVK_DEMO_WINE_PATH_H
#define DSVK_DEMO_WINE_PATH_H

#include <stdbool.h>
#include <stddef.h>

/* False with the reasons in `why` when a part of the Wine path is missing. */
bool wine_path_ready(char *why, size_t n);

#endif
