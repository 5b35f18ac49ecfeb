/*
 * jpeg_decode.c — the in-arena JPEG decoder: claims, the sink handshake, the MCU-row driver.
 *
 * Flow: claim SCRATCH (state and tables) and DITHER (input buffer, MCU tiles); read markers up
 * to the first scan; decide the colour space and which components the gray output needs; offer
 * the DCT scales to the sink; plan and claim the MCU-row buffer in PRIMARY; then decode scans.
 * A scan that carries a needed component is decoded one MCU row at a time, each row of MCUs
 * inverse-transformed into PRIMARY and pushed to the sink; scans of unneeded components (chroma
 * in non-interleaved files) are skipped by scanning for their end. Every claim is released
 * before decode() returns, on every path.
 *
 * Luma fast path: for gray and YCbCr with luma at the frame's maximum sampling (all common
 * files), luma blocks are inverse-transformed straight into the row buffer and chroma blocks are
 * decoded in skip mode. Otherwise each needed component is transformed into a per-MCU tile and
 * jpeg_color.c converts the tiles to gray.
 */
#include <string.h>

#include "decode/jpeg_internal.h"
#include "decode/jpeg_progressive.h"

_Static_assert(sizeof(jpeg_state) <= INK_REGION_SCRATCH_BYTES,
               "the JPEG decoder state must fit in SCRATCH");
_Static_assert(INK_JPEG_INPUT_BYTES + INK_JPEG_TILE_BYTES + INK_JPEG_LOOKUP_BYTES <=
                   INK_REGION_DITHER_BYTES,
               "the JPEG input buffer, tiles and lookahead tables must fit in DITHER");
_Static_assert(INK_JPEG_LOOKUP_BYTES == JPEG_LOOKUP_BYTES + JPEG_DEQUANT_BYTES,
               "INK_JPEG_LOOKUP_BYTES must match jpeg_internal.h");
_Static_assert((INK_JPEG_INPUT_BYTES + INK_JPEG_TILE_BYTES) % 8u == 0,
               "the lookahead tables must be aligned");
_Static_assert(INK_JPEG_INPUT_BYTES >= 4096u, "source reads must be at least 4 KB");

const uint32_t INK_JPEG_STATE_BYTES =
    (uint32_t)((sizeof(jpeg_state) + INK_ARENA_ALIGN - 1u) & ~(size_t)(INK_ARENA_ALIGN - 1u));

/* What one decode() holds besides the state. */
typedef struct jpeg_run {
    const ink_row_sink *sink;
    ink_claim scratch, buffers, tables, output;
    uint8_t *rows;          /* the MCU-row buffer in PRIMARY */
    uint32_t stride;        /* bytes per row of it */
    uint32_t band_rows;     /* its rows */
    unsigned block_log2;    /* luma pixels per block side at the chosen scale, log2 */
    bool direct;            /* luma goes straight into `rows` */
    uint32_t out_width, out_height, rows_done;
} jpeg_run;

static ink_error decide_colour(jpeg_frame *frame, ink_error_info *info)
{
    jpeg_component *c = frame->components;
    switch (frame->ncomponents) {
    case 1:
        frame->colour = JPEG_GRAY;
        break;
    case 3:
        /* As libjpeg: JFIF means YCbCr; else Adobe's transform flag; else the ids. */
        if (frame->saw_jfif)
            frame->colour = JPEG_YCBCR;
        else if (frame->saw_adobe)
            frame->colour = frame->adobe_transform == 0 ? JPEG_RGB : JPEG_YCBCR;
        else if (c[0].id == 'R' && c[1].id == 'G' && c[2].id == 'B')
            frame->colour = JPEG_RGB;
        else
            frame->colour = JPEG_YCBCR;
        break;
    case 4:
        frame->colour =
            frame->saw_adobe && frame->adobe_transform == 0 ? JPEG_CMYK
            : frame->saw_adobe                              ? JPEG_YCCK
                                                            : JPEG_CMYK;
        break;
    default:
        return ink_error_set(info, INK_ERR_UNSUPPORTED, "JPEG with %u components",
                             frame->ncomponents);
    }
    bool luma_only = frame->colour == JPEG_GRAY || frame->colour == JPEG_YCBCR;
    for (unsigned i = 0; i < frame->ncomponents; i++)
        c[i].needed = !luma_only || i == 0;
    return INK_OK;
}

/* Per needed component: the IDCT size (as libjpeg picks it: grown while the component's
 * upsampling ratio allows, so subsampled components are transformed larger rather than
 * upsampled), the repeat factors left over, and where its tile lives. Then the row buffer. */
static ink_error plan_output(jpeg_state *state, jpeg_run *run, unsigned scale_log2,
                             ink_arena *arena, ink_error_info *info)
{
    jpeg_frame *frame = &state->frame;
    unsigned block_log2 = 3u - scale_log2;
    uint32_t mcu_width = (uint32_t)frame->hmax << block_log2;
    uint32_t mcu_height = (uint32_t)frame->vmax << block_log2;
    uint8_t *tiles = run->buffers.bytes + INK_JPEG_INPUT_BYTES;
    run->block_log2 = block_log2;
    for (unsigned i = 0; i < frame->ncomponents; i++) {
        jpeg_component *c = &frame->components[i];
        if (!c->needed)
            continue;
        unsigned size_log2 = block_log2;
        while (size_log2 < 3u && mcu_width % ((uint32_t)c->h << (size_log2 + 1u)) == 0 &&
               mcu_height % ((uint32_t)c->v << (size_log2 + 1u)) == 0)
            size_log2++;
        uint32_t across = (uint32_t)c->h << size_log2, down = (uint32_t)c->v << size_log2;
        if (mcu_width % across != 0 || mcu_height % down != 0)
            return ink_error_set(info, INK_ERR_UNSUPPORTED,
                                 "JPEG component %u sampled %ux%u in a %ux%u frame (fractional "
                                 "ratio)",
                                 c->id, c->h, c->v, frame->hmax, frame->vmax);
        c->block_log2 = (uint8_t)size_log2;
        c->repeat_x = (uint8_t)(mcu_width / across);
        c->repeat_y = (uint8_t)(mcu_height / down);
        c->tile = tiles + i * (INK_JPEG_TILE_BYTES / JPEG_MAX_COMPONENTS);
        c->tile_stride = across;
    }
    const jpeg_component *luma = &frame->components[0];
    run->direct = (frame->colour == JPEG_GRAY || frame->colour == JPEG_YCBCR) &&
                  luma->repeat_x == 1 && luma->repeat_y == 1;
    run->band_rows = frame->ncomponents == 1 ? (1u << block_log2) : mcu_height;
    uint64_t stride = (uint64_t)frame->mcus_x * mcu_width;
    uint64_t nbytes = stride * run->band_rows;
    if (nbytes > INK_REGION_PRIMARY_BYTES) {
        uint32_t widest_mcus = INK_REGION_PRIMARY_BYTES / (run->band_rows * mcu_width);
        return ink_error_set(info, INK_ERR_TOO_LARGE,
                             "JPEG %u px wide at scale 1/%u needs a %lu-byte MCU row; the "
                             "%u-byte PRIMARY region fits %u px at this scale",
                             frame->width, 1u << scale_log2, (unsigned long)nbytes,
                             INK_REGION_PRIMARY_BYTES, widest_mcus * frame->hmax * 8u);
    }
    run->stride = (uint32_t)stride;
    ink_error error = ink_arena_claim_range(arena, INK_REGION_PRIMARY, 0,
                                            (uint32_t)((nbytes + 7u) & ~(uint64_t)7u),
                                            "jpeg MCU-row output", &run->output, info);
    if (error != INK_OK)
        return error;
    run->rows = run->output.bytes;
    return INK_OK;
}

static ink_error check_data(jpeg_state *state, uint32_t done, uint32_t total,
                            ink_error_info *info)
{
    jpeg_bits *bits = &state->bits;
    if (bits->io_error != INK_OK)
        return ink_error_set(info, bits->io_error, "JPEG: reading the input failed");
    if (!ink_jpeg_bits_overrun(bits))
        return INK_OK;
    if (bits->marker > 0)
        return ink_error_set(info, INK_ERR_BAD_DATA,
                             "JPEG data corrupt: marker 0xFF%x inside the scan (MCU row %u of %u)",
                             (unsigned)bits->marker, done + 1u, total);
    return ink_error_set(info, INK_ERR_BAD_DATA, "JPEG data truncated in MCU row %u of %u",
                         done + 1u, total);
}

static ink_error emit_rows(jpeg_run *run, uint32_t count)
{
    return ink_jpeg_push_rows(run->sink, run->rows, run->stride, count, &run->rows_done,
                              run->out_height);
}

/* The MCU loop's plan entry for one block of component `c` at (bx, by) of its MCU. */
static jpeg_mcu_block plan_block(const jpeg_run *run, const jpeg_component *c,
                                 const jpeg_block_coder *coder, uint32_t bx, uint32_t by,
                                 uint32_t mcu_width)
{
    uint32_t size = 1u << c->block_log2;
    jpeg_mcu_block block = {NULL, 0, 0, coder, c->block_log2,
                            !c->needed            ? JPEG_BLOCK_SKIP
                            : c->block_log2 == 0 ? JPEG_BLOCK_DC
                                                 : JPEG_BLOCK_FULL};
    if (c->needed && run->direct) {
        block.out = run->rows + (size_t)by * size * run->stride + bx * size;
        block.step = mcu_width;
        block.stride = run->stride;
    } else if (c->needed) {
        block.out = c->tile + by * size * c->tile_stride + bx * size;
        block.stride = c->tile_stride;
    }
    return block;
}

static ink_error decode_scan(jpeg_state *state, jpeg_run *run, ink_error_info *info)
{
    jpeg_frame *frame = &state->frame;
    jpeg_scan *scan = &state->scan;
    ink_error error;
    ink_jpeg_prepare_scan_tables(state);
    ink_jpeg_bits_reset(&state->bits);
    state->bits.io_error = INK_OK;
    state->restarts_left = frame->restart_interval;
    state->next_restart = 0;
    for (unsigned i = 0; i < frame->ncomponents; i++)
        frame->components[i].dc_predictor = 0;

    /* The blocks of one MCU (at most 10, checked by the SOS parser), in bitstream order,
     * planned once per scan — the coder, the mode and where the pixels go — so the per-block
     * work in the loop is a decode and a transform. A non-interleaved scan's MCU is one block
     * over the component's own grid. */
    jpeg_mcu_block plan[10], blocks[10];
    jpeg_block_coder coders[JPEG_MAX_COMPONENTS];
    unsigned nblocks = 0;
    uint32_t mcus_x = frame->mcus_x, mcus_y = frame->mcus_y, band_rows = run->band_rows;
    uint32_t mcu_width = (uint32_t)frame->hmax << run->block_log2;
    if (scan->ncomponents == 1) {
        jpeg_component *c = &frame->components[scan->component_index[0]];
        if (!run->direct)
            return ink_error_set(info, INK_ERR_UNSUPPORTED,
                                 "JPEG non-interleaved scan of a component that needs "
                                 "upsampling or colour conversion");
        mcus_x = c->blocks_x;
        mcus_y = c->blocks_y;
        band_rows = mcu_width = 1u << run->block_log2;
        ink_jpeg_block_coder_init(state, 0, &coders[0]);
        plan[0] = blocks[0] = plan_block(run, c, &coders[0], 0, 0, mcu_width);
        nblocks = 1;
    }
    for (unsigned i = 0; i < scan->ncomponents && scan->ncomponents > 1; i++) {
        const jpeg_component *c = &frame->components[scan->component_index[i]];
        ink_jpeg_block_coder_init(state, i, &coders[i]);
        for (uint32_t by = 0; by < c->v; by++) {
            for (uint32_t bx = 0; bx < c->h; bx++) {
                if (nblocks == 10)
                    return ink_error_set(info, INK_ERR_INTERNAL, "JPEG MCU of over 10 blocks");
                plan[nblocks] = plan_block(run, c, &coders[i], bx, by, mcu_width);
                blocks[nblocks] = plan[nblocks];
                nblocks++;
            }
        }
    }
    for (uint32_t my = 0; my < mcus_y && run->rows_done < run->out_height; my++) {
        for (unsigned b = 0; b < nblocks; b++) /* back to the row's first MCU */
            blocks[b].out = plan[b].out;
        for (uint32_t mx = 0; mx < mcus_x;) {
            /* Direct output: one call for the MCUs up to the row's end or the next restart;
             * tiles are converted after every MCU. */
            uint32_t nmcus = run->direct ? mcus_x - mx : 1u;
            if (frame->restart_interval != 0) {
                if (state->restarts_left == 0 &&
                    (error = ink_jpeg_process_restart(state, info)) != INK_OK)
                    return error;
                if (nmcus > state->restarts_left)
                    nmcus = state->restarts_left;
                state->restarts_left -= nmcus;
            }
            if ((error = ink_jpeg_decode_mcus(state, blocks, nblocks, nmcus, info)) !=
                INK_OK)
                return error;
            if (!run->direct)
                ink_jpeg_tiles_to_gray(frame, run->rows + mx * mcu_width, run->stride, mcu_width,
                                       band_rows);
            mx += nmcus;
        }
        if ((error = check_data(state, my, mcus_y, info)) != INK_OK ||
            (error = emit_rows(run, band_rows)) != INK_OK)
            return error;
    }
    return INK_OK;
}

static ink_error run_decoder(jpeg_state *state, jpeg_run *run, ink_arena *arena,
                             const ink_limits *limits, ink_error_info *info)
{
    jpeg_frame *frame = &state->frame;
    uint8_t marker;
    ink_error error = ink_jpeg_read_markers(state, true, &marker, info);
    if (error != INK_OK)
        return error;
    if (marker != 0xDA || !state->have_frame)
        return ink_error_set(info, INK_ERR_BAD_DATA, "JPEG has no image (EOI before any scan)");
    if ((error = ink_check_limits(limits, frame->width, frame->height, info)) != INK_OK ||
        (error = decide_colour(frame, info)) != INK_OK)
        return error;
    if (frame->sof == 0xC2) /* progressive: band by band (jpeg_progressive.c) */
        return ink_jpeg_progressive_decode(state, run->buffers.bytes, arena, run->sink, info);
    /* Sequential: the block decoder's lookahead and dequantisation tables, after the input
     * buffer and tiles in DITHER (progressive uses that space for its own records). */
    error = ink_arena_claim_range(arena, INK_REGION_DITHER,
                                  INK_JPEG_INPUT_BYTES + INK_JPEG_TILE_BYTES,
                                  INK_JPEG_LOOKUP_BYTES, "jpeg lookahead tables", &run->tables,
                                  info);
    if (error != INK_OK)
        return error;
    state->lookup = (uint32_t *)(void *)run->tables.bytes;
    state->dequant = (jpeg_dequant *)(void *)(state->lookup + JPEG_LOOKUP_BYTES / 4u);

    ink_image_info image = {frame->width, frame->height, INK_SCALE_MASK_DCT, false,
                            ink_jpeg_describe(frame), 0};
    unsigned scale_log2 = 0;
    if ((error = run->sink->begin(run->sink->user, &image, &scale_log2)) != INK_OK)
        return error;
    if (scale_log2 > 3)
        return ink_error_set(info, INK_ERR_INVALID_ARGUMENT,
                             "JPEG: the sink chose scale 1/2^%u (1/1 to 1/8 offered)", scale_log2);
    if ((error = plan_output(state, run, scale_log2, arena, info)) != INK_OK)
        return error;
    run->out_width = ink_scaled_size(frame->width, scale_log2);
    run->out_height = ink_scaled_size(frame->height, scale_log2);

    for (;;) {
        const jpeg_scan *scan = &state->scan;
        unsigned needed_in_scan = 0, needed_total = 0;
        for (unsigned i = 0; i < frame->ncomponents; i++)
            needed_total += frame->components[i].needed;
        for (unsigned i = 0; i < scan->ncomponents; i++)
            needed_in_scan += frame->components[scan->component_index[i]].needed;
        if (needed_in_scan == needed_total) {
            if ((error = decode_scan(state, run, info)) != INK_OK)
                return error;
            if (state->bits.marker > 0)
                state->pending_marker = (uint8_t)state->bits.marker;
        } else if (needed_in_scan != 0) {
            return ink_error_set(info, INK_ERR_UNSUPPORTED,
                                 "JPEG %s in separate scans (non-interleaved colour)",
                                 frame->colour == JPEG_RGB ? "RGB" : "CMYK");
        }
        if (run->rows_done == run->out_height)
            return INK_OK;
        /* Scans of unneeded components are skipped: read_markers scans past their data. */
        if ((error = ink_jpeg_read_markers(state, false, &marker, info)) != INK_OK)
            return error;
        if (marker != 0xDA)
            return ink_error_set(info, INK_ERR_BAD_DATA,
                                 "JPEG ends before its image data (no scan of the luma "
                                 "component)");
    }
}

static ink_error jpeg_decode(const ink_source *source, ink_arena *arena, const ink_limits *limits,
                             const ink_row_sink *sink, ink_error_info *info)
{
    if (!source || !source->read || !arena || !sink || !sink->begin || !sink->row)
        return ink_error_set(info, INK_ERR_INVALID_ARGUMENT, "JPEG: missing source, arena or sink");
    jpeg_run run;
    memset(&run, 0, sizeof run);
    run.sink = sink;
    ink_error error = ink_arena_claim_range(arena, INK_REGION_SCRATCH, 0, INK_JPEG_STATE_BYTES,
                                            "jpeg state and tables", &run.scratch, info);
    if (error == INK_OK)
        error = ink_arena_claim_range(arena, INK_REGION_DITHER, 0,
                                      INK_JPEG_INPUT_BYTES + INK_JPEG_TILE_BYTES,
                                      "jpeg input buffer and MCU tiles", &run.buffers, info);
    if (error == INK_OK) {
        jpeg_state *state = (jpeg_state *)(void *)run.scratch.bytes;
        memset(state, 0, sizeof *state);
        ink_jpeg_input_init(&state->input, source, run.buffers.bytes, INK_JPEG_INPUT_BYTES);
        error = run_decoder(state, &run, arena, limits, info);
        if (error != INK_OK)
            ink_error_set(info, error, "JPEG decoding failed");
    }
    if (run.output.bytes)
        ink_arena_release(arena, &run.output);
    if (run.tables.bytes)
        ink_arena_release(arena, &run.tables);
    if (run.buffers.bytes)
        ink_arena_release(arena, &run.buffers);
    if (run.scratch.bytes)
        ink_arena_release(arena, &run.scratch);
    return error;
}

const ink_decoder ink_decoder_arena_jpeg = {"arena-jpeg", INK_FORMAT_JPEG, jpeg_decode};
