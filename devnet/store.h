/*
 * The run history store: one SQLite file per run, holding every block, what
 * each block did (extrinsic outcomes, emission, epochs, payments, claims),
 * per-epoch metagraphs, per-block pool series, and periodic state
 * snapshots from which a run resumes. docs/store.md documents the schema,
 * its views and example queries.
 *
 * This is the one module of devnet/ that does I/O, and the only file of
 * the project that includes sqlite3.h: it is built into a library of its
 * own (devnet/libstore.a), so that devnet/libdevnet.a stays a pure
 * functional core (tests/purity.test checks both). It only reads the
 * chain's structures; nothing in the core depends on it.
 *
 * The file runs in WAL mode with synchronous=NORMAL: a reader (`taodev
 * export`, a dashboard) sees the last committed block while the runner
 * writes, and a crash loses at most the last uncommitted transaction,
 * never the file. Writes go through statements prepared once per store.
 *
 * Transactions are the caller's: dn_store_begin, any number of
 * dn_store_put_* calls, dn_store_commit (a block or a batch of blocks; the
 * runner commits at least every 100 ms so that readers keep up). A put
 * without an open transaction commits on its own. Each put is atomic
 * either way: on failure, none of its rows remain (a savepoint), and the
 * caller's transaction stays open.
 *
 * Errors: negative DN_STORE_* codes; the message (dn_store_errmsg, or
 * errmsg for the functions without a store yet) names the file and, for
 * SQLite failures, SQLite's own message. Not thread-safe: one store per
 * thread; other processes may read the same file concurrently.
 */
#ifndef DN_STORE_H
#define DN_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devnet/block.h"
#include "devnet/chain.h"

#define DN_STORE_FORMAT 1 /* schema version (PRAGMA user_version and meta format_version) */
#define DN_STORE_APP_ID 0x74616f64 /* PRAGMA application_id: "taod" */

#define DN_STORE_ENOENT (-2) /* no such file (opened without DN_STORE_CREATE) */
#define DN_STORE_EIO (-5) /* SQLite failed: disk, lock, constraint, ... */
#define DN_STORE_EEXIST (-17) /* the block is already stored (truncate first) */
#define DN_STORE_EINVAL (-22) /* bad argument; a query that is not one read-only SELECT */
#define DN_STORE_ENOTFOUND (-61) /* no such block, snapshot or meta key */
#define DN_STORE_ECORRUPT (-74) /* a stored block does not decode */
#define DN_STORE_EFORMAT (-79) /* not a taodev store, or of another format version */

/* Static text for a code ("ok" for 0). */
const char *dn_store_strerror(int err);

struct dn_store;

/* ---- opening ----------------------------------------------------------- */

enum {
	DN_STORE_CREATE = 1, /* create the file (and schema) when missing or empty */
	DN_STORE_RDONLY = 2, /* read only: queries and getters, no puts */
};

/* Opens the store at path (flags: DN_STORE_CREATE, DN_STORE_RDONLY or 0 to
 * open an existing store for writing; `true` works as DN_STORE_CREATE).
 * Refuses a file that is not a taodev store (DN_STORE_EFORMAT: not an
 * SQLite file, or an SQLite database of something else) or a store of
 * another format version (DN_STORE_EFORMAT, naming both versions); a
 * missing file without DN_STORE_CREATE is DN_STORE_ENOENT. A new store
 * records format_version and taodev_version in meta. 0 and *out, or a
 * negative code with errmsg (may be NULL) filled. */
int dn_store_open(const char *path, unsigned flags, struct dn_store **out, char *errmsg,
		  size_t errlen);

/* Closes the store (NULL is fine). A transaction still open is rolled
 * back: commit first. */
void dn_store_close(struct dn_store *st);

/* The message of the last failure ("" when none), and the path. */
const char *dn_store_errmsg(const struct dn_store *st);
const char *dn_store_path(const struct dn_store *st);

/* ---- transactions ------------------------------------------------------ */

/* BEGIN IMMEDIATE (the write lock is taken now, not at the first put),
 * COMMIT, ROLLBACK. 0 or DN_STORE_EIO / DN_STORE_EINVAL (one already
 * open, none open). */
int dn_store_begin(struct dn_store *st);
int dn_store_commit(struct dn_store *st);
int dn_store_rollback(struct dn_store *st);
bool dn_store_in_transaction(const struct dn_store *st);

/* ---- writing ----------------------------------------------------------- */

/* Records block b (its header, encoding and extrinsics) with hash `hash`
 * (NULL: computed from the header) and what it did:
 *  - after: the chain state after the block (may be NULL: no accounts,
 *    pools or epoch rows). New accounts (indices not yet stored) are
 *    recorded with their SS58 address; each emitting subnet gets a pools
 *    row with its price and reserves; each subnet whose epoch ran this
 *    block (ev->epochs[i].outcome == DN_SCHEDULE_RUN) gets one epochs row
 *    per uid, read from `after`.
 *  - ev: the block's events (may be NULL: no issuance, pools, events or
 *    extrinsic outcomes), as dn_block_build / dn_block_import filled them.
 * The genesis block is recorded the same way: its header, no extrinsics,
 * the genesis chain as `after` and no events. DN_STORE_EEXIST when a block
 * with that number is stored. Atomic (see the top of this file). */
int dn_store_put_block(struct dn_store *st, const struct dn_block *b, const uint8_t hash[32],
		       const struct dn_chain *after, const struct dn_block_events *ev);

/* Marks every stored block up to `upto` final. */
int dn_store_set_final(struct dn_store *st, uint64_t upto);

/* Stores the state of c (dn_chain_encode) as the snapshot of block
 * c->block with head hash c->head_hash, replacing one of the same block.
 * When to take one is the caller's policy. */
int dn_store_put_snapshot(struct dn_store *st, const struct dn_chain *c);

/* Drops every row of blocks above `number` (blocks, extrinsics, events,
 * epochs, pools, issuance, snapshots, and accounts first seen above it):
 * what a resume does before replaying from its snapshot, so that the
 * history has no rows the restored state did not produce. */
int dn_store_truncate_after(struct dn_store *st, uint64_t number);

/* Names an account (by key; it need not be stored yet) for the views:
 * scenario names, and grp the group it belongs to (a scenario's validators,
 * miners or traders group, "owner", "dev"; NULL = none): assertions select
 * by it (`WHERE grp = 'honest'`). The dev accounts (alice .. ferdie and their
 * //stash) are named at creation. Replaces an earlier name. */
int dn_store_name_account(struct dn_store *st, const uint8_t key[32], const char *name,
			  const char *grp);

/* meta: key/value pairs the runner keeps (scenario text, seed, genesis
 * hash, ...); format_version and taodev_version are set at creation.
 * Values are text (meta_set) or bytes (meta_set_blob); a set replaces. */
int dn_store_meta_set(struct dn_store *st, const char *key, const char *text);
int dn_store_meta_set_blob(struct dn_store *st, const char *key, const void *p, size_t n);

/* ---- reading ----------------------------------------------------------- */

/* The value of a meta key: *val is malloc'ed (free it), NUL-terminated,
 * *n (may be NULL) its length without the NUL. DN_STORE_ENOTFOUND when
 * the key is not set. */
int dn_store_meta_get(struct dn_store *st, const char *key, char **val, size_t *n);

/* The highest stored block's number and hash (hash may be NULL).
 * DN_STORE_ENOTFOUND when no block is stored. */
int dn_store_last_block(struct dn_store *st, uint64_t *number, uint8_t hash[32]);

/* Block `number`, decoded into out (dn_block_init'ed; the caller releases
 * it): re-encoding it gives the stored bytes. DN_STORE_ENOTFOUND or
 * DN_STORE_ECORRUPT. */
int dn_store_get_block(struct dn_store *st, uint64_t number, struct dn_block *out);

/* The latest snapshot at or below block at_most: its block, head hash
 * (may be NULL) and encoded state (*blob malloc'ed, free it; n bytes),
 * for the caller to decode and resume from. DN_STORE_ENOTFOUND when
 * there is none. */
int dn_store_latest_snapshot(struct dn_store *st, uint64_t at_most, uint64_t *block,
			     uint8_t head_hash[32], uint8_t **blob, size_t *n);

/* ---- queries ----------------------------------------------------------- */

enum dn_store_type {
	DN_STORE_NULL,
	DN_STORE_INT,
	DN_STORE_REAL,
	DN_STORE_TEXT,
	DN_STORE_BLOB,
};

/* One column of a result row, as SQLite typed it. Pointers are valid for
 * the duration of the callback. */
struct dn_store_value {
	enum dn_store_type type;
	int64_t i; /* DN_STORE_INT */
	double r; /* DN_STORE_REAL */
	const char *s; /* DN_STORE_TEXT: NUL-terminated, n bytes */
	const uint8_t *blob; /* DN_STORE_BLOB: n bytes */
	size_t n;
};

/* Called once with vals == NULL before the first row (the header: ncol
 * and the column names, even when no row follows), then once per row.
 * Return 0 to go on, > 0 to stop (dn_store_query then returns 0), < 0 to
 * stop with that code. */
typedef int (*dn_store_row_fn)(void *ctx, int ncol, const char *const *names,
			       const struct dn_store_value *vals);

/* Runs one read-only statement (a SELECT, a read-only PRAGMA, WITH ...
 * SELECT) over the history and hands each row to `row`: what `taodev
 * export` and scenario assertions use. Refuses (DN_STORE_EINVAL, message
 * in errmsg) anything that writes, transaction control, ATTACH, and more
 * than one statement. errmsg (may be NULL) receives SQLite's message for
 * a bad statement too. */
int dn_store_query(struct dn_store *st, const char *sql, dn_store_row_fn row, void *ctx,
		   char *errmsg, size_t errlen);

#endif
