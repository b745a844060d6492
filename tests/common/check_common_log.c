/*
 * DOC: check_common_log.c - tests of common/log.c.
 *
 * Every case logs into a fresh file under $TMPDIR (or /tmp) and reads it
 * back: the exact line layout, the peer prefix, the strerror suffix,
 * level filtering, truncation of long lines, the file's mode and flags,
 * re-opening after rotation, and fatal logging before abort().
 */
#include "common/common.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/common/suites.h"

#define PROC "cktest"

static char tmpdir[PATH_MAX];       /* per-test directory */
static char logpath[PATH_MAX + 8];  /* tmpdir/log */
static char rotpath[PATH_MAX + 16]; /* tmpdir/log.1, rotated */
static char text[16384];            /* what the file holds, see slurp() */

static void
setup(void)
{
	const char *base = getenv("TMPDIR");

	if (base == NULL || *base == '\0')
		base = "/tmp";
	snprintf(tmpdir, sizeof(tmpdir), "%s/ck_log.XXXXXX", base);
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(logpath, sizeof(logpath), "%s/log", tmpdir);
	snprintf(rotpath, sizeof(rotpath), "%s.1", logpath);
	log_init(PROC, LOG_LEVEL_DEBUG);
	ck_assert_int_eq(log_open_file(logpath), 0);
}

static void
teardown(void)
{
	log_fini();
	unlink(rotpath);
	unlink(logpath);
	rmdir(tmpdir);
}

/* Reads path into text; returns its length. */
static size_t
slurp(const char *path)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	n = read(fd, text, sizeof(text) - 1);
	ck_assert_int_ge(n, 0);
	close(fd);
	text[n] = '\0';
	return (size_t)n;
}

static size_t
count_lines(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		n += *s == '\n';
	return n;
}

/* Checks "<time> PROC[<pid>]: " at line and returns what follows. */
static const char *
after_stamp(const char *line)
{
	static const char *re =
	    "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:"
	    "[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z " PROC "\\[[0-9]+\\]: ";
	regmatch_t m;
	regex_t rx;
	char want[64];
	int rc;

	ck_assert_int_eq(regcomp(&rx, re, REG_EXTENDED), 0);
	rc = regexec(&rx, line, 1, &m, 0);
	regfree(&rx);
	ck_assert_msg(rc == 0, "bad line start: \"%.60s\"", line);
	snprintf(want, sizeof(want), PROC "[%ld]: ", (long)getpid());
	ck_assert_int_eq(strncmp(line + 25, want, strlen(want)), 0);
	return line + m.rm_eo;
}

/* Copies text into out without each line's stamp and program name. */
static void
strip_stamps(char *out, size_t len)
{
	const char *line = text, *rest, *nl;
	size_t off = 0, n;

	out[0] = '\0';
	while ((nl = strchr(line, '\n')) != NULL) {
		rest = after_stamp(line);
		n = (size_t)(nl + 1 - rest);
		ck_assert_uint_lt(off + n, len);
		memcpy(out + off, rest, n);
		off += n;
		out[off] = '\0';
		line = nl + 1;
	}
	ck_assert_str_eq(line, ""); /* every line ends in \n */
}

START_TEST(test_log_line_format)
{
	char want[256], got[256];

	errno = EIO;
	log_warn("hello %d", 42);
	ck_assert_int_eq(errno, EIO); /* logging keeps errno */
	log_warnx("plain %s", "x");
	log_err("e");
	log_info("i");
	log_debug("d");
	slurp(logpath);
	strip_stamps(got, sizeof(got));
	snprintf(want, sizeof(want),
	    "warn: hello 42: %s\nwarn: plain x\nerr: e\ninfo: i\ndebug: d\n",
	    strerror(EIO));
	ck_assert_str_eq(got, want);
}
END_TEST

/* The stamp is UTC now, to the millisecond, in ISO-8601. */
START_TEST(test_log_timestamp)
{
	struct tm tm;
	time_t before, after, stamp;
	char *end;

	before = time(NULL);
	log_info("tick");
	after = time(NULL);
	slurp(logpath);
	memset(&tm, 0, sizeof(tm));
	end = strptime(text, "%Y-%m-%dT%H:%M:%S", &tm);
	ck_assert_ptr_nonnull(end);
	ck_assert_int_eq(end[0], '.');
	ck_assert_int_eq(end[4], 'Z');
	stamp = timegm(&tm);
	ck_assert_int_ge(stamp, before);
	ck_assert_int_le(stamp, after);
}
END_TEST

START_TEST(test_log_peer)
{
	char want[256], got[256];

	errno = ECONNREFUSED;
	log_peer_warn("192.0.2.1", "connect to %s", "bgp");
	log_peer_warnx("192.0.2.1", "bad OPEN");
	log_peer_info("peer a", "up");
	log_peer_debug("peer a", "keepalive %u", 3u);
	slurp(logpath);
	strip_stamps(got, sizeof(got));
	snprintf(want, sizeof(want),
	    "warn: 192.0.2.1: connect to bgp: %s\n"
	    "warn: 192.0.2.1: bad OPEN\n"
	    "info: peer a: up\n"
	    "debug: peer a: keepalive 3\n",
	    strerror(ECONNREFUSED));
	ck_assert_str_eq(got, want);
}
END_TEST

/* For each level L, exactly the calls at or below L reach the file. */
START_TEST(test_log_filter)
{
	enum log_level lvl = (enum log_level)_i;
	size_t want[] = {1, 5, 7, 9}; /* lines kept per level */

	log_set_level(lvl);
	ck_assert_int_eq(log_get_level(), lvl);
	log_err("err");
	log_warn("warn");
	log_warnx("warnx");
	log_peer_warn("p", "pwarn");
	log_peer_warnx("p", "pwarnx");
	log_info("info");
	log_peer_info("p", "pinfo");
	log_debug("debug");
	log_peer_debug("p", "pdebug");
	slurp(logpath);
	ck_assert_uint_eq(count_lines(text), want[_i]);
	ck_assert_int_eq(strstr(text, "debug: debug\n") != NULL, _i >= 3);
	ck_assert_int_eq(strstr(text, "info: info\n") != NULL, _i >= 2);
	ck_assert_int_eq(strstr(text, "warn: warnx\n") != NULL, _i >= 1);
	ck_assert_ptr_nonnull(strstr(text, "err: err\n"));
}
END_TEST

static const struct {
	const char *s;
	int rc;
	enum log_level lvl;
} level_names[] = {
    {"err", 0, LOG_LEVEL_ERR},
    {"warn", 0, LOG_LEVEL_WARN},
    {"info", 0, LOG_LEVEL_INFO},
    {"debug", 0, LOG_LEVEL_DEBUG},
    {"", -EINVAL, 0},
    {"ERR", -EINVAL, 0},
    {"warning", -EINVAL, 0},
    {"info ", -EINVAL, 0},
    {" debug", -EINVAL, 0},
    {"deb", -EINVAL, 0},
};

START_TEST(test_log_level_parse)
{
	enum log_level lvl;
	size_t i;

	for (i = 0; i < nitems(level_names); i++) {
		lvl = LOG_LEVEL_INFO;
		ck_assert_msg(log_level_parse(level_names[i].s, &lvl) ==
			level_names[i].rc,
		    "\"%s\"", level_names[i].s);
		if (level_names[i].rc == 0) {
			ck_assert_int_eq(lvl, level_names[i].lvl);
			ck_assert_str_eq(log_level_name(lvl), level_names[i].s);
		} else
			ck_assert_int_eq(lvl, LOG_LEVEL_INFO); /* untouched */
	}
	ck_assert_str_eq(log_level_name((enum log_level)7), "unknown");
}
END_TEST

/* Length of the "TIME PROC[pid]: warn: " head of every line. */
static size_t
head_len(void)
{
	size_t n;

	log_warnx("x");
	n = slurp(logpath);
	ck_assert_int_eq(truncate(logpath, 0), 0);
	return n - 2;
}

/* A message that fills the line exactly is kept; one more byte is cut. */
START_TEST(test_log_truncate)
{
	static char msg[8192];
	char want[128];
	size_t head, fit, n;

	head = head_len();
	fit = 4095 - 1 - head; /* 4 KiB buffer: NUL and "\n" */
	memset(msg, 'a', sizeof(msg) - 1);

	log_warnx("%.*s", (int)fit, msg);
	n = slurp(logpath);
	ck_assert_uint_eq(n, 4095);
	ck_assert_ptr_null(strstr(text, "..."));
	ck_assert_int_eq(truncate(logpath, 0), 0);

	log_warnx("%.*s", (int)fit + 1, msg);
	n = slurp(logpath);
	ck_assert_uint_eq(n, 4095);
	ck_assert_str_eq(text + n - 5, "a...\n");
	ck_assert_int_eq(truncate(logpath, 0), 0);

	/* The strerror suffix survives a cut. */
	errno = ENOENT;
	log_warn("%s", msg);
	n = slurp(logpath);
	ck_assert_uint_eq(n, 4095);
	ck_assert_ptr_nonnull(strstr(text, "a...: "));
	snprintf(want, sizeof(want), "...: %s\n", strerror(ENOENT));
	ck_assert_str_eq(strstr(text, "...: "), want);
}
END_TEST

/* The descriptor logging to path, found through /proc/self/fd. */
static int
find_fd(const char *path)
{
	char link[64], target[PATH_MAX];
	ssize_t n;
	int fd;

	for (fd = 0; fd < 1024; fd++) {
		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		n = readlink(link, target, sizeof(target) - 1);
		if (n < 0)
			continue;
		target[n] = '\0';
		if (strcmp(target, path) == 0)
			return fd;
	}
	return -1;
}

/* Created 0640, opened O_APPEND | O_CLOEXEC. */
START_TEST(test_log_file_mode)
{
	const char *path = rotpath;
	char real[PATH_MAX];
	struct stat st;
	mode_t old;
	int fd;

	old = umask(0);
	ck_assert_int_eq(log_open_file(path), 0);
	umask(old);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0640);
	ck_assert_ptr_nonnull(realpath(path, real));
	fd = find_fd(real);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_ne(fcntl(fd, F_GETFD) & FD_CLOEXEC, 0);
	ck_assert_int_ne(fcntl(fd, F_GETFL) & O_APPEND, 0);
	/* The first file was closed when the second was opened. */
	ck_assert_ptr_nonnull(realpath(logpath, real));
	ck_assert_int_eq(find_fd(real), -1);
}
END_TEST

/* Appends: what the file held stays; a failed open keeps the old file. */
START_TEST(test_log_file_append)
{
	char bad[PATH_MAX + 16];

	log_info("one");
	ck_assert_int_eq(log_open_file(logpath), 0);
	log_info("two");
	snprintf(bad, sizeof(bad), "%s/nodir/log", tmpdir);
	ck_assert_int_eq(log_open_file(bad), -ENOENT);
	log_info("three");
	slurp(logpath);
	ck_assert_uint_eq(count_lines(text), 3);
	ck_assert_ptr_nonnull(strstr(text, "info: three\n"));
}
END_TEST

/* Rotation: rename, log_reopen, new lines go to a new file at path. */
START_TEST(test_log_reopen)
{
	const char *rotated = rotpath;

	log_info("before");
	ck_assert_int_eq(rename(logpath, rotated), 0);
	log_info("between"); /* still the renamed file */
	ck_assert_int_eq(log_reopen(), 0);
	log_info("after");
	slurp(rotated);
	ck_assert_ptr_nonnull(strstr(text, "info: before\n"));
	ck_assert_ptr_nonnull(strstr(text, "info: between\n"));
	ck_assert_ptr_null(strstr(text, "after"));
	slurp(logpath);
	ck_assert_uint_eq(count_lines(text), 1);
	ck_assert_ptr_nonnull(strstr(text, "info: after\n"));

	/* Without a file there is nothing to reopen, and no error. */
	log_init(PROC, LOG_LEVEL_INFO);
	ck_assert_int_eq(log_reopen(), 0);
}
END_TEST

/* syslog mode leaves the file alone; log_fini brings stderr back. */
START_TEST(test_log_syslog)
{
	log_use_syslog();
	log_info("to syslog");
	log_fini();
	ck_assert_uint_eq(slurp(logpath), 0);
	ck_assert_int_eq(log_reopen(), 0);
}
END_TEST

/* Runs f in a child; it must log its line to the file and abort. */
static void
expect_fatal(void (*f)(void), const char *want)
{
	int status;
	pid_t pid;

	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		f();
		_exit(0); /* not reached if f aborts */
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFSIGNALED(status));
	ck_assert_int_eq(WTERMSIG(status), SIGABRT);
	slurp(logpath);
	ck_assert_msg(
	    strstr(text, want) != NULL, "want \"%s\" in \"%s\"", want, text);
}

static void
call_fatalx(void)
{
	log_set_level(LOG_LEVEL_ERR); /* fatal ignores the filter */
	fatalx("broken %s", "invariant");
}

static void
call_fatal(void)
{
	errno = ENOMEM;
	fatal("cannot %s", "go on");
}

START_TEST(test_log_fatal)
{
	char want[128];

	expect_fatal(call_fatalx, ": fatal: broken invariant\n");
	snprintf(want, sizeof(want), ": fatal: cannot go on: %s\n",
	    strerror(ENOMEM));
	expect_fatal(call_fatal, want);
}
END_TEST

Suite *
common_log_suite(void)
{
	Suite *s = suite_create("common_log");
	TCase *tc;

	tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_log_line_format);
	tcase_add_test(tc, test_log_timestamp);
	tcase_add_test(tc, test_log_peer);
	tcase_add_loop_test(tc, test_log_filter, 0, 4);
	tcase_add_test(tc, test_log_fatal);
	suite_add_tcase(s, tc);

	tc = tcase_create("malformed");
	tcase_add_test(tc, test_log_level_parse);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_log_truncate);
	suite_add_tcase(s, tc);

	tc = tcase_create("io");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 5);
	tcase_add_test(tc, test_log_file_mode);
	tcase_add_test(tc, test_log_file_append);
	tcase_add_test(tc, test_log_reopen);
	tcase_add_test(tc, test_log_syslog);
	suite_add_tcase(s, tc);
	return s;
}
