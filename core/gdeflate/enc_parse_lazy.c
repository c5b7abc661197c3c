/*
 * Lazy parsing: before taking a match, look one position ahead; if the match there is
 * clearly better, emit a literal instead and consider that one (repeatedly).
 */
#include "enc_parse.h"

/* Whether (len2, dist2) one byte later beats (len, dist): about 4 length units buy one
 * extra distance bit, and a literal must be paid for, hence the margin. */
static int better_next(unsigned len, unsigned dist, unsigned len2, unsigned dist2)
{
    if (len2 < len)
        return 0;
    int gain = 4 * (int)(len2 - len) + (int)enc_log2(dist) - (int)enc_log2(dist2);
    return gain > 2;
}

static unsigned find(struct mf_hc *mf, const uint8_t *in, uint32_t n, uint32_t pos, unsigned depth,
                     unsigned nice, unsigned *dist)
{
    unsigned len = mf_hc_find(mf, in, n, pos, depth, nice, dist);
    return (len == ENC_MIN_MATCH && *dist > ENC_FAR_LEN3_DIST) ? 0 : len;
}

size_t enc_parse_lazy(struct mf_hc *mf, const uint8_t *in, uint32_t n, unsigned depth,
                      unsigned nice, struct enc_item *items)
{
    size_t count = 0;
    uint32_t inserted = 0; /* positions below this are in the hash chains */
    mf_hc_reset(mf);
    for (uint32_t pos = 0; pos < n;) {
        unsigned dist = 0;
        unsigned len = find(mf, in, n, pos, depth, nice, &dist);
        inserted = pos + 1;
        if (len == 0) {
            items[count++] = (struct enc_item){0, in[pos]};
            pos++;
            continue;
        }
        while (len < nice && pos + 1 < n) {
            unsigned dist2 = 0;
            unsigned len2 = find(mf, in, n, pos + 1, depth, nice, &dist2);
            inserted = pos + 2;
            if (len2 == 0 || !better_next(len, dist, len2, dist2))
                break;
            items[count++] = (struct enc_item){0, in[pos]};
            pos++;
            len = len2;
            dist = dist2;
        }
        items[count++] = (struct enc_item){(uint16_t)len, (uint16_t)dist};
        uint32_t end = pos + len;
        for (uint32_t p = inserted; p < end; p++)
            mf_hc_insert(mf, in, n, p);
        inserted = end;
        pos = end;
    }
    return count;
}
