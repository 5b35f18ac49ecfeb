/*
 * test_epub.c — decode/epub: href resolution, container.xml, the OPF, cover rules, and a
 * truncation + bit-flip sweep over the corpus books' container.xml and OPFs.
 *
 * Expectations are hand-worked (paths, ids, which cover rule applies). The corpus sweep reads
 * each OPF with `unzip -p` (not inkpipe's zip reader), checks the item count against a plain
 * count of "<item " / "<opf:item " openings made here, then feeds every truncation (sampled for
 * the long OPFs) and thousands of bit flips to the parser: each must end with INK_OK or a
 * clean error, never a crash (ASan/UBSan in tests/run.sh).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <dirent.h>

#include "decode/epub.h"
#include "test_support.h"

static uint8_t xml_buffer[4096];
static ink_xml xml_state;
static const ink_epub_reader_memory memory = {&xml_state, xml_buffer, sizeof xml_buffer};

static void expect_resolve(const char *base, const char *href, ink_epub_href_status status,
                           const char *path)
{
    char out[64];
    ink_epub_href_status got = ink_epub_resolve_href(base, href, strlen(href), true, out,
                                                     sizeof out);
    if (got != status || strcmp(out, path) != 0)
        fail_msg("resolve(%s, %s) = %d '%s', expected %d '%s'", base, href, got, out, status,
                 path);
}

static void test_resolve_href(void **state)
{
    (void)state;
    expect_resolve("OEBPS/", "images/a.jpg", INK_EPUB_HREF_OK, "OEBPS/images/a.jpg");
    expect_resolve("", "a.jpg", INK_EPUB_HREF_OK, "a.jpg");
    expect_resolve("OEBPS/Text/", "../Images/a.jpg", INK_EPUB_HREF_OK, "OEBPS/Images/a.jpg");
    expect_resolve("OEBPS/", "./x/./y/../z.png#frag", INK_EPUB_HREF_OK, "OEBPS/x/z.png");
    expect_resolve("OEBPS/", "a%20b%2Bc.jpg?v=1", INK_EPUB_HREF_OK, "OEBPS/a b+c.jpg");
    expect_resolve("OEBPS/", "%C3%A9t%C3%A9.jpg", INK_EPUB_HREF_OK, "OEBPS/\xC3\xA9t\xC3\xA9.jpg");
    expect_resolve("OEBPS/", "/root.jpg", INK_EPUB_HREF_OK, "root.jpg");
    expect_resolve("OEBPS/", "../a.jpg", INK_EPUB_HREF_OK, "a.jpg");
    expect_resolve("OEBPS/", "../../a.jpg", INK_EPUB_HREF_ESCAPES_ROOT, "");
    expect_resolve("", "x/../../a.jpg", INK_EPUB_HREF_ESCAPES_ROOT, "");
    expect_resolve("OEBPS/", "%2E%2E/%2E%2E/a.jpg", INK_EPUB_HREF_ESCAPES_ROOT, "");
    expect_resolve("OEBPS/", "http://example.com/a.jpg", INK_EPUB_HREF_REMOTE, "");
    expect_resolve("OEBPS/", "data:image/png;base64,AAAA", INK_EPUB_HREF_REMOTE, "");
    expect_resolve("OEBPS/", "", INK_EPUB_HREF_INVALID, "");
    expect_resolve("OEBPS/", "#only-a-fragment", INK_EPUB_HREF_INVALID, "");
    expect_resolve("OEBPS/", "a%2Fb.jpg", INK_EPUB_HREF_INVALID, "");
    expect_resolve("OEBPS/", "a%00.jpg", INK_EPUB_HREF_INVALID, "");
    expect_resolve("OEBPS/", "a%4.jpg", INK_EPUB_HREF_INVALID, "");
    expect_resolve("OEBPS/", "a%", INK_EPUB_HREF_INVALID, "");
    expect_resolve("OEBPS/", ".", INK_EPUB_HREF_OK, "OEBPS");
    expect_resolve("", ".", INK_EPUB_HREF_INVALID, "");
    char long_href[100];
    memset(long_href, 'x', sizeof long_href - 1);
    long_href[sizeof long_href - 1] = '\0';
    expect_resolve("", long_href, INK_EPUB_HREF_TOO_LONG, "");
    /* container.xml's full-path is a plain path: '%' and '#' are characters */
    char out[64];
    assert_int_equal(ink_epub_resolve_href("", "a%20b#1.opf", 11, false, out, sizeof out),
                     INK_EPUB_HREF_OK);
    assert_string_equal(out, "a%20b#1.opf");
}

static void test_folder_and_media(void **state)
{
    (void)state;
    char folder[32];
    ink_epub_folder_of("OEBPS/content.opf", folder, sizeof folder);
    assert_string_equal(folder, "OEBPS/");
    ink_epub_folder_of("content.opf", folder, sizeof folder);
    assert_string_equal(folder, "");
    assert_int_equal(ink_epub_media_of("image/jpeg"), INK_EPUB_MEDIA_JPEG);
    assert_int_equal(ink_epub_media_of("IMAGE/JPG"), INK_EPUB_MEDIA_JPEG);
    assert_int_equal(ink_epub_media_of("image/png; q=1"), INK_EPUB_MEDIA_PNG);
    assert_int_equal(ink_epub_media_of("image/svg+xml"), INK_EPUB_MEDIA_SVG);
    assert_int_equal(ink_epub_media_of("image/x-bmp"), INK_EPUB_MEDIA_OTHER_IMAGE);
    assert_int_equal(ink_epub_media_of("application/xhtml+xml"), INK_EPUB_MEDIA_XHTML);
    assert_int_equal(ink_epub_media_of("text/css"), INK_EPUB_MEDIA_OTHER);
    assert_int_equal(ink_epub_media_of("image"), INK_EPUB_MEDIA_OTHER);
    assert_true(ink_epub_media_is_image(INK_EPUB_MEDIA_GIF));
    assert_false(ink_epub_media_is_raster(INK_EPUB_MEDIA_GIF));
    assert_true(ink_epub_media_is_raster(INK_EPUB_MEDIA_PNG));
}

static ink_error read_container(const char *text, char *path, size_t path_nbytes,
                                ink_error_info *info)
{
    ink_memory_source state;
    ink_source source = ink_memory_source_open(&state, text, strlen(text));
    return ink_epub_read_container(&source, &memory, path, path_nbytes, info);
}

static void test_container(void **state)
{
    (void)state;
    char path[64];
    assert_int_equal(read_container("<?xml version=\"1.0\"?><container><rootfiles>"
                                    "<rootfile full-path=\"x.pdf\" media-type=\"application/pdf\"/>"
                                    "<rootfile full-path=\"OPS/a.opf\" media-type="
                                    "\"application/oebps-package+xml\"/></rootfiles></container>",
                                    path, sizeof path, NULL),
                     INK_OK);
    assert_string_equal(path, "OPS/a.opf");
    ink_error_info info;
    ink_error_clear(&info);
    assert_int_equal(read_container("<container><rootfiles/></container>", path, sizeof path,
                                    &info),
                     INK_ERR_BAD_DATA);
    assert_non_null(strstr(info.detail, "no rootfile"));
    ink_error_clear(&info);
    assert_int_equal(read_container("<container><rootfile full-path=\"../x.opf\"/></container>",
                                    path, sizeof path, &info),
                     INK_ERR_BAD_DATA);
    assert_non_null(strstr(info.detail, "climbs"));
    assert_int_equal(read_container("<container><rootfile full-path=\"x.opf\">", path,
                                    sizeof path, NULL),
                     INK_ERR_BAD_DATA);
    assert_int_equal(read_container("<container><rootfile full-path=\"abcdefghij.opf\"/>"
                                    "</container>",
                                    path, 8, NULL),
                     INK_ERR_TOO_LARGE);
}

/* ---- a fake book: entries in memory, items kept from the parse ---------------------------- */

typedef struct fake_entry {
    const char *name;
    const char *text;
} fake_entry;

typedef struct fake_book {
    const fake_entry *entries;
    size_t entry_count;
    ink_epub_item items[32];
    char strings[32][5][128];
    uint32_t item_count;
    ink_memory_source open;
    int opened, closed;
} fake_book;

static ink_error keep(void *user, const ink_epub_item *item, ink_error_info *info)
{
    (void)info;
    fake_book *book = user;
    assert_true(book->item_count < 32);
    uint32_t i = book->item_count++;
    const char *fields[5] = {item->id, item->href, item->media_type, item->properties, item->path};
    for (int k = 0; k < 5; k++)
        snprintf(book->strings[i][k], sizeof book->strings[i][k], "%s", fields[k]);
    book->items[i] = *item;
    book->items[i].id = book->strings[i][0];
    book->items[i].href = book->strings[i][1];
    book->items[i].media_type = book->strings[i][2];
    book->items[i].properties = book->strings[i][3];
    book->items[i].path = book->strings[i][4];
    return INK_OK;
}

static ink_error fake_item_at(void *user, uint32_t index, ink_epub_item *item,
                              ink_error_info *info)
{
    (void)info;
    fake_book *book = user;
    *item = book->items[index];
    return INK_OK;
}

static ink_error fake_open(void *user, const char *path, ink_source *source, bool *found,
                           ink_error_info *info)
{
    (void)info;
    fake_book *book = user;
    *found = false;
    for (size_t i = 0; i < book->entry_count; i++) {
        if (strcmp(book->entries[i].name, path) == 0) {
            *source = ink_memory_source_open(&book->open, book->entries[i].text,
                                             strlen(book->entries[i].text));
            *found = true;
            book->opened++;
        }
    }
    return INK_OK;
}

static void fake_close(void *user)
{
    ((fake_book *)user)->closed++;
}

/* Parses `opf` (at OEBPS/content.opf) and finds the cover among `entries`. */
static void parse_and_find(const char *opf, const fake_entry *entries, size_t entry_count,
                           fake_book *book, ink_epub_package *package, ink_epub_cover *cover)
{
    memset(book, 0, sizeof *book);
    book->entries = entries;
    book->entry_count = entry_count;
    ink_memory_source state;
    ink_source source = ink_memory_source_open(&state, opf, strlen(opf));
    ink_error_info info;
    ink_error_clear(&info);
    if (ink_epub_parse_package(&source, "OEBPS/content.opf", &memory, package, keep, book,
                               &info) != INK_OK)
        fail_msg("parse: %s", info.detail);
    ink_epub_book access = {book->item_count, fake_item_at, fake_open, fake_close, book};
    assert_int_equal(ink_epub_find_cover(package, &access, &memory, cover, NULL), INK_OK);
    assert_int_equal(book->opened, book->closed);
}

#define OPF_HEAD "<?xml version=\"1.0\"?><package xmlns=\"http://www.idpf.org/2007/opf\" "

static void test_package_fields(void **state)
{
    (void)state;
    const char *opf =
        OPF_HEAD "version=\"2.0\"><metadata><dc-metadata/><x-metadata><meta name=\"Cover\" "
                 "content=\"img\"/></x-metadata><meta name=\"cover\" content=\"later\"/></metadata>"
                 "<manifest><item id=\"t\" href=\"Text/t.xhtml\" media-type=\"application/xhtml+xml\"/>"
                 "<item id=\"img\" href=\"Images/a%20b.JPG\" media-type=\"image/jpeg\" "
                 "properties=\"x cover-image y\"/>"
                 "<item id=\"g\" href=\"g.gif\" media-type=\"image/gif\"/>"
                 "<item id=\"bad\" href=\"../../x.png\" media-type=\"image/png\"/>"
                 "<item id=\"nohref\" media-type=\"image/png\"/></manifest>"
                 "<spine toc=\"ncx\"><itemref idref=\"t\"/><itemref idref=\"img\"/></spine>"
                 "<guide><reference type=\"toc\" href=\"toc.xhtml\"/><reference type=\"COVER\" "
                 "href=\"Text/t.xhtml#c\"/></guide></package>";
    fake_book book;
    ink_epub_package package;
    ink_epub_cover cover;
    parse_and_find(opf, NULL, 0, &book, &package, &cover);
    assert_string_equal(package.version, "2.0");
    assert_string_equal(package.folder, "OEBPS/");
    assert_int_equal(package.item_count, 5);
    assert_int_equal(package.image_item_count, 4);
    assert_int_equal(package.spine_count, 2);
    assert_string_equal(package.cover_image_id, "img");
    assert_string_equal(package.meta_cover_content, "img"); /* the first, name compared ignoring case */
    assert_string_equal(package.guide_cover_path, "OEBPS/Text/t.xhtml");
    assert_string_equal(package.first_spine_idref, "t");
    assert_string_equal(book.items[1].path, "OEBPS/Images/a b.JPG");
    assert_int_equal(book.items[3].path_status, INK_EPUB_HREF_ESCAPES_ROOT);
    assert_string_equal(book.items[3].path, "");
    assert_int_equal(book.items[4].path_status, INK_EPUB_HREF_INVALID);
    assert_int_equal(cover.via, INK_EPUB_COVER_IMAGE_PROPERTY);
    assert_string_equal(cover.image_path, "OEBPS/Images/a b.JPG");
    assert_true(cover.declared);
}

static void test_package_errors(void **state)
{
    (void)state;
    ink_memory_source s;
    ink_source source;
    ink_epub_package package;
    ink_error_info info;
    ink_error_clear(&info);
    const char *not_opf = "<html><manifest/></html>";
    source = ink_memory_source_open(&s, not_opf, strlen(not_opf));
    assert_int_equal(ink_epub_parse_package(&source, "a.opf", &memory, &package, NULL, NULL, &info),
                     INK_ERR_BAD_DATA);
    assert_non_null(strstr(info.detail, "not <package>"));
    const char *broken = OPF_HEAD "><manifest><item id=\"a\"></manifest></package>";
    source = ink_memory_source_open(&s, broken, strlen(broken));
    assert_int_equal(ink_epub_parse_package(&source, "a.opf", &memory, &package, NULL, NULL, NULL),
                     INK_ERR_BAD_DATA);
    uint8_t tiny[100];
    ink_epub_reader_memory small = {&xml_state, tiny, sizeof tiny};
    source = ink_memory_source_open(&s, broken, strlen(broken));
    assert_int_equal(ink_epub_parse_package(&source, "a.opf", &small, &package, NULL, NULL, NULL),
                     INK_ERR_INVALID_ARGUMENT);
}

static const char *const page_cover_opf =
    OPF_HEAD "version=\"2.0\"><metadata><meta name=\"cover\" content=\"cp\"/></metadata><manifest>"
             "<item id=\"cp\" href=\"Text/cover.xhtml\" media-type=\"application/xhtml+xml\"/>"
             "<item id=\"c\" href=\"Images/c.jpg\" media-type=\"image/jpeg\"/>"
             "<item id=\"s\" href=\"Images/s.svg\" media-type=\"image/svg+xml\"/>"
             "</manifest><spine><itemref idref=\"cp\"/></spine></package>";

static void test_cover_through_xhtml_wrapper(void **state)
{
    (void)state;
    const fake_entry entries[] = {
        {"OEBPS/Text/cover.xhtml",
         "<?xml version=\"1.0\"?><!DOCTYPE html><html xmlns=\"http://www.w3.org/1999/xhtml\">"
         "<head><title>Cover</title></head><body><div><img src=\"../Images/c.jpg\" alt=\"\"/>"
         "</div></body></html>"}};
    fake_book book;
    ink_epub_package package;
    ink_epub_cover cover;
    parse_and_find(page_cover_opf, entries, 1, &book, &package, &cover);
    assert_int_equal(cover.via, INK_EPUB_COVER_META);
    assert_string_equal(cover.image_path, "OEBPS/Images/c.jpg");
    assert_string_equal(cover.page_path, "OEBPS/Text/cover.xhtml");
    assert_string_equal(cover.media_type, "image/jpeg");
}

static void test_cover_through_svg_wrapper(void **state)
{
    (void)state;
    const fake_entry entries[] = {
        {"OEBPS/Text/cover.xhtml",
         "<html><body><svg:svg xmlns:svg=\"http://www.w3.org/2000/svg\" "
         "xmlns:xl=\"http://www.w3.org/1999/xlink\"><svg:image width=\"1\" height=\"1\" "
         "xl:href=\"../Images/c.jpg\"/></svg:svg></body></html>"}};
    fake_book book;
    ink_epub_package package;
    ink_epub_cover cover;
    parse_and_find(page_cover_opf, entries, 1, &book, &package, &cover);
    assert_int_equal(cover.via, INK_EPUB_COVER_META);
    assert_string_equal(cover.image_path, "OEBPS/Images/c.jpg");
}

static void test_vector_cover_is_noted(void **state)
{
    (void)state;
    const char *opf =
        OPF_HEAD "version=\"3.0\"><manifest>"
                 "<item id=\"s\" href=\"s.svg\" media-type=\"image/svg+xml\" properties=\"cover-image\"/>"
                 "<item id=\"p\" href=\"p.xhtml\" media-type=\"application/xhtml+xml\"/>"
                 "<item id=\"i\" href=\"i.png\" media-type=\"image/png\"/>"
                 "</manifest><spine><itemref idref=\"p\"/></spine></package>";
    /* The first spine page shows an image but holds a chapter's text: not a cover. */
    char chapter[2048];
    int n = snprintf(chapter, sizeof chapter, "<html><body><img src=\"i.png\"/><p>");
    for (int i = 0; i < 41; i++) /* 41 x 5 = 205 bytes of text, over the 200-byte limit */
        n += snprintf(chapter + n, sizeof chapter - (size_t)n, "words ");
    snprintf(chapter + n, sizeof chapter - (size_t)n, "</p></body></html>");
    const fake_entry entries[] = {{"OEBPS/s.svg", "<svg><rect width=\"1\"/></svg>"},
                                  {"OEBPS/p.xhtml", chapter}};
    fake_book book;
    ink_epub_package package;
    ink_epub_cover cover;
    parse_and_find(opf, entries, 2, &book, &package, &cover);
    assert_int_equal(cover.via, INK_EPUB_COVER_NONE);
    assert_true(cover.declared);
    assert_non_null(strstr(cover.note, "OEBPS/s.svg shows no <img> or <image>"));
}

static void test_first_spine_image_page(void **state)
{
    (void)state;
    const char *opf =
        OPF_HEAD "version=\"3.0\"><manifest>"
                 "<item id=\"p\" href=\"p.xhtml\" media-type=\"application/xhtml+xml\"/>"
                 "<item id=\"i\" href=\"i.png\" media-type=\"image/png\"/>"
                 "</manifest><spine><itemref idref=\"p\"/></spine></package>";
    const fake_entry entries[] = {
        {"OEBPS/p.xhtml", "<html><head><style>p { color: red; } /* long css */</style></head>"
                          "<body><p>A Title</p><img src=\"i.png\"/></body></html>"}};
    fake_book book;
    ink_epub_package package;
    ink_epub_cover cover;
    parse_and_find(opf, entries, 1, &book, &package, &cover);
    assert_int_equal(cover.via, INK_EPUB_COVER_FIRST_SPINE);
    assert_string_equal(cover.image_path, "OEBPS/i.png");
    assert_false(cover.declared);
}

static void test_named_page_and_guide(void **state)
{
    (void)state;
    const char *opf =
        OPF_HEAD "version=\"2.0\"><manifest>"
                 "<item id=\"a\" href=\"a.xhtml\" media-type=\"application/xhtml+xml\"/>"
                 "<item id=\"x\" href=\"MyCover.xhtml\" media-type=\"application/xhtml+xml\"/>"
                 "<item id=\"i\" href=\"i.jpg\" media-type=\"image/jpeg\"/>"
                 "<item id=\"g\" href=\"g.gif\" media-type=\"image/gif\"/>"
                 "</manifest><spine><itemref idref=\"a\"/></spine>"
                 "<guide><reference type=\"cover\" href=\"a.xhtml\"/></guide></package>";
    /* The guide's page points at a GIF (noted, not taken); the page named "cover" wins. */
    const fake_entry entries[] = {{"OEBPS/a.xhtml", "<html><body><img src=\"g.gif\"/></body></html>"},
                                  {"OEBPS/MyCover.xhtml", "<html><body><img src=\"i.jpg\"/></body></html>"}};
    fake_book book;
    ink_epub_package package;
    ink_epub_cover cover;
    parse_and_find(opf, entries, 2, &book, &package, &cover);
    assert_int_equal(cover.via, INK_EPUB_COVER_NAMED_PAGE);
    assert_string_equal(cover.image_path, "OEBPS/i.jpg");
    assert_string_equal(cover.page_path, "OEBPS/MyCover.xhtml");
    assert_non_null(strstr(cover.note, "not a JPEG or PNG"));
}

static void test_page_scan_counts(void **state)
{
    (void)state;
    const char *page = "<html><head><title>T</title><script>var x = 1;</script></head><body>"
                       "<p>ab c</p><img src=\"x%20y.png\"/><image href=\"z.jpg\"/>d<![CDATA[e]]>"
                       "</body></html>";
    ink_memory_source s;
    ink_source source = ink_memory_source_open(&s, page, strlen(page));
    ink_epub_page_scan scan;
    assert_int_equal(ink_epub_scan_page(&source, "T/p.xhtml", &memory, &scan, NULL), INK_OK);
    assert_true(scan.complete);
    assert_int_equal(scan.image_count, 2);
    assert_string_equal(scan.image_path, "T/x y.png");
    assert_int_equal(scan.text_nbytes, 5); /* "ab" "c" "d" "e" */
    const char *broken = "<html><body><img src=\"a.png\"><p>unclosed</body></html>";
    source = ink_memory_source_open(&s, broken, strlen(broken));
    assert_int_equal(ink_epub_scan_page(&source, "p.xhtml", &memory, &scan, NULL), INK_OK);
    assert_false(scan.complete);
    assert_int_equal(scan.image_count, 1);
    assert_string_equal(scan.image_path, "a.png");
}

/* ---- the corpus sweep -------------------------------------------------------------------- */

static uint8_t *unzip_entry(const char *book, const char *name, size_t *nbytes)
{
    char command[4096];
    snprintf(command, sizeof command, "unzip -p '%s' '%s' 2>/dev/null", book, name);
    FILE *pipe = popen(command, "r");
    if (!pipe)
        return NULL;
    size_t capacity = 1 << 16, length = 0, got;
    uint8_t *data = malloc(capacity);
    while ((got = fread(data + length, 1, capacity - length, pipe)) > 0) {
        length += got;
        if (length == capacity)
            data = realloc(data, capacity *= 2);
    }
    pclose(pipe);
    *nbytes = length;
    return data;
}

static ink_error count_item(void *user, const ink_epub_item *item, ink_error_info *info)
{
    (void)item;
    (void)info;
    (*(uint32_t *)user)++;
    return INK_OK;
}

static ink_error parse_bytes(const uint8_t *data, size_t nbytes, uint32_t *items)
{
    ink_memory_source s;
    ink_source source = ink_memory_source_open(&s, data, nbytes);
    ink_epub_package package;
    *items = 0;
    return ink_epub_parse_package(&source, "OEBPS/x.opf", &memory, &package, count_item, items,
                                  NULL);
}

/* Plain count of manifest item openings outside comments: "<item " and "<opf:item " (no other
 * prefix is used in the corpus). */
static uint32_t count_item_tags(const uint8_t *data, size_t nbytes)
{
    uint32_t count = 0;
    const char *tags[] = {"<item ", "<opf:item ", "<item\n", "<item\t"};
    for (size_t i = 0; i < nbytes; i++) {
        if (i + 4 <= nbytes && memcmp(data + i, "<!--", 4) == 0) {
            while (i + 3 <= nbytes && memcmp(data + i, "-->", 3) != 0)
                i++;
            continue;
        }
        for (size_t t = 0; t < 4; t++) {
            size_t n = strlen(tags[t]);
            if (i + n <= nbytes && memcmp(data + i, tags[t], n) == 0)
                count++;
        }
    }
    return count;
}

static void test_corpus_truncation_and_bit_flips(void **state)
{
    (void)state;
    const char *shared = ink_test_shared_dir();
    if (!shared)
        skip();
    char folder[4096];
    snprintf(folder, sizeof folder, "%s/corpus/epub", shared);
    DIR *dir = opendir(folder);
    if (!dir)
        skip();
    struct dirent *e;
    int books = 0;
    unsigned long parses = 0;
    while ((e = readdir(dir)) != NULL) {
        if (!strstr(e->d_name, ".epub"))
            continue;
        char book[8192];
        snprintf(book, sizeof book, "%s/%s", folder, e->d_name);
        size_t container_nbytes = 0;
        uint8_t *container = unzip_entry(book, "META-INF/container.xml", &container_nbytes);
        ink_memory_source s;
        ink_source source = ink_memory_source_open(&s, container, container_nbytes);
        char opf_path[512];
        ink_error_info info;
        ink_error_clear(&info);
        if (ink_epub_read_container(&source, &memory, opf_path, sizeof opf_path, &info) != INK_OK)
            fail_msg("%s: container: %s", e->d_name, info.detail);
        size_t nbytes = 0;
        uint8_t *opf = unzip_entry(book, opf_path, &nbytes);
        uint32_t items = 0;
        assert_int_equal(parse_bytes(opf, nbytes, &items), INK_OK);
        if (items != count_item_tags(opf, nbytes))
            fail_msg("%s: %u items parsed, %u <item> tags", e->d_name, items,
                     count_item_tags(opf, nbytes));
        /* Truncations: every byte for short OPFs, about 1500 evenly spread for long ones. */
        size_t step = nbytes / 1500 + 1;
        for (size_t cut = 0; cut < nbytes; cut += step, parses++) {
            uint32_t got;
            ink_error error = parse_bytes(opf, cut, &got);
            assert_true(error != INK_OK || cut + 64 > nbytes); /* only trailing space may go */
            assert_true(got <= items);
        }
        for (size_t cut = 0; cut < container_nbytes; cut++, parses++) {
            source = ink_memory_source_open(&s, container, cut);
            ink_epub_read_container(&source, &memory, opf_path, sizeof opf_path, NULL);
        }
        /* Bit flips: 2000 single and multiple flips per OPF. */
        uint8_t *mutated = malloc(nbytes);
        uint32_t seed = 2166136261u ^ (uint32_t)nbytes;
        for (int round = 0; round < 2000; round++, parses++) {
            memcpy(mutated, opf, nbytes);
            for (int k = 0; k <= round % 3; k++) {
                seed = seed * 1664525u + 1013904223u;
                size_t at = (size_t)(seed >> 4) % nbytes;
                mutated[at] ^= (uint8_t)(1u << ((seed >> 28) & 7));
            }
            uint32_t got;
            parse_bytes(mutated, nbytes, &got);
            assert_true(got <= items + 1); /* a flip may split one tag into two at most */
        }
        free(mutated);
        free(opf);
        free(container);
        books++;
    }
    closedir(dir);
    print_message("%d books, %lu parses of damaged container.xml and OPF files\n", books, parses);
    assert_true(books > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resolve_href),
        cmocka_unit_test(test_folder_and_media),
        cmocka_unit_test(test_container),
        cmocka_unit_test(test_package_fields),
        cmocka_unit_test(test_package_errors),
        cmocka_unit_test(test_cover_through_xhtml_wrapper),
        cmocka_unit_test(test_cover_through_svg_wrapper),
        cmocka_unit_test(test_vector_cover_is_noted),
        cmocka_unit_test(test_first_spine_image_page),
        cmocka_unit_test(test_named_page_and_guide),
        cmocka_unit_test(test_page_scan_counts),
        cmocka_unit_test(test_corpus_truncation_and_bit_flips),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
