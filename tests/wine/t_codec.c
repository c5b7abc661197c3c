/*
 * IDStorageCompressionCodec (DStorageCreateCompressionCodec): every vector round-trips at
 * FASTEST, DEFAULT and BEST_RATIO; the reference encoder's streams decode to the raw data;
 * size and argument errors. The DEFAULT stream of mesh_vertices is left next to the program
 * (codec_default.gdeflate, codec_input.raw) for dsvk-pack to decode after the run.
 */
#include <stdlib.h>
#include <string.h>

#include "wine_test.h"

static const char *const names[] = {"long_distance",    "mesh_vertices", "random_64k",
                                    "random_64k_plus1", "text_headers",  "tiny_1",
                                    "tiny_13",          "zeros_128k"};

int main(void)
{
    wt_begin("codec");
    WCHAR dir[MAX_PATH];
    wt_vectors_dir(dir, MAX_PATH);
    IDStorageCompressionCodec *c = NULL;
    CHECK_HR(DStorageCreateCompressionCodec(DSTORAGE_COMPRESSION_FORMAT_GDEFLATE, 0,
                                            &IID_IDStorageCompressionCodec, (void **)&c),
             S_OK);
    REQUIRE(c != NULL, "codec");
    IDStorageCompressionCodec *none = (IDStorageCompressionCodec *)1;
    CHECK_HR(DStorageCreateCompressionCodec(DSTORAGE_COMPRESSION_FORMAT_NONE, 0,
                                            &IID_IDStorageCompressionCodec, (void **)&none),
             E_INVALIDARG);
    CHECK(none == NULL, "no codec for NONE");

    static const DSTORAGE_COMPRESSION settings[] = {DSTORAGE_COMPRESSION_FASTEST,
                                                    DSTORAGE_COMPRESSION_DEFAULT,
                                                    DSTORAGE_COMPRESSION_BEST_RATIO};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        WCHAR path[MAX_PATH];
        size_t raw_size, ref_size;
        _snwprintf(path, MAX_PATH, L"%ls\\%hs.raw", dir, names[i]);
        uint8_t *raw = wt_read_whole(path, &raw_size);
        _snwprintf(path, MAX_PATH, L"%ls\\%hs.l9.gdeflate", dir, names[i]);
        uint8_t *ref = wt_read_whole(path, &ref_size);
        REQUIRE(raw && ref, "vector %s", names[i]);
        size_t bound = c->lpVtbl->CompressBufferBound(c, raw_size);
        CHECK(bound >= raw_size, "%s: bound %zu", names[i], bound);
        uint8_t *comp = malloc(bound), *back = malloc(raw_size + 1);
        size_t sizes[3] = {0};
        for (int s = 0; s < 3; s++) {
            size_t n = 0, m = 0;
            HRESULT hr = c->lpVtbl->CompressBuffer(c, raw, raw_size, settings[s], comp, bound, &n);
            CHECK(hr == S_OK && n > 0 && n <= bound, "%s setting %d: %#lx, %zu bytes", names[i],
                  settings[s], (unsigned long)hr, n);
            sizes[s] = n;
            hr = c->lpVtbl->DecompressBuffer(c, comp, n, back, raw_size + 1, &m);
            CHECK(hr == S_OK && m == raw_size && !memcmp(back, raw, raw_size),
                  "%s setting %d round trip: %#lx, %zu bytes", names[i], settings[s],
                  (unsigned long)hr, m);
            if (s == 1 && !strcmp(names[i], "mesh_vertices")) {
                wt_write_file(L"codec_default.gdeflate", comp, n);
                wt_write_file(L"codec_input.raw", raw, raw_size);
            }
        }
        if (raw_size > 1000)
            CHECK(sizes[2] <= sizes[0], "%s: BEST_RATIO (%zu) not larger than FASTEST (%zu)",
                  names[i], sizes[2], sizes[0]);
        /* The reference encoder's stream. */
        size_t m = 0;
        CHECK_HR(c->lpVtbl->DecompressBuffer(c, ref, ref_size, back, raw_size, &m), S_OK);
        CHECK(m == raw_size && !memcmp(back, raw, raw_size), "%s: reference stream", names[i]);
        /* Too small an output buffer. */
        if (raw_size > 1) {
            CHECK_HR(c->lpVtbl->DecompressBuffer(c, ref, ref_size, back, raw_size - 1, &m),
                     HRESULT_FROM_WIN32(ERROR_INSUFFICIENT_BUFFER));
            size_t n = 0;
            CHECK_HR(c->lpVtbl->CompressBuffer(c, raw, raw_size, DSTORAGE_COMPRESSION_DEFAULT, comp,
                                               8, &n),
                     HRESULT_FROM_WIN32(ERROR_INSUFFICIENT_BUFFER));
        }
        free(raw);
        free(ref);
        free(comp);
        free(back);
    }
    /* Bad arguments. */
    uint8_t junk[64] = {1, 2, 3};
    size_t n = 0;
    CHECK_HR(c->lpVtbl->CompressBuffer(c, junk, sizeof(junk), 7, junk, sizeof(junk), &n),
             E_INVALIDARG);
    uint8_t out[64];
    HRESULT hr = c->lpVtbl->DecompressBuffer(c, junk, sizeof(junk), out, sizeof(out), &n);
    CHECK(FAILED(hr), "garbage does not decompress: %#lx", (unsigned long)hr);
    CHECK(c->lpVtbl->Release(c) == 0, "released");
    return wt_end();
}
