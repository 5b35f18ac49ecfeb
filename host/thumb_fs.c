/*
 * thumb_fs.c — the thumbnail cache's folder on the host. See thumb_fs.h.
 */
#include "host/thumb_fs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

char *ink_host_thumb_fs_path(const ink_host_thumb_fs *state, const char *name)
{
    size_t nbytes = strlen(state->folder) + 1u + strlen(name) + 1u;
    char *path = malloc(nbytes);
    if (path)
        snprintf(path, nbytes, "%s/%s", state->folder, name);
    return path;
}

static ink_error host_create(void *user, const char *name)
{
    ink_host_thumb_fs *state = user;
    char *path = ink_host_thumb_fs_path(state, name);
    if (!path)
        return INK_ERR_IO;
    state->write_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    free(path);
    return state->write_fd < 0 ? INK_ERR_IO : INK_OK;
}

static ink_error host_write(void *user, const uint8_t *src, size_t nbytes)
{
    ink_host_thumb_fs *state = user;
    while (nbytes > 0) {
        ssize_t done = write(state->write_fd, src, nbytes);
        if (done < 0 && errno == EINTR)
            continue;
        if (done <= 0)
            return INK_ERR_IO;
        src += done;
        nbytes -= (size_t)done;
    }
    return INK_OK;
}

static ink_error host_commit(void *user)
{
    ink_host_thumb_fs *state = user;
    int synced = fsync(state->write_fd);
    int closed = close(state->write_fd);
    state->write_fd = -1;
    return synced == 0 && closed == 0 ? INK_OK : INK_ERR_IO;
}

static void host_discard(void *user)
{
    ink_host_thumb_fs *state = user;
    if (state->write_fd >= 0)
        close(state->write_fd);
    state->write_fd = -1;
}

static ink_error host_rename(void *user, const char *from, const char *to)
{
    ink_host_thumb_fs *state = user;
    char *from_path = ink_host_thumb_fs_path(state, from);
    char *to_path = ink_host_thumb_fs_path(state, to);
    int renamed = from_path && to_path ? rename(from_path, to_path) : -1;
    free(from_path);
    free(to_path);
    if (renamed != 0)
        return INK_ERR_IO;
    /* The rename is in the folder's metadata: sync it so the new name is durable. */
    int folder = open(state->folder, O_RDONLY | O_DIRECTORY);
    if (folder >= 0) {
        (void)fsync(folder);
        close(folder);
    }
    return INK_OK;
}

static ink_error host_read(void *user, const char *name, uint8_t *dst, size_t nbytes,
                           size_t *got)
{
    ink_host_thumb_fs *state = user;
    *got = 0;
    char *path = ink_host_thumb_fs_path(state, name);
    if (!path)
        return INK_ERR_IO;
    int fd = open(path, O_RDONLY);
    free(path);
    if (fd < 0)
        return errno == ENOENT ? INK_OK : INK_ERR_IO;
    ink_error err = INK_OK;
    while (*got < nbytes) {
        ssize_t done = read(fd, dst + *got, nbytes - *got);
        if (done < 0 && errno == EINTR)
            continue;
        if (done < 0)
            err = INK_ERR_IO;
        if (done <= 0)
            break;
        *got += (size_t)done;
    }
    close(fd);
    return err;
}

static ink_error host_remove(void *user, const char *name)
{
    ink_host_thumb_fs *state = user;
    char *path = ink_host_thumb_fs_path(state, name);
    int removed = path ? unlink(path) : -1;
    int error = errno;
    free(path);
    return removed == 0 || error == ENOENT ? INK_OK : INK_ERR_IO;
}

static ink_error host_list(void *user, ink_thumb_fs_list_fn *fn, void *context)
{
    ink_host_thumb_fs *state = user;
    DIR *folder = opendir(state->folder);
    if (!folder)
        return INK_ERR_IO;
    ink_error err = INK_OK;
    struct dirent *entry;
    while (err == INK_OK && (entry = readdir(folder)) != NULL) {
        if (entry->d_name[0] == '.')
            continue;
        char *path = ink_host_thumb_fs_path(state, entry->d_name);
        struct stat info;
        if (path && stat(path, &info) == 0 && S_ISREG(info.st_mode)) {
            ink_thumb_fs_entry item = {
                entry->d_name, (uint64_t)info.st_size,
                (uint64_t)info.st_mtim.tv_sec * 1000000000u + (uint64_t)info.st_mtim.tv_nsec};
            err = fn(context, &item);
        }
        free(path);
    }
    closedir(folder);
    return err;
}

static ink_error host_touch(void *user, const char *name, uint64_t stamp)
{
    ink_host_thumb_fs *state = user;
    char *path = ink_host_thumb_fs_path(state, name);
    if (!path)
        return INK_ERR_IO;
    struct timespec times[2];
    times[0].tv_sec = (time_t)(stamp / 1000000000u);
    times[0].tv_nsec = (long)(stamp % 1000000000u);
    times[1] = times[0];
    int done = utimensat(AT_FDCWD, path, times, 0);
    free(path);
    return done == 0 ? INK_OK : INK_ERR_IO;
}

static uint64_t host_now(void *user)
{
    ink_host_thumb_fs *state = user;
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    uint64_t stamp = (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
    if (stamp <= state->last_stamp)
        stamp = state->last_stamp + 1u;
    state->last_stamp = stamp;
    return stamp;
}

static bool make_folder(const char *path)
{
    return mkdir(path, 0755) == 0 || errno == EEXIST;
}

bool ink_host_thumb_fs_open(ink_host_thumb_fs *state, const char *root, ink_thumb_fs *out)
{
    memset(state, 0, sizeof *state);
    state->write_fd = -1;
    size_t nbytes = strlen(root) + sizeof "/thumbs";
    state->folder = malloc(nbytes);
    if (!state->folder)
        return false;
    snprintf(state->folder, nbytes, "%s/thumbs", root);
    if (!make_folder(root) || !make_folder(state->folder)) {
        int error = errno;
        free(state->folder);
        state->folder = NULL;
        errno = error;
        return false;
    }
    *out = (ink_thumb_fs){host_create, host_write, host_commit, host_discard, host_rename,
                          host_read,   host_remove, host_list,  host_touch,   host_now, state};
    return true;
}

void ink_host_thumb_fs_close(ink_host_thumb_fs *state)
{
    host_discard(state);
    free(state->folder);
    state->folder = NULL;
}
