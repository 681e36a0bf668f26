/* SPDX-License-Identifier: MIT */
/*
 * test_cli_output.c: `-o FILE` end to end (issue 10): it writes through a
 * symbolic link to the link's target and leaves the link a link; it refuses
 * a FIFO, a directory, a link to a FIFO and a dangling link with exit 2,
 * writing nothing; it keeps an existing file's mode (0600 stays 0600); a new
 * file gets 0666 less the umask; `-o -` is stdout and creates no file named
 * "-". Every case runs `gigawatt catalog models` in a fresh temporary folder
 * and checks that no temporary file is left behind.
 */
#define _XOPEN_SOURCE 700
#include <gigawatt/gigawatt.h>

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

static char dir[64];

static void path(char *buf, size_t n, const char *name)
{
    snprintf(buf, n, "%s/%s", dir, name);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/gw_cli_outXXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Runs `gigawatt catalog models ARGS` in dir with umask 022, stdout to
 * dir/.stdout and stderr to dir/.stderr; returns the exit status. */
static int run(const char *args)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "cd '%s' && umask 022 && GIGAWATT_DATA= '%s' catalog models %s >.stdout 2>.stderr",
             dir, GW_BINARY, args);
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static long file_size(const char *name)
{
    char p[128];
    path(p, sizeof p, name);
    struct stat st;
    return stat(p, &st) == 0 ? (long)st.st_size : -1;
}

static mode_t lmode(const char *name)
{
    char p[128];
    path(p, sizeof p, name);
    struct stat st;
    assert_int_equal(lstat(p, &st), 0);
    return st.st_mode;
}

static bool stderr_has(const char *text)
{
    char p[128], buf[1024];
    path(p, sizeof p, ".stderr");
    FILE *f = fopen(p, "r");
    assert_non_null(f);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return strstr(buf, text) != NULL;
}

/* Entries of dir other than the named ones and .stdout/.stderr. */
static int n_other_files(const char *a, const char *b)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        const char *s = e->d_name;
        if (strcmp(s, ".") && strcmp(s, "..") && strcmp(s, ".stdout") && strcmp(s, ".stderr") &&
            strcmp(s, a) && strcmp(s, b))
            n++;
    }
    closedir(d);
    return n;
}

static void write_file(const char *name, const char *text, mode_t mode)
{
    char p[128];
    path(p, sizeof p, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    assert_int_equal(chmod(p, mode), 0);
}

static void through_symlink(void **state)
{
    (void)state;
    char p[128];
    write_file("real.txt", "old\n", 0600);
    path(p, sizeof p, "link.txt");
    assert_int_equal(symlink("real.txt", p), 0);
    assert_int_equal(run("-o link.txt"), 0);
    assert_true(S_ISLNK(lmode("link.txt")));
    assert_true(S_ISREG(lmode("real.txt")));
    assert_int_equal(lmode("real.txt") & 07777, 0600);
    assert_true(file_size("real.txt") > 100); /* the listing, not "old\n" */
    assert_int_equal(file_size(".stdout"), 0);
    assert_int_equal(n_other_files("real.txt", "link.txt"), 0);
}

static void keeps_mode(void **state)
{
    (void)state;
    write_file("secret.txt", "old\n", 0600);
    assert_int_equal(run("-o secret.txt"), 0);
    assert_int_equal(lmode("secret.txt") & 07777, 0600);
    assert_true(file_size("secret.txt") > 100);
    /* A new file: 0666 less the umask 022. */
    assert_int_equal(run("--output=fresh.txt"), 0);
    assert_int_equal(lmode("fresh.txt") & 07777, 0644);
    assert_int_equal(file_size("fresh.txt"), file_size("secret.txt"));
    assert_int_equal(n_other_files("secret.txt", "fresh.txt"), 0);
}

static void dash_is_stdout(void **state)
{
    (void)state;
    assert_int_equal(run("-o -"), 0);
    assert_int_equal(file_size("-"), -1);
    assert_true(file_size(".stdout") > 100);
    assert_int_equal(n_other_files("", ""), 0);
}

static void refuses_special(void **state)
{
    (void)state;
    char p[128];
    path(p, sizeof p, "fifo");
    assert_int_equal(mkfifo(p, 0644), 0);
    path(p, sizeof p, "sub");
    assert_int_equal(mkdir(p, 0755), 0);
    path(p, sizeof p, "to-fifo");
    assert_int_equal(symlink("fifo", p), 0);
    path(p, sizeof p, "dangling");
    assert_int_equal(symlink("nowhere", p), 0);

    assert_int_equal(run("-o fifo"), 2);
    assert_true(stderr_has("gigawatt catalog: --output fifo: a FIFO, not a regular file; "
                           "nothing written"));
    assert_true(S_ISFIFO(lmode("fifo")));
    assert_int_equal(run("-o sub"), 2);
    assert_true(stderr_has("--output sub: a directory, not a regular file"));
    assert_true(S_ISDIR(lmode("sub")));
    assert_int_equal(run("-o to-fifo"), 2);
    assert_true(stderr_has("--output to-fifo: links to a FIFO, not a regular file"));
    assert_true(S_ISLNK(lmode("to-fifo")));
    assert_int_equal(run("-o dangling"), 2);
    assert_true(stderr_has("--output dangling: a symbolic link to a missing file"));
    assert_true(S_ISLNK(lmode("dangling")));
    assert_int_equal(file_size("nowhere"), -1);
    assert_int_equal(file_size(".stdout"), 0);
    /* Nothing else appeared: no temporary file, no "nowhere". */
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        n++;
    closedir(d);
    assert_int_equal(n, 2 + 2 + 4); /* . .. .stdout .stderr and the four */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(through_symlink, setup, teardown),
        cmocka_unit_test_setup_teardown(keeps_mode, setup, teardown),
        cmocka_unit_test_setup_teardown(dash_is_stdout, setup, teardown),
        cmocka_unit_test_setup_teardown(refuses_special, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
