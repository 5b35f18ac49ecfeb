/*
 * epub.h — what inkpipe needs of an EPUB: the package (OPF) path from META-INF/container.xml,
 * the manifest items with their hrefs resolved to archive paths, and the cover image.
 *
 * Everything streams through the XML tokenizer (decode/xml.h): no DOM, no heap, no limit on
 * the OPF's length (a tag must fit the buffer). The archive itself is the caller's business:
 * these functions read container.xml, the OPF and cover pages from ink_sources the caller opens
 * (zip entry readers on the host and the board), and reach the manifest through callbacks, so
 * the caller decides whether to keep the items (the host CLI keeps them in an array) or to
 * parse the OPF again (a board short of memory).
 *
 * Memory. The caller owns everything: an ink_epub_reader_memory (an ink_xml, ~1 KB, and a
 * buffer of at least INK_EPUB_MIN_BUFFER_BYTES: the longest tag must fit), the
 * ink_epub_package (~2.2 KB) and the ink_epub_cover (~1.3 KB). Strings handed to callbacks are
 * valid during the call only.
 *
 * Paths. Manifest hrefs are URLs relative to the OPF: ink_epub_resolve_href() drops the
 * fragment and query, percent-decodes, resolves "." and ".." against the OPF's folder and
 * returns the archive path. An href that climbs above the archive root, names another scheme
 * (http:, data:, ...), or is malformed is never turned into a path: its status says why, so
 * the caller reports it and never looks outside the archive.
 */
#ifndef INK_DECODE_EPUB_H
#define INK_DECODE_EPUB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena/error.h"
#include "arena/stream.h"
#include "decode/xml.h"

#define INK_EPUB_PATH_BYTES 512u       /* archive paths (zip names are kept to 511 bytes) */
#define INK_EPUB_ID_BYTES 128u         /* manifest ids and idrefs */
#define INK_EPUB_MEDIA_TYPE_BYTES 96u
#define INK_EPUB_MIN_BUFFER_BYTES 1024u

typedef struct ink_epub_reader_memory {
    ink_xml *xml;
    uint8_t *buffer;
    size_t buffer_nbytes; /* >= INK_EPUB_MIN_BUFFER_BYTES */
} ink_epub_reader_memory;

/* What an href resolved to. */
typedef enum ink_epub_href_status {
    INK_EPUB_HREF_OK = 0,       /* `path` is an archive path */
    INK_EPUB_HREF_ESCAPES_ROOT, /* ".." climbs above the archive's root */
    INK_EPUB_HREF_REMOTE,       /* another scheme: http:, https:, data:, ... */
    INK_EPUB_HREF_INVALID,      /* empty, a bad %-escape, %00 or %2F */
    INK_EPUB_HREF_TOO_LONG      /* the path does not fit INK_EPUB_PATH_BYTES */
} ink_epub_href_status;

/* A short phrase for a status ("climbs above the archive root", ...). */
const char *ink_epub_href_status_text(ink_epub_href_status status);

/* Resolves `href` (`href_nbytes` bytes, an URL relative to `base_folder`, which is an archive
 * folder ending in '/' or "") into `path` (NUL-terminated, `path_nbytes` bytes of room).
 * `percent_decode` is true for URLs (manifest, pages) and false for container.xml's full-path,
 * which is a plain path. `path` is "" unless the status is INK_EPUB_HREF_OK. */
ink_epub_href_status ink_epub_resolve_href(const char *base_folder, const char *href,
                                           size_t href_nbytes, bool percent_decode, char *path,
                                           size_t path_nbytes);

/* The folder part of an archive path, with its trailing '/' ("OEBPS/" for "OEBPS/a.opf", ""
 * for "a.opf"), written to `folder` (NUL-terminated; cut to fit, which cannot happen for a
 * path that fits the same size). */
void ink_epub_folder_of(const char *path, char *folder, size_t folder_nbytes);

/* Media types, by the manifest's media-type (compared case-insensitively, parameters such as
 * ";charset" ignored). */
typedef enum ink_epub_media {
    INK_EPUB_MEDIA_OTHER = 0,
    INK_EPUB_MEDIA_JPEG,        /* image/jpeg (and the common misspelling image/jpg) */
    INK_EPUB_MEDIA_PNG,         /* image/png */
    INK_EPUB_MEDIA_GIF,         /* image/gif */
    INK_EPUB_MEDIA_WEBP,        /* image/webp */
    INK_EPUB_MEDIA_SVG,         /* image/svg+xml */
    INK_EPUB_MEDIA_OTHER_IMAGE, /* any other image/... */
    INK_EPUB_MEDIA_XHTML        /* application/xhtml+xml, text/html */
} ink_epub_media;

ink_epub_media ink_epub_media_of(const char *media_type);
/* True for every image/... type: the "image items" of a manifest. */
bool ink_epub_media_is_image(ink_epub_media media);
/* True for the types inkpipe converts: JPEG and PNG. */
bool ink_epub_media_is_raster(ink_epub_media media);

/* Reads META-INF/container.xml from `container` and writes the first rootfile's full-path
 * whose media-type is application/oebps-package+xml (or, failing that, the first rootfile)
 * to `opf_path`. Errors: INK_ERR_BAD_DATA (malformed XML, no rootfile, a path that escapes
 * the root or is empty), INK_ERR_TOO_LARGE (a path longer than `opf_path_nbytes` - 1), the
 * tokenizer's and the source's errors. */
ink_error ink_epub_read_container(const ink_source *container,
                                  const ink_epub_reader_memory *memory, char *opf_path,
                                  size_t opf_path_nbytes, ink_error_info *info);

/* One manifest item, as handed to the callback. Strings are NUL-terminated, "" when absent,
 * valid during the call only. */
typedef struct ink_epub_item {
    uint32_t index;          /* manifest order, from 0 */
    const char *id;
    const char *href;        /* as written, entities decoded */
    const char *media_type;
    const char *properties;
    const char *path;        /* the resolved archive path; "" unless path_status is OK */
    ink_epub_href_status path_status;
} ink_epub_item;

/* Called once per manifest item in document order. An error stops the parse and is returned. */
typedef ink_error ink_epub_item_fn(void *user, const ink_epub_item *item, ink_error_info *info);

/* What the OPF says about the book apart from the items. Strings are NUL-terminated, "" when
 * absent; a value too long for its field is cut (and then simply matches nothing). */
typedef struct ink_epub_package {
    char opf_path[INK_EPUB_PATH_BYTES];
    char folder[INK_EPUB_PATH_BYTES]; /* the OPF's folder, hrefs' base ("OEBPS/" or "") */
    char version[16];                 /* <package version> */
    uint32_t item_count;              /* manifest items */
    uint32_t image_item_count;        /* of which media-type image/... */
    uint32_t spine_count;             /* itemrefs */
    char cover_image_id[INK_EPUB_ID_BYTES];   /* first item with properties="... cover-image" */
    char meta_cover_content[INK_EPUB_ID_BYTES]; /* EPUB 2: <meta name="cover" content="ID"> */
    char guide_cover_path[INK_EPUB_PATH_BYTES]; /* <guide><reference type="cover">, resolved */
    char first_spine_idref[INK_EPUB_ID_BYTES];
    char item_path[INK_EPUB_PATH_BYTES]; /* private: the current item's resolved path */
} ink_epub_package;

/* Parses the OPF read from `opf` (its archive path is `opf_path`), fills `package` and calls
 * `on_item` (may be NULL) for every manifest item. Elements are matched by local name, so
 * prefixed OPFs (opf:item) work. Errors: INK_ERR_BAD_DATA (malformed XML, a root other than
 * <package>), the tokenizer's, the source's and the callback's. */
ink_error ink_epub_parse_package(const ink_source *opf, const char *opf_path,
                                 const ink_epub_reader_memory *memory, ink_epub_package *package,
                                 ink_epub_item_fn *on_item, void *user, ink_error_info *info);

/* What an XHTML or SVG page shows, for cover detection. */
typedef struct ink_epub_page_scan {
    char image_path[INK_EPUB_PATH_BYTES]; /* the first <img src> or <image (xlink:)href>, resolved */
    ink_epub_href_status image_status;    /* of that first image's href */
    uint32_t image_count;                 /* <img> and <image> elements */
    uint32_t text_nbytes; /* non-space text bytes outside head, title, style and script */
    bool complete;        /* the page parsed to its end (else the counts are partial) */
} ink_epub_page_scan;

/* Scans the page read from `page` (archive path `page_path`). A page that is not well-formed
 * XML is not an error here: `complete` is false and what was seen before the fault is kept.
 * Errors: the source's (INK_ERR_IO) and INK_ERR_INVALID_ARGUMENT only. */
ink_error ink_epub_scan_page(const ink_source *page, const char *page_path,
                             const ink_epub_reader_memory *memory, ink_epub_page_scan *scan,
                             ink_error_info *info);

/* How the cover was found, in the order the search tries. */
typedef enum ink_epub_cover_via {
    INK_EPUB_COVER_NONE = 0,
    INK_EPUB_COVER_IMAGE_PROPERTY, /* EPUB 3: the item with properties="cover-image" */
    INK_EPUB_COVER_META,           /* EPUB 2: <meta name="cover" content="ID"> */
    INK_EPUB_COVER_GUIDE,          /* EPUB 2: <guide><reference type="cover" href> */
    INK_EPUB_COVER_NAMED_PAGE,     /* an XHTML/SVG item whose id or href contains "cover" */
    INK_EPUB_COVER_FIRST_SPINE     /* the first spine item: an image, or an image-only page */
} ink_epub_cover_via;

const char *ink_epub_cover_via_name(ink_epub_cover_via via);

/* The first spine page counts as a cover page only if it shows an image and at most this many
 * bytes of text (a title line): a chapter that opens with a figure is not a cover. */
#define INK_EPUB_COVER_PAGE_MAX_TEXT_BYTES 200u

/* The caller's view of the book, for the cover search. */
typedef struct ink_epub_book {
    uint32_t item_count;
    /* Fills `item` with manifest item `index` (strings valid until the next call). */
    ink_error (*item_at)(void *user, uint32_t index, ink_epub_item *item, ink_error_info *info);
    /* Opens archive entry `path` as a source (valid until close_entry); *found false and INK_OK
     * when there is no such entry. */
    ink_error (*open_entry)(void *user, const char *path, ink_source *source, bool *found,
                            ink_error_info *info);
    void (*close_entry)(void *user);
    void *user;
} ink_epub_book;

typedef struct ink_epub_cover {
    ink_epub_cover_via via;               /* NONE: no usable cover */
    char image_path[INK_EPUB_PATH_BYTES]; /* the JPEG or PNG manifest item's archive path */
    char media_type[INK_EPUB_MEDIA_TYPE_BYTES];
    char page_path[INK_EPUB_PATH_BYTES];  /* the wrapper page it was found through, or "" */
    bool declared;                        /* the OPF declares a cover (property, meta, guide) */
    char note[INK_ERROR_DETAIL_BYTES];    /* why a declared cover was not usable, or "" */
} ink_epub_cover;

/* Finds the cover: tries, in order, the cover-image item, the meta cover item, the guide's
 * cover page, pages whose id or href contains "cover" (manifest order), and the first spine
 * item; an image item must be JPEG or PNG, a page (XHTML or SVG) is scanned and its first
 * image must be a JPEG or PNG manifest item. The first that works wins. Errors: the
 * callbacks' and the sources' (INK_ERR_IO); a malformed page only makes that candidate fail. */
ink_error ink_epub_find_cover(const ink_epub_package *package, const ink_epub_book *book,
                              const ink_epub_reader_memory *memory, ink_epub_cover *cover,
                              ink_error_info *info);

#endif
