/*
 * Reading reference-vector files (the JSON files under tests/vectors/, or any file in the
 * same format): loading, dotted-path lookup, and typed readers for the
 * numbers they carry, with precise errors naming the record and field.
 *
 * Numbers come in three shapes. Plain integers (JSON numbers, or decimal
 * strings for values beyond 64 bits). Fixed-point objects: `bits` (raw
 * integers, as decimal strings) or `value`/`values` plus an `encoding`
 * ("f32": the literal goes through binary32 first, as the chain tests'
 * fixed() helper does; "f64"; "int"; "special" for I32F32::MAX/MIN), with
 * `encodings` per element where they differ. Arrays of these, nested for
 * dense matrices, and rows of [column, value] pairs for sparse ones.
 *
 * Every reader returns 0, or -1 after recording the first error in the
 * record context; later readers then do nothing, so a handler can read all
 * its inputs and check once.
 */
#ifndef ND_VECJSON_H
#define ND_VECJSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devnet/fixed.h"

/* Fixed-point formats a vector may use. */
enum nd_fxtype { ND_I32F32, ND_I64F64, ND_I96F32, ND_U64F64, ND_U96F32 };

/* Loads a vector file. Integer literals too large for 64 bits are kept as
 * decimal strings (jansson cannot hold them). On failure returns NULL and
 * writes "line L, column C: why" into err. */
json_t *nd_vjson_load(const char *path, char *err, size_t errlen);

/* One record being read: its label for messages, its first input error,
 * and the memory its readers allocated (freed by nd_vrec_release). */
struct nd_vrec {
	const char *file;
	json_t *json;
	char label[256]; /* "id name", or "name", or "#index" */
	char err[512]; /* first error: "field 'inputs.x[2]': why" */
	bool bad;
	void **allocs;
	size_t nallocs, capallocs;
};

void nd_vrec_init(struct nd_vrec *r, const char *file, json_t *json, size_t index);
void nd_vrec_release(struct nd_vrec *r);

/* Zeroed memory owned by the record; aborts when out of memory. */
void *nd_valloc(struct nd_vrec *r, size_t n, size_t size);

/* Records an input error about field `path`; returns -1. */
int nd_vbad(struct nd_vrec *r, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The node at a dotted path below `root`, or NULL: "inputs.matrix",
 * "steps[3].expect[0].uid" (array indices in brackets). */
json_t *nd_vget(json_t *root, const char *path);
/* The same below the record, recording "missing field" when absent. */
json_t *nd_vneed(struct nd_vrec *r, const char *path);

/* A string field of the record, or NULL (no error). */
const char *nd_vstr(struct nd_vrec *r, const char *path);

/* Integers: JSON integers or decimal strings, range-checked. */
int nd_vint(struct nd_vrec *r, const char *path, int64_t min, int64_t max, int64_t *out);
int nd_vu64(struct nd_vrec *r, const char *path, uint64_t *out);
int nd_vint_node(struct nd_vrec *r, json_t *node, const char *path, int64_t min, int64_t max,
		 int64_t *out);
int nd_vu64_node(struct nd_vrec *r, json_t *node, const char *path, uint64_t *out);
int nd_vu128_node(struct nd_vrec *r, json_t *node, const char *path, dn_u128 *out);
int nd_vbool_node(struct nd_vrec *r, json_t *node, const char *path, bool *out);

/* Arrays of integers / booleans at `path` (a JSON array). */
int nd_vint_vec(struct nd_vrec *r, const char *path, int64_t min, int64_t max, int64_t **out,
		size_t *n);
int nd_vu64_vec(struct nd_vrec *r, const char *path, uint64_t **out, size_t *n);
int nd_vbool_vec(struct nd_vrec *r, const char *path, bool **out, size_t *n);
/* A matrix of booleans (rows may differ in length; lengths in rowlen). */
int nd_vbool_mat(struct nd_vrec *r, const char *path, bool ***out, size_t **rowlen, size_t *rows);

/* Fixed-point readers. The node at `path` is a number object (or a bare
 * number). Values are raw bits of `type`, range-checked for it. */
int nd_vfx(struct nd_vrec *r, const char *path, enum nd_fxtype type, dn_i128 *out);
int nd_vfx_vec(struct nd_vrec *r, const char *path, enum nd_fxtype type, dn_i128 **out, size_t *n);
/* Dense matrix, row-major; every row must have the same length. */
int nd_vfx_dense(struct nd_vrec *r, const char *path, enum nd_fxtype type, dn_i128 **out,
		 size_t *rows, size_t *cols);
/* Sparse rows of [column, value] in CSR: start has rows+1 entries. */
struct nd_vsparse {
	size_t rows, nnz;
	size_t *start;
	uint32_t *col;
	dn_i128 *val;
};
int nd_vfx_sparse(struct nd_vrec *r, const char *path, enum nd_fxtype type, struct nd_vsparse *out);

/* The tolerance of a record in raw bits: 0 for exact, the `epsilon`
 * object's bits (or a plain number) otherwise. */
int nd_vtolerance(struct nd_vrec *r, enum nd_fxtype type, dn_i128 *eps);

/* ---- reporting mismatches ---------------------------------------------- */

/* Text explaining why a record failed or was skipped (diagnostic lines). */
struct nd_vout {
	char *text;
	size_t len, cap;
	int mismatches;
};

void nd_vout_reset(struct nd_vout *o);
void nd_vout_free(struct nd_vout *o);
void nd_vout_printf(struct nd_vout *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Compare and explain: each records one line per mismatch (the first 8,
 * then a count) and returns the number of mismatches. */
int nd_vcmp_fx(struct nd_vout *o, const char *what, enum nd_fxtype type, dn_i128 got, dn_i128 want,
	       dn_i128 eps);
int nd_vcmp_fx_vec(struct nd_vout *o, const char *what, enum nd_fxtype type, const dn_i128 *got,
		   size_t ngot, const dn_i128 *want, size_t nwant, dn_i128 eps);
int nd_vcmp_int(struct nd_vout *o, const char *what, dn_i128 got, dn_i128 want);
int nd_vcmp_int_vec(struct nd_vout *o, const char *what, const int64_t *got, size_t ngot,
		    const int64_t *want, size_t nwant);
int nd_vcmp_bool_vec(struct nd_vout *o, const char *what, const bool *got, size_t ngot,
		     const bool *want, size_t nwant);
/* Same row lengths, columns and values (within eps). */
int nd_vcmp_sparse(struct nd_vout *o, const char *what, enum nd_fxtype type,
		   const struct nd_vsparse *got, const struct nd_vsparse *want, dn_i128 eps);

/* Fractional bits of a type. */
unsigned nd_fxtype_frac(enum nd_fxtype type);

#endif
