/* Block splitting by dynamic programming over chunk boundaries (see enc_split.h). */
#include "enc_split.h"

#include <math.h>
#include <pthread.h>
#include <string.h>

#define FLOG_TABLE 1024
static double flog_table[FLOG_TABLE]; /* f * log2(f) */
static pthread_once_t flog_once = PTHREAD_ONCE_INIT;

static void build_flog(void)
{
    flog_table[0] = 0;
    for (unsigned f = 1; f < FLOG_TABLE; f++)
        flog_table[f] = f * log2((double)f);
}

static inline double flog(uint32_t f)
{
    return f < FLOG_TABLE ? flog_table[f] : f * log2((double)f);
}

/* Entropy-coded size of a symbol set, plus what describing its code lengths roughly costs:
 * a few bits per used symbol and one run code per gap of unused ones. */
static double entropy_bits(const uint32_t *freq, unsigned n, double *header)
{
    uint32_t total = 0;
    double sum = 0;
    unsigned used = 0, gaps = 0;
    for (unsigned s = 0; s < n; s++) {
        uint32_t f = freq[s];
        if (f) {
            total += f;
            sum += flog(f);
            used++;
        } else if (s == 0 || freq[s - 1]) {
            gaps++;
        }
    }
    *header += 3.0 * used + 6.0 * gaps;
    return total ? flog(total) - sum : 0;
}

static unsigned fixed_litlen_len(unsigned s)
{
    return s < 144 ? 8 : s < 256 ? 9 : s < 280 ? 7 : 8;
}

double enc_estimate_block_bits(const uint32_t *litlen, const uint32_t *dist, uint64_t extra,
                               uint32_t bytes)
{
    pthread_once(&flog_once, build_flog);
    double header = 3 + 14 + 3 * 16;
    double dynamic = entropy_bits(litlen, ENC_MAX_LITLEN_SYMS, &header) +
                     entropy_bits(dist, ENC_NUM_DIST_SYMS, &header) + (double)extra;
    dynamic += header;

    double fixed = 3 + (double)extra;
    for (unsigned s = 0; s < ENC_MAX_LITLEN_SYMS; s++)
        fixed += (double)litlen[s] * fixed_litlen_len(s);
    for (unsigned s = 0; s < ENC_NUM_DIST_SYMS; s++)
        fixed += 5.0 * dist[s];

    double stored = (double)enc_stored_bits(bytes);
    double best = dynamic < fixed ? dynamic : fixed;
    return best < stored ? best : stored;
}

static double segment_bits(const struct enc_split *s, unsigned i, unsigned j)
{
    uint32_t h[ENC_SPLIT_SYMS];
    for (unsigned k = 0; k < ENC_SPLIT_SYMS; k++)
        h[k] = s->prefix[j][k] - s->prefix[i][k];
    h[ENC_END_OF_BLOCK]++;
    return enc_estimate_block_bits(h, h + ENC_MAX_LITLEN_SYMS, s->extra[j] - s->extra[i],
                                   s->bytes[j] - s->bytes[i]);
}

size_t enc_split_items(struct enc_split *s, const struct enc_item *items, size_t n, unsigned chunk,
                       uint32_t *starts)
{
    /* Cut the items into chunks and accumulate prefix statistics. */
    struct enc_histogram h;
    memset(&h, 0, sizeof(h));
    unsigned k = 0;
    uint32_t bytes = 0, chunk_bytes = 0;
    memset(s->prefix[0], 0, sizeof(s->prefix[0]));
    s->extra[0] = 0;
    s->bytes[0] = 0;
    s->item_at[0] = 0;
    for (size_t i = 0; i < n; i++) {
        enc_histogram_add(&h, &items[i]);
        unsigned len = items[i].len ? items[i].len : 1;
        bytes += len;
        chunk_bytes += len;
        if (chunk_bytes >= chunk && i + 1 < n && k + 1 < ENC_SPLIT_MAX_CHUNKS) {
            k++;
            memcpy(s->prefix[k], h.litlen, sizeof(uint32_t) * ENC_MAX_LITLEN_SYMS);
            memcpy(s->prefix[k] + ENC_MAX_LITLEN_SYMS, h.dist, sizeof(h.dist));
            s->extra[k] = h.extra_bits;
            s->bytes[k] = bytes;
            s->item_at[k] = (uint32_t)(i + 1);
            chunk_bytes = 0;
        }
    }
    k++;
    memcpy(s->prefix[k], h.litlen, sizeof(uint32_t) * ENC_MAX_LITLEN_SYMS);
    memcpy(s->prefix[k] + ENC_MAX_LITLEN_SYMS, h.dist, sizeof(h.dist));
    s->extra[k] = h.extra_bits;
    s->bytes[k] = bytes;
    s->item_at[k] = (uint32_t)n;

    /* best[j]: cheapest estimate of chunks [0, j) cut into blocks; from[j]: last cut. */
    s->best[0] = 0;
    for (unsigned j = 1; j <= k; j++) {
        s->best[j] = INFINITY;
        for (unsigned i = 0; i < j; i++) {
            double c = s->best[i] + segment_bits(s, i, j);
            if (c < s->best[j]) {
                s->best[j] = c;
                s->from[j] = i;
            }
        }
    }
    /* Walk the cuts back from the end, then reverse them into starts. */
    size_t count = 0;
    for (unsigned j = k; j > 0; j = s->from[j])
        starts[count++] = s->item_at[s->from[j]];
    for (size_t a = 0, b = count - 1; a < b; a++, b--) {
        uint32_t t = starts[a];
        starts[a] = starts[b];
        starts[b] = t;
    }
    return count;
}
