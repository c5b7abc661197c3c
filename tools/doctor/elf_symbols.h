/* The dynamic symbol table of an ELF shared object, read with libelf. */
#ifndef DSVK_ELF_SYMBOLS_H
#define DSVK_ELF_SYMBOLS_H

#include <stdbool.h>
#include <stddef.h>

typedef struct elf_symbols {
    char **names;
    size_t count;
} elf_symbols;

typedef enum elf_symbol_kind {
    ELF_IMPORTS, /* undefined: what the object takes from other libraries */
    ELF_EXPORTS, /* defined global or weak functions: what it offers (and interposes) */
} elf_symbol_kind;

/* Fills `out` (names without version suffixes). On error returns false with a reason. */
bool elf_read_symbols(const char *path, elf_symbol_kind kind, elf_symbols *out, char *err,
                      size_t err_len);
bool elf_symbols_contain(const elf_symbols *s, const char *name);
void elf_symbols_free(elf_symbols *s);

#endif
