/* SPDX-License-Identifier: MIT */
/*
 * cmd_train.c: `gigawatt train`: step time, MFU, memory and the fastest
 * parallel configuration for a model on N GPUs. Values not given as flags
 * come from the scenario (--set workload.* / cluster.*, or the default
 * scenario). The work is done by gw_train_plan; this file parses flags and
 * renders.
 */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void help(void)
{
    printf(
        "usage: gigawatt train [--model NAME|config.json] [--gpu NAME] [--gpus N] [--seq S]\n"
        "                      [--global-batch-tokens T] [--tokens T] [--system NAME]\n"
        "                      [--tp N] [--pp N] [--vpp N] [--dp N] [--cp N] [--ep N] [--etp N]\n"
        "                      [--micro-batch N] [--recompute none|selective|full|any]\n"
        "                      [--zero 0..3|any] [--precision bf16|fp8|fp4|any] [--top K]\n"
        "                      [--max-micro-batch N] [--max-vpp N] [MoE options]\n"
        "                      [--emit megatron|nemo|torchtitan] [--json]\n\n"
        "Predicts the step time, MFU, memory per GPU and whole-run time of training a model,\n"
        "searching every parallel configuration the flags leave open (exhaustively, on all\n"
        "cores) and explaining why the next-best ones lose. Defaults come from the scenario\n"
        "(workload.model, workload.seq_len, workload.global_batch_tokens, workload.tokens,\n"
        "workload.precision, cluster.accelerator, cluster.gpus).\n\n"
        "  --model        catalog model name or a Hugging Face config.json\n"
        "  --gpu          accelerator catalog name (h100-sxm, gb200, ...)\n"
        "  --gpus         GPUs in the job\n"
        "  --seq          sequence length in tokens\n"
        "  --global-batch-tokens  tokens per optimizer step (16M = 16e6)\n"
        "  --tokens       training tokens for whole-run figures (15T)\n"
        "  --tp --pp --vpp --dp --cp --ep --etp --micro-batch  fix one dimension\n"
        "  --recompute --zero --precision  fix (or 'any' to search) one dimension\n"
        "  --top          alternatives to show (default 5, max 32)\n"
        "  --batch-tolerance F  let the global batch move by up to F (e.g. 5%%) so that\n"
        "                 DP divides it (default: the scenario's workload.batch_tolerance;\n"
        "                 0 keeps it exact, rounded to whole sequences)\n"
        "  --batch-limit P  fixed (keep the batch, moved only by --batch-tolerance) or\n"
        "                 critical (raise it up to the critical batch of the run's compute,\n"
        "                 never beyond; default: workload.batch_policy; docs/models/batch.md)\n"
        "  --min-mfu F    MFU floor of the largest synchronous job the batch feeds\n"
        "                 (default: workload.min_mfu, 30%%)\n"
        "  --allow-idle-gpus F  let up to F of the GPUs stay idle when no layout uses\n"
        "                 them all (default: the scenario's cluster.allow_idle_gpus; 0)\n"
        "  --emit F       print the chosen configuration as framework F's launch\n"
        "                 arguments instead of the summary: megatron (Megatron-LM flags),\n"
        "                 nemo (Megatron-Bridge overrides) or torchtitan (TOML); with\n"
        "                 --json, added to the document as \"emit\" (docs/EMIT.md)\n"
        "  --cp-comm M    context-parallel exchange: ring (K/V around a ring, overlapped;\n"
        "                 default), allgather (Llama 3: K/V gathered, exposed), a2a\n"
        "                 (Ulysses: heads sharded; local heads divisible by cp) or any\n"
        "MoE options (default: the model profile in data/train.yaml decides):\n"
        "  --moe-imbalance X    busiest expert's tokens / mean (>= 1; 1 = force-balanced)\n"
        "  --capacity-factor X  expert capacity / mean tokens; tokens above it are dropped\n"
        "  --node-limit N       node-limited routing: each token reaches at most N nodes\n"
        "  --dualpipe           DualPipe schedule (all-to-all overlapped with a paired\n"
        "                       micro-batch; smaller bubble, 2x parameters per stage)\n"
        "  --fp8-dispatch       MoE dispatch in FP8 (combine stays BF16)\n"
        "  --fp8-grouped-native FP8 grouped expert GEMMs at the dense FP8 rate (DeepGEMM)\n"
        "  --no-dedup-dispatch  plain all-to-all (a token is sent once per remote expert)\n"
        "  --fp8-recipe R       tensor (per-tensor scaling, default) or block (MXFP8,\n"
        "                       1x128 tiles: one fused quantisation for all experts)\n"
        "  --cuda-graphs        expert blocks captured in CUDA graphs: no per-expert\n"
        "                       host overhead; --no-cuda-graphs: eager (as the H100\n"
        "                       recipes). Neither (nor workload.cuda_graphs): timed\n"
        "                       eager, interval widened to cover both\n");
    printf("pipeline stages (docs/models/train.md, uneven pipeline stages):\n"
           "  --pp-first-layers N  transformer layers on the first pipeline stage (with the\n"
           "                       embedding; Megatron's decoder-first-pipeline-num-layers)\n"
           "  --pp-last-layers N   transformer layers on the last stage (with the LM head)\n"
           "                       Default: workload.pp_first_layers / pp_last_layers, else\n"
           "                       searched: the even split when PP divides the layers,\n"
           "                       otherwise uneven splits (first / last lighter)\n"
           "hybrid sharding (docs/models/train.md, data-parallel communication):\n"
           "  --zero-shard N       ZeRO state sharded over N ranks of the DP x CP group and\n"
           "                       replicated across the rest (PyTorch HSDP, Megatron's\n"
           "                       distributed-optimizer instances); gradients reduce-\n"
           "                       scattered in the shard group, then all-reduced across\n"
           "                       replicas. any: searched (the DP x CP ranks of one scale-up\n"
           "                       domain x1, x2, x4, x8, or the whole group); whole: the\n"
           "                       whole group. Default workload.zero_shard, else whole\n"
           "network (the scenario's fabric: cluster.* and network.* keys, docs/models/net.md):\n"
           "  --nic-bandwidth BW   scale-out bandwidth per GPU per direction (e.g. 50Gb/s)\n"
           "                       where the fabric differs from the GPU's default system\n"
           "  --rank-order O       rank order of the parallel dimensions, innermost first:\n"
           "                       a permutation of tp, cp, ep, dp, pp (default\n"
           "                       tp-cp-ep-dp-pp, Megatron's; network.rank_order): which\n"
           "                       groups share a scale-up domain\n"
           "  --net-step           re-time the best configuration and the alternatives with\n"
           "                       the flow simulation of one step on the fabric (each\n"
           "                       collective alone, then all kinds contending; gigawatt net)\n"
           "software facts (default: the scenario's workload.* keys, all on, as current\n"
           "Megatron-Core; validate reads them from data/train.yaml run_profiles and CSV):\n"
           "  --flash-attention on|off    fused attention (off: s^2 scores in HBM, dropout)\n"
           "  --tp-comm-overlap on|off    TP collectives overlapped with GEMMs\n"
           "  --sequence-parallel on|off  Megatron sequence parallelism with TP > 1\n"
           "  --moe-a2a-overlap on|off    MoE all-to-all partly hidden (Megatron-Core's 1F1B\n"
           "                              A2A overlap: PP 1 or interleaved, no full\n"
           "                              recompute); off: exposed (torchtitan DeepEP)\n"
           "  --dp-sync S                 DP gradient sync: overlap (default; reduction\n"
           "                              behind the last backward, ZeRO-1/2 gather behind\n"
           "                              the first forward: Megatron-Core), after (both\n"
           "                              exposed, after the backward and in the optimizer\n"
           "                              step) or after-allreduce (as after, ZeRO-1/2\n"
           "                              gradients all-reduced in full: DeepSpeed's\n"
           "                              pipeline engine, BF16). ZeRO-3 not affected\n"
           "  --grad-reduce-bytes B       gradient buffer and DP reduction per parameter\n"
           "                              (4 B = FP32 as Megatron-LM; 2 B = BF16 as NeMo)\n\n"
           "options: --json, -o FILE, --set KEY=VALUE, --data DIR, --threads N\n");
}

static bool ends_with(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && strcmp(s + a - b, suf) == 0;
}

/* Writes text to stdout or to -o FILE (through FILE.tmp and rename, so a
 * failure leaves no partial file). Returns the exit code. */
static int write_text(gw_cli *cli, const char *text)
{
    FILE *out = stdout;
    char tmp[4200];
    if (cli->output) {
        snprintf(tmp, sizeof tmp, "%s.tmp", cli->output);
        out = fopen(tmp, "w");
        if (!out) {
            fprintf(gw_cli_errf(cli), "%s: %s: cannot write: %s\n", cli->prog, tmp,
                    strerror(errno));
            return 1;
        }
    }
    bool ok = fputs(text, out) >= 0;
    if (cli->output) {
        ok = fclose(out) == 0 && ok;
        ok = ok && rename(tmp, cli->output) == 0;
        if (!ok)
            remove(tmp);
    } else {
        ok = fflush(stdout) == 0 && ok;
    }
    if (!ok) {
        fprintf(gw_cli_errf(cli), "%s: cannot write the configuration: %s\n", cli->prog,
                strerror(errno));
        return 1;
    }
    return 0;
}

/* A software fact given as on|off: 1 or 0, -1 after printing the error. */
static int on_off(gw_cli *cli, const char *flag, const char *v)
{
    if (strcmp(v, "on") == 0)
        return 1;
    if (strcmp(v, "off") == 0)
        return 0;
    gw_cli_usage_error(cli, "%s: expected on or off, got \"%s\"", flag, v);
    return -1;
}

/* The best configuration and the alternatives re-timed by the flow
 * simulation of one step (gw_net_step), against the search's figure. */
static gw_status net_retime(gw_cli *cli, gw_doc *doc, const gw_net_topo *topo,
                            const gw_catalog *cat, const gw_model *m, const gw_accel *a,
                            const gw_system *sys, const gw_train_opts *o,
                            const gw_train_result *res, gw_error *err)
{
    gw_net_step_result *st = calloc(1, sizeof *st);
    if (!st) {
        err->code = GW_ENOMEM;
        snprintf(err->msg, sizeof err->msg, "out of memory");
        return GW_ENOMEM;
    }
    gw_doc_node *n = gw_doc_obj(doc, gw_doc_root(doc), "net_step",
                                "Flow simulation of one step (best and alternatives)");
    gw_doc_node *rows = gw_doc_arr(doc, n, "configurations", "Configurations");
    gw_status rc = GW_OK;
    for (size_t i = 0; i <= res->n_top && rc == GW_OK; i++) {
        const gw_train_eval *ev = i == 0 ? &res->best : &res->top[i - 1];
        rc = gw_net_step(cli->ctx, topo, cat, m, a, sys, o, ev, st, err);
        if (rc != GW_OK)
            break;
        const gw_train_config *c = &ev->cfg;
        char lay[96];
        snprintf(lay, sizeof lay, "TP%d PP%d VPP%d DP%d CP%d EP%d mb%d", c->tp, c->pp, c->vpp,
                 c->dp, c->cp, c->ep, c->micro_batch);
        gw_doc_node *row = gw_doc_obj(doc, rows, NULL, NULL);
        gw_doc_str(doc, row, "layout", "layout", lay);
        gw_doc_num(doc, row, "step_search_s", "search", st->step_closed_form_s, "s");
        gw_doc_num(doc, row, "step_alone_s", "simulated, alone", st->step_alone_s, "s");
        gw_doc_num(doc, row, "step_contended_s", "simulated, contended", st->step_contended_s, "s");
        size_t kept = 0;
        for (size_t k = 0; k < st->n_calls; k++)
            kept += !st->call[k].simulated;
        gw_doc_int(doc, row, "closed_form_calls", "collectives kept closed-form", (int64_t)kept);
    }
    if (rc == GW_OK)
        gw_doc_note(doc,
                    "net-step: each collective of the step simulated on the fabric alone "
                    "(every group of its kind at once), then the largest of every kind "
                    "together, a worst case for contention; collectives whose simulation "
                    "would expand more than %.0f flows, or %.0f solver variables in an "
                    "algorithm that could be the fastest, keep the search's closed form "
                    "(gigawatt net --step lists them), and the kinds together are not "
                    "simulated beyond %.0f variables",
                    GW_NET_STEP_MAX_FLOWS, GW_NET_AUTO_MAX_VARS, GW_NET_STEP_MAX_CONTENDED);
    free(st);
    return rc;
}

int gw_cmd_train(gw_cli *cli, int argc, char **argv)
{
    const char *model_arg = NULL, *gpu_arg = NULL, *sys_arg = NULL;
    double gpus = 0, seq = 0, gbt = 0, tokens = -1;
    gw_train_opts o;
    gw_train_opts_init(&o);
    int precision_set = 0;
    bool net_step = false;
    /* Software facts: -1 = the scenario's workload.* (default on). */
    int flash = -1, overlap = -1, seqpar = -1, graphs = -1, a2a = -1;
    bool recipe_set = false;
    int dp_sync = -1; /* --dp-sync: -1 the scenario's workload.dp_sync */
    double grad_bytes = 0.0, batch_tol = -1.0, idle_tol = -1.0, min_mfu = -1.0;
    const char *batch_limit = NULL;
    const char *emit_arg = NULL;
    int shard_arg = -2; /* --zero-shard: -2 not given, GW_TRAIN_ANY, 0 whole, N */
    gw_train_emit_fmt emit = GW_TRAIN_EMIT_MEGATRON;

    struct {
        const char *flag;
        int *dst;
        long long lo, hi;
    } ints[] = {
        {"--tp", &o.tp, 1, 1 << 20},
        {"--pp", &o.pp, 1, 1 << 20},
        {"--vpp", &o.vpp, 1, 1024},
        {"--dp", &o.dp, 1, 1 << 30},
        {"--cp", &o.cp, 1, 1 << 20},
        {"--ep", &o.ep, 1, 1 << 20},
        {"--etp", &o.etp, 1, 1 << 20},
        {"--micro-batch", &o.micro_batch, 1, 1 << 20},
        {"--top", &o.top_k, 0, GW_TRAIN_MAX_TOP},
        {"--max-micro-batch", &o.max_micro_batch, 1, 1024},
        {"--max-vpp", &o.max_vpp, 1, 1024},
        {"--pp-first-layers", &o.pp_first, 1, 1 << 20},
        {"--pp-last-layers", &o.pp_last, 1, 1 << 20},
        {"--node-limit", &o.moe_node_limit, 1, 1 << 20},
    };

    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (gw_cli_is_help(a)) {
            help();
            return 0;
        }
        int c = gw_cli_rank_order_opt(cli, argc, argv, &i);
        if (c == 0)
            c = gw_cli_common_opt(cli, argc, argv, &i);
        if (c < 0)
            return 2;
        if (c > 0)
            continue;
        bool done = false;
        for (size_t k = 0; k < sizeof ints / sizeof ints[0]; k++) {
            if (gw_cli_is_opt(a, ints[k].flag)) {
                const char *v = gw_cli_optval(cli, argc, argv, &i);
                long long x = 0;
                if (!v || !gw_cli_parse_int(cli, ints[k].flag, v, ints[k].lo, ints[k].hi, &x))
                    return 2;
                *ints[k].dst = (int)x;
                done = true;
                break;
            }
        }
        if (done)
            continue;
        const char *v = NULL;
        if (gw_cli_is_opt(a, "--model")) {
            if (!(model_arg = gw_cli_optval(cli, argc, argv, &i)))
                return 2;
        } else if (gw_cli_is_opt(a, "--gpu")) {
            if (!(gpu_arg = gw_cli_optval(cli, argc, argv, &i)))
                return 2;
        } else if (gw_cli_is_opt(a, "--system")) {
            if (!(sys_arg = gw_cli_optval(cli, argc, argv, &i)))
                return 2;
        } else if (gw_cli_is_opt(a, "--gpus")) {
            if (!(v = gw_cli_optval(cli, argc, argv, &i)) ||
                !gw_cli_parse_count(cli, "--gpus", v, 1, 1e9, &gpus))
                return 2;
        } else if (gw_cli_is_opt(a, "--seq")) {
            if (!(v = gw_cli_optval(cli, argc, argv, &i)) ||
                !gw_cli_parse_count(cli, "--seq", v, 1, 1e8, &seq))
                return 2;
        } else if (gw_cli_is_opt(a, "--global-batch-tokens")) {
            if (!(v = gw_cli_optval(cli, argc, argv, &i)) ||
                !gw_cli_parse_num(cli, "--global-batch-tokens", v, GW_DIM_TOKENS, 1, 1e15, &gbt))
                return 2;
        } else if (gw_cli_is_opt(a, "--tokens")) {
            if (!(v = gw_cli_optval(cli, argc, argv, &i)) ||
                !gw_cli_parse_num(cli, "--tokens", v, GW_DIM_TOKENS, 0, 1e18, &tokens))
                return 2;
        } else if (gw_cli_is_opt(a, "--emit")) {
            if (!(emit_arg = gw_cli_optval(cli, argc, argv, &i)))
                return 2;
            if (gw_train_emit_parse(emit_arg, &emit) != GW_OK)
                return gw_cli_usage_error(cli, "--emit: expected %s, %s or %s, got \"%s\"",
                                          gw_train_emit_name(GW_TRAIN_EMIT_MEGATRON),
                                          gw_train_emit_name(GW_TRAIN_EMIT_NEMO),
                                          gw_train_emit_name(GW_TRAIN_EMIT_TORCHTITAN), emit_arg);
        } else if (strcmp(a, "--dualpipe") == 0) {
            o.dualpipe = true;
        } else if (strcmp(a, "--fp8-dispatch") == 0) {
            o.fp8_dispatch = true;
        } else if (strcmp(a, "--fp8-grouped-native") == 0) {
            o.fp8_grouped_native = true;
        } else if (gw_cli_is_opt(a, "--fp8-recipe")) {
            gw_train_fp8_recipe fr;
            if (!(v = gw_cli_optval(cli, argc, argv, &i)))
                return 2;
            if (gw_train_fp8_recipe_parse(v, &fr) != GW_OK)
                return gw_cli_usage_error(cli, "--fp8-recipe: expected tensor or block, got \"%s\"",
                                          v);
            o.fp8_recipe = (int)fr;
            recipe_set = true;
        } else if (gw_cli_is_opt(a, "--dp-sync")) {
            gw_train_dp_sync ds;
            if (!(v = gw_cli_optval(cli, argc, argv, &i)))
                return 2;
            if (gw_train_dp_sync_parse(v, &ds) != GW_OK)
                return gw_cli_usage_error(
                    cli, "--dp-sync: expected overlap, after or after-allreduce, got \"%s\"", v);
            dp_sync = (int)ds;
        } else if (gw_cli_is_opt(a, "--zero-shard")) {
            long long x = 0;
            if (!(v = gw_cli_optval(cli, argc, argv, &i)))
                return 2;
            if (strcmp(v, "any") == 0)
                shard_arg = GW_TRAIN_ANY;
            else if (strcmp(v, "whole") == 0)
                shard_arg = 0;
            else if (v[0] >= '0' && v[0] <= '9' &&
                     gw_cli_parse_int(cli, "--zero-shard", v, 1, 1 << 30, &x))
                shard_arg = (int)x;
            else if (v[0] >= '0' && v[0] <= '9')
                return 2;
            else
                return gw_cli_usage_error(
                    cli, "--zero-shard: expected a rank count >= 1, any or whole, got \"%s\"", v);
        } else if (gw_cli_is_opt(a, "--cp-comm")) {
            gw_train_cp_comm cc;
            if (!(v = gw_cli_optval(cli, argc, argv, &i)))
                return 2;
            if (strcmp(v, "any") == 0)
                o.cp_comm = GW_TRAIN_ANY;
            else if (gw_train_cp_comm_parse(v, &cc) == GW_OK)
                o.cp_comm = (int)cc;
            else
                return gw_cli_usage_error(
                    cli, "--cp-comm: expected ring, allgather, a2a or any, got \"%s\"", v);
        } else if (strcmp(a, "--net-step") == 0) {
            net_step = true;
        } else if (strcmp(a, "--cuda-graphs") == 0) {
            graphs = 1;
        } else if (strcmp(a, "--no-cuda-graphs") == 0) {
            graphs = 0;
        } else if (gw_cli_is_opt(a, "--flash-attention") || gw_cli_is_opt(a, "--tp-comm-overlap") ||
                   gw_cli_is_opt(a, "--sequence-parallel") ||
                   gw_cli_is_opt(a, "--moe-a2a-overlap")) {
            const char *flag = gw_cli_is_opt(a, "--flash-attention")   ? "--flash-attention"
                               : gw_cli_is_opt(a, "--tp-comm-overlap") ? "--tp-comm-overlap"
                               : gw_cli_is_opt(a, "--moe-a2a-overlap") ? "--moe-a2a-overlap"
                                                                       : "--sequence-parallel";
            if (!(v = gw_cli_optval(cli, argc, argv, &i)))
                return 2;
            int x = on_off(cli, flag, v);
            if (x < 0)
                return 2;
            *(flag[2] == 'f'   ? &flash
              : flag[2] == 't' ? &overlap
              : flag[2] == 'm' ? &a2a
                               : &seqpar) = x;
        } else if ((c = gw_cli_num_opt(cli, argc, argv, &i, "--batch-tolerance", GW_DIM_FRACTION,
                                       0.0, 0.5, &batch_tol)) != 0) {
            if (c < 0)
                return 2;
        } else if ((c = gw_cli_num_opt(cli, argc, argv, &i, "--min-mfu", GW_DIM_FRACTION, 1e-6, 1.0,
                                       &min_mfu)) != 0) {
            if (c < 0)
                return 2;
        } else if (gw_cli_is_opt(a, "--batch-limit")) {
            if (!(v = gw_cli_optval(cli, argc, argv, &i)))
                return 2;
            if (strcmp(v, "fixed") != 0 && strcmp(v, "critical") != 0)
                return gw_cli_usage_error(
                    cli, "--batch-limit: expected fixed or critical, got \"%s\"", v);
            batch_limit = v;
        } else if ((c = gw_cli_num_opt(cli, argc, argv, &i, "--allow-idle-gpus", GW_DIM_FRACTION,
                                       0.0, 0.5, &idle_tol)) != 0) {
            if (c < 0)
                return 2;
        } else if ((c = gw_cli_num_opt(cli, argc, argv, &i, "--grad-reduce-bytes", GW_DIM_BYTES,
                                       1.0, 8.0, &grad_bytes)) != 0) {
            if (c < 0)
                return 2;
        } else if ((c = gw_cli_num_opt(cli, argc, argv, &i, "--nic-bandwidth", GW_DIM_BANDWIDTH,
                                       1e6, 1e13, &o.scaleout_Bps)) != 0) {
            if (c < 0)
                return 2;
        } else if (strcmp(a, "--no-dedup-dispatch") == 0) {
            o.moe_dedup_dispatch = false;
        } else if ((c = gw_cli_num_opt(cli, argc, argv, &i, "--moe-imbalance", GW_DIM_NONE, 1.0,
                                       64.0, &o.moe_imbalance)) != 0) {
            if (c < 0)
                return 2;
        } else if ((c = gw_cli_num_opt(cli, argc, argv, &i, "--capacity-factor", GW_DIM_NONE, 1.0,
                                       64.0, &o.moe_capacity_factor)) != 0) {
            if (c < 0)
                return 2;
        } else if (gw_cli_is_opt(a, "--recompute")) {
            if (!(v = gw_cli_optval(cli, argc, argv, &i)))
                return 2;
            gw_train_recompute r;
            if (strcmp(v, "any") == 0)
                o.recompute = GW_TRAIN_ANY;
            else if (gw_train_recompute_parse(v, &r) == GW_OK)
                o.recompute = (int)r;
            else
                return gw_cli_usage_error(cli,
                                          "--recompute: expected none, selective, full or "
                                          "any, got \"%s\"",
                                          v);
        } else if (gw_cli_is_opt(a, "--zero")) {
            if (!(v = gw_cli_optval(cli, argc, argv, &i)))
                return 2;
            long long z = 0;
            if (strcmp(v, "any") == 0)
                o.zero = GW_TRAIN_ANY;
            else if (gw_cli_parse_int(cli, "--zero", v, 0, 3, &z))
                o.zero = (int)z;
            else
                return 2;
        } else if (gw_cli_is_opt(a, "--precision")) {
            if (!(v = gw_cli_optval(cli, argc, argv, &i)))
                return 2;
            gw_precision p;
            if (strcmp(v, "any") == 0) {
                o.precision = GW_TRAIN_ANY;
            } else if (gw_precision_parse(v, &p) == GW_OK &&
                       (p == GW_PREC_BF16 || p == GW_PREC_FP8 || p == GW_PREC_FP4)) {
                o.precision = (int)p;
            } else {
                return gw_cli_usage_error(cli,
                                          "--precision: expected bf16, fp8, fp4 or any, "
                                          "got \"%s\"",
                                          v);
            }
            precision_set = 1;
        } else if (a[0] == '-') {
            return gw_cli_usage_error(cli, "unknown option \"%s\"", a);
        } else {
            return gw_cli_usage_error(cli, "unexpected argument \"%s\"", a);
        }
    }

    if (emit_arg && cli->csv)
        return gw_cli_usage_error(cli, "--emit and --csv exclude each other");

    int code = 0;
    gw_catalog *cat = gw_cli_catalog(cli, &code);
    if (!cat)
        return code;
    gw_error err;
    memset(&err, 0, sizeof err);

    /* Scenario defaults for what the flags leave out. */
    gw_scenario *sc = NULL;
    const gw_accel *accel = NULL;
    const gw_system *sys = NULL;
    const gw_model *model = NULL;
    gw_model *owned = NULL;
    gw_status rc = gw_scenario_load(cli->ctx, NULL, cli->sets, cli->n_sets, &sc, &err);
    if (rc != GW_OK)
        return gw_cli_fail(cli, &err);
    if (!model_arg || !gpu_arg) {
        const gw_accel *sa = NULL;
        const gw_system *ss = NULL;
        const gw_model *sm = NULL;
        rc = gw_scenario_resolve(cli->ctx, sc, cat, &sa, &ss, &sm, &err);
        if (rc != GW_OK) {
            gw_scenario_free(sc);
            return gw_cli_fail(cli, &err);
        }
        if (!gpu_arg) {
            accel = sa;
            if (!sys_arg)
                sys = ss;
        }
        if (!model_arg)
            model = sm;
    }
    if (gpu_arg) {
        rc = gw_catalog_accel_find(cat, gpu_arg, &accel, &err);
        if (rc != GW_OK) {
            gw_scenario_free(sc);
            snprintf(err.where, sizeof err.where, "--gpu");
            return gw_cli_fail(cli, &err);
        }
    }
    if (sys_arg) {
        rc = gw_catalog_system_find(cat, sys_arg, &sys, &err);
        if (rc != GW_OK) {
            gw_scenario_free(sc);
            snprintf(err.where, sizeof err.where, "--system");
            return gw_cli_fail(cli, &err);
        }
    }
    if (model_arg) {
        if (ends_with(model_arg, ".json") || strchr(model_arg, '/') != NULL) {
            rc = gw_catalog_model_from_hf(cli->ctx, model_arg, NULL, &owned, &err);
            model = owned;
        } else {
            rc = gw_catalog_model_find(cat, model_arg, &model, &err);
            if (rc != GW_OK)
                snprintf(err.where, sizeof err.where, "--model");
        }
        if (rc != GW_OK) {
            gw_scenario_free(sc);
            return gw_cli_fail(cli, &err);
        }
    }
    o.n_gpus = gpus > 0 ? gpus : sc->cluster.gpus;
    o.seq_len = seq > 0 ? seq : sc->workload.seq_len;
    o.global_batch_tokens = gbt > 0 ? gbt : sc->workload.global_batch_tokens;
    o.tokens = tokens >= 0 ? tokens : (model_arg ? 0.0 : sc->workload.tokens);
    /* A model named on the command line trains in BF16 unless told
     * otherwise; the scenario's precision goes with the scenario's model. */
    if (!precision_set)
        o.precision = model_arg ? (int)GW_PREC_BF16 : (int)sc->workload.precision;
    o.data_dir = cli->data_dir;
    o.flash_attention = flash >= 0 ? flash != 0 : sc->workload.flash_attention != 0;
    o.tp_comm_overlap = overlap >= 0 ? overlap != 0 : sc->workload.tp_comm_overlap != 0;
    o.seq_parallel = seqpar >= 0 ? seqpar != 0 : sc->workload.sequence_parallel != 0;
    o.moe_a2a_overlap = a2a >= 0 ? a2a != 0 : sc->workload.moe_a2a_overlap != 0;
    /* DP sync: the flag, else the scenario key ("" not stated: overlap). */
    if (dp_sync < 0) {
        gw_train_dp_sync ds;
        dp_sync = gw_train_dp_sync_parse(sc->workload.dp_sync, &ds) == GW_OK ? (int)ds : 0;
    }
    o.dp_sync = dp_sync;
    /* Stage split: the flag, else the scenario key (0: searched). */
    bool first_flag = o.pp_first != GW_TRAIN_ANY, last_flag = o.pp_last != GW_TRAIN_ANY;
    if (!first_flag && sc->workload.pp_first_layers > 0)
        o.pp_first = sc->workload.pp_first_layers;
    if (!last_flag && sc->workload.pp_last_layers > 0)
        o.pp_last = sc->workload.pp_last_layers;
    /* The shard group: the flag, else the scenario key, else searched. */
    o.zero_shard = shard_arg != -2 ? shard_arg : sc->workload.zero_shard;
    /* CUDA graphs and the FP8 recipe: the flag, else the scenario, else
     * unknown, which widens the interval over both readings. */
    if (graphs < 0)
        graphs = sc->workload.cuda_graphs;
    o.cuda_graphs = graphs == 1;
    if (graphs < 0)
        o.unknown_facts |= GW_TRAIN_FACT_CUDA_GRAPHS;
    if (!recipe_set) {
        gw_train_fp8_recipe fr;
        if (gw_train_fp8_recipe_parse(sc->workload.fp8_recipe, &fr) == GW_OK)
            o.fp8_recipe = (int)fr;
        else
            o.unknown_facts |= GW_TRAIN_FACT_FP8_RECIPE;
    }
    if (grad_bytes > 0)
        o.grad_bytes_per_param = grad_bytes;
    o.batch_slack = batch_tol >= 0 ? batch_tol : sc->workload.batch_tolerance;
    o.max_idle_frac = idle_tol >= 0 ? idle_tol : sc->cluster.allow_idle_gpus;
    o.batch_critical = strcmp(batch_limit ? batch_limit : sc->batch.policy, "critical") == 0;
    o.feed_min_mfu = min_mfu > 0 ? min_mfu : sc->batch.min_mfu;
    o.rank_order = sc->network.rank_order;

    /* The fabric: the scenario's cluster and network sections with this
     * accelerator, system and GPU count (network.model: flow, the
     * default); the search then times collectives on it. A fabric the
     * catalog cannot build (no NIC or switch for the GPU) falls back to
     * the alpha-beta model, and the report says which model ran. */
    gw_net_topo *topo = calloc(1, sizeof *topo);
    gw_net_comm *nc = NULL;
    char net_note[600] = "";
    if (topo && strcmp(sc->network.model, "flow") == 0 && accel) {
        sc->cluster.accelerator = accel->name;
        sc->cluster.system = sys ? sys->name : (gpu_arg ? "" : sc->cluster.system);
        if (gpu_arg && !sys_arg) {
            sc->cluster.nic = "";
            sc->cluster.fabric_switch = "";
        }
        sc->cluster.gpus = o.n_gpus;
        sc->site.n_phases = 0;
        gw_error nerr;
        memset(&nerr, 0, sizeof nerr);
        if (gw_net_topo_from_scenario(cli->ctx, cat, sc, cli->data_dir, topo, &nerr) == GW_OK &&
            gw_net_comm_new(cli->ctx, topo, o.n_gpus, &nc, &nerr) == GW_OK) {
            o.comm = gw_net_comm_model(nc);
        } else {
            char buf[540];
            snprintf(net_note, sizeof net_note, "network: %s; collectives use the alpha-beta model",
                     gw_error_format(&nerr, buf, sizeof buf));
        }
    }

    gw_train_result *res = calloc(1, sizeof *res);
    gw_doc *doc = gw_cli_doc(cli);
    if (!res || !doc) {
        free(res);
        gw_doc_free(doc);
        gw_model_free(cli->ctx, owned);
        gw_scenario_free(sc);
        if (doc) /* gw_cli_doc has already said so otherwise */
            fprintf(gw_cli_errf(cli), "gigawatt: out of memory\n");
        return 1;
    }
    rc = gw_train_plan(cli->ctx, cat, model, accel, sys, &o, res, &err);
    if (rc == GW_ERANGE && strcmp(err.where, "global_batch_tokens") == 0)
        /* Name what the user typed: the flag, or the scenario key. */
        snprintf(err.where, sizeof err.where, "%s",
                 gbt > 0 ? "--global-batch-tokens" : "workload.global_batch_tokens");
    else if (rc == GW_ERANGE && strcmp(err.where, "pp_first") == 0)
        snprintf(err.where, sizeof err.where, "%s",
                 first_flag ? "--pp-first-layers" : "workload.pp_first_layers");
    else if ((rc == GW_ERANGE || rc == GW_EINFEASIBLE) && strcmp(err.where, "zero_shard") == 0)
        snprintf(err.where, sizeof err.where, "%s",
                 shard_arg != -2 ? "--zero-shard" : "workload.zero_shard");
    else if (rc == GW_ERANGE && strcmp(err.where, "pp_last") == 0)
        snprintf(err.where, sizeof err.where, "%s",
                 last_flag ? "--pp-last-layers" : "workload.pp_last_layers");
    char *text = NULL;
    if (rc == GW_OK && emit_arg)
        rc = gw_train_emit(cli->ctx, res, emit, &text, &err);
    if (rc == GW_OK && emit_arg && !cli->json) {
        code = write_text(cli, text);
    } else if (rc == GW_OK) {
        if (net_note[0])
            gw_doc_note(doc, "%s", net_note);
        gw_train_report(doc, gw_doc_root(doc), res);
        if (net_step && nc)
            rc = net_retime(cli, doc, topo, cat, model, accel, sys, &o, res, &err);
        else if (net_step)
            gw_doc_note(doc, "--net-step: no fabric to simulate (%s)",
                        net_note[0] ? net_note : "network.model is alpha-beta");
        if (text) {
            gw_doc_node *e = gw_doc_obj(doc, gw_doc_root(doc), "emit",
                                        "framework launch "
                                        "configuration");
            gw_doc_str(doc, e, "framework", "framework", gw_train_emit_name(emit));
            gw_doc_str(doc, e, "text", "text", text);
        }
        code = rc == GW_OK ? gw_cli_emit(cli, doc) : gw_cli_fail(cli, &err);
    } else {
        code = gw_cli_fail(cli, &err);
    }
    gw_free(cli->ctx, text);
    gw_doc_free(doc);
    gw_net_comm_free(nc);
    free(topo);
    free(res);
    gw_model_free(cli->ctx, owned);
    gw_scenario_free(sc);
    return code;
}
