/*
 * The comparison: what a program does without dsvk — open and read() each file whole, then
 * decode GDeflate with dsvk's own decoder on this one thread (the same decoder, so the
 * difference is dsvk's I/O and parallelism, not a different codec).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <dsvk/gdeflate.h>

#include "load.h"
#include "pack.h"

static bool read_whole(int fd, uint8_t *buf, uint64_t n)
{
    uint64_t done = 0;
    while (done < n) {
        ssize_t got = read(fd, buf + done, n - done);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return false;
        done += (uint64_t)got;
    }
    return true;
}

void load_baseline(const char *dir, const asset_set *set, bool evict, load_result *r)
{
    memset(r, 0, sizeof(*r));
    r->decode = "cpu";
    uint64_t largest = 0;
    for (size_t i = 0; i < set->count; i++)
        if (set->assets[i].gdeflate && set->assets[i].stored_size > largest)
            largest = set->assets[i].stored_size;
    uint8_t **bufs = load_alloc_destinations(set);
    uint8_t *packed = malloc(largest ? largest : 1);
    bool *failed = calloc(set->count, sizeof(*failed));
    if (!bufs || !packed || !failed) {
        snprintf(r->error, sizeof(r->error), "out of memory");
        goto out;
    }
    memset(packed, 0, largest);
    if (evict)
        load_evict(dir, set);

    double t0 = load_now(), cpu0 = load_cpu_seconds();
    for (size_t i = 0; i < set->count; i++) {
        const asset *a = &set->assets[i];
        char path[4200];
        pack_path(dir, a, path, sizeof(path));
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        uint8_t *into = a->gdeflate ? packed : bufs[i];
        bool ok = fd >= 0 && read_whole(fd, into, a->stored_size);
        int err = errno;
        if (fd >= 0)
            close(fd);
        r->requests++;
        if (!ok) {
            failed[i] = true;
            r->requests_failed++;
            load_note_problem(r, a->path, fd < 0 ? strerror(err) : "short read");
            continue;
        }
        r->bytes_in += a->stored_size;
        if (a->gdeflate) {
            uint32_t bad_tile = 0;
            dsvk_result res =
                dsvk_gdeflate_decompress(packed, a->stored_size, bufs[i], a->size, 1, &bad_tile);
            if (res != DSVK_OK) {
                failed[i] = true;
                r->requests_failed++;
                load_note_problem(r, a->path, dsvk_result_string(res));
            }
        }
    }
    r->seconds = load_now() - t0;
    r->cpu_seconds = load_cpu_seconds() - cpu0;
    r->ran = true;
    load_verify(set, bufs, failed, r);
out:
    load_free_destinations(set, bufs);
    free(packed);
    free(failed);
}
