/*
 * The 32-lane bit writer of a GDeflate tile (GDEFLATE.md §3, "Lanes and serialization").
 *
 * A tile is 32 interleaved bit streams ("lanes") cut into little-endian 32-bit words. The
 * decoder loads word j into lane j, then hands out the following words strictly in stream
 * order: whenever a lane it has just used holds fewer than 32 bits, it appends the next word
 * to that lane. The writer emulates that bit count per lane and reserves the next 4-byte slot
 * at the write cursor the moment a lane drops below 32 bits, so slots appear in exactly the
 * order the decoder asks for them. Bits must therefore be written in the decoder's reading
 * order, at most 32 bits per call, and each call must be an item the decoder consumes before
 * its next refill check of that lane (true for every GDeflate item: at most 31 bits).
 *
 * At the end every lane's partial word goes into its reserved slot; the tile is the reserved
 * slots, so a decoder consumes all of it and nothing more.
 */
#ifndef DSVK_GDEFLATE_ENC_BITWRITER_H
#define DSVK_GDEFLATE_ENC_BITWRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "enc_tables.h"

struct enc_lane {
    uint64_t bits;    /* written bits not yet stored, LSB first; they start at slot[0] */
    uint32_t count;   /* how many: < 32 between calls */
    uint32_t nslots;  /* reserved slots not yet full (1..3); slot[0] is being filled */
    uint32_t slot[3]; /* word indices in the tile */
};

struct enc_bitwriter {
    uint8_t *out;
    uint32_t cap_words;
    uint32_t next_slot; /* the write cursor, in words */
    bool overflow;      /* a slot fell outside out; the tile must be written another way */
    struct enc_lane lane[ENC_LANES];
};

/* Starts a tile in out[0..cap): the 32 initial words belong to lanes 0..31. */
void enc_bw_init(struct enc_bitwriter *bw, uint8_t *out, size_t cap);

static inline void enc_bw_store(struct enc_bitwriter *bw, uint32_t slot, uint32_t word)
{
    if (slot >= bw->cap_words) {
        bw->overflow = true;
        return;
    }
    uint8_t *p = bw->out + (size_t)slot * 4;
    p[0] = (uint8_t)word;
    p[1] = (uint8_t)(word >> 8);
    p[2] = (uint8_t)(word >> 16);
    p[3] = (uint8_t)(word >> 24);
}

/* Appends the low n bits (n <= 32, value < 2^n) of value to lane `lane`. */
static inline void enc_bw_put(struct enc_bitwriter *bw, unsigned lane, uint32_t value, unsigned n)
{
    struct enc_lane *l = &bw->lane[lane];
    l->bits |= (uint64_t)value << l->count;
    l->count += n;
    /* The decoder's count for this lane: loaded (reserved) bits minus consumed bits. */
    if (32 * l->nslots - l->count < 32) {
        uint32_t s = bw->next_slot++;
        enc_bw_store(bw, s, 0);
        l->slot[l->nslots++] = s;
    }
    if (l->count >= 32) {
        enc_bw_store(bw, l->slot[0], (uint32_t)l->bits);
        l->bits >>= 32;
        l->count -= 32;
        l->slot[0] = l->slot[1];
        l->slot[1] = l->slot[2];
        l->nslots--;
    }
}

/* Stores the partial words; returns the tile's size in bytes, or 0 after an overflow. */
size_t enc_bw_finish(struct enc_bitwriter *bw);

#endif
