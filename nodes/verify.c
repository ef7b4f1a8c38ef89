/*
 * The vector runner: reads a file, dispatches each record to the checker of
 * its kind, prints one TAP point per record.
 */
#include "nodes/verify.h"

#include <string.h>

/* Kinds not checked yet, with the reason (a family table that checks a
 * kind takes precedence over this list). */
#define DTAO "the dTAO economy arrives with issue 4"

static const struct nd_vkind pending[] = {
	{"scheduler", NULL,
	 "the coinbase's epoch scheduler arrives with the dTAO economy (issue 4)"},
	{"property", NULL,
	 "a property, not numbers: randomised in tests/devnet/epoch-t and epochfast-t (sparse = "
	 "dense, "
	 "inputs never mutated) and mathx-t (weighted median)"},
	{"balancer_math", NULL, DTAO},
	{"stake_limit", NULL, DTAO},
	{"distribution", NULL, DTAO},
	{"neuron_burn", NULL, DTAO},
	{"epoch_schedule", NULL, DTAO},
	{"subnet_emission_split", NULL, DTAO},
	{"pool_swap", NULL, DTAO},
	{"network_lock", NULL, DTAO},
	{"root_claim", NULL, DTAO},
	{"pool_price", NULL, DTAO},
	{"pool_injection", NULL, DTAO},
	{"share_pool", NULL, DTAO},
	{"pending_emission_split", NULL, DTAO},
	{"subnet_pruning", NULL, DTAO},
	{"neuron_pruning", NULL, DTAO},
	{"block_emission", NULL, DTAO},
	{"subnet_terms", NULL, DTAO},
	{"epoch_drain", NULL, DTAO},
	{"moving_price_ema", NULL, DTAO},
	{"tao_issuance", NULL, DTAO},
	{"subnet_eligibility", NULL, DTAO},
	{"root_proportion", NULL, DTAO},
	{NULL, NULL, NULL},
};

/* Every family's table, searched in order. */
static const struct nd_vkind *const tables[] = {
	nd_vkinds_epoch,    nd_vkinds_pool,	    nd_vkinds_emission,
	nd_vkinds_registry, nd_vkinds_distribution, pending,
};

static const struct nd_vkind *find_kind(const char *kind)
{
	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
		for (const struct nd_vkind *k = tables[t]; k->kind; k++)
			if (strcmp(k->kind, kind) == 0)
				return k;
	return NULL;
}

/* Diagnostic lines under a TAP point, each prefixed with "# ". */
static void print_diag(FILE *out, const char *text)
{
	while (text && *text) {
		const char *nl = strchr(text, '\n');
		size_t n = nl ? (size_t)(nl - text) : strlen(text);
		fprintf(out, "#   %.*s\n", (int)n, text);
		text += n + (nl != NULL);
	}
}

static void run_record(const char *path, json_t *rec, size_t index,
		       const struct nd_verify_opts *opts, struct nd_verify_totals *t,
		       struct nd_vout *o)
{
	struct nd_vrec r;
	nd_vrec_init(&r, path, rec, index);
	const char *kind = json_string_value(json_object_get(rec, "kind"));
	if (opts->kind && (!kind || strcmp(kind, opts->kind) != 0))
		goto done;
	if (opts->match && !strstr(r.label, opts->match))
		goto done;

	nd_vout_reset(o);
	t->run++;
	if (!json_is_object(rec) || !kind) {
		nd_vbad(&r, "kind", "missing (every record needs a kind)");
	} else {
		const struct nd_vkind *k = find_kind(kind);
		enum nd_vstatus st;
		if (!k) {
			fprintf(opts->out, "ok %d - %s # SKIP kind '%s' is not one taodev knows\n",
				t->run, r.label, kind);
			t->skipped++;
			goto done;
		}
		if (!k->check) {
			fprintf(opts->out, "ok %d - %s # SKIP %s\n", t->run, r.label, k->reason);
			t->skipped++;
			goto done;
		}
		st = k->check(&r, o);
		if (!r.bad) {
			if (st == ND_V_SKIP) {
				fprintf(opts->out, "ok %d - %s # SKIP %s\n", t->run, r.label,
					o->text ? o->text : "");
				t->skipped++;
			} else if (st == ND_V_PASS) {
				fprintf(opts->out, "ok %d - %s\n", t->run, r.label);
				t->passed++;
			} else {
				fprintf(opts->out, "not ok %d - %s\n", t->run, r.label);
				print_diag(opts->out, o->text);
				t->failed++;
			}
			goto done;
		}
	}
	/* bad input: the record cannot be checked */
	fprintf(opts->out, "not ok %d - %s\n#   bad record: %s\n", t->run, r.label, r.err);
	fprintf(stderr, "taodev: %s: record '%s': %s\n", path, r.label, r.err);
	t->bad++;
done:
	nd_vrec_release(&r);
}

int nd_verify_file(const char *path, const struct nd_verify_opts *opts, struct nd_verify_totals *t)
{
	char err[256];
	json_t *root = nd_vjson_load(path, err, sizeof(err));
	if (!root) {
		fprintf(stderr, "taodev: %s: %s\n", path, err);
		t->bad++;
		return -1;
	}
	json_t *vectors = json_object_get(root, "vectors");
	if (!json_is_array(vectors)) {
		fprintf(stderr, "taodev: %s: not a vector file (no 'vectors' array at the top)\n",
			path);
		json_decref(root);
		t->bad++;
		return -1;
	}
	struct nd_vout o = {0};
	fprintf(opts->out, "# %s: %zu records\n", path, json_array_size(vectors));
	for (size_t i = 0; i < json_array_size(vectors); i++)
		run_record(path, json_array_get(vectors, i), i, opts, t, &o);
	nd_vout_free(&o);
	json_decref(root);
	return 0;
}
