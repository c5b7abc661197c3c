/* Steam installations, their library folders and the Proton builds in them. */
#ifndef DSVK_STEAM_H
#define DSVK_STEAM_H

#include "path_list.h"

/* Steam roots under $HOME (native and Flatpak Steam), each once. */
void steam_find_roots(path_list *roots);

/* The root and every library folder its steamapps/libraryfolders.vdf lists. */
void steam_find_libraries(const char *root, path_list *libraries);

/*
 * Calls found(path) for every library folder in the text of a libraryfolders.vdf: both the
 * current format ("N" { "path" "..." ... }) and the old one ("N" "...").
 */
void steam_parse_libraryfolders(const char *text, void (*found)(void *user, const char *path),
                                void *user);

#endif
