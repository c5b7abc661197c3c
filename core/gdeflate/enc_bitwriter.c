/* The 32-lane bit writer: setup and final flush (the hot path is inline in the header). */
#include "enc_bitwriter.h"

#include <string.h>

void enc_bw_init(struct enc_bitwriter *bw, uint8_t *out, size_t cap)
{
    memset(bw, 0, sizeof(*bw));
    bw->out = out;
    bw->cap_words = (uint32_t)((cap / 4) > UINT32_MAX ? UINT32_MAX : cap / 4);
    for (unsigned i = 0; i < ENC_LANES; i++) {
        bw->lane[i].nslots = 1;
        bw->lane[i].slot[0] = i;
        enc_bw_store(bw, i, 0);
    }
    bw->next_slot = ENC_LANES;
}

size_t enc_bw_finish(struct enc_bitwriter *bw)
{
    for (unsigned i = 0; i < ENC_LANES; i++) {
        struct enc_lane *l = &bw->lane[i];
        if (l->count > 0)
            enc_bw_store(bw, l->slot[0], (uint32_t)l->bits);
    }
    return bw->overflow ? 0 : (size_t)bw->next_slot * 4;
}
