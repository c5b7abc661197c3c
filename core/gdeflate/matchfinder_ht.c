/* Two-way hash-table match finder (see matchfinder_ht.h). */
#include "matchfinder_ht.h"

#include <string.h>

#include "enc_tables.h"
#include "matchfinder_common.h"

void mf_ht_reset(struct mf_ht *mf)
{
    memset(mf->bucket, 0, sizeof(mf->bucket));
    memset(mf->head3, 0, sizeof(mf->head3));
}

void mf_ht_insert(struct mf_ht *mf, const uint8_t *in, uint32_t n, uint32_t pos)
{
    if (n - pos < 4)
        return;
    mf->head3[mf_hash3(in + pos, MF_HT_HASH3_BITS)] = (uint16_t)pos;
    uint16_t *b = mf->bucket[mf_hash4(in + pos, MF_HT_HASH_BITS)];
    b[1] = b[0];
    b[0] = (uint16_t)pos;
}

unsigned mf_ht_find(struct mf_ht *mf, const uint8_t *in, uint32_t n, uint32_t pos, unsigned nice,
                    unsigned *dist)
{
    uint32_t max_len = n - pos < ENC_MAX_MATCH ? n - pos : ENC_MAX_MATCH;
    if (max_len < 4)
        return 0;
    const uint8_t *s = in + pos;
    uint16_t *b = mf->bucket[mf_hash4(s, MF_HT_HASH_BITS)];
    /* The next call most likely looks at pos + 1: start loading its bucket now. */
    if (max_len >= 5)
        __builtin_prefetch(mf->bucket[mf_hash4(s + 1, MF_HT_HASH_BITS)]);
    uint16_t *h3 = &mf->head3[mf_hash3(s, MF_HT_HASH3_BITS)];
    uint32_t c0 = b[0], c1 = b[1], c3 = *h3;
    b[1] = (uint16_t)c0;
    b[0] = (uint16_t)pos;
    *h3 = (uint16_t)pos;
    if (pos == 0)
        return 0;
    /* On incompressible data every test below is a coin flip for the branch predictor; the
     * conditions are combined without branching so only the rarely true result branches. */
    uint32_t first4 = mf_load32(s);
    unsigned best = 0;
    if (mf_load32(in + c0) == first4) {
        best = mf_extend(in + c0, s, 4, max_len);
        *dist = pos - c0;
    }
    if ((c1 < c0) & (best < nice) & (best < max_len) & (mf_load32(in + c1) == first4)) {
        unsigned len = mf_extend(in + c1, s, 4, max_len);
        if (len > best) {
            best = len;
            *dist = pos - c1;
        }
    }
    if ((best == 0) & (c3 < pos) & (pos - c3 <= ENC_FAR_LEN3_DIST) &
        ((mf_load32(in + c3) & 0xFFFFFF) == (first4 & 0xFFFFFF))) {
        best = mf_extend(in + c3, s, 3, max_len);
        *dist = pos - c3;
    }
    return best;
}
