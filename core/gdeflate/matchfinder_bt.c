/* Binary-tree match finder (see matchfinder_bt.h). */
#include "matchfinder_bt.h"

#include <stddef.h>
#include <string.h>

#include "enc_tables.h"
#include "matchfinder_common.h"

void mf_bt_reset(struct mf_bt *mf)
{
    memset(mf->head4, 0xFF, sizeof(mf->head4));
    memset(mf->head3, 0xFF, sizeof(mf->head3));
}

static inline void report(struct mf_match *out, unsigned *count, unsigned len, uint32_t dist)
{
    if (out) {
        out[*count].len = (uint16_t)len;
        out[*count].dist = (uint16_t)dist;
    }
    (*count)++;
}

unsigned mf_bt_find(struct mf_bt *mf, const uint8_t *in, uint32_t n, uint32_t pos, unsigned depth,
                    unsigned nice, struct mf_match *out)
{
    uint32_t max_len = n - pos < ENC_MAX_MATCH ? n - pos : ENC_MAX_MATCH;
    if (max_len < ENC_MIN_MATCH)
        return 0;
    const uint8_t *s = in + pos;
    unsigned count = 0, best = ENC_MIN_MATCH - 1;

    uint32_t h3 = mf_hash3(s, MF_BT_HASH3_BITS);
    uint32_t c3 = mf->head3[h3];
    mf->head3[h3] = (uint16_t)pos;
    if (c3 < pos && in[c3] == s[0] && in[c3 + 1] == s[1] && in[c3 + 2] == s[2]) {
        report(out, &count, ENC_MIN_MATCH, pos - c3);
        best = ENC_MIN_MATCH;
    }
    if (max_len < 4)
        return count; /* too close to the end to hash 4 bytes: pos stays out of the trees */

    unsigned cap = nice < max_len ? nice : max_len;
    uint32_t h4 = mf_hash4(s, MF_BT_HASH4_BITS);
    uint32_t cur = mf->head4[h4];
    mf->head4[h4] = (uint16_t)pos;

    /* Where the next node smaller (greater) than s gets linked, and how much of s every
     * node on that side is known to share. */
    uint16_t *lt = &mf->child[2 * (size_t)pos], *gt = &mf->child[2 * (size_t)pos + 1];
    unsigned lt_len = 0, gt_len = 0;
    while (cur != MF_BT_NONE && depth-- > 0) {
        const uint8_t *m = in + cur;
        unsigned len = lt_len < gt_len ? lt_len : gt_len;
        if (m[len] == s[len]) {
            len = mf_extend(m, s, len + 1, cap);
            if (len > best) {
                best = len;
                report(out, &count, len, pos - cur);
            }
            if (len >= cap) {
                /* cur equals s as far as we look: s takes its place and its subtrees. */
                *lt = mf->child[2 * (size_t)cur];
                *gt = mf->child[2 * (size_t)cur + 1];
                return count;
            }
        }
        if (m[len] < s[len]) {
            *lt = (uint16_t)cur;
            lt = &mf->child[2 * (size_t)cur + 1];
            cur = *lt;
            lt_len = len;
        } else {
            *gt = (uint16_t)cur;
            gt = &mf->child[2 * (size_t)cur];
            cur = *gt;
            gt_len = len;
        }
    }
    *lt = MF_BT_NONE;
    *gt = MF_BT_NONE;
    return count;
}
