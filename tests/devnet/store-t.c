/*
 * The run history store (devnet/store.h) over real blocks: the default
 * genesis with a short tempo, signed transfers and stakes (one of them
 * failing), epochs, snapshots, the views, the refusals.
 *
 * `store-t --make-db PATH` writes such a run to PATH and exits (no TAP):
 * tests/export-cli.test exports it.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devnet/block.h"
#include "devnet/codec.h"
#include "devnet/store.h"
#include "tests/tap.h"

#define TAO 1000000000ULL
#define TEMPO 10 /* the genesis subnets' tempo here: epochs within a few blocks */

/* ---- a run ------------------------------------------------------------- */

struct run {
	struct dn_chain_params p;
	struct dn_chain *c;
	struct dn_stateroot *r;
	struct dn_block b;
	struct dn_block_events ev;
	struct dn_keypair alice, bob, hot;
	uint8_t newcomer[32]; /* an account the run creates by a transfer */
	unsigned epochs_run; /* epochs with outcome RUN seen */
	unsigned epoch_rows; /* uids of the subnets whose epoch ran */
	unsigned failed; /* extrinsics whose call failed */
};

static void run_init(struct run *x, uint16_t tempo)
{
	memset(x, 0, sizeof(*x));
	struct dn_genesis *g = dn_genesis_default_new();
	dn_chain_params_default(&x->p);
	if (tempo)
		x->p.sched.initial_tempo = tempo;
	g->params = &x->p;
	struct dn_chain_err err;
	x->c = dn_chain_new(g, &err);
	dn_genesis_default_free(g);
	if (!x->c) {
		printf("Bail out! default genesis: %s\n", err.msg);
		exit(1);
	}
	x->r = dn_stateroot_new();
	dn_block_init(&x->b);
	dn_block_events_init(&x->ev);
	dn_keys_dev("alice", &x->alice);
	dn_keys_dev("bob", &x->bob);
	dn_keys_dev("alice//validator", &x->hot);
	struct dn_keypair k;
	dn_keys_dev("eve//newcomer", &k);
	memcpy(x->newcomer, k.public_key, 32);
}

static void run_free(struct run *x)
{
	dn_block_release(&x->b);
	dn_block_events_release(&x->ev);
	dn_stateroot_free(x->r);
	dn_chain_free(x->c);
}

/* The genesis block into x->b and the store. */
static int run_genesis(struct run *x, struct dn_store *st)
{
	dn_block_genesis(x->c, x->r, &x->b.h);
	return dn_store_put_block(st, &x->b, x->c->genesis_hash, x->c, NULL);
}

/* Alice's extrinsics for block `number`: a transfer to bob, a stake on
 * subnet 1, every third block a stake below the minimum (the call fails,
 * the extrinsic stays in the block), at block 3 a transfer that creates
 * an account. */
static size_t make_pool(struct run *x, uint64_t number, struct dn_extrinsic *pool)
{
	uint32_t a = dn_chain_account(x->c, x->alice.public_key);
	uint32_t nonce = x->c->acct[a].nonce;
	struct dn_call call[4];
	size_t n = 0;
	memset(call, 0, sizeof(call));
	call[n].kind = DN_CALL_TRANSFER_KEEP_ALIVE;
	memcpy(call[n].dest, x->bob.public_key, 32);
	call[n++].amount = TAO + number;
	call[n].kind = DN_CALL_ADD_STAKE;
	memcpy(call[n].hotkey, x->hot.public_key, 32);
	call[n].netuid = 1;
	call[n++].amount = 10 * TAO;
	if (number % 3 == 0) {
		call[n] = call[n - 1];
		call[n++].amount = 1000; /* AmountTooLow */
	}
	if (number == 3) {
		call[n].kind = DN_CALL_TRANSFER;
		memcpy(call[n].dest, x->newcomer, 32);
		call[n++].amount = 5 * TAO;
	}
	for (size_t i = 0; i < n; i++)
		dn_extrinsic_sign(&pool[i], &x->alice, nonce + (uint32_t)i, x->c->genesis_hash,
				  &call[i]);
	return n;
}

/* Builds the next block and stores it; 0 or the first error. */
static int run_block(struct run *x, struct dn_store *st)
{
	struct dn_extrinsic pool[4];
	size_t n = make_pool(x, x->c->block + 1, pool), skipped = 0;
	struct dn_chain_err err;
	int rc = dn_block_build(x->c, x->r, x->bob.public_key, pool, n, &x->b, &skipped, &x->ev,
				&err);
	for (size_t i = 0; i < n; i++)
		dn_extrinsic_release(&pool[i]);
	if (rc || skipped) {
		diag("block %llu: %s (%zu skipped)", (unsigned long long)x->c->block, err.msg,
		     skipped);
		return rc ? rc : -1;
	}
	for (size_t i = 0; i < x->ev.nepochs; i++) {
		if (x->ev.epochs[i].outcome != DN_SCHEDULE_RUN)
			continue;
		x->epochs_run++;
		x->epoch_rows += dn_chain_subnet(x->c, x->ev.epochs[i].netuid)->n;
	}
	for (size_t i = 0; i < x->ev.nxt; i++)
		x->failed += x->ev.xt[i].code != 0;
	return dn_store_put_block(st, &x->b, x->c->head_hash, x->c, &x->ev);
}

/* ---- query helpers ----------------------------------------------------- */

struct first {
	int rows;
	struct dn_store_value v;
	char text[256];
};

static int first_row(void *ctx, int ncol, const char *const *names,
		     const struct dn_store_value *vals)
{
	struct first *f = ctx;
	(void)names;
	if (!vals || ncol < 1)
		return 0;
	if (f->rows++ == 0) {
		f->v = vals[0];
		if (vals[0].type == DN_STORE_TEXT)
			snprintf(f->text, sizeof(f->text), "%s", vals[0].s);
		f->v.s = f->text;
	}
	return 0;
}

/* The first column of the first row: an integer (-1 when none). */
static int64_t q_int(struct dn_store *st, const char *sql)
{
	struct first f = {0};
	char em[256];
	if (dn_store_query(st, sql, first_row, &f, em, sizeof(em)) != 0) {
		diag("%s: %s", sql, em);
		return -1;
	}
	return f.rows && f.v.type == DN_STORE_INT ? f.v.i : -1;
}

static const char *q_text(struct dn_store *st, const char *sql, char *buf, size_t n)
{
	struct first f = {0};
	char em[256];
	buf[0] = 0;
	if (dn_store_query(st, sql, first_row, &f, em, sizeof(em)) != 0)
		diag("%s: %s", sql, em);
	else if (f.rows && f.v.type == DN_STORE_TEXT)
		snprintf(buf, n, "%s", f.text);
	return buf;
}

static int count_rows(void *ctx, int ncol, const char *const *names,
		      const struct dn_store_value *vals)
{
	(void)ncol;
	(void)names;
	if (vals)
		++*(int *)ctx;
	return 0;
}

/* ---- files ------------------------------------------------------------- */

static char tmpdir[64];

static void path_of(char *out, size_t n, const char *name)
{
	snprintf(out, n, "%s/%s", tmpdir, name);
}

static void write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(p, 1, n, f) != n || fclose(f) != 0) {
		printf("Bail out! cannot write %s\n", path);
		exit(1);
	}
}

static uint8_t *read_file(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long len = ftell(f);
	fseek(f, 0, SEEK_SET);
	uint8_t *p = malloc(len > 0 ? (size_t)len : 1);
	*n = fread(p, 1, (size_t)len, f);
	fclose(f);
	return p;
}

static long file_size(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 ? (long)sb.st_size : -1;
}

static void cleanup(void)
{
	const char *names[] = {"run.db",   "run.db-wal", "run.db-shm", "text.db",     "empty.db",
			       "other.db", "v2.db",	 "size.db",    "size.db-wal", "size.db-shm",
			       "big.db",   "big.db-wal", "big.db-shm", NULL};
	char p[128];
	for (int i = 0; names[i]; i++) {
		path_of(p, sizeof(p), names[i]);
		if (!getenv("STORE_T_KEEP"))
			unlink(p);
	}
	rmdir(tmpdir);
}

/* ---- the checks -------------------------------------------------------- */

#define NBLOCKS 25
#define SNAP_AT 12

static void test_open_refusals(void)
{
	struct dn_store *st = NULL;
	char em[512], p[128];
	path_of(p, sizeof(p), "missing.db");
	int rc = dn_store_open(p, 0, &st, em, sizeof(em));
	ok(rc == DN_STORE_ENOENT && !st && strstr(em, "missing.db: no such file"),
	   "a missing file without create is refused, named: %s", em);
	path_of(p, sizeof(p), "text.db");
	const char text[] = "this is not a database, it is a plain text file of some length\n"
			    "with a second line so that it is longer than a page header......\n";
	write_file(p, text, sizeof(text) - 1);
	rc = dn_store_open(p, DN_STORE_CREATE, &st, em, sizeof(em));
	ok(rc == DN_STORE_EFORMAT && strstr(em, "text.db: not a taodev store"),
	   "a text file is not a store, even with create: %s", em);
	size_t n = 0;
	uint8_t *after = read_file(p, &n);
	ok(after && n == sizeof(text) - 1 && memcmp(after, text, n) == 0,
	   "and it is left untouched");
	free(after);
	path_of(p, sizeof(p), "empty.db");
	write_file(p, "", 0);
	rc = dn_store_open(p, 0, &st, em, sizeof(em));
	ok(rc == DN_STORE_EFORMAT && strstr(em, "empty"), "an empty file without create: %s", em);
	rc = dn_store_open(tmpdir, DN_STORE_CREATE, &st, em, sizeof(em));
	ok(rc == DN_STORE_EINVAL && strstr(em, "directory"), "a directory is refused: %s", em);
}

/* Patches a closed store's header (user_version at 60, application_id at
 * 68, big-endian) to check the refusals without another SQLite user. */
static void test_header_refusals(const char *src)
{
	char p[128], em[512];
	struct dn_store *st = NULL;
	size_t n;
	uint8_t *db = read_file(src, &n);
	if (!db || n < 100) {
		skip(2, "no store file to patch");
		free(db);
		return;
	}
	db[60 + 3] = 2;
	path_of(p, sizeof(p), "v2.db");
	write_file(p, db, n);
	int rc = dn_store_open(p, 0, &st, em, sizeof(em));
	ok(rc == DN_STORE_EFORMAT && strstr(em, "format version 2") && strstr(em, "version 1"),
	   "a store of another format version is refused: %s", em);
	db[60 + 3] = DN_STORE_FORMAT;
	db[68] = 0x12;
	path_of(p, sizeof(p), "other.db");
	write_file(p, db, n);
	rc = dn_store_open(p, DN_STORE_CREATE, &st, em, sizeof(em));
	ok(rc == DN_STORE_EFORMAT && strstr(em, "another application"),
	   "an SQLite database of something else is refused: %s", em);
	free(db);
}

static void test_queries(struct dn_store *st)
{
	char em[512];
	/* the file header's read and write versions are 2 in WAL mode */
	size_t n = 0;
	uint8_t *hdr = read_file(dn_store_path(st), &n);
	ok(hdr && n >= 100 && hdr[18] == 2 && hdr[19] == 2, "WAL mode is on");
	free(hdr);
	is_int(q_int(st, "PRAGMA synchronous"), 1, "synchronous = NORMAL");
	static const char *const writes[] = {
		"DELETE FROM blocks",
		"INSERT INTO meta VALUES ('x', 1)",
		"UPDATE blocks SET final = 1",
		"CREATE TABLE t (x)",
		"DROP VIEW v_metagraph",
		"BEGIN",
		"COMMIT",
		"SAVEPOINT s",
		"ATTACH DATABASE ':memory:' AS other",
		"PRAGMA journal_mode = DELETE",
		"PRAGMA user_version = 7",
		"SELECT 1; DELETE FROM blocks",
		"VACUUM",
	};
	int refused = 0;
	for (size_t i = 0; i < sizeof(writes) / sizeof(writes[0]); i++) {
		int rows = 0;
		int rc = dn_store_query(st, writes[i], count_rows, &rows, em, sizeof(em));
		if (rc == DN_STORE_EINVAL && (strstr(em, "read-only") || strstr(em, "SQLite")))
			refused++;
		else
			diag("not refused: %s (%d: %s)", writes[i], rc, em);
	}
	is_int(refused, (int)(sizeof(writes) / sizeof(writes[0])),
	       "writes, transaction control, ATTACH and a second statement are refused");
	dn_store_query(st, "DELETE FROM blocks", count_rows, &refused, em, sizeof(em));
	ok(strstr(em, "read-only") != NULL, "with a message saying why: %s", em);
	is_int(q_int(st, "SELECT count(*) FROM blocks"), NBLOCKS + 1, "and nothing was deleted");
	int rows = 0;
	int rc = dn_store_query(st, "SELECT nonsense FROM nowhere", count_rows, &rows, em,
				sizeof(em));
	ok(rc == DN_STORE_EINVAL && strstr(em, "no such table"),
	   "a bad query gives SQLite's "
	   "message: %s",
	   em);
	rows = 0;
	rc = dn_store_query(st, "PRAGMA table_info(epochs) -- columns", count_rows, &rows, em,
			    sizeof(em));
	ok(rc == 0 && rows == 16, "a describing PRAGMA with a trailing comment is a read (%d)",
	   rows);
}

struct typed {
	int rows, ncol;
	enum dn_store_type t[5];
	bool header_first;
};

static int typed_row(void *ctx, int ncol, const char *const *names,
		     const struct dn_store_value *vals)
{
	struct typed *t = ctx;
	if (!vals) {
		t->header_first = t->rows == 0 && strcmp(names[0], "i") == 0;
		t->ncol = ncol;
		return 0;
	}
	t->rows++;
	for (int i = 0; i < ncol && i < 5; i++)
		t->t[i] = vals[i].type;
	return 1; /* one row is enough: stop */
}

static void test_values(struct dn_store *st)
{
	struct typed t = {0};
	char em[256];
	int rc = dn_store_query(st, "SELECT 1 AS i, 0.5, 'x', x'00ff', NULL FROM blocks", typed_row,
				&t, em, sizeof(em));
	ok(rc == 0 && t.header_first && t.ncol == 5 && t.rows == 1,
	   "the header comes first, a positive return stops early");
	ok(t.t[0] == DN_STORE_INT && t.t[1] == DN_STORE_REAL && t.t[2] == DN_STORE_TEXT &&
		   t.t[3] == DN_STORE_BLOB && t.t[4] == DN_STORE_NULL,
	   "values carry SQLite's types");
	t = (struct typed){0};
	rc = dn_store_query(st, "SELECT 1 AS i WHERE 0", typed_row, &t, em, sizeof(em));
	ok(rc == 0 && t.ncol == 1 && t.rows == 0, "no rows: the header still comes");
}

static void test_meta(struct dn_store *st)
{
	char *v = NULL;
	size_t n = 0;
	ok(dn_store_meta_get(st, "format_version", &v, &n) == 0 && strcmp(v, "1") == 0,
	   "format_version is recorded");
	free(v);
	int rc = dn_store_meta_get(st, "taodev_version", &v, &n);
	ok(rc == 0 && n > 0, "taodev_version is recorded (%s)", v ? v : "");
	free(v);
	const uint8_t seed[5] = {0, 1, 2, 0, 255};
	dn_store_meta_set(st, "scenario", "blocks: 25\nname: \"t\"\n");
	dn_store_meta_set_blob(st, "seed", seed, sizeof(seed));
	ok(dn_store_meta_get(st, "scenario", &v, &n) == 0 &&
		   strcmp(v, "blocks: 25\nname: \"t\"\n") == 0,
	   "meta text round trips");
	free(v);
	ok(dn_store_meta_get(st, "seed", &v, &n) == 0 && n == 5 && memcmp(v, seed, 5) == 0,
	   "meta bytes round trip (NULs included)");
	free(v);
	dn_store_meta_set(st, "scenario", "again");
	ok(dn_store_meta_get(st, "scenario", &v, &n) == 0 && strcmp(v, "again") == 0,
	   "a set replaces");
	free(v);
	ok(dn_store_meta_get(st, "nope", &v, &n) == DN_STORE_ENOTFOUND && !v &&
		   strstr(dn_store_errmsg(st), "'nope'"),
	   "a missing key: not found, named");
}

static void test_views(struct dn_store *st, const struct run *x)
{
	char buf[256];
	is_int(q_int(st, "SELECT count(*) FROM v_blocks"), NBLOCKS + 1, "v_blocks: every block");
	is_int(q_int(st, "SELECT count(*) FROM v_issuance"), NBLOCKS,
	       "v_issuance: one row per block after genesis");
	is_int(q_int(st, "SELECT count(*) FROM v_issuance WHERE credit <> "
			 "injected + bought + stranded + recycled"),
	       0, "the coinbase spent each credit");
	ok(q_int(st, "SELECT count(*) FROM v_prices WHERE netuid = 1") == NBLOCKS,
	   "v_prices: a price per block for subnet 1");
	ok(q_int(st, "SELECT count(*) FROM pools WHERE price <= 0 OR tao <= 0 OR alpha_in <= 0") ==
		   0,
	   "prices and reserves are set");
	is_int(q_int(st, "SELECT count(*) FROM epochs"), x->epoch_rows,
	       "epochs: one row per uid of every epoch that ran");
	ok(x->epochs_run >= 4, "(%u epochs ran)", x->epochs_run);
	is_int(q_int(st, "SELECT count(*) FROM v_metagraph"),
	       q_int(st, "SELECT count(*) FROM epochs e WHERE block = (SELECT max(block) FROM "
			 "epochs WHERE netuid = e.netuid)"),
	       "v_metagraph: the last epoch's rows per subnet");
	is_int(q_int(st, "SELECT count(DISTINCT netuid) FROM v_metagraph"), 4,
	       "v_metagraph covers the four subnets");
	ok(q_int(st, "SELECT count(*) FROM v_metagraph WHERE hotkey_name = 'alice//validator' "
		     "AND permit = 1 AND stake > 0") >= 1,
	   "v_metagraph names hotkeys and shows stake and permits");
	ok(q_int(st, "SELECT count(*) FROM epochs WHERE incentive > 0") > 0 &&
		   q_int(st, "SELECT count(*) FROM epochs WHERE dividends > 0") > 0,
	   "epochs carry incentive and dividends");
	is_int(q_int(st, "SELECT count(*) FROM v_failures"), x->failed,
	       "v_failures: every failed call");
	is_str(q_text(st, "SELECT error FROM v_failures LIMIT 1", buf, sizeof(buf)), "AmountTooLow",
	       "with the chain's error name");
	ok(q_int(st, "SELECT count(*) FROM v_failures WHERE msg <> '' AND signer_name = 'alice' "
		     "AND call = 'add_stake'") == x->failed,
	   "its message, signer and call");
	is_str(q_text(st, "SELECT args FROM extrinsics WHERE call = 'add_stake' LIMIT 1", buf,
		      sizeof(buf)),
	       "{\"hotkey\":\"5G6v4TqrN4NJZYLmZaTrH7mTN687C2QYCcK7FEk5RVf7uSR1\",\"netuid\":1,"
	       "\"amount\":10000000000}",
	       "a call's arguments as JSON");
	ok(q_int(st, "SELECT count(*) FROM extrinsics WHERE code = 0 AND call = 'add_stake' AND "
		     "alpha > 0") > 0,
	   "successful stakes record the alpha they bought");
	ok(q_int(st, "SELECT count(*) FROM v_events WHERE kind = 'epoch'") >= x->epochs_run &&
		   q_int(st, "SELECT count(*) FROM v_events WHERE kind = 'incentive'") > 0,
	   "v_events: epochs and their payments");
	is_int(q_int(st, "SELECT count(*) FROM v_accounts WHERE name IN ('alice', 'bob')"), 2,
	       "v_accounts names the dev accounts");
	is_int(q_int(st, "SELECT first_block FROM accounts ORDER BY idx DESC LIMIT 1"), 3,
	       "an account created by a transfer is recorded in its block");
	is_str(q_text(st, "SELECT author_name FROM v_blocks WHERE number = 5", buf, sizeof(buf)),
	       "bob", "v_blocks names the author");
}

/* Amounts above INT64_MAX (u64::MAX: remove everything, no price limit)
 * are JSON strings of their digits; below, numbers. A block of its own in
 * a store of its own, without chain or events. */
static void test_big_amounts(void)
{
	char p[128], em[512], buf[256];
	struct dn_store *st = NULL;
	path_of(p, sizeof(p), "big.db");
	int rc = dn_store_open(p, DN_STORE_CREATE, &st, em, sizeof(em));
	struct dn_block b;
	dn_block_init(&b);
	b.h.number = 1;
	struct dn_extrinsic x;
	memset(&x, 0, sizeof(x));
	x.call.kind = DN_CALL_REMOVE_STAKE_LIMIT;
	x.call.hotkey[0] = 1;
	x.call.netuid = 2;
	x.call.amount = UINT64_MAX;
	x.call.limit_price = (uint64_t)INT64_MAX;
	dn_block_push(&b, &x);
	if (!rc)
		rc = dn_store_put_block(st, &b, NULL, NULL, NULL);
	ok(rc == 0, "a block of a u64::MAX unstake is stored (%s)", rc ? em : "");
	ok(rc == 0 && strstr(q_text(st, "SELECT args FROM extrinsics", buf, sizeof(buf)),
			     "\"netuid\":2,\"amount\":\"18446744073709551615\","
			     "\"limit_price\":9223372036854775807,\"allow_partial\":false}"),
	   "above INT64_MAX a string, up to it a number: %s", rc ? "" : buf);
	if (st)
		dn_store_close(st);
	dn_block_release(&b);
}

static void test_blocks(struct dn_store *st, const struct run *x, const uint8_t *enc5, size_t n5)
{
	uint64_t number = 0;
	uint8_t hash[32];
	ok(dn_store_last_block(st, &number, hash) == 0 && number == NBLOCKS &&
		   memcmp(hash, x->c->head_hash, 32) == 0,
	   "the last block and its hash");
	struct dn_block b;
	dn_block_init(&b);
	struct dn_enc e;
	dn_enc_init(&e);
	int rc = dn_store_get_block(st, 5, &b);
	dn_block_encode(&b, &e);
	ok(rc == 0 && b.n >= 2 && e.len == n5 && memcmp(e.buf, enc5, n5) == 0,
	   "a stored block decodes to the identical encoding (%zu extrinsics)", b.n);
	uint8_t h[32];
	dn_header_hash(&b.h, h);
	is_int(q_int(st, "SELECT count(*) FROM blocks b JOIN blocks p ON p.number = b.number - 1 "
			 "WHERE b.parent <> p.hash"),
	       0, "every parent is the previous block's hash");
	rc = dn_store_get_block(st, 0, &b);
	ok(rc == 0 && b.n == 0 && b.h.number == 0, "the genesis block is stored");
	dn_header_hash(&b.h, h);
	ok(memcmp(h, x->c->genesis_hash, 32) == 0, "with the genesis hash");
	rc = dn_store_get_block(st, 999, &b);
	ok(rc == DN_STORE_ENOTFOUND && strstr(dn_store_errmsg(st), "block 999"),
	   "a missing block: not found (%s)", dn_store_errmsg(st));
	dn_enc_release(&e);
	dn_block_release(&b);
	/* a block stored twice: refused, nothing of it added */
	int64_t xts = q_int(st, "SELECT count(*) FROM extrinsics");
	rc = dn_store_put_block(st, &x->b, x->c->head_hash, x->c, &x->ev);
	ok(rc == DN_STORE_EEXIST && strstr(dn_store_errmsg(st), "already stored"),
	   "a block stored twice is refused: %s", dn_store_errmsg(st));
	is_int(q_int(st, "SELECT count(*) FROM extrinsics"), xts, "and adds no rows");
	ok(!dn_store_in_transaction(st), "and leaves no transaction open");
	is_int(dn_store_set_final(st, 20), 0, "set final");
	is_int(q_int(st, "SELECT count(*) FROM blocks WHERE final = 1"), 21,
	       "blocks 0..20 are final");
}

static void test_snapshots(struct dn_store *st, const uint8_t *state, size_t nstate,
			   const uint8_t head[32])
{
	uint64_t block = 0;
	uint8_t h[32], *blob = NULL;
	size_t n = 0;
	int rc = dn_store_latest_snapshot(st, NBLOCKS, &block, h, &blob, &n);
	ok(rc == 0 && block == NBLOCKS, "the latest snapshot is the last one taken");
	free(blob);
	rc = dn_store_latest_snapshot(st, SNAP_AT + 3, &block, h, &blob, &n);
	ok(rc == 0 && block == SNAP_AT && n == nstate && memcmp(blob, state, n) == 0 &&
		   memcmp(h, head, 32) == 0,
	   "a snapshot round trips the state's encoding and head hash (%zu bytes)", n);
	free(blob);
	rc = dn_store_latest_snapshot(st, SNAP_AT - 1, &block, h, &blob, &n);
	ok(rc == DN_STORE_ENOTFOUND && !blob, "none at or below an earlier block");
}

static void test_transactions(struct dn_store *st, struct run *x)
{
	is_int(dn_store_begin(st), 0, "begin");
	ok(dn_store_in_transaction(st), "a transaction is open");
	ok(dn_store_begin(st) == DN_STORE_EINVAL, "begin twice is refused");
	int rc = run_block(x, st);
	ok(rc == 0 && q_int(st, "SELECT max(number) FROM blocks") == NBLOCKS + 1,
	   "a put inside the transaction is visible to it");
	/* WAL: a reader is not blocked by the open write transaction and
	 * sees the last commit */
	struct dn_store *rd = NULL;
	char em[512];
	rc = dn_store_open(dn_store_path(st), DN_STORE_RDONLY, &rd, em, sizeof(em));
	ok(rc == 0 && q_int(rd, "SELECT max(number) FROM blocks") == NBLOCKS,
	   "meanwhile a reader sees the committed history (%s)", em);
	dn_store_close(rd);
	is_int(dn_store_rollback(st), 0, "rollback");
	is_int(q_int(st, "SELECT max(number) FROM blocks"), NBLOCKS, "the block is gone");
	ok(dn_store_commit(st) == DN_STORE_EINVAL, "commit without a transaction is refused");
}

static void test_truncate(struct dn_store *st)
{
	is_int(dn_store_truncate_after(st, 10), 0, "truncate after block 10");
	uint64_t number = 0;
	dn_store_last_block(st, &number, NULL);
	is_int((int64_t)number, 10, "the last block is 10");
	is_int(q_int(st, "SELECT (SELECT count(*) FROM extrinsics WHERE block > 10) + "
			 "(SELECT count(*) FROM events WHERE block > 10) + "
			 "(SELECT count(*) FROM epochs WHERE block > 10) + "
			 "(SELECT count(*) FROM pools WHERE block > 10) + "
			 "(SELECT count(*) FROM issuance WHERE block > 10) + "
			 "(SELECT count(*) FROM snapshots WHERE block > 10)"),
	       0, "no row of a later block remains");
	is_int(q_int(st, "SELECT count(*) FROM blocks"), 11, "blocks 0..10 remain");
}

/* Writes a whole run: genesis, NBLOCKS blocks in batches, snapshots at
 * SNAP_AT and at the end. The encodings the checks compare with are
 * kept: block 5 and the state at SNAP_AT. */
static int write_run(struct dn_store *st, struct run *x, uint8_t **enc5, size_t *n5,
		     uint8_t **state, size_t *nstate, uint8_t head[32])
{
	/* names beyond the dev accounts are the runner's to give */
	int rc = dn_store_name_account(st, x->hot.public_key, "alice//validator", "validators");
	if (!rc)
		rc = run_genesis(x, st);
	for (int i = 1; i <= NBLOCKS && !rc; i++) {
		/* batches of 4 blocks, as the runner commits */
		if (i % 4 == 1)
			rc = dn_store_begin(st);
		if (!rc)
			rc = run_block(x, st);
		if (!rc && i == 5 && enc5) {
			struct dn_enc e;
			dn_enc_init(&e);
			dn_block_encode(&x->b, &e);
			*enc5 = e.buf;
			*n5 = e.len;
		}
		if (!rc && (i == SNAP_AT || i == NBLOCKS))
			rc = dn_store_put_snapshot(st, x->c);
		if (!rc && i == SNAP_AT && state) {
			struct dn_enc e;
			dn_enc_init(&e);
			dn_chain_encode(x->c, &e);
			*state = e.buf;
			*nstate = e.len;
			memcpy(head, x->c->head_hash, 32);
		}
		if (!rc && (i % 4 == 0 || i == NBLOCKS))
			rc = dn_store_commit(st);
	}
	if (rc)
		diag("writing the run: %s", dn_store_errmsg(st));
	return rc;
}

static int make_db(const char *path)
{
	struct dn_store *st;
	char em[512];
	struct run x;
	unlink(path);
	if (dn_store_open(path, DN_STORE_CREATE, &st, em, sizeof(em)) != 0) {
		fprintf(stderr, "store-t: %s\n", em);
		return 1;
	}
	run_init(&x, TEMPO);
	int rc = write_run(st, &x, NULL, NULL, NULL, NULL, NULL);
	if (rc)
		fprintf(stderr, "store-t: %s\n", dn_store_errmsg(st));
	dn_store_close(st);
	run_free(&x);
	return rc ? 1 : 0;
}

/* The size of a longer run of the default genesis (production tempo 360),
 * for the record: bytes per block. */
static void measure(void)
{
	char p[128], em[512];
	struct dn_store *st;
	struct run x;
	path_of(p, sizeof(p), "size.db");
	if (dn_store_open(p, DN_STORE_CREATE, &st, em, sizeof(em)) != 0)
		return;
	run_init(&x, 0); /* the production tempo */
	dn_block_genesis(x.c, x.r, &x.b.h);
	dn_store_put_block(st, &x.b, x.c->genesis_hash, x.c, NULL);
	long before = 0;
	const int n = 1000;
	for (int i = 1; i <= n; i++) {
		if (i % 10 == 1)
			dn_store_begin(st);
		run_block(&x, st);
		if (i % 10 == 0)
			dn_store_commit(st);
	}
	dn_store_close(st);
	before = file_size(p);
	diag("size: %d blocks of the default genesis (2-4 extrinsics each, %u epochs): %ld "
	     "bytes, %ld per block",
	     n, x.epochs_run, before, before / n);
	run_free(&x);
}

int main(int argc, char **argv)
{
	if (sodium_init() < 0) {
		printf("Bail out! libsodium\n");
		return 1;
	}
	if (argc == 3 && strcmp(argv[1], "--make-db") == 0)
		return make_db(argv[2]);
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/store-t.XXXXXX");
	if (!mkdtemp(tmpdir)) {
		printf("Bail out! mkdtemp\n");
		return 1;
	}
	/* open refusals, create, the run, meta, queries, values, views, blocks,
	 * snapshots, big amounts, reopen, header refusals, transactions, truncate */
	tap_plan(5 + 2 + 2 + 6 + 7 + 3 + 20 + 11 + 3 + 2 + 3 + 2 + 8 + 4);

	test_open_refusals();

	char p[128], em[512];
	struct dn_store *st = NULL;
	path_of(p, sizeof(p), "run.db");
	int rc = dn_store_open(p, DN_STORE_CREATE, &st, em, sizeof(em));
	ok(rc == 0 && st, "a new store is created (%s)", em);
	if (!st) {
		printf("Bail out! %s\n", em);
		return 1;
	}
	ok(dn_store_last_block(st, &(uint64_t){0}, NULL) == DN_STORE_ENOTFOUND,
	   "a new store holds no block");

	struct run x;
	run_init(&x, TEMPO);
	uint8_t *enc5 = NULL, *state = NULL, head[32];
	size_t n5 = 0, nstate = 0;
	rc = write_run(st, &x, &enc5, &n5, &state, &nstate, head);
	is_int(rc, 0, "25 blocks with extrinsics, epochs and snapshots are stored");
	ok(x.failed >= 5, "(with %u failed calls)", x.failed);

	test_meta(st);
	test_queries(st);
	test_values(st);
	test_views(st, &x);
	test_blocks(st, &x, enc5, n5);
	test_snapshots(st, state, nstate, head);
	test_big_amounts();

	/* reopen: the same history; read-only refuses puts */
	dn_store_close(st);
	st = NULL;
	rc = dn_store_open(p, 0, &st, em, sizeof(em));
	uint64_t last = 0;
	ok(rc == 0 && dn_store_last_block(st, &last, NULL) == 0 && last == NBLOCKS,
	   "reopened, the history is there (%s)", em);
	dn_store_close(st);
	struct dn_store *ro = NULL;
	rc = dn_store_open(p, DN_STORE_RDONLY, &ro, em, sizeof(em));
	ok(rc == 0 && q_int(ro, "SELECT count(*) FROM blocks") == NBLOCKS + 1,
	   "opened read-only, it reads");
	ok(ro && dn_store_set_final(ro, 1) == DN_STORE_EINVAL &&
		   strstr(dn_store_errmsg(ro), "read-only"),
	   "and refuses writes");
	dn_store_close(ro);
	test_header_refusals(p);

	rc = dn_store_open(p, 0, &st, em, sizeof(em));
	if (rc) {
		printf("Bail out! %s\n", em);
		return 1;
	}
	test_transactions(st, &x);
	test_truncate(st);
	dn_store_close(st);

	free(enc5);
	free(state);
	run_free(&x);
	measure();
	cleanup();
	return tap_done();
}
