#include <fcntl.h>
#include <libdeflate.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "load.h"
#include "pack.h"

double load_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

double load_cpu_seconds(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
}

void load_evict(const char *dir, const asset_set *set)
{
    for (size_t i = 0; i < set->count; i++) {
        char path[4200];
        pack_path(dir, &set->assets[i], path, sizeof(path));
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            continue;
        posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
        close(fd);
    }
}

uint8_t **load_alloc_destinations(const asset_set *set)
{
    uint8_t **bufs = calloc(set->count, sizeof(*bufs));
    if (!bufs)
        return NULL;
    for (size_t i = 0; i < set->count; i++) {
        bufs[i] = malloc(set->assets[i].size);
        if (!bufs[i]) {
            load_free_destinations(set, bufs);
            return NULL;
        }
        /* Touch every page now: a game's destination memory exists before it loads, and page
         * faults should not count against either loader. */
        memset(bufs[i], 0xcd, set->assets[i].size);
    }
    return bufs;
}

void load_free_destinations(const asset_set *set, uint8_t **bufs)
{
    if (!bufs)
        return;
    for (size_t i = 0; i < set->count; i++)
        free(bufs[i]);
    free(bufs);
}

void load_note_problem(load_result *r, const char *path, const char *what)
{
    size_t len = strlen(r->problems);
    snprintf(r->problems + len, sizeof(r->problems) - len, "%s%s: %s", len ? "; " : "", path, what);
}

void load_verify(const asset_set *set, uint8_t **bufs, const bool *failed, load_result *r)
{
    for (size_t i = 0; i < set->count; i++) {
        const asset *a = &set->assets[i];
        if (failed[i])
            continue; /* already reported with the loader's reason */
        if (libdeflate_crc32(0, bufs[i], a->size) == a->crc32) {
            r->assets_ok++;
            r->bytes_out += a->size;
        } else {
            r->checksum_mismatches++;
            load_note_problem(r, a->path, "CRC32 mismatch");
        }
    }
}
