/*
 * dsvk GDeflate decoder: one workgroup of 32 invocations per 64 KiB tile.
 *
 * Format: docs/GDEFLATE.md of the shared design docs. Design and guarantees: docs/GPU_DECODER.md.
 *
 * Invocation j owns bitstream lane j (its bit buffer and its pending copy). The decoder runs in
 * "steps": in one step every lane of a window decodes its next item independently (a literal,
 * a length, a distance of its pending copy, a code-length symbol or a stored byte), then the
 * workgroup combines the results with lane-order scans (output positions, which lanes refill
 * from the shared read pointer, in which order) and writes the step's output: literals in
 * parallel, and the bytes of all of the step's deferred copies spread over all invocations.
 * A copy whose source lies inside an earlier copy of the same step is resolved to that copy's
 * own source (each hop moves strictly to an earlier copy), so the copies of a step need no
 * barrier between them and still behave exactly as if executed one by one in lane order.
 *
 * The word-writes build (DSVK_WORD_WRITES; not shipped until measured on a GPU) writes each
 * step's output one step late, as the whole contiguous run of literals and copies the step
 * before decoded, in aligned 32-bit words spread over the invocations (write_items).
 *
 * Lane exchange ("wg_*" functions) has three modes, chosen per workgroup at start:
 *   SINGLE: the 32 invocations form one subgroup with ids 0..31 (NVIDIA 32, AMD 32/64):
 *           ballots, scans and shuffles are subgroup operations, no shared memory, no barriers.
 *   HYBRID: several full subgroups (lavapipe 8, Intel 8/16): subgroup operations per subgroup,
 *           combined through shared memory.
 *   SHARED: shared memory only (the variant compiled without DSVK_SUBGROUP, or any layout the
 *           start-up check does not recognize).
 * Every wg_* call happens in uniform control flow with all 32 invocations active, so no
 * subgroup operation ever reads an inactive invocation.
 *
 * Hostile input: every input read is bounds-checked (bytes past the tile read as 0, and a
 * refill past the tile's last word is an error), every output write stays inside the tile's
 * destination range, Huffman codes are validated before use, every loop is bounded, and the
 * tile's result is reported in its status slot.
 */
#version 460
#ifndef DSVK_WORD_WRITES
#extension GL_EXT_shader_8bit_storage : require
#endif
#ifdef DSVK_SUBGROUP
#extension GL_KHR_shader_subgroup_basic : require
#extension GL_KHR_shader_subgroup_ballot : require
#extension GL_KHR_shader_subgroup_arithmetic : require
#extension GL_KHR_shader_subgroup_shuffle : require
#endif

/* Tiles per workgroup (DSVK_TPG, a build of its own): each 32-invocation subgroup decodes its
 * own tile, synchronizing only within the subgroup, so workgroups of several warps raise
 * occupancy on GPUs whose multiprocessors hold a limited number of workgroups. The host uses
 * such builds only for the subgroup variant on devices with 32-wide subgroups. (Compile-time,
 * not a specialization constant: llvmpipe mishandles barriers under specialization-constant
 * branches.) */
#ifndef DSVK_TPG
#define DSVK_TPG 1
#endif
#if DSVK_TPG > 1 && !defined(DSVK_SUBGROUP)
#error "several tiles per workgroup need the subgroup variant"
#endif
const uint TILES_PER_GROUP = DSVK_TPG;
layout(local_size_x = 32 * DSVK_TPG, local_size_y = 1, local_size_z = 1) in;
#define MULTI_TILE (DSVK_TPG > 1)


/* Must match core/gpu/gdeflate_gpu.h. */
struct Tile {
    uint src_offset;  /* byte offset of the tile's bitstream in the input binding */
    uint src_size;    /* its size in bytes */
    uint dst_offset;  /* byte offset of the tile's output in the output binding */
    uint dst_size;    /* exact output size, 1..65536 */
    uint status_slot; /* index into the status binding */
    uint reserved0;
    uint reserved1;
    uint reserved2;
};

/* header.xyz is the VkDispatchIndirectCommand, header.w the number of tiles. */
layout(std430, set = 0, binding = 0) readonly buffer Jobs {
    uvec4 header;
    Tile tiles[];
} jobs;

layout(std430, set = 0, binding = 1) readonly buffer Input {
    uint words[];
} inp;

/* Written bytes are read back by other invocations of the tile (copies). The word-writes
 * build (DSVK_WORD_WRITES) accesses the output as 32-bit words: whole words are stored
 * plainly, the words a step's run only partly covers with two atomics (their other bytes may
 * belong to a neighbouring tile, or to an earlier step). */
#ifdef DSVK_EXP_NONCOHERENT
layout(std430, set = 0, binding = 2) buffer Output {
#else
layout(std430, set = 0, binding = 2) coherent buffer Output {
#endif
#ifdef DSVK_WORD_WRITES
    uint words[];
#else
    uint8_t bytes[];
#endif
} outp;

/* Per slot: bits 0..22 count the tiles that decoded correctly, bits 23..31 are error flags. */
layout(std430, set = 0, binding = 3) buffer Status {
    uint slots[];
} status;

/* Error flags, also in core/gpu/gdeflate_gpu.h. */
const uint E_DESCRIPTOR = 1u << 24;  /* tile descriptor outside the bound buffers */
const uint E_BLOCK_TYPE = 1u << 25;  /* BTYPE 3 */
const uint E_HUFFMAN = 1u << 26;     /* over-subscribed or incomplete code, bad repeat */
const uint E_DISTANCE = 1u << 27;    /* copy from before the start of the tile */
const uint E_OVERRUN = 1u << 28;     /* more output than the tile's size */
const uint E_SHORT = 1u << 29;       /* less output than the tile's size */
const uint E_INPUT = 1u << 30;       /* the stream needs words past the end of the tile */
const uint E_LIMIT = 1u << 31;       /* step limit reached (cannot happen for valid tiles) */
const uint E_TRAILING = 1u << 23;    /* non-zero bytes after the bitstream's last word */
const uint ERROR_BITS = 0xFF800000u;

/* Decode-table entry: bits 0..3 code length (0: code longer than the primary table),
 * 4..8 extra bits, 9..10 kind, 16..31 value (literal, length or distance base, or symbol). */
const uint K_LIT = 0u;
const uint K_MATCH = 1u;
const uint K_EOB = 2u;
const uint K_BAD = 3u; /* bit pattern outside an incomplete code: an error when decoded */
const uint BAD_ENTRY = (K_BAD << 9u) | 1u;

#ifndef DSVK_LIT_BITS
/* primary lit/len table of 1024 entries; builds for 32-wide-subgroup GPUs use 512 (smaller
 * tables, more tiles per multiprocessor: faster on NVIDIA; llvmpipe runs that shape slowly) */
#define DSVK_LIT_BITS 10
#endif
#ifndef DSVK_DIST_BITS
#define DSVK_DIST_BITS 8 /* primary distance table: 256 entries */
#endif
const uint LIT_BITS = DSVK_LIT_BITS;
const uint DIST_BITS = DSVK_DIST_BITS;
const uint PRE_BITS = 7u;   /* precode: codes are at most 7 bits, no long path */

/* sh_tab layout. While a dynamic header is read, the code lengths live where the lit/len
 * table goes and the precode table where the distance table goes. */
const uint TAB_LIT = 0u;
const uint TAB_DIST = 1u << LIT_BITS;
const uint TAB_PRE = TAB_DIST;
const uint LENS = 0u;       /* 288 + 32 code lengths */
const uint PRE_LENS = 320u; /* 19 precode lengths */
const uint SORT_LIT = 0u;
const uint SORT_DIST = 288u;
const uint SORT_PRE = 0u;
const uint T_LIT = 0u, T_DIST = 1u, T_PRE = 2u;

const uint RING = 128u; /* input words staged ahead of the refills */

const uint MAX_STEPS = 1u << 18;

const uint MODE_SHARED = 0u, MODE_HYBRID = 1u, MODE_SINGLE = 2u;
const uint CODE_BAD = 0u, CODE_NORMAL = 1u, CODE_EMPTY = 2u, CODE_SINGLE = 3u;

#if MULTI_TILE
shared uint sh_tab_[TILES_PER_GROUP][(1u << LIT_BITS) + (1u << DIST_BITS)];
shared uint sh_sorted_[TILES_PER_GROUP][320];
shared uint sh_lim_[TILES_PER_GROUP][48];  /* per table and length: end of its codes, left-aligned to 15 bits */
shared uint sh_base_[TILES_PER_GROUP][48]; /* per table and length: sorted index minus first code */
shared uint sh_cnt_[TILES_PER_GROUP][16];
shared uint sh_run_[TILES_PER_GROUP][16];
shared uint sh_offs_[TILES_PER_GROUP][16];
shared uint sh_ring_[TILES_PER_GROUP][RING];
#ifdef DSVK_WORD_WRITES
shared uint sh_idst_[TILES_PER_GROUP][33]; /* the items a step writes, in order: first byte, */
shared uint sh_ival_[TILES_PER_GROUP][32]; /* and literal value (LIT_ITEM) or copy distance */
#else
shared uint sh_cdst_[TILES_PER_GROUP][32];  /* this step's copies, in lane order: destination, */
shared uint sh_cdist_[TILES_PER_GROUP][32]; /* distance, */
shared uint sh_cbeg_[TILES_PER_GROUP][32];  /* and first byte in the step's concatenated copy bytes */
#endif
shared uint sh_x_[TILES_PER_GROUP][32];
#else
shared uint sh_tab[(1u << LIT_BITS) + (1u << DIST_BITS)];
shared uint sh_sorted[320];
shared uint sh_lim[48];  /* per table and length: end of its codes, left-aligned to 15 bits */
shared uint sh_base[48]; /* per table and length: sorted index minus first code */
shared uint sh_cnt[16];
shared uint sh_run[16];
shared uint sh_offs[16];
shared uint sh_ring[RING];
#ifdef DSVK_WORD_WRITES
shared uint sh_idst[33]; /* the items a step writes, in order: first byte (then padding: end), */
shared uint sh_ival[32]; /* and literal value (LIT_ITEM) or copy distance */
#else
shared uint sh_cdst[32];  /* this step's copies, in lane order: destination, */
shared uint sh_cdist[32]; /* distance, */
shared uint sh_cbeg[32];  /* and first byte in the step's concatenated copy bytes */
#endif
shared uint sh_x[32];
#endif
shared uint sh_flag;

/* With several tiles per workgroup every shared array has one slice per tile; g_ts picks this
 * tile's (one tile: plain arrays, which llvmpipe runs far faster). */
uint g_ts;
#if MULTI_TILE
#define sh_tab sh_tab_[g_ts]
#define sh_sorted sh_sorted_[g_ts]
#define sh_lim sh_lim_[g_ts]
#define sh_base sh_base_[g_ts]
#define sh_cnt sh_cnt_[g_ts]
#define sh_run sh_run_[g_ts]
#define sh_offs sh_offs_[g_ts]
#define sh_ring sh_ring_[g_ts]
#define sh_idst sh_idst_[g_ts]
#define sh_ival sh_ival_[g_ts]
#define sh_cdst sh_cdst_[g_ts]
#define sh_cdist sh_cdist_[g_ts]
#define sh_cbeg sh_cbeg_[g_ts]
#define sh_x sh_x_[g_ts]
#endif

/* Execution and shared-memory barrier among the invocations of one tile. A macro, not a
 * function: llvmpipe runs barriers inside called functions extremely slowly, and wrongly. */
#if MULTI_TILE
#define tile_sync()                                                                              \
    subgroupMemoryBarrierShared();                                                             \
    subgroupBarrier()
#else
#define tile_sync() barrier()
#endif

/* Workgroup-uniform state. */
uint g_mode;
uint g_lane;
uint g_rd;    /* next tile word the shared read pointer hands out */
uint g_fill;  /* words below this index are in sh_ring */
uint g_out;   /* output cursor, bytes from the tile's start */
uint g_err;
uint g_steps;
bool g_pf;
uint g_pfw;

/* The tile. */
uint t_src_off, t_src_size, t_words, t_in_words, t_dst_off, t_dst_size;

/* Lane state: 64-bit bit buffer, LSB first, and the pending copy (written in the step that
 * decodes its distance), p_len bytes at p_dst. In the word-writes build a pending item may
 * also be a literal (p_lit, value p_val), written a step after it was decoded. */
uint b_lo, b_hi, b_cnt;
uint p_dst, p_len;
#ifdef DSVK_WORD_WRITES
uint p_val;
bool p_lit;
#define PENDING_COPY (p_len != 0u && !p_lit)
#else
#define PENDING_COPY (p_len != 0u)
#endif
uint l_err;

uint lt_mask(uint n)
{
    return n >= 32u ? 0xFFFFFFFFu : ((1u << n) - 1u);
}

/* ---- lane exchange -------------------------------------------------------------------- */

void init_mode()
{
    g_mode = MODE_SHARED;
    g_lane = gl_LocalInvocationIndex;
#if MULTI_TILE
    /* the host promised 32-wide subgroups: each is a tile; main checks the layout */
    g_mode = MODE_SINGLE;
    g_lane = gl_SubgroupInvocationID;
    return;
#endif
#ifdef DSVK_SUBGROUP
    if (gl_NumSubgroups == 1u) {
        uvec4 b = subgroupBallot(true);
        if (gl_SubgroupSize >= 32u && b.x == 0xFFFFFFFFu && b.y == 0u && b.z == 0u &&
            b.w == 0u) {
            g_mode = MODE_SINGLE;
            g_lane = gl_SubgroupInvocationID;
        }
    } else if (gl_SubgroupSize < 32u && gl_NumSubgroups * gl_SubgroupSize == 32u) {
        bool full = subgroupBallot(true).x == ((1u << gl_SubgroupSize) - 1u);
        if (gl_LocalInvocationIndex == 0u)
            sh_flag = 0u;
        barrier();
        if (!full)
            atomicOr(sh_flag, 1u);
        barrier();
        if (sh_flag == 0u) {
            g_mode = MODE_HYBRID;
            g_lane = gl_SubgroupID * gl_SubgroupSize + gl_SubgroupInvocationID;
        }
        barrier();
    }
#endif
}

/* Mask of the lanes where p holds. */
uint wg_ballot(bool p)
{
#ifdef DSVK_SUBGROUP
    if (g_mode == MODE_SINGLE)
        return subgroupBallot(p).x;
#if !defined(DSVK_WORD_WRITES) || defined(DSVK_EXP_HYBRID_BALLOT)
    /* (The word-writes build takes the shared-memory path here: with the subgroup ballot its
     * hybrid mode decodes some tiles wrong on Mesa 22.3's llvmpipe, Debian 12's lavapipe that
     * CI runs; the same SPIR-V is exact on Mesa 25.0's. DSVK_EXP_HYBRID_BALLOT restores it to
     * reproduce that: tests/gpu_gdeflate/lavapipe-compare.sh, docs/GPU_DECODER.md.) */
    if (g_mode == MODE_HYBRID) {
        uint part = subgroupBallot(p).x << (gl_SubgroupID * gl_SubgroupSize);
        if (subgroupElect())
            sh_x[gl_SubgroupID] = part;
        tile_sync();
        uint m = 0u;
        for (uint i = 0u; i < gl_NumSubgroups; i++)
            m |= sh_x[i];
        tile_sync();
        return m;
    }
#endif
#endif
    sh_x[g_lane] = p ? (1u << g_lane) : 0u;
    tile_sync();
    uint m = 0u;
    for (uint i = 0u; i < 32u; i++)
        m |= sh_x[i];
    tile_sync();
    return m;
}

/* Bitwise OR of v over all lanes. */
uint wg_or(uint v)
{
#ifdef DSVK_SUBGROUP
    if (g_mode == MODE_SINGLE)
        return subgroupOr(v);
    if (g_mode == MODE_HYBRID) {
        uint part = subgroupOr(v);
        if (subgroupElect())
            sh_x[gl_SubgroupID] = part;
        tile_sync();
        uint m = 0u;
        for (uint i = 0u; i < gl_NumSubgroups; i++)
            m |= sh_x[i];
        tile_sync();
        return m;
    }
#endif
    sh_x[g_lane] = v;
    tile_sync();
    uint m = 0u;
    for (uint i = 0u; i < 32u; i++)
        m |= sh_x[i];
    tile_sync();
    return m;
}

/* Exclusive prefix sum of v in lane order; total receives the sum over all lanes. */
uint wg_scan(uint v, out uint total)
{
#ifdef DSVK_SUBGROUP
    if (g_mode == MODE_SINGLE) {
        uint inc = subgroupInclusiveAdd(v);
        total = subgroupBroadcast(inc, 31u);
        return inc - v;
    }
    if (g_mode == MODE_HYBRID) {
        uint inc = subgroupInclusiveAdd(v);
        uint part = subgroupAdd(v);
        if (subgroupElect())
            sh_x[gl_SubgroupID] = part;
        tile_sync();
        uint before = 0u, all = 0u;
        for (uint i = 0u; i < gl_NumSubgroups; i++) {
            uint s = sh_x[i];
            before += i < gl_SubgroupID ? s : 0u;
            all += s;
        }
        tile_sync();
        total = all;
        return before + inc - v;
    }
#endif
    sh_x[g_lane] = v;
    tile_sync();
    uint before = 0u, all = 0u;
    for (uint i = 0u; i < 32u; i++) {
        uint s = sh_x[i];
        before += i < g_lane ? s : 0u;
        all += s;
    }
    tile_sync();
    total = all;
    return before;
}

/* v of lane src (src may differ per lane). */
uint wg_read(uint v, uint src)
{
#ifdef DSVK_SUBGROUP
    if (g_mode == MODE_SINGLE)
        return subgroupShuffle(v, src);
#endif
    sh_x[g_lane] = v;
    tile_sync();
    uint r = sh_x[src & 31u];
    tile_sync();
    return r;
}

/* ---- input ----------------------------------------------------------------------------- */

/* Little-endian word at tile byte b (b + 4 <= t_src_size), for any alignment. */
uint in_load(uint b)
{
    uint a = t_src_off + b;
    uint wi = a >> 2u;
    uint sh = (a & 3u) * 8u;
    uint w = inp.words[wi];
    if (sh != 0u) {
        uint w2 = wi + 1u < t_in_words ? inp.words[wi + 1u] : 0u;
        w = (w >> sh) | (w2 << (32u - sh));
    }
    return w;
}

/* Word i of the tile; 0 past its last whole word (the refill check turns using one into an
 * error, as the CPU decoder does). */
uint in_word(uint i)
{
    return i < t_words ? in_load(i * 4u) : 0u;
}

/* Whether the tile holds non-zero bytes after the words the bitstream used: the CPU decoder
 * rejects such tiles (their size does not match their bitstream). Uniform. */
bool tail_nonzero()
{
    uint bad = 0u;
    for (uint i = g_rd + g_lane; i < t_words; i += 32u)
        bad |= in_word(i);
    uint rem = t_src_size & 3u;
    if (g_lane == 0u && rem != 0u) {
        /* the last bytes, read through the aligned word that holds them */
        uint a = t_src_off + t_words * 4u;
        for (uint k = 0u; k < rem; k++) {
            uint ak = a + k;
            bad |= (inp.words[ak >> 2u] >> ((ak & 3u) * 8u)) & 0xFFu;
        }
    }
    return wg_or(bad) != 0u;
}

/* Makes the output buffer's bytes written so far visible to the whole tile (uniform control
 * flow). Device scope, though workgroup scope would do: NVIDIA measured both the same, and
 * llvmpipe runs workgroup-scope memory barriers extremely slowly. */
#if MULTI_TILE
#define output_fence()                                                                           \
    subgroupMemoryBarrierBuffer();                                                             \
    tile_sync()
#else
#define output_fence()                                                                           \
    memoryBarrierBuffer();                                                                     \
    tile_sync()
#endif

/* End of a step: this step's output visible to the next one. */
#if defined(DSVK_EXP_NO_FENCE)
#define output_barrier() tile_sync()
#else
#define output_barrier() output_fence()
#endif

/* Every step starts here: when fewer than 64 staged words remain, this step loads the next 32
 * (one per invocation, coalesced); they land in the ring at step_end, so the load latency hides
 * behind the step's decoding. A step hands out at most 32 words, so the ring never runs dry. */
void step_begin()
{
    g_steps++;
    g_pf = g_fill - g_rd < 64u;
    if (g_pf)
        g_pfw = in_word(g_fill + g_lane);
}

void step_end()
{
    if (g_pf) {
        sh_ring[(g_fill + g_lane) & (RING - 1u)] = g_pfw;
        g_fill += 32u;
    }
    if (g_steps > MAX_STEPS)
        g_err |= E_LIMIT;
    output_barrier();
}

/* ---- output ---------------------------------------------------------------------------- */

#ifdef DSVK_WORD_WRITES
/* The 4 final output bytes at tile byte q (any alignment; q + 4 <= the tile's size). */
uint out_word(uint q)
{
    uint a = t_dst_off + q;
    uint wi = a >> 2u;
    uint sh = (a & 3u) * 8u;
#ifdef DSVK_EXP_NO_COPY_LOAD
    return a; /* timing experiment: no load */
#else
    uint w = outp.words[wi];
    if (sh != 0u)
        w = (w >> sh) | (outp.words[wi + 1u] << (32u - sh));
    return w;
#endif
}

/* The final output byte at tile byte q. */
uint out_byte(uint q)
{
    uint a = t_dst_off + q;
#ifdef DSVK_EXP_NO_COPY_LOAD
    return a & 0xFFu;
#else
    return (outp.words[a >> 2u] >> ((a & 3u) * 8u)) & 0xFFu;
#endif
}

/* Stores the bytes `mask` selects of output word w (absolute word index). A word the step
 * covers whole belongs to one invocation and no other step: a plain store. A partly covered
 * word shares its other bytes with an earlier step, a later one or a neighbouring tile, which
 * may be writing them now: two atomics, clearing and then setting only this step's bytes. */
uint g_sink;
void out_store(uint w, uint v, uint mask)
{
#ifdef DSVK_EXP_NO_STORE
    g_sink = g_sink * 31u + v + w; /* timing experiment: keep the value alive, store nothing */
#else
    if (mask == 0xFFFFFFFFu) {
        outp.words[w] = v;
    } else {
        atomicAnd(outp.words[w], ~mask);
        atomicOr(outp.words[w], v & mask);
    }
#endif
}
#else
uint g_sink;

/* Writes output byte p (tile-relative). */
void out_put(uint p, uint v)
{
#ifdef DSVK_EXP_NO_STORE
    g_sink = g_sink * 31u + v + p; /* timing experiment: keep the value alive, store nothing */
#else
    outp.bytes[t_dst_off + p] = uint8_t(v);
#endif
}

/* Final output byte q. */
uint out_get(uint q)
{
#ifdef DSVK_EXP_NO_COPY_LOAD
    return q & 0xFFu; /* timing experiment: no load */
#else
    return uint(outp.bytes[t_dst_off + q]);
#endif
}
#endif

/* ---- lane bit buffers ------------------------------------------------------------------ */

void bits_drop(uint n)
{
    n = min(n, min(b_cnt, 31u));
    if (n != 0u) {
        b_lo = (b_lo >> n) | (b_hi << (32u - n));
        b_hi >>= n;
        b_cnt -= n;
    }
}

/* The refill rule: each lane that advances and holds fewer than 32 bits takes the next word of
 * the shared read pointer, in lane order. */
void refill(bool advancing)
{
    bool need = advancing && b_cnt < 32u;
    uint m = wg_ballot(need);
    if (need) {
        uint w = sh_ring[(g_rd + bitCount(m & lt_mask(g_lane))) & (RING - 1u)];
        if (b_cnt == 0u) {
            b_lo = w;
            b_hi = 0u;
        } else {
            b_lo |= w << b_cnt;
            b_hi = w >> (32u - b_cnt);
        }
        b_cnt += 32u;
    }
    g_rd += uint(bitCount(m));
    if (g_rd > t_words)
        g_err |= E_INPUT;
}

/* ---- Huffman tables -------------------------------------------------------------------- */

uint make_entry(uint value, uint kind, uint extra)
{
    return (value << 16u) | (kind << 9u) | (extra << 4u);
}

uint litlen_entry(uint s)
{
    if (s < 256u)
        return make_entry(s, K_LIT, 0u);
    if (s == 256u)
        return make_entry(0u, K_EOB, 0u);
    uint i = s - 257u;
    if (i < 8u)
        return make_entry(3u + i, K_MATCH, 0u);
    if (i < 28u) {
        uint e = (i - 4u) >> 2u;
        return make_entry(((4u + (i & 3u)) << e) + 3u, K_MATCH, e);
    }
    /* Deflate64: 285 (and 286/287, which the reference maps the same) = 3 + 16 extra bits. */
    return make_entry(3u, K_MATCH, 16u);
}

uint dist_entry(uint s)
{
    if (s < 4u)
        return make_entry(s + 1u, K_MATCH, 0u);
    uint e = (s >> 1u) - 1u;
    return make_entry(((2u + (s & 1u)) << e) + 1u, K_MATCH, e);
}

uint pre_entry(uint s)
{
    uint extra = s == 16u ? 2u : (s == 17u ? 3u : (s == 18u ? 7u : 0u));
    return make_entry(s, K_LIT, extra);
}

uint sym_entry(uint t, uint s)
{
    return t == T_LIT ? litlen_entry(s) : (t == T_DIST ? dist_entry(s) : pre_entry(s));
}

/*
 * Counts the code lengths sh_tab[lens_at .. lens_at+n), checks the code (Kraft sum), writes the
 * long-code tables of t and the entries sorted by (length, symbol) to sh_sorted[sorted_at..].
 * Returns CODE_BAD, CODE_NORMAL, or the two incomplete codes DEFLATE allows: no codes at all
 * (every bit pattern is invalid) and a single code of length 1 (the bit 0 decodes to it, the
 * bit 1 is invalid), exactly as the CPU decoder treats them.
 */
uint table_prepare(uint t, uint lens_at, uint n, uint sorted_at)
{
    if (g_lane < 16u) {
        sh_cnt[g_lane] = 0u;
        sh_run[g_lane] = 0u;
    }
    tile_sync();
    for (uint s = g_lane; s < n; s += 32u) {
        uint len = sh_tab[lens_at + s];
        if (len != 0u)
            atomicAdd(sh_cnt[len & 15u], 1u);
    }
    tile_sync();
    uint code = 0u, off = 0u, space = 0u;
    uint my_lim = 0u, my_base = 0u, my_off = 0u;
    for (uint len = 1u; len <= 15u; len++) {
        uint c = sh_cnt[len];
        space += c << (15u - len);
        if (len == g_lane) {
            my_lim = (code + c) << (15u - len);
            my_base = off - code;
            my_off = off;
        }
        code = (code + c) << 1u;
        off += c;
    }
    uint kind = CODE_NORMAL;
    if (space > 32768u)
        kind = CODE_BAD;
    else if (space == 0u)
        kind = CODE_EMPTY;
    else if (space < 32768u)
        kind = (space == 16384u && sh_cnt[1] == 1u) ? CODE_SINGLE : CODE_BAD;
    if (g_lane >= 1u && g_lane <= 15u) {
        sh_lim[t * 16u + g_lane] = my_lim;
        sh_base[t * 16u + g_lane] = my_base;
        sh_offs[g_lane] = my_off;
    }
    tile_sync();
    if (kind == CODE_BAD || kind == CODE_EMPTY)
        return kind;
    /* Stable counting sort, 32 symbols per round: rank among equal lengths in this chunk plus
     * the count of that length in earlier chunks. */
    for (uint base = 0u; base < n; base += 32u) {
        uint s = base + g_lane;
        uint len = s < n ? sh_tab[lens_at + s] : 0u;
        uint before = 0u, after = 0u;
        for (uint j = 0u; j < 32u; j++) {
            uint lj = base + j < n ? sh_tab[lens_at + base + j] : 0u;
            if (lj == len) {
                before += j < g_lane ? 1u : 0u;
                after += j > g_lane ? 1u : 0u;
            }
        }
        if (len != 0u)
            sh_sorted[sorted_at + sh_offs[len] + sh_run[len] + before] = sym_entry(t, s);
        tile_sync();
        if (len != 0u && after == 0u)
            sh_run[len] += before + 1u;
        tile_sync();
    }
    return kind;
}

/* Fills the primary table (2^bits entries at sh_tab[tab_at]) of a prepared code. */
void table_fill(uint t, uint tab_at, uint bits, uint sorted_at, uint kind)
{
    uint single = kind == CODE_SINGLE ? sh_sorted[sorted_at] | 1u : BAD_ENTRY;
    for (uint e = g_lane; e < (1u << bits); e += 32u) {
        uint v = (e & 1u) == 0u ? single : BAD_ENTRY;
        if (kind == CODE_NORMAL) {
            /* The bit pattern e, read LSB first, is the code read MSB first. */
            uint c15 = (bitfieldReverse(e) >> (32u - bits)) << (15u - bits);
            v = 0u;
            for (uint len = 1u; len <= bits; len++) {
                if (c15 < sh_lim[t * 16u + len]) {
                    uint idx = sh_base[t * 16u + len] + (c15 >> (15u - len));
                    v = sh_sorted[sorted_at + min(idx, 319u)] | len;
                    break;
                }
            }
        }
        sh_tab[tab_at + e] = v;
    }
}

/* Codes longer than the primary table: canonical search over the remaining lengths. */
uint decode_long(uint t, uint bits)
{
    uint c15 = bitfieldReverse(b_lo) >> 17u;
    uint sorted_at = t == T_LIT ? SORT_LIT : SORT_DIST;
    for (uint len = bits + 1u; len <= 15u; len++) {
        if (c15 < sh_lim[t * 16u + len]) {
            uint idx = sh_base[t * 16u + len] + (c15 >> (15u - len));
            return sh_sorted[sorted_at + min(idx, 319u)] | len;
        }
    }
    return 0u;
}

/* Builds the lit/len and distance tables from the code lengths at LENS. */
void build_tables(uint nlit, uint ndist)
{
    uint kl = table_prepare(T_LIT, LENS, nlit, SORT_LIT);
    uint kd = table_prepare(T_DIST, LENS + nlit, ndist, SORT_DIST);
    if (kl == CODE_BAD || kd == CODE_BAD) {
        g_err |= E_HUFFMAN;
        return;
    }
    /* Filling overwrites the code lengths: everything above has read them. */
    table_fill(T_LIT, TAB_LIT, LIT_BITS, SORT_LIT, kl);
    table_fill(T_DIST, TAB_DIST, DIST_BITS, SORT_DIST, kd);
    tile_sync();
}

/* ---- blocks ---------------------------------------------------------------------------- */

#ifdef DSVK_WORD_WRITES
/* Items: what a step writes is a contiguous run of the output, the items of the lanes in
 * lane order, each a literal (one byte, value known) or a copy (length and distance known).
 * sh_idst[i] is item i's first byte; entries past the last item hold the run's end, so that
 * item i ends at sh_idst[i + 1] and the five-step search below needs no loop. */
const uint LIT_ITEM = 0x80000000u; /* sh_ival: a literal, its value in bits 0..7 */

/* The item that holds byte p of the run. */
uint item_find(uint p)
{
    uint c = 0u;
    c += sh_idst[c + 16u] <= p ? 16u : 0u;
    c += sh_idst[c + 8u] <= p ? 8u : 0u;
    c += sh_idst[c + 4u] <= p ? 4u : 0u;
    c += sh_idst[c + 2u] <= p ? 2u : 0u;
    c += sh_idst[c + 1u] <= p ? 1u : 0u;
    return c;
}

/* Where the final value of byte p of the run (in item c) comes from: LIT_ITEM | the value of
 * a literal, or the output position q < a0 to read it from (final, fenced). A copy's byte
 * comes from dst - dist + (offset mod dist) (the mod replicates overlapping copies' patterns);
 * a source inside the run is resolved through the item that holds it, and every hop moves to
 * an earlier item, so at most 32 hops. No output load here: the callers issue theirs together
 * after resolving, instead of one load's latency per hop loop. */
uint item_source(uint c, uint p, uint a0)
{
    uint v = sh_ival[c];
    for (uint hop = 0u; hop < 32u && (v & LIT_ITEM) == 0u && p >= a0; hop++) {
        uint d = sh_idst[c];
        uint o = p - d;
        p = d - v + (o < v ? o : o % v);
        c = item_find(p);
        v = sh_ival[c];
    }
    return p < a0 ? p : (v & 0xFFu) | LIT_ITEM;
}

/* The byte a source (item_source) names. */
uint source_byte(uint s)
{
    return (s & LIT_ITEM) != 0u ? s & 0xFFu : out_byte(s);
}

/* The value of output word w (absolute word index) where it meets the run [a0, a1), and in
 * mask the bytes it covers. */
uint word_value(uint w, uint a0, uint a1, out uint mask)
{
    uint wb = w * 4u - t_dst_off; /* tile byte of the word's first byte (wraps before the tile) */
    uint lo = max(w * 4u, t_dst_off + a0) - t_dst_off;
    uint hi = min(w * 4u + 4u, t_dst_off + a1) - t_dst_off;
    mask = 0u;
    for (uint j = 0u; j < 4u; j++)
        mask |= wb + j - lo < hi - lo ? 0xFFu << (8u * j) : 0u;
    uint c = item_find(lo);
    uint v = 0u;
    uint cd = sh_idst[c], cv = sh_ival[c];
    bool done = false;
    if (mask == 0xFFFFFFFFu && hi <= sh_idst[c + 1u] && (cv & LIT_ITEM) == 0u && cv >= 4u) {
        /* The whole word inside one copy whose four sources are consecutive and final. */
        uint o = lo - cd;
        uint r = o < cv ? o : o % cv;
        uint q = cd - cv + r;
        if (r + 4u <= cv && q + 4u <= a0) {
            v = out_word(q);
            done = true;
        }
    }
#ifdef DSVK_SHORT_DIST
    if (!done && mask == 0xFFFFFFFFu && hi <= sh_idst[c + 1u] && cv < 4u) {
        /* The whole word inside one copy of distance 1..3: its bytes repeat the copy's
         * cv source bytes, each resolved once. */
        uint pat = 0u;
        for (uint k = 0u; k < cv; k++) {
            uint q = cd - cv + k;
            pat |= source_byte(q < a0 ? q : item_source(item_find(q), q, a0)) << (8u * k);
        }
        uint r = (lo - cd) % cv;
        for (uint j = 0u; j < 4u; j++) {
            v |= ((pat >> (8u * r)) & 0xFFu) << (8u * j);
            r = r + 1u == cv ? 0u : r + 1u;
        }
        done = true;
    }
#endif
    if (!done) {
        /* The word's bytes in the run are consecutive and items are contiguous, so each next
         * byte lies in the same item or the one after. Bytes outside the run (edge words)
         * repeat its nearest byte and are masked off. */
        uint src[4];
        for (uint j = 0u; j < 4u; j++) {
            uint p = lo + uint(clamp(int(wb + j - lo), 0, int(hi - lo) - 1));
            c += c < 31u && p >= sh_idst[c + 1u] ? 1u : 0u;
            src[j] = item_source(c, p, a0);
        }
        for (uint j = 0u; j < 4u; j++)
            v |= source_byte(src[j]) << (8u * j);
    }
    return v;
}

/* Writes the items of the lanes in `has` (lane order is output order, and together they cover
 * [a0, a1) without gaps), spread over all invocations one aligned output word each. The item's
 * first byte and length are the lane's p_dst and p_len; val is its value (LIT_ITEM) or
 * distance. Every byte before a0 is final and visible (the step fence). */
void write_items(bool has, uint val)
{
    uint m = wg_ballot(has);
    if (m == 0u)
        return;
    uint n = uint(bitCount(m));
    uint a0 = wg_read(p_dst, uint(findLSB(m)));
    uint a1 = wg_read(p_dst + p_len, uint(findMSB(m)));
    if (has) {
        uint i = uint(bitCount(m & lt_mask(g_lane)));
        sh_idst[i] = p_dst;
        sh_ival[i] = val;
    }
    if (g_lane >= n)
        sh_idst[g_lane] = a1;
    if (g_lane == 0u)
        sh_idst[32] = a1;
    tile_sync();
    uint w1 = (t_dst_off + a1 + 3u) >> 2u;
#ifdef DSVK_WORD_PAIRS
    /* Two words per invocation and round, both loaded before either is stored: the compiler
     * cannot move a load above a store to the same binding, so one word per round waits for
     * its loads round after round. */
    for (uint w = ((t_dst_off + a0) >> 2u) + g_lane; w < w1; w += 64u) {
        uint m0, m1 = 0u, v1 = 0u;
        uint v0 = word_value(w, a0, a1, m0);
        if (w + 32u < w1)
            v1 = word_value(w + 32u, a0, a1, m1);
        out_store(w, v0, m0);
        if (m1 != 0u)
            out_store(w + 32u, v1, m1);
    }
#else
    for (uint w = ((t_dst_off + a0) >> 2u) + g_lane; w < w1; w += 32u) {
        uint m;
        uint v = word_value(w, a0, a1, m);
        out_store(w, v, m);
    }
#endif
}
#else
/* The copies of this step's lanes in `copying`, all at once; see the header comment. */
void run_copies(bool copying, uint dist)
{
    uint cm = wg_ballot(copying);
    if (cm == 0u)
        return;
    uint total;
    uint beg = wg_scan(copying ? p_len : 0u, total);
    uint nc = uint(bitCount(cm));
    /* Copies whose source bytes all lie before the step's first destination need no
     * resolution through earlier copies: flagged per copy (bit 31 of its distance) once,
     * instead of tested per byte. Entries past the last copy are padded so that the lookups
     * below run a fixed five steps over all 32 entries. */
    uint lead_dst = wg_read(p_dst, uint(findLSB(cm)));
    if (g_lane >= nc) {
        sh_cdst[g_lane] = 0xFFFFFFFFu;
        sh_cbeg[g_lane] = 0xFFFFFFFFu;
    }
    if (copying) {
        uint ci = uint(bitCount(cm & lt_mask(g_lane)));
        sh_cdst[ci] = p_dst;
        sh_cdist[ci] = dist;
        if (ci > 0u && p_dst - dist + min(p_len, dist) > lead_dst)
            sh_cdist[ci] = dist | 0x80000000u;
        sh_cbeg[ci] = beg;
    }
    tile_sync();
    for (uint i = g_lane; i < total; i += 32u) {
        /* The copy of byte i: the last one that begins at or before it. */
        uint c = 0u;
        c += sh_cbeg[c + 16u] <= i ? 16u : 0u;
        c += sh_cbeg[c + 8u] <= i ? 8u : 0u;
        c += sh_cbeg[c + 4u] <= i ? 4u : 0u;
        c += sh_cbeg[c + 2u] <= i ? 2u : 0u;
        c += sh_cbeg[c + 1u] <= i ? 1u : 0u;
        uint cd = sh_cdst[c];
        uint dv = sh_cdist[c];
        uint d = dv & 0x7FFFFFFFu;
        uint o = i - sh_cbeg[c];
        uint q = cd - d + (o < d ? o : o % d);
        if ((dv >> 31u) != 0u) {
            /* q < the destination of copy h, so the copy a found below precedes h, and
             * a + 1 is a copy too. */
            uint h = c;
            while (q >= lead_dst && h > 0u) {
                uint a = 0u;
                a += sh_cdst[a + 16u] <= q ? 16u : 0u;
                a += sh_cdst[a + 8u] <= q ? 8u : 0u;
                a += sh_cdst[a + 4u] <= q ? 4u : 0u;
                a += sh_cdst[a + 2u] <= q ? 2u : 0u;
                a += sh_cdst[a + 1u] <= q ? 1u : 0u;
                uint o2 = q - sh_cdst[a];
                if (o2 >= sh_cbeg[a + 1u] - sh_cbeg[a])
                    break;
                uint d2 = sh_cdist[a] & 0x7FFFFFFFu;
                q = sh_cdst[a] - d2 + (o2 < d2 ? o2 : o2 % d2);
                h = a;
            }
        }
        out_put(cd + o, out_get(q));
    }
}
#endif

/*
 * One step of a Huffman block's data phase over the lanes [lo, hi). Lanes with a pending copy
 * decode its distance and copy; with `litlen`, the others decode a lit/len symbol. Literals
 * are written at once; with DSVK_WORD_WRITES a literal is the lane's pending item for one step
 * instead, so that each step writes the visited lanes' pending items, the whole run the step
 * before decoded. Returns the lane that decoded end-of-block, or hi.
 */
uint data_step(uint lo, uint hi, bool litlen)
{
    step_begin();
    bool in_win = g_lane >= lo && g_lane < hi;
    bool pend = PENDING_COPY;
    bool decoding = in_win && (pend || litlen);
    uint e = 0u;
    if (decoding) {
        uint tab = pend ? TAB_DIST : TAB_LIT;
        uint bits = pend ? DIST_BITS : LIT_BITS;
        e = sh_tab[tab + bitfieldExtract(b_lo, 0, int(bits))];
        if ((e & 15u) == 0u) {
            e = decode_long(pend ? T_DIST : T_LIT, bits);
            if (e == 0u)
                l_err |= E_HUFFMAN;
        }
    }
    uint clen = e & 15u;
    uint xbits = (e >> 4u) & 31u;
    uint kind = (e >> 9u) & 3u;
    uint value = (e >> 16u) + bitfieldExtract(b_lo, int(clen), int(xbits));
    uint used = clen + xbits;

    uint k = hi;
    if (litlen) {
        uint em = wg_ballot(decoding && !pend && kind == K_EOB);
        if (em != 0u)
            k = uint(findLSB(em));
    }
    bool visited = in_win && g_lane < k;
    bool copying = visited && pend;
    bool emitting = visited && !pend && litlen;
    if (visited && decoding && kind == K_BAD)
        l_err |= E_HUFFMAN;
    if (copying && value > p_dst)
        l_err |= E_DISTANCE;

    uint osz = emitting ? (kind == K_LIT ? 1u : (kind == K_MATCH ? value : 0u)) : 0u;
    uint total = 0u;
    uint dest = g_out;
    if (litlen) {
        dest += wg_scan(osz, total);
        if (g_out + total > t_dst_size)
            g_err |= E_OVERRUN;
    }
    g_err |= wg_or(l_err);
#ifdef DSVK_WORD_WRITES
    bool writing = visited && p_len != 0u; /* a pending literal, or copying */
    if (g_err == 0u)
        write_items(writing, p_lit ? p_val | LIT_ITEM : value);
    if (writing)
        p_len = 0u;
#else
    if (g_err == 0u) {
        run_copies(copying, value);
        if (emitting && kind == K_LIT)
            out_put(dest, value);
    }
#endif
    g_out += total;

    if (visited || (g_lane == k && k < hi))
        bits_drop(used);
#ifdef DSVK_WORD_WRITES
    if (emitting && (kind == K_LIT || kind == K_MATCH)) {
        p_dst = dest;
        p_lit = kind == K_LIT;
        p_len = p_lit ? 1u : value;
        p_val = value;
    }
#else
    if (copying)
        p_len = 0u;
    else if (emitting && kind == K_MATCH) {
        p_dst = dest;
        p_len = value;
    }
#endif
    refill(visited);
    step_end();
    return k;
}

void huffman_block()
{
    for (;;) {
        uint k = data_step(0u, 32u, true);
        if (g_err != 0u)
            return;
        if (k < 32u) {
            /* End of block: one more revolution from lane k finishes the pending copies. */
            data_step(k, 32u, false);
            if (k > 0u && g_err == 0u)
                data_step(0u, k, false);
            return;
        }
    }
}

void stored_block()
{
    step_begin();
    uint len = wg_read(b_lo & 0xFFFFu, 0u);
    if (g_lane == 0u)
        bits_drop(16u);
    if (g_out + len > t_dst_size)
        g_err |= E_OVERRUN;
    step_end();
    for (uint done = 0u; done < len && g_err == 0u; done += 32u) {
        step_begin();
        bool mine = done + g_lane < len;
#ifdef DSVK_WORD_WRITES
        p_dst = g_out + done + g_lane;
        p_len = 1u;
        write_items(mine, (b_lo & 0xFFu) | LIT_ITEM);
#else
        if (mine)
            out_put(g_out + done + g_lane, b_lo & 0xFFu);
#endif
        if (mine)
            bits_drop(8u);
        refill(mine);
        step_end();
    }
#ifdef DSVK_WORD_WRITES
    p_len = 0u;
#endif
    g_out += len;
    /* The end-of-block revolution from the lane after the last byte. */
    step_begin();
    uint c = len & 31u;
    refill(g_lane >= c);
    refill(g_lane < c);
    step_end();
}

void fixed_block()
{
    for (uint s = g_lane; s < 320u; s += 32u) {
        uint len = s < 144u ? 8u : (s < 256u ? 9u : (s < 280u ? 7u : (s < 288u ? 8u : 5u)));
        sh_tab[LENS + s] = len;
    }
    tile_sync();
    build_tables(288u, 32u);
}

const uint PRECODE_ORDER[19] = uint[19](16u, 17u, 18u, 0u, 8u, 7u, 9u, 6u, 10u, 5u, 11u, 4u,
                                        12u, 3u, 13u, 2u, 14u, 1u, 15u);

void dynamic_block()
{
    step_begin();
    uint hv = wg_read(b_lo & 0x3FFFu, 0u);
    if (g_lane == 0u)
        bits_drop(14u);
    refill(g_lane == 0u);
    step_end();
    uint nlit = (hv & 31u) + 257u;
    uint ndist = ((hv >> 5u) & 31u) + 1u;
    uint npre = (hv >> 10u) + 4u;

    /* Precode lengths: value i from lane i. */
    step_begin();
    if (g_lane < 19u) {
        uint v = 0u;
        if (g_lane < npre) {
            v = b_lo & 7u;
            bits_drop(3u);
        }
        sh_tab[PRE_LENS + PRECODE_ORDER[g_lane]] = v;
    }
    refill(g_lane < npre);
    step_end();
    uint kp = table_prepare(T_PRE, PRE_LENS, 19u, SORT_PRE);
    if (kp == CODE_BAD || g_err != 0u) {
        g_err |= kp == CODE_BAD ? E_HUFFMAN : 0u;
        return;
    }
    table_fill(T_PRE, TAB_PRE, PRE_BITS, SORT_PRE, kp);
    tile_sync();

    /* Code lengths, one symbol per lane and step, lanes in order until nlit+ndist are known. */
    uint want = nlit + ndist;
    for (uint have = 0u; have < want && g_err == 0u;) {
        step_begin();
        uint e = sh_tab[TAB_PRE + (b_lo & 127u)];
        uint clen = e & 15u;
        uint xbits = (e >> 4u) & 31u;
        uint sym = e >> 16u;
        uint xv = bitfieldExtract(b_lo, int(clen), int(xbits));
        uint run = sym < 16u ? 1u : (sym == 18u ? 11u + xv : 3u + xv);
        uint total;
        uint start = have + wg_scan(run, total);
        bool visited = start < want;
        /* Symbol 16 repeats the previous length: the nearest explicit one of this step,
         * else the last one written before it. */
        uint explicit_m = wg_ballot(sym != 16u);
        uint below = explicit_m & lt_mask(g_lane);
        uint src = below != 0u ? uint(findMSB(below)) : 0u;
        uint from_lane = wg_read(sym == 16u || sym == 17u || sym == 18u ? 0u : sym, src);
        uint v = sym < 16u ? sym : 0u;
        if (visited && ((e >> 9u) & 3u) == K_BAD)
            l_err |= E_HUFFMAN;
        if (sym == 16u) {
            if (below != 0u)
                v = from_lane;
            else if (have > 0u)
                v = sh_tab[LENS + have - 1u];
            else if (visited)
                l_err |= E_HUFFMAN;
        }
        g_err |= wg_or(l_err);
        if (visited) {
            uint end = min(start + run, want);
            for (uint i = start; i < end; i++)
                sh_tab[LENS + i] = v;
            bits_drop(clen + xbits);
        }
        refill(visited);
        have += total;
        step_end();
    }
    if (g_err == 0u)
        build_tables(nlit, ndist);
}

void decode_tile()
{
    uint blocks = 0u;
    for (;;) {
        step_begin();
        uint hdr = wg_read(b_lo & 7u, 0u);
        if (g_lane == 0u)
            bits_drop(3u);
        refill(g_lane == 0u);
        step_end();
        if (g_err != 0u)
            return;
        uint btype = hdr >> 1u;
        if (btype == 0u)
            stored_block();
        else if (btype == 1u) {
            fixed_block();
            if (g_err == 0u)
                huffman_block();
        } else if (btype == 2u) {
            dynamic_block();
            if (g_err == 0u)
                huffman_block();
        } else
            g_err |= E_BLOCK_TYPE;
        if (g_err != 0u || (hdr & 1u) != 0u)
            return;
        blocks++;
        if (blocks > 65536u) {
            g_err |= E_LIMIT;
            return;
        }
    }
}

void main()
{
    g_ts = 0u;
    bool layout_ok = true;
#if MULTI_TILE
    g_ts = gl_SubgroupID;
    layout_ok = gl_SubgroupSize == 32u && gl_NumSubgroups == TILES_PER_GROUP &&
                subgroupBallot(true).x == 0xFFFFFFFFu;
#endif
    uint tile = (gl_WorkGroupID.x + gl_WorkGroupID.y * gl_NumWorkGroups.x) * TILES_PER_GROUP + g_ts;
    if (tile >= jobs.header.w)
        return;
    init_mode();

    Tile td = jobs.tiles[tile];
    uint nslots = uint(status.slots.length());
    if (td.status_slot >= nslots)
        return; /* nowhere to report: the host validates slots, this is defence only */
    t_in_words = uint(inp.words.length());
#ifdef DSVK_WORD_WRITES
    uint out_words = uint(outp.words.length());
    uint out_len = out_words >= 0x40000000u ? 0xFFFFFFFFu : out_words * 4u;
#else
    uint out_len = uint(outp.bytes.length());
#endif
    t_src_off = td.src_offset;
    t_src_size = td.src_size;
    t_dst_off = td.dst_offset;
    t_dst_size = td.dst_size;
    g_err = 0u;
    /* The input binding's size in bytes, without overflow for 1 GiB+ bindings. */
    uint in_limit = t_in_words >= 0x40000000u ? 0xFFFFFFFFu : t_in_words * 4u;
    if (!layout_ok || t_dst_size == 0u || t_dst_size > 65536u || t_src_size > in_limit ||
        t_src_off > in_limit - t_src_size || t_dst_off > out_len ||
        t_dst_size > out_len - t_dst_off)
        g_err = E_DESCRIPTOR;
    t_words = t_src_size >> 2u;

    g_out = 0u;
    g_steps = 0u;
    p_len = 0u;
    p_dst = 0u;
#ifdef DSVK_WORD_WRITES
    p_val = 0u;
    p_lit = false;
#endif
    l_err = 0u;
    g_sink = 0u;
    if (g_err == 0u) {
        b_lo = in_word(g_lane);
        b_hi = 0u;
        b_cnt = 32u;
        sh_ring[(32u + g_lane) & (RING - 1u)] = in_word(32u + g_lane);
        sh_ring[(64u + g_lane) & (RING - 1u)] = in_word(64u + g_lane);
        g_rd = 32u;
        g_fill = 96u;
        /* Every tile starts with one word per lane. */
        if (t_words < 32u)
            g_err |= E_INPUT;
        tile_sync();
        if (g_err == 0u)
            decode_tile();
        if (g_err == 0u && g_out != t_dst_size)
            g_err |= E_SHORT;
        if (g_err == 0u && tail_nonzero())
            g_err |= E_TRAILING;
    }
#ifdef DSVK_EXP_NO_STORE
    if (g_sink == 0x12345678u)
        g_err |= E_LIMIT;
#endif
    if (g_lane == 0u) {
        if (g_err != 0u)
            atomicOr(status.slots[td.status_slot], g_err & ERROR_BITS);
        else
            atomicAdd(status.slots[td.status_slot], 1u);
    }
}
