/* dsvk-pack decompress: a GDeflate stream to its content. */
#include <stdio.h>
#include <stdlib.h>

#include <dsvk/gdeflate.h>

#include "pack.h"

int pack_decompress(const pack_options *o)
{
    pack_file in;
    if (!pack_read_file(o->in, &in))
        return PACK_E_IO;
    dsvk_gdeflate_info info;
    if (dsvk_gdeflate_parse(in.data, in.size, &info) != DSVK_OK) {
        pack_report_corrupt(o->in, in.data, in.size, UINT32_MAX);
        pack_close_file(&in);
        return PACK_E_CORRUPT;
    }
    uint8_t *out = malloc(info.uncompressed_size);
    if (!out) {
        fprintf(stderr, "dsvk-pack: %s: out of memory for %llu bytes\n", o->in,
                (unsigned long long)info.uncompressed_size);
        pack_close_file(&in);
        return PACK_E_NO_MEMORY;
    }
    pack_progress progress;
    pack_progress_start(&progress, "decompressing", o->in, info.uncompressed_size);
    uint32_t failed;
    int rc = pack_decode_stream(in.data, in.size, out, info.uncompressed_size, o->threads,
                                &progress, &failed);
    pack_progress_end(&progress);
    if (rc == PACK_E_CORRUPT)
        pack_report_corrupt(o->in, in.data, in.size, failed);
    else if (rc == PACK_E_NO_MEMORY)
        fprintf(stderr, "dsvk-pack: %s: out of memory\n", o->in);
    else if (!pack_write_file(o->out, out, info.uncompressed_size))
        rc = PACK_E_IO;
    free(out);
    pack_close_file(&in);
    return rc;
}
