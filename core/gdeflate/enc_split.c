/*
 * Block splitting by dynamic programming over chunk boundaries (see enc_split.h). Prefix sums
 * per chunk make a candidate block's statistics a difference of two rows, and only the
 * symbols the tile uses at all are looked at, so the quadratic number of candidates stays
 * cheap.
 */
#include "enc_split.h"

#include <math.h>
#include <pthread.h>
#include <string.h>

#define FLOG_TABLE 4096
static float flog_table[FLOG_TABLE]; /* f * log2(f) */
static pthread_once_t flog_once = PTHREAD_ONCE_INIT;

static void build_flog(void)
{
    flog_table[0] = 0;
    for (unsigned f = 1; f < FLOG_TABLE; f++)
        flog_table[f] = (float)(f * log2((double)f));
}

static inline double flog(uint32_t f)
{
    return f < FLOG_TABLE ? flog_table[f] : f * log2((double)f);
}

static unsigned fixed_litlen_len(unsigned s)
{
    return s < 144 ? 8 : s < 256 ? 9 : s < 280 ? 7 : 8;
}

/*
 * Estimated bits of the block of chunks [i, j): the entropy of its lit/len and distance
 * symbols, plus for the header a few bits per used symbol and one run code per gap of
 * unused ones; or the exact fixed-code or stored size when smaller.
 */
static double segment_bits(const struct enc_split *s, unsigned i, unsigned j)
{
    const uint32_t *lo = s->prefix[i], *hi = s->prefix[j];
    double sum_lit = 0, sum_dist = 0;
    uint32_t total_lit = 0, total_dist = 0;
    unsigned used = 0, gaps = 0;
    int last = -1;
    for (unsigned k = 0; k < s->num_used; k++) {
        unsigned sym = s->used[k];
        uint32_t f = hi[sym] - lo[sym];
        if (sym == ENC_END_OF_BLOCK)
            f++; /* every block ends with one */
        if (!f)
            continue;
        if ((int)sym > last + 1)
            gaps++;
        last = (int)sym;
        used++;
        if (sym < ENC_MAX_LITLEN_SYMS) {
            total_lit += f;
            sum_lit += flog(f);
        } else {
            total_dist += f;
            sum_dist += flog(f);
        }
    }
    double header = 3 + 14 + 3 * 16 + 3.0 * used + 6.0 * gaps;
    double dynamic = flog(total_lit) - sum_lit + (total_dist ? flog(total_dist) - sum_dist : 0) +
                     (double)(s->extra[j] - s->extra[i]) + header;
    double fixed = 3 + 7 /* end of block */ + (double)(s->fixed[j] - s->fixed[i]) +
                   (double)(s->extra[j] - s->extra[i]);
    double stored = (double)enc_stored_bits(s->bytes[j] - s->bytes[i]);
    double best = dynamic < fixed ? dynamic : fixed;
    return best < stored ? best : stored;
}

/* Closes chunk k at item `item`, input offset `bytes`, with the running totals. The
 * fixed-code size is linear in the counts, so it is taken from the totals here rather than
 * per item (where the 8-or-9-bit literal test would be a coin flip on random data). */
static void close_chunk(struct enc_split *s, unsigned k, const struct enc_histogram *h,
                        uint32_t bytes, uint32_t item)
{
    uint64_t fixed = 0;
    for (unsigned sym = 0; sym < ENC_MAX_LITLEN_SYMS; sym++)
        fixed += (uint64_t)h->litlen[sym] * fixed_litlen_len(sym);
    for (unsigned sym = 0; sym < ENC_NUM_DIST_SYMS; sym++)
        fixed += 5 * (uint64_t)h->dist[sym];
    memcpy(s->prefix[k], h->litlen, sizeof(uint32_t) * ENC_MAX_LITLEN_SYMS);
    memcpy(s->prefix[k] + ENC_MAX_LITLEN_SYMS, h->dist, sizeof(h->dist));
    s->extra[k] = h->extra_bits;
    s->fixed[k] = fixed;
    s->bytes[k] = bytes;
    s->item_at[k] = item;
}

/* Moves each cut to the best fine chunk boundary within `reach` of where the coarse dynamic
 * program put it (cuts[0] = 0 and cuts[count] = k stay). */
static void refine_cuts(const struct enc_split *s, unsigned *cuts, size_t count, unsigned reach)
{
    for (size_t c = 1; c < count; c++) {
        unsigned lo = cuts[c - 1] + 1, hi = cuts[c + 1] - 1;
        if (cuts[c] >= lo + reach)
            lo = cuts[c] - reach;
        if (cuts[c] + reach <= hi)
            hi = cuts[c] + reach;
        double best = INFINITY;
        for (unsigned b = lo; b <= hi; b++) {
            double v = segment_bits(s, cuts[c - 1], b) + segment_bits(s, b, cuts[c + 1]);
            if (v < best) {
                best = v;
                cuts[c] = b;
            }
        }
    }
}

size_t enc_split_items(struct enc_split *s, const struct enc_item *items, size_t n, unsigned chunk,
                       uint32_t *starts)
{
    pthread_once(&flog_once, build_flog);

    /* Cut the items into fine chunks of a quarter of `chunk` and accumulate prefix
     * statistics; the dynamic program looks at every fourth boundary, then each cut it
     * chooses may move to a neighbouring fine boundary. */
    unsigned fine = chunk / ENC_SPLIT_REFINE;
    struct enc_histogram h;
    memset(&h, 0, sizeof(h));
    unsigned k = 0;
    uint32_t bytes = 0, chunk_bytes = 0;
    close_chunk(s, 0, &h, 0, 0);
    for (size_t i = 0; i < n; i++) {
        enc_histogram_add(&h, &items[i]);
        unsigned len = items[i].len ? items[i].len : 1;
        bytes += len;
        chunk_bytes += len;
        if (chunk_bytes >= fine && i + 1 < n && k + 1 < ENC_SPLIT_MAX_CHUNKS) {
            close_chunk(s, ++k, &h, bytes, (uint32_t)(i + 1));
            chunk_bytes = 0;
        }
    }
    close_chunk(s, ++k, &h, bytes, (uint32_t)n);
    if (k == 1) {
        starts[0] = 0;
        s->cuts[0] = 0;
        s->cuts[1] = 1;
        return 1;
    }
    s->num_used = 0;
    for (unsigned sym = 0; sym < ENC_SPLIT_SYMS; sym++)
        if (s->prefix[k][sym] || sym == ENC_END_OF_BLOCK)
            s->used[s->num_used++] = (uint16_t)sym;

    /* Coarse boundaries: every ENC_SPLIT_REFINE-th fine one, and the end. */
    unsigned coarse[ENC_SPLIT_MAX_CHUNKS + 1], nc = 0;
    for (unsigned b = 0; b < k; b += ENC_SPLIT_REFINE)
        coarse[nc++] = b;
    coarse[nc] = k;

    /* best[j]: cheapest estimate of coarse chunks [0, j) cut into blocks; from[j]: last cut. */
    s->best[0] = 0;
    for (unsigned j = 1; j <= nc; j++) {
        s->best[j] = INFINITY;
        for (unsigned i = 0; i < j; i++) {
            double c = s->best[i] + segment_bits(s, coarse[i], coarse[j]);
            if (c < s->best[j]) {
                s->best[j] = c;
                s->from[j] = i;
            }
        }
    }
    /* Walk the cuts back from the end, reverse them, refine them. */
    unsigned *cuts = s->cuts;
    size_t count = 0;
    for (unsigned j = nc; j > 0; j = s->from[j])
        cuts[count++] = coarse[s->from[j]];
    for (size_t a = 0, b = count - 1; a < b; a++, b--) {
        unsigned t = cuts[a];
        cuts[a] = cuts[b];
        cuts[b] = t;
    }
    cuts[count] = k;
    refine_cuts(s, cuts, count, ENC_SPLIT_REFINE - 1);
    for (size_t c = 0; c < count; c++)
        starts[c] = s->item_at[cuts[c]];
    return count;
}

void enc_split_block(const struct enc_split *s, size_t b, struct enc_histogram *h,
                     uint32_t *in_start, uint32_t *in_end)
{
    const uint32_t *lo = s->prefix[s->cuts[b]], *hi = s->prefix[s->cuts[b + 1]];
    for (unsigned sym = 0; sym < ENC_MAX_LITLEN_SYMS; sym++)
        h->litlen[sym] = hi[sym] - lo[sym];
    h->litlen[286] = h->litlen[287] = 0;
    h->litlen[ENC_END_OF_BLOCK]++;
    for (unsigned sym = 0; sym < ENC_NUM_DIST_SYMS; sym++)
        h->dist[sym] = hi[ENC_MAX_LITLEN_SYMS + sym] - lo[ENC_MAX_LITLEN_SYMS + sym];
    h->extra_bits = s->extra[s->cuts[b + 1]] - s->extra[s->cuts[b]];
    *in_start = s->bytes[s->cuts[b]];
    *in_end = s->bytes[s->cuts[b + 1]];
}
