/*
 * The headless run loop (see runner.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devnet/block.h"
#include "devnet/emission.h"
#include "devnet/store.h"
#include "devnet/xalloc.h"
#include "nodes/agent.h"
#include "nodes/bench.h"
#include "nodes/cli.h"
#include "nodes/runner.h"

#define SCENARIO_MAX (16u << 20) /* bytes of a scenario file */

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

void nd_run_root_hex(const struct nd_run_result *res, char out[65])
{
	sodium_bin2hex(out, 65, res->state_root, 32);
}

struct run {
	const struct nd_run_opts *o;
	const char *dbpath; /* o->db or the temporary store */
	char tmppath[64];
	struct dn_store *st;
	char *text; /* the scenario's INI text */
	const char *source; /* its name for errors */
	char *source_owned; /* source when read from a store */
	struct dn_scenario *scn;
	struct dn_scenario_world *world;
	struct nd_agents *agents;
	uint64_t seed, until;
	struct dn_chain *c;
	struct dn_stateroot *r;
	uint8_t root[32]; /* of block c->block */
};

static int store_fail(struct run *R, const char *what)
{
	nd_error("%s: %s: %s", R->dbpath, what, dn_store_errmsg(R->st));
	return ND_EXIT_FAIL;
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		nd_error("%s: %s", path, strerror(errno));
		return NULL;
	}
	char *buf = xcalloc(1, SCENARIO_MAX + 1);
	size_t n = fread(buf, 1, SCENARIO_MAX + 1, f);
	bool err = ferror(f) != 0;
	fclose(f);
	if (err || n > SCENARIO_MAX) {
		nd_error("%s: %s", path, err ? "read error" : "larger than 16 MiB");
		free(buf);
		return NULL;
	}
	buf[n] = 0;
	return buf;
}

/* The scenario from R->text (or the compiled-in default). */
static int load_scenario(struct run *R)
{
	char err[512];
	int rc = R->text ? dn_scenario_load_string(R->text, R->source, R->scn, err, sizeof(err))
			 : dn_scenario_load_default(R->scn, err, sizeof(err));
	if (rc) {
		nd_error("%s", err);
		return ND_EXIT_USAGE;
	}
	if (!R->text)
		R->text = xstrdup(dn_scenario_default_ini);
	return ND_EXIT_OK;
}

/* The genesis, the world and the agents of the scenario. */
static int build_world(struct run *R)
{
	char err[512];
	if (dn_scenario_genesis(R->scn, &R->world, err, sizeof(err))) {
		nd_error("%s: %s", R->source, err);
		return ND_EXIT_USAGE;
	}
	R->agents = nd_agents_new(R->scn, R->world, R->seed);
	return ND_EXIT_OK;
}

/* Names every participant's keys in the store, grouped, for the views. */
static int name_accounts(struct run *R)
{
	const struct dn_scenario *s = R->scn;
	const struct dn_scenario_world *w = R->world;
	char name[96];
	int rc = 0;
	for (size_t i = 0; i < s->naccounts && !rc; i++)
		rc = dn_store_name_account(R->st, w->g.accounts[w->account[i]].key,
					   s->accounts[i].name, "account");
	for (size_t i = 0; i < s->nsubnets && !rc; i++) {
		snprintf(name, sizeof(name), "%s/owner", s->subnets[i].name);
		rc = dn_store_name_account(R->st, w->g.accounts[w->owner_hotkey[i]].key, name,
					   "owner");
	}
	struct {
		const struct dn_scn_group *g;
		size_t n;
		const char *(*name)(const struct dn_scenario *, size_t);
	} kinds[3] = {{w->validators, w->nvalidators, NULL},
		      {w->miners, w->nminers, NULL},
		      {w->traders, w->ntraders, NULL}};
	for (int k = 0; k < 3 && !rc; k++) {
		for (size_t gi = 0; gi < kinds[k].n && !rc; gi++) {
			const struct dn_scn_group *g = &kinds[k].g[gi];
			const char *grp = k == 0   ? s->validators[gi].name
					  : k == 1 ? s->miners[gi].name
						   : s->traders[gi].name;
			for (unsigned m = 0; m < g->count && !rc; m++) {
				snprintf(name, sizeof(name), "%s/%u", grp, m);
				rc = dn_store_name_account(R->st, g->m[m].cold.public_key, name,
							   grp);
				if (!rc && g->m[m].hotkey != DN_CHAIN_NONE) {
					snprintf(name, sizeof(name), "%s/%u/hot", grp, m);
					rc = dn_store_name_account(R->st, g->m[m].hot.public_key,
								   name, grp);
				}
				if (!rc && g->own) {
					snprintf(name, sizeof(name), "%s/%u/miner", grp, m);
					rc = dn_store_name_account(R->st, g->own[m].public_key,
								   name, grp);
				}
			}
		}
	}
	return rc ? store_fail(R, "cannot name the accounts") : ND_EXIT_OK;
}

/* A churning group's new hotkey of this block, named before it appears. */
static int name_churn(struct run *R, uint64_t block)
{
	for (size_t gi = 0; gi < R->scn->nminers; gi++) {
		const struct dn_scn_miners *m = &R->scn->miners[gi];
		unsigned member;
		uint64_t gen;
		if (!dn_scenario_churn_at(m, block, &member, &gen))
			continue;
		char uri[160], name[96];
		snprintf(uri, sizeof(uri), "//taodev//%s//%u//hot//%" PRIu64, m->name, member, gen);
		snprintf(name, sizeof(name), "%s/%u/hot/%" PRIu64, m->name, member, gen);
		struct dn_keypair kp;
		if (dn_keys_uri(uri, &kp) == 0 &&
		    dn_store_name_account(R->st, kp.public_key, name, m->name))
			return store_fail(R, "cannot name an account");
	}
	return ND_EXIT_OK;
}

/* A fresh run: the genesis, recorded as block 0 with its snapshot. */
static int start(struct run *R)
{
	int status = load_scenario(R);
	if (status)
		return status;
	R->seed = R->o->seed_given ? R->o->seed : R->scn->seed;
	if ((status = build_world(R)))
		return status;
	struct dn_chain_err err;
	R->c = dn_chain_new(&R->world->g, &err);
	if (!R->c) {
		nd_error("%s: genesis refused: %s", R->source, err.msg);
		return ND_EXIT_USAGE;
	}
	struct dn_block gb;
	dn_block_init(&gb);
	dn_block_genesis(R->c, R->r, &gb.h);
	memcpy(R->root, gb.h.state_root, 32);
	char seed[32];
	snprintf(seed, sizeof(seed), "%" PRIu64, R->seed);
	int rc = dn_store_begin(R->st);
	if (!rc)
		rc = dn_store_meta_set(R->st, "scenario", R->text);
	if (!rc)
		rc = dn_store_meta_set(R->st, "scenario_source", R->source);
	if (!rc)
		rc = dn_store_meta_set(R->st, "scenario_name", R->scn->name);
	if (!rc)
		rc = dn_store_meta_set(R->st, "seed", seed);
	if (!rc)
		rc = dn_store_meta_set_blob(R->st, "genesis_hash", R->c->genesis_hash, 32);
	if (!rc)
		rc = dn_store_put_block(R->st, &gb, R->c->head_hash, R->c, NULL);
	if (!rc)
		rc = dn_store_put_snapshot(R->st, R->c);
	dn_block_release(&gb);
	if (rc) {
		dn_store_rollback(R->st);
		return store_fail(R, "cannot record the genesis");
	}
	if ((status = name_accounts(R)))
		return status;
	return dn_store_commit(R->st) ? store_fail(R, "cannot commit") : ND_EXIT_OK;
}

static char *meta(struct run *R, const char *key, size_t *n)
{
	char *val = NULL;
	if (dn_store_meta_get(R->st, key, &val, n)) {
		nd_error("%s: not a taodev run (no '%s' recorded)", R->dbpath, key);
		return NULL;
	}
	return val;
}

/* A resumed run: its own scenario and seed, the latest snapshot, then the
 * stored blocks after it. */
static int resume(struct run *R, uint64_t last)
{
	size_t n;
	char *text = meta(R, "scenario", NULL), *source = meta(R, "scenario_source", NULL);
	char *seed = meta(R, "seed", NULL), *gh = meta(R, "genesis_hash", &n);
	int status = ND_EXIT_USAGE;
	if (!text || !source || !seed || !gh || n != 32)
		goto out;
	if (R->text && strcmp(R->text, text) != 0) {
		nd_error("%s: this run's scenario (%s) differs from %s: resume it without a "
			 "scenario file, or use another --db",
			 R->dbpath, source, R->source);
		goto out;
	}
	uint64_t stored_seed = strtoull(seed, NULL, 10);
	if (R->o->seed_given && stored_seed != R->o->seed) {
		nd_error("%s: this run used seed %" PRIu64 ", not %" PRIu64
			 " (drop --seed to resume it, or use another --db)",
			 R->dbpath, stored_seed, R->o->seed);
		goto out;
	}
	free(R->text);
	R->text = text;
	text = NULL;
	R->source = R->source_owned = source;
	source = NULL;
	if ((status = load_scenario(R)))
		goto out;
	R->seed = stored_seed;
	if ((status = build_world(R)))
		goto out;

	uint64_t snap;
	uint8_t head[32], *blob;
	status = ND_EXIT_FAIL;
	if (dn_store_latest_snapshot(R->st, last, &snap, head, &blob, &n)) {
		store_fail(R, "no state snapshot to resume from");
		goto out;
	}
	struct dn_chain_err err;
	R->c = dn_chain_decode(blob, n, &err);
	free(blob);
	if (!R->c) {
		nd_error("%s: the snapshot of block %" PRIu64 " does not decode: %s", R->dbpath,
			 snap, err.msg);
		goto out;
	}
	memcpy(R->c->genesis_hash, gh, 32);
	memcpy(R->c->head_hash, head, 32);
	dn_stateroot_compute(R->r, R->c, R->root);
	struct dn_block b;
	dn_block_init(&b);
	for (uint64_t k = snap + 1; k <= last; k++) {
		if (dn_store_get_block(R->st, k, &b)) {
			store_fail(R, "cannot read a stored block");
			dn_block_release(&b);
			goto out;
		}
		if (dn_block_import(R->c, R->r, &b, NULL, &err)) {
			nd_error("%s: stored block %" PRIu64 " does not replay: %s", R->dbpath, k,
				 err.msg);
			dn_block_release(&b);
			goto out;
		}
		memcpy(R->root, b.h.state_root, 32);
	}
	dn_block_release(&b);
	status = ND_EXIT_OK;
out:
	free(text);
	free(source); /* NULL when kept */
	free(seed);
	free(gh);
	return status;
}

static void print_epochs(const struct dn_block_events *ev)
{
	for (size_t i = 0; i < ev->nepochs; i++) {
		const struct dn_epoch_event *e = &ev->epochs[i];
		if (e->outcome != DN_SCHEDULE_RUN)
			continue;
		json_t *j = json_pack(
			"{s:s, s:I, s:i, s:I, s:I, s:I, s:I, s:I, s:I}", "event", "epoch", "block",
			(json_int_t)ev->block, "netuid", (int)e->netuid, "server",
			(json_int_t)e->server, "validator", (json_int_t)e->validator, "root",
			(json_int_t)e->root, "owner_cut", (json_int_t)e->owner_cut, "incentive_sum",
			(json_int_t)e->incentive_sum, "staked", (json_int_t)e->staked);
		char *s = json_dumps(j, JSON_COMPACT);
		if (s)
			puts(s);
		free(s);
		json_decref(j);
	}
}

static int author(struct run *R, struct nd_run_result *res)
{
	const struct nd_run_opts *o = R->o;
	struct dn_block b;
	dn_block_init(&b);
	struct dn_block_events ev;
	dn_block_events_init(&ev);
	struct dn_extrinsic *pool = NULL;
	size_t cap = 0;
	uint8_t author_key[32];
	memcpy(author_key, R->c->acct[0].key, 32); /* alice authors */
	double t0 = nd_bench_now(), last_commit = t0, last_progress = 0;
	uint64_t first = R->c->block;
	int status = ND_EXIT_OK;
	if (dn_store_begin(R->st))
		status = store_fail(R, "cannot start a transaction");
	while (status == ND_EXIT_OK && R->c->block < R->until && !stop_requested) {
		if ((status = name_churn(R, R->c->block + 1)))
			break;
		double a0 = nd_bench_now();
		size_t n = nd_agents_block(R->agents, R->c, &pool, &cap);
		double a1 = nd_bench_now();
		struct dn_chain_err err;
		int rc = dn_block_build(R->c, R->r, author_key, pool, n, &b, NULL, &ev, &err);
		double a2 = nd_bench_now();
		res->t_agents += a1 - a0;
		res->t_blocks += a2 - a1;
		for (size_t i = 0; i < n; i++)
			dn_extrinsic_release(&pool[i]);
		if (rc) {
			nd_error("block %" PRIu64 ": %s", R->c->block + 1, err.msg);
			status = ND_EXIT_FAIL;
			break;
		}
		memcpy(R->root, b.h.state_root, 32);
		res->produced++;
		if (o->json)
			print_epochs(&ev);
		rc = dn_store_put_block(R->st, &b, R->c->head_hash, R->c, &ev);
		if (!rc && R->c->block % o->snapshot_every == 0)
			rc = dn_store_put_snapshot(R->st, R->c);
		if (rc) {
			status = store_fail(R, "cannot record a block");
			break;
		}
		double now = nd_bench_now();
		if (now - last_commit >= o->commit_every) {
			if (dn_store_commit(R->st) || dn_store_begin(R->st)) {
				status = store_fail(R, "cannot commit");
				break;
			}
			last_commit = now = nd_bench_now();
		}
		res->t_store += now - a2;
		if (o->progress && now - last_progress >= 0.2) {
			double rate = (double)(R->c->block - first) / (now - t0);
			double eta = rate > 0 ? (double)(R->until - R->c->block) / rate : 0;
			fprintf(stderr,
				"\r%s: block %" PRIu64 "/%" PRIu64
				"  %.0f blocks/s  ETA %.1f s\033[K",
				R->scn->name, R->c->block, R->until, rate, eta);
			last_progress = now;
		}
	}
	if (dn_store_in_transaction(R->st) && dn_store_commit(R->st) && status == ND_EXIT_OK)
		status = store_fail(R, "cannot commit");
	if (o->progress)
		fprintf(stderr, "\r\033[K");
	res->interrupted = stop_requested != 0;
	free(pool);
	dn_block_release(&b);
	dn_block_events_release(&ev);
	return status;
}

/* ---- the summary table ------------------------------------------------- */

static double tao(uint64_t rao) { return (double)rao / 1e9; }

/* Sums over a group's hotkeys on its subnet. */
static void group_row(FILE *t, const struct dn_chain *c, const char *kind, const char *name,
		      const struct dn_scn_group *g)
{
	const struct dn_subnet *s = dn_chain_subnet(c, g->netuid);
	double stake = 0, inc = 0, div = 0, emis = 0, bal = 0;
	unsigned live = 0;
	for (unsigned m = 0; m < g->count; m++) {
		bal += tao(c->acct[g->m[m].coldkey].free);
		uint32_t h = g->m[m].hotkey;
		if (h == DN_CHAIN_NONE || !s)
			continue;
		stake += tao(dn_stake_hotkey(&c->stake, h, g->netuid));
		int32_t uid = dn_subnet_uid(s, h);
		if (uid < 0)
			continue;
		live++;
		inc += s->incentive[uid] / 65535.0;
		div += s->dividends[uid] / 65535.0;
		emis += tao(s->emission[uid]);
	}
	fprintf(t, "  %-10s %-18s %6u %6u/%-4u %14.3f %9.4f %9.4f %12.4f %12.3f\n", kind, name,
		(unsigned)g->netuid, live, g->count, stake, inc, div, emis, bal);
}

static char *summarize(const struct run *R)
{
	char *text = NULL;
	size_t len = 0;
	FILE *t = open_memstream(&text, &len);
	if (!t)
		return NULL;
	const struct dn_chain *c = R->c;
	fprintf(t, "subnets at block %" PRIu64 ":\n", c->block);
	fprintf(t, "  %6s %-14s %12s %12s %14s %16s %16s %7s %7s\n", "netuid", "name", "price",
		"moving", "TAO in pool", "alpha in pool", "alpha out", "tempo", "epochs");
	for (size_t i = 0; i < R->scn->nsubnets; i++) {
		const struct dn_subnet *s = dn_chain_subnet(c, R->scn->subnets[i].netuid);
		if (!s)
			continue;
		dn_u64f64 p = dn_emission_price(&dn_emission_balancer, &s->em);
		fprintf(t, "  %6u %-14s %12.6f %12.6f %14.3f %16.3f %16.3f %7u %7" PRIu64 "\n",
			(unsigned)s->netuid, R->scn->subnets[i].name,
			dn_fx128_to_double((dn_i128)p, 64),
			dn_fx128_to_double(s->em.moving_price, 32), tao(s->em.pool.tao),
			tao(s->em.pool.alpha_in), tao(s->em.pool.alpha_out),
			(unsigned)s->em.sched.tempo, s->ledger.epochs);
	}
	fprintf(t, "groups (last epoch; stake and emission in alpha, balance in TAO):\n");
	fprintf(t, "  %-10s %-18s %6s %11s %14s %9s %9s %12s %12s\n", "kind", "name", "netuid",
		"uids", "stake", "incentive", "dividends", "emission", "balance");
	for (size_t i = 0; i < R->world->nvalidators; i++)
		group_row(t, c, "validators", R->scn->validators[i].name, &R->world->validators[i]);
	for (size_t i = 0; i < R->world->nminers; i++)
		group_row(t, c, "miners", R->scn->miners[i].name, &R->world->miners[i]);
	for (size_t i = 0; i < R->world->ntraders; i++)
		group_row(t, c, "traders", R->scn->traders[i].name, &R->world->traders[i]);
	fclose(t);
	return text;
}

/* ---- the run ----------------------------------------------------------- */

static int open_store(struct run *R)
{
	char msg[512];
	if (R->o->db) {
		R->dbpath = R->o->db;
	} else {
		/* the history of a run without --db: a temporary store */
		const char *dir = getenv("TMPDIR");
		snprintf(R->tmppath, sizeof(R->tmppath), "%s/taodev-sim-XXXXXX",
			 dir && strlen(dir) < 40 ? dir : "/tmp");
		int fd = mkstemp(R->tmppath);
		if (fd < 0) {
			nd_error("cannot create a temporary store %s: %s", R->tmppath,
				 strerror(errno));
			return ND_EXIT_FAIL;
		}
		close(fd);
		unlink(R->tmppath);
		R->dbpath = R->tmppath;
	}
	if (dn_store_open(R->dbpath, DN_STORE_CREATE, &R->st, msg, sizeof(msg))) {
		nd_error("%s", msg);
		return ND_EXIT_USAGE;
	}
	return ND_EXIT_OK;
}

static void remove_tmp(struct run *R)
{
	if (!R->tmppath[0])
		return;
	static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
	for (size_t i = 0; i < 4; i++) {
		char p[80];
		snprintf(p, sizeof(p), "%s%s", R->tmppath, suffix[i]);
		unlink(p);
	}
}

int nd_run(const struct nd_run_opts *o, struct nd_run_result *res)
{
	memset(res, 0, sizeof(*res));
	dn_scenario_init(&res->scn);
	struct run R = {.o = o, .r = dn_stateroot_new(), .scn = &res->scn};
	R.source = o->scenario ? o->scenario : "quickstart.ini (built in)";
	double t0 = nd_bench_now();
	int status = ND_EXIT_OK;
	if (o->scenario && !(R.text = read_file(o->scenario)))
		status = ND_EXIT_USAGE;
	if (!status)
		status = open_store(&R);
	uint64_t last = 0;
	bool have_blocks = !status && dn_store_last_block(R.st, &last, NULL) == 0;
	if (!status)
		status = have_blocks ? resume(&R, last) : start(&R);
	if (!status) {
		R.until = o->until ? o->until : R.scn->blocks;
		if (have_blocks)
			res->resumed_from = R.c->block;
		if (R.c->block > R.until) {
			nd_error("%s: the run is at block %" PRIu64 ", past --blocks %" PRIu64,
				 R.dbpath, R.c->block, R.until);
			status = ND_EXIT_USAGE;
		}
	}
	res->t_setup = nd_bench_now() - t0;
	if (!status) {
		struct sigaction sa = {.sa_handler = on_signal};
		sigemptyset(&sa.sa_mask);
		struct sigaction old_int, old_term;
		sigaction(SIGINT, &sa, &old_int);
		sigaction(SIGTERM, &sa, &old_term);
		status = author(&R, res);
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGTERM, &old_term, NULL);
	}
	if (!status && !res->interrupted) {
		double e0 = nd_bench_now();
		res->nverdicts = R.scn->nexpects;
		res->verdicts =
			xcalloc(res->nverdicts ? res->nverdicts : 1, sizeof(*res->verdicts));
		res->failed = nd_expect_eval(R.st, R.scn->expects, R.scn->nexpects, res->verdicts);
		res->summary = summarize(&R);
		res->t_expect = nd_bench_now() - e0;
	}
	if (R.c) {
		res->block = R.c->block;
		memcpy(res->state_root, R.root, 32);
	}
	res->seconds = nd_bench_now() - t0;
	dn_store_close(R.st);
	remove_tmp(&R);
	nd_agents_free(R.agents);
	dn_scenario_world_free(R.world);
	dn_chain_free(R.c);
	dn_stateroot_free(R.r);
	free(R.text);
	free(R.source_owned);
	return status;
}

void nd_run_result_release(struct nd_run_result *res)
{
	free(res->verdicts);
	free(res->summary);
	dn_scenario_release(&res->scn);
	memset(res, 0, sizeof(*res));
}
