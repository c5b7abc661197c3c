#include "pack.h"

#include <errno.h>
#include <fcntl.h>
#include <libdeflate.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <dsvk/gdeflate.h>

#define MANIFEST_MAGIC "dsvk-demo-assets 1"

void pack_path(const char *dir, const asset *a, char *out, size_t n)
{
    snprintf(out, n, "%s/%s", dir, a->path);
}

static bool kind_from_name(const char *name, asset_kind *out)
{
    for (int k = 0; k < ASSET_KINDS; k++) {
        if (!strcmp(name, asset_kind_name((asset_kind)k))) {
            *out = (asset_kind)k;
            return true;
        }
    }
    return false;
}

bool pack_load(const char *dir, uint64_t total, uint64_t seed, asset_set *set)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, PACK_MANIFEST);
    FILE *f = fopen(path, "re");
    if (!f)
        return false;
    asset_set planned;
    if (!assets_plan(&planned, total, seed)) {
        fclose(f);
        return false;
    }
    char line[512];
    unsigned long long want_total = 0, want_seed = 0;
    bool ok = fgets(line, sizeof(line), f) &&
              sscanf(line, MANIFEST_MAGIC " %llu %llu", &want_total, &want_seed) == 2 &&
              want_total == total && want_seed == seed;
    size_t n = 0;
    while (ok && fgets(line, sizeof(line), f)) {
        char kind[32], rel[64];
        unsigned gd;
        unsigned long long size, stored;
        unsigned crc;
        asset a = {0};
        if (sscanf(line, "%31s %u %llu %llu %x %63s", kind, &gd, &size, &stored, &crc, rel) != 6 ||
            !kind_from_name(kind, &a.kind) || n >= planned.count) {
            ok = false;
            break;
        }
        a.gdeflate = gd != 0;
        a.size = size;
        a.stored_size = stored;
        a.crc32 = crc;
        snprintf(a.path, sizeof(a.path), "%s", rel);
        /* The manifest must describe the set this size and seed plan. */
        const asset *p = &planned.assets[n];
        if (p->kind != a.kind || p->size != a.size || strcmp(p->path, a.path) != 0) {
            ok = false;
            break;
        }
        char file[4200];
        pack_path(dir, &a, file, sizeof(file));
        struct stat st;
        if (stat(file, &st) != 0 || (uint64_t)st.st_size != a.stored_size) {
            ok = false;
            break;
        }
        planned.assets[n++] = a;
    }
    fclose(f);
    if (!ok || n != planned.count) {
        assets_free(&planned);
        return false;
    }
    planned.total_stored = 0;
    for (size_t i = 0; i < planned.count; i++)
        planned.total_stored += planned.assets[i].stored_size;
    *set = planned;
    return true;
}

static bool make_dirs(const char *dir, const char *rel, char *err, size_t err_len)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, rel);
    for (char *p = path + strlen(dir) + 1; (p = strchr(p, '/')); p++) {
        *p = 0;
        if (mkdir(path, 0755) != 0 && errno != EEXIST) {
            snprintf(err, err_len, "cannot create %s: %s", path, strerror(errno));
            return false;
        }
        *p = '/';
    }
    return true;
}

static bool write_file(const char *path, const void *data, size_t n, char *err, size_t err_len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        snprintf(err, err_len, "cannot create %s: %s", path, strerror(errno));
        return false;
    }
    const uint8_t *p = data;
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            snprintf(err, err_len, "cannot write %s: %s", path, strerror(errno));
            close(fd);
            return false;
        }
        p += w;
        n -= (size_t)w;
    }
    /* On disk, so posix_fadvise(DONTNEED) can drop it from the page cache before a load. */
    bool ok = fdatasync(fd) == 0;
    if (!ok)
        snprintf(err, err_len, "cannot flush %s: %s", path, strerror(errno));
    close(fd);
    return ok;
}

bool pack_create(const char *dir, asset_set *set, char *err, size_t err_len)
{
    char manifest_path[4096], tmp_path[4200];
    snprintf(manifest_path, sizeof(manifest_path), "%s/%s", dir, PACK_MANIFEST);
    unlink(manifest_path); /* the folder is incomplete until the manifest is back */
    uint64_t largest = 0;
    for (size_t i = 0; i < set->count; i++)
        if (set->assets[i].size > largest)
            largest = set->assets[i].size;
    uint8_t *raw = malloc(largest);
    size_t bound = dsvk_gdeflate_compress_bound(largest);
    uint8_t *packed = malloc(bound);
    bool ok = raw && packed;
    if (!ok)
        snprintf(err, err_len, "out of memory");
    set->total_stored = 0;
    for (size_t i = 0; ok && i < set->count; i++) {
        asset *a = &set->assets[i];
        assets_generate(set, i, raw);
        a->crc32 = libdeflate_crc32(0, raw, a->size);
        const void *data = raw;
        size_t n = a->size;
        if (a->gdeflate) {
            dsvk_result r = dsvk_gdeflate_compress(raw, a->size, packed, bound, &n,
                                                   DSVK_GDEFLATE_LEVEL_DEFAULT, 0);
            if (r != DSVK_OK) {
                snprintf(err, err_len, "GDeflate compression of %s failed: %s", a->path,
                         dsvk_result_string(r));
                ok = false;
                break;
            }
            data = packed;
        }
        a->stored_size = n;
        set->total_stored += n;
        char path[4200];
        pack_path(dir, a, path, sizeof(path));
        ok = make_dirs(dir, a->path, err, err_len) && write_file(path, data, n, err, err_len);
    }
    free(raw);
    free(packed);
    if (!ok)
        return false;

    snprintf(tmp_path, sizeof(tmp_path), "%s.tmp", manifest_path);
    FILE *f = fopen(tmp_path, "we");
    if (!f) {
        snprintf(err, err_len, "cannot create %s: %s", tmp_path, strerror(errno));
        return false;
    }
    fprintf(f, MANIFEST_MAGIC " %llu %llu\n", (unsigned long long)set->requested_total,
            (unsigned long long)set->seed);
    for (size_t i = 0; i < set->count; i++) {
        const asset *a = &set->assets[i];
        fprintf(f, "%s %u %llu %llu %08x %s\n", asset_kind_name(a->kind), a->gdeflate ? 1u : 0u,
                (unsigned long long)a->size, (unsigned long long)a->stored_size, a->crc32, a->path);
    }
    if (fclose(f) != 0 || rename(tmp_path, manifest_path) != 0) {
        snprintf(err, err_len, "cannot write %s: %s", manifest_path, strerror(errno));
        return false;
    }
    return true;
}

static bool flip_byte(const char *path, uint64_t offset)
{
    int fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return false;
    uint8_t b;
    bool ok = pread(fd, &b, 1, (off_t)offset) == 1;
    b ^= 0x5a;
    ok = ok && pwrite(fd, &b, 1, (off_t)offset) == 1 && fdatasync(fd) == 0;
    close(fd);
    return ok;
}

bool pack_corrupt(const char *dir, const asset_set *set, char *what, size_t what_len)
{
    bool done_gd = false, done_raw = false;
    what[0] = 0;
    for (size_t i = 0; i < set->count; i++) {
        const asset *a = &set->assets[i];
        if ((a->gdeflate && done_gd) || (!a->gdeflate && done_raw))
            continue;
        char path[4200];
        pack_path(dir, a, path, sizeof(path));
        if (!flip_byte(path, a->stored_size / 2))
            return false;
        size_t len = strlen(what);
        snprintf(what + len, what_len - len, "%s%s (byte %llu)", len ? ", " : "", a->path,
                 (unsigned long long)(a->stored_size / 2));
        if (a->gdeflate)
            done_gd = true;
        else
            done_raw = true;
    }
    return done_gd && done_raw;
}
