/*
 * fuzz_xml_opf.c — libFuzzer target for the XML tokenizer and the EPUB layer above it.
 *
 * The input is read four ways: as raw tokens through the smallest buffer with a source that
 * hands out 1..7 bytes per read (the first byte picks the chunk size), as container.xml, as an
 * OPF (with a manifest callback) and as a cover page. Any result is fine except a crash, a hang
 * or an out-of-bounds access; a token stream that ends "successfully" must have closed its
 * root. A seed corpus: the OPFs and pages of ../shared/corpus/epub (unzip them into a folder).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "decode/epub.h"
#include "decode/xml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct chunk_source {
    const uint8_t *data;
    size_t nbytes, position, chunk;
} chunk_source;

static ink_error chunk_read(void *user, uint8_t *dst, size_t nbytes, size_t *got)
{
    chunk_source *s = user;
    size_t n = s->nbytes - s->position;
    if (n > nbytes)
        n = nbytes;
    if (n > s->chunk)
        n = s->chunk;
    memcpy(dst, s->data + s->position, n);
    s->position += n;
    *got = n;
    return INK_OK;
}

static ink_error count_item(void *user, const ink_epub_item *item, ink_error_info *info)
{
    (void)info;
    size_t *total = user;
    *total += strlen(item->id) + strlen(item->path) + strlen(item->media_type);
    return INK_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t buffer[INK_EPUB_MIN_BUFFER_BYTES];
    static ink_xml xml;
    size_t chunk = size ? (size_t)(data[0] % 7) + 1 : 1;

    chunk_source state = {data, size, 0, chunk};
    ink_source source = {chunk_read, NULL, &state};
    if (ink_xml_init(&xml, &source, buffer, INK_XML_MIN_BUFFER_BYTES, NULL) == INK_OK) {
        const ink_xml_token *token;
        size_t guard = 0;
        while (ink_xml_next(&xml, &token, NULL) == INK_OK &&
               token->type != INK_XML_END_OF_DOCUMENT) {
            if (++guard > size + 2)
                __builtin_trap(); /* every token consumes at least one byte */
            for (uint32_t i = 0; i < token->attribute_count; i++)
                if (strlen(token->attributes[i].value.bytes) != token->attributes[i].value.nbytes)
                    __builtin_trap();
        }
    }

    ink_epub_reader_memory memory = {&xml, buffer, sizeof buffer};
    ink_memory_source memory_state;
    char path[INK_EPUB_PATH_BYTES];
    source = ink_memory_source_open(&memory_state, data, size);
    ink_epub_read_container(&source, &memory, path, sizeof path, NULL);

    static ink_epub_package package;
    size_t total = 0;
    source = ink_memory_source_open(&memory_state, data, size);
    ink_epub_parse_package(&source, "OEBPS/content.opf", &memory, &package, count_item, &total,
                           NULL);

    ink_epub_page_scan scan;
    source = ink_memory_source_open(&memory_state, data, size);
    ink_epub_scan_page(&source, "OEBPS/Text/page.xhtml", &memory, &scan, NULL);
    return 0;
}
