/*
 * DOC: log.c - process-wide logging for every Mirador daemon.
 *
 * Owns the log target (stderr, an append-only file, or syslog), the level
 * filter and the program name.  Each call formats one whole line into a
 * fixed stack buffer and hands it to the target with a single write(2), so
 * logging never allocates (fatal may be called on OOM) and lines from
 * several processes appending to one file do not interleave.  Over-long
 * messages are cut and marked with "...".  Not thread-safe for
 * reconfiguration; the level and target are set from the loop thread only.
 */
#include "common/common.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#define LOG_LINE_MAX  4096 /* line buffer; lines are 1 byte shorter */
#define LOG_PROC_MAX  32   /* bytes of program name kept */
#define LOG_ERRNO_MAX 128  /* bytes of ": strerror" suffix */

enum log_target {
	LOG_TARGET_STDERR = 0,
	LOG_TARGET_FILE,
	LOG_TARGET_SYSLOG,
};

static struct {
	char procname[LOG_PROC_MAX]; /* shown in each line and to syslog */
	enum log_level level;        /* lines above it are dropped */
	enum log_target target;      /* where lines go */
	int fd;                      /* LOG_TARGET_FILE: the open file */
	char *path;                  /* file for log_reopen, owned */
} log_state = {"mirador", LOG_LEVEL_INFO, LOG_TARGET_STDERR, -1, NULL};

static const char *const log_level_names[] = {
    [LOG_LEVEL_ERR] = "err",
    [LOG_LEVEL_WARN] = "warn",
    [LOG_LEVEL_INFO] = "info",
    [LOG_LEVEL_DEBUG] = "debug",
};

/* Drops the current file or syslog target; stderr remains. */
static void
log_close_target(void)
{
	if (log_state.target == LOG_TARGET_FILE && log_state.fd >= 0)
		close(log_state.fd);
	else if (log_state.target == LOG_TARGET_SYSLOG)
		closelog();
	log_state.fd = -1;
	log_state.target = LOG_TARGET_STDERR;
}

void
log_init(const char *procname, enum log_level level)
{
	log_close_target();
	if (procname != NULL)
		str_lcpy(
		    log_state.procname, procname, sizeof(log_state.procname));
	log_set_level(level);
}

static int
log_open_fd(const char *path)
{
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	if (fd == -1)
		return -errno;
	return fd;
}

int
log_open_file(const char *path)
{
	char *copy;
	int fd;

	if (path == NULL)
		return -EINVAL;
	fd = log_open_fd(path);
	if (fd < 0)
		return fd;
	/* Copy first: path may be log_state.path itself. */
	copy = xstrdup(path);
	log_close_target();
	free(log_state.path);
	log_state.path = copy;
	log_state.fd = fd;
	log_state.target = LOG_TARGET_FILE;
	return 0;
}

int
log_reopen(void)
{
	int fd;

	/* stderr and syslog need no reopening: nothing to do. */
	if (log_state.target != LOG_TARGET_FILE || log_state.path == NULL)
		return 0;
	/* Open the new file before closing the old: keep it on failure. */
	fd = log_open_fd(log_state.path);
	if (fd < 0)
		return fd;
	close(log_state.fd);
	log_state.fd = fd;
	return 0;
}

void
log_use_syslog(void)
{
	log_close_target();
	free(log_state.path);
	log_state.path = NULL;
	openlog(log_state.procname, LOG_PID | LOG_NDELAY, LOG_DAEMON);
	log_state.target = LOG_TARGET_SYSLOG;
}

void
log_set_level(enum log_level level)
{
	if ((unsigned)level > LOG_LEVEL_DEBUG)
		level = LOG_LEVEL_DEBUG;
	log_state.level = level;
}

enum log_level
log_get_level(void)
{
	return log_state.level;
}

int
log_level_parse(const char *s, enum log_level *level)
{
	size_t i;

	if (s == NULL)
		return -EINVAL;
	for (i = 0; i < nitems(log_level_names); i++) {
		if (strcmp(s, log_level_names[i]) == 0) {
			*level = (enum log_level)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *
log_level_name(enum log_level level)
{
	if ((unsigned)level >= nitems(log_level_names))
		return "unknown";
	return log_level_names[level];
}

void
log_fini(void)
{
	log_close_target();
	free(log_state.path);
	log_state.path = NULL;
}

/* strerror_r in its GNU or XSI flavour, whichever the libc gives us. */
static const char *
log_strerror(int errnum, char *buf, size_t len)
{
#if defined(__GLIBC__) && defined(_GNU_SOURCE)
	return strerror_r(errnum, buf, len);
#else
	if (strerror_r(errnum, buf, len) != 0)
		snprintf(buf, len, "error %d", errnum);
	return buf;
#endif
}

/* Writes all of line, retrying on EINTR; errors cannot be reported. */
static void
log_write_all(int fd, const char *line, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, line, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		line += n;
		len -= (size_t)n;
	}
}

static void log_append(char *line, size_t size, size_t *off, const char *fmt,
    ...) PRINTFLIKE(4, 5);

/* Appends to line[*off] like snprintf, clamping *off to the buffer. */
static void
log_append(char *line, size_t size, size_t *off, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*off >= size - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(line + *off, size - *off, fmt, ap);
	va_end(ap);
	if (n > 0)
		*off = MIN(*off + (size_t)n, size - 1);
}

/* Appends the UTC time "2024-05-01T12:00:00.123Z " at line[*off]. */
static void
log_timestamp(char *line, size_t size, size_t *off)
{
	struct timespec ts;
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
		memset(&ts, 0, sizeof(ts));
	gmtime_r(&ts.tv_sec, &tm);
	*off += strftime(line + *off, size - *off, "%Y-%m-%dT%H:%M:%S", &tm);
	log_append(line, size, off, ".%03ldZ ", (long)(ts.tv_nsec / 1000000));
}

/*
 * Formats and emits one line of at most LOG_LINE_MAX - 1 bytes, newline
 * included.  sev is the syslog priority, name the level word, errnum 0 or
 * the errno whose text is appended.  The suffix is reserved before the
 * message is formatted, so a cut message still ends in "...: strerror".
 */
static void
log_vline(int sev, const char *name, const char *peer, int errnum,
    const char *fmt, va_list ap)
{
	char line[LOG_LINE_MAX], sfx[LOG_ERRNO_MAX], ebuf[LOG_ERRNO_MAX];
	size_t off = 0, start, room, sfxlen = 0;
	int n, fd;

	sfx[0] = '\0';
	if (errnum != 0)
		log_append(sfx, sizeof(sfx), &sfxlen, ": %s",
		    log_strerror(errnum, ebuf, sizeof(ebuf)));

	/* syslog stamps time, name and pid itself. */
	if (log_state.target != LOG_TARGET_SYSLOG) {
		log_timestamp(line, sizeof(line), &off);
		log_append(line, sizeof(line), &off,
		    "%s[%ld]: %s: ", log_state.procname, (long)getpid(), name);
	}
	start = off;
	if (peer != NULL)
		log_append(line, sizeof(line), &off, "%s: ", peer);

	/* The message ends by line[room]: suffix, "\n" and NUL stay free. */
	room = sizeof(line) - sfxlen - 2;
	if (off < room) {
		n = vsnprintf(line + off, room - off + 1, fmt, ap);
		off = n < 0 ? off : MIN(off + (size_t)n, room + 1);
	} else
		off = room + 1;
	if (off > room) {
		off = room;
		memcpy(line + off - 3, "...", 3);
	}
	memcpy(line + off, sfx, sfxlen);
	off += sfxlen;

	if (log_state.target == LOG_TARGET_SYSLOG) {
		line[off] = '\0';
		syslog(sev, "%s", line + start);
		return;
	}
	line[off++] = '\n';
	fd = log_state.target == LOG_TARGET_FILE ? log_state.fd : STDERR_FILENO;
	log_write_all(fd, line, off);
}

/* Level filter, then format; errno is saved before anything clobbers it. */
#define LOG_EMIT(lvl, sev, peer, witherr, fmt)                                 \
	do {                                                                   \
		int saved_errno = errno;                                       \
		va_list ap;                                                    \
		if ((lvl) > log_state.level)                                   \
			break;                                                 \
		va_start(ap, fmt);                                             \
		log_vline(sev, log_level_names[lvl], peer,                     \
		    (witherr) ? saved_errno : 0, fmt, ap);                     \
		va_end(ap);                                                    \
		errno = saved_errno;                                           \
	} while (0)

void
log_err(const char *fmt, ...)
{
	LOG_EMIT(LOG_LEVEL_ERR, LOG_ERR, NULL, false, fmt);
}

void
log_warn(const char *fmt, ...)
{
	LOG_EMIT(LOG_LEVEL_WARN, LOG_WARNING, NULL, true, fmt);
}

void
log_warnx(const char *fmt, ...)
{
	LOG_EMIT(LOG_LEVEL_WARN, LOG_WARNING, NULL, false, fmt);
}

void
log_info(const char *fmt, ...)
{
	LOG_EMIT(LOG_LEVEL_INFO, LOG_INFO, NULL, false, fmt);
}

void
log_debug(const char *fmt, ...)
{
	LOG_EMIT(LOG_LEVEL_DEBUG, LOG_DEBUG, NULL, false, fmt);
}

void
log_peer_warn(const char *peer, const char *fmt, ...)
{
	LOG_EMIT(LOG_LEVEL_WARN, LOG_WARNING, peer, true, fmt);
}

void
log_peer_warnx(const char *peer, const char *fmt, ...)
{
	LOG_EMIT(LOG_LEVEL_WARN, LOG_WARNING, peer, false, fmt);
}

void
log_peer_info(const char *peer, const char *fmt, ...)
{
	LOG_EMIT(LOG_LEVEL_INFO, LOG_INFO, peer, false, fmt);
}

void
log_peer_debug(const char *peer, const char *fmt, ...)
{
	LOG_EMIT(LOG_LEVEL_DEBUG, LOG_DEBUG, peer, false, fmt);
}

/* fatal lines ignore the level filter and use LOG_CRIT, as OpenBGPD does. */
void
fatal(const char *fmt, ...)
{
	int saved_errno = errno;
	va_list ap;

	va_start(ap, fmt);
	log_vline(LOG_CRIT, "fatal", NULL, saved_errno, fmt, ap);
	va_end(ap);
	abort();
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vline(LOG_CRIT, "fatal", NULL, 0, fmt, ap);
	va_end(ap);
	abort();
}
