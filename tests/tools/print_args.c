/*
 * Test helper: prints its arguments and the environment dsvk-run sets, one item per line,
 * with every byte outside printable ASCII (and the backslash) as \xHH, so a test compares
 * arguments byte for byte; then the files mapped into this process from below
 * $DSVK_TEST_MAPS_UNDER, which shows what ld.so really preloaded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void print_escaped(const char *label, const char *s)
{
    printf("%s=", label);
    if (!s) {
        printf("(unset)\n");
        return;
    }
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p >= 0x7f || *p == '\\')
            printf("\\x%02x", *p);
        else
            putchar(*p);
    }
    putchar('\n');
}

int main(int argc, char **argv)
{
    printf("argc=%d\n", argc - 1);
    for (int i = 1; i < argc; i++) {
        char label[32];
        snprintf(label, sizeof(label), "arg%d", i);
        print_escaped(label, argv[i]);
    }
    print_escaped("DSVK", getenv("DSVK"));
    print_escaped("LD_PRELOAD", getenv("LD_PRELOAD"));
    const char *under = getenv("DSVK_TEST_MAPS_UNDER");
    FILE *maps = under && *under ? fopen("/proc/self/maps", "r") : NULL;
    char line[4096], last[4096] = "";
    while (maps && fgets(line, sizeof(line), maps)) {
        char *path = strchr(line, '/');
        if (!path)
            continue;
        path[strcspn(path, "\n")] = 0;
        /* A library is mapped several times in a row (text, data, ...): print it once. */
        if (strncmp(path, under, strlen(under)) == 0 && strcmp(path, last) != 0) {
            print_escaped("mapped", path);
            snprintf(last, sizeof(last), "%s", path);
        }
    }
    if (maps)
        fclose(maps);
    return 0;
}
