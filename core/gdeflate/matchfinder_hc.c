/* Hash-chain match finder (see matchfinder_hc.h). */
#include "matchfinder_hc.h"

#include <string.h>

#include "enc_tables.h"
#include "matchfinder_common.h"

void mf_hc_reset(struct mf_hc *mf)
{
    memset(mf->head4, 0, sizeof(mf->head4));
    memset(mf->head3, 0, sizeof(mf->head3));
}

void mf_hc_insert(struct mf_hc *mf, const uint8_t *in, uint32_t n, uint32_t pos)
{
    if (n - pos >= 4) {
        uint32_t h4 = mf_hash4(in + pos, MF_HC_HASH4_BITS);
        mf->prev[pos] = mf->head4[h4];
        mf->head4[h4] = (uint16_t)pos;
    }
    if (n - pos >= 3)
        mf->head3[mf_hash3(in + pos, MF_HC_HASH3_BITS)] = (uint16_t)pos;
}

unsigned mf_hc_find(struct mf_hc *mf, const uint8_t *in, uint32_t n, uint32_t pos, unsigned depth,
                    unsigned nice, unsigned *dist)
{
    uint32_t max_len = n - pos < ENC_MAX_MATCH ? n - pos : ENC_MAX_MATCH;
    if (max_len < ENC_MIN_MATCH || pos == 0)
        return 0;
    const uint8_t *s = in + pos;
    unsigned best = ENC_MIN_MATCH - 1;
    uint32_t cand = 0;

    if (max_len >= 4) {
        uint32_t h4 = mf_hash4(s, MF_HC_HASH4_BITS);
        cand = mf->head4[h4];
        mf->prev[pos] = (uint16_t)cand;
        mf->head4[h4] = (uint16_t)pos;
    }
    uint32_t h3 = mf_hash3(s, MF_HC_HASH3_BITS);
    uint32_t c3 = mf->head3[h3];
    mf->head3[h3] = (uint16_t)pos;
    /* The most recent position sharing the 3-byte hash: the nearest length-3 candidate.
     * Conditions that are coin flips on incompressible data are combined without branches
     * here and below, so that only the rarely true outcome branches. */
    if ((in[c3] == s[0]) & (in[c3 + 1] == s[1]) & (in[c3 + 2] == s[2])) {
        best = mf_extend(in + c3, s, 3, max_len);
        *dist = pos - c3;
        if (best >= nice || best == max_len)
            return best;
    }
    if (max_len < 4)
        return best >= ENC_MIN_MATCH ? best : 0;

    uint32_t first4 = mf_load32(s);
    for (; depth > 0; depth--) {
        const uint8_t *m = in + cand;
        if ((m[best] == s[best]) & (mf_load32(m) == first4)) {
            unsigned len = mf_extend(m, s, 4, max_len);
            if (len > best) {
                best = len;
                *dist = pos - cand;
                if (len >= nice || len == max_len)
                    break;
            }
        }
        uint32_t next = mf->prev[cand];
        if (next >= cand)
            break; /* the chain's end (or an untouched entry pointing at 0) */
        cand = next;
    }
    return best >= ENC_MIN_MATCH ? best : 0;
}
