/*
 * `taodev bench WHAT`: benchmarks, one table of subcommands. Speed is
 * proven here, never by timed tests. Every subcommand prints a table, or
 * one JSON array with --json.
 */
#include "devnet/epoch.h"
#include "devnet/xalloc.h"
#include "nodes/bench.h"
#include "nodes/cli.h"
#include "nodes/rng.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char usage[] =
	"usage: taodev bench [--json] [--runs N] [--seconds S] WHAT\n"
	"\n"
	"Benchmarks, single-threaded unless said otherwise.\n"
	"\n"
	"  epoch    the Yuma epoch (the chain's sparse epoch) on random dense\n"
	"           subnets: 64 validators x 256 uids and 256 x 256, classic and\n"
	"           Yuma3, liquid alpha off and on; epochs per second (median,\n"
	"           min, max over the runs)\n"
	"  chain    blocks on a mainnet-scale state (128 subnets x 256 uids, 64\n"
	"           validators each): empty blocks and blocks of 100 signed\n"
	"           extrinsics, built by an author and imported by a second node;\n"
	"           the state root's cost per block (--blocks N per phase)\n"
	"  sim      a simulated day (7,200 blocks, or --blocks) of\n"
	"           fixtures/mainnet-scale.ini (or --scenario FILE) through the\n"
	"           runner of 'taodev sim', store on: blocks per second, seconds per\n"
	"           simulated day, and where the time went\n"
	"\n"
	"Options:\n"
	"  --json         one JSON array of result objects instead of a table\n"
	"  --runs N       timed runs per case (default 7)\n"
	"  --seconds S    length of one run in seconds (default 0.25)\n"
	"  --blocks N     blocks per phase of 'chain' (default 100)\n"
	"  --subnets N    subnets of 'chain' (default 128)\n"
	"  --scenario F   the scenario of 'sim' (default fixtures/mainnet-scale.ini)\n"
	"  -h, --help     show this help\n";

double nd_bench_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int nd_bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* ---- bench epoch ------------------------------------------------------- */

struct epoch_case {
	const char *name;
	uint32_t validators, uids;
	bool yuma3, liquid;
};

static const struct epoch_case epoch_cases[] = {
	{"64x256 classic", 64, 256, false, false},
	{"64x256 yuma3", 64, 256, true, false},
	{"64x256 yuma3 liquid", 64, 256, true, true},
	{"256x256 classic", 256, 256, false, false},
	{"256x256 yuma3", 256, 256, true, false},
	{"256x256 yuma3 liquid", 256, 256, true, true},
};

/* A random dense subnet: every validator weights every uid. */
struct subnet {
	uint32_t n;
	uint64_t *stake, *reg, *last_update;
	bool *permit;
	struct dn_row16 *weights, *bonds;
};

static void subnet_init(struct subnet *s, const struct epoch_case *ec, uint64_t seed)
{
	struct nd_rng rng;
	nd_rng_seed(&rng, seed);
	s->n = ec->uids;
	s->stake = xcalloc(s->n, sizeof(uint64_t));
	s->reg = xcalloc(s->n, sizeof(uint64_t));
	s->last_update = xcalloc(s->n, sizeof(uint64_t));
	s->permit = xcalloc(s->n, sizeof(bool));
	s->weights = xcalloc(s->n, sizeof(struct dn_row16));
	s->bonds = xcalloc(s->n, sizeof(struct dn_row16));
	uint16_t *dest = xcalloc(s->n, sizeof(uint16_t)), *val = xcalloc(s->n, sizeof(uint16_t));
	for (uint32_t i = 0; i < s->n; i++) {
		s->last_update[i] = 999;
		if (i >= ec->validators)
			continue;
		/* 1 to 100k TAO */
		s->stake[i] = (1 + nd_rng_below(&rng, 100000)) * 1000000000ULL;
		s->permit[i] = true;
		for (uint32_t j = 0; j < s->n; j++) {
			dest[j] = (uint16_t)j;
			val[j] = (uint16_t)nd_rng_below(&rng, 65536);
		}
		dn_row16_set(&s->weights[i], dest, val, s->n);
	}
	free(dest);
	free(val);
}

static void subnet_release(struct subnet *s)
{
	for (uint32_t i = 0; i < s->n; i++) {
		dn_row16_release(&s->weights[i]);
		dn_row16_release(&s->bonds[i]);
	}
	free(s->weights);
	free(s->bonds);
	free(s->stake);
	free(s->reg);
	free(s->last_update);
	free(s->permit);
}

struct epoch_stats {
	double median, min, max;
	long epochs;
};

static int bench_epoch_case(const struct epoch_case *ec, const struct nd_bench_opts *o,
			    struct epoch_stats *st)
{
	struct subnet s;
	struct dn_epoch_params p;
	struct dn_epoch *ws = dn_epoch_new();
	const struct dn_epoch_result *res;
	int rc = 0;

	subnet_init(&s, ec, 0x7a0de5 + ec->uids * 31 + ec->validators);
	dn_epoch_params_default(&p);
	p.tempo = 360;
	p.activity_cutoff = dn_epoch_activity_cutoff(13889, p.tempo);
	p.yuma3 = ec->yuma3;
	p.liquid_alpha = ec->liquid;
	p.commit_reveal = false;
	p.max_allowed_validators = (uint16_t)ec->validators;
	p.last_mechanism_step_block = 999; /* no bond column is "recently registered" */
	struct dn_epoch_input in = {
		.n = s.n,
		.block = 1000,
		.alpha_stake = s.stake,
		.block_at_registration = s.reg,
		.last_update = s.last_update,
		.n_last_update = s.n,
		.validator_permit = s.permit,
		.weights = s.weights,
		.bonds = s.bonds,
		.rao_emission = 1000000000ULL * 360,
	};
	/* warm up: a few epochs so that bonds are populated as in steady state */
	for (int k = 0; k < 3 && rc == 0; k++) {
		rc = dn_epoch_run(ws, &p, &in, DN_EPOCH_SPARSE, &res, NULL);
		if (rc == 0)
			dn_epoch_store_bonds(res, s.bonds);
	}
	double *rate = xcalloc((size_t)o->runs, sizeof(double));
	st->epochs = 0;
	for (int r = 0; r < o->runs && rc == 0; r++) {
		long count = 0;
		double t0 = nd_bench_now(), t;
		do {
			for (int k = 0; k < 8 && rc == 0; k++, count++)
				rc = dn_epoch_run(ws, &p, &in, DN_EPOCH_SPARSE, &res, NULL);
			t = nd_bench_now() - t0;
		} while (t < o->seconds && rc == 0);
		rate[r] = (double)count / t;
		st->epochs += count;
	}
	if (rc == 0) {
		qsort(rate, (size_t)o->runs, sizeof(double), nd_bench_cmp_double);
		st->min = rate[0];
		st->max = rate[o->runs - 1];
		st->median = o->runs % 2 ? rate[o->runs / 2]
					 : (rate[o->runs / 2 - 1] + rate[o->runs / 2]) / 2;
	} else {
		nd_error("bench epoch: %s: the epoch failed: %s", ec->name, dn_epoch_strerror(rc));
	}
	free(rate);
	dn_epoch_free(ws);
	subnet_release(&s);
	return rc;
}

static int bench_epoch(const struct nd_bench_opts *o)
{
	size_t ncases = sizeof(epoch_cases) / sizeof(epoch_cases[0]);
	json_t *all = json_array();
	bool tty = isatty(STDERR_FILENO);
	int status = ND_EXIT_OK;
	if (!o->json)
		printf("%-22s %10s %6s %8s %7s %12s %12s %12s\n", "case", "validators", "uids",
		       "version", "liquid", "epochs/s med", "min", "max");
	for (size_t i = 0; i < ncases; i++) {
		const struct epoch_case *ec = &epoch_cases[i];
		struct epoch_stats st = {0};
		if (tty)
			fprintf(stderr, "bench epoch: %s (%zu/%zu)...\r", ec->name, i + 1, ncases);
		if (bench_epoch_case(ec, o, &st) != 0) {
			status = ND_EXIT_FAIL;
			continue;
		}
		if (tty)
			fprintf(stderr, "\033[K");
		if (o->json) {
			json_array_append_new(
				all,
				json_pack("{s:s, s:i, s:i, s:s, s:b, s:f, s:f, s:f, s:i}", "case",
					  ec->name, "validators", (int)ec->validators, "uids",
					  (int)ec->uids, "version", ec->yuma3 ? "yuma3" : "classic",
					  "liquid_alpha", ec->liquid, "epochs_per_s_median",
					  st.median, "epochs_per_s_min", st.min, "epochs_per_s_max",
					  st.max, "runs", o->runs));
		} else {
			printf("%-22s %10u %6u %8s %7s %12.0f %12.0f %12.0f\n", ec->name,
			       ec->validators, ec->uids, ec->yuma3 ? "yuma3" : "classic",
			       ec->liquid ? "on" : "off", st.median, st.min, st.max);
			fflush(stdout);
		}
	}
	if (o->json) {
		char *text = json_dumps(all, JSON_INDENT(2));
		if (text)
			puts(text);
		free(text);
	}
	json_decref(all);
	return status;
}

/* ---- dispatch ---------------------------------------------------------- */

static const struct {
	const char *name;
	int (*run)(const struct nd_bench_opts *);
} benches[] = {
	{"epoch", bench_epoch},
	{"chain", nd_bench_chain},
	{"sim", nd_bench_sim},
};

static int run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"json", no_argument, NULL, 'j'},
		{"runs", required_argument, NULL, 'r'},
		{"seconds", required_argument, NULL, 's'},
		{"blocks", required_argument, NULL, 'b'},
		{"subnets", required_argument, NULL, 'n'},
		{"scenario", required_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{0, 0, 0, 0},
	};
	struct nd_bench_opts o = {
		.json = false, .runs = 7, .seconds = 0.25, .blocks = 100, .subnets = 128};
	int c;
	char *end;
	while ((c = nd_getopt(&nd_cmd_bench, argc, argv, "", longopts)) != -1) {
		switch (c) {
		case 'j': o.json = true; break;
		case 'r':
			o.runs = (int)strtol(optarg, &end, 10);
			if (*end || o.runs < 1 || o.runs > 1000)
				return nd_usage_error(
					&nd_cmd_bench,
					"--runs takes a number from 1 to 1000, not '%s'", optarg);
			break;
		case 's':
			o.seconds = strtod(optarg, &end);
			if (*end || !(o.seconds > 0 && o.seconds <= 600))
				return nd_usage_error(
					&nd_cmd_bench,
					"--seconds takes a number in (0, 600], not '%s'", optarg);
			break;
		case 'b':
			o.blocks = strtol(optarg, &end, 10);
			o.blocks_given = true;
			if (*end || o.blocks < 1 || o.blocks > 1000000)
				return nd_usage_error(
					&nd_cmd_bench,
					"--blocks takes a number from 1 to 1000000, not '%s'",
					optarg);
			break;
		case 'n':
			o.subnets = strtol(optarg, &end, 10);
			if (*end || o.subnets < 1 || o.subnets > 1024)
				return nd_usage_error(
					&nd_cmd_bench,
					"--subnets takes a number from 1 to 1024, not '%s'",
					optarg);
			break;
		case 'f': o.scenario = optarg; break;
		case 'h': return ND_EXIT_OK;
		default: return ND_EXIT_USAGE;
		}
	}
	if (optind >= argc)
		return nd_usage_error(&nd_cmd_bench, "which benchmark? (epoch, chain, sim)");
	if (argc - optind > 1)
		return nd_usage_error(&nd_cmd_bench, "one benchmark at a time");
	for (size_t i = 0; i < sizeof(benches) / sizeof(benches[0]); i++)
		if (strcmp(argv[optind], benches[i].name) == 0)
			return benches[i].run(&o);
	return nd_usage_error(&nd_cmd_bench, "unknown benchmark '%s' (epoch, chain, sim)",
			      argv[optind]);
}

const struct nd_command nd_cmd_bench = {
	.name = "bench",
	.summary = "benchmarks: epochs, mainnet-scale blocks, a simulated day (--json)",
	.usage = usage,
	.run = run,
};
