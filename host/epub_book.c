/*
 * epub_book.c — opening an EPUB on the host (see epub_book.h).
 */
#include "host/epub_book.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "host/cli.h"

static ink_error file_read(void *user, uint8_t *dst, size_t nbytes, size_t *got)
{
    FILE *file = user;
    *got = fread(dst, 1, nbytes, file);
    return (*got == 0 && ferror(file)) ? INK_ERR_IO : INK_OK;
}

static ink_error file_seek(void *user, uint64_t offset)
{
    if (offset > (uint64_t)INT64_MAX)
        return INK_ERR_IO;
    return fseeko((FILE *)user, (off_t)offset, SEEK_SET) == 0 ? INK_OK : INK_ERR_IO;
}

ink_source epub_file_source(FILE *file)
{
    return (ink_source){file_read, file_seek, file};
}

bool epub_open_archive_file(const char *path, FILE **file, ink_source *source, uint64_t *nbytes)
{
    *file = fopen(path, "rb");
    if (!*file)
        return false;
    struct stat info;
    if (fstat(fileno(*file), &info) != 0 || !S_ISREG(info.st_mode)) {
        fclose(*file);
        *file = NULL;
        errno = errno ? errno : EINVAL;
        return false;
    }
    *nbytes = (uint64_t)info.st_size;
    *source = epub_file_source(*file);
    return true;
}

static char *duplicate(const char *s)
{
    char *copy = strdup(s ? s : "");
    if (!copy) {
        fprintf(stderr, "inkpipe: out of memory\n");
        exit(INK_EXIT_FAILURE);
    }
    return copy;
}

static ink_error keep_item(void *user, const ink_epub_item *item, ink_error_info *info)
{
    epub_book *book = user;
    if (book->item_count == book->item_capacity) {
        uint32_t capacity = book->item_capacity ? book->item_capacity * 2 : 64;
        epub_item *items = realloc(book->items, capacity * sizeof *items);
        if (!items)
            return ink_error_set(info, INK_ERR_NO_MEMORY, "manifest of %u items", capacity);
        book->items = items;
        book->item_capacity = capacity;
    }
    epub_item *kept = &book->items[book->item_count++];
    kept->id = duplicate(item->id);
    kept->href = duplicate(item->href);
    kept->media_type = duplicate(item->media_type);
    kept->properties = duplicate(item->properties);
    kept->path = duplicate(item->path);
    kept->path_status = item->path_status;
    return INK_OK;
}

static ink_error item_at(void *user, uint32_t index, ink_epub_item *out, ink_error_info *info)
{
    epub_book *book = user;
    if (index >= book->item_count)
        return ink_error_set(info, INK_ERR_INVALID_ARGUMENT, "item %u of %u", index,
                             book->item_count);
    const epub_item *item = &book->items[index];
    *out = (ink_epub_item){index,           item->id,   item->href,       item->media_type,
                           item->properties, item->path, item->path_status};
    return INK_OK;
}

static ink_error open_entry(void *user, const char *path, ink_source *source, bool *found,
                            ink_error_info *info)
{
    epub_book *book = user;
    ink_zip_entry entry;
    ink_error error = ink_zip_find(&book->zip, path, strlen(path), &entry, found, info);
    if (error != INK_OK || !*found)
        return error;
    ink_zip_reader_memory memory = {book->state.bytes, book->state.nbytes, book->window.bytes,
                                    book->input.bytes, book->input.nbytes};
    if ((error = ink_zip_reader_open(&book->reader, &book->zip, &entry, &memory, info)) != INK_OK)
        return error;
    *source = ink_zip_reader_source(&book->reader);
    return INK_OK;
}

static void close_entry(void *user)
{
    (void)user; /* a zip reader holds nothing */
}

static ink_error claim_memory(epub_book *book, ink_error_info *info)
{
    ink_error error;
    if ((error = ink_arena_claim_region(book->arena, INK_REGION_PRIMARY, "epub inflate window",
                                        &book->window, info)) != INK_OK)
        return error;
    if ((error = ink_arena_claim_range(book->arena, INK_REGION_SCRATCH, 0,
                                       (uint32_t)INK_INFLATE_STATE_BYTES, "epub inflate state",
                                       &book->state, info)) != INK_OK)
        return error;
    if ((error = ink_arena_claim_range(book->arena, INK_REGION_ROW, 0, INK_EPUB_ZIP_INPUT_BYTES,
                                       "epub zip input", &book->input, info)) != INK_OK)
        return error;
    return ink_arena_claim_range(book->arena, INK_REGION_DITHER, 0, INK_EPUB_XML_BUFFER_BYTES,
                                 "epub xml buffer", &book->xml_buffer, info);
}

static void release_memory(epub_book *book)
{
    ink_claim *claims[] = {&book->window, &book->state, &book->input, &book->xml_buffer};
    for (size_t i = 0; i < 4; i++)
        if (claims[i]->bytes)
            ink_arena_release(book->arena, claims[i]);
}

/* Opens an entry that must exist, for container.xml and the OPF. */
static ink_error open_required(epub_book *book, const char *path, ink_source *source,
                               ink_error_info *info)
{
    bool found = false;
    ink_error error = open_entry(book, path, source, &found, info);
    if (error == INK_OK && !found)
        return ink_error_set(info, INK_ERR_BAD_DATA, "not an EPUB: %s is missing", path);
    return error;
}

ink_error epub_book_open(epub_book *book, const char *path, ink_error_info *info)
{
    memset(book, 0, sizeof *book);
    uint64_t nbytes = 0;
    if (!epub_open_archive_file(path, &book->file, &book->source, &nbytes))
        return ink_error_set(info, INK_ERR_IO, "cannot open: %s", strerror(errno));
    ink_error error = ink_zip_open(&book->zip, &book->source, nbytes, NULL, info);
    if (error == INK_OK && !(book->arena = ink_cli_arena_new()))
        error = ink_error_set(info, INK_ERR_NO_MEMORY, "no memory for the arena");
    if (error == INK_OK)
        error = claim_memory(book, info);
    ink_epub_reader_memory memory = {&book->xml, book->xml_buffer.bytes, book->xml_buffer.nbytes};
    ink_source source;
    char opf_path[INK_EPUB_PATH_BYTES];
    if (error == INK_OK && (error = open_required(book, "META-INF/container.xml", &source,
                                                  info)) == INK_OK)
        error = ink_epub_read_container(&source, &memory, opf_path, sizeof opf_path, info);
    if (error == INK_OK && (error = open_required(book, opf_path, &source, info)) == INK_OK)
        error = ink_epub_parse_package(&source, opf_path, &memory, &book->package, keep_item,
                                       book, info);
    if (error == INK_OK) {
        ink_epub_book access = {book->item_count, item_at, open_entry, close_entry, book};
        error = ink_epub_find_cover(&book->package, &access, &memory, &book->cover, info);
    }
    if (book->arena)
        release_memory(book);
    if (error != INK_OK)
        epub_book_close(book);
    return error;
}

void epub_book_close(epub_book *book)
{
    for (uint32_t i = 0; i < book->item_count; i++) {
        epub_item *item = &book->items[i];
        free(item->id);
        free(item->href);
        free(item->media_type);
        free(item->properties);
        free(item->path);
    }
    free(book->items);
    book->items = NULL;
    book->item_count = 0;
    if (book->arena)
        ink_cli_arena_free(book->arena);
    book->arena = NULL;
    if (book->file)
        fclose(book->file);
    book->file = NULL;
}

/* Reads a whole entry into a heap buffer with the in-arena inflate (per-thread buffers: the
 * host may use the heap and threads; the board streams instead). */
ink_error epub_read_entry(const ink_zip *zip, const ink_zip_entry *entry, uint8_t **data,
                          size_t *nbytes, ink_error_info *info)
{
    static _Thread_local uint8_t window[INK_INFLATE_WINDOW_BYTES];
    static _Thread_local _Alignas(16) uint8_t state[8192];
    static _Thread_local uint8_t input[16384];
    ink_zip_reader reader;
    ink_zip_reader_memory memory = {state, sizeof state, window, input, sizeof input};
    ink_error error = ink_zip_reader_open(&reader, zip, entry, &memory, info);
    if (error != INK_OK)
        return error;
    size_t capacity = (size_t)entry->uncompressed_nbytes + 1, length = 0;
    uint8_t *buffer = malloc(capacity);
    if (!buffer)
        return ink_error_set(info, INK_ERR_NO_MEMORY, "entry of %zu bytes", capacity);
    for (;;) {
        size_t got = 0;
        if ((error = ink_zip_reader_read(&reader, buffer + length, capacity - length, &got,
                                         info)) != INK_OK) {
            free(buffer);
            return error;
        }
        if (got == 0)
            break;
        length += got;
        if (length == capacity) { /* the reader stops at the declared size: cannot happen */
            free(buffer);
            return ink_error_set(info, INK_ERR_INTERNAL, "entry longer than declared");
        }
    }
    *data = buffer;
    *nbytes = length;
    return INK_OK;
}
