/*
 * stamp_builtin IN OUT: copies a PE DLL and writes "Wine builtin DLL\0" (17 bytes) at offset
 * 0x40, right after the 64-byte DOS header. Wine treats a PE file with that marker as a
 * builtin DLL, so WINEDLLOVERRIDES=name=b and WINEDLLPATH find it. The marker overwrites the
 * DOS stub program, which nothing on Wine runs; the tool refuses a file whose PE header
 * (e_lfanew) starts before 0x40 + 17, where the marker would damage it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char marker[] = "Wine builtin DLL"; /* sizeof = 17, with the NUL */

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s IN.dll OUT.dll\n", argv[0]);
        return 2;
    }
    FILE *in = fopen(argv[1], "rb");
    if (!in) {
        perror(argv[1]);
        return 1;
    }
    if (fseek(in, 0, SEEK_END) != 0) {
        perror(argv[1]);
        return 1;
    }
    long size = ftell(in);
    rewind(in);
    if (size < 0x40 + (long)sizeof(marker)) {
        fprintf(stderr, "%s: too small for a PE file\n", argv[1]);
        return 1;
    }
    unsigned char *buf = malloc((size_t)size);
    if (!buf || fread(buf, 1, (size_t)size, in) != (size_t)size) {
        fprintf(stderr, "%s: read failed\n", argv[1]);
        return 1;
    }
    fclose(in);
    uint32_t lfanew;
    memcpy(&lfanew, buf + 0x3c, sizeof(lfanew));
    if (buf[0] != 'M' || buf[1] != 'Z' || lfanew < 0x40 + sizeof(marker) ||
        lfanew + 4 > (uint32_t)size || memcmp(buf + lfanew, "PE\0\0", 4) != 0) {
        fprintf(stderr, "%s: not a PE file with room after its DOS header (e_lfanew %#x)\n",
                argv[1], lfanew);
        return 1;
    }
    memcpy(buf + 0x40, marker, sizeof(marker));
    FILE *out = fopen(argv[2], "wb");
    if (!out || fwrite(buf, 1, (size_t)size, out) != (size_t)size || fclose(out) != 0) {
        perror(argv[2]);
        return 1;
    }
    free(buf);
    return 0;
}
