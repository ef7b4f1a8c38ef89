/*
 * `taodev bench chain`: blocks on a mainnet-scale state.
 *
 * A synthetic genesis (nodes/synth.h: 128 subnets x 256 uids, 64
 * validators each by default). Node A authors blocks, node B imports
 * them (re-executes and compares the state root), node C steps the same
 * empty blocks without the block layer and times its state root alone.
 * Phase 1: empty blocks. Phase 2: blocks of 100 signed extrinsics (40
 * set_weights over full miner rows, 30 add_stake, 20 remove_stake, 10
 * transfers), signed before the clock starts (signing is the client's
 * work; checking the signatures is the chain's, and is timed).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devnet/block.h"
#include "devnet/stateroot.h"
#include "devnet/store.h"
#include "devnet/xalloc.h"
#include "nodes/bench.h"
#include "nodes/cli.h"
#include "nodes/synth.h"

#define TAO 1000000000ULL
#define XT_PER_BLOCK 100

struct node {
	struct dn_chain *c;
	struct dn_stateroot *r;
};

static int node_new(struct node *n, const struct dn_genesis *g)
{
	struct dn_chain_err err;
	n->c = dn_chain_new(g, &err);
	if (!n->c) {
		nd_error("bench chain: genesis refused: %s", err.msg);
		return -1;
	}
	n->r = dn_stateroot_new();
	struct dn_header h;
	dn_block_genesis(n->c, n->r, &h);
	return 0;
}

static void node_free(struct node *n)
{
	dn_chain_free(n->c);
	dn_stateroot_free(n->r);
}

struct series {
	double *v;
	long n;
};

static void series_add(struct series *s, double x) { s->v[s->n++] = x; }

/* mean, median, max in milliseconds */
static void summarize(struct series *s, double out[3])
{
	double sum = 0;
	for (long i = 0; i < s->n; i++)
		sum += s->v[i];
	qsort(s->v, (size_t)s->n, sizeof(double), nd_bench_cmp_double);
	out[0] = s->n ? 1e3 * sum / (double)s->n : 0;
	out[1] = s->n ? 1e3 * s->v[s->n / 2] : 0;
	out[2] = s->n ? 1e3 * s->v[s->n - 1] : 0;
}

/* The signers of phase 2: validator hot and cold keys. */
struct signers {
	unsigned v;
	struct dn_keypair *hot, *cold;
	uint32_t *hot_idx, *cold_idx;
};

static uint32_t nonce(const struct dn_chain *c, uint32_t a) { return c->acct[a].nonce; }

/* Block k's 100 extrinsics, signed for A's state (nonces counted within
 * the block). */
static void make_pool(const struct dn_chain *c, const struct signers *sg, unsigned subnets,
		      unsigned miners, long k, struct dn_extrinsic *pool)
{
	uint32_t bump_hot[64] = {0}, bump_cold[64] = {0};
	uint16_t *uids = xcalloc(miners, sizeof(uint16_t)),
		 *vals = xcalloc(miners, sizeof(uint16_t));
	for (int i = 0; i < XT_PER_BLOCK; i++) {
		struct dn_call call = {0};
		uint64_t pick = (uint64_t)k * XT_PER_BLOCK + (uint64_t)i;
		unsigned v = (unsigned)(pick % sg->v);
		uint16_t netuid = (uint16_t)(1 + (pick / sg->v) % subnets);
		const struct dn_keypair *kp = &sg->cold[v];
		uint32_t who = sg->cold_idx[v], *bump = &bump_cold[v];
		if (i < 40) {
			call.kind = DN_CALL_SET_WEIGHTS;
			call.netuid = netuid;
			for (unsigned m = 0; m < miners; m++) {
				uids[m] = (uint16_t)(1 + sg->v + m);
				vals[m] = (uint16_t)(1 + (pick * 2654435761u + m * 40503u) % 65535);
			}
			dn_call_set_vec(&call.uids, &call.nuids, uids, miners);
			dn_call_set_vec(&call.values, &call.nvalues, vals, miners);
			kp = &sg->hot[v];
			who = sg->hot_idx[v];
			bump = &bump_hot[v];
		} else if (i < 70) {
			call.kind = DN_CALL_ADD_STAKE;
			call.netuid = netuid;
			call.amount = (1 + pick % 10) * TAO;
			memcpy(call.hotkey, sg->hot[v].public_key, 32);
		} else if (i < 90) {
			call.kind = DN_CALL_REMOVE_STAKE;
			call.netuid = netuid;
			call.amount = (1 + pick % 5) * TAO;
			memcpy(call.hotkey, sg->hot[v].public_key, 32);
		} else {
			call.kind = DN_CALL_TRANSFER_KEEP_ALIVE;
			call.amount = TAO / 10;
			memcpy(call.dest, c->acct[pick % ND_SYNTH_DEV].key, 32);
		}
		dn_extrinsic_sign(&pool[i], kp, nonce(c, who) + (*bump)++, c->genesis_hash, &call);
		dn_call_release(&call);
	}
	free(uids);
	free(vals);
}

/* The store's bytes on disk: closing it checkpoints the WAL into the
 * database, so the size counts each page once; then it is open again. */
static double db_size(struct dn_store **db, const char *dbpath)
{
	char msg[256];
	if (dn_store_in_transaction(*db))
		dn_store_commit(*db);
	dn_store_close(*db);
	*db = NULL;
	if (dn_store_open(dbpath, 0, db, msg, sizeof(msg)))
		nd_error("bench chain: %s", msg);
	double bytes = 0;
	const char *suffix[] = {"", "-wal"};
	for (int i = 0; i < 2; i++) {
		char path[64];
		struct stat sb;
		snprintf(path, sizeof(path), "%s%s", dbpath, suffix[i]);
		if (stat(path, &sb) == 0)
			bytes += (double)sb.st_size;
	}
	return bytes;
}

int nd_bench_chain(const struct nd_bench_opts *o)
{
	struct nd_synth_opts so = {(unsigned)o->subnets, 256, 64, 1};
	char msg[256];
	bool tty = isatty(STDERR_FILENO);
	double t0 = nd_bench_now();
	struct nd_synth *syn = nd_synth_new(&so, msg, sizeof(msg));
	if (!syn) {
		nd_error("bench chain: %s", msg);
		return ND_EXIT_FAIL;
	}
	struct node a, b, cc;
	if (node_new(&a, nd_synth_genesis(syn)) || node_new(&b, nd_synth_genesis(syn)) ||
	    node_new(&cc, nd_synth_genesis(syn)))
		return ND_EXIT_FAIL;
	double setup = nd_bench_now() - t0;

	/* node A's history goes to a store, as a run's would */
	char dbpath[] = "/tmp/taodev-bench-XXXXXX";
	int fd = mkstemp(dbpath);
	if (fd < 0) {
		nd_error("bench chain: cannot create a temporary store in /tmp");
		return ND_EXIT_FAIL;
	}
	close(fd);
	unlink(dbpath);
	struct dn_store *db;
	if (dn_store_open(dbpath, DN_STORE_CREATE, &db, msg, sizeof(msg))) {
		nd_error("bench chain: %s", msg);
		return ND_EXIT_FAIL;
	}
	double last_commit = nd_bench_now();
	dn_store_begin(db);

	struct signers sg = {.v = so.validators};
	sg.hot = xcalloc(sg.v, sizeof(*sg.hot));
	sg.cold = xcalloc(sg.v, sizeof(*sg.cold));
	sg.hot_idx = xcalloc(sg.v, sizeof(uint32_t));
	sg.cold_idx = xcalloc(sg.v, sizeof(uint32_t));
	for (unsigned v = 0; v < sg.v; v++) {
		sg.hot_idx[v] = nd_synth_validator_hotkey(syn, v);
		sg.cold_idx[v] = nd_synth_validator_coldkey(syn, v);
		nd_synth_keypair(syn, sg.hot_idx[v], &sg.hot[v]);
		nd_synth_keypair(syn, sg.cold_idx[v], &sg.cold[v]);
	}

	long nb = o->blocks;
	struct series build[2], import[2], step, root, store;
	for (int p = 0; p < 2; p++) {
		build[p] = (struct series){xcalloc((size_t)nb, sizeof(double)), 0};
		import[p] = (struct series){xcalloc((size_t)nb, sizeof(double)), 0};
	}
	step = (struct series){xcalloc((size_t)nb, sizeof(double)), 0};
	store = (struct series){xcalloc((size_t)nb * 2, sizeof(double)), 0};
	root = (struct series){xcalloc((size_t)nb, sizeof(double)), 0};
	struct dn_block blk;
	dn_block_init(&blk);
	struct dn_block_events ev;
	dn_block_events_init(&ev);
	struct dn_extrinsic *pool = xcalloc(XT_PER_BLOCK, sizeof(*pool));
	uint64_t rehashed = 0, root_bytes = 0, failed = 0, included = 0;
	int status = ND_EXIT_OK;
	uint8_t author[32];
	memcpy(author, a.c->acct[0].key, 32);

	double size_empty = 0, size_first = 0;
	for (int p = 0; p < 2 && status == ND_EXIT_OK; p++) {
		if (p == 1) {
			/* the empty phase's share of the store */
			size_empty = db_size(&db, dbpath);
			dn_store_begin(db);
			last_commit = nd_bench_now();
		}
		for (long k = 0; k < nb; k++) {
			if (tty && k % 10 == 0)
				fprintf(stderr, "bench chain: %s blocks %ld/%ld\r",
					p ? "100-extrinsic" : "empty", k, nb);
			size_t n = 0;
			if (p == 1) {
				make_pool(a.c, &sg, so.subnets, so.uids - 1 - so.validators, k,
					  pool);
				n = XT_PER_BLOCK;
			}
			struct dn_chain_err err;
			double s0 = nd_bench_now();
			int rc = dn_block_build(a.c, a.r, author, pool, n, &blk, NULL, &ev, &err);
			double s1 = nd_bench_now();
			if (rc == 0)
				rc = dn_block_import(b.c, b.r, &blk, NULL, &err);
			double s2 = nd_bench_now();
			if (rc) {
				nd_error("bench chain: block %ld: %s", k, err.msg);
				status = ND_EXIT_FAIL;
				break;
			}
			series_add(&build[p], s1 - s0);
			series_add(&import[p], s2 - s1);
			rc = dn_store_put_block(db, &blk, a.c->head_hash, a.c, &ev);
			if (!rc && nd_bench_now() - last_commit >= 0.1) {
				rc = dn_store_commit(db);
				if (!rc)
					rc = dn_store_begin(db);
				last_commit = nd_bench_now();
			}
			series_add(&store, nd_bench_now() - s2);
			if (p == 0 && k == 0) {
				/* the first block records every account: a fixed cost */
				size_first = db_size(&db, dbpath);
				dn_store_begin(db);
			}
			if (rc) {
				nd_error("bench chain: %s", dn_store_errmsg(db));
				status = ND_EXIT_FAIL;
				break;
			}
			for (size_t i = 0; i < n; i++)
				dn_extrinsic_release(&pool[i]);
			if (p == 1) {
				included += blk.n;
				for (size_t i = 0; i < ev.nxt; i++)
					failed += ev.xt[i].code != 0;
			} else {
				/* node C: the same empty block without the block
				 * layer, then its root alone */
				uint8_t r[32];
				double c0 = nd_bench_now();
				memcpy(cc.c->parent_hash, blk.h.parent, 32);
				cc.c->author = a.c->author;
				dn_chain_initialize(cc.c, NULL, &err);
				double c1 = nd_bench_now();
				dn_stateroot_compute(cc.r, cc.c, r);
				double c2 = nd_bench_now();
				series_add(&step, c1 - c0);
				series_add(&root, c2 - c1);
				const struct dn_stateroot_stats *st = dn_stateroot_stats(cc.r);
				rehashed += st->rehashed;
				root_bytes += st->bytes;
				if (memcmp(r, blk.h.state_root, 32) != 0) {
					nd_error("bench chain: node C's root differs at block %ld",
						 k);
					status = ND_EXIT_FAIL;
					break;
				}
			}
		}
	}
	if (tty)
		fprintf(stderr, "\033[K");
	double db_bytes = db_size(&db, dbpath);
	dn_store_close(db);
	/* the store's size per 1000 blocks, each phase */
	const char *suffix[] = {"", "-wal", "-shm"};
	for (int i = 0; i < 3; i++) {
		char path[64];
		snprintf(path, sizeof(path), "%s%s", dbpath, suffix[i]);
		unlink(path);
	}
	double mib_empty = (size_empty - size_first) / (1024.0 * 1024.0) /
			   (double)(nb > 1 ? nb - 1 : 1) * 1000.0;
	double mib_full = (db_bytes - size_empty) / (1024.0 * 1024.0) / (double)nb * 1000.0;

	if (status == ND_EXIT_OK) {
		double bs[2][3], im[2][3], stp[3], rt[3];
		for (int p = 0; p < 2; p++) {
			summarize(&build[p], bs[p]);
			summarize(&import[p], im[p]);
		}
		summarize(&step, stp);
		summarize(&root, rt);
		double sto[3];
		summarize(&store, sto);
		const struct dn_stateroot_stats *st = dn_stateroot_stats(cc.r);
		size_t parts = st->parts;
		if (o->json) {
			json_t *j = json_pack(
				"{s:i, s:i, s:i, s:i, s:f, s:{s:f, s:f, s:f, s:f, s:f},"
				" s:{s:f, s:f, s:f, s:f, s:f, s:i, s:i},"
				" s:{s:f, s:f, s:f, s:i, s:f, s:f}, s:f}",
				"subnets", (int)so.subnets, "uids", (int)so.uids, "validators",
				(int)so.validators, "blocks_per_phase", (int)nb, "setup_s", setup,
				"empty", "build_ms_mean", bs[0][0], "build_ms_median", bs[0][1],
				"import_ms_mean", im[0][0], "blocks_per_s", 1e3 / bs[0][0],
				"import_blocks_per_s", 1e3 / im[0][0], "extrinsics100",
				"build_ms_mean", bs[1][0], "build_ms_median", bs[1][1],
				"import_ms_mean", im[1][0], "blocks_per_s", 1e3 / bs[1][0],
				"import_blocks_per_s", 1e3 / im[1][0], "included", (int)included,
				"failed_calls", (int)failed, "state_root", "ms_mean", rt[0],
				"ms_median", rt[1], "ms_max", rt[2], "parts", (int)parts,
				"parts_rehashed_mean", (double)rehashed / (double)nb,
				"kib_hashed_mean", (double)root_bytes / 1024.0 / (double)nb,
				"step_ms_mean", stp[0]);
			json_object_set_new(
				j, "store",
				json_pack("{s:f, s:f, s:f}", "ms_per_block_mean", sto[0],
					  "mib_per_1000_empty_blocks", mib_empty,
					  "mib_per_1000_blocks_of_100_extrinsics", mib_full));
			char *text = json_dumps(j, JSON_INDENT(2));
			if (text)
				puts(text);
			free(text);
			json_decref(j);
		} else {
			printf("state: %u subnets x %u uids, %u validators each; %zu accounts; "
			       "setup %.2f s; %ld blocks per phase\n\n",
			       so.subnets, so.uids, so.validators, a.c->naccounts, setup, nb);
			printf("%-26s %10s %10s %10s %10s\n", "phase", "ms mean", "ms median",
			       "ms max", "blocks/s");
			const char *names[2] = {"empty", "100 extrinsics"};
			for (int p = 0; p < 2; p++) {
				printf("%-26s %10.3f %10.3f %10.3f %10.1f\n",
				       p ? "build, 100 extrinsics" : "build, empty", bs[p][0],
				       bs[p][1], bs[p][2], 1e3 / bs[p][0]);
				char label[64];
				snprintf(label, sizeof(label), "import, %s", names[p]);
				printf("%-26s %10.3f %10.3f %10.3f %10.1f\n", label, im[p][0],
				       im[p][1], im[p][2], 1e3 / im[p][0]);
			}
			printf("%-26s %10.3f %10.3f %10.3f\n", "on_initialize (empty)", stp[0],
			       stp[1], stp[2]);
			printf("%-26s %10.3f %10.3f %10.3f\n", "state root (empty)", rt[0], rt[1],
			       rt[2]);
			printf("\nstate root: %zu parts, %.1f rehashed and %.0f KiB hashed per "
			       "block on average\n",
			       parts, (double)rehashed / (double)nb,
			       (double)root_bytes / 1024.0 / (double)nb);
			printf("100-extrinsic phase: %llu included, %llu calls failed\n",
			       (unsigned long long)included, (unsigned long long)failed);
			printf("store: %.3f ms per block (mean, commits every 100 ms included); "
			       "%.2f MiB per 1000 empty blocks, %.2f MiB per 1000 blocks of 100 "
			       "extrinsics\n",
			       sto[0], mib_empty, mib_full);
		}
	}
	for (int p = 0; p < 2; p++) {
		free(build[p].v);
		free(import[p].v);
	}
	free(step.v);
	free(store.v);
	free(root.v);
	free(pool);
	free(sg.hot);
	free(sg.cold);
	free(sg.hot_idx);
	free(sg.cold_idx);
	dn_block_release(&blk);
	dn_block_events_release(&ev);
	node_free(&a);
	node_free(&b);
	node_free(&cc);
	nd_synth_free(syn);
	return status;
}
