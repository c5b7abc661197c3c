/* Greedy parsing: at each position take the longest match the match finder offers. */
#include "enc_parse.h"

size_t enc_parse_greedy(struct mf_hc *mf, const uint8_t *in, uint32_t n, unsigned depth,
                        unsigned nice, struct enc_item *items)
{
    size_t count = 0;
    mf_hc_reset(mf);
    for (uint32_t pos = 0; pos < n;) {
        unsigned dist = 0;
        unsigned len = mf_hc_find(mf, in, n, pos, depth, nice, &dist);
        if (len == ENC_MIN_MATCH && dist > ENC_FAR_LEN3_DIST)
            len = 0;
        if (len == 0) {
            items[count++] = (struct enc_item){0, in[pos]};
            pos++;
            continue;
        }
        items[count++] = (struct enc_item){(uint16_t)len, (uint16_t)dist};
        for (uint32_t end = pos + len; ++pos < end;)
            mf_hc_insert(mf, in, n, pos);
    }
    return count;
}

size_t enc_parse_greedy_fast(struct mf_ht *mf, const uint8_t *in, uint32_t n, unsigned nice,
                             struct enc_item *items)
{
    size_t count = 0;
    mf_ht_reset(mf);
    for (uint32_t pos = 0; pos < n;) {
        unsigned dist = 0;
        unsigned len = mf_ht_find(mf, in, n, pos, nice, &dist);
        if (len == 0) {
            items[count++] = (struct enc_item){0, in[pos]};
            pos++;
            continue;
        }
        items[count++] = (struct enc_item){(uint16_t)len, (uint16_t)dist};
        for (uint32_t end = pos + len; ++pos < end;)
            mf_ht_insert(mf, in, n, pos);
    }
    return count;
}
