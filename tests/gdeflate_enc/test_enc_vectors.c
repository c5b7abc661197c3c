/*
 * The reference vectors (DSVK_VECTORS): every raw input round-trips at levels 1, 9 and 12;
 * at 9 and 12 the stream is at most 3% larger than the reference encoder's (MANIFEST); and
 * where the format leaves an encoder no choice (incompressible tiles, a handful of bytes,
 * all-zero tiles) the stream is the reference's byte for byte, which pins down the lane
 * serialization. A missing vectors directory is a failure, never a skip.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <dsvk/gdeflate.h>

#include "enc_check.h"

#define MAX_ENTRIES 256
#define RATIO_LIMIT 1.03

struct entry {
    char name[64];
    size_t raw_size;
    int level;
    size_t ref_size;
};

static struct entry entries[MAX_ENTRIES];
static size_t num_entries;
static const char *dir;

static int load_manifest(void **state)
{
    (void)state;
    dir = getenv("DSVK_VECTORS");
    if (!dir || !*dir) {
        fprintf(stderr, "DSVK_VECTORS is not set: the GDeflate reference vectors are required\n");
        return -1;
    }
    char path[1024];
    snprintf(path, sizeof(path), "%s/MANIFEST", dir);
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "cannot open %s: the GDeflate reference vectors are required\n", path);
        return -1;
    }
    char line[512];
    while (fgets(line, sizeof(line), f) && num_entries < MAX_ENTRIES) {
        struct entry *e = &entries[num_entries];
        if (line[0] == '#')
            continue;
        if (sscanf(line, "%63s %zu %d %zu", e->name, &e->raw_size, &e->level, &e->ref_size) == 4)
            num_entries++;
    }
    fclose(f);
    if (num_entries == 0) {
        fprintf(stderr, "%s lists no vectors\n", path);
        return -1;
    }
    return 0;
}

static uint8_t *read_vector(const char *name, const char *suffix, size_t *size)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s%s", dir, name, suffix);
    uint8_t *data = enc_read_file(path, size);
    if (!data)
        fail_msg("cannot read %s", path);
    return data;
}

static void ratio_at_levels_9_and_12(void **state)
{
    (void)state;
    unsigned checked = 0, over = 0;
    printf("%-18s %5s %10s %10s %8s\n", "vector", "level", "dsvk", "reference", "diff");
    for (size_t i = 0; i < num_entries; i++) {
        const struct entry *e = &entries[i];
        if (e->level != 9 && e->level != 12 && e->level != 1)
            continue;
        size_t n = 0, size = 0;
        uint8_t *raw = read_vector(e->name, ".raw", &n);
        assert_int_equal(n, e->raw_size);
        uint8_t *stream = enc_check_roundtrip(raw, n, e->level, 0, &size);
        double diff = 100.0 * ((double)size - (double)e->ref_size) / (double)e->ref_size;
        printf("%-18s %5d %10zu %10zu %+7.2f%%\n", e->name, e->level, size, e->ref_size, diff);
        if (e->level != 1) {
            checked++;
            if ((double)size > RATIO_LIMIT * (double)e->ref_size) {
                print_error("%s at level %d: %zu bytes, more than 3%% over the reference's %zu\n",
                            e->name, e->level, size, e->ref_size);
                over++;
            }
        }
        free(stream);
        free(raw);
    }
    assert_true(checked > 0);
    assert_int_equal(over, 0);
}

static void forced_streams_match_the_reference(void **state)
{
    (void)state;
    static const char *const forced[] = {"random_64k", "random_64k_plus1", "tiny_1", "tiny_13",
                                         "zeros_128k"};
    unsigned compared = 0;
    for (size_t i = 0; i < num_entries; i++) {
        const struct entry *e = &entries[i];
        int is_forced = 0;
        for (size_t k = 0; k < sizeof(forced) / sizeof(forced[0]); k++)
            is_forced |= !strcmp(e->name, forced[k]);
        if (!is_forced)
            continue;
        char suffix[32];
        snprintf(suffix, sizeof(suffix), ".l%d.gdeflate", e->level);
        size_t n = 0, ref_n = 0, size = 0;
        uint8_t *raw = read_vector(e->name, ".raw", &n);
        uint8_t *ref = read_vector(e->name, suffix, &ref_n);
        uint8_t *stream = enc_check_roundtrip(raw, n, e->level, 1, &size);
        if (size != ref_n || memcmp(stream, ref, size) != 0)
            fail_msg("%s at level %d differs from the reference stream (%zu vs %zu bytes)", e->name,
                     e->level, size, ref_n);
        compared++;
        free(stream);
        free(ref);
        free(raw);
    }
    assert_true(compared >= 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ratio_at_levels_9_and_12),
        cmocka_unit_test(forced_streams_match_the_reference),
    };
    return cmocka_run_group_tests(tests, load_manifest, NULL);
}
