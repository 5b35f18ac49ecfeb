/*
 * test_xml.c — decode/xml, the streaming tokenizer, on hand-worked documents.
 *
 * Each document's token stream is written out by hand in a small notation
 *   S:name[attr=value,...]  start tag      M:name[...]  empty tag      E:name  end tag
 *   T:text   C:comment   D:cdata   P:target=content   Y:doctype         '|' after each token
 * (text that is only whitespace is left out), and every document is also read through a small
 * buffer from a source that hands out one byte at a time: the stream must be the same, with
 * pieces joined. Malformed documents must fail with the expected code; no input may crash.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "decode/xml.h"

/* A source that gives at most `chunk` bytes per read. */
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

static void append(char *out, size_t out_nbytes, const char *bytes, size_t nbytes)
{
    size_t len = strlen(out);
    if (len + nbytes >= out_nbytes)
        nbytes = out_nbytes - len - 1;
    memcpy(out + len, bytes, nbytes);
    out[len + nbytes] = '\0';
}

static void append_string(char *out, size_t out_nbytes, const char *s)
{
    append(out, out_nbytes, s, strlen(s));
}

static bool all_space(const ink_xml_string *s)
{
    for (size_t i = 0; i < s->nbytes; i++)
        if (!strchr(" \t\r\n", s->bytes[i]))
            return false;
    return true;
}

/* Tokenizes `doc` into the notation above; returns the error (and the stream up to it). */
static ink_error tokenize(const char *doc, size_t doc_nbytes, size_t buffer_nbytes, size_t chunk,
                          char *out, size_t out_nbytes, ink_error_info *info)
{
    chunk_source state = {(const uint8_t *)doc, doc_nbytes, 0, chunk};
    ink_source source = {chunk_read, NULL, &state};
    uint8_t *buffer = malloc(buffer_nbytes);
    ink_xml xml;
    out[0] = '\0';
    ink_error error = ink_xml_init(&xml, &source, buffer, buffer_nbytes, info);
    bool in_piece = false;
    for (int guard = 0; error == INK_OK && guard < 100000; guard++) {
        const ink_xml_token *t;
        if ((error = ink_xml_next(&xml, &t, info)) != INK_OK)
            break;
        if (t->type == INK_XML_END_OF_DOCUMENT)
            break;
        static const char codes[] = "?SMETCDPY";
        if (t->type == INK_XML_TEXT && !in_piece && !t->partial && all_space(&t->content))
            continue;
        if (!in_piece) {
            char head[3] = {codes[t->type], ':', 0};
            append_string(out, out_nbytes, head);
        }
        if (t->type == INK_XML_START_TAG || t->type == INK_XML_EMPTY_TAG ||
            t->type == INK_XML_END_TAG) {
            assert_int_equal(strlen(t->name.bytes), t->name.nbytes); /* NUL-terminated */
            append(out, out_nbytes, t->name.bytes, t->name.nbytes);
            if (t->type != INK_XML_END_TAG) {
                append_string(out, out_nbytes, "[");
                for (uint32_t i = 0; i < t->attribute_count; i++) {
                    const ink_xml_attribute *a = &t->attributes[i];
                    assert_int_equal(strlen(a->value.bytes), a->value.nbytes);
                    if (i)
                        append_string(out, out_nbytes, ",");
                    append(out, out_nbytes, a->name.bytes, a->name.nbytes);
                    append_string(out, out_nbytes, "=");
                    append(out, out_nbytes, a->value.bytes, a->value.nbytes);
                }
                append_string(out, out_nbytes, "]");
            }
        } else {
            if (t->type == INK_XML_PROCESSING_INSTRUCTION && !in_piece) {
                append(out, out_nbytes, t->name.bytes, t->name.nbytes);
                append_string(out, out_nbytes, "=");
            }
            append(out, out_nbytes, t->content.bytes, t->content.nbytes);
        }
        in_piece = t->partial;
        if (!in_piece)
            append_string(out, out_nbytes, "|");
    }
    free(buffer);
    return error;
}

/* Checks `doc`'s token stream, whole and one byte at a time through a 256-byte buffer. */
static void expect_tokens(const char *doc, const char *expected)
{
    char got[8192];
    ink_error_info info;
    ink_error_clear(&info);
    ink_error error = tokenize(doc, strlen(doc), 65536, (size_t)-1, got, sizeof got, &info);
    if (error != INK_OK)
        fail_msg("unexpected error on %s: %s", doc, info.detail);
    assert_string_equal(got, expected);
    error = tokenize(doc, strlen(doc), INK_XML_MIN_BUFFER_BYTES, 1, got, sizeof got, &info);
    if (error != INK_OK)
        fail_msg("unexpected error (small buffer) on %s: %s", doc, info.detail);
    assert_string_equal(got, expected);
}

static void expect_error(const char *doc, size_t doc_nbytes, ink_error code, const char *detail)
{
    char got[8192];
    ink_error_info info;
    ink_error_clear(&info);
    ink_error error = tokenize(doc, doc_nbytes, 65536, (size_t)-1, got, sizeof got, &info);
    if (error != code)
        fail_msg("expected %s, got %s (%s) on %.60s", ink_strerror(code), ink_strerror(error),
                 info.detail, doc);
    if (detail && !strstr(info.detail, detail))
        fail_msg("detail '%s' lacks '%s'", info.detail, detail);
    /* Same verdict through a small buffer, one byte at a time. */
    ink_error_clear(&info);
    error = tokenize(doc, doc_nbytes, INK_XML_MIN_BUFFER_BYTES, 1, got, sizeof got, &info);
    assert_int_equal(error, code);
}

static void test_simple_document(void **state)
{
    (void)state;
    expect_tokens("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a x=\"1\" y='two'>hi<b/></a>\n",
                  "P:xml=version=\"1.0\" encoding=\"UTF-8\"|S:a[x=1,y=two]|T:hi|M:b[]|E:a|");
}

static void test_prefixes_kept_and_local_names(void **state)
{
    (void)state;
    expect_tokens("<opf:package xmlns:opf=\"u\"><dc:title>T</dc:title></opf:package>",
                  "S:opf:package[xmlns:opf=u]|S:dc:title[]|T:T|E:dc:title|E:opf:package|");
    ink_xml_string name = {"svg:image", 9};
    ink_xml_string local = ink_xml_local_name(name);
    assert_int_equal(local.nbytes, 5);
    assert_memory_equal(local.bytes, "image", 5);
    ink_xml_string plain = {"img", 3};
    assert_int_equal(ink_xml_local_name(plain).nbytes, 3);
}

static void test_attribute_lookup(void **state)
{
    (void)state;
    const char *doc = "<image width=\"10\" xlink:href=\"a.jpg\"/>";
    chunk_source s = {(const uint8_t *)doc, strlen(doc), 0, 1000};
    ink_source source = {chunk_read, NULL, &s};
    uint8_t buffer[512];
    ink_xml xml;
    assert_int_equal(ink_xml_init(&xml, &source, buffer, sizeof buffer, NULL), INK_OK);
    const ink_xml_token *t;
    assert_int_equal(ink_xml_next(&xml, &t, NULL), INK_OK);
    assert_int_equal(t->type, INK_XML_EMPTY_TAG);
    assert_int_equal(t->depth, 1);
    assert_null(ink_xml_find_attribute(t, "href"));
    const ink_xml_string *href = ink_xml_find_attribute_local(t, "href");
    assert_non_null(href);
    assert_string_equal(href->bytes, "a.jpg");
    assert_string_equal(ink_xml_find_attribute(t, "xlink:href")->bytes, "a.jpg");
    assert_int_equal(ink_xml_next(&xml, &t, NULL), INK_OK);
    assert_int_equal(t->type, INK_XML_END_OF_DOCUMENT);
    assert_int_equal(ink_xml_next(&xml, &t, NULL), INK_OK); /* and again */
    assert_int_equal(t->type, INK_XML_END_OF_DOCUMENT);
}

static void test_entities_in_attributes(void **state)
{
    (void)state;
    /* &#65; = 'A', &#x42; = 'B', &#xE9; = U+00E9 = C3 A9, &#x1F600; = F0 9F 98 80 */
    expect_tokens("<a v=\"x &lt; &gt; &amp;amp; &apos;&quot; &#65;&#x42; &#xE9; &#x1F600;\"/>",
                  "M:a[v=x < > &amp; '\" AB \xC3\xA9 \xF0\x9F\x98\x80]|");
    /* Entities a DTD may define are kept; a bare '&' too. */
    expect_tokens("<a v=\"a&nbsp;b & c\"/>", "M:a[v=a&nbsp;b & c]|");
    /* Literal tab, CR and LF become spaces; referenced ones stay. */
    expect_tokens("<a v=\"1\t2\n3\r4&#10;5\"/>", "M:a[v=1 2 3 4\n5]|");
}

static void test_bad_character_references(void **state)
{
    (void)state;
    const char *bad[] = {"<a v=\"&#0;\"/>",  "<a v=\"&#x110000;\"/>", "<a v=\"&#xD800;\"/>",
                         "<a v=\"&#x;\"/>",  "<a v=\"&#12a;\"/>",     "<a v=\"&#1\"/>",
                         "<a v=\"&#8;\"/>", "<a v=\"&#99999999999999999999;\"/>"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        expect_error(bad[i], strlen(bad[i]), INK_ERR_BAD_DATA, "character reference");
}

static void test_decode_entities_in_text(void **state)
{
    (void)state;
    char text[] = "a &amp; b &#x263A; &foo;";
    size_t n = 0;
    assert_int_equal(ink_xml_decode_entities(text, strlen(text), &n, NULL), INK_OK);
    const char *expected = "a & b \xE2\x98\xBA &foo;"; /* U+263A = E2 98 BA */
    assert_int_equal(n, strlen(expected));
    assert_memory_equal(text, expected, n);
}

static void test_comments_cdata_doctype(void **state)
{
    (void)state;
    expect_tokens("<!DOCTYPE html [ <!ENTITY e \"a>b\"> ]><!-- c - d --><r><![CDATA[<x>]]]></r>",
                  "Y: html [ <!ENTITY e \"a>b\"> ]|C: c - d |S:r[]|D:<x>]|E:r|");
    expect_tokens("<r><?pi?>t</r>", "S:r[]|P:pi=|T:t|E:r|");
    expect_tokens("\xEF\xBB\xBF<r/>", "M:r[]|");
}

static void test_depths(void **state)
{
    (void)state;
    const char *doc = "<a><b><c/></b>x</a>";
    chunk_source s = {(const uint8_t *)doc, strlen(doc), 0, 3};
    ink_source source = {chunk_read, NULL, &s};
    uint8_t buffer[300];
    ink_xml xml;
    assert_int_equal(ink_xml_init(&xml, &source, buffer, sizeof buffer, NULL), INK_OK);
    const uint32_t depths[] = {1, 2, 3, 2, 1, 1}; /* a b c /b x /a */
    for (size_t i = 0; i < 6; i++) {
        const ink_xml_token *t;
        assert_int_equal(ink_xml_next(&xml, &t, NULL), INK_OK);
        assert_int_equal(t->depth, depths[i]);
    }
}

/* Long text and comments arrive in pieces through a small buffer; joined, they are whole. */
static void test_long_content_in_pieces(void **state)
{
    (void)state;
    size_t n = 5000;
    char *doc = malloc(3 * n + 100), *expected = malloc(3 * n + 100);
    char *p = doc;
    p += sprintf(p, "<r>");
    for (size_t i = 0; i < n; i++)
        *p++ = (char)('a' + i % 26);
    p += sprintf(p, "<!--");
    for (size_t i = 0; i < n; i++)
        *p++ = i % 7 == 0 ? '-' : (char)('A' + i % 26);
    p += sprintf(p, "--></r>");
    *p = '\0';
    char *e = expected;
    e += sprintf(e, "S:r[]|T:");
    for (size_t i = 0; i < n; i++)
        *e++ = (char)('a' + i % 26);
    e += sprintf(e, "|C:");
    for (size_t i = 0; i < n; i++)
        *e++ = i % 7 == 0 ? '-' : (char)('A' + i % 26);
    sprintf(e, "|E:r|");
    char *got = malloc(4 * n);
    for (size_t chunk = 1; chunk <= 4096; chunk *= 8) {
        assert_int_equal(tokenize(doc, strlen(doc), 256, chunk, got, 4 * n, NULL), INK_OK);
        assert_string_equal(got, expected);
    }
    free(doc);
    free(expected);
    free(got);
}

static void test_malformed_documents(void **state)
{
    (void)state;
    static const struct {
        const char *doc;
        ink_error code;
        const char *detail;
    } cases[] = {
        {"<a></b>", INK_ERR_BAD_DATA, "does not match"},
        {"<a>", INK_ERR_BAD_DATA, "1 elements open"},
        {"<a", INK_ERR_BAD_DATA, "unterminated tag"},
        {"<a><!-- x </a>", INK_ERR_BAD_DATA, "unterminated comment"},
        {"<a><![CDATA[ x </a>", INK_ERR_BAD_DATA, "unterminated CDATA"},
        {"<a x=\"1\" x=\"2\"/>", INK_ERR_BAD_DATA, "duplicate attribute"},
        {"<a x=1/>", INK_ERR_BAD_DATA, "quoted"},
        {"<a x/>", INK_ERR_BAD_DATA, "'='"},
        {"<a x=\"1\"y=\"2\"/>", INK_ERR_BAD_DATA, "separated"},
        {"<a x=\"<\"/>", INK_ERR_BAD_DATA, "'<'"},
        {"text<a/>", INK_ERR_BAD_DATA, "outside the root"},
        {"<a/>text", INK_ERR_BAD_DATA, "outside the root"},
        {"<a/><b/>", INK_ERR_BAD_DATA, "second root"},
        {"", INK_ERR_BAD_DATA, "no root"},
        {"<!-- only -->", INK_ERR_BAD_DATA, "no root"},
        {"</a>", INK_ERR_BAD_DATA, "without an open element"},
        {"<1a/>", INK_ERR_BAD_DATA, "element name"},
        {"<a/ >", INK_ERR_BAD_DATA, "'/'"},
        {"<a></a x>", INK_ERR_BAD_DATA, "junk"},
        {"<!ELEMENT a>", INK_ERR_BAD_DATA, "unknown markup"},
        {"<a/><!DOCTYPE a>", INK_ERR_BAD_DATA, "DOCTYPE after"},
        {"<![CDATA[x]]><a/>", INK_ERR_BAD_DATA, "CDATA outside"},
        {"<? x?><a/>", INK_ERR_BAD_DATA, "target"},
        {"\xFE\xFF\0<\0a\0/\0>", INK_ERR_UNSUPPORTED, "UTF-16"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n = strlen(cases[i].doc);
        if (cases[i].code == INK_ERR_UNSUPPORTED)
            n = 10;
        expect_error(cases[i].doc, n, cases[i].code, cases[i].detail);
    }
}

static void test_limits(void **state)
{
    (void)state;
    char doc[20000];
    /* 64 levels are fine, 65 are not. */
    char *p = doc;
    for (int i = 0; i < 64; i++)
        p += sprintf(p, "<e>");
    for (int i = 0; i < 64; i++)
        p += sprintf(p, "</e>");
    char got[8192];
    assert_int_equal(tokenize(doc, strlen(doc), 4096, 100, got, sizeof got, NULL), INK_OK);
    p = doc;
    for (int i = 0; i < 65; i++)
        p += sprintf(p, "<e>");
    expect_error(doc, strlen(doc), INK_ERR_TOO_LARGE, "nested deeper than 64");
    /* 32 attributes are fine, 33 are not. */
    p = doc + sprintf(doc, "<e");
    for (int i = 0; i < 32; i++)
        p += sprintf(p, " a%d=\"%d\"", i, i);
    sprintf(p, "/>");
    assert_int_equal(tokenize(doc, strlen(doc), 4096, 100, got, sizeof got, NULL), INK_OK);
    sprintf(p, " z=\"\"/>");
    expect_error(doc, strlen(doc), INK_ERR_TOO_LARGE, "more than 32 attributes");
    /* Names: 256 bytes are fine, 257 are not. */
    memset(doc, 'n', sizeof doc);
    doc[0] = '<';
    strcpy(doc + 1 + 256, "/>");
    assert_int_equal(tokenize(doc, strlen(doc), 4096, 100, got, sizeof got, NULL), INK_OK);
    doc[0] = '<';
    memset(doc + 1, 'n', 257);
    strcpy(doc + 1 + 257, "/>");
    expect_error(doc, strlen(doc), INK_ERR_TOO_LARGE, "exceeds the 256-byte limit");
    /* A tag longer than the buffer. */
    p = doc + sprintf(doc, "<e v=\"");
    memset(p, 'v', 1000);
    strcpy(p + 1000, "\"/>");
    ink_error_info info;
    ink_error_clear(&info);
    assert_int_equal(tokenize(doc, strlen(doc), 512, 100, got, sizeof got, &info),
                     INK_ERR_TOO_LARGE);
    assert_non_null(strstr(info.detail, "tag longer than the 512-byte buffer"));
    assert_int_equal(tokenize(doc, strlen(doc), 2048, 100, got, sizeof got, NULL), INK_OK);
}

static void test_failure_is_sticky(void **state)
{
    (void)state;
    const char *doc = "<a><b></a>";
    chunk_source s = {(const uint8_t *)doc, strlen(doc), 0, 1000};
    ink_source source = {chunk_read, NULL, &s};
    uint8_t buffer[256];
    ink_xml xml;
    assert_int_equal(ink_xml_init(&xml, &source, buffer, sizeof buffer, NULL), INK_OK);
    const ink_xml_token *t;
    assert_int_equal(ink_xml_next(&xml, &t, NULL), INK_OK);
    assert_int_equal(ink_xml_next(&xml, &t, NULL), INK_OK);
    ink_error_info first, second;
    ink_error_clear(&first);
    ink_error_clear(&second);
    assert_int_equal(ink_xml_next(&xml, &t, &first), INK_ERR_BAD_DATA);
    assert_int_equal(ink_xml_next(&xml, &t, &second), INK_ERR_BAD_DATA);
    assert_string_equal(first.detail, second.detail);
    if (!strstr(first.detail, "at byte 6"))
        fail_msg("detail: %s", first.detail);
}

static void test_small_buffer_refused(void **state)
{
    (void)state;
    uint8_t buffer[255];
    ink_xml xml;
    chunk_source s = {(const uint8_t *)"<a/>", 4, 0, 1};
    ink_source source = {chunk_read, NULL, &s};
    assert_int_equal(ink_xml_init(&xml, &source, buffer, sizeof buffer, NULL),
                     INK_ERR_INVALID_ARGUMENT);
}

/* Every prefix of a document and thousands of byte mutations: only clean results. */
static void test_truncation_and_mutation_sweep(void **state)
{
    (void)state;
    const char *doc =
        "<?xml version=\"1.0\"?><!DOCTYPE p [<!ENTITY x \"y\">]><package xmlns=\"u\" "
        "version=\"3.0\"><metadata><dc:title>A &amp; B</dc:title><meta name=\"cover\" "
        "content=\"c\"/></metadata><manifest><item id=\"c\" href=\"i/c%20d.jpg\" "
        "media-type=\"image/jpeg\" properties=\"cover-image\"/><!-- note --></manifest>"
        "<spine><itemref idref=\"c\"/></spine><x><![CDATA[ q ]]></x></package>\n";
    size_t n = strlen(doc);
    char got[8192];
    assert_int_equal(tokenize(doc, n, 256, 7, got, sizeof got, NULL), INK_OK);
    for (size_t cut = 0; cut < n - 1; cut++) /* the last byte is a newline after the root */
        assert_int_equal(tokenize(doc, cut, 256, 7, got, sizeof got, NULL) != INK_OK, true);
    char *mutated = malloc(n);
    uint32_t seed = 12345;
    for (int round = 0; round < 20000; round++) {
        memcpy(mutated, doc, n);
        for (int k = 0; k < 1 + round % 4; k++) {
            seed = seed * 1103515245u + 12345u;
            size_t at = (seed >> 8) % n;
            seed = seed * 1103515245u + 12345u;
            mutated[at] = (char)(round & 1 ? mutated[at] ^ (1 << ((seed >> 8) % 8))
                                           : (int)((seed >> 16) & 0xFF));
        }
        tokenize(mutated, n, 256, 1 + round % 13, got, sizeof got, NULL);
    }
    free(mutated);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_simple_document),
        cmocka_unit_test(test_prefixes_kept_and_local_names),
        cmocka_unit_test(test_attribute_lookup),
        cmocka_unit_test(test_entities_in_attributes),
        cmocka_unit_test(test_bad_character_references),
        cmocka_unit_test(test_decode_entities_in_text),
        cmocka_unit_test(test_comments_cdata_doctype),
        cmocka_unit_test(test_depths),
        cmocka_unit_test(test_long_content_in_pieces),
        cmocka_unit_test(test_malformed_documents),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_failure_is_sticky),
        cmocka_unit_test(test_small_buffer_refused),
        cmocka_unit_test(test_truncation_and_mutation_sweep),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
