/* SPDX-License-Identifier: MIT */
/*
 * order.c: the rank order of the parallel dimensions ("tp-cp-ep-dp-pp",
 * Megatron-Core's `order` argument of initialize_model_parallel), parsed
 * once here for the scenario (network.rank_order) and the train module
 * (gw_train_opts.rank_order, --rank-order).
 */
#include "core_internal.h"

#include <string.h>

const char *const gw__rank_dims[GW__RANK_DIMS] = {"tp", "cp", "ep", "dp", "pp"};

bool gw__rank_order_parse(const char *s, int order[GW__RANK_DIMS], char *msg, size_t n)
{
    static const int def[GW__RANK_DIMS] = {0, 1, 2, 3, 4};
    if (!s || !*s) {
        memcpy(order, def, sizeof def);
        return true;
    }
    bool seen[GW__RANK_DIMS] = {false};
    const char *p = s;
    int k = 0;
    while (*p) {
        const char *e = strchr(p, '-');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        int d = -1;
        for (int i = 0; i < GW__RANK_DIMS; i++)
            if (len == 2 && strncmp(p, gw__rank_dims[i], 2) == 0)
                d = i;
        if (d < 0) {
            gw__snprintf(msg, n,
                         "rank order \"%s\": \"%.*s\" is not one of tp, cp, ep, dp, pp "
                         "(expected all five joined by '-', innermost first, e.g. "
                         "tp-cp-ep-dp-pp)",
                         s, (int)(len < 16 ? len : 16), p);
            return false;
        }
        if (seen[d] || k >= GW__RANK_DIMS) {
            gw__snprintf(msg, n,
                         "rank order \"%s\": %s appears twice (expected each of tp, cp, "
                         "ep, dp, pp once)",
                         s, gw__rank_dims[d]);
            return false;
        }
        seen[d] = true;
        order[k++] = d;
        if (!e)
            break;
        p = e + 1;
        if (!*p) {
            gw__snprintf(msg, n, "rank order \"%s\": ends with '-'", s);
            return false;
        }
    }
    if (k != GW__RANK_DIMS) {
        char missing[32] = "";
        for (int i = 0; i < GW__RANK_DIMS; i++)
            if (!seen[i]) {
                size_t l = strlen(missing);
                gw__snprintf(missing + l, sizeof missing - l, "%s%s", l ? ", " : "",
                             gw__rank_dims[i]);
            }
        gw__snprintf(msg, n,
                     "rank order \"%s\": missing %s (expected each of tp, cp, ep, dp, pp once, "
                     "innermost first, e.g. tp-cp-ep-dp-pp)",
                     s, missing);
        return false;
    }
    return true;
}
