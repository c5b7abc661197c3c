/*
 * Huffman code construction: sort the used symbols by frequency, compute optimal depths with
 * Moffat and Katajainen's in-place method, then enforce the length limit on the per-length
 * counts (Kraft sum repair) and hand the lengths out by frequency.
 */
#include "enc_huffman.h"

#include <string.h>

#define SYM_BITS 9 /* symbols < 512 ride in the low bits of the sort keys */
#define SYM_MASK ((1u << SYM_BITS) - 1)

/*
 * Sorts keys (frequency << SYM_BITS | symbol, built in symbol order) by frequency: a stable
 * radix sort, 8 bits per pass and only as many passes as the largest frequency needs, so
 * equal frequencies stay in symbol order. Cheaper than a comparison sort, whose branches are
 * unpredictable, for the few hundred keys of each code built per block and pass.
 */
static void sort_keys(uint64_t *a, unsigned n)
{
    uint64_t tmp[512], *src = a, *dst = tmp, span = 0;
    for (unsigned i = 0; i < n; i++)
        span |= a[i] >> SYM_BITS;
    for (unsigned shift = SYM_BITS; (span >> (shift - SYM_BITS)) != 0; shift += 8) {
        unsigned count[256] = {0}, pos = 0;
        for (unsigned i = 0; i < n; i++)
            count[(src[i] >> shift) & 255]++;
        for (unsigned d = 0; d < 256; d++) {
            unsigned c = count[d];
            count[d] = pos;
            pos += c;
        }
        for (unsigned i = 0; i < n; i++)
            dst[count[(src[i] >> shift) & 255]++] = src[i];
        uint64_t *t = src;
        src = dst;
        dst = t;
    }
    if (src != a)
        memcpy(a, src, n * sizeof(a[0]));
}

/*
 * A[0..n) ascending weights, n >= 2. On return A[i] is the depth of the leaf of weight A[i]
 * in a minimum-redundancy tree. Phase 1 turns A into parent pointers of internal nodes,
 * phase 2 into internal-node depths, phase 3 into leaf depths.
 */
static void minimum_redundancy_depths(uint32_t *A, int n)
{
    int root = 0, leaf = 2, next;
    A[0] += A[1];
    for (next = 1; next < n - 1; next++) {
        if (leaf >= n || A[root] < A[leaf]) {
            A[next] = A[root];
            A[root++] = (uint32_t)next;
        } else {
            A[next] = A[leaf++];
        }
        if (leaf >= n || (root < next && A[root] < A[leaf])) {
            A[next] += A[root];
            A[root++] = (uint32_t)next;
        } else {
            A[next] += A[leaf++];
        }
    }
    A[n - 2] = 0;
    for (next = n - 3; next >= 0; next--)
        A[next] = A[A[next]] + 1;
    int avail = 1, used = 0;
    uint32_t depth = 0;
    root = n - 2;
    next = n - 1;
    while (avail > 0) {
        while (root >= 0 && A[root] == depth) {
            used++;
            root--;
        }
        while (avail > used) {
            A[next--] = depth;
            avail--;
        }
        avail = 2 * used;
        depth++;
        used = 0;
    }
}

void enc_huffman_lengths(const uint32_t *freq, unsigned n, unsigned max_len, uint8_t *lens)
{
    uint64_t keys[512];
    uint32_t depth[512];
    unsigned used = 0;

    memset(lens, 0, n);
    for (unsigned s = 0; s < n; s++)
        if (freq[s])
            keys[used++] = ((uint64_t)freq[s] << SYM_BITS) | s;
    if (used < 2) {
        /* A one-codeword code is incomplete; pair the symbol with a dummy of length 1. */
        unsigned s = used ? (unsigned)(keys[0] & SYM_MASK) : 0;
        lens[s] = 1;
        lens[s == 0 ? 1 : 0] = 1;
        return;
    }
    sort_keys(keys, used);
    for (unsigned i = 0; i < used; i++)
        depth[i] = (uint32_t)(keys[i] >> SYM_BITS);
    minimum_redundancy_depths(depth, (int)used);

    unsigned count[32] = {0};
    for (unsigned i = 0; i < used; i++)
        count[depth[i] > max_len ? max_len : depth[i]]++;
    /* Clamping made the Kraft sum exceed 1 (in units of 2^-max_len). Each step moves a leaf
     * from the deepest level under one of the shallowest-possible leaves, removing one unit. */
    uint32_t total = 0;
    for (unsigned len = 1; len <= max_len; len++)
        total += count[len] << (max_len - len);
    while (total > (1u << max_len)) {
        count[max_len]--;
        for (unsigned len = max_len - 1; len > 0; len--) {
            if (count[len]) {
                count[len]--;
                count[len + 1] += 2;
                break;
            }
        }
        total--;
    }
    /* Least frequent symbols (start of keys) take the longest codes. */
    unsigned i = 0;
    for (unsigned len = max_len; len > 0; len--)
        for (unsigned c = count[len]; c > 0; c--)
            lens[keys[i++] & SYM_MASK] = (uint8_t)len;
}

static uint16_t reverse_bits(uint32_t code, unsigned len)
{
    uint32_t r = 0;
    for (unsigned i = 0; i < len; i++) {
        r = (r << 1) | (code & 1);
        code >>= 1;
    }
    return (uint16_t)r;
}

void enc_huffman_codewords(const uint8_t *lens, unsigned n, uint16_t *codes)
{
    unsigned count[16] = {0};
    uint32_t next[16];
    for (unsigned s = 0; s < n; s++)
        count[lens[s]]++;
    count[0] = 0;
    uint32_t code = 0;
    for (unsigned len = 1; len < 16; len++) {
        code = (code + count[len - 1]) << 1;
        next[len] = code;
    }
    for (unsigned s = 0; s < n; s++)
        codes[s] = lens[s] ? reverse_bits(next[lens[s]]++, lens[s]) : 0;
}
