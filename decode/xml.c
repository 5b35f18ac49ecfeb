/*
 * xml.c — the streaming XML tokenizer (see xml.h for the contract).
 *
 * The unread bytes are buffer[position, length). A token is found by scanning forward from
 * `position`; when the buffer ends first, fill() moves the unread tail to the front and reads
 * until the buffer is full or the source ends, and the scan resumes where it stopped (scan
 * offsets are kept relative to `position`, which fill() moves to 0). So after a fill the scan
 * either finds its end, or the buffer is full (a piece or "too long"), or the input has ended.
 */
#include "decode/xml.h"

#include <stdarg.h>
#include <string.h>

static bool is_space(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool is_name_start(uint8_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || c >= 0x80;
}

static bool is_name_char(uint8_t c)
{
    return is_name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

/* FNV-1a over the name: what the open-element stack remembers of each element. */
static uint32_t name_hash(const uint8_t *bytes, size_t nbytes)
{
    uint32_t hash = 2166136261u;
    for (size_t i = 0; i < nbytes; i++)
        hash = (hash ^ bytes[i]) * 16777619u;
    return hash;
}

/* Records the tokenizer's error (the first one) with the document offset of buffer[index]. */
static ink_error fail_at(ink_xml *xml, size_t index, ink_error code, const char *format, ...)
{
    char detail[INK_ERROR_DETAIL_BYTES];
    va_list args;
    va_start(args, format);
    ink_format_va(detail, sizeof detail, format, args);
    va_end(args);
    unsigned long long offset = (unsigned long long)(xml->consumed + index);
    xml->failed = code;
    ink_error_clear(&xml->failed_info);
    ink_error_set(&xml->failed_info, code, "XML: %s at byte %llu", detail, offset);
    return code;
}

/* Moves the unread bytes to the front and reads until the buffer is full or the source ends. */
static ink_error fill(ink_xml *xml)
{
    if (xml->position > 0) {
        size_t unread = xml->length - xml->position;
        memmove(xml->buffer, xml->buffer + xml->position, unread);
        xml->consumed += xml->position;
        xml->position = 0;
        xml->length = unread;
    }
    while (!xml->source_ended && xml->length < xml->buffer_nbytes) {
        size_t room = xml->buffer_nbytes - xml->length, got = 0;
        ink_error error = xml->source.read(xml->source.user, xml->buffer + xml->length, room, &got);
        if (error != INK_OK)
            return fail_at(xml, xml->length, error, "read failed");
        if (got > room)
            return fail_at(xml, xml->length, INK_ERR_INTERNAL, "source overran the buffer");
        if (got == 0)
            xml->source_ended = true;
        xml->length += got;
    }
    return INK_OK;
}

static bool buffer_full(const ink_xml *xml)
{
    return xml->position == 0 && xml->length == xml->buffer_nbytes;
}

/* Makes at least `nbytes` unread bytes available unless the input ends first. */
static ink_error want(ink_xml *xml, size_t nbytes)
{
    if (xml->length - xml->position < nbytes && !xml->source_ended)
        return fill(xml);
    return INK_OK;
}

static void put_utf8(char *out, size_t *w, uint32_t code)
{
    if (code < 0x80) {
        out[(*w)++] = (char)code;
    } else if (code < 0x800) {
        out[(*w)++] = (char)(0xC0 | (code >> 6));
        out[(*w)++] = (char)(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
        out[(*w)++] = (char)(0xE0 | (code >> 12));
        out[(*w)++] = (char)(0x80 | ((code >> 6) & 0x3F));
        out[(*w)++] = (char)(0x80 | (code & 0x3F));
    } else {
        out[(*w)++] = (char)(0xF0 | (code >> 18));
        out[(*w)++] = (char)(0x80 | ((code >> 12) & 0x3F));
        out[(*w)++] = (char)(0x80 | ((code >> 6) & 0x3F));
        out[(*w)++] = (char)(0x80 | (code & 0x3F));
    }
}

/* Parses the numeric reference body (after "&#", before ';'); false when malformed or not an
 * XML character. */
static bool parse_character_reference(const char *body, size_t nbytes, uint32_t *code)
{
    uint32_t base = 10, value = 0;
    size_t i = 0;
    if (nbytes > 0 && body[0] == 'x') {
        base = 16;
        i = 1;
    }
    if (i == nbytes)
        return false;
    for (; i < nbytes; i++) {
        uint8_t c = (uint8_t)body[i];
        uint32_t digit;
        if (c >= '0' && c <= '9')
            digit = c - '0';
        else if (base == 16 && c >= 'a' && c <= 'f')
            digit = c - 'a' + 10;
        else if (base == 16 && c >= 'A' && c <= 'F')
            digit = c - 'A' + 10;
        else
            return false;
        value = value * base + digit;
        if (value > 0x10FFFF)
            return false;
    }
    if (value < 0x20 && value != 0x9 && value != 0xA && value != 0xD)
        return false;
    if ((value >= 0xD800 && value <= 0xDFFF) || value == 0xFFFE || value == 0xFFFF)
        return false;
    *code = value;
    return true;
}

/* Entity decoding in place; `normalise` turns literal tab/CR/LF into spaces (attributes).
 * A reference is at least as long as its UTF-8 encoding, so the write index never passes the
 * read index. The longest reference body looked for is 32 bytes ("&#x0000...;" with zeros). */
static ink_error decode_entities(char *text, size_t nbytes, size_t *out_nbytes, bool normalise,
                                 size_t *bad_offset)
{
    static const struct {
        const char *name;
        char value;
    } predefined[] = {{"lt", '<'}, {"gt", '>'}, {"amp", '&'}, {"apos", '\''}, {"quot", '"'}};
    size_t r = 0, w = 0;
    while (r < nbytes) {
        char c = text[r];
        if (c != '&') {
            text[w++] = (normalise && (c == '\t' || c == '\n' || c == '\r')) ? ' ' : c;
            r++;
            continue;
        }
        size_t semicolon = r + 1;
        while (semicolon < nbytes && semicolon - r <= 33 && text[semicolon] != ';')
            semicolon++;
        if (semicolon >= nbytes || text[semicolon] != ';') {
            if (r + 1 < nbytes && text[r + 1] == '#') {
                *bad_offset = r;
                return INK_ERR_BAD_DATA;
            }
            text[w++] = text[r++]; /* a bare '&': kept as written */
            continue;
        }
        const char *body = text + r + 1;
        size_t body_nbytes = semicolon - r - 1;
        if (body_nbytes > 0 && body[0] == '#') {
            uint32_t code;
            if (!parse_character_reference(body + 1, body_nbytes - 1, &code)) {
                *bad_offset = r;
                return INK_ERR_BAD_DATA;
            }
            put_utf8(text, &w, code);
            r = semicolon + 1;
            continue;
        }
        size_t k = 0;
        while (k < sizeof predefined / sizeof predefined[0] &&
               !(strlen(predefined[k].name) == body_nbytes &&
                 memcmp(predefined[k].name, body, body_nbytes) == 0))
            k++;
        if (k < sizeof predefined / sizeof predefined[0]) {
            text[w++] = predefined[k].value;
            r = semicolon + 1;
        } else {
            text[w++] = text[r++]; /* unknown named entity: kept as written */
        }
    }
    *out_nbytes = w;
    return INK_OK;
}

ink_error ink_xml_decode_entities(char *text, size_t nbytes, size_t *out_nbytes,
                                  ink_error_info *info)
{
    size_t bad = 0;
    if (decode_entities(text, nbytes, out_nbytes, false, &bad) != INK_OK)
        return ink_error_set(info, INK_ERR_BAD_DATA,
                             "XML: malformed character reference at byte %zu", bad);
    return INK_OK;
}

ink_error ink_xml_init(ink_xml *xml, const ink_source *source, uint8_t *buffer,
                       size_t buffer_nbytes, ink_error_info *info)
{
    if (!xml || !source || !source->read || !buffer || buffer_nbytes < INK_XML_MIN_BUFFER_BYTES)
        return ink_error_set(info, INK_ERR_INVALID_ARGUMENT,
                             "XML: needs a source and a buffer of %u bytes or more",
                             INK_XML_MIN_BUFFER_BYTES);
    memset(xml, 0, sizeof *xml);
    xml->source = *source;
    xml->buffer = buffer;
    xml->buffer_nbytes = buffer_nbytes;
    return INK_OK;
}

/* Scans a name starting at buffer[*i] (before `end`); on success *i is just past it. */
static ink_error scan_name(ink_xml *xml, size_t *i, size_t end, const char *what)
{
    size_t start = *i;
    if (start >= end || !is_name_start(xml->buffer[start]))
        return fail_at(xml, start, INK_ERR_BAD_DATA, "expected %s", what);
    size_t k = start + 1;
    while (k < end && is_name_char(xml->buffer[k]))
        k++;
    if (k - start > INK_XML_MAX_NAME_BYTES)
        return fail_at(xml, start, INK_ERR_TOO_LARGE, "%s of %zu bytes exceeds the %u-byte limit",
                       what, k - start, INK_XML_MAX_NAME_BYTES);
    *i = k;
    return INK_OK;
}

static bool skip_space(const ink_xml *xml, size_t *i, size_t end)
{
    size_t start = *i;
    while (*i < end && is_space(xml->buffer[*i]))
        (*i)++;
    return *i > start;
}

/* Parses the start or empty tag buffer[position, gt] (gt is its '>'). */
static ink_error parse_start_tag(ink_xml *xml, size_t gt)
{
    ink_xml_token *token = &xml->token;
    char *text = (char *)xml->buffer;
    size_t name_ends[1 + 2 * INK_XML_MAX_ATTRIBUTES];
    size_t ends = 0;
    size_t i = xml->position + 1, name_start = i;
    ink_error error = scan_name(xml, &i, gt, "an element name");
    if (error != INK_OK)
        return error;
    token->name = (ink_xml_string){text + name_start, i - name_start};
    name_ends[ends++] = i;
    token->type = INK_XML_START_TAG;
    for (;;) {
        bool spaced = skip_space(xml, &i, gt);
        if (i == gt)
            break;
        if (text[i] == '/') {
            if (i + 1 != gt)
                return fail_at(xml, i, INK_ERR_BAD_DATA, "'/' inside a tag");
            token->type = INK_XML_EMPTY_TAG;
            break;
        }
        if (!spaced)
            return fail_at(xml, i, INK_ERR_BAD_DATA, "attributes must be separated by spaces");
        if (token->attribute_count == INK_XML_MAX_ATTRIBUTES)
            return fail_at(xml, i, INK_ERR_TOO_LARGE, "more than %u attributes in a tag",
                           INK_XML_MAX_ATTRIBUTES);
        size_t attribute_start = i;
        if ((error = scan_name(xml, &i, gt, "an attribute name")) != INK_OK)
            return error;
        ink_xml_string attribute_name = {text + attribute_start, i - attribute_start};
        size_t attribute_name_end = i;
        skip_space(xml, &i, gt);
        if (i == gt || text[i] != '=')
            return fail_at(xml, i, INK_ERR_BAD_DATA, "expected '=' after an attribute name");
        i++;
        skip_space(xml, &i, gt);
        if (i == gt || (text[i] != '"' && text[i] != '\''))
            return fail_at(xml, i, INK_ERR_BAD_DATA, "expected a quoted attribute value");
        char quote = text[i];
        size_t value_start = ++i;
        /* The tag scan found '>' outside quotes, so the closing quote lies before gt. */
        while (i < gt && text[i] != quote)
            i++;
        if (i == gt)
            return fail_at(xml, value_start, INK_ERR_INTERNAL, "unclosed quote");
        if (memchr(text + value_start, '<', i - value_start))
            return fail_at(xml, value_start, INK_ERR_BAD_DATA, "'<' in an attribute value");
        size_t value_nbytes = 0, bad = 0;
        if (decode_entities(text + value_start, i - value_start, &value_nbytes, true, &bad) !=
            INK_OK)
            return fail_at(xml, value_start + bad, INK_ERR_BAD_DATA,
                           "malformed character reference");
        for (uint32_t k = 0; k < token->attribute_count; k++) {
            const ink_xml_string *other = &token->attributes[k].name;
            if (other->nbytes == attribute_name.nbytes &&
                memcmp(other->bytes, attribute_name.bytes, other->nbytes) == 0)
                return fail_at(xml, attribute_start, INK_ERR_BAD_DATA, "duplicate attribute");
        }
        token->attributes[token->attribute_count++] =
            (ink_xml_attribute){attribute_name, {text + value_start, value_nbytes}};
        name_ends[ends++] = attribute_name_end;
        name_ends[ends++] = value_start + value_nbytes;
        i++; /* past the closing quote */
    }
    /* Every string is followed by a byte already parsed ('=', a space, a quote, '/', '>'). */
    for (size_t k = 0; k < ends; k++)
        text[name_ends[k]] = '\0';

    if (xml->root_closed)
        return fail_at(xml, xml->position, INK_ERR_BAD_DATA, "a second root element");
    xml->seen_root = true;
    if (token->type == INK_XML_EMPTY_TAG) {
        token->depth = xml->depth + 1;
        if (xml->depth == 0)
            xml->root_closed = true;
        return INK_OK;
    }
    if (xml->depth == INK_XML_MAX_DEPTH)
        return fail_at(xml, xml->position, INK_ERR_TOO_LARGE,
                       "elements nested deeper than %u", INK_XML_MAX_DEPTH);
    xml->open_hashes[xml->depth++] =
        name_hash((const uint8_t *)token->name.bytes, token->name.nbytes);
    token->depth = xml->depth;
    return INK_OK;
}

/* Parses the end tag buffer[position, gt]. */
static ink_error parse_end_tag(ink_xml *xml, size_t gt)
{
    ink_xml_token *token = &xml->token;
    size_t i = xml->position + 2, name_start = i;
    ink_error error = scan_name(xml, &i, gt, "an element name");
    if (error != INK_OK)
        return error;
    size_t name_end = i;
    skip_space(xml, &i, gt);
    if (i != gt)
        return fail_at(xml, i, INK_ERR_BAD_DATA, "junk in an end tag");
    token->type = INK_XML_END_TAG;
    token->name = (ink_xml_string){(const char *)xml->buffer + name_start, name_end - name_start};
    if (xml->depth == 0)
        return fail_at(xml, xml->position, INK_ERR_BAD_DATA, "end tag without an open element");
    uint32_t hash = name_hash(xml->buffer + name_start, name_end - name_start);
    if (hash != xml->open_hashes[xml->depth - 1])
        return fail_at(xml, xml->position, INK_ERR_BAD_DATA,
                       "end tag does not match the open element");
    xml->buffer[name_end] = '\0';
    token->depth = xml->depth--;
    if (xml->depth == 0)
        xml->root_closed = true;
    return INK_OK;
}

/* A tag: finds its '>' outside quotes, then parses it. */
static ink_error read_tag(ink_xml *xml, bool end_tag)
{
    size_t scanned = 1; /* relative to position */
    uint8_t quote = 0;
    for (;;) {
        size_t i = xml->position + scanned;
        for (; i < xml->length; i++) {
            uint8_t c = xml->buffer[i];
            if (quote) {
                if (c == quote)
                    quote = 0;
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '>') {
                break;
            }
        }
        if (i < xml->length) {
            /* Names and values are handed out NUL-terminated: a NUL inside would cut them. */
            const uint8_t *nul = memchr(xml->buffer + xml->position, 0, i - xml->position);
            if (nul)
                return fail_at(xml, (size_t)(nul - xml->buffer), INK_ERR_BAD_DATA,
                               "NUL byte in a tag");
            ink_error error = end_tag ? parse_end_tag(xml, i) : parse_start_tag(xml, i);
            if (error == INK_OK)
                xml->position = i + 1;
            return error;
        }
        if (buffer_full(xml))
            return fail_at(xml, xml->position, INK_ERR_TOO_LARGE,
                           "tag longer than the %zu-byte buffer", xml->buffer_nbytes);
        if (xml->source_ended)
            return fail_at(xml, xml->position, INK_ERR_BAD_DATA, "unterminated tag");
        scanned = xml->length - xml->position;
        ink_error error = fill(xml);
        if (error != INK_OK)
            return error;
    }
}

static const char *construct_name(uint8_t type)
{
    switch (type) {
    case INK_XML_COMMENT: return "comment";
    case INK_XML_CDATA: return "CDATA section";
    case INK_XML_PROCESSING_INSTRUCTION: return "processing instruction";
    default: return "DOCTYPE";
    }
}

/* Finds the end of a comment, CDATA section, processing instruction or DOCTYPE, scanning
 * buffer[from, length). Returns the index of its terminator and sets *terminator_nbytes. */
static bool find_terminator(ink_xml *xml, uint8_t type, size_t from, size_t *at,
                            size_t *terminator_nbytes)
{
    const uint8_t *b = xml->buffer;
    if (type == INK_XML_DOCTYPE) {
        for (size_t i = from; i < xml->length; i++) {
            uint8_t c = b[i];
            if (xml->doctype_quote) {
                if (c == xml->doctype_quote)
                    xml->doctype_quote = 0;
            } else if (c == '"' || c == '\'') {
                xml->doctype_quote = c;
            } else if (c == '[') {
                xml->doctype_brackets++;
            } else if (c == ']' && xml->doctype_brackets > 0) {
                xml->doctype_brackets--;
            } else if (c == '>' && xml->doctype_brackets == 0) {
                *at = i;
                *terminator_nbytes = 1;
                return true;
            }
        }
        return false;
    }
    const char *terminator = type == INK_XML_COMMENT ? "-->" : type == INK_XML_CDATA ? "]]>" : "?>";
    size_t n = strlen(terminator);
    for (size_t i = from; i + n <= xml->length; i++) {
        if (b[i] == (uint8_t)terminator[0] && memcmp(b + i, terminator, n) == 0) {
            *at = i;
            *terminator_nbytes = n;
            return true;
        }
    }
    return false;
}

/* A comment, CDATA section, processing instruction or DOCTYPE whose opening (`open_nbytes`
 * bytes, 0 when continuing one) starts at position: delivers it whole or its next piece. */
static ink_error read_delimited(ink_xml *xml, uint8_t type, size_t open_nbytes)
{
    ink_xml_token *token = &xml->token;
    size_t keep = type == INK_XML_DOCTYPE ? 0 : type == INK_XML_PROCESSING_INSTRUCTION ? 1 : 2;
    size_t scanned = open_nbytes; /* relative to position */
    for (;;) {
        size_t at = 0, terminator_nbytes = 0;
        size_t start = xml->position + open_nbytes;
        bool found = find_terminator(xml, type, xml->position + scanned, &at, &terminator_nbytes);
        token->type = (ink_xml_token_type)type;
        if (found) {
            token->content = (ink_xml_string){(const char *)xml->buffer + start, at - start};
            token->partial = false;
            xml->continuing = 0;
            xml->position = at + terminator_nbytes;
            return INK_OK;
        }
        if (buffer_full(xml)) {
            size_t piece_end = xml->length - keep;
            token->content = (ink_xml_string){(const char *)xml->buffer + start, piece_end - start};
            token->partial = true;
            xml->continuing = type;
            xml->position = piece_end;
            return INK_OK;
        }
        if (xml->source_ended)
            return fail_at(xml, xml->position, INK_ERR_BAD_DATA, "unterminated %s",
                           construct_name(type));
        size_t unread = xml->length - xml->position;
        /* A fixed terminator may straddle the refill: rescan its possible first bytes. */
        scanned = unread > open_nbytes + keep ? unread - keep : open_nbytes;
        if (type == INK_XML_DOCTYPE)
            scanned = unread; /* the DOCTYPE scan carries its state instead */
        ink_error error = fill(xml);
        if (error != INK_OK)
            return error;
    }
}

/* Splits a processing instruction's first piece into target and content. */
static ink_error split_processing_instruction(ink_xml *xml, size_t open_at)
{
    ink_xml_token *token = &xml->token;
    const char *content = token->content.bytes;
    size_t nbytes = token->content.nbytes, k = 0;
    if (nbytes == 0 || !is_name_start((uint8_t)content[0]))
        return fail_at(xml, open_at, INK_ERR_BAD_DATA, "processing instruction without a target");
    while (k < nbytes && is_name_char((uint8_t)content[k]))
        k++;
    if (k > INK_XML_MAX_NAME_BYTES || (k == nbytes && token->partial))
        return fail_at(xml, open_at, INK_ERR_TOO_LARGE, "processing instruction target too long");
    if (k < nbytes && !is_space((uint8_t)content[k]))
        return fail_at(xml, open_at, INK_ERR_BAD_DATA, "bad processing instruction target");
    token->name = (ink_xml_string){content, k};
    while (k < nbytes && is_space((uint8_t)content[k]))
        k++;
    token->content = (ink_xml_string){content + k, nbytes - k};
    return INK_OK;
}

static ink_error read_text(ink_xml *xml)
{
    ink_xml_token *token = &xml->token;
    size_t scanned = 0;
    for (;;) {
        size_t from = xml->position + scanned;
        const uint8_t *lt = memchr(xml->buffer + from, '<', xml->length - from);
        size_t end = lt ? (size_t)(lt - xml->buffer) : xml->length;
        if (lt || xml->source_ended || buffer_full(xml)) {
            token->type = INK_XML_TEXT;
            token->content =
                (ink_xml_string){(const char *)xml->buffer + xml->position, end - xml->position};
            token->partial = !lt && !xml->source_ended;
            if (xml->depth == 0) {
                for (size_t i = xml->position; i < end; i++)
                    if (!is_space(xml->buffer[i]))
                        return fail_at(xml, i, INK_ERR_BAD_DATA, "text outside the root element");
            }
            xml->position = end;
            return INK_OK;
        }
        scanned = xml->length - xml->position;
        ink_error error = fill(xml);
        if (error != INK_OK)
            return error;
    }
}

static bool starts_with(const ink_xml *xml, const char *literal)
{
    size_t n = strlen(literal);
    return xml->length - xml->position >= n &&
           memcmp(xml->buffer + xml->position, literal, n) == 0;
}

static ink_error read_token(ink_xml *xml)
{
    ink_xml_token *token = &xml->token;
    token->name = (ink_xml_string){"", 0};
    token->content = (ink_xml_string){"", 0};
    token->partial = false;
    token->attribute_count = 0;
    token->depth = xml->depth;
    ink_error error;
    if (!xml->started) {
        if ((error = want(xml, 3)) != INK_OK)
            return error;
        if (starts_with(xml, "\xFE\xFF") || starts_with(xml, "\xFF\xFE"))
            return fail_at(xml, 0, INK_ERR_UNSUPPORTED, "UTF-16 documents are not supported");
        if (starts_with(xml, "\xEF\xBB\xBF"))
            xml->position += 3;
        xml->started = true;
    }
    if (xml->continuing)
        return read_delimited(xml, xml->continuing, 0);
    if ((error = want(xml, 1)) != INK_OK)
        return error;
    if (xml->position == xml->length) {
        if (xml->depth > 0)
            return fail_at(xml, xml->position, INK_ERR_BAD_DATA,
                           "the document ends with %u elements open", xml->depth);
        if (!xml->seen_root)
            return fail_at(xml, xml->position, INK_ERR_BAD_DATA, "no root element");
        token->type = INK_XML_END_OF_DOCUMENT;
        return INK_OK;
    }
    if (xml->buffer[xml->position] != '<')
        return read_text(xml);
    if ((error = want(xml, 9)) != INK_OK)
        return error;
    size_t open_at = xml->position;
    if (starts_with(xml, "<!--"))
        return read_delimited(xml, INK_XML_COMMENT, 4);
    if (starts_with(xml, "<![CDATA[")) {
        if (xml->depth == 0)
            return fail_at(xml, open_at, INK_ERR_BAD_DATA, "CDATA outside the root element");
        return read_delimited(xml, INK_XML_CDATA, 9);
    }
    if (starts_with(xml, "<!DOCTYPE")) {
        if (xml->seen_root)
            return fail_at(xml, open_at, INK_ERR_BAD_DATA, "DOCTYPE after the root element");
        xml->doctype_quote = 0;
        xml->doctype_brackets = 0;
        return read_delimited(xml, INK_XML_DOCTYPE, 9);
    }
    if (starts_with(xml, "<?")) {
        if ((error = read_delimited(xml, INK_XML_PROCESSING_INSTRUCTION, 2)) != INK_OK)
            return error;
        return split_processing_instruction(xml, open_at);
    }
    if (starts_with(xml, "<!"))
        return fail_at(xml, open_at, INK_ERR_BAD_DATA, "unknown markup declaration");
    if (starts_with(xml, "</"))
        return read_tag(xml, true);
    return read_tag(xml, false);
}

ink_error ink_xml_next(ink_xml *xml, const ink_xml_token **token, ink_error_info *info)
{
    if (token)
        *token = &xml->token;
    if (xml->failed == INK_OK) {
        ink_error error = read_token(xml);
        if (error != INK_OK && xml->failed == INK_OK)
            fail_at(xml, xml->position, error, "internal error");
    }
    if (xml->failed != INK_OK) {
        xml->token.type = INK_XML_END_OF_DOCUMENT;
        return ink_error_set(info, xml->failed, "%s", xml->failed_info.detail);
    }
    return INK_OK;
}

ink_xml_string ink_xml_local_name(ink_xml_string name)
{
    const char *colon = memchr(name.bytes, ':', name.nbytes);
    if (!colon)
        return name;
    size_t skip = (size_t)(colon - name.bytes) + 1;
    return (ink_xml_string){name.bytes + skip, name.nbytes - skip};
}

bool ink_xml_equals(ink_xml_string string, const char *literal)
{
    size_t n = strlen(literal);
    return string.nbytes == n && memcmp(string.bytes, literal, n) == 0;
}

const ink_xml_string *ink_xml_find_attribute(const ink_xml_token *token, const char *name)
{
    for (uint32_t i = 0; i < token->attribute_count; i++)
        if (ink_xml_equals(token->attributes[i].name, name))
            return &token->attributes[i].value;
    return NULL;
}

const ink_xml_string *ink_xml_find_attribute_local(const ink_xml_token *token, const char *local_name)
{
    for (uint32_t i = 0; i < token->attribute_count; i++)
        if (ink_xml_equals(ink_xml_local_name(token->attributes[i].name), local_name))
            return &token->attributes[i].value;
    return NULL;
}
