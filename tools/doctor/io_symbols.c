#include "io_symbols.h"

#include <string.h>

const char *const io_family_symbols[] = {
    "read",        "write",      "pread",       "pwrite",        "pread64",
    "pwrite64",    "readv",      "writev",      "preadv",        "pwritev",
    "preadv64",    "pwritev64",  "preadv2",     "pwritev2",      "preadv64v2",
    "pwritev64v2", "__read_chk", "__pread_chk", "__pread64_chk",
};
const size_t io_family_count = sizeof(io_family_symbols) / sizeof(io_family_symbols[0]);

/* DESIGN.md: the shim interposes write, pwrite, pwrite64, read, pread, pread64. */
const char *const shim_interposed_fallback[] = {"read",  "pread",  "pread64",
                                                "write", "pwrite", "pwrite64"};
const size_t shim_interposed_fallback_count =
    sizeof(shim_interposed_fallback) / sizeof(shim_interposed_fallback[0]);

static const char *const channel_symbols[] = {
    "read",     "write",      "pread",       "pwrite",        "pread64",
    "pwrite64", "__read_chk", "__pread_chk", "__pread64_chk",
};

static bool in_list(const char *const *list, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(list[i], name))
            return true;
    return false;
}

bool io_symbol_in_family(const char *name)
{
    return in_list(io_family_symbols, io_family_count, name);
}

bool io_symbol_on_channel_path(const char *name)
{
    return in_list(channel_symbols, sizeof(channel_symbols) / sizeof(channel_symbols[0]), name);
}
