/*
 * The run history store (see store.h; the schema is documented in
 * docs/store.md, which must follow every change of the SQL below).
 */
#include <errno.h>
#include <jansson.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "devnet/codec.h"
#include "devnet/emission.h"
#include "devnet/keys.h"
#include "devnet/stake.h"
#include "devnet/store.h"
#include "devnet/xalloc.h"

/* ---- the schema -------------------------------------------------------- */

/* Amounts are rao (INTEGER); hashes and keys 32-byte BLOBs; account
 * columns of events and epochs are account indices (accounts.idx); u16
 * fractions of the epoch are stored raw (x / 65535 in the views). */
static const char schema_sql[] =
	"CREATE TABLE meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID;\n"
	"CREATE TABLE names (key BLOB PRIMARY KEY, name TEXT NOT NULL, grp TEXT) WITHOUT ROWID;\n"
	"CREATE TABLE accounts (idx INTEGER PRIMARY KEY, key BLOB NOT NULL UNIQUE,\n"
	"  ss58 TEXT NOT NULL, first_block INTEGER NOT NULL);\n"
	"CREATE TABLE blocks (number INTEGER PRIMARY KEY, hash BLOB NOT NULL,\n"
	"  parent BLOB NOT NULL, author BLOB NOT NULL, state_root BLOB NOT NULL,\n"
	"  extrinsics_root BLOB NOT NULL, nxt INTEGER NOT NULL,\n"
	"  final INTEGER NOT NULL DEFAULT 0, body BLOB NOT NULL);\n"
	"CREATE INDEX blocks_hash ON blocks (hash);\n"
	"CREATE TABLE issuance (block INTEGER PRIMARY KEY, credit INTEGER NOT NULL,\n"
	"  injected INTEGER NOT NULL, bought INTEGER NOT NULL, stranded INTEGER NOT NULL,\n"
	"  recycled INTEGER NOT NULL, root_sell INTEGER NOT NULL, emitting INTEGER NOT NULL,\n"
	"  epochs_run INTEGER NOT NULL, claim_failures INTEGER NOT NULL,\n"
	"  total_issuance INTEGER, total_stake INTEGER, root_tao INTEGER);\n"
	"CREATE TABLE extrinsics (block INTEGER NOT NULL, idx INTEGER NOT NULL,\n"
	"  hash BLOB NOT NULL, signer INTEGER, nonce INTEGER NOT NULL,\n"
	"  call TEXT NOT NULL, args TEXT NOT NULL, code INTEGER, error TEXT, msg TEXT,\n"
	"  alpha INTEGER, tao INTEGER, netuid INTEGER, uid INTEGER,\n"
	"  PRIMARY KEY (block, idx)) WITHOUT ROWID;\n"
	"CREATE TABLE events (block INTEGER NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL,\n"
	"  netuid INTEGER, hotkey INTEGER, coldkey INTEGER, amount INTEGER, detail TEXT,\n"
	"  PRIMARY KEY (block, seq)) WITHOUT ROWID;\n"
	"CREATE TABLE epochs (netuid INTEGER NOT NULL, block INTEGER NOT NULL,\n"
	"  uid INTEGER NOT NULL, hotkey INTEGER NOT NULL, stake INTEGER NOT NULL,\n"
	"  root_stake INTEGER NOT NULL, stake_weight INTEGER NOT NULL, permit INTEGER NOT NULL,\n"
	"  active INTEGER NOT NULL, consensus INTEGER NOT NULL,\n"
	"  validator_trust INTEGER NOT NULL, incentive INTEGER NOT NULL,\n"
	"  dividends INTEGER NOT NULL, emission INTEGER NOT NULL,\n"
	"  last_update INTEGER NOT NULL, registered_at INTEGER NOT NULL,\n"
	"  PRIMARY KEY (netuid, block, uid)) WITHOUT ROWID;\n"
	"CREATE TABLE pools (netuid INTEGER NOT NULL, block INTEGER NOT NULL,\n"
	"  price REAL NOT NULL, moving_price REAL NOT NULL, tao INTEGER NOT NULL,\n"
	"  alpha_in INTEGER NOT NULL, alpha_out INTEGER NOT NULL,\n"
	"  tao_in_emission INTEGER NOT NULL, alpha_in_emission INTEGER NOT NULL,\n"
	"  alpha_out_emission INTEGER NOT NULL, excess_tao INTEGER NOT NULL,\n"
	"  alpha_recycled INTEGER NOT NULL, protocol_bought INTEGER NOT NULL, share REAL,\n"
	"  PRIMARY KEY (netuid, block)) WITHOUT ROWID;\n"
	"CREATE TABLE snapshots (block INTEGER PRIMARY KEY, head_hash BLOB NOT NULL,\n"
	"  state BLOB NOT NULL);\n"
	/* views: the common questions as one-liners */
	"CREATE VIEW v_accounts AS SELECT a.idx, a.ss58, n.name, n.grp,\n"
	"  '0x' || lower(hex(a.key)) AS key,\n"
	"  a.first_block FROM accounts a LEFT JOIN names n ON n.key = a.key;\n"
	"CREATE VIEW v_blocks AS SELECT b.number, '0x' || lower(hex(b.hash)) AS hash,\n"
	"  '0x' || lower(hex(b.parent)) AS parent, a.ss58 AS author, n.name AS author_name,\n"
	"  '0x' || lower(hex(b.state_root)) AS state_root,\n"
	"  '0x' || lower(hex(b.extrinsics_root)) AS extrinsics_root, b.nxt, b.final,\n"
	"  length(b.body) AS size, i.credit, i.injected, i.bought, i.stranded, i.recycled,\n"
	"  i.root_sell, i.emitting, i.epochs_run, i.claim_failures, i.total_issuance,\n"
	"  i.total_stake, i.root_tao\n"
	"  FROM blocks b LEFT JOIN issuance i ON i.block = b.number\n"
	"  LEFT JOIN accounts a ON a.key = b.author LEFT JOIN names n ON n.key = b.author;\n"
	"CREATE VIEW v_issuance AS SELECT block, credit, injected, bought, stranded, recycled,\n"
	"  injected + bought AS to_pools, total_issuance, total_stake, root_tao, emitting,\n"
	"  epochs_run FROM issuance;\n"
	"CREATE VIEW v_prices AS SELECT netuid, block, price, moving_price, tao,\n"
	"  alpha_in, alpha_out, share FROM pools;\n"
	"CREATE VIEW v_epochs AS SELECT e.netuid, e.block, e.uid, a.ss58 AS hotkey,\n"
	"  n.name AS hotkey_name, n.grp, e.stake, e.root_stake, e.stake_weight / 65535.0 AS "
	"stake_weight,\n"
	"  e.permit, e.active, e.consensus / 65535.0 AS consensus,\n"
	"  e.validator_trust / 65535.0 AS validator_trust, e.incentive / 65535.0 AS incentive,\n"
	"  e.dividends / 65535.0 AS dividends, e.emission, e.last_update, e.registered_at\n"
	"  FROM epochs e LEFT JOIN accounts a ON a.idx = e.hotkey\n"
	"  LEFT JOIN names n ON n.key = a.key;\n"
	"CREATE VIEW v_metagraph AS SELECT v.* FROM v_epochs v JOIN\n"
	"  (SELECT netuid, max(block) AS block FROM epochs GROUP BY netuid) l\n"
	"  ON l.netuid = v.netuid AND l.block = v.block;\n"
	"CREATE VIEW v_events AS SELECT e.block, e.seq, e.kind, e.netuid,\n"
	"  h.ss58 AS hotkey, hn.name AS hotkey_name, hn.grp, c.ss58 AS coldkey,\n"
	"  cn.name AS coldkey_name,\n"
	"  e.amount, e.detail FROM events e\n"
	"  LEFT JOIN accounts h ON h.idx = e.hotkey LEFT JOIN names hn ON hn.key = h.key\n"
	"  LEFT JOIN accounts c ON c.idx = e.coldkey LEFT JOIN names cn ON cn.key = c.key;\n"
	"CREATE VIEW v_extrinsics AS SELECT x.block, x.idx, '0x' || lower(hex(x.hash)) AS hash,\n"
	"  a.ss58 AS signer, n.name AS signer_name, n.grp, x.nonce, x.call, x.args, x.code, "
	"x.error, "
	"x.msg,\n"
	"  x.alpha, x.tao, x.netuid, x.uid FROM extrinsics x\n"
	"  LEFT JOIN accounts a ON a.idx = x.signer LEFT JOIN names n ON n.key = a.key;\n"
	"CREATE VIEW v_failures AS SELECT block, idx, signer, signer_name, call, args, error, msg\n"
	"  FROM v_extrinsics WHERE code <> 0;\n";

/* Prepared once per store (what put_block and the getters run). */
enum {
	S_SAVEPOINT,
	S_RELEASE,
	S_ROLLBACK_TO,
	S_BEGIN,
	S_COMMIT,
	S_ROLLBACK,
	S_INS_BLOCK,
	S_INS_ACCOUNT,
	S_INS_ISSUANCE,
	S_INS_XT,
	S_INS_POOL,
	S_INS_EVENT,
	S_INS_EPOCH,
	S_INS_SNAPSHOT,
	S_SET_FINAL,
	S_META_SET,
	S_META_GET,
	S_NAME,
	S_LAST_BLOCK,
	S_GET_BLOCK,
	S_SNAPSHOT,
	S_NACCOUNTS,
	S_COUNT
};

static const char *const stmt_sql[S_COUNT] = {
	[S_SAVEPOINT] = "SAVEPOINT put",
	[S_RELEASE] = "RELEASE put",
	[S_ROLLBACK_TO] = "ROLLBACK TO put",
	[S_BEGIN] = "BEGIN IMMEDIATE",
	[S_COMMIT] = "COMMIT",
	[S_ROLLBACK] = "ROLLBACK",
	[S_INS_BLOCK] = "INSERT INTO blocks (number, hash, parent, author, state_root,"
			" extrinsics_root, nxt, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	[S_INS_ACCOUNT] = "INSERT OR IGNORE INTO accounts (idx, key, ss58, first_block)"
			  " VALUES (?, ?, ?, ?)",
	[S_INS_ISSUANCE] = "INSERT INTO issuance VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[S_INS_XT] = "INSERT INTO extrinsics VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[S_INS_POOL] = "INSERT INTO pools VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[S_INS_EVENT] = "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	[S_INS_EPOCH] =
		"INSERT INTO epochs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[S_INS_SNAPSHOT] = "INSERT OR REPLACE INTO snapshots VALUES (?, ?, ?)",
	[S_SET_FINAL] = "UPDATE blocks SET final = 1 WHERE number <= ? AND final = 0",
	[S_META_SET] = "INSERT OR REPLACE INTO meta VALUES (?, ?)",
	[S_META_GET] = "SELECT value FROM meta WHERE key = ?",
	[S_NAME] = "INSERT OR REPLACE INTO names VALUES (?, ?, ?)",
	[S_LAST_BLOCK] = "SELECT number, hash FROM blocks ORDER BY number DESC LIMIT 1",
	[S_GET_BLOCK] = "SELECT body FROM blocks WHERE number = ?",
	[S_SNAPSHOT] = "SELECT block, head_hash, state FROM snapshots WHERE block <= ?"
		       " ORDER BY block DESC LIMIT 1",
	[S_NACCOUNTS] = "SELECT coalesce(max(idx) + 1, 0) FROM accounts",
};

/* What truncate_after deletes: every per-block table, by its block column. */
static const char *const truncate_sql[] = {
	"DELETE FROM blocks WHERE number > ?1",	   "DELETE FROM issuance WHERE block > ?1",
	"DELETE FROM extrinsics WHERE block > ?1", "DELETE FROM events WHERE block > ?1",
	"DELETE FROM epochs WHERE block > ?1",	   "DELETE FROM pools WHERE block > ?1",
	"DELETE FROM snapshots WHERE block > ?1",  "DELETE FROM accounts WHERE first_block > ?1",
};

struct dn_store {
	sqlite3 *db;
	char *path;
	bool rdonly;
	sqlite3_stmt *s[S_COUNT];
	uint64_t naccounts; /* accounts stored: indices below this */
	struct dn_enc enc; /* encodings (block bodies, snapshots), reused */
	/* dn_store_query's gate: the authorizer stays installed (setting one
	 * expires every prepared statement) and only acts while guard is set */
	bool guard;
	int denied; /* the action it refused */
	char err[512];
};

const char *dn_store_strerror(int err)
{
	switch (err) {
	case 0: return "ok";
	case DN_STORE_ENOENT: return "no such file";
	case DN_STORE_EIO: return "SQLite failed";
	case DN_STORE_EEXIST: return "block already stored";
	case DN_STORE_EINVAL: return "invalid argument or query";
	case DN_STORE_ENOTFOUND: return "not found";
	case DN_STORE_ECORRUPT: return "stored data does not decode";
	case DN_STORE_EFORMAT: return "not a taodev store of this format";
	default: return "unknown error";
	}
}

/* ---- helpers ----------------------------------------------------------- */

static void set_msg(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void set_msg(char *buf, size_t len, const char *fmt, ...)
{
	if (!buf || !len)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

/* Records "path: message" and returns code. */
static int fail(struct dn_store *st, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(struct dn_store *st, int code, const char *fmt, ...)
{
	char msg[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(st->err, sizeof(st->err), "%s: %s", st->path, msg);
	return code;
}

/* Steps a prepared statement once and resets it. SQLITE_ROW is not
 * expected here (writes); failures name `what` and SQLite's message. */
static int exec(struct dn_store *st, sqlite3_stmt *s, const char *what)
{
	int rc = sqlite3_step(s), code = 0;
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		code = (rc & 0xff) == SQLITE_CONSTRAINT ? DN_STORE_EEXIST : DN_STORE_EIO;
		fail(st, code, "%s: SQLite: %s", what, sqlite3_errmsg(st->db));
	}
	sqlite3_reset(s);
	/* bindings point into reused buffers: none may outlive the step */
	sqlite3_clear_bindings(s);
	return code;
}

/* SQLite has signed 64-bit integers: a u64 above INT64_MAX (no amount
 * gets there: TAO's supply is 2.1e16 rao) is kept as a REAL, not wrapped. */
static void bind_u64(sqlite3_stmt *s, int i, uint64_t v)
{
	if (v <= INT64_MAX)
		sqlite3_bind_int64(s, i, (sqlite3_int64)v);
	else
		sqlite3_bind_double(s, i, (double)v);
}

static void bind_i64(sqlite3_stmt *s, int i, int64_t v) { sqlite3_bind_int64(s, i, v); }

static void bind_blob(sqlite3_stmt *s, int i, const void *p, size_t n)
{
	sqlite3_bind_blob64(s, i, p, n, SQLITE_STATIC);
}

static void bind_text(sqlite3_stmt *s, int i, const char *t)
{
	sqlite3_bind_text(s, i, t, -1, SQLITE_STATIC);
}

/* An account index, NULL for "none". */
static void bind_account(sqlite3_stmt *s, int i, uint32_t a)
{
	if (a == DN_CHAIN_NONE)
		sqlite3_bind_null(s, i);
	else
		sqlite3_bind_int64(s, i, a);
}

static double u64f64(dn_u64f64 x)
{
	return (double)(uint64_t)(x >> 64) + (double)(uint64_t)x * 0x1p-64;
}

static double i96f32(dn_i96f32 x) { return (double)x * 0x1p-32; }
static double u96f32(dn_u96f32 x) { return (double)x * 0x1p-32; }

static void ss58(const uint8_t key[32], char out[DN_SS58_MAX])
{
	if (dn_ss58_encode(key, DN_SS58_PREFIX, out, DN_SS58_MAX) != 0)
		out[0] = 0;
}

/* One integer of a query with no parameters (PRAGMA, count). */
static int query_int(sqlite3 *db, const char *sql, int64_t *out)
{
	sqlite3_stmt *s;
	int rc = sqlite3_prepare_v2(db, sql, -1, &s, NULL);
	if (rc != SQLITE_OK)
		return rc;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*out = sqlite3_column_int64(s, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(s);
	return rc;
}

/* ---- opening ----------------------------------------------------------- */

/* The dev accounts' names, so that the views show "alice" and not only
 * an address. */
static int name_dev_accounts(struct dn_store *st)
{
	for (int i = 0; dn_keys_dev_names[i]; i++) {
		for (int stash = 0; stash < 2; stash++) {
			char name[40];
			struct dn_keypair kp;
			snprintf(name, sizeof(name), "%s%s", dn_keys_dev_names[i],
				 stash ? "//stash" : "");
			if (dn_keys_dev(name, &kp) != 0)
				continue;
			int rc = dn_store_name_account(st, kp.public_key, name, "dev");
			sodium_memzero(&kp, sizeof(kp));
			if (rc)
				return rc;
		}
	}
	return 0;
}

static int create_schema(struct dn_store *st)
{
	char *em = NULL;
	char pragmas[128];
	snprintf(pragmas, sizeof(pragmas), "PRAGMA application_id = %d; PRAGMA user_version = %d;",
		 DN_STORE_APP_ID, DN_STORE_FORMAT);
	if (sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, &em) != SQLITE_OK ||
	    sqlite3_exec(st->db, pragmas, NULL, NULL, &em) != SQLITE_OK ||
	    sqlite3_exec(st->db, schema_sql, NULL, NULL, &em) != SQLITE_OK) {
		int rc = fail(st, DN_STORE_EIO, "creating the schema: SQLite: %s",
			      em ? em : sqlite3_errmsg(st->db));
		sqlite3_free(em);
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		return rc;
	}
	return 0;
}

/* After the statements are prepared: the meta rows and names of a new
 * store, in the transaction create_schema opened. */
static int finish_schema(struct dn_store *st)
{
	char v[16];
	snprintf(v, sizeof(v), "%d", DN_STORE_FORMAT);
	int rc = dn_store_meta_set(st, "format_version", v);
	if (!rc)
		rc = dn_store_meta_set(st, "taodev_version", PACKAGE_VERSION);
	if (!rc)
		rc = name_dev_accounts(st);
	if (!rc)
		rc = dn_store_commit(st);
	else
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

/* What the file is: 0 for a taodev store of this format, 1 for an empty
 * database (a new file), or a negative code with the message set. */
static int identify(struct dn_store *st)
{
	int64_t app = 0, ver = 0, nobj = 0;
	int rc = query_int(st->db, "PRAGMA application_id", &app);
	if (rc == SQLITE_OK)
		rc = query_int(st->db, "SELECT count(*) FROM sqlite_master", &nobj);
	if ((rc & 0xff) == SQLITE_NOTADB)
		return fail(st, DN_STORE_EFORMAT, "not a taodev store (not an SQLite database)");
	if (rc != SQLITE_OK)
		return fail(st, DN_STORE_EIO, "cannot read: SQLite: %s", sqlite3_errmsg(st->db));
	if (app == 0 && nobj == 0)
		return 1;
	if (app != DN_STORE_APP_ID)
		return fail(st, DN_STORE_EFORMAT,
			    "not a taodev store (an SQLite database of another application)");
	rc = query_int(st->db, "PRAGMA user_version", &ver);
	if (rc != SQLITE_OK)
		return fail(st, DN_STORE_EIO, "cannot read: SQLite: %s", sqlite3_errmsg(st->db));
	if (ver != DN_STORE_FORMAT)
		return fail(st, DN_STORE_EFORMAT,
			    "taodev store format version %lld; this taodev reads version %d",
			    (long long)ver, DN_STORE_FORMAT);
	return 0;
}

static int load_naccounts(struct dn_store *st)
{
	sqlite3_stmt *s = st->s[S_NACCOUNTS];
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		st->naccounts = (uint64_t)sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	if (rc != SQLITE_ROW)
		return fail(st, DN_STORE_EIO, "reading accounts: SQLite: %s",
			    sqlite3_errmsg(st->db));
	return 0;
}

static int query_auth(void *ctx, int action, const char *a1, const char *a2, const char *db,
		      const char *trigger);

/* WAL: readers never block the writer, and a crash loses at most the
 * last transactions, never the file. NORMAL syncs at checkpoints only,
 * which WAL makes safe: a power failure may lose the last commits, and a
 * resume replays those blocks from the latest snapshot. */
static int set_wal(struct dn_store *st)
{
	sqlite3_stmt *s;
	char mode[16] = "";
	int rc = sqlite3_prepare_v2(st->db, "PRAGMA journal_mode = WAL", -1, &s, NULL);
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(s);
		if (rc == SQLITE_ROW) {
			snprintf(mode, sizeof(mode), "%s", (const char *)sqlite3_column_text(s, 0));
			rc = SQLITE_OK;
		}
		sqlite3_finalize(s);
	}
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(st->db, "PRAGMA synchronous = NORMAL", NULL, NULL, NULL);
	/* a writer's page cache of 64 MiB (the default is 2 MiB): a run at
	 * mainnet scale writes ~100 KiB a block, and re-reading the pages it
	 * evicted cost more than writing them */
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(st->db, "PRAGMA cache_size = -65536", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return fail(st, DN_STORE_EIO, "setting WAL mode: SQLite: %s",
			    sqlite3_errmsg(st->db));
	if (strcmp(mode, "wal") != 0)
		return fail(st, DN_STORE_EIO,
			    "cannot use WAL mode here (the journal stays '%s'): a network or "
			    "read-only file system?",
			    mode);
	return 0;
}

static int open_store(struct dn_store *st, unsigned flags)
{
	bool create = flags & DN_STORE_CREATE;
	struct stat sb;
	if (stat(st->path, &sb) != 0) {
		if (errno != ENOENT)
			return fail(st, DN_STORE_EIO, "%s", strerror(errno));
		if (!create)
			return fail(st, DN_STORE_ENOENT, "no such file");
	} else if (S_ISDIR(sb.st_mode)) {
		return fail(st, DN_STORE_EINVAL, "is a directory, not a taodev store");
	}
	int oflags = st->rdonly ? SQLITE_OPEN_READONLY
				: SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
	if (sqlite3_open_v2(st->path, &st->db, oflags, NULL) != SQLITE_OK)
		return fail(st, DN_STORE_EIO, "cannot open: SQLite: %s",
			    st->db ? sqlite3_errmsg(st->db) : "out of memory");
	sqlite3_extended_result_codes(st->db, 1);
	sqlite3_set_authorizer(st->db, query_auth, st);
	/* a reader and the runner's writer share the file: wait for the lock
	 * rather than fail (the writer commits at least every 100 ms) */
	sqlite3_busy_timeout(st->db, 5000);
	int kind = identify(st);
	if (kind < 0)
		return kind;
	if (kind == 1 && (!create || st->rdonly))
		return fail(st, DN_STORE_EFORMAT, "not a taodev store (an empty file)");
	if (!st->rdonly) {
		int rc = set_wal(st);
		if (rc)
			return rc;
	}
	if (kind == 1) {
		int rc = create_schema(st);
		if (rc)
			return rc;
	}
	for (int i = 0; i < S_COUNT; i++)
		if (sqlite3_prepare_v3(st->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
				       &st->s[i], NULL) != SQLITE_OK)
			return fail(st, kind == 1 ? DN_STORE_EIO : DN_STORE_EFORMAT,
				    "schema does not match (%s): SQLite: %s", stmt_sql[i],
				    sqlite3_errmsg(st->db));
	if (kind == 1) {
		int rc = finish_schema(st);
		if (rc)
			return rc;
	}
	return load_naccounts(st);
}

int dn_store_open(const char *path, unsigned flags, struct dn_store **out, char *errmsg,
		  size_t errlen)
{
	*out = NULL;
	set_msg(errmsg, errlen, "%s", "");
	if (!path || !*path || (flags & ~3u) ||
	    ((flags & DN_STORE_CREATE) && (flags & DN_STORE_RDONLY))) {
		set_msg(errmsg, errlen, "%s: bad arguments to open a store",
			path ? path : "(null)");
		return DN_STORE_EINVAL;
	}
	/* the keys' hashing (SS58, dev names) needs libsodium initialised;
	 * it is idempotent */
	if (sodium_init() < 0) {
		set_msg(errmsg, errlen, "%s: libsodium failed to initialise", path);
		return DN_STORE_EIO;
	}
	struct dn_store *st = xcalloc(1, sizeof(*st));
	st->path = xstrdup(path);
	st->rdonly = flags & DN_STORE_RDONLY;
	dn_enc_init(&st->enc);
	int rc = open_store(st, flags);
	if (rc) {
		set_msg(errmsg, errlen, "%s", st->err);
		dn_store_close(st);
		return rc;
	}
	*out = st;
	return 0;
}

void dn_store_close(struct dn_store *st)
{
	if (!st)
		return;
	for (int i = 0; i < S_COUNT; i++)
		sqlite3_finalize(st->s[i]);
	if (st->db && !sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(st->db);
	dn_enc_release(&st->enc);
	free(st->path);
	free(st);
}

const char *dn_store_errmsg(const struct dn_store *st) { return st->err; }
const char *dn_store_path(const struct dn_store *st) { return st->path; }

/* ---- transactions ------------------------------------------------------ */

bool dn_store_in_transaction(const struct dn_store *st) { return !sqlite3_get_autocommit(st->db); }

int dn_store_begin(struct dn_store *st)
{
	if (dn_store_in_transaction(st))
		return fail(st, DN_STORE_EINVAL, "begin: a transaction is already open");
	return exec(st, st->s[S_BEGIN], "begin");
}

int dn_store_commit(struct dn_store *st)
{
	if (!dn_store_in_transaction(st))
		return fail(st, DN_STORE_EINVAL, "commit: no transaction is open");
	return exec(st, st->s[S_COMMIT], "commit");
}

int dn_store_rollback(struct dn_store *st)
{
	if (!dn_store_in_transaction(st))
		return fail(st, DN_STORE_EINVAL, "rollback: no transaction is open");
	int rc = exec(st, st->s[S_ROLLBACK], "rollback");
	/* the accounts the rolled-back blocks added are gone again */
	return rc ? rc : load_naccounts(st);
}

/* Ends the savepoint a put opened (which opened a transaction when none
 * was, and then commits it): released when rc is 0, its rows undone
 * otherwise; the failure's message is kept. */
static int atomically(struct dn_store *st, int rc)
{
	if (rc) {
		char keep[sizeof(st->err)];
		memcpy(keep, st->err, sizeof(keep));
		exec(st, st->s[S_ROLLBACK_TO], "rollback to savepoint");
		exec(st, st->s[S_RELEASE], "release savepoint");
		memcpy(st->err, keep, sizeof(keep));
		return rc;
	}
	return exec(st, st->s[S_RELEASE], "release savepoint");
}

static int writable(struct dn_store *st, const char *what)
{
	if (st->rdonly)
		return fail(st, DN_STORE_EINVAL, "%s: the store is open read-only", what);
	return 0;
}

/* ---- blocks ------------------------------------------------------------ */

static int put_accounts(struct dn_store *st, uint64_t number, const struct dn_chain *c,
			uint64_t *nacc)
{
	sqlite3_stmt *s = st->s[S_INS_ACCOUNT];
	for (uint64_t i = st->naccounts; i < c->naccounts; i++) {
		char addr[DN_SS58_MAX];
		ss58(c->acct[i].key, addr);
		bind_u64(s, 1, i);
		bind_blob(s, 2, c->acct[i].key, 32);
		bind_text(s, 3, addr);
		bind_u64(s, 4, number);
		int rc = exec(st, s, "inserting an account");
		if (rc)
			return rc;
	}
	*nacc = c->naccounts > st->naccounts ? c->naccounts : st->naccounts;
	return 0;
}

static int put_issuance(struct dn_store *st, uint64_t number, const struct dn_chain *c,
			const struct dn_block_events *ev)
{
	sqlite3_stmt *s = st->s[S_INS_ISSUANCE];
	const struct dn_emission_result *cb = &ev->coinbase;
	bind_u64(s, 1, number);
	bind_u64(s, 2, ev->credit);
	bind_u64(s, 3, cb->injected_tao);
	bind_u64(s, 4, cb->bought_tao);
	bind_u64(s, 5, cb->stranded);
	bind_u64(s, 6, cb->recycled);
	bind_i64(s, 7, cb->root_sell);
	bind_u64(s, 8, cb->emitting);
	bind_u64(s, 9, cb->epochs_run);
	bind_u64(s, 10, ev->claim_failures);
	for (int i = 11; i <= 13; i++)
		sqlite3_bind_null(s, i);
	if (c) {
		bind_u64(s, 11, c->est.total_issuance);
		bind_u64(s, 12, c->est.total_stake);
		bind_u64(s, 13, c->est.root_tao);
	}
	return exec(st, s, "inserting issuance");
}

/* ---- JSON (jansson) ---------------------------------------------------- */

/* Sets o[name] = v, taking v; a NULL v (jansson out of memory) aborts, as
 * xalloc does. */
static void jset(json_t *o, const char *name, json_t *v)
{
	if (!o || json_object_set_new(o, name, v))
		abort();
}

/* A u64 as a JSON number; above INT64_MAX (jansson's json_int_t is
 * signed) as a string of its decimal digits, e.g. u64::MAX as
 * "18446744073709551615". */
static json_t *ju64(uint64_t v)
{
	if (v <= INT64_MAX)
		return json_integer((json_int_t)v);
	char d[24];
	snprintf(d, sizeof(d), "%llu", (unsigned long long)v);
	return json_string(d);
}

static void jset_u64(json_t *o, const char *name, uint64_t v) { jset(o, name, ju64(v)); }

static void jset_key(json_t *o, const char *name, const uint8_t key[32])
{
	char addr[DN_SS58_MAX];
	ss58(key, addr);
	jset(o, name, json_string(addr));
}

static void jset_vec(json_t *o, const char *name, const uint16_t *v, uint32_t n)
{
	json_t *a = json_array();
	for (uint32_t i = 0; i < n; i++)
		if (!a || json_array_append_new(a, json_integer(v[i])))
			abort();
	jset(o, name, a);
}

/* The object as compact JSON text, keys in insertion order; takes o. The
 * caller frees the text. */
static char *jtext(json_t *o)
{
	char *t = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (!t)
		abort();
	return t;
}

static void jset_limit(json_t *o, const struct dn_call *c)
{
	jset_u64(o, "limit_price", c->limit_price);
	jset(o, "allow_partial", json_boolean(c->allow_partial));
}

/* The call's fields (its kind's, as extrinsic.h lists them) as a JSON
 * object: keys as SS58 addresses, amounts in rao. The caller frees it. */
static char *call_args(const struct dn_call *c)
{
	json_t *o = json_object();
	switch (c->kind) {
	case DN_CALL_TRANSFER:
	case DN_CALL_TRANSFER_KEEP_ALIVE:
		jset_key(o, "dest", c->dest);
		jset_u64(o, "amount", c->amount);
		break;
	case DN_CALL_ADD_STAKE:
	case DN_CALL_REMOVE_STAKE:
	case DN_CALL_ADD_STAKE_LIMIT:
	case DN_CALL_REMOVE_STAKE_LIMIT:
		jset_key(o, "hotkey", c->hotkey);
		jset_u64(o, "netuid", c->netuid);
		jset_u64(o, "amount", c->amount);
		if (c->kind == DN_CALL_ADD_STAKE_LIMIT || c->kind == DN_CALL_REMOVE_STAKE_LIMIT)
			jset_limit(o, c);
		break;
	case DN_CALL_MOVE_STAKE:
		jset_key(o, "hotkey", c->hotkey);
		jset_key(o, "dest_hotkey", c->hotkey2);
		jset_u64(o, "netuid", c->netuid);
		jset_u64(o, "dest_netuid", c->netuid2);
		jset_u64(o, "amount", c->amount);
		break;
	case DN_CALL_SWAP_STAKE:
	case DN_CALL_SWAP_STAKE_LIMIT:
		jset_key(o, "hotkey", c->hotkey);
		jset_u64(o, "netuid", c->netuid);
		jset_u64(o, "dest_netuid", c->netuid2);
		jset_u64(o, "amount", c->amount);
		if (c->kind == DN_CALL_SWAP_STAKE_LIMIT)
			jset_limit(o, c);
		break;
	case DN_CALL_INCREASE_TAKE:
	case DN_CALL_DECREASE_TAKE:
		jset_key(o, "hotkey", c->hotkey);
		jset_u64(o, "take", c->take);
		break;
	case DN_CALL_REGISTER_NETWORK: jset_key(o, "hotkey", c->hotkey); break;
	case DN_CALL_START_CALL: jset_u64(o, "netuid", c->netuid); break;
	case DN_CALL_BURNED_REGISTER:
		jset_u64(o, "netuid", c->netuid);
		jset_key(o, "hotkey", c->hotkey);
		break;
	case DN_CALL_SERVE_AXON: {
		/* IPv4 dotted, IPv6 as the u128's hex (JSON numbers stop at 2^53) */
		char ip[48];
		uint64_t hi = (uint64_t)(c->axon.ip >> 64), lo = (uint64_t)c->axon.ip;
		if (c->axon.ip_type == 4)
			snprintf(ip, sizeof(ip), "%u.%u.%u.%u", (unsigned)(lo >> 24) & 255,
				 (unsigned)(lo >> 16) & 255, (unsigned)(lo >> 8) & 255,
				 (unsigned)lo & 255);
		else
			snprintf(ip, sizeof(ip), "0x%016llx%016llx", (unsigned long long)hi,
				 (unsigned long long)lo);
		jset_u64(o, "netuid", c->netuid);
		jset_u64(o, "version", c->axon.version);
		jset(o, "ip", json_string(ip));
		jset_u64(o, "port", c->axon.port);
		jset_u64(o, "ip_type", c->axon.ip_type);
		jset_u64(o, "protocol", c->axon.protocol);
		break;
	}
	case DN_CALL_SET_WEIGHTS:
	case DN_CALL_REVEAL_WEIGHTS:
		jset_u64(o, "netuid", c->netuid);
		jset_vec(o, "uids", c->uids, c->nuids);
		jset_vec(o, "values", c->values, c->nvalues);
		if (c->kind == DN_CALL_REVEAL_WEIGHTS)
			jset_vec(o, "salt", c->salt, c->nsalt);
		jset_u64(o, "version_key", c->version_key);
		break;
	case DN_CALL_COMMIT_WEIGHTS: {
		char hex[67] = "0x";
		sodium_bin2hex(hex + 2, sizeof(hex) - 2, c->hash, 32);
		jset_u64(o, "netuid", c->netuid);
		jset(o, "hash", json_string(hex));
		break;
	}
	case DN_CALL_SET_HPARAM:
		jset_u64(o, "netuid", c->netuid);
		jset(o, "hparam", json_string(dn_hparam_name(c->hparam)));
		jset(o, "value", json_integer(c->value));
		break;
	case DN_CALL_SET_ALPHA_VALUES:
		jset_u64(o, "netuid", c->netuid);
		jset_u64(o, "alpha_low", c->alpha_low);
		jset_u64(o, "alpha_high", c->alpha_high);
		break;
	default: break;
	}
	return jtext(o);
}

static int put_extrinsics(struct dn_store *st, const struct dn_block *b, const struct dn_chain *c,
			  const struct dn_block_events *ev)
{
	sqlite3_stmt *s = st->s[S_INS_XT];
	size_t j = 0; /* ev->xt follows the block's order */
	for (size_t i = 0; i < b->n; i++) {
		const struct dn_extrinsic *x = &b->xt[i];
		const struct dn_xt_event *xe = NULL;
		while (ev && j < ev->nxt && ev->xt[j].index < i)
			j++;
		if (ev && j < ev->nxt && ev->xt[j].index == i)
			xe = &ev->xt[j];
		uint8_t h[32];
		dn_extrinsic_hash(x, h);
		char *args = call_args(&x->call);
		for (int k = 1; k <= 14; k++)
			sqlite3_bind_null(s, k);
		bind_u64(s, 1, b->h.number);
		bind_u64(s, 2, i);
		bind_blob(s, 3, h, 32);
		/* the signer by account index: its address is in accounts */
		uint32_t signer = xe  ? xe->signer
				  : c ? dn_chain_account(c, x->signer)
				      : DN_CHAIN_NONE;
		bind_account(s, 4, signer);
		bind_u64(s, 5, x->nonce);
		bind_text(s, 6, dn_call_name(x->call.kind));
		bind_text(s, 7, args);
		if (xe) {
			bind_i64(s, 8, xe->code);
			if (xe->code) {
				bind_text(s, 9, dn_ops_strerror(xe->code));
				bind_text(s, 10, xe->msg);
			}
			bind_u64(s, 11, xe->alpha);
			bind_u64(s, 12, xe->tao);
			if (!xe->code && x->call.kind == DN_CALL_REGISTER_NETWORK)
				bind_u64(s, 13, xe->netuid);
			if (!xe->code && x->call.kind == DN_CALL_BURNED_REGISTER)
				bind_u64(s, 14, xe->uid);
		}
		int rc = exec(st, s, "inserting an extrinsic");
		free(args);
		if (rc)
			return rc;
	}
	return 0;
}

static int put_pools(struct dn_store *st, uint64_t number, const struct dn_chain *c,
		     const struct dn_block_events *ev)
{
	sqlite3_stmt *s = st->s[S_INS_POOL];
	for (size_t i = 0; i < ev->nemission; i++) {
		const struct dn_emission_event *e = &ev->emission[i];
		const struct dn_subnet *sn = c ? dn_chain_subnet(c, e->netuid) : NULL;
		bind_u64(s, 1, e->netuid);
		bind_u64(s, 2, number);
		if (sn) {
			/* the state after the block, extrinsics included, so that
			 * price and reserves agree */
			sqlite3_bind_double(
				s, 3, u64f64(dn_emission_price(&dn_emission_balancer, &sn->em)));
			sqlite3_bind_double(s, 4, u64f64(dn_emission_moving_price(&sn->em)));
			bind_u64(s, 5, sn->em.pool.tao);
			bind_u64(s, 6, sn->em.pool.alpha_in);
			bind_u64(s, 7, sn->em.pool.alpha_out);
		} else {
			sqlite3_bind_double(s, 3, u64f64(e->price));
			sqlite3_bind_double(s, 4, i96f32(e->moving_price));
			for (int k = 5; k <= 7; k++)
				bind_u64(s, k, 0);
		}
		bind_u64(s, 8, e->tao_in);
		bind_u64(s, 9, e->alpha_in);
		bind_u64(s, 10, e->alpha_out);
		bind_u64(s, 11, e->excess_tao);
		bind_u64(s, 12, e->alpha_recycled);
		bind_u64(s, 13, e->protocol_bought);
		/* T_i = tao_in + excess (both floored): its share of the credit */
		if (ev->credit)
			sqlite3_bind_double(
				s, 14, (double)(e->tao_in + e->excess_tao) / (double)ev->credit);
		else
			sqlite3_bind_null(s, 14);
		int rc = exec(st, s, "inserting a pool row");
		if (rc)
			return rc;
	}
	return 0;
}

static const char *const pay_names[] = {
	[DN_PAY_OWNER_CUT] = "owner_cut",
	[DN_PAY_INCENTIVE] = "incentive",
	[DN_PAY_INCENTIVE_BURN] = "incentive_burn",
	[DN_PAY_INCENTIVE_RECYCLE] = "incentive_recycle",
	[DN_PAY_CK_BURN] = "ck_burn",
	[DN_PAY_ALPHA_TAKE] = "alpha_take",
	[DN_PAY_ALPHA_NOMINATORS] = "alpha_nominators",
	[DN_PAY_ROOT_TAKE] = "root_take",
	[DN_PAY_ROOT_CLAIMABLE] = "root_claimable",
	[DN_PAY_ROOT_FALLBACK] = "root_fallback",
};

static const char *outcome_name(enum dn_schedule_outcome o)
{
	switch (o) {
	case DN_SCHEDULE_RUN: return "run";
	case DN_SCHEDULE_SKIPPED: return "skipped";
	case DN_SCHEDULE_DEFERRED: return "deferred";
	default: return "idle";
	}
}

/* One events row; detail may be NULL. */
static int put_event(struct dn_store *st, uint64_t number, uint64_t *seq, const char *kind,
		     int netuid, uint32_t hotkey, uint32_t coldkey, uint64_t amount,
		     const char *detail)
{
	sqlite3_stmt *s = st->s[S_INS_EVENT];
	bind_u64(s, 1, number);
	bind_u64(s, 2, (*seq)++);
	bind_text(s, 3, kind);
	if (netuid < 0)
		sqlite3_bind_null(s, 4);
	else
		bind_i64(s, 4, netuid);
	bind_account(s, 5, hotkey);
	bind_account(s, 6, coldkey);
	bind_u64(s, 7, amount);
	if (detail)
		bind_text(s, 8, detail);
	else
		sqlite3_bind_null(s, 8);
	return exec(st, s, "inserting an event");
}

static int put_epoch_event(struct dn_store *st, uint64_t number, uint64_t *seq,
			   const struct dn_epoch_event *e)
{
	json_t *o = json_object();
	jset(o, "outcome", json_string(outcome_name(e->outcome)));
	if (e->outcome == DN_SCHEDULE_RUN) {
		jset_u64(o, "server", e->server);
		jset_u64(o, "validator", e->validator);
		jset_u64(o, "root", e->root);
		jset_u64(o, "owner_cut", e->owner_cut);
		jset_u64(o, "incentive_sum", e->incentive_sum);
		jset_u64(o, "validator_pool", e->validator_pool);
		jset_u64(o, "root_pool", e->root_pool);
		jset_u64(o, "staked", e->staked);
		jset_u64(o, "claimable", e->claimable);
		jset_u64(o, "burned", e->burned);
		jset_u64(o, "recycled", e->recycled);
		jset(o, "undistributed", json_integer(e->undistributed));
		jset(o, "miner_burned", json_real(u96f32(e->miner_burned)));
	}
	char *detail = jtext(o);
	uint64_t drained = e->server + e->validator + e->root + e->owner_cut;
	int rc = put_event(st, number, seq, "epoch", e->netuid, DN_CHAIN_NONE, DN_CHAIN_NONE,
			   drained, detail);
	free(detail);
	return rc;
}

static int put_events(struct dn_store *st, uint64_t number, const struct dn_block_events *ev)
{
	uint64_t seq = 0;
	int rc = 0;
	for (size_t i = 0; i < ev->nepochs && !rc; i++) {
		const struct dn_epoch_event *e = &ev->epochs[i];
		rc = put_epoch_event(st, number, &seq, e);
		if (e->outcome != DN_SCHEDULE_RUN)
			continue;
		/* its distribution's payments, in the chain's order */
		for (size_t k = e->first_pay; k < e->first_pay + e->npay && k < ev->npay && !rc;
		     k++) {
			const struct dn_pay_event *p = &ev->pay[k];
			const char *kind =
				(unsigned)p->kind < sizeof(pay_names) / sizeof(pay_names[0])
					? pay_names[p->kind]
					: "pay";
			rc = put_event(st, number, &seq, kind, p->netuid, p->hotkey, p->coldkey,
				       p->amount, NULL);
		}
	}
	for (size_t i = 0; i < ev->nclaims && !rc; i++) {
		const struct dn_claim_event *cl = &ev->claims[i];
		json_t *o = json_object();
		jset(o, "swap", json_boolean(cl->swap));
		jset_u64(o, "tao", cl->tao);
		char *detail = jtext(o);
		rc = put_event(st, number, &seq, "root_claim", cl->netuid, cl->hotkey, cl->coldkey,
			       cl->alpha, detail);
		free(detail);
	}
	return rc;
}

/* One row per uid of every subnet whose epoch ran, from the state after
 * the block. */
static int put_epochs(struct dn_store *st, uint64_t number, const struct dn_chain *c,
		      const struct dn_block_events *ev)
{
	sqlite3_stmt *s = st->s[S_INS_EPOCH];
	for (size_t i = 0; i < ev->nepochs; i++) {
		if (ev->epochs[i].outcome != DN_SCHEDULE_RUN)
			continue;
		const struct dn_subnet *sn = dn_chain_subnet(c, ev->epochs[i].netuid);
		for (uint32_t uid = 0; sn && uid < sn->n; uid++) {
			uint32_t hk = sn->hotkey[uid];
			bind_u64(s, 1, sn->netuid);
			bind_u64(s, 2, number);
			bind_u64(s, 3, uid);
			bind_u64(s, 4, hk);
			bind_u64(s, 5, dn_stake_hotkey(&c->stake, hk, sn->netuid));
			bind_u64(s, 6, dn_stake_hotkey(&c->stake, hk, 0));
			bind_u64(s, 7, sn->stake_weight[uid]);
			bind_i64(s, 8, sn->permit[uid]);
			bind_i64(s, 9, sn->active[uid]);
			bind_u64(s, 10, sn->consensus[uid]);
			bind_u64(s, 11, sn->validator_trust[uid]);
			bind_u64(s, 12, sn->incentive[uid]);
			bind_u64(s, 13, sn->dividends[uid]);
			bind_u64(s, 14, sn->emission[uid]);
			bind_u64(s, 15, sn->last_update[uid]);
			bind_u64(s, 16, sn->registered_at_uid[uid]);
			int rc = exec(st, s, "inserting an epoch row");
			if (rc)
				return rc;
		}
	}
	return 0;
}

static int put_block_rows(struct dn_store *st, const struct dn_block *b, const uint8_t hash[32],
			  const struct dn_chain *after, const struct dn_block_events *ev,
			  uint64_t *nacc)
{
	uint64_t number = b->h.number;
	sqlite3_stmt *s = st->s[S_INS_BLOCK];
	dn_enc_reset(&st->enc);
	dn_block_encode(b, &st->enc);
	bind_u64(s, 1, number);
	bind_blob(s, 2, hash, 32);
	bind_blob(s, 3, b->h.parent, 32);
	bind_blob(s, 4, b->h.author, 32);
	bind_blob(s, 5, b->h.state_root, 32);
	bind_blob(s, 6, b->h.extrinsics_root, 32);
	bind_u64(s, 7, b->n);
	bind_blob(s, 8, st->enc.buf, st->enc.len);
	int rc = exec(st, s, "inserting the block");
	if (rc == DN_STORE_EEXIST)
		return fail(st, rc, "block %llu is already stored (truncate after %llu first)",
			    (unsigned long long)number,
			    (unsigned long long)(number ? number - 1 : 0));
	if (!rc && after)
		rc = put_accounts(st, number, after, nacc);
	if (!rc)
		rc = put_extrinsics(st, b, after, ev);
	if (!rc && ev)
		rc = put_issuance(st, number, after, ev);
	if (!rc && ev)
		rc = put_pools(st, number, after, ev);
	if (!rc && ev)
		rc = put_events(st, number, ev);
	if (!rc && ev && after)
		rc = put_epochs(st, number, after, ev);
	return rc;
}

int dn_store_put_block(struct dn_store *st, const struct dn_block *b, const uint8_t hash[32],
		       const struct dn_chain *after, const struct dn_block_events *ev)
{
	int rc = writable(st, "put block");
	if (rc)
		return rc;
	uint8_t h[32];
	if (!hash) {
		dn_header_hash(&b->h, h);
		hash = h;
	}
	rc = exec(st, st->s[S_SAVEPOINT], "savepoint");
	if (rc)
		return rc;
	uint64_t nacc = st->naccounts;
	rc = atomically(st, put_block_rows(st, b, hash, after, ev, &nacc));
	if (!rc) {
		st->naccounts = nacc;
	} else {
		/* SQLite may have rolled back more than the savepoint (a full
		 * disk ends the transaction): count the accounts again */
		char keep[sizeof(st->err)];
		memcpy(keep, st->err, sizeof(keep));
		load_naccounts(st);
		memcpy(st->err, keep, sizeof(keep));
	}
	return rc;
}

int dn_store_set_final(struct dn_store *st, uint64_t upto)
{
	int rc = writable(st, "set final");
	if (rc)
		return rc;
	bind_u64(st->s[S_SET_FINAL], 1, upto);
	return exec(st, st->s[S_SET_FINAL], "marking blocks final");
}

int dn_store_put_snapshot(struct dn_store *st, const struct dn_chain *c)
{
	int rc = writable(st, "put snapshot");
	if (rc)
		return rc;
	sqlite3_stmt *s = st->s[S_INS_SNAPSHOT];
	dn_enc_reset(&st->enc);
	dn_chain_encode(c, &st->enc);
	bind_u64(s, 1, c->block);
	bind_blob(s, 2, c->head_hash, 32);
	bind_blob(s, 3, st->enc.buf, st->enc.len);
	return exec(st, s, "inserting a snapshot");
}

int dn_store_truncate_after(struct dn_store *st, uint64_t number)
{
	int rc = writable(st, "truncate");
	if (rc)
		return rc;
	rc = exec(st, st->s[S_SAVEPOINT], "savepoint");
	if (rc)
		return rc;
	for (size_t i = 0; !rc && i < sizeof(truncate_sql) / sizeof(truncate_sql[0]); i++) {
		sqlite3_stmt *s;
		if (sqlite3_prepare_v2(st->db, truncate_sql[i], -1, &s, NULL) != SQLITE_OK) {
			rc = fail(st, DN_STORE_EIO, "truncating: SQLite: %s",
				  sqlite3_errmsg(st->db));
			break;
		}
		bind_u64(s, 1, number);
		rc = exec(st, s, "truncating");
		sqlite3_finalize(s);
	}
	rc = atomically(st, rc);
	return rc ? rc : load_naccounts(st);
}

int dn_store_name_account(struct dn_store *st, const uint8_t key[32], const char *name,
			  const char *grp)
{
	int rc = writable(st, "name account");
	if (rc)
		return rc;
	sqlite3_stmt *s = st->s[S_NAME];
	bind_blob(s, 1, key, 32);
	bind_text(s, 2, name);
	if (grp)
		bind_text(s, 3, grp);
	else
		sqlite3_bind_null(s, 3);
	return exec(st, s, "naming an account");
}

/* ---- meta -------------------------------------------------------------- */

int dn_store_meta_set(struct dn_store *st, const char *key, const char *text)
{
	int rc = writable(st, "meta set");
	if (rc)
		return rc;
	sqlite3_stmt *s = st->s[S_META_SET];
	bind_text(s, 1, key);
	bind_text(s, 2, text);
	return exec(st, s, "setting meta");
}

int dn_store_meta_set_blob(struct dn_store *st, const char *key, const void *p, size_t n)
{
	int rc = writable(st, "meta set");
	if (rc)
		return rc;
	sqlite3_stmt *s = st->s[S_META_SET];
	bind_text(s, 1, key);
	/* a zero-length blob must not become NULL */
	sqlite3_bind_blob64(s, 2, n ? p : "", n, SQLITE_STATIC);
	return exec(st, s, "setting meta");
}

/* Steps a single-row query: 1 with a row (the caller reads and resets),
 * 0 with none (reset done), or a negative code. */
static int step_row(struct dn_store *st, sqlite3_stmt *s, const char *what)
{
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE) {
		sqlite3_reset(s);
		return 0;
	}
	fail(st, DN_STORE_EIO, "%s: SQLite: %s", what, sqlite3_errmsg(st->db));
	sqlite3_reset(s);
	return DN_STORE_EIO;
}

int dn_store_meta_get(struct dn_store *st, const char *key, char **val, size_t *n)
{
	sqlite3_stmt *s = st->s[S_META_GET];
	*val = NULL;
	bind_text(s, 1, key);
	int rc = step_row(st, s, "reading meta");
	if (rc <= 0)
		return rc ? rc : fail(st, DN_STORE_ENOTFOUND, "meta key '%s' is not set", key);
	const void *p = sqlite3_column_blob(s, 0);
	size_t len = (size_t)sqlite3_column_bytes(s, 0);
	*val = xmalloc(len + 1);
	if (len)
		memcpy(*val, p, len);
	(*val)[len] = 0;
	if (n)
		*n = len;
	sqlite3_reset(s);
	return 0;
}

/* ---- reading ----------------------------------------------------------- */

int dn_store_last_block(struct dn_store *st, uint64_t *number, uint8_t hash[32])
{
	sqlite3_stmt *s = st->s[S_LAST_BLOCK];
	int rc = step_row(st, s, "reading the last block");
	if (rc <= 0)
		return rc ? rc : fail(st, DN_STORE_ENOTFOUND, "no block is stored");
	*number = (uint64_t)sqlite3_column_int64(s, 0);
	if (hash) {
		if (sqlite3_column_bytes(s, 1) != 32) {
			sqlite3_reset(s);
			return fail(st, DN_STORE_ECORRUPT, "block %llu: the hash is not 32 bytes",
				    (unsigned long long)*number);
		}
		memcpy(hash, sqlite3_column_blob(s, 1), 32);
	}
	sqlite3_reset(s);
	return 0;
}

int dn_store_get_block(struct dn_store *st, uint64_t number, struct dn_block *out)
{
	sqlite3_stmt *s = st->s[S_GET_BLOCK];
	bind_u64(s, 1, number);
	int rc = step_row(st, s, "reading a block");
	if (rc <= 0)
		return rc ? rc
			  : fail(st, DN_STORE_ENOTFOUND, "block %llu is not stored",
				 (unsigned long long)number);
	const uint8_t *p = sqlite3_column_blob(s, 0);
	size_t n = (size_t)sqlite3_column_bytes(s, 0);
	rc = dn_block_decode(p ? p : (const uint8_t *)"", n, out);
	sqlite3_reset(s);
	if (rc)
		return fail(st, DN_STORE_ECORRUPT, "block %llu does not decode: %s",
			    (unsigned long long)number, dn_block_strerror(rc));
	return 0;
}

int dn_store_latest_snapshot(struct dn_store *st, uint64_t at_most, uint64_t *block,
			     uint8_t head_hash[32], uint8_t **blob, size_t *n)
{
	sqlite3_stmt *s = st->s[S_SNAPSHOT];
	*blob = NULL;
	*n = 0;
	bind_u64(s, 1, at_most);
	int rc = step_row(st, s, "reading a snapshot");
	if (rc <= 0)
		return rc ? rc
			  : fail(st, DN_STORE_ENOTFOUND, "no snapshot at or below block %llu",
				 (unsigned long long)at_most);
	*block = (uint64_t)sqlite3_column_int64(s, 0);
	if (head_hash) {
		if (sqlite3_column_bytes(s, 1) != 32) {
			sqlite3_reset(s);
			return fail(st, DN_STORE_ECORRUPT,
				    "snapshot %llu: the hash is not 32 bytes",
				    (unsigned long long)*block);
		}
		memcpy(head_hash, sqlite3_column_blob(s, 1), 32);
	}
	const void *p = sqlite3_column_blob(s, 2);
	*n = (size_t)sqlite3_column_bytes(s, 2);
	*blob = xmalloc(*n ? *n : 1);
	if (*n)
		memcpy(*blob, p, *n);
	sqlite3_reset(s);
	return 0;
}

/* ---- queries ----------------------------------------------------------- */

/* Only reads get through: a user's COMMIT, ATTACH or PRAGMA x = y would
 * disturb the runner's transaction or the file (sqlite3_stmt_readonly
 * lets transaction control through, hence this first gate). */
static int query_auth(void *ctx, int action, const char *a1, const char *a2, const char *db,
		      const char *trigger)
{
	struct dn_store *st = ctx;
	(void)db;
	(void)trigger;
	if (!st->guard)
		return SQLITE_OK;
	switch (action) {
	case SQLITE_SELECT:
	case SQLITE_READ:
	case SQLITE_FUNCTION:
	case SQLITE_RECURSIVE: return SQLITE_OK;
	case SQLITE_PRAGMA:
		/* PRAGMA x reads x; PRAGMA x = y sets it, except for these,
		 * whose argument names what to describe */
		if (!a2 || strcmp(a1, "table_info") == 0 || strcmp(a1, "table_xinfo") == 0 ||
		    strcmp(a1, "index_list") == 0 || strcmp(a1, "index_info") == 0 ||
		    strcmp(a1, "index_xinfo") == 0)
			return SQLITE_OK;
		break;
	default: break;
	}
	st->denied = action;
	return SQLITE_DENY;
}

static void column_value(sqlite3_stmt *s, int i, struct dn_store_value *v)
{
	memset(v, 0, sizeof(*v));
	switch (sqlite3_column_type(s, i)) {
	case SQLITE_INTEGER:
		v->type = DN_STORE_INT;
		v->i = sqlite3_column_int64(s, i);
		break;
	case SQLITE_FLOAT:
		v->type = DN_STORE_REAL;
		v->r = sqlite3_column_double(s, i);
		break;
	case SQLITE_TEXT:
		v->type = DN_STORE_TEXT;
		v->s = (const char *)sqlite3_column_text(s, i);
		v->n = (size_t)sqlite3_column_bytes(s, i);
		break;
	case SQLITE_BLOB:
		v->type = DN_STORE_BLOB;
		v->blob = sqlite3_column_blob(s, i);
		v->n = (size_t)sqlite3_column_bytes(s, i);
		break;
	default: v->type = DN_STORE_NULL; break;
	}
}

static const char *const refuse_msg =
	"only one read-only statement is allowed (SELECT, WITH ... SELECT, a PRAGMA that reads)";

int dn_store_query(struct dn_store *st, const char *sql, dn_store_row_fn row, void *ctx,
		   char *errmsg, size_t errlen)
{
	sqlite3_stmt *s = NULL;
	const char *tail = NULL;
	set_msg(errmsg, errlen, "%s", "");
	st->guard = true;
	st->denied = 0;
	int rc = sqlite3_prepare_v2(st->db, sql, -1, &s, &tail);
	if (rc != SQLITE_OK) {
		st->guard = false;
		if (st->denied)
			fail(st, DN_STORE_EINVAL, "query refused: %s", refuse_msg);
		else
			fail(st, DN_STORE_EINVAL, "query: SQLite: %s", sqlite3_errmsg(st->db));
		set_msg(errmsg, errlen, "%s", st->err);
		return DN_STORE_EINVAL;
	}
	if (!s) {
		st->guard = false;
		fail(st, DN_STORE_EINVAL, "query: empty statement");
		set_msg(errmsg, errlen, "%s", st->err);
		return DN_STORE_EINVAL;
	}
	/* whatever follows must hold no statement (comments and ';' may) */
	sqlite3_stmt *more = NULL;
	int trc = tail && *tail ? sqlite3_prepare_v2(st->db, tail, -1, &more, NULL) : SQLITE_OK;
	sqlite3_finalize(more);
	st->guard = false;
	if (trc != SQLITE_OK || more || !sqlite3_stmt_readonly(s)) {
		sqlite3_finalize(s);
		fail(st, DN_STORE_EINVAL, "query refused: %s", refuse_msg);
		set_msg(errmsg, errlen, "%s", st->err);
		return DN_STORE_EINVAL;
	}
	/* the first step may re-prepare the statement, which frees the
	 * column names: take them after it */
	rc = sqlite3_step(s);
	int ncol = sqlite3_column_count(s);
	const char **names = xcalloc((size_t)ncol + 1, sizeof(*names));
	struct dn_store_value *vals = xcalloc((size_t)ncol + 1, sizeof(*vals));
	for (int i = 0; i < ncol; i++)
		names[i] = sqlite3_column_name(s, i);
	int ret = row(ctx, ncol, names, NULL);
	while (ret == 0 && rc == SQLITE_ROW) {
		for (int i = 0; i < ncol; i++)
			column_value(s, i, &vals[i]);
		ret = row(ctx, ncol, names, vals);
		if (ret == 0)
			rc = sqlite3_step(s);
	}
	if (ret == 0 && rc != SQLITE_DONE) {
		ret = fail(st, DN_STORE_EIO, "query: SQLite: %s", sqlite3_errmsg(st->db));
		set_msg(errmsg, errlen, "%s", st->err);
	}
	sqlite3_finalize(s);
	free(names);
	free(vals);
	return ret > 0 ? 0 : ret;
}
