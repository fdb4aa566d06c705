/*
 * Output that cannot be lost silently, and helper programs run without a shell.
 *
 * Files are written to a temporary file in the same directory, flushed, fsync'ed and renamed over
 * the target, so a failure (full disk, file size limit, crash) leaves the previous file intact and is
 * reported; standard output is checked at exit. A target that exists and is not a regular file (a
 * FIFO, a terminal, /dev/null, /dev/stdout) is written in place: renaming over it would replace the
 * device node itself (as root, /dev/null became a regular file). A directory is refused. Programs (gnuplot) are run with an argument vector
 * by fork + chdir + execvp: no shell ever sees a user-supplied string.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"

static int file_error(const char *what, const char *path, int err)
{
    fprintf(stderr, "voigtspin: cannot %s %s: %s\n", what, path, strerror(err));
    return CLI_EXIT_FAIL;
}

/* The permissions an ordinary fopen(path, "w") would give: 0666 minus the umask. */
static mode_t file_mode(void)
{
    mode_t mask = umask(0);
    umask(mask);
    return 0666 & ~mask;
}

/* Make the rename durable: fsync the directory holding path (best effort: some file systems refuse). */
static void sync_parent(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
    if (dir == NULL)
        return;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
    free(dir);
}

/* Does path exist as something other than a regular file? *dir = 1 if it is a directory. */
static int special_target(const char *path, int *dir)
{
    struct stat sb;
    *dir = 0;
    if (stat(path, &sb) != 0 || S_ISREG(sb.st_mode))
        return 0;
    *dir = S_ISDIR(sb.st_mode);
    return 1;
}

int cli_file_open(cli_file *f, const char *path)
{
    f->fp = NULL;
    f->tmp = NULL;
    if ((f->path = strdup(path)) == NULL)
        return file_error("write", path, ENOMEM);
    int dir;
    if (special_target(path, &dir)) { /* written in place (no temporary file: f->tmp stays NULL) */
        int fd = dir ? -1 : open(path, O_WRONLY | O_CLOEXEC);
        int err = dir ? EISDIR : errno;
        if (fd < 0 || (f->fp = fdopen(fd, "w")) == NULL) {
            err = fd < 0 ? err : errno;
            if (fd >= 0)
                close(fd);
            cli_file_discard(f);
            return file_error("write", path, err);
        }
        return 0;
    }
    if ((f->tmp = malloc(strlen(path) + 8)) == NULL) {
        cli_file_discard(f);
        return file_error("write", path, ENOMEM);
    }
    sprintf(f->tmp, "%s.XXXXXX", path);
    int fd = mkstemp(f->tmp);
    if (fd < 0) {
        int err = errno;
        free(f->tmp);
        f->tmp = NULL;
        cli_file_discard(f);
        return file_error("write", path, err);
    }
    if (fchmod(fd, file_mode()) != 0 || (f->fp = fdopen(fd, "w")) == NULL) {
        int err = errno;
        close(fd);
        cli_file_discard(f);
        return file_error("write", path, err);
    }
    return 0;
}

void cli_file_discard(cli_file *f)
{
    if (f->fp)
        fclose(f->fp);
    if (f->tmp) {
        unlink(f->tmp);
        free(f->tmp);
    }
    free(f->path);
    f->fp = NULL;
    f->tmp = NULL;
    f->path = NULL;
}

int cli_file_commit(cli_file *f)
{
    int err = 0;
    errno = 0;
    if (fflush(f->fp) != 0 || ferror(f->fp))
        err = errno ? errno : EIO;
    else if (f->tmp != NULL && fsync(fileno(f->fp)) != 0) /* devices and FIFOs: nothing to sync */
        err = errno;
    int rc = fclose(f->fp);
    f->fp = NULL;
    if (rc != 0 && err == 0)
        err = errno ? errno : EIO;
    if (err == 0 && f->tmp != NULL && rename(f->tmp, f->path) != 0)
        err = errno;
    if (err != 0) {
        file_error("write", f->path, err);
        cli_file_discard(f);
        return CLI_EXIT_FAIL;
    }
    if (f->tmp != NULL)
        sync_parent(f->path);
    free(f->tmp);
    f->tmp = NULL;
    cli_file_discard(f);
    return 0;
}

/* Copy the finished file tmp into the existing non-regular target path (see the top), then remove
 * tmp. */
static int copy_into(const char *tmp, const char *path)
{
    int in = open(tmp, O_RDONLY | O_CLOEXEC), out = in < 0 ? -1 : open(path, O_WRONLY | O_CLOEXEC);
    int err = in < 0 || out < 0 ? errno : 0;
    char buf[65536];
    ssize_t n = 0;
    while (err == 0 && (n = read(in, buf, sizeof buf)) != 0) {
        if (n < 0) {
            if (errno != EINTR)
                err = errno;
            continue;
        }
        for (ssize_t off = 0, w; err == 0 && off < n; off += w > 0 ? w : 0)
            if ((w = write(out, buf + off, (size_t)(n - off))) < 0 && errno != EINTR)
                err = errno;
    }
    if (out >= 0 && close(out) != 0 && err == 0)
        err = errno;
    if (in >= 0)
        close(in);
    unlink(tmp);
    return err != 0 ? file_error("write", path, err) : 0;
}

int cli_file_install(const char *tmp, const char *path)
{
    int dir;
    if (special_target(path, &dir)) {
        if (!dir)
            return copy_into(tmp, path);
        unlink(tmp);
        return file_error("write", path, EISDIR);
    }
    int fd = open(tmp, O_RDONLY | O_CLOEXEC);
    int err = fd < 0 ? errno : 0;
    if (fd >= 0) {
        if (fsync(fd) != 0)
            err = errno;
        close(fd);
    }
    if (err == 0 && rename(tmp, path) != 0)
        err = errno;
    if (err != 0) {
        unlink(tmp);
        return file_error("write", path, err);
    }
    sync_parent(path);
    return 0;
}

int cli_close_stdout(int rc)
{
    errno = 0;
    int bad = fflush(stdout) != 0 || ferror(stdout);
    int err = errno;
    if (fclose(stdout) != 0 && !bad) {
        bad = 1;
        err = errno;
    }
    if (!bad)
        return rc;
    fprintf(stderr, "voigtspin: error writing standard output: %s\n", strerror(err ? err : EIO));
    return rc != CLI_EXIT_OK ? rc : CLI_EXIT_FAIL;
}

int cli_run(const char *dir, char *const argv[], const char *log, int append)
{
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        /* Child: only async-signal-safe calls until exec (the library may have started threads). */
        int in = open("/dev/null", O_RDONLY);
        if (in < 0 || dup2(in, STDIN_FILENO) < 0 || chdir(dir) != 0)
            _exit(126);
        int out = open(log, O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC), 0666);
        if (out < 0 || dup2(out, STDOUT_FILENO) < 0 || dup2(out, STDERR_FILENO) < 0)
            _exit(126);
        execvp(argv[0], argv);
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}
