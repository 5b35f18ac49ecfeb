/*
 * epub.c — container.xml, the OPF package and cover detection (see epub.h).
 */
#include "decode/epub.h"

#include <string.h>

static char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static bool equals_ignoring_case(const char *a, size_t a_nbytes, const char *b)
{
    size_t b_nbytes = strlen(b);
    if (a_nbytes != b_nbytes)
        return false;
    for (size_t i = 0; i < a_nbytes; i++)
        if (lower(a[i]) != lower(b[i]))
            return false;
    return true;
}

static bool contains_ignoring_case(const char *haystack, const char *needle)
{
    size_t n = strlen(needle);
    for (const char *p = haystack; *p; p++) {
        size_t i = 0;
        while (i < n && p[i] && lower(p[i]) == lower(needle[i]))
            i++;
        if (i == n)
            return true;
    }
    return false;
}

/* True if the space-separated list `list` holds the token `word`. */
static bool has_token(const char *list, const char *word)
{
    size_t n = strlen(word);
    const char *p = list;
    while (*p) {
        while (*p == ' ')
            p++;
        const char *start = p;
        while (*p && *p != ' ')
            p++;
        if ((size_t)(p - start) == n && memcmp(start, word, n) == 0)
            return true;
    }
    return false;
}

/* Copies a string into a fixed field, cut to fit. */
static void copy_cut(char *dst, size_t dst_nbytes, const char *src, size_t src_nbytes)
{
    if (src_nbytes >= dst_nbytes)
        src_nbytes = dst_nbytes - 1;
    memcpy(dst, src, src_nbytes);
    dst[src_nbytes] = '\0';
}

static void copy_value(char *dst, size_t dst_nbytes, const ink_xml_string *value)
{
    if (value)
        copy_cut(dst, dst_nbytes, value->bytes, value->nbytes);
    else
        dst[0] = '\0';
}

static const char *value_or_empty(const ink_xml_string *value)
{
    return value ? value->bytes : ""; /* attribute values are NUL-terminated (xml.h) */
}

const char *ink_epub_href_status_text(ink_epub_href_status status)
{
    switch (status) {
    case INK_EPUB_HREF_OK: return "ok";
    case INK_EPUB_HREF_ESCAPES_ROOT: return "climbs above the archive root";
    case INK_EPUB_HREF_REMOTE: return "points outside the book (another URL scheme)";
    case INK_EPUB_HREF_INVALID: return "is empty or badly %-escaped";
    case INK_EPUB_HREF_TOO_LONG: return "resolves to a path that is too long";
    }
    return "?";
}

void ink_epub_folder_of(const char *path, char *folder, size_t folder_nbytes)
{
    const char *slash = strrchr(path, '/');
    size_t n = slash ? (size_t)(slash - path) + 1 : 0;
    copy_cut(folder, folder_nbytes, path, n);
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = lower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* The path is built as "segment/segment/" in `path` (len bytes) and the final '/' dropped. */
ink_epub_href_status ink_epub_resolve_href(const char *base_folder, const char *href,
                                           size_t href_nbytes, bool percent_decode, char *path,
                                           size_t path_nbytes)
{
    if (path_nbytes == 0)
        return INK_EPUB_HREF_TOO_LONG;
    path[0] = '\0';
    size_t end = 0;
    while (end < href_nbytes && href[end] != '\0' &&
           !(percent_decode && (href[end] == '#' || href[end] == '?')))
        end++;
    if (end == 0)
        return INK_EPUB_HREF_INVALID;
    if (percent_decode) {
        size_t k = 0;
        if ((href[0] >= 'a' && href[0] <= 'z') || (href[0] >= 'A' && href[0] <= 'Z')) {
            k = 1;
            while (k < end && ((href[k] >= 'a' && href[k] <= 'z') ||
                               (href[k] >= 'A' && href[k] <= 'Z') ||
                               (href[k] >= '0' && href[k] <= '9') || href[k] == '+' ||
                               href[k] == '-' || href[k] == '.'))
                k++;
            if (k < end && href[k] == ':')
                return INK_EPUB_HREF_REMOTE;
        }
    }
    size_t len = 0;
    if (href[0] != '/') { /* "/x" is relative to the container's root (OCF) */
        len = strlen(base_folder);
        if (len + 1 > path_nbytes)
            return INK_EPUB_HREF_TOO_LONG;
        memcpy(path, base_folder, len);
    }
    size_t i = 0;
    while (i < end) {
        size_t segment_end = i;
        while (segment_end < end && href[segment_end] != '/')
            segment_end++;
        size_t start = len;
        for (size_t k = i; k < segment_end; k++) {
            char c = href[k];
            if (percent_decode && c == '%') {
                int high = k + 2 < segment_end ? hex_value(href[k + 1]) : -1;
                int low = k + 2 < segment_end ? hex_value(href[k + 2]) : -1;
                if (high < 0 || low < 0) {
                    path[0] = '\0';
                    return INK_EPUB_HREF_INVALID;
                }
                c = (char)(high * 16 + low);
                k += 2;
                if (c == '\0' || c == '/') {
                    path[0] = '\0';
                    return INK_EPUB_HREF_INVALID;
                }
            }
            if (len + 2 > path_nbytes) { /* room for this byte and a '/' or the NUL */
                path[0] = '\0';
                return INK_EPUB_HREF_TOO_LONG;
            }
            path[len++] = c;
        }
        size_t m = len - start;
        if (m == 0 || (m == 1 && path[start] == '.')) {
            len = start;
        } else if (m == 2 && path[start] == '.' && path[start + 1] == '.') {
            if (start == 0) {
                path[0] = '\0';
                return INK_EPUB_HREF_ESCAPES_ROOT;
            }
            len = start - 1; /* drop the previous segment and its '/' */
            while (len > 0 && path[len - 1] != '/')
                len--;
        } else {
            path[len++] = '/';
        }
        i = segment_end + 1;
    }
    if (len == 0) {
        path[0] = '\0';
        return INK_EPUB_HREF_INVALID;
    }
    path[len - 1] = '\0'; /* the last segment's '/' */
    return INK_EPUB_HREF_OK;
}

ink_epub_media ink_epub_media_of(const char *media_type)
{
    size_t n = 0;
    while (media_type[n] && media_type[n] != ';' && media_type[n] != ' ')
        n++;
    static const struct {
        const char *name;
        ink_epub_media media;
    } known[] = {{"image/jpeg", INK_EPUB_MEDIA_JPEG},     {"image/jpg", INK_EPUB_MEDIA_JPEG},
                 {"image/png", INK_EPUB_MEDIA_PNG},       {"image/gif", INK_EPUB_MEDIA_GIF},
                 {"image/webp", INK_EPUB_MEDIA_WEBP},     {"image/svg+xml", INK_EPUB_MEDIA_SVG},
                 {"application/xhtml+xml", INK_EPUB_MEDIA_XHTML},
                 {"text/html", INK_EPUB_MEDIA_XHTML}};
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (equals_ignoring_case(media_type, n, known[i].name))
            return known[i].media;
    if (n >= 6 && equals_ignoring_case(media_type, 6, "image/"))
        return INK_EPUB_MEDIA_OTHER_IMAGE;
    return INK_EPUB_MEDIA_OTHER;
}

bool ink_epub_media_is_image(ink_epub_media media)
{
    return media >= INK_EPUB_MEDIA_JPEG && media <= INK_EPUB_MEDIA_OTHER_IMAGE;
}

bool ink_epub_media_is_raster(ink_epub_media media)
{
    return media == INK_EPUB_MEDIA_JPEG || media == INK_EPUB_MEDIA_PNG;
}

static ink_error start_xml(const ink_source *source, const ink_epub_reader_memory *memory,
                           ink_error_info *info)
{
    if (!source || !memory || !memory->xml || !memory->buffer ||
        memory->buffer_nbytes < INK_EPUB_MIN_BUFFER_BYTES)
        return ink_error_set(info, INK_ERR_INVALID_ARGUMENT,
                             "EPUB: needs a source and a buffer of %u bytes or more",
                             INK_EPUB_MIN_BUFFER_BYTES);
    return ink_xml_init(memory->xml, source, memory->buffer, memory->buffer_nbytes, info);
}

static bool is_tag(const ink_xml_token *token)
{
    return token->type == INK_XML_START_TAG || token->type == INK_XML_EMPTY_TAG;
}

ink_error ink_epub_read_container(const ink_source *container,
                                  const ink_epub_reader_memory *memory, char *opf_path,
                                  size_t opf_path_nbytes, ink_error_info *info)
{
    ink_error error = start_xml(container, memory, info);
    if (error != INK_OK)
        return error;
    if (opf_path_nbytes == 0)
        return ink_error_set(info, INK_ERR_INVALID_ARGUMENT, "EPUB: no room for the OPF path");
    opf_path[0] = '\0';
    bool found_package = false;
    ink_epub_href_status status = INK_EPUB_HREF_INVALID;
    bool any = false;
    const ink_xml_token *token;
    for (;;) {
        if ((error = ink_xml_next(memory->xml, &token, info)) != INK_OK)
            return ink_error_set(info, error, "container.xml");
        if (token->type == INK_XML_END_OF_DOCUMENT)
            break;
        if (!is_tag(token) || !ink_xml_equals(ink_xml_local_name(token->name), "rootfile"))
            continue;
        const ink_xml_string *full_path = ink_xml_find_attribute(token, "full-path");
        const ink_xml_string *media_type = ink_xml_find_attribute(token, "media-type");
        if (!full_path || found_package)
            continue;
        bool package = media_type &&
                       equals_ignoring_case(media_type->bytes, media_type->nbytes,
                                            "application/oebps-package+xml");
        if (!package && any)
            continue;
        any = true;
        found_package = package;
        status = ink_epub_resolve_href("", full_path->bytes, full_path->nbytes, false, opf_path,
                                       opf_path_nbytes);
    }
    if (!any)
        return ink_error_set(info, INK_ERR_BAD_DATA, "container.xml names no rootfile");
    if (status == INK_EPUB_HREF_TOO_LONG)
        return ink_error_set(info, INK_ERR_TOO_LARGE,
                             "container.xml: the OPF path exceeds %zu bytes", opf_path_nbytes - 1);
    if (status != INK_EPUB_HREF_OK)
        return ink_error_set(info, INK_ERR_BAD_DATA, "container.xml: the OPF path %s",
                             ink_epub_href_status_text(status));
    return INK_OK;
}

typedef enum opf_section {
    SECTION_NONE = 0,
    SECTION_METADATA,
    SECTION_MANIFEST,
    SECTION_SPINE,
    SECTION_GUIDE
} opf_section;

static ink_error package_item(ink_epub_package *package, const ink_xml_token *token,
                              ink_epub_item_fn *on_item, void *user, ink_error_info *info)
{
    const ink_xml_string *href = ink_xml_find_attribute(token, "href");
    ink_epub_item item;
    item.index = package->item_count++;
    item.id = value_or_empty(ink_xml_find_attribute(token, "id"));
    item.href = value_or_empty(href);
    item.media_type = value_or_empty(ink_xml_find_attribute(token, "media-type"));
    item.properties = value_or_empty(ink_xml_find_attribute(token, "properties"));
    item.path_status = href ? ink_epub_resolve_href(package->folder, href->bytes, href->nbytes,
                                                    true, package->item_path,
                                                    sizeof package->item_path)
                            : INK_EPUB_HREF_INVALID;
    if (!href)
        package->item_path[0] = '\0';
    item.path = package->item_path;
    if (ink_epub_media_is_image(ink_epub_media_of(item.media_type)))
        package->image_item_count++;
    if (!package->cover_image_id[0] && has_token(item.properties, "cover-image"))
        copy_cut(package->cover_image_id, sizeof package->cover_image_id, item.id,
                 strlen(item.id));
    return on_item ? on_item(user, &item, info) : INK_OK;
}

ink_error ink_epub_parse_package(const ink_source *opf, const char *opf_path,
                                 const ink_epub_reader_memory *memory, ink_epub_package *package,
                                 ink_epub_item_fn *on_item, void *user, ink_error_info *info)
{
    ink_error error = start_xml(opf, memory, info);
    if (error != INK_OK)
        return error;
    memset(package, 0, sizeof *package);
    copy_cut(package->opf_path, sizeof package->opf_path, opf_path, strlen(opf_path));
    ink_epub_folder_of(package->opf_path, package->folder, sizeof package->folder);
    opf_section section = SECTION_NONE;
    const ink_xml_token *token;
    for (;;) {
        if ((error = ink_xml_next(memory->xml, &token, info)) != INK_OK)
            return ink_error_set(info, error, "%s", opf_path);
        if (token->type == INK_XML_END_OF_DOCUMENT)
            return INK_OK;
        if (token->type == INK_XML_END_TAG && token->depth == 2)
            section = SECTION_NONE;
        if (!is_tag(token))
            continue;
        ink_xml_string local = ink_xml_local_name(token->name);
        if (token->depth == 1) {
            if (!ink_xml_equals(local, "package"))
                return ink_error_set(info, INK_ERR_BAD_DATA,
                                     "%s: the root element is not <package>", opf_path);
            copy_value(package->version, sizeof package->version,
                       ink_xml_find_attribute(token, "version"));
        } else if (token->depth == 2) {
            section = SECTION_NONE;
            if (token->type == INK_XML_START_TAG) {
                if (ink_xml_equals(local, "metadata"))
                    section = SECTION_METADATA;
                else if (ink_xml_equals(local, "manifest"))
                    section = SECTION_MANIFEST;
                else if (ink_xml_equals(local, "spine"))
                    section = SECTION_SPINE;
                else if (ink_xml_equals(local, "guide"))
                    section = SECTION_GUIDE;
            }
        } else if (section == SECTION_METADATA && ink_xml_equals(local, "meta")) {
            /* EPUB 2 (and OEB's x-metadata one level deeper): <meta name="cover" content> */
            const ink_xml_string *name = ink_xml_find_attribute(token, "name");
            const ink_xml_string *content = ink_xml_find_attribute(token, "content");
            if (name && content && !package->meta_cover_content[0] &&
                equals_ignoring_case(name->bytes, name->nbytes, "cover"))
                copy_value(package->meta_cover_content, sizeof package->meta_cover_content,
                           content);
        } else if (token->depth == 3 && section == SECTION_MANIFEST &&
                   ink_xml_equals(local, "item")) {
            if ((error = package_item(package, token, on_item, user, info)) != INK_OK)
                return error;
        } else if (token->depth == 3 && section == SECTION_SPINE &&
                   ink_xml_equals(local, "itemref")) {
            if (package->spine_count++ == 0)
                copy_value(package->first_spine_idref, sizeof package->first_spine_idref,
                           ink_xml_find_attribute(token, "idref"));
        } else if (token->depth == 3 && section == SECTION_GUIDE &&
                   ink_xml_equals(local, "reference") && !package->guide_cover_path[0]) {
            const ink_xml_string *type = ink_xml_find_attribute(token, "type");
            const ink_xml_string *href = ink_xml_find_attribute(token, "href");
            if (type && href && equals_ignoring_case(type->bytes, type->nbytes, "cover"))
                ink_epub_resolve_href(package->folder, href->bytes, href->nbytes, true,
                                      package->guide_cover_path,
                                      sizeof package->guide_cover_path);
        }
    }
}

ink_error ink_epub_scan_page(const ink_source *page, const char *page_path,
                             const ink_epub_reader_memory *memory, ink_epub_page_scan *scan,
                             ink_error_info *info)
{
    memset(scan, 0, sizeof *scan);
    scan->image_status = INK_EPUB_HREF_INVALID;
    ink_error error = start_xml(page, memory, info);
    if (error != INK_OK)
        return error;
    char folder[INK_EPUB_PATH_BYTES];
    ink_epub_folder_of(page_path, folder, sizeof folder);
    uint32_t excluded_depth = 0; /* inside head/title/style/script: its depth, else 0 */
    const ink_xml_token *token;
    ink_error_info page_info;
    ink_error_clear(&page_info);
    for (;;) {
        if ((error = ink_xml_next(memory->xml, &token, &page_info)) != INK_OK) {
            if (error == INK_ERR_IO)
                return ink_error_set(info, error, "%s", page_info.detail);
            return INK_OK; /* not well-formed: keep what was seen */
        }
        if (token->type == INK_XML_END_OF_DOCUMENT) {
            scan->complete = true;
            return INK_OK;
        }
        if (token->type == INK_XML_END_TAG && token->depth == excluded_depth)
            excluded_depth = 0;
        if ((token->type == INK_XML_TEXT || token->type == INK_XML_CDATA) && !excluded_depth) {
            for (size_t i = 0; i < token->content.nbytes; i++) {
                char c = token->content.bytes[i];
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
                    scan->text_nbytes++;
            }
        }
        if (!is_tag(token))
            continue;
        ink_xml_string local = ink_xml_local_name(token->name);
        if (token->type == INK_XML_START_TAG && !excluded_depth &&
            (ink_xml_equals(local, "head") || ink_xml_equals(local, "title") ||
             ink_xml_equals(local, "style") || ink_xml_equals(local, "script")))
            excluded_depth = token->depth;
        const ink_xml_string *href = NULL;
        if (ink_xml_equals(local, "img"))
            href = ink_xml_find_attribute(token, "src");
        else if (ink_xml_equals(local, "image"))
            href = ink_xml_find_attribute_local(token, "href");
        else
            continue;
        if (scan->image_count++ == 0 && href)
            scan->image_status = ink_epub_resolve_href(folder, href->bytes, href->nbytes, true,
                                                       scan->image_path,
                                                       sizeof scan->image_path);
    }
}

const char *ink_epub_cover_via_name(ink_epub_cover_via via)
{
    switch (via) {
    case INK_EPUB_COVER_NONE: return "none";
    case INK_EPUB_COVER_IMAGE_PROPERTY: return "cover-image";
    case INK_EPUB_COVER_META: return "meta";
    case INK_EPUB_COVER_GUIDE: return "guide";
    case INK_EPUB_COVER_NAMED_PAGE: return "cover page";
    case INK_EPUB_COVER_FIRST_SPINE: return "first spine item";
    }
    return "?";
}

/* A copy of the fields of one manifest item the search needs. */
typedef struct found_item {
    char id[INK_EPUB_ID_BYTES];
    char path[INK_EPUB_PATH_BYTES];
    char media_type[INK_EPUB_MEDIA_TYPE_BYTES];
    ink_epub_href_status status;
    ink_epub_media media;
} found_item;

typedef struct cover_search {
    const ink_epub_package *package;
    const ink_epub_book *book;
    const ink_epub_reader_memory *memory;
    ink_epub_cover *cover;
    ink_error_info *info;
    found_item item;
} cover_search;

static void copy_item(found_item *out, const ink_epub_item *item)
{
    copy_cut(out->id, sizeof out->id, item->id, strlen(item->id));
    copy_cut(out->path, sizeof out->path, item->path, strlen(item->path));
    copy_cut(out->media_type, sizeof out->media_type, item->media_type, strlen(item->media_type));
    out->status = item->path_status;
    out->media = ink_epub_media_of(item->media_type);
}

/* Finds the manifest item whose id (by_path false) or resolved path (true) is `key`. */
static ink_error find_item(cover_search *search, const char *key, bool by_path, bool *found)
{
    *found = false;
    if (!key[0])
        return INK_OK;
    for (uint32_t i = 0; i < search->book->item_count; i++) {
        ink_epub_item item;
        ink_error error = search->book->item_at(search->book->user, i, &item, search->info);
        if (error != INK_OK)
            return error;
        if (strcmp(by_path ? item.path : item.id, key) == 0) {
            copy_item(&search->item, &item);
            *found = true;
            return INK_OK;
        }
    }
    return INK_OK;
}

static void note(cover_search *search, const char *format, const char *a, const char *b)
{
    if (search->cover->declared && !search->cover->note[0])
        ink_format(search->cover->note, sizeof search->cover->note, format, a, b);
}

static void take(cover_search *search, ink_epub_cover_via via, const char *page_path)
{
    ink_epub_cover *cover = search->cover;
    cover->via = via;
    copy_cut(cover->image_path, sizeof cover->image_path, search->item.path,
             strlen(search->item.path));
    copy_cut(cover->media_type, sizeof cover->media_type, search->item.media_type,
             strlen(search->item.media_type));
    copy_cut(cover->page_path, sizeof cover->page_path, page_path, strlen(page_path));
}

/* Scans a wrapper page; takes its first image if it is a JPEG or PNG manifest item. */
static ink_error try_page(cover_search *search, const char *page_path, ink_epub_cover_via via,
                          bool image_page_only)
{
    char path[INK_EPUB_PATH_BYTES];
    copy_cut(path, sizeof path, page_path, strlen(page_path));
    ink_source source;
    bool found = false;
    ink_error error = search->book->open_entry(search->book->user, path, &source, &found,
                                               search->info);
    if (error != INK_OK)
        return error;
    if (!found) {
        note(search, "cover page %s is not in the archive%s", path, "");
        return INK_OK;
    }
    ink_epub_page_scan scan;
    error = ink_epub_scan_page(&source, path, search->memory, &scan, search->info);
    search->book->close_entry(search->book->user);
    if (error != INK_OK)
        return error;
    if (scan.image_count == 0) {
        note(search, "cover page %s shows no <img> or <image>%s", path, "");
        return INK_OK;
    }
    if (scan.image_status != INK_EPUB_HREF_OK) {
        note(search, "cover page %s: its image %s", path,
             ink_epub_href_status_text(scan.image_status));
        return INK_OK;
    }
    if (image_page_only && scan.text_nbytes > INK_EPUB_COVER_PAGE_MAX_TEXT_BYTES)
        return INK_OK;
    if ((error = find_item(search, scan.image_path, true, &found)) != INK_OK)
        return error;
    if (!found || !ink_epub_media_is_raster(search->item.media)) {
        note(search, "cover page's image %s is %s", scan.image_path,
             found ? "not a JPEG or PNG" : "not a manifest item");
        return INK_OK;
    }
    take(search, via, path);
    return INK_OK;
}

/* An item named as the cover: an image is taken if JPEG or PNG, a page is scanned. */
static ink_error try_item(cover_search *search, ink_epub_cover_via via, bool image_page_only)
{
    const found_item *item = &search->item;
    if (item->status != INK_EPUB_HREF_OK) {
        note(search, "cover item %s: its href %s", item->id,
             ink_epub_href_status_text(item->status));
        return INK_OK;
    }
    if (ink_epub_media_is_raster(item->media)) {
        take(search, via, "");
        return INK_OK;
    }
    if (item->media == INK_EPUB_MEDIA_XHTML || item->media == INK_EPUB_MEDIA_SVG)
        return try_page(search, item->path, via, image_page_only);
    note(search, "cover %s is %s, not a JPEG or PNG", item->path, item->media_type);
    return INK_OK;
}

ink_error ink_epub_find_cover(const ink_epub_package *package, const ink_epub_book *book,
                              const ink_epub_reader_memory *memory, ink_epub_cover *cover,
                              ink_error_info *info)
{
    memset(cover, 0, sizeof *cover);
    cover_search search = {package, book, memory, cover, info, {{0}, {0}, {0}, 0, 0}};
    cover->declared = package->cover_image_id[0] || package->meta_cover_content[0] ||
                      package->guide_cover_path[0];
    bool found;
    ink_error error;
    /* 1. EPUB 3 cover-image */
    if ((error = find_item(&search, package->cover_image_id, false, &found)) != INK_OK)
        return error;
    if (found && (error = try_item(&search, INK_EPUB_COVER_IMAGE_PROPERTY, false)) != INK_OK)
        return error;
    if (cover->via)
        return INK_OK;
    /* 2. EPUB 2 meta: an id, or (some writers) an href */
    if ((error = find_item(&search, package->meta_cover_content, false, &found)) != INK_OK)
        return error;
    if (!found && package->meta_cover_content[0]) {
        char path[INK_EPUB_PATH_BYTES];
        if (ink_epub_resolve_href(package->folder, package->meta_cover_content,
                                  strlen(package->meta_cover_content), true, path,
                                  sizeof path) == INK_EPUB_HREF_OK &&
            (error = find_item(&search, path, true, &found)) != INK_OK)
            return error;
        if (!found)
            note(&search, "meta cover names %s, which is not a manifest item%s",
                 package->meta_cover_content, "");
    }
    if (found && (error = try_item(&search, INK_EPUB_COVER_META, false)) != INK_OK)
        return error;
    if (cover->via)
        return INK_OK;
    /* 3. the guide's cover page */
    if (package->guide_cover_path[0]) {
        if ((error = find_item(&search, package->guide_cover_path, true, &found)) != INK_OK)
            return error;
        if (found && ink_epub_media_is_raster(search.item.media))
            take(&search, INK_EPUB_COVER_GUIDE, "");
        else if ((error = try_page(&search, package->guide_cover_path, INK_EPUB_COVER_GUIDE,
                                   false)) != INK_OK)
            return error;
        if (cover->via)
            return INK_OK;
    }
    /* 4. pages named "cover", in manifest order */
    for (uint32_t i = 0; i < book->item_count && !cover->via; i++) {
        ink_epub_item item;
        if ((error = book->item_at(book->user, i, &item, info)) != INK_OK)
            return error;
        ink_epub_media media = ink_epub_media_of(item.media_type);
        if ((media != INK_EPUB_MEDIA_XHTML && media != INK_EPUB_MEDIA_SVG) ||
            item.path_status != INK_EPUB_HREF_OK ||
            !(contains_ignoring_case(item.id, "cover") ||
              contains_ignoring_case(item.href, "cover")))
            continue;
        char path[INK_EPUB_PATH_BYTES];
        copy_cut(path, sizeof path, item.path, strlen(item.path));
        if ((error = try_page(&search, path, INK_EPUB_COVER_NAMED_PAGE, false)) != INK_OK)
            return error;
    }
    if (cover->via)
        return INK_OK;
    /* 5. the first spine item, if it is an image or an image page */
    if ((error = find_item(&search, package->first_spine_idref, false, &found)) != INK_OK)
        return error;
    if (found && (error = try_item(&search, INK_EPUB_COVER_FIRST_SPINE, true)) != INK_OK)
        return error;
    return INK_OK;
}
