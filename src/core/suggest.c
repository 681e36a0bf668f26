/* SPDX-License-Identifier: MIT */
/*
 * suggest.c: "did you mean" for unknown names (scenario keys and sections,
 * --set keys, enum values, catalog names).
 *
 * A candidate is close when its optimal-string-alignment distance (the
 * restricted Damerau-Levenshtein distance: insertions, deletions,
 * substitutions and transpositions of adjacent characters, each costing 1;
 * Damerau, "A technique for computer detection and correction of spelling
 * errors", CACM 7(3), 1964) from the unknown name is at most 2 (1 for names
 * of 3 characters and none for 1 or 2, where edits would match almost
 * anything: "n" is not a typo of "s"), or
 * when the unknown name of at least 3 characters is a prefix of it ("h100"
 * for "h100-sxm"). Comparison ignores case, as catalog look-ups do. The
 * closest candidate wins; up to three equally close ones are all shown
 * ("fp3": "fp8", "fp6" or "fp4"), and more than that gives no suggestion.
 *
 * Not done: suggesting several names, or phonetic matching.
 */
#include <gigawatt/core.h>

#include <ctype.h>
#include <string.h>

#include "core/core_internal.h"

/* Names longer than this are not compared (no suggestion); keeps the
 * distance table on the stack. */
#define MAX_NAME 64

static int lower(char c)
{
    return tolower((unsigned char)c);
}

/* Optimal string alignment distance of a and b (lengths la, lb <= MAX_NAME). */
static int osa_distance(const char *a, size_t la, const char *b, size_t lb)
{
    int d[MAX_NAME + 1][MAX_NAME + 1];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = (int)i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        for (size_t j = 1; j <= lb; j++) {
            int cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
            int v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v)
                v = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < v)
                v = d[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) &&
                lower(a[i - 2]) == lower(b[j - 1]) && d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
        }
    }
    return d[la][lb];
}

void gw__suggest_init(gw__suggest *s, const char *name)
{
    s->name = name ? name : "";
    s->best = NULL;
    s->best_score = 0;
    s->n_tied = 0;
}

void gw__suggest_add(gw__suggest *s, const char *cand)
{
    if (!cand || !cand[0])
        return;
    size_t ln = strlen(s->name), lc = strlen(cand);
    if (ln == 0 || ln > MAX_NAME || lc > MAX_NAME)
        return;
    int limit = ln <= 2 ? 0 : ln <= 3 ? 1 : 2;
    /* Scores: an edit distance d scores d * 100; a prefix match scores
     * after every accepted distance, shorter completions first. */
    int score = -1;
    int d = osa_distance(s->name, ln, cand, lc);
    if (d == 0)
        return; /* the same name: it was not unknown */
    if (d <= limit) {
        score = d * 100;
    } else if (ln >= 3 && lc > ln) {
        bool prefix = true;
        for (size_t i = 0; i < ln && prefix; i++)
            prefix = lower(s->name[i]) == lower(cand[i]);
        if (prefix)
            score = (limit + 1) * 100 + (int)(lc - ln);
    }
    if (score < 0 || (s->best && score > s->best_score))
        return;
    if (!s->best || score < s->best_score) {
        s->best = cand;
        s->best_score = score;
        s->n_tied = 0;
        return;
    }
    /* As close as the best: an ambiguous guess, shown together. The same
     * name offered twice (a name and its alias) counts once. */
    if (gw__streq_nocase(cand, s->best))
        return;
    for (size_t i = 0; i < s->n_tied && i < GW__SUGGEST_MAX_TIED; i++)
        if (gw__streq_nocase(cand, s->tied[i]))
            return;
    if (s->n_tied < GW__SUGGEST_MAX_TIED)
        s->tied[s->n_tied] = cand;
    s->n_tied++;
}

const char *gw__suggest_best(const gw__suggest *s)
{
    return s->best;
}

const char *gw__suggest_text(const gw__suggest *s, char *buf, size_t n)
{
    if (!s->best || s->n_tied > GW__SUGGEST_MAX_TIED) /* too many to choose from */
        gw__strlcpy(buf, "", n);
    else if (s->n_tied == 0)
        gw__snprintf(buf, n, "; did you mean \"%s\"?", s->best);
    else if (s->n_tied == 1)
        gw__snprintf(buf, n, "; did you mean \"%s\" or \"%s\"?", s->best, s->tied[0]);
    else
        gw__snprintf(buf, n, "; did you mean \"%s\", \"%s\" or \"%s\"?", s->best, s->tied[0],
                     s->tied[1]);
    return buf;
}
