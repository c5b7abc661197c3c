#include "elf_symbols.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool add_name(elf_symbols *s, const char *name)
{
    if (elf_symbols_contain(s, name))
        return true;
    char **grown = realloc(s->names, (s->count + 1) * sizeof(*grown));
    if (!grown)
        return false;
    s->names = grown;
    s->names[s->count] = strdup(name);
    if (!s->names[s->count])
        return false;
    s->count++;
    return true;
}

static bool wanted(const GElf_Sym *sym, elf_symbol_kind kind)
{
    if (kind == ELF_IMPORTS)
        return sym->st_shndx == SHN_UNDEF;
    int bind = GELF_ST_BIND(sym->st_info), type = GELF_ST_TYPE(sym->st_info);
    return sym->st_shndx != SHN_UNDEF && (bind == STB_GLOBAL || bind == STB_WEAK) &&
           (type == STT_FUNC || type == STT_GNU_IFUNC);
}

bool elf_read_symbols(const char *path, elf_symbol_kind kind, elf_symbols *out, char *err,
                      size_t err_len)
{
    *out = (elf_symbols){0};
    if (elf_version(EV_CURRENT) == EV_NONE) {
        snprintf(err, err_len, "libelf: %s", elf_errmsg(-1));
        return false;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, err_len, "cannot open %s: %s", path, strerror(errno));
        return false;
    }
    Elf *e = elf_begin(fd, ELF_C_READ, NULL);
    bool ok = false, found_dynsym = false;
    if (!e || elf_kind(e) != ELF_K_ELF) {
        snprintf(err, err_len, "%s is not an ELF file", path);
        goto done;
    }
    for (Elf_Scn *scn = elf_nextscn(e, NULL); scn; scn = elf_nextscn(e, scn)) {
        GElf_Shdr shdr;
        if (!gelf_getshdr(scn, &shdr) || shdr.sh_type != SHT_DYNSYM || !shdr.sh_entsize)
            continue;
        found_dynsym = true;
        Elf_Data *data = elf_getdata(scn, NULL);
        size_t n = data ? shdr.sh_size / shdr.sh_entsize : 0;
        for (size_t i = 1; i < n; i++) { /* symbol 0 is the null symbol */
            GElf_Sym sym;
            if (!gelf_getsym(data, (int)i, &sym) || !wanted(&sym, kind))
                continue;
            const char *name = elf_strptr(e, shdr.sh_link, sym.st_name);
            if (name && *name && !add_name(out, name)) {
                snprintf(err, err_len, "out of memory");
                goto done;
            }
        }
    }
    if (!found_dynsym) {
        snprintf(err, err_len, "%s has no dynamic symbol table", path);
        goto done;
    }
    ok = true;
done:
    if (e)
        elf_end(e);
    close(fd);
    if (!ok)
        elf_symbols_free(out);
    return ok;
}

bool elf_symbols_contain(const elf_symbols *s, const char *name)
{
    for (size_t i = 0; i < s->count; i++)
        if (!strcmp(s->names[i], name))
            return true;
    return false;
}

void elf_symbols_free(elf_symbols *s)
{
    for (size_t i = 0; i < s->count; i++)
        free(s->names[i]);
    free(s->names);
    *s = (elf_symbols){0};
}
