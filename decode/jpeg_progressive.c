/*
 * jpeg_progressive.c — progressive JPEG (SOF2) to gray inside the arena, band by band, each
 * scan's data entropy-decoded exactly once.
 *
 * A band is `band_rows` luma block rows across the whole width: the whole image when it fits,
 * else one row, whose blocks keep aside the DC values an interleaved DC scan decodes for the
 * rows below in its MCU row (plan, ink_jpeg_prog_emit_band).
 * 1. The walk: markers are read in file order. A scan that carries luma (component 0 of a gray or
 *    YCbCr frame) is recorded — its parameters, its Huffman tables (copied into a pool, deduped),
 *    a checkpoint at its start — and its data is skipped by scanning for the next marker.
 *    Chroma-only scans are only skipped; at 1/8 so are luma AC scans (the DC term alone makes a
 *    1x1 block). With one band, band 0 of each luma scan is decoded at once from the walk's
 *    buffer instead, before the skip, and the walk's end (EOI) completes the image.
 * 2. With several bands the walk has read through all of PRIMARY, where the band goes after it.
 *    Each band: every recorded scan resumes at its checkpoint (bit buffer, end-of-band run, DC
 *    predictor, restart counter, its own input buffer and file position), decodes this band's
 *    blocks and saves its checkpoint; then the band is dequantised, inverse-transformed at the
 *    chosen scale and sent down the pipeline.
 * One band (small images, 1/8) means one pass over the file and no seek; otherwise each scan has
 * its own slice of input, sized for what it has to read (jpeg_progressive_slices.c), or its
 * data where the walk's last buffer holds it, and the source is seeked only when a scan's slice
 * runs dry. Band 0 after the walk costs hardly a read (each scan's first read was due anyway;
 * band 0's data only adds to what it reads) and lets the walk read 32 KB at a time.
 *
 * Memory (docs/JPEG.md "Progressive"): SCRATCH the decoder state (as baseline); DITHER 0..12 KB
 * the input buffer (and tile space), then input slices; DITHER 12..32 KB the jpeg_prog record
 * (scan checkpoints last), the output block row at the end when it fits, the table pool below
 * it (growing down), input slices between the last checkpoint and the pool; PRIMARY: the walk's
 * input buffer (all of it with several bands, else below the band when bigger than 12 KB), then
 * the band's blocks at its end (and the output block row when DITHER cannot hold it), below them
 * input slices and the data of scans read in place.
 */
#include <string.h>

#include "decode/jpeg_progressive.h"

/* The output block row lives at the end of the DITHER claim when it fits this budget (else in
 * PRIMARY after the band). */
#define PROG_OUT_BYTES 12288u
#define PROG_DITHER_OFFSET (INK_JPEG_INPUT_BYTES + INK_JPEG_TILE_BYTES)
#define PROG_DITHER_BYTES (INK_REGION_DITHER_BYTES - PROG_DITHER_OFFSET)

/* Lookahead slot `slot`: the baseline state's four, ours, then (after the walk) the space of the
 * state's Huffman tables. */
static uint16_t *fast_slot(jpeg_prog *p, jpeg_state *state, unsigned slot)
{
    if (slot < JPEG_FAST_SLOTS)
        return state->fast[slot];
    if (slot == JPEG_FAST_SLOTS)
        return p->fast_extra;
    return (uint16_t *)(void *)state->huffman + (size_t)(slot - PROG_WALK_FAST_SLOTS) *
                                                    (1u << JPEG_FAST_BITS);
}

_Static_assert(sizeof(jpeg_prog) + PROG_MAX_TABLES * sizeof(jpeg_huffman_table) +
                       PROG_OUT_BYTES <=
                   PROG_DITHER_BYTES,
               "the progressive record, its table pool and the output row must fit in DITHER "
               "after the input buffer");

/* ---- the counting, seeking source ---------------------------------------------------------- */

static ink_error prog_source_read(void *user, uint8_t *dst, size_t nbytes, size_t *got)
{
    prog_source *s = user;
    *got = 0;
    if (s->want != s->position) {
        ink_error error = s->real->seek(s->real->user, s->want);
        s->seeks++;
        if (error != INK_OK)
            return error;
        s->position = s->want;
    }
    ink_error error = s->real->read(s->real->user, dst, nbytes, got);
    s->reads++;
    if (error != INK_OK)
        return error;
    s->position += *got;
    s->want = s->position;
    return INK_OK;
}

/* ---- the plan ------------------------------------------------------------------------------ */

/* The slot of a block's first DC kept aside for a lower luma block row (see plan): after the
 * kept coefficients and the spare slot. */
static unsigned first_aside_slot(unsigned scale_log2)
{
    unsigned n = kept_count[scale_log2];
    return n * n + (n > 1 && n < 8 ? 1u : 0u);
}

/* Per block: an 8-byte nonzero mask then the kept coefficients (int16), the spare slot and
 * `aside` DC values of lower block rows, padded to 8 bytes; 1/8 keeps the DC term alone (2
 * bytes, and 2 per DC aside). */
static uint32_t block_bytes_at(unsigned scale_log2, unsigned aside)
{
    uint32_t slots = first_aside_slot(scale_log2) + aside;
    return scale_log2 == 3 ? 2u * slots : 8u + ((2u * slots + 7u) & ~7u);
}

/* Bytes PRIMARY must hold at `scale_log2` for the smallest band: one luma block row whose blocks
 * keep the DC of the vmax - 1 rows below aside (out_in_primary: the output block row too). */
static uint64_t min_band_bytes(const jpeg_frame *frame, unsigned scale_log2, bool *out_in_primary)
{
    const jpeg_component *luma = &frame->components[0];
    uint64_t across = (uint64_t)frame->mcus_x * luma->h;
    uint64_t out_bytes =
        (((across << (3u - scale_log2)) << (3u - scale_log2)) + 7u) & ~(uint64_t)7u;
    *out_in_primary = out_bytes > PROG_OUT_BYTES;
    return across * block_bytes_at(scale_log2, frame->vmax - 1u) +
           (*out_in_primary ? out_bytes : 0);
}

/* Widest image (px) whose smallest band fits at this scale. */
static uint32_t widest_at(const jpeg_frame *frame, unsigned scale_log2)
{
    uint32_t low = 0, high = 65535;
    jpeg_frame probe = *frame;
    while (low < high) {
        uint32_t mid = (low + high + 1u) / 2u;
        bool out_in_primary;
        probe.mcus_x = (mid + 8u * frame->hmax - 1u) / (8u * frame->hmax);
        if (min_band_bytes(&probe, scale_log2, &out_in_primary) <= INK_REGION_PRIMARY_BYTES)
            low = mid;
        else
            high = mid - 1u;
    }
    return low;
}

static ink_error plan(jpeg_prog *p, const jpeg_state *state, unsigned scale_log2,
                      ink_arena *arena, ink_error_info *info)
{
    const jpeg_frame *frame = &state->frame;
    bool out_in_primary;
    uint64_t need = min_band_bytes(frame, scale_log2, &out_in_primary);
    if (need > INK_REGION_PRIMARY_BYTES) {
        unsigned smaller = scale_log2 + 1u;
        while (smaller <= 3u && min_band_bytes(frame, smaller, &out_in_primary) >
                                    INK_REGION_PRIMARY_BYTES)
            smaller++;
        if (smaller <= 3u)
            return ink_error_set(info, INK_ERR_TOO_LARGE,
                                 "progressive JPEG %u px wide at scale 1/%u: a band needs %lu "
                                 "bytes, PRIMARY fits %u px at this scale; scale 1/%u fits",
                                 frame->width, 1u << scale_log2, (unsigned long)need,
                                 widest_at(frame, scale_log2), 1u << smaller);
        return ink_error_set(info, INK_ERR_TOO_LARGE,
                             "progressive JPEG %u px wide at scale 1/%u: a band needs %lu bytes, "
                             "PRIMARY fits %u px at this scale",
                             frame->width, 1u << scale_log2, (unsigned long)need,
                             widest_at(frame, scale_log2));
    }
    const jpeg_component *luma = &frame->components[0];
    const uint32_t vmax = frame->vmax;
    p->block_log2 = 3u - scale_log2;
    p->kept_side = kept_count[scale_log2];
    p->have_mask = scale_log2 < 3u;
    p->blocks_across = frame->mcus_x * luma->h;
    p->total_rows = frame->mcus_y * vmax;
    p->out_stride = p->blocks_across << p->block_log2;
    uint32_t out_bytes = ((p->out_stride << p->block_log2) + 7u) & ~7u;
    uint32_t capacity = INK_REGION_PRIMARY_BYTES - (out_in_primary ? out_bytes : 0u);
    /* One band for the whole image when it fits: one pass over the file, no seek. Else bands
     * of one luma block row, the smallest (what min_band_bytes checked), so that most of
     * PRIMARY is left for input slices: more bands cost little (a resume per scan and band:
     * about 1% more instructions than bands of as many MCU rows as fit), fewer source reads
     * save much more (each is an SD transaction). An interleaved DC scan decodes whole MCU
     * rows: the DC values of the MCU's vmax - 1 rows below the band go to spare slots of the
     * band's own blocks (slot first_aside + k - 1 for the row k below, in the block of the
     * same column), and band k of the MCU row ORs its slot into its DC (emit_band). */
    p->first_aside = first_aside_slot(scale_log2);
    p->block_bytes = block_bytes_at(scale_log2, 0);
    uint32_t rows = p->total_rows;
    p->aside_slots = 0;
    if ((uint64_t)rows * p->blocks_across * p->block_bytes > capacity) {
        rows = 1;
        p->aside_slots = vmax - 1u;
        p->block_bytes = block_bytes_at(scale_log2, p->aside_slots);
    }
    uint32_t row_bytes = p->blocks_across * p->block_bytes;
    p->band_rows = rows;
    p->nbands = (p->total_rows + rows - 1u) / rows;
    uint32_t band_bytes = (rows * row_bytes + 7u) & ~7u;
    uint32_t used_bytes = band_bytes + (out_in_primary ? out_bytes : 0u);
    /* All of PRIMARY: what the band and output row leave is input slices (give_slices). */
    ink_error error = ink_arena_claim_range(arena, INK_REGION_PRIMARY, 0,
                                            INK_REGION_PRIMARY_BYTES, "jpeg progressive band",
                                            &p->primary, info);
    if (error != INK_OK)
        return error;
    /* The band (and output row) at PRIMARY's end: what the walk's buffer holds below it after
     * the walk stays in place (give_slices). */
    p->primary_spare = p->primary.bytes;
    p->primary_spare_bytes = INK_REGION_PRIMARY_BYTES - used_bytes;
    p->band = p->primary.bytes + p->primary_spare_bytes;
    /* In DITHER the output row goes at the very end: what it leaves of PROG_OUT_BYTES becomes
     * input slices (give_slices). */
    p->out = out_in_primary ? p->band + band_bytes
                            : (uint8_t *)p + PROG_DITHER_BYTES - out_bytes;
    p->pool_top = (jpeg_huffman_table *)(void *)(out_in_primary ? (uint8_t *)p + PROG_DITHER_BYTES
                                                                : p->out);

    /* The kept coefficients, in natural order, and where each zigzag position goes: a position
     * not kept goes to the spare slot after the kept ones (in the block's padding: 49 -> 52 at
     * 1/2, 25 -> 28 at 1/4), which nothing reads, so the decoders store without a test. 1/1
     * drops nothing; at 1/8 no AC scan is decoded (scan_carries_luma) and the block has no
     * padding: those entries stay PROG_NO_SLOT. */
    const uint8_t spare = p->kept_side > 1 && p->kept_side < 8
                              ? (uint8_t)(p->kept_side * p->kept_side)
                              : PROG_NO_SLOT;
    memset(p->keep_slot, spare, sizeof p->keep_slot);
    p->spare_slot = spare;
    for (unsigned k = 0; k < 64; k++) {
        unsigned slot = slot_of(scale_log2, k);
        if (slot != PROG_NO_SLOT) {
            p->keep_slot[k] = (uint8_t)slot;
            p->kept_mask |= (uint64_t)1 << k;
        }
    }
    /* AC first's offsets (first_offsets): at 1/2, where most coefficients are kept, a position
     * not kept has the spare slot's and is stored without a test; at 1/4, where most are not
     * (manga 001: 59% of its AC first coefficients), 0, tested. */
    p->first_stores_all = p->kept_side >= 7u; /* 1/1 (keeps all) and 1/2 */
    /* keep_slot and keep_by_bit in the block decoders' form (jpeg_prog_slot_ref). */
    for (unsigned k = 0; k < 64; k++) {
        unsigned at = by_bit_index(k), n = natural_of[k], slot = p->keep_slot[k];
        p->keep_slot[k] = p->keep_by_bit[at] = (uint8_t)jpeg_prog_slot_ref(slot);
        p->keep_by_bit[JPEG_PROG_CORRECT_BY_BIT + at] =
            k != 0 && ((p->kept_mask >> k) & 1u) ? p->keep_by_bit[at] : 0u;
        if ((p->kept_mask >> k) & 1u) { /* (the quantiser is set by record_scan) */
            p->emit_by_bit[at].natural_offset = (uint8_t)(n * sizeof(int32_t));
            p->emit_by_bit[at].slot_offset = (uint8_t)(slot * sizeof(int16_t));
        }
    }
    return INK_OK;
}

/* ---- the scans ----------------------------------------------------------------------------- */

/* The pool index of a copy of state table `slot`, adding it when new. */
static ink_error pool_table(jpeg_prog *p, const jpeg_state *state, unsigned slot, uint8_t *out,
                            ink_error_info *info)
{
    const jpeg_huffman_table *table = &state->huffman[slot];
    for (unsigned i = 0; i < p->ntables; i++) {
        const jpeg_huffman_table *t = prog_table(p, i);
        if (memcmp(t->maxcode_plus1, table->maxcode_plus1, sizeof t->maxcode_plus1) == 0 &&
            memcmp(t->mincode, table->mincode, sizeof t->mincode) == 0 &&
            memcmp(t->value_index, table->value_index, sizeof t->value_index) == 0 &&
            memcmp(t->values, table->values, sizeof t->values) == 0) {
            *out = (uint8_t)i;
            return INK_OK;
        }
    }
    if (p->ntables == PROG_MAX_TABLES)
        return ink_error_set(info, INK_ERR_UNSUPPORTED,
                             "progressive JPEG whose luma scans use more than %u distinct "
                             "Huffman tables",
                             PROG_MAX_TABLES);
    *prog_table(p, p->ntables) = *table;
    *out = (uint8_t)p->ntables++;
    return INK_OK;
}

/* Records state->scan (which carries luma) as scan `p->nscans`. */
static ink_error record_scan(jpeg_prog *p, jpeg_state *state, ink_error_info *info)
{
    const jpeg_scan *scan = &state->scan;
    const jpeg_frame *frame = &state->frame;
    if (p->nscans == JPEG_PROG_MAX_SCANS)
        return ink_error_set(info, INK_ERR_UNSUPPORTED,
                             "progressive JPEG with more than %u luma scans", JPEG_PROG_MAX_SCANS);
    prog_scan *s = &p->scans[p->nscans];
    memset(s, 0, sizeof *s);
    s->ss = scan->ss;
    s->se = scan->se;
    s->ah = scan->ah;
    s->al = scan->al;
    s->ncomponents = scan->ncomponents;
    s->restart_interval = frame->restart_interval;
    s->restarts_left = frame->restart_interval;
    for (unsigned i = 0; i < scan->ncomponents; i++) {
        const jpeg_component *c = &frame->components[scan->component_index[i]];
        s->h[i] = c->h;
        s->v[i] = c->v;
        s->table[i] = PROG_NO_TABLE;
        if (scan->component_index[i] == 0)
            s->luma = (uint8_t)i;
        ink_error error = INK_OK;
        if (scan->ss == 0 && scan->ah == 0)
            error = pool_table(p, state, c->dc_table, &s->table[i], info);
        else if (scan->ss > 0)
            error = pool_table(p, state, c->ac_table, &s->table[i], info);
        if (error != INK_OK)
            return error;
    }
    if (!p->have_quant) {
        /* The luma quantisation table as of its first scan (libjpeg latches it then too). */
        const uint16_t *quant = state->quant[frame->components[0].quant_index];
        p->dc_quant = quant[0];
        for (unsigned k = 1; k < 64; k++)
            if ((p->kept_mask >> k) & 1u)
                p->emit_by_bit[by_bit_index(k)].quant = quant[k];
        p->have_quant = true;
    }
    p->nscans++;
    return INK_OK;
}

/* The scan's view of pool table `pool`, with a lookahead slot in the form its scan type decodes
 * (built unless a slot holds it in that form). `in_use` has a bit for each slot the scan's other
 * components hold: an interleaved scan's tables must not evict each other (a hostile file's DC
 * scan with a table per component, every slot taken, would otherwise build them all in the last
 * slot, and decode all but one component with another table's lookahead). */
static jpeg_entropy_table entropy_table(jpeg_prog *p, jpeg_state *state, uint8_t pool,
                                        jpeg_prog_fast_form form, uint32_t *in_use)
{
    _Static_assert(PROG_WALK_FAST_SLOTS > JPEG_MAX_COMPONENTS,
                   "a scan's components must find a slot each");
    jpeg_entropy_table out;
    out.canonical = prog_table(p, pool);
    uint8_t owner = (uint8_t)(pool | (form << 4)); /* pool < 16 */
    unsigned slot = 0;
    while (slot < p->fast_slots && p->fast_owner[slot] != owner)
        slot++;
    if (slot == p->fast_slots) {
        /* Free slots first; then always the last one: the scans use their tables in the same
         * order every band, and for a cyclic order keeping the others is best (a round robin
         * would evict each table just before its turn). Below it when the scan holds that. */
        slot = p->fast_next;
        if (p->fast_next + 1u < p->fast_slots)
            p->fast_next++;
        while ((*in_use >> slot) & 1u)
            slot--;
        p->fast_owner[slot] = owner;
        ink_jpeg_prog_build_fast(prog_table(p, pool), form, fast_slot(p, state, slot));
    }
    *in_use |= 1u << slot;
    out.fast = fast_slot(p, state, slot);
    out.fast_mask = (1u << JPEG_FAST_BITS) - 1u;
    return out;
}

/* Decodes `nblocks` consecutive blocks of the band from `block` on (NULL: chroma blocks of an
 * interleaved DC scan, decoded and dropped), with the decoder of the scan's type. */
static ink_error decode_run(jpeg_prog *p, jpeg_state *state, prog_scan *s,
                            const jpeg_entropy_table *table, const jpeg_prog_block_params *bp,
                            uint8_t *block, uint32_t nblocks, ink_error_info *info)
{
    jpeg_prog_run run = {block, p->block_bytes, nblocks};
    if (s->ss == 0) {
        if (s->ah == 0)
            return ink_jpeg_prog_dc_first_run(state, table, bp,
                                              &state->frame.components[0].dc_predictor, &run,
                                              info);
        return ink_jpeg_prog_dc_refine_run(state, bp, &run, info);
    }
    if (s->ah == 0)
        return ink_jpeg_prog_ac_first_run(state, table, bp, &s->eobrun, &run, info);
    return ink_jpeg_prog_ac_refine_run(state, table, bp, &s->eobrun, &run, info);
}

/* MCUs (blocks, in a non-interleaved scan) until the next restart marker, processing it when
 * due; at most `wanted`. */
static ink_error mcus_before_restart(jpeg_state *state, prog_scan *s, uint32_t wanted,
                                       uint32_t *n, ink_error_info *info)
{
    *n = wanted;
    if (s->restart_interval == 0)
        return INK_OK;
    if (state->restarts_left == 0) {
        ink_error error = ink_jpeg_process_restart(state, info);
        if (error != INK_OK)
            return error;
        s->eobrun = 0;
    }
    if (*n > state->restarts_left)
        *n = state->restarts_left;
    state->restarts_left -= *n;
    return INK_OK;
}

static ink_error check_band(const jpeg_state *state, unsigned scan_number, uint32_t band,
                            ink_error_info *info)
{
    const jpeg_bits *bits = &state->bits;
    if (bits->io_error != INK_OK)
        return ink_error_set(info, bits->io_error, "JPEG: reading the input failed");
    if (!ink_jpeg_bits_overrun(bits))
        return INK_OK;
    if (bits->marker > 0)
        return ink_error_set(info, INK_ERR_BAD_DATA,
                             "progressive JPEG luma scan %u corrupt: marker 0xFF%x inside its "
                             "data (band %u)",
                             scan_number + 1u, (unsigned)bits->marker, band + 1u);
    return ink_error_set(info, INK_ERR_BAD_DATA,
                         "progressive JPEG luma scan %u truncated (band %u)", scan_number + 1u,
                         band + 1u);
}

/* AC first's table (jpeg_prog_block_params.first_offset), made in `storage` (the caller's
 * stack: in jpeg_prog it took room from the input slices, and cost reads): by zigzag position
 * the byte offset of its coefficient in the block (after the mask: never 0), or 0 for a position
 * not kept unless first_stores_all, JPEG_PROG_FIRST_OFFSETS entries at a 64-byte boundary (for
 * ink_jpeg_prog_ac_first_run's mask bits). */
#define PROG_FIRST_OFFSETS_STORAGE (JPEG_PROG_FIRST_OFFSETS + 63u)
static const uint8_t *first_offsets(const jpeg_prog *p, uint8_t *storage)
{
    uint8_t *offset = (uint8_t *)(((uintptr_t)storage + 63u) & ~(uintptr_t)63u);
    memset(offset, 0, JPEG_PROG_FIRST_OFFSETS);
    for (unsigned k = 1; k < 64; k++)
        if (((p->kept_mask >> k) & 1u) || p->first_stores_all)
            offset[k] = (uint8_t)((p->have_mask ? 8u : 0u) +
                                  (JPEG_PROG_SLOT_REF_BYTES ? p->keep_slot[k]
                                                            : p->keep_slot[k] * 2u));
    return offset;
}

/* Decodes band `band` of scan `index`; the bit reader and input are state's, already placed.
 * `first_offset` is first_offsets()'s. */
static ink_error scan_band(jpeg_prog *p, jpeg_state *state, unsigned index, uint32_t band,
                           const uint8_t *first_offset, ink_error_info *info)
{
    prog_scan *s = &p->scans[index];
    const jpeg_frame *frame = &state->frame;
    const jpeg_component *luma = &frame->components[0];
    jpeg_entropy_table tables[JPEG_MAX_COMPONENTS];
    memset(tables, 0, sizeof tables);
    uint32_t slots_in_use = 0;
    for (unsigned i = 0; i < s->ncomponents; i++)
        if (s->table[i] != PROG_NO_TABLE)
            tables[i] = entropy_table(p, state, s->table[i],
                                      s->ss == 0   ? JPEG_PROG_FAST_DC
                                      : s->ah == 0 ? JPEG_PROG_FAST_FIRST
                                                   : JPEG_PROG_FAST_REFINE,
                                      &slots_in_use);
    jpeg_prog_block_params bp = {s->ss, s->se, s->al, p->have_mask ? 8u : 0u, p->spare_slot,
                                 p->keep_slot, p->keep_by_bit, first_offset,
                                 p->first_stores_all};
    uint32_t first = band * p->band_rows;
    uint32_t last = first + p->band_rows;
    ink_error error;
    state->frame.restart_interval = s->restart_interval;
    state->restarts_left = s->restarts_left;
    state->next_restart = s->next_restart;
    state->frame.components[0].dc_predictor = s->dc_predictor;

    if (s->ncomponents == 1) {
        /* Non-interleaved: the component's own block grid, one block per MCU. */
        uint32_t end = last < luma->blocks_y ? last : luma->blocks_y;
        for (uint32_t by = first; by < end; by++) {
            for (uint32_t bx = 0, n; bx < luma->blocks_x; bx += n) {
                if ((error = mcus_before_restart(state, s, luma->blocks_x - bx, &n, info)) !=
                        INK_OK ||
                    (error = decode_run(p, state, s, &tables[0], &bp,
                                        block_at(p, bx, by - first), n, info)) != INK_OK)
                    return error;
            }
        }
    } else {
        /* Interleaved (DC only): whole MCUs, those of the MCU rows that start in this band;
         * chroma blocks decoded and dropped; the DC of luma rows below the band kept aside
         * (plan). */
        uint32_t mcu_first = (first + frame->vmax - 1u) / frame->vmax;
        uint32_t mcu_end = (last + frame->vmax - 1u) / frame->vmax;
        if (mcu_end > frame->mcus_y)
            mcu_end = frame->mcus_y;
        jpeg_prog_mcu mcu;
        mcu.nblocks = 0;
        mcu.stride = s->h[s->luma] * p->block_bytes;
        for (unsigned i = 0; i < s->ncomponents; i++) {
            for (uint32_t y = 0; y < s->v[i]; y++) {
                for (uint32_t x = 0; x < s->h[i]; x++) {
                    if (mcu.nblocks == JPEG_PROG_MCU_BLOCKS)
                        return ink_error_set(info, INK_ERR_BAD_DATA,
                                             "JPEG scan has more than %u blocks per MCU",
                                             JPEG_PROG_MCU_BLOCKS);
                    /* Luma row y of the MCU: in this band (the whole image), or y bands on
                     * (one-row bands): kept aside in the block of the same column here. */
                    uint32_t row = y % p->band_rows, k = y / p->band_rows;
                    uint32_t slot = k == 0 ? 0u : p->first_aside + k - 1u;
                    jpeg_prog_mcu_block *block = &mcu.block[mcu.nblocks++];
                    block->dc = &tables[i];
                    block->fast = tables[i].fast;
                    block->offset =
                        i == s->luma ? (int32_t)((row * p->blocks_across + x) * p->block_bytes +
                                                 bp.coefficients_offset + 2u * slot)
                                     : -1;
                }
            }
        }
        int32_t *predictor = &state->frame.components[0].dc_predictor;
        for (uint32_t my = mcu_first; my < mcu_end; my++) {
            for (uint32_t mx = 0, n; mx < frame->mcus_x; mx += n) {
                if ((error = mcus_before_restart(state, s, frame->mcus_x - mx, &n, info)) !=
                    INK_OK)
                    return error;
                uint8_t *base = block_at(p, mx * s->h[s->luma], my * s->v[s->luma] - first);
                error = s->ah == 0 ? ink_jpeg_prog_dc_first_mcus(state, &mcu, s->al, predictor,
                                                                 base, n, info)
                                   : ink_jpeg_prog_dc_refine_mcus(state, &mcu, s->al, base, n,
                                                                  info);
                if (error != INK_OK)
                    return error;
            }
        }
    }
    if ((error = check_band(state, index, band, info)) != INK_OK)
        return error;
    s->restarts_left = state->restarts_left;
    s->next_restart = state->next_restart;
    s->dc_predictor = state->frame.components[0].dc_predictor;
    return INK_OK;
}

/* ---- the walk and the bands ---------------------------------------------------------------- */

/* Band 0 of the scan just recorded, from the walk's input buffer; then its checkpoint. */
static ink_error first_band(jpeg_prog *p, jpeg_state *state, ink_error_info *info)
{
    prog_scan *s = &p->scans[p->nscans - 1u];
    ink_jpeg_bits_reset(&state->bits);
    state->bits.io_error = INK_OK;
    state->next_restart = 0;
    uint8_t storage[PROG_FIRST_OFFSETS_STORAGE];
    ink_error error = scan_band(p, state, p->nscans - 1u, 0, first_offsets(p, storage), info);
    if (error != INK_OK)
        return error;
    s->bits = state->bits;
    /* Its input resumes at the walk's position (the slice is given after the walk). */
    s->input.source = &p->source.self;
    s->input.consumed = state->input.consumed + (uint64_t)(state->input.next - state->input.buffer);
    /* A marker the bit reader consumed ends this scan's data: the walk goes on from it (restart
     * markers belong to the data and are skipped by the walk). */
    if (state->bits.marker > 0 && (state->bits.marker < 0xD0 || state->bits.marker > 0xD7))
        state->pending_marker = (uint8_t)state->bits.marker;
    return INK_OK;
}

static bool scan_carries_luma(const jpeg_state *state, unsigned scale_log2)
{
    const jpeg_scan *scan = &state->scan;
    bool luma = false;
    for (unsigned i = 0; i < scan->ncomponents; i++)
        luma |= scan->component_index[i] == 0;
    /* At 1/8 only the DC term is used: AC scans are skipped like chroma. */
    return luma && (scan->ss == 0 || scale_log2 < 3u);
}

/* The walk. With one band (`decode_band_0`) band 0 of each luma scan is decoded from the walk's
 * buffer as the walk meets it; with several the walk only records each scan's start (its
 * checkpoint before band 0) and finds its end, and the bands all come after (bands). */
static ink_error walk(jpeg_prog *p, jpeg_state *state, unsigned scale_log2, bool decode_band_0,
                      ink_error_info *info)
{
    for (;;) {
        ink_error error = INK_OK;
        if (scan_carries_luma(state, scale_log2)) {
            if ((error = record_scan(p, state, info)) != INK_OK)
                return error;
            if (decode_band_0) {
                if ((error = first_band(p, state, info)) != INK_OK)
                    return error;
            } else {
                /* record_scan left the checkpoint as at the scan's start (bit reader empty, no
                 * EOB run, predictor 0): its input starts here. */
                prog_scan *s = &p->scans[p->nscans - 1u];
                s->input.source = &p->source.self;
                s->input.consumed =
                    state->input.consumed + (uint64_t)(state->input.next - state->input.buffer);
            }
            /* The marker that ends its data (unless the bit reader met it already): what is
             * left to read of the scan sizes its slice (give_slices). */
            if (state->pending_marker == 0) {
                uint8_t code;
                error = ink_jpeg_input_next_marker(&state->input, &code, info);
                if (error == INK_OK)
                    state->pending_marker = code;
            }
            prog_scan *s = &p->scans[p->nscans - 1u];
            uint64_t end = state->input.consumed +
                           (uint64_t)(state->input.next - state->input.buffer);
            uint64_t left = end > s->input.consumed ? end - s->input.consumed : 0u;
            s->bytes_left = left > UINT32_MAX ? UINT32_MAX : (uint32_t)left;
        }
        uint8_t marker;
        if (error == INK_OK)
            error = ink_jpeg_read_markers(state, false, &marker, info);
        if (error == INK_ERR_BAD_DATA && state->input.at_end &&
            state->input.next == state->input.end && p->nscans > 0)
            return INK_OK; /* the file ends after a scan without EOI: decode what it has */
        if (error != INK_OK)
            return error;
        if (marker == 0xD9)
            return INK_OK;
    }
}

/* ---- input ------------------------------------------------------------------------------- */

/* Moves `nbytes` from `from` down to `to` (to <= from; the two may overlap). On RV32, where
 * picolibc's memmove copies a byte at a time (6 instructions a byte), four words a step once
 * `from` is aligned, when `to` is then aligned too (the callers make them alike mod 4). */
static void move_down(uint8_t *to, const uint8_t *from, size_t nbytes)
{
#if UINTPTR_MAX > 0xFFFFFFFFu
    memmove(to, from, nbytes);
#else
    while (nbytes > 0 && ((uintptr_t)from & 3u) != 0) {
        *to++ = *from++;
        nbytes--;
    }
    if (((uintptr_t)to & 3u) == 0) {
        /* Each step reads its 16 bytes before it writes any: with to <= from nothing unread
         * is overwritten. */
        for (; nbytes >= 16u; nbytes -= 16u, to += 16u, from += 16u) {
            const uint32_t *in = __builtin_assume_aligned(from, 4);
            uint32_t a = in[0], b = in[1], c = in[2], d = in[3];
            uint32_t *out = __builtin_assume_aligned(to, 4);
            out[0] = a;
            out[1] = b;
            out[2] = c;
            out[3] = d;
        }
    }
    while (nbytes > 0) {
        *to++ = *from++;
        nbytes--;
    }
#endif
}

/* Reads the slices of `nscans` scans with `left` bytes each would take: a scan reads its data a
 * slice-full at a time. */
static uint32_t slice_reads(const uint32_t *left, const jpeg_prog_area *slices, unsigned nscans)
{
    uint32_t reads = 0;
    for (unsigned i = 0; i < nscans; i++)
        reads += (left[i] + slices[i].nbytes - 1u) / slices[i].nbytes;
    return reads;
}

/* After the walk (several bands, none decoded yet): each scan's input for the bands. The walk's
 * buffer is all of PRIMARY (enlarge_walk_input) and holds the file's bytes from walk->consumed:
 * a scan whose data (from its start through its end marker) is all there is read in place, with
 * no read and no seek (every scan of a file the buffer holds whole, so such a file is read once
 * after its header, as baseline reads it), as long as the data of such scans fits PRIMARY below
 * the band (plan: the band is at PRIMARY's end); taken from the last scan back. They stay where
 * they are when all of them lie below the band, else they are moved to PRIMARY's start, packed
 * in file order (each moves down, never over a scan still to move). The other scans get their
 * own slices (jpeg_progressive_slices.c) from the input buffer and tile space at DITHER's start,
 * DITHER between the last scan checkpoint and the table pool (jpeg_prog), and the largest part of
 * PRIMARY below the band that the scans in place leave. Scans in place take slice space from the
 * others: the plan with fewer reads is taken. Not inlined: its arrays would stay in the frame
 * of the bands' caller (stack). */
static __attribute__((noinline)) void give_slices(jpeg_prog *p, const jpeg_input *walk,
                                                  uint64_t header_from, uint32_t header_bytes,
                                                  uint8_t *buffers, uint32_t nbytes)
{
    uint8_t *spare = (uint8_t *)(((uintptr_t)&p->scans[p->nscans] + 7u) & ~(uintptr_t)7u);
    uint8_t *spare_end = (uint8_t *)(void *)(p->pool_top - p->ntables);
    jpeg_prog_area areas[JPEG_PROG_SLICE_AREAS] = {
        {buffers, nbytes},
        {spare, (uint32_t)(spare_end - spare)},
        {p->primary_spare, p->primary_spare_bytes}};
    _Static_assert(JPEG_PROG_MAX_SCANS * JPEG_PROG_MIN_SLICE <=
                       ((INK_JPEG_INPUT_BYTES + INK_JPEG_TILE_BYTES) & ~7u),
                   "the smallest slices must fit the input buffer");
    const uint64_t held_from = walk->consumed;
    const uint64_t held_to = held_from + (uint64_t)(walk->end - walk->buffer);
    uint32_t in_place = 0, in_place_bytes = 0; /* in_place: a bit per scan */
    uint32_t first_at = 0, last_end = 0;        /* in the buffer, of the first and last */
    for (unsigned i = p->nscans; i-- > 0;) {
        const prog_scan *s = &p->scans[i];
        if (s->input.consumed >= held_from && s->input.consumed + s->bytes_left <= held_to &&
            s->bytes_left + 3u <= p->primary_spare_bytes - in_place_bytes) {
            first_at = (uint32_t)(s->input.consumed - held_from);
            if (in_place == 0)
                last_end = first_at + s->bytes_left;
            in_place |= 1u << i;
            in_place_bytes += s->bytes_left + 3u; /* (3: move_down's alignment) */
        }
    }
    const bool move = last_end > p->primary_spare_bytes;
    /* The header's read (`header_bytes` from `header_from`) is still at DITHER's start, in
     * `buffers` (a walk of several bands reads into PRIMARY only): a scan all in it is read
     * there too, and the input buffer's slice area is the larger part it leaves. */
    const uint64_t header_to = header_from + header_bytes;
    uint32_t in_header = 0, header_first = 0, header_end = 0;
    for (unsigned i = p->nscans; i-- > 0;) {
        const prog_scan *s = &p->scans[i];
        if (!((in_place >> i) & 1u) && s->input.consumed >= header_from &&
            s->input.consumed + s->bytes_left <= header_to) {
            header_first = (uint32_t)(s->input.consumed - header_from);
            if (in_header == 0)
                header_end = header_first + s->bytes_left;
            in_header |= 1u << i;
        }
    }
    in_place |= in_header;
    uint32_t left[JPEG_PROG_MAX_SCANS];
    uint8_t read[JPEG_PROG_MAX_SCANS]; /* the scans that are not in place */
    unsigned nread = 0;
    for (unsigned i = 0; i < p->nscans; i++)
        if (!((in_place >> i) & 1u)) {
            left[nread] = p->scans[i].bytes_left;
            read[nread++] = (uint8_t)i;
        }
    jpeg_prog_area slices[JPEG_PROG_MAX_SCANS];
    if (in_place != 0 && nread > 0) {
        jpeg_prog_area trimmed[JPEG_PROG_SLICE_AREAS], some[JPEG_PROG_MAX_SCANS];
        memcpy(trimmed, areas, sizeof trimmed);
        uint32_t from = ((move ? in_place_bytes : last_end) + 7u) & ~7u;
        if (!move && first_at > p->primary_spare_bytes - from)
            from = 0; /* below the first (then the largest part) */
        if (in_place != in_header) {
            trimmed[2].start = p->primary_spare + from;
            trimmed[2].nbytes = (from == 0 ? first_at : p->primary_spare_bytes) - from;
        }
        if (in_header != 0) {
            from = (header_end + 7u) & ~7u;
            if (header_first > nbytes - from)
                from = 0;
            trimmed[0].start = buffers + from;
            trimmed[0].nbytes = (from == 0 ? header_first : nbytes) - from;
        }
        /* The plan's requirement: the smallest slices fit one area. */
        uint32_t largest = 0;
        for (unsigned a = 0; a < JPEG_PROG_SLICE_AREAS; a++)
            if ((trimmed[a].nbytes & ~7u) > largest)
                largest = trimmed[a].nbytes & ~7u;
        uint32_t reads_in_place = UINT32_MAX;
        if (nread * JPEG_PROG_MIN_SLICE <= largest) {
            ink_jpeg_prog_plan_slices(trimmed, left, nread, some);
            reads_in_place = slice_reads(left, some, nread);
        }
        for (unsigned i = 0; i < p->nscans; i++)
            left[i] = p->scans[i].bytes_left;
        ink_jpeg_prog_plan_slices(areas, left, p->nscans, slices);
        if (reads_in_place > slice_reads(left, slices, p->nscans))
            in_place = in_header = 0;
        else
            for (unsigned k = 0; k < nread; k++)
                slices[read[k]] = some[k];
    } else if (nread > 0) {
        ink_jpeg_prog_plan_slices(areas, left, p->nscans, slices);
    }
    uint8_t *to = p->primary_spare;
    for (unsigned i = 0; i < p->nscans; i++) {
        jpeg_input *input = &p->scans[i].input;
        if ((in_place >> i) & 1u) {
            /* Its data in place; the source is never asked for more (a hostile stream that
             * reads past the scan's end marker meets the end of the input). */
            uint8_t *at = (in_header >> i) & 1u ? buffers + (input->consumed - header_from)
                                                : walk->buffer + (input->consumed - held_from);
            if (move && !((in_header >> i) & 1u)) {
                to += ((uintptr_t)at - (uintptr_t)to) & 3u; /* alike mod 4 (move_down) */
                move_down(to, at, p->scans[i].bytes_left);
                at = to;
                to += p->scans[i].bytes_left;
            }
            input->buffer = at;
            input->capacity = p->scans[i].bytes_left;
            input->end = input->buffer + p->scans[i].bytes_left;
            input->at_end = true;
        } else {
            input->buffer = slices[i].start;
            input->capacity = slices[i].nbytes;
            input->end = input->buffer;
            input->at_end = false;
        }
        input->next = input->buffer;
        input->reads = 0;
    }
}

/* The walk reads the whole file forward: with several bands (band 0 decoded after the walk)
 * through all of PRIMARY; with one, through the largest free area, the rest of PRIMARY after the
 * band when it beats the baseline's input buffer and the tile space after it
 * (INK_JPEG_INPUT_BYTES + INK_JPEG_TILE_BYTES, unused by progressive frames). Either way it takes
 * fewer reads than baseline's. The bytes read and not yet used move along. */
static void enlarge_walk_input(jpeg_prog *p, jpeg_state *state, uint8_t *buffers,
                               uint32_t nbytes)
{
    jpeg_input *input = &state->input;
    uint8_t *buffer = buffers;
    uint32_t capacity = nbytes;
    if (p->nbands > 1) {
        buffer = p->primary.bytes;
        capacity = INK_REGION_PRIMARY_BYTES;
    } else if (p->primary_spare_bytes > nbytes) {
        buffer = p->primary_spare;
        capacity = p->primary_spare_bytes;
    }
    /* The bytes keep their address mod 4 (move_down); the buffer's first `skip` bytes are
     * before them in the file. */
    size_t unread = (size_t)(input->end - input->next);
    size_t skip = (uintptr_t)input->next & 3u;
    input->consumed += (uint64_t)(input->next - input->buffer) - skip;
    move_down(buffer + skip, input->next, unread);
    input->buffer = buffer;
    input->capacity = capacity;
    input->next = buffer + skip;
    input->end = buffer + skip + unread;
}

/* Every band of an image of several: each scan resumes at its checkpoint (band 0: its start). */
static ink_error bands(jpeg_prog *p, jpeg_state *state, ink_error_info *info)
{
    uint8_t storage[PROG_FIRST_OFFSETS_STORAGE];
    const uint8_t *first_offset = first_offsets(p, storage);
    for (uint32_t band = 0; band < p->nbands && p->rows_done < p->out_height; band++) {
        for (unsigned i = 0; i < p->nscans; i++) {
            prog_scan *s = &p->scans[i];
            /* An interleaved DC scan decodes whole MCU rows: nothing in a one-row band below the
             * first of its MCU row (their DC values are aside already). */
            if (s->ncomponents > 1 && band % (p->aside_slots + 1u) != 0)
                continue;
            state->input = s->input;
            state->bits = s->bits;
            p->source.want = s->input.consumed + (uint64_t)(s->input.end - s->input.buffer);
            ink_error error = scan_band(p, state, i, band, first_offset, info);
            if (error != INK_OK)
                return error;
            s->input = state->input;
            s->bits = state->bits;
        }
        ink_error error = ink_jpeg_prog_emit_band(p, state, band);
        if (error != INK_OK)
            return error;
    }
    return INK_OK;
}

static ink_error check_frame(const jpeg_frame *frame, ink_error_info *info)
{
    if (frame->colour != JPEG_GRAY && frame->colour != JPEG_YCBCR)
        return ink_error_set(info, INK_ERR_UNSUPPORTED,
                             "progressive %s JPEG is not supported by the in-arena decoder (gray "
                             "and YCbCr are)",
                             frame->colour == JPEG_RGB ? "RGB" : "CMYK/YCCK");
    const jpeg_component *luma = &frame->components[0];
    if (luma->h != frame->hmax || luma->v != frame->vmax)
        return ink_error_set(info, INK_ERR_UNSUPPORTED,
                             "progressive JPEG with luma sampled %ux%u below chroma's %ux%u is "
                             "not supported",
                             luma->h, luma->v, frame->hmax, frame->vmax);
    return INK_OK;
}

static ink_error run(jpeg_prog *p, jpeg_state *state, uint8_t *buffers, ink_arena *arena,
                     ink_error_info *info)
{
    const jpeg_frame *frame = &state->frame;
    ink_error error = check_frame(frame, info);
    if (error != INK_OK)
        return error;
    /* Every DCT scale is offered (as baseline does) and fits_mask says which bands fit: the
     * converter then takes the sharpest scale that fits when its own choice would not; a sink
     * that chooses one that does not fit (inkpipe decode --scale) is refused, naming the widest
     * image at that scale and a scale that fits. */
    bool out_in_primary;
    if (min_band_bytes(frame, 3, &out_in_primary) > INK_REGION_PRIMARY_BYTES)
        return ink_error_set(info, INK_ERR_TOO_LARGE,
                             "progressive JPEG %u px wide: no DCT scale's band fits PRIMARY",
                             frame->width);
    ink_image_info image = {frame->width, frame->height, INK_SCALE_MASK_DCT, false,
                            ink_jpeg_describe(frame), 0};
    for (unsigned k = 0; k <= 3u; k++)
        if (min_band_bytes(frame, k, &out_in_primary) <= INK_REGION_PRIMARY_BYTES)
            image.fits_mask |= (uint8_t)(1u << k);
    unsigned scale_log2 = 0;
    if ((error = p->sink->begin(p->sink->user, &image, &scale_log2)) != INK_OK)
        return error;
    if (scale_log2 > 3)
        return ink_error_set(info, INK_ERR_INVALID_ARGUMENT,
                             "JPEG: the sink chose scale 1/2^%u (1/1 to 1/8 offered)", scale_log2);
    if ((error = plan(p, state, scale_log2, arena, info)) != INK_OK)
        return error;
    if (p->nbands > 1 && !p->source.real->seek)
        return ink_error_set(info, INK_ERR_UNSUPPORTED,
                             "progressive JPEG needing %u bands at scale 1/%u needs a seekable "
                             "source",
                             p->nbands, 1u << scale_log2);
    p->out_width = ink_scaled_size(frame->width, scale_log2);
    p->out_height = ink_scaled_size(frame->height, scale_log2);
    const size_t band_bytes = (size_t)p->band_rows * p->blocks_across * p->block_bytes;
    const bool one_band = p->nbands == 1;
    if (one_band)
        memset(p->band, 0, band_bytes);

    /* The header's read, in `buffers` (give_slices). */
    const uint64_t header_from = state->input.consumed;
    const uint32_t header_bytes = (uint32_t)(state->input.end - state->input.buffer);
    enlarge_walk_input(p, state, buffers, INK_JPEG_INPUT_BYTES + INK_JPEG_TILE_BYTES);
    if ((error = walk(p, state, scale_log2, one_band, info)) != INK_OK)
        return error;
    if (p->nscans == 0)
        return ink_error_set(info, INK_ERR_BAD_DATA,
                             "progressive JPEG has no scan of the luma component");
    if (one_band)
        return ink_jpeg_prog_emit_band(p, state, 0);
    /* The walk has read every DHT and built no lookahead: every slot is free, the state's
     * Huffman tables too. */
    p->fast_next = 0;
    p->fast_slots = PROG_FAST_SLOTS;
    p->source.position =
        state->input.consumed + (uint64_t)(state->input.end - state->input.buffer);
    give_slices(p, &state->input, header_from, header_bytes, buffers,
                INK_JPEG_INPUT_BYTES + INK_JPEG_TILE_BYTES);
    memset(p->band, 0, band_bytes); /* after give_slices: the walk read through it */
    return bands(p, state, info);
}

ink_error ink_jpeg_progressive_decode(jpeg_state *state, uint8_t *buffers, ink_arena *arena,
                                      const ink_row_sink *sink, ink_error_info *info)
{
    ink_claim dither;
    ink_error error = ink_arena_claim_range(arena, INK_REGION_DITHER, PROG_DITHER_OFFSET,
                                            PROG_DITHER_BYTES, "jpeg progressive scans",
                                            &dither, info);
    if (error != INK_OK)
        return error;
    jpeg_prog *p = (jpeg_prog *)(void *)dither.bytes;
    memset(p, 0, sizeof *p);
    p->dither = dither;
    p->sink = sink;
    p->source.real = state->input.source;
    p->source.self.read = prog_source_read;
    p->source.self.seek = NULL;
    p->source.self.user = &p->source;
    memset(p->fast_owner, PROG_NO_TABLE, sizeof p->fast_owner);
    p->fast_slots = PROG_WALK_FAST_SLOTS;
    error = run(p, state, buffers, arena, info);
    if (p->primary.bytes)
        ink_arena_release(arena, &p->primary);
    ink_arena_release(arena, &dither);
    return error;
}
