/* dsvk-bench: reproducible benchmarks with JSON output. */
#include "bench.h"

#include <stdio.h>
#include <string.h>

#include <dsvk/api.h>

#define DSVK_BENCH_WEAK(name, help) __attribute__((weak)) int dsvk_bench_##name(int, char **);
DSVK_BENCH_SUBCOMMANDS(DSVK_BENCH_WEAK)
#undef DSVK_BENCH_WEAK

struct subcommand {
    const char *name;
    const char *help;
    int (*fn)(int, char **);
};

static void spell(char *dst, const char *src, size_t n)
{
    /* Subcommands are spelled with '-' on the command line, '_' in C. */
    size_t i = 0;
    for (; src[i] && i + 1 < n; i++)
        dst[i] = src[i] == '_' ? '-' : src[i];
    dst[i] = 0;
}

int main(int argc, char **argv)
{
    const struct subcommand cmds[] = {
#define DSVK_BENCH_ENTRY(name, help) {#name, help, dsvk_bench_##name},
        DSVK_BENCH_SUBCOMMANDS(DSVK_BENCH_ENTRY)
#undef DSVK_BENCH_ENTRY
    };
    const size_t n = sizeof(cmds) / sizeof(cmds[0]);

    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        printf("usage: dsvk-bench SUBCOMMAND [OPTIONS]   (dsvk %s)\n\n"
               "Reproducible benchmarks; --json on any subcommand prints one JSON object.\n"
               "'dsvk-bench SUBCOMMAND --help' describes a subcommand's options.\n\n",
               dsvk_version());
        for (size_t i = 0; i < n; i++) {
            char name[32];
            spell(name, cmds[i].name, sizeof(name));
            printf("  %-14s %s%s\n", name, cmds[i].help, cmds[i].fn ? "" : " [not built]");
        }
        return argc < 2 ? 2 : 0;
    }
    for (size_t i = 0; i < n; i++) {
        char name[32];
        spell(name, cmds[i].name, sizeof(name));
        if (strcmp(argv[1], name) != 0)
            continue;
        if (!cmds[i].fn) {
            fprintf(stderr, "dsvk-bench: '%s' is not built into this dsvk-bench\n", name);
            return 2;
        }
        return cmds[i].fn(argc - 1, argv + 1);
    }
    fprintf(stderr, "dsvk-bench: unknown subcommand '%s' (see dsvk-bench --help)\n", argv[1]);
    return 2;
}
