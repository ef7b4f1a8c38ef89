/*
 * The headless run loop (see runner.h).
 */
#include <inttypes.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devnet/block.h"
#include "devnet/store.h"
#include "nodes/bench.h"
#include "nodes/cli.h"
#include "nodes/runner.h"
#include "nodes/traffic.h"

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void hex(const uint8_t *p, size_t n, char *out)
{
	static const char d[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = d[p[i] >> 4];
		out[2 * i + 1] = d[p[i] & 15];
	}
	out[2 * n] = 0;
}

struct run {
	const struct nd_run_opts *o;
	struct dn_store *st;
	struct dn_chain *c;
	struct dn_stateroot *r;
	uint8_t root[32]; /* of block c->block */
};

static int store_fail(struct run *R, const char *what)
{
	nd_error("%s: %s: %s", R->o->db, what, dn_store_errmsg(R->st));
	return ND_EXIT_FAIL;
}

/* A fresh run: the genesis, recorded as block 0 with its snapshot. */
static int start(struct run *R)
{
	struct dn_genesis *g = dn_genesis_default_new();
	struct dn_chain_err err;
	R->c = dn_chain_new(g, &err);
	dn_genesis_default_free(g);
	if (!R->c) {
		nd_error("genesis refused: %s", err.msg);
		return ND_EXIT_FAIL;
	}
	struct dn_block gb;
	dn_block_init(&gb);
	dn_block_genesis(R->c, R->r, &gb.h);
	memcpy(R->root, gb.h.state_root, 32);
	if (!R->st)
		return ND_EXIT_OK;
	char seed[32];
	snprintf(seed, sizeof(seed), "%" PRIu64, R->o->seed);
	int rc = dn_store_begin(R->st);
	if (!rc)
		rc = dn_store_meta_set(R->st, "genesis", "default");
	if (!rc)
		rc = dn_store_meta_set(R->st, "seed", seed);
	if (!rc)
		rc = dn_store_meta_set_blob(R->st, "genesis_hash", R->c->genesis_hash, 32);
	if (!rc)
		rc = dn_store_put_block(R->st, &gb, R->c->head_hash, R->c, NULL);
	if (!rc)
		rc = dn_store_put_snapshot(R->st, R->c);
	if (!rc)
		rc = dn_store_commit(R->st);
	dn_block_release(&gb);
	return rc ? store_fail(R, "cannot record the genesis") : ND_EXIT_OK;
}

/* A resumed run: the latest snapshot, then the stored blocks after it. */
static int resume(struct run *R, uint64_t last)
{
	char *val = NULL;
	size_t n = 0;
	if (dn_store_meta_get(R->st, "genesis", &val, NULL) || strcmp(val, "default") != 0) {
		nd_error("%s: not a run of the default genesis", R->o->db);
		free(val);
		return ND_EXIT_USAGE;
	}
	free(val);
	if (dn_store_meta_get(R->st, "seed", &val, NULL)) {
		nd_error("%s: the run's seed is not recorded", R->o->db);
		return ND_EXIT_USAGE;
	}
	uint64_t seed = strtoull(val, NULL, 10);
	free(val);
	if (R->o->seed_given && seed != R->o->seed) {
		nd_error("%s: this run used seed %" PRIu64 ", not %" PRIu64
			 " (drop --seed to resume it, or use another --db)",
			 R->o->db, seed, R->o->seed);
		return ND_EXIT_USAGE;
	}
	((struct nd_run_opts *)R->o)->seed = seed;
	uint8_t genesis_hash[32];
	if (dn_store_meta_get(R->st, "genesis_hash", &val, &n) || n != 32) {
		free(val);
		nd_error("%s: the genesis hash is not recorded", R->o->db);
		return ND_EXIT_FAIL;
	}
	memcpy(genesis_hash, val, 32);
	free(val);

	uint64_t snap;
	uint8_t head[32], *blob;
	if (dn_store_latest_snapshot(R->st, last, &snap, head, &blob, &n))
		return store_fail(R, "no state snapshot to resume from");
	struct dn_chain_err err;
	R->c = dn_chain_decode(blob, n, &err);
	free(blob);
	if (!R->c) {
		nd_error("%s: the snapshot of block %" PRIu64 " does not decode: %s", R->o->db,
			 snap, err.msg);
		return ND_EXIT_FAIL;
	}
	memcpy(R->c->genesis_hash, genesis_hash, 32);
	memcpy(R->c->head_hash, head, 32);
	dn_stateroot_compute(R->r, R->c, R->root);
	struct dn_block b;
	dn_block_init(&b);
	for (uint64_t k = snap + 1; k <= last; k++) {
		if (dn_store_get_block(R->st, k, &b)) {
			dn_block_release(&b);
			return store_fail(R, "cannot read a stored block");
		}
		if (dn_block_import(R->c, R->r, &b, NULL, &err)) {
			nd_error("%s: stored block %" PRIu64 " does not replay: %s", R->o->db, k,
				 err.msg);
			dn_block_release(&b);
			return ND_EXIT_FAIL;
		}
		memcpy(R->root, b.h.state_root, 32);
	}
	dn_block_release(&b);
	return ND_EXIT_OK;
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
	struct nd_traffic *t = nd_traffic_new(o->seed);
	struct dn_block b;
	dn_block_init(&b);
	struct dn_block_events ev;
	dn_block_events_init(&ev);
	struct dn_extrinsic pool[ND_TRAFFIC_MAX];
	uint8_t author_key[32];
	memcpy(author_key, R->c->acct[0].key, 32); /* alice authors */
	double t0 = nd_bench_now(), last_commit = t0, last_progress = 0;
	uint64_t first = R->c->block;
	int status = ND_EXIT_OK;
	if (R->st && dn_store_begin(R->st))
		status = store_fail(R, "cannot start a transaction");
	while (status == ND_EXIT_OK && R->c->block < o->until && !stop_requested) {
		size_t n = nd_traffic_block(t, R->c, pool);
		struct dn_chain_err err;
		int rc = dn_block_build(R->c, R->r, author_key, pool, n, &b, NULL, &ev, &err);
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
		if (R->st) {
			rc = dn_store_put_block(R->st, &b, R->c->head_hash, R->c, &ev);
			if (!rc && R->c->block % o->snapshot_every == 0)
				rc = dn_store_put_snapshot(R->st, R->c);
			if (rc) {
				status = store_fail(R, "cannot record a block");
				break;
			}
		}
		double now = nd_bench_now();
		if (R->st && now - last_commit >= o->commit_every) {
			if (dn_store_commit(R->st) || dn_store_begin(R->st)) {
				status = store_fail(R, "cannot commit");
				break;
			}
			last_commit = now;
		}
		if (o->progress && now - last_progress >= 0.2) {
			double rate = (double)(R->c->block - first) / (now - t0);
			double eta = rate > 0 ? (double)(o->until - R->c->block) / rate : 0;
			fprintf(stderr,
				"\rblock %" PRIu64 "/%" PRIu64 "  %.0f blocks/s  ETA %.1f s\033[K",
				R->c->block, o->until, rate, eta);
			last_progress = now;
		}
	}
	if (R->st && dn_store_in_transaction(R->st) && dn_store_commit(R->st) &&
	    status == ND_EXIT_OK)
		status = store_fail(R, "cannot commit");
	if (o->progress)
		fprintf(stderr, "\r\033[K");
	res->interrupted = stop_requested != 0;
	dn_block_release(&b);
	dn_block_events_release(&ev);
	nd_traffic_free(t);
	return status;
}

int nd_run(const struct nd_run_opts *o, struct nd_run_result *res)
{
	memset(res, 0, sizeof(*res));
	struct run R = {.o = o, .r = dn_stateroot_new()};
	double t0 = nd_bench_now();
	int status = ND_EXIT_OK;
	uint64_t last = 0;
	bool have_blocks = false;
	if (o->db) {
		char msg[512];
		if (dn_store_open(o->db, DN_STORE_CREATE, &R.st, msg, sizeof(msg))) {
			nd_error("%s", msg);
			dn_stateroot_free(R.r);
			return ND_EXIT_USAGE;
		}
		have_blocks = dn_store_last_block(R.st, &last, NULL) == 0;
	}
	if (have_blocks && last >= o->until) {
		/* already there: the stored root of block `until` */
		struct dn_block b;
		dn_block_init(&b);
		if (dn_store_get_block(R.st, o->until, &b)) {
			status = store_fail(&R, "cannot read a stored block");
		} else {
			res->block = o->until;
			res->resumed_from = o->until;
			memcpy(res->state_root, b.h.state_root, 32);
		}
		dn_block_release(&b);
		dn_store_close(R.st);
		dn_stateroot_free(R.r);
		res->seconds = nd_bench_now() - t0;
		return status;
	}
	status = have_blocks ? resume(&R, last) : start(&R);
	if (status == ND_EXIT_OK && have_blocks)
		res->resumed_from = R.c->block;
	if (status == ND_EXIT_OK) {
		struct sigaction sa = {.sa_handler = on_signal};
		sigemptyset(&sa.sa_mask);
		struct sigaction old_int, old_term;
		sigaction(SIGINT, &sa, &old_int);
		sigaction(SIGTERM, &sa, &old_term);
		status = author(&R, res);
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGTERM, &old_term, NULL);
	}
	if (R.c) {
		res->block = R.c->block;
		memcpy(res->state_root, R.root, 32);
	}
	res->seconds = nd_bench_now() - t0;
	dn_store_close(R.st);
	dn_chain_free(R.c);
	dn_stateroot_free(R.r);
	return status;
}

void nd_run_root_hex(const struct nd_run_result *res, char out[65])
{
	hex(res->state_root, 32, out);
}
