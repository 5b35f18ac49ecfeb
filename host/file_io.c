/*
 * file_io.c — host file sources, sinks and crash-safe output (see file_io.h).
 */
#define _DEFAULT_SOURCE /* flock(2) */
#include "host/file_io.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

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

/* The output file's sink, remembering why the first failure happened. */
static ink_error output_write(void *user, const uint8_t *src, size_t nbytes)
{
    ink_output_file *output = user;
    if (fwrite(src, 1, nbytes, output->file) == nbytes)
        return INK_OK;
    if (output->write_errno == 0)
        output->write_errno = errno ? errno : EIO;
    return INK_ERR_IO;
}

static ink_error output_seek(void *user, uint64_t offset)
{
    ink_output_file *output = user;
    if (offset <= (uint64_t)INT64_MAX && fseeko(output->file, (off_t)offset, SEEK_SET) == 0)
        return INK_OK;
    if (output->write_errno == 0)
        output->write_errno = errno ? errno : EIO;
    return INK_ERR_IO;
}

bool ink_file_source_open(ink_file_source *state, const char *path, ink_source *out)
{
    state->file = fopen(path, "rb");
    if (!state->file)
        return false;
    *out = (ink_source){file_read, file_seek, state->file};
    return true;
}

void ink_file_source_close(ink_file_source *state)
{
    if (state->file)
        fclose(state->file);
    state->file = NULL;
}

/*
 * Temporary files open right now, so that an interrupt (Ctrl-C, SIGTERM from a script's timeout,
 * SIGHUP) removes them instead of leaving "<name>.tmp-XXXXXX" behind. The handler only calls
 * unlink(2), which is async-signal-safe, then re-raises the signal with its default action, so
 * the exit status still says what killed the process. SIGKILL cannot be caught: a killed run can
 * still leave a temporary file, never a partial file under the final name.
 */
enum { OPEN_TEMPORARIES_MAX = 64 }; /* one a worker thread; beyond it, untracked (best effort) */
static _Atomic(char *) open_temporaries[OPEN_TEMPORARIES_MAX];
static pthread_once_t handlers_once = PTHREAD_ONCE_INIT;

/*
 * Creating a temporary is a window the handler waits for: a creator counts itself in
 * (`creating`), gives up if an interrupt has begun, tracks the path, creates the file, and
 * removes it again itself if an interrupt began meanwhile. The creating thread blocks the three
 * signals for that window, so the handler never runs inside it on the same thread; a handler on
 * another thread marks the interrupt, then waits (bounded) until no creator is inside before it
 * removes what is tracked and re-raises. Without that, a worker could create its file just after
 * the handler's sweep and the process would die leaving it.
 */
static atomic_int creating;
static atomic_bool interrupted;

static void remove_temporaries_and_reraise(int signal_number)
{
    atomic_store(&interrupted, true);
    for (unsigned long spins = 0; atomic_load(&creating) > 0 && spins < (1ul << 26); spins++) {
    }
    for (int i = 0; i < OPEN_TEMPORARIES_MAX; i++) {
        char *path = atomic_load(&open_temporaries[i]);
        if (path)
            unlink(path);
    }
    signal(signal_number, SIG_DFL);
    raise(signal_number);
}

static void install_handlers(void)
{
    const int signals[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++) {
        struct sigaction action = {0};
        action.sa_handler = remove_temporaries_and_reraise;
        sigemptyset(&action.sa_mask);
        sigaction(signals[i], &action, NULL);
    }
}

static void track_temporary(char *path)
{
    for (int i = 0; i < OPEN_TEMPORARIES_MAX; i++) {
        char *expected = NULL;
        if (atomic_compare_exchange_strong(&open_temporaries[i], &expected, path))
            return;
    }
}

static void untrack_temporary(char *path)
{
    for (int i = 0; i < OPEN_TEMPORARIES_MAX; i++) {
        char *expected = path;
        atomic_compare_exchange_strong(&open_temporaries[i], &expected, NULL);
    }
}

/* Makes a completed rename durable: fsync of the folder that holds `path` (POSIX leaves the
 * folder entry in the page cache otherwise). Best effort: the file itself is already synced. */
static void sync_parent_folder(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *folder = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
    if (!folder)
        return;
    int fd = open(folder, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
    free(folder);
}

/*
 * Removes temporary files that killed runs (SIGKILL, power cut) left for `final_path`. Every
 * writer holds flock(LOCK_EX) on its temporary file until commit or abort, and the kernel drops
 * that lock when the process dies however it dies; so a "<name>.tmp-XXXXXX" whose lock can be
 * taken has no writer and is garbage, while one that is locked belongs to a run still going (in
 * this process or another) and is left alone.
 *
 * A book writes thousands of outputs into one folder, so the folder is listed once per process,
 * not once per output (that was quadratic: 2,000 outputs read 4,000,000 directory entries). The
 * listing keeps only the names that look like temporaries; each output then takes the ones of
 * its own name from that short list. Temporaries abandoned by another run after the listing are
 * left for the next run, as any left by a run that dies after this one.
 */
typedef struct listed_folder {
    char *path;
    char **temporaries; /* names "<base>.tmp-XXXXXX" seen when the folder was listed */
    size_t count;
    struct listed_folder *next;
} listed_folder;

static pthread_mutex_t listed_folders_lock = PTHREAD_MUTEX_INITIALIZER;
static listed_folder *listed_folders; /* a handful of folders a run, freed at exit */
static pthread_once_t listed_folders_once = PTHREAD_ONCE_INIT;

static void free_listed_folders(void)
{
    pthread_mutex_lock(&listed_folders_lock);
    while (listed_folders) {
        listed_folder *folder = listed_folders;
        listed_folders = folder->next;
        for (size_t i = 0; i < folder->count; i++)
            free(folder->temporaries[i]);
        free(folder->temporaries);
        free(folder->path);
        free(folder);
    }
    pthread_mutex_unlock(&listed_folders_lock);
}

static void register_free_listed_folders(void)
{
    atexit(free_listed_folders);
}

static bool looks_temporary(const char *name)
{
    size_t length = strlen(name);
    return length > 11 && memcmp(name + length - 11, ".tmp-", 5) == 0;
}

static listed_folder *list_folder(const char *path)
{
    for (listed_folder *folder = listed_folders; folder; folder = folder->next)
        if (strcmp(folder->path, path) == 0)
            return folder;
    pthread_once(&listed_folders_once, register_free_listed_folders);
    listed_folder *folder = calloc(1, sizeof *folder);
    DIR *listing = folder ? opendir(path) : NULL;
    if (!folder || !(folder->path = strdup(path))) {
        free(folder);
        if (listing)
            closedir(listing);
        return NULL;
    }
    size_t capacity = 0;
    struct dirent *entry;
    while (listing && (entry = readdir(listing)) != NULL) {
        if (!looks_temporary(entry->d_name))
            continue;
        if (folder->count == capacity) {
            size_t grown = capacity ? 2 * capacity : 8;
            char **names = realloc(folder->temporaries, grown * sizeof *names);
            if (!names)
                break;
            folder->temporaries = names;
            capacity = grown;
        }
        if (!(folder->temporaries[folder->count] = strdup(entry->d_name)))
            break;
        folder->count++;
    }
    if (listing)
        closedir(listing);
    folder->next = listed_folders;
    listed_folders = folder;
    return folder;
}

static void remove_if_unlocked(const char *folder, const char *name)
{
    size_t folder_length = strlen(folder);
    char *path = malloc(folder_length + 1 + strlen(name) + 1);
    if (!path)
        return;
    memcpy(path, folder, folder_length);
    path[folder_length] = '/';
    strcpy(path + folder_length + 1, name);
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0) {
        if (flock(fd, LOCK_EX | LOCK_NB) == 0)
            unlink(path);
        close(fd); /* releases the lock */
    }
    free(path);
}

static void remove_abandoned_temporaries(const char *final_path)
{
    const char *slash = strrchr(final_path, '/');
    const char *base = slash ? slash + 1 : final_path;
    char *path = slash ? strndup(final_path, slash == final_path ? 1 : (size_t)(slash - final_path))
                       : strdup(".");
    if (!path)
        return;
    size_t base_length = strlen(base);
    pthread_mutex_lock(&listed_folders_lock);
    listed_folder *folder = list_folder(path);
    for (size_t i = 0; folder && i < folder->count;) {
        const char *name = folder->temporaries[i];
        if (strncmp(name, base, base_length) != 0 || strlen(name) != base_length + 11) {
            i++;
            continue;
        }
        remove_if_unlocked(path, name);
        free(folder->temporaries[i]); /* handled: dropped from the list */
        folder->temporaries[i] = folder->temporaries[--folder->count];
    }
    pthread_mutex_unlock(&listed_folders_lock);
    free(path);
}

/* Creates and locks "<final>.tmp-XXXXXX" (in output->temporary_path); returns the fd or -1. A
 * cleaner in another run may unlink the file between mkstemp and flock (it found it unlocked),
 * so the lock only counts once the name still leads to the locked file. The path is tracked
 * before the file exists (the caller does that), so an interrupt arriving in any thread while
 * the file is being created still removes it. */
static int create_locked_temporary(ink_output_file *output, size_t final_length)
{
    for (int attempt = 0; attempt < 8; attempt++) {
        memcpy(output->temporary_path + final_length, ".tmp-XXXXXX", sizeof ".tmp-XXXXXX");
        int fd = mkstemp(output->temporary_path);
        if (fd < 0)
            return -1;
        struct stat by_fd, by_name;
        if (flock(fd, LOCK_EX) == 0 && fstat(fd, &by_fd) == 0 &&
            stat(output->temporary_path, &by_name) == 0 && by_fd.st_ino == by_name.st_ino &&
            by_fd.st_dev == by_name.st_dev)
            return fd;
        close(fd);
    }
    errno = EAGAIN;
    return -1;
}

bool ink_output_file_open(ink_output_file *output, const char *final_path, ink_sink *out)
{
    memset(output, 0, sizeof *output);
    size_t length = strlen(final_path);
    output->final_path = strdup(final_path);
    output->temporary_path = malloc(length + sizeof ".tmp-XXXXXX");
    if (!output->final_path || !output->temporary_path) {
        free(output->final_path);
        free(output->temporary_path);
        errno = ENOMEM;
        return false;
    }
    memcpy(output->temporary_path, final_path, length);
    memcpy(output->temporary_path + length, ".tmp-XXXXXX", sizeof ".tmp-XXXXXX");
    remove_abandoned_temporaries(final_path);

    pthread_once(&handlers_once, install_handlers);
    sigset_t interrupts, saved_mask;
    sigemptyset(&interrupts);
    sigaddset(&interrupts, SIGINT);
    sigaddset(&interrupts, SIGTERM);
    sigaddset(&interrupts, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &interrupts, &saved_mask);
    atomic_fetch_add(&creating, 1);
    int fd = -1;
    if (!atomic_load(&interrupted)) {
        track_temporary(output->temporary_path);
        fd = create_locked_temporary(output, length);
        if (fd >= 0 && atomic_load(&interrupted)) {
            close(fd); /* the interrupt's sweep may have run before the file existed */
            unlink(output->temporary_path);
            fd = -1;
            errno = EINTR;
        }
    } else {
        errno = EINTR;
    }
    if (fd >= 0 && !(output->file = fdopen(fd, "w+b"))) {
        int saved = errno;
        close(fd);
        unlink(output->temporary_path);
        fd = -1;
        errno = saved;
    }
    atomic_fetch_sub(&creating, 1);
    pthread_sigmask(SIG_SETMASK, &saved_mask, NULL);
    if (fd < 0) {
        int saved = errno;
        untrack_temporary(output->temporary_path);
        free(output->final_path);
        free(output->temporary_path);
        errno = saved;
        return false;
    }
    fchmod(fd, 0644);
    *out = (ink_sink){output_write, output_seek, output};
    return true;
}

static void output_free(ink_output_file *output)
{
    untrack_temporary(output->temporary_path);
    free(output->final_path);
    free(output->temporary_path);
    memset(output, 0, sizeof *output);
}

/* The rename happens while the file is still open, so its flock is held until the name is the
 * final one: a cleaner can never take a finished temporary file for an abandoned one. */
bool ink_output_file_commit(ink_output_file *output)
{
    bool ok = fflush(output->file) == 0 && fsync(fileno(output->file)) == 0;
    int saved = errno;
    if (ok && rename(output->temporary_path, output->final_path) == 0) {
        untrack_temporary(output->temporary_path); /* the name now belongs to the final file */
        fclose(output->file);                      /* flushed and synced: nothing left to fail */
        sync_parent_folder(output->final_path);
        output_free(output);
        return true;
    }
    saved = errno ? errno : saved;
    unlink(output->temporary_path);
    untrack_temporary(output->temporary_path);
    fclose(output->file);
    output_free(output);
    errno = saved;
    return false;
}

void ink_output_file_abort(ink_output_file *output)
{
    if (output->file) {
        unlink(output->temporary_path);
        untrack_temporary(output->temporary_path);
        fclose(output->file);
    }
    output_free(output);
}

bool ink_read_file(const char *path, unsigned char **data, size_t *nbytes)
{
    FILE *file = fopen(path, "rb");
    if (!file)
        return false;
    size_t capacity = 1 << 16, size = 0, got;
    unsigned char *buffer = malloc(capacity);
    while (buffer && (got = fread(buffer + size, 1, capacity - size, file)) > 0) {
        size += got;
        if (size == capacity) {
            unsigned char *bigger = realloc(buffer, capacity * 2);
            if (!bigger) {
                free(buffer);
                buffer = NULL;
                break;
            }
            buffer = bigger;
            capacity *= 2;
        }
    }
    bool failed = !buffer || ferror(file);
    fclose(file);
    if (failed) {
        free(buffer);
        errno = buffer ? EIO : ENOMEM;
        return false;
    }
    *data = buffer;
    *nbytes = size;
    return true;
}
