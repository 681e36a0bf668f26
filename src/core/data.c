/* SPDX-License-Identifier: MIT */
/*
 * data.c: reading files and the data/ catalogs. Catalogs are embedded in the
 * library at build time (tools/embed.c) so `gigawatt` works from any
 * directory; --data DIR or $GIGAWATT_DATA point at a directory instead, for
 * users who edit or extend the catalogs.
 */
#include <gigawatt/core.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/core_internal.h"

gw_status gw__file_read(gw_ctx *ctx, const char *path, size_t max_bytes, char **buf, size_t *len,
                        gw_error *err)
{
    *buf = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        gw__err(err, GW_EIO, "cannot open: %s", strerror(errno));
        gw__err_loc(err, path, 0, 0, NULL);
        return GW_EIO;
    }
    /* fopen succeeds on a directory on Linux and only the read fails: say
     * what is wrong instead of "read error". */
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(f);
        gw__err(err, GW_EIO, "is a directory, expected a file");
        gw__err_loc(err, path, 0, 0, NULL);
        return GW_EIO;
    }
    size_t cap = 4096, n = 0;
    char *b = gw_malloc(ctx, cap);
    if (!b) {
        fclose(f);
        return gw__err(err, GW_ENOMEM, "out of memory reading %s", path);
    }
    for (;;) {
        if (n + 1 >= cap) {
            if (cap > max_bytes) {
                gw_free(ctx, b);
                fclose(f);
                gw__err(err, GW_ERANGE, "file too large (limit %zu bytes)", max_bytes);
                gw__err_loc(err, path, 0, 0, NULL);
                return GW_ERANGE;
            }
            char *nb = gw_realloc(ctx, b, cap * 2);
            if (!nb) {
                gw_free(ctx, b);
                fclose(f);
                return gw__err(err, GW_ENOMEM, "out of memory reading %s", path);
            }
            b = nb;
            cap *= 2;
        }
        size_t r = fread(b + n, 1, cap - 1 - n, f);
        n += r;
        if (r == 0)
            break;
    }
    int bad = ferror(f), bad_errno = errno;
    fclose(f);
    if (bad) {
        gw_free(ctx, b);
        gw__err(err, GW_EIO, "read error: %s", strerror(bad_errno));
        gw__err_loc(err, path, 0, 0, NULL);
        return GW_EIO;
    }
    if (n > max_bytes) {
        gw_free(ctx, b);
        gw__err(err, GW_ERANGE, "file too large (limit %zu bytes)", max_bytes);
        gw__err_loc(err, path, 0, 0, NULL);
        return GW_ERANGE;
    }
    b[n] = '\0';
    *buf = b;
    *len = n;
    return GW_OK;
}

gw_status gw__data_read(gw_ctx *ctx, const char *data_dir, const char *rel, char **buf, size_t *len,
                        char shown_path[512], gw_error *err)
{
    const char *dir = data_dir;
    if (!dir || !dir[0]) {
        const char *env = getenv("GIGAWATT_DATA");
        dir = env && env[0] ? env : NULL;
    }
    if (dir) {
        /* Blame the directory rather than the first file looked for in it. */
        struct stat st;
        if (stat(dir, &st) != 0) {
            gw__err(err, GW_EIO, "cannot open the data directory (--data or $GIGAWATT_DATA): %s",
                    strerror(errno));
            gw__err_loc(err, dir, 0, 0, NULL);
            return GW_EIO;
        }
        if (!S_ISDIR(st.st_mode)) {
            gw__err(err, GW_EIO,
                    "not a directory: --data and $GIGAWATT_DATA name the data/ "
                    "folder");
            gw__err_loc(err, dir, 0, 0, NULL);
            return GW_EIO;
        }
        gw__snprintf(shown_path, 512, "%s/%s", dir, rel);
        return gw__file_read(ctx, shown_path, GW_YAML_MAX_BYTES, buf, len, err);
    }
    gw__snprintf(shown_path, 512, "data/%s", rel);
    for (size_t i = 0; i < gw__n_embedded_files; i++) {
        if (strcmp(gw__embedded_files[i].path, rel) == 0) {
            size_t n = gw__embedded_files[i].len;
            char *b = gw_malloc(ctx, n + 1);
            if (!b)
                return gw__err(err, GW_ENOMEM, "out of memory reading %s", shown_path);
            memcpy(b, gw__embedded_files[i].data, n);
            b[n] = '\0';
            *buf = b;
            *len = n;
            return GW_OK;
        }
    }
    gw__err(err, GW_EIO, "no such data file in the built-in catalog");
    gw__err_loc(err, shown_path, 0, 0, NULL);
    return GW_EIO;
}
