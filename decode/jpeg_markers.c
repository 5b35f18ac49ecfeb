/*
 * jpeg_markers.c — JPEG marker parsing (ITU-T T.81 annex B) for the in-arena decoder.
 *
 * Reads SOI, the frame header, tables, restart interval, the JFIF and Adobe application markers
 * and scan headers, and refuses what the decoder does not do (progressive, arithmetic, lossless,
 * hierarchical, 12-bit, DNL) by the SOF or marker that announces it, before any pixel work.
 */
#include <string.h>

#include "decode/jpeg_internal.h"

#define BAD(...) ink_error_set(info, INK_ERR_BAD_DATA, __VA_ARGS__)
#define UNSUPPORTED(...) ink_error_set(info, INK_ERR_UNSUPPORTED, __VA_ARGS__)
#define TRY(call)                                                                                 \
    do {                                                                                          \
        ink_error try_error_ = (call);                                                            \
        if (try_error_ != INK_OK)                                                                 \
            return try_error_;                                                                    \
    } while (0)

static ink_error refuse_frame_type(uint8_t marker, ink_error_info *info)
{
    switch (marker) {
    case 0xC2:
        return UNSUPPORTED("progressive JPEG (SOF2) is not supported by the in-arena decoder");
    case 0xC3:
        return UNSUPPORTED("lossless JPEG (SOF3) is not supported");
    case 0xC5:
    case 0xC6:
    case 0xC7:
    case 0xDE:
    case 0xDF:
        return UNSUPPORTED("hierarchical JPEG (marker 0xFF%x) is not supported", marker);
    case 0xC9:
    case 0xCA:
    case 0xCB:
    case 0xCC:
    case 0xCD:
    case 0xCE:
    case 0xCF:
        return UNSUPPORTED("arithmetic-coded JPEG (marker 0xFF%x) is not supported", marker);
    default:
        return UNSUPPORTED("JPEG marker 0xFF%x (reserved coding process) is not supported",
                           marker);
    }
}

static ink_error read_frame(jpeg_state *state, uint8_t marker, ink_error_info *info)
{
    jpeg_input *in = &state->input;
    jpeg_frame *frame = &state->frame;
    uint16_t length, height, width;
    uint8_t precision, count;
    if (state->have_frame)
        return BAD("JPEG has a second frame header (SOF)");
    TRY(ink_jpeg_input_u16(in, &length, "the frame header", info));
    TRY(ink_jpeg_input_byte(in, &precision, "the frame header", info));
    TRY(ink_jpeg_input_u16(in, &height, "the frame header", info));
    TRY(ink_jpeg_input_u16(in, &width, "the frame header", info));
    TRY(ink_jpeg_input_byte(in, &count, "the frame header", info));
    if (precision != 8)
        return UNSUPPORTED("%u-bit JPEG is not supported (only 8-bit samples)", precision);
    if (height == 0)
        return UNSUPPORTED("JPEG height defined after the scan (DNL) is not supported");
    if (width == 0)
        return BAD("JPEG frame width is 0");
    if (count == 2 || count > 4)
        return UNSUPPORTED("JPEG with %u components is not supported (1, 3 or 4)", count);
    if (count == 0)
        return BAD("JPEG frame has no components");
    if (length != 8u + 3u * count)
        return BAD("JPEG frame header length %u does not match %u components", length, count);
    memset(frame->components, 0, sizeof frame->components);
    frame->width = width;
    frame->height = height;
    frame->sof = marker;
    frame->ncomponents = count;
    frame->hmax = 1;
    frame->vmax = 1;
    for (unsigned i = 0; i < count; i++) {
        jpeg_component *component = &frame->components[i];
        uint8_t sampling;
        TRY(ink_jpeg_input_byte(in, &component->id, "the frame header", info));
        TRY(ink_jpeg_input_byte(in, &sampling, "the frame header", info));
        TRY(ink_jpeg_input_byte(in, &component->quant_index, "the frame header", info));
        component->h = (uint8_t)(sampling >> 4);
        component->v = (uint8_t)(sampling & 15);
        if (component->h < 1 || component->h > 4 || component->v < 1 || component->v > 4)
            return BAD("JPEG component %u has sampling factors %ux%u (1..4 allowed)",
                       component->id, component->h, component->v);
        if (component->quant_index > 3)
            return BAD("JPEG component %u uses quantisation table %u (0..3 allowed)",
                       component->id, component->quant_index);
        for (unsigned j = 0; j < i; j++)
            if (frame->components[j].id == component->id)
                return BAD("JPEG has two components with id %u", component->id);
        if (component->h > frame->hmax)
            frame->hmax = component->h;
        if (component->v > frame->vmax)
            frame->vmax = component->v;
    }
    frame->mcus_x = (width + 8u * frame->hmax - 1u) / (8u * frame->hmax);
    frame->mcus_y = (height + 8u * frame->vmax - 1u) / (8u * frame->vmax);
    for (unsigned i = 0; i < count; i++) {
        jpeg_component *component = &frame->components[i];
        uint32_t samples_x = (width * component->h + frame->hmax - 1u) / frame->hmax;
        uint32_t samples_y = (height * component->v + frame->vmax - 1u) / frame->vmax;
        component->blocks_x = (samples_x + 7u) / 8u;
        component->blocks_y = (samples_y + 7u) / 8u;
    }
    state->have_frame = true;
    return INK_OK;
}

static ink_error read_huffman_tables(jpeg_state *state, ink_error_info *info)
{
    jpeg_input *in = &state->input;
    uint16_t length;
    TRY(ink_jpeg_input_u16(in, &length, "a Huffman table", info));
    if (length < 2)
        return BAD("JPEG Huffman table segment length %u", length);
    uint32_t remaining = length - 2u;
    while (remaining > 0) {
        uint8_t class_id, counts[16];
        if (remaining < 17)
            return BAD("JPEG Huffman table segment too short");
        TRY(ink_jpeg_input_byte(in, &class_id, "a Huffman table", info));
        uint32_t total = 0;
        for (unsigned i = 0; i < 16; i++) {
            TRY(ink_jpeg_input_byte(in, &counts[i], "a Huffman table", info));
            total += counts[i];
        }
        remaining -= 17;
        unsigned table_class = class_id >> 4, table_id = class_id & 15;
        if (table_class > 1 || table_id > 3)
            return BAD("JPEG Huffman table class %u id %u (class 0..1, id 0..3)", table_class,
                       table_id);
        if (total > 256 || total > remaining)
            return BAD("JPEG Huffman table with %u values does not fit its segment", total);
        /* The values go straight into the slot's own array; the builder checks them. */
        jpeg_huffman_table *table = &state->huffman[table_class * 4u + table_id];
        for (uint32_t i = 0; i < total; i++)
            TRY(ink_jpeg_input_byte(in, &table->values[i], "a Huffman table", info));
        remaining -= total;
        TRY(ink_jpeg_build_huffman(table, counts, table->values, total, info));
        if (table_class == 0)
            for (uint32_t i = 0; i < total; i++)
                if (table->values[i] > 11)
                    return BAD("JPEG DC Huffman table has category %u (0..11 for 8-bit)",
                               table->values[i]);
    }
    return INK_OK;
}

static ink_error read_quant_tables(jpeg_state *state, ink_error_info *info)
{
    jpeg_input *in = &state->input;
    uint16_t length;
    TRY(ink_jpeg_input_u16(in, &length, "a quantisation table", info));
    if (length < 2)
        return BAD("JPEG quantisation table segment length %u", length);
    uint32_t remaining = length - 2u;
    while (remaining > 0) {
        uint8_t precision_id;
        TRY(ink_jpeg_input_byte(in, &precision_id, "a quantisation table", info));
        unsigned precision = precision_id >> 4, table_id = precision_id & 15;
        uint32_t need = 1u + 64u * (precision + 1u);
        if (precision > 1 || table_id > 3)
            return BAD("JPEG quantisation table precision %u id %u", precision, table_id);
        if (remaining < need)
            return BAD("JPEG quantisation table segment too short");
        for (unsigned k = 0; k < 64; k++) {
            uint8_t byte;
            uint16_t value;
            if (precision == 0) {
                TRY(ink_jpeg_input_byte(in, &byte, "a quantisation table", info));
                value = byte;
            } else {
                TRY(ink_jpeg_input_u16(in, &value, "a quantisation table", info));
            }
            state->quant[table_id][k] = value;
        }
        state->quant_defined[table_id] = 1;
        remaining -= need;
    }
    return INK_OK;
}

/* APP0 "JFIF\0" and APP14 "Adobe" decide the colour space of 3- and 4-component files. */
static ink_error read_app(jpeg_state *state, uint8_t marker, ink_error_info *info)
{
    jpeg_input *in = &state->input;
    uint16_t length;
    uint8_t head[12] = {0};
    TRY(ink_jpeg_input_u16(in, &length, "an application marker", info));
    if (length < 2)
        return BAD("JPEG marker segment length %u", length);
    uint32_t remaining = length - 2u;
    uint32_t nhead = remaining < sizeof head ? remaining : (uint32_t)sizeof head;
    for (uint32_t i = 0; i < nhead; i++)
        TRY(ink_jpeg_input_byte(in, &head[i], "an application marker", info));
    if (marker == 0xE0 && nhead >= 5 && memcmp(head, "JFIF", 5) == 0)
        state->frame.saw_jfif = true;
    if (marker == 0xEE && nhead >= 12 && memcmp(head, "Adobe", 5) == 0) {
        state->frame.saw_adobe = true;
        state->frame.adobe_transform = head[11];
    }
    return ink_jpeg_input_skip(in, remaining - nhead, "an application marker", info);
}

static ink_error read_scan_header(jpeg_state *state, ink_error_info *info)
{
    jpeg_input *in = &state->input;
    jpeg_frame *frame = &state->frame;
    jpeg_scan *scan = &state->scan;
    uint16_t length;
    uint8_t count;
    if (!state->have_frame)
        return BAD("JPEG scan (SOS) before the frame header");
    TRY(ink_jpeg_input_u16(in, &length, "a scan header", info));
    TRY(ink_jpeg_input_byte(in, &count, "a scan header", info));
    if (count < 1 || count > frame->ncomponents)
        return BAD("JPEG scan with %u components in a %u-component frame", count,
                   frame->ncomponents);
    if (length != 6u + 2u * count)
        return BAD("JPEG scan header length %u does not match %u components", length, count);
    scan->ncomponents = count;
    unsigned blocks_per_mcu = 0;
    for (unsigned i = 0; i < count; i++) {
        uint8_t id, tables;
        TRY(ink_jpeg_input_byte(in, &id, "a scan header", info));
        TRY(ink_jpeg_input_byte(in, &tables, "a scan header", info));
        unsigned index = 0;
        while (index < frame->ncomponents && frame->components[index].id != id)
            index++;
        if (index == frame->ncomponents)
            return BAD("JPEG scan names component %u, which the frame does not have", id);
        for (unsigned j = 0; j < i; j++)
            if (scan->component_index[j] == index)
                return BAD("JPEG scan names component %u twice", id);
        jpeg_component *component = &frame->components[index];
        unsigned dc = tables >> 4, ac = tables & 15;
        if (dc > 3 || ac > 3)
            return BAD("JPEG scan uses Huffman tables DC %u AC %u (0..3)", dc, ac);
        if (!state->huffman[dc].defined)
            return BAD("JPEG scan uses DC Huffman table %u, which is not defined", dc);
        if (!state->huffman[4 + ac].defined)
            return BAD("JPEG scan uses AC Huffman table %u, which is not defined", ac);
        if (!state->quant_defined[component->quant_index])
            return BAD("JPEG component %u uses quantisation table %u, which is not defined",
                       id, component->quant_index);
        component->dc_table = (uint8_t)dc;
        component->ac_table = (uint8_t)(4 + ac);
        scan->component_index[i] = (uint8_t)index;
        blocks_per_mcu += component->h * component->v;
    }
    if (count > 1 && blocks_per_mcu > 10)
        return BAD("JPEG scan has %u blocks per MCU (at most 10)", blocks_per_mcu);
    TRY(ink_jpeg_input_byte(in, &scan->ss, "a scan header", info));
    TRY(ink_jpeg_input_byte(in, &scan->se, "a scan header", info));
    uint8_t approximation;
    TRY(ink_jpeg_input_byte(in, &approximation, "a scan header", info));
    scan->ah = approximation >> 4;
    scan->al = approximation & 15;
    if (scan->ss != 0 || scan->se != 63 || scan->ah != 0 || scan->al != 0)
        return BAD("JPEG sequential scan with spectral selection %u..%u, approximation %u/%u",
                   scan->ss, scan->se, scan->ah, scan->al);
    return INK_OK;
}

ink_error ink_jpeg_read_markers(jpeg_state *state, bool first, uint8_t *marker,
                                ink_error_info *info)
{
    jpeg_input *in = &state->input;
    if (first) {
        uint8_t soi0, soi1;
        TRY(ink_jpeg_input_byte(in, &soi0, "the start of image", info));
        TRY(ink_jpeg_input_byte(in, &soi1, "the start of image", info));
        if (soi0 != 0xFF || soi1 != 0xD8)
            return BAD("not a JPEG file (no SOI marker)");
    }
    for (;;) {
        uint8_t code;
        uint16_t length;
        if (state->pending_marker) {
            code = state->pending_marker;
            state->pending_marker = 0;
        } else {
            TRY(ink_jpeg_input_next_marker(in, &code, info));
        }
        switch (code) {
        case 0xC0:
        case 0xC1:
            TRY(read_frame(state, code, info));
            break;
        case 0xC4:
            TRY(read_huffman_tables(state, info));
            break;
        case 0xDB:
            TRY(read_quant_tables(state, info));
            break;
        case 0xDD:
            TRY(ink_jpeg_input_u16(in, &length, "the restart interval", info));
            if (length != 4)
                return BAD("JPEG restart interval segment length %u", length);
            TRY(ink_jpeg_input_u16(in, &state->frame.restart_interval, "the restart interval",
                                   info));
            break;
        case 0xDA:
            TRY(read_scan_header(state, info));
            *marker = code;
            return INK_OK;
        case 0xD9:
            *marker = code;
            return INK_OK;
        case 0xD8:
            return BAD("JPEG has a second start-of-image marker");
        case 0xDC:
            return UNSUPPORTED("JPEG height defined after the scan (DNL) is not supported");
        case 0xE0:
        case 0xEE:
            TRY(read_app(state, code, info));
            break;
        case 0x01:
            break; /* TEM: no segment */
        default:
            if ((code >= 0xC2 && code <= 0xCF) || code == 0xDE || code == 0xDF)
                return refuse_frame_type(code, info);
            TRY(ink_jpeg_input_u16(in, &length, "a marker segment", info));
            if (length < 2)
                return BAD("JPEG marker 0xFF%x has segment length %u", code, length);
            TRY(ink_jpeg_input_skip(in, length - 2u, "a marker segment", info));
            break;
        }
    }
}

const char *ink_jpeg_describe(const jpeg_frame *frame)
{
    static const char *const names[2][9] = {
        {"JPEG baseline gray", "JPEG baseline YCbCr 4:4:4", "JPEG baseline YCbCr 4:2:2",
         "JPEG baseline YCbCr 4:2:0", "JPEG baseline YCbCr 4:4:0", "JPEG baseline YCbCr 4:1:1",
         "JPEG baseline YCbCr", "JPEG baseline RGB", "JPEG baseline CMYK"},
        {"JPEG extended gray", "JPEG extended YCbCr 4:4:4", "JPEG extended YCbCr 4:2:2",
         "JPEG extended YCbCr 4:2:0", "JPEG extended YCbCr 4:4:0", "JPEG extended YCbCr 4:1:1",
         "JPEG extended YCbCr", "JPEG extended RGB", "JPEG extended CMYK"}};
    unsigned extended = frame->sof == 0xC1;
    unsigned kind = 6;
    if (frame->colour == JPEG_GRAY) {
        kind = 0;
    } else if (frame->colour == JPEG_RGB) {
        kind = 7;
    } else if (frame->colour == JPEG_CMYK || frame->colour == JPEG_YCCK) {
        kind = 8;
    } else {
        const jpeg_component *c = frame->components;
        bool chroma_1x1 = c[1].h == 1 && c[1].v == 1 && c[2].h == 1 && c[2].v == 1;
        if (chroma_1x1) {
            if (c[0].h == 1 && c[0].v == 1)
                kind = 1;
            else if (c[0].h == 2 && c[0].v == 1)
                kind = 2;
            else if (c[0].h == 2 && c[0].v == 2)
                kind = 3;
            else if (c[0].h == 1 && c[0].v == 2)
                kind = 4;
            else if (c[0].h == 4 && c[0].v == 1)
                kind = 5;
        } else if (c[0].h == c[1].h && c[1].h == c[2].h && c[0].v == c[1].v &&
                   c[1].v == c[2].v) {
            kind = 1;
        }
    }
    return names[extended][kind];
}
