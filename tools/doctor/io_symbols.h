/*
 * The libc read/write family that Wine's ntdll.so may import, and which of them matter for
 * dsvk's channel (see DESIGN.md, "The Wine bridge"): NtWriteFile/NtReadFile on a regular
 * file become write/pwrite/read/pread (or a fortified _chk variant) in Wine's unix side.
 */
#ifndef DSVK_IO_SYMBOLS_H
#define DSVK_IO_SYMBOLS_H

#include <stdbool.h>
#include <stddef.h>

extern const char *const io_family_symbols[];
extern const size_t io_family_count;

/* What the shim interposes when its ELF cannot be read: kept in sync with preload/. */
extern const char *const shim_interposed_fallback[];
extern const size_t shim_interposed_fallback_count;

bool io_symbol_in_family(const char *name);
/* True for the symbols Wine uses for NtReadFile/NtWriteFile on the channel file. */
bool io_symbol_on_channel_path(const char *name);

#endif
