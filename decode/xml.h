/*
 * xml.h — a small streaming XML tokenizer for EPUB's container.xml, OPF and cover pages.
 *
 * No DOM, no heap. The tokenizer pulls bytes from an ink_source into a caller buffer and hands
 * out one token at a time: start, end and empty tags with their attributes, text, comments,
 * CDATA sections, processing instructions and the DOCTYPE. The document may be of any length:
 * the buffer only has to hold one tag at a time, so a 60 KB OPF streams through a 4 KB buffer.
 *
 * Memory. The caller owns:
 *   - ink_xml (about 0.9 KB on RV32, 1.5 KB on a 64-bit host), anywhere;
 *   - the buffer, at least INK_XML_MIN_BUFFER_BYTES; the longest tag (with its attributes) must
 *     fit in it, else INK_ERR_TOO_LARGE "tag longer than the N-byte buffer".
 * Tokens point into the buffer and stay valid until the next call of ink_xml_next().
 *
 * What a token holds:
 *   - tags: `name` is the qualified name as written ("dc:title", "svg:image"); namespace
 *     prefixes are kept, never resolved (ink_xml_local_name() strips one). Attribute values have
 *     their entities decoded (&lt; &gt; &amp; &apos; &quot; and &#N; &#xH; as UTF-8) and their
 *     tab/CR/LF turned into spaces (XML's attribute value normalisation). A named entity other
 *     than the five predefined ones (&nbsp; from an XHTML DTD, say) is kept as written, since
 *     a DTD may define it; a malformed or out-of-range numeric reference is an error. Tag names,
 *     attribute names and values are NUL-terminated inside the buffer.
 *   - text, comments, CDATA, processing instructions and the DOCTYPE: `content`, raw (entities
 *     in text are not decoded: call ink_xml_decode_entities() on a copy if needed), not
 *     NUL-terminated. Content longer than the buffer arrives in pieces: every piece but the last
 *     has `partial` set. A processing instruction's `name` is its target ("xml").
 *
 * What is checked (INK_ERR_BAD_DATA with a detail and the byte offset, unless noted):
 * names, quoting, '=' and whitespace between attributes, duplicate attributes, '<' in a value,
 * unterminated constructs, end tags that do not match the open element (compared by a 32-bit
 * hash of the name, so a mismatch is caught with near certainty at 4 bytes per level), text or
 * a second element outside the root, a document without a root; nesting deeper than
 * INK_XML_MAX_DEPTH, more than INK_XML_MAX_ATTRIBUTES attributes and names longer than
 * INK_XML_MAX_NAME_BYTES are INK_ERR_TOO_LARGE; a UTF-16 document (its byte-order mark) is
 * INK_ERR_UNSUPPORTED. A UTF-8 byte-order mark is skipped. After an error the tokenizer stays
 * failed: every later call returns the same error.
 *
 * Time: every byte is scanned at most twice (once more after the buffer is refilled), so any
 * input ends in time linear in its length.
 */
#ifndef INK_DECODE_XML_H
#define INK_DECODE_XML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena/error.h"
#include "arena/stream.h"

#define INK_XML_MAX_DEPTH 64u
#define INK_XML_MAX_ATTRIBUTES 32u
#define INK_XML_MAX_NAME_BYTES 256u
#define INK_XML_MIN_BUFFER_BYTES 256u

typedef enum ink_xml_token_type {
    INK_XML_END_OF_DOCUMENT = 0,
    INK_XML_START_TAG,  /* <name a="v">; an END_TAG follows later */
    INK_XML_EMPTY_TAG,  /* <name a="v"/>; no END_TAG follows */
    INK_XML_END_TAG,    /* </name> */
    INK_XML_TEXT,       /* character data between tags (whitespace included) */
    INK_XML_COMMENT,    /* <!--content--> */
    INK_XML_CDATA,      /* <![CDATA[content]]> */
    INK_XML_PROCESSING_INSTRUCTION, /* <?name content?> */
    INK_XML_DOCTYPE     /* <!DOCTYPE content> (internal subset included, not interpreted) */
} ink_xml_token_type;

typedef struct ink_xml_string {
    const char *bytes;
    size_t nbytes;
} ink_xml_string;

typedef struct ink_xml_attribute {
    ink_xml_string name;
    ink_xml_string value;
} ink_xml_attribute;

typedef struct ink_xml_token {
    ink_xml_token_type type;
    ink_xml_string name;    /* tags, processing instructions */
    ink_xml_string content; /* text, comment, CDATA, processing instruction, DOCTYPE */
    bool partial;           /* content continues in the next token */
    uint32_t depth;         /* tags: the element's depth (the root is 1); others: open elements */
    uint32_t attribute_count;
    ink_xml_attribute attributes[INK_XML_MAX_ATTRIBUTES];
} ink_xml_token;

/* The tokenizer. Fields are private. */
typedef struct ink_xml {
    ink_source source;
    uint8_t *buffer;
    size_t buffer_nbytes;
    size_t position, length; /* unread bytes: buffer[position, length) */
    uint64_t consumed;       /* bytes of the document before buffer[0] */
    bool source_ended;
    bool started;            /* the byte-order mark check is done */
    bool seen_root, root_closed;
    uint8_t continuing;      /* the ink_xml_token_type whose content is arriving in pieces */
    uint8_t doctype_quote;   /* DOCTYPE scan state carried across pieces */
    uint32_t doctype_brackets;
    uint32_t depth;
    uint32_t open_hashes[INK_XML_MAX_DEPTH];
    ink_error failed;
    ink_error_info failed_info;
    ink_xml_token token;
} ink_xml;

/* Prepares `xml` to read the document from `source` (copied; it must stay valid) through
 * `buffer` (caller memory of `buffer_nbytes` >= INK_XML_MIN_BUFFER_BYTES, else
 * INK_ERR_INVALID_ARGUMENT). */
ink_error ink_xml_init(ink_xml *xml, const ink_source *source, uint8_t *buffer,
                       size_t buffer_nbytes, ink_error_info *info);

/* Reads the next token into *token (which points into `xml`; valid until the next call).
 * INK_XML_END_OF_DOCUMENT comes once the root element has closed and the input has ended, and
 * again on every later call. Errors: listed at the top of this file, and the source's own
 * (INK_ERR_IO). */
ink_error ink_xml_next(ink_xml *xml, const ink_xml_token **token, ink_error_info *info);

/* The part of a qualified name after its first ':' (the whole name if there is none). */
ink_xml_string ink_xml_local_name(ink_xml_string name);

/* True if `string` is exactly the NUL-terminated `literal`. */
bool ink_xml_equals(ink_xml_string string, const char *literal);

/* The value of the attribute whose qualified name is exactly `name`, or NULL. */
const ink_xml_string *ink_xml_find_attribute(const ink_xml_token *token, const char *name);

/* The value of the first attribute whose local name (after any prefix) is `local_name`, or
 * NULL: ink_xml_find_attribute_local(token, "href") finds xlink:href and href alike. */
const ink_xml_string *ink_xml_find_attribute_local(const ink_xml_token *token,
                                              const char *local_name);

/* Decodes the entities of `text` (`nbytes` bytes) in place as for attribute values above,
 * without the whitespace normalisation, and stores the new length in *out_nbytes (never more
 * than `nbytes`). Errors: INK_ERR_BAD_DATA for a malformed numeric reference. */
ink_error ink_xml_decode_entities(char *text, size_t nbytes, size_t *out_nbytes,
                                  ink_error_info *info);

#endif
