/*
 * `taodev epoch CASE.json`: runs an epoch case (the format of the vectors'
 * epoch_scenario records, docs/epoch-case.md) and prints every uid's
 * outputs after each epoch, as JSON Lines or as a table.
 */
#include "nodes/cli.h"
#include "nodes/epochcase.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"usage: taodev epoch [--table] [--variant sparse|dense] CASE.json...\n"
	"\n"
	"Runs an epoch case: a subnet's hyperparameters and initial state, then\n"
	"steps (set_weights, advance_block, add_stake, replace_neuron,\n"
	"set_hyperparam, epoch, ...), in the format of the reference vectors'\n"
	"epoch_scenario records (see docs/epoch-case.md; examples in\n"
	"fixtures/epoch/). After every epoch it prints each uid's outputs: stake,\n"
	"stake weight, permit, consensus, validator trust, incentive, dividends,\n"
	"emission and the bonds row it stores. Expectations in the file are\n"
	"checked and reported.\n"
	"\n"
	"A file may hold one case (an object) or a vector file ({\"vectors\": [...]}),\n"
	"whose epoch_scenario records all run.\n"
	"\n"
	"Options:\n"
	"  --table            a readable table per epoch instead of JSON Lines\n"
	"  --variant V        run only the sparse (the chain's) or dense epoch\n"
	"  -h, --help         show this help\n"
	"\n"
	"Exit status: 0, 1 when an expectation failed, 2 for bad input (the error\n"
	"names the file, the case and the field).\n";

struct printer {
	bool table;
	const char *name;
};

static double frac16(uint16_t v) { return v / 65535.0; }

static void print_json(const struct printer *pr, const struct nd_ecase *c, size_t step,
		       unsigned epoch, const struct dn_epoch_result *res)
{
	json_t *o = json_object();
	json_t *uids = json_array();
	const struct dn_row16 *bonds = nd_ecase_bonds(c);
	json_object_set_new(o, "case", json_string(pr->name));
	json_object_set_new(o, "variant",
			    json_string(res->variant == DN_EPOCH_DENSE ? "dense" : "sparse"));
	json_object_set_new(o, "step", json_integer((json_int_t)step));
	json_object_set_new(o, "epoch", json_integer(epoch));
	json_object_set_new(o, "block", json_integer((json_int_t)nd_ecase_block(c)));
	for (uint32_t i = 0; i < res->n; i++) {
		json_t *u = json_object(), *b = json_array();
		json_object_set_new(u, "uid", json_integer(i));
		json_object_set_new(u, "stake", json_integer((json_int_t)res->stake[i]));
		json_object_set_new(u, "stake_weight", json_integer(res->stake_weight[i]));
		json_object_set_new(u, "active", json_boolean(res->active[i]));
		json_object_set_new(u, "permit", json_boolean(res->new_permit[i]));
		json_object_set_new(u, "consensus", json_integer(res->consensus[i]));
		json_object_set_new(u, "validator_trust", json_integer(res->validator_trust[i]));
		json_object_set_new(u, "incentive", json_integer(res->incentive[i]));
		json_object_set_new(u, "dividends", json_integer(res->dividends[i]));
		json_object_set_new(u, "emission", json_integer((json_int_t)res->emission[i]));
		json_object_set_new(u, "server_emission",
				    json_integer((json_int_t)res->server_emission[i]));
		json_object_set_new(u, "validator_emission",
				    json_integer((json_int_t)res->validator_emission[i]));
		for (uint32_t k = 0; k < bonds[i].len; k++) {
			json_t *pair = json_array();
			json_array_append_new(pair, json_integer(bonds[i].uid[k]));
			json_array_append_new(pair, json_integer(bonds[i].val[k]));
			json_array_append_new(b, pair);
		}
		json_object_set_new(u, "bonds", b);
		json_array_append_new(uids, u);
	}
	json_object_set_new(o, "uids", uids);
	char *text = json_dumps(o, JSON_COMPACT);
	if (text)
		puts(text);
	free(text);
	json_decref(o);
}

static void print_table(const struct printer *pr, const struct nd_ecase *c, size_t step,
			unsigned epoch, const struct dn_epoch_result *res)
{
	const struct dn_row16 *bonds = nd_ecase_bonds(c);
	printf("%s: epoch %u (step %zu, block %llu, %s)\n", pr->name, epoch, step,
	       (unsigned long long)nd_ecase_block(c),
	       res->variant == DN_EPOCH_DENSE ? "dense" : "sparse");
	printf("  uid %14s %7s %3s %3s %7s %7s %7s %7s %14s  bonds\n", "stake", "weight", "act",
	       "vp", "cons", "vtrust", "incent", "divs", "emission");
	for (uint32_t i = 0; i < res->n; i++) {
		printf("  %3u %14llu %7.4f %3s %3s %7.4f %7.4f %7.4f %7.4f %14llu ", i,
		       (unsigned long long)res->stake[i], frac16(res->stake_weight[i]),
		       res->active[i] ? "yes" : "no", res->new_permit[i] ? "yes" : "no",
		       frac16(res->consensus[i]), frac16(res->validator_trust[i]),
		       frac16(res->incentive[i]), frac16(res->dividends[i]),
		       (unsigned long long)res->emission[i]);
		for (uint32_t k = 0; k < bonds[i].len && k < 8; k++)
			printf(" %u:%u", bonds[i].uid[k], bonds[i].val[k]);
		if (bonds[i].len > 8)
			printf(" (+%u)", bonds[i].len - 8);
		putchar('\n');
	}
	putchar('\n');
}

static void on_epoch(void *ctx, const struct nd_ecase *c, size_t step, unsigned epoch,
		     const struct dn_epoch_result *res)
{
	const struct printer *pr = ctx;
	if (pr->table)
		print_table(pr, c, step, epoch, res);
	else
		print_json(pr, c, step, epoch, res);
}

/* Runs one case; returns the exit status contribution. */
static int run_case(const char *path, json_t *rec, size_t index, bool table, int variant)
{
	struct nd_vrec r;
	struct nd_vout o = {0};
	struct nd_ecase_tally t = {0};
	struct printer pr = {.table = table};
	int status = ND_EXIT_OK;

	nd_vrec_init(&r, path, rec, index);
	pr.name = r.label;
	struct nd_ecase_hooks hooks = {.on_epoch = on_epoch, .ctx = &pr};
	if (nd_ecase_run(&r, variant, &hooks, &o, &t) != 0) {
		fflush(stdout);
		nd_error("%s: case '%s': %s", path, r.label, r.err);
		status = ND_EXIT_USAGE;
	} else if (t.checked) {
		if (table) {
			printf("%s: %d expectations checked, %d failed\n", r.label, t.checked,
			       t.failed);
			if (o.text)
				fputs(o.text, stdout);
		} else {
			json_t *s = json_pack("{s:s, s:{s:i, s:i, s:s?}}", "case", r.label,
					      "expectations", "checked", t.checked, "failed",
					      t.failed, "mismatches", o.text);
			char *text = s ? json_dumps(s, JSON_COMPACT) : NULL;
			if (text)
				puts(text);
			free(text);
			json_decref(s);
		}
		status = t.failed ? ND_EXIT_FAIL : ND_EXIT_OK;
	}
	nd_vout_free(&o);
	nd_vrec_release(&r);
	return status;
}

static int run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"table", no_argument, NULL, 't'},
		{"variant", required_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{0, 0, 0, 0},
	};
	bool table = false;
	int variant = -1, c, status = ND_EXIT_OK;

	while ((c = nd_getopt(&nd_cmd_epoch, argc, argv, "", longopts)) != -1) {
		switch (c) {
		case 't': table = true; break;
		case 'v':
			if (strcmp(optarg, "sparse") == 0)
				variant = DN_EPOCH_SPARSE;
			else if (strcmp(optarg, "dense") == 0)
				variant = DN_EPOCH_DENSE;
			else
				return nd_usage_error(&nd_cmd_epoch,
						      "--variant takes sparse or dense, not '%s'",
						      optarg);
			break;
		case 'h': return ND_EXIT_OK;
		default: return ND_EXIT_USAGE;
		}
	}
	if (optind >= argc)
		return nd_usage_error(&nd_cmd_epoch, "no case file given");
	for (int i = optind; i < argc; i++) {
		char err[256];
		json_t *root = nd_vjson_load(argv[i], err, sizeof(err));
		int st = ND_EXIT_OK;
		if (!root) {
			nd_error("%s: %s", argv[i], err);
			status = ND_EXIT_USAGE;
			continue;
		}
		json_t *vectors = json_object_get(root, "vectors");
		if (json_is_array(vectors)) {
			size_t k, ran = 0;
			json_t *rec;
			json_array_foreach(vectors, k, rec)
			{
				const char *kind = json_string_value(json_object_get(rec, "kind"));
				if (!kind || strcmp(kind, "epoch_scenario") != 0)
					continue;
				ran++;
				int s = run_case(argv[i], rec, k, table, variant);
				st = s > st ? s : st;
			}
			if (!ran) {
				nd_error("%s: no epoch_scenario record in this vector file",
					 argv[i]);
				st = ND_EXIT_USAGE;
			}
		} else if (json_is_object(root)) {
			st = run_case(argv[i], root, 0, table, variant);
		} else {
			nd_error("%s: expected an epoch case (a JSON object)", argv[i]);
			st = ND_EXIT_USAGE;
		}
		status = st > status ? st : status;
		json_decref(root);
	}
	return status;
}

const struct nd_command nd_cmd_epoch = {
	.name = "epoch",
	.summary = "run an epoch case and print every uid's outputs after each epoch",
	.usage = usage,
	.run = run,
};
