/*
 * Checker for `math` records: the epoch's fixed-point conversions and
 * vector / matrix helpers (devnet/fixed.h, devnet/mathx.h) against the
 * chain's own unit-test vectors.
 *
 * A record names its helper in `function` (e.g. "inplace_col_normalize",
 * "matmul_sparse(columns=3)"); the leading identifier picks the checker,
 * and `inputs.columns` (or "columns=N" in the function text) gives the
 * logical column count of sparse inputs. Expected outputs are compared on
 * raw bits, exactly or within the record's `tolerance.epsilon`.
 */
#include "devnet/mathx.h"
#include "nodes/verify.h"

#include <stdlib.h>
#include <string.h>

/* Scratch for one record: vectors here are a few dozen entries. */
enum { SCRATCH_BYTES = 1 << 20 };

struct mctx {
	struct nd_vrec *r;
	struct nd_vout *o;
	struct dn_arena arena;
	dn_i128 eps; /* tolerance in I32F32 bits */
};

/* ---- reading inputs ---------------------------------------------------- */

static dn_i32f32 *vec32(struct mctx *m, const char *path, size_t *n)
{
	dn_i128 *v;
	if (nd_vfx_vec(m->r, path, ND_I32F32, &v, n))
		return NULL;
	dn_i32f32 *out = nd_valloc(m->r, *n, sizeof(*out));
	for (size_t i = 0; i < *n; i++)
		out[i] = (dn_i32f32)v[i];
	return out;
}

static dn_i32f32 fx32(struct mctx *m, const char *path)
{
	dn_i128 v = 0;
	nd_vfx(m->r, path, ND_I32F32, &v);
	return (dn_i32f32)v;
}

static int mat(struct mctx *m, const char *path, struct dn_mat *out)
{
	dn_i128 *v;
	size_t rows, cols;
	if (nd_vfx_dense(m->r, path, ND_I32F32, &v, &rows, &cols))
		return -1;
	out->rows = (uint32_t)rows;
	out->cols = (uint32_t)cols;
	out->cap = rows * cols + 64;
	out->v = nd_valloc(m->r, out->cap, sizeof(dn_i32f32));
	for (size_t i = 0; i < rows * cols; i++)
		out->v[i] = (dn_i32f32)v[i];
	return 0;
}

/* An empty output matrix with room for `cap` elements. */
static void mat_out(struct mctx *m, struct dn_mat *out, size_t cap)
{
	out->rows = out->cols = 0;
	out->cap = cap + 64;
	out->v = nd_valloc(m->r, out->cap, sizeof(dn_i32f32));
}

/* The logical column count of a sparse record: inputs.columns, or
 * "columns=N" in the function text, or one past the largest column. */
static uint32_t columns_of(struct mctx *m, const struct nd_vsparse *s)
{
	int64_t c;
	if (nd_vget(m->r->json, "inputs.columns")) {
		if (nd_vint(m->r, "inputs.columns", 0, UINT32_MAX, &c) == 0)
			return (uint32_t)c;
		return 0;
	}
	const char *fn = nd_vstr(m->r, "function");
	const char *p = fn ? strstr(fn, "columns=") : NULL;
	if (p)
		return (uint32_t)strtoul(p + 8, NULL, 10);
	uint32_t maxc = 0;
	for (size_t k = 0; k < s->nnz; k++)
		if (s->col[k] + 1 > maxc)
			maxc = s->col[k] + 1;
	return maxc > s->rows ? maxc : (uint32_t)s->rows;
}

/* A sparse input with room for `extra` more entries and rows. */
static int sparse(struct mctx *m, const char *path, struct dn_sparse *out, size_t extra,
		  int64_t cols)
{
	struct nd_vsparse s;
	if (nd_vfx_sparse(m->r, path, ND_I32F32, &s))
		return -1;
	out->rows = (uint32_t)s.rows;
	out->cols = cols >= 0 ? (uint32_t)cols : columns_of(m, &s);
	out->rcap = (uint32_t)(s.rows + extra);
	out->cap = (uint32_t)(s.nnz + extra);
	out->start = nd_valloc(m->r, out->rcap + 1, sizeof(uint32_t));
	out->col = nd_valloc(m->r, out->cap, sizeof(uint32_t));
	out->val = nd_valloc(m->r, out->cap, sizeof(dn_i32f32));
	for (size_t i = 0; i <= s.rows; i++)
		out->start[i] = (uint32_t)s.start[i];
	for (size_t k = 0; k < s.nnz; k++) {
		out->col[k] = s.col[k];
		out->val[k] = (dn_i32f32)s.val[k];
	}
	return 0;
}

static void sparse_out(struct mctx *m, struct dn_sparse *out, uint32_t rows, uint32_t cols,
		       uint32_t cap)
{
	out->rows = 0;
	out->cols = cols;
	out->rcap = rows + 1;
	out->cap = cap + 1;
	out->start = nd_valloc(m->r, out->rcap + 1, sizeof(uint32_t));
	out->col = nd_valloc(m->r, out->cap, sizeof(uint32_t));
	out->val = nd_valloc(m->r, out->cap, sizeof(dn_i32f32));
}

static bool *bools(struct mctx *m, const char *path, size_t *n)
{
	bool *b = NULL;
	nd_vbool_vec(m->r, path, &b, n);
	return b;
}

/* ---- comparing outputs ------------------------------------------------- */

static enum nd_vstatus verdict(struct mctx *m, int mismatches)
{
	if (m->r->bad)
		return ND_V_FAIL;
	return mismatches ? ND_V_FAIL : ND_V_PASS;
}

static int cmp_vec(struct mctx *m, const char *path, const dn_i32f32 *got, size_t n)
{
	dn_i128 *want;
	size_t nw;
	if (nd_vfx_vec(m->r, path, ND_I32F32, &want, &nw))
		return 0;
	dn_i128 *g = nd_valloc(m->r, n, sizeof(dn_i128));
	for (size_t i = 0; i < n; i++)
		g[i] = got[i];
	return nd_vcmp_fx_vec(m->o, path, ND_I32F32, g, n, want, nw, m->eps);
}

static int cmp_scalar(struct mctx *m, const char *path, dn_i32f32 got)
{
	dn_i128 want;
	if (nd_vfx(m->r, path, ND_I32F32, &want))
		return 0;
	return nd_vcmp_fx(m->o, path, ND_I32F32, got, want, m->eps);
}

static int cmp_mat(struct mctx *m, const char *path, const struct dn_mat *got)
{
	struct dn_mat want;
	if (mat(m, path, &want))
		return 0;
	if (want.rows != got->rows || want.cols != got->cols) {
		nd_vout_printf(m->o, "%s: expected a %u x %u matrix, got %u x %u", path, want.rows,
			       want.cols, got->rows, got->cols);
		return 1;
	}
	size_t n = (size_t)got->rows * got->cols;
	dn_i128 *g = nd_valloc(m->r, n, sizeof(dn_i128));
	dn_i128 *w = nd_valloc(m->r, n, sizeof(dn_i128));
	for (size_t i = 0; i < n; i++) {
		g[i] = got->v[i];
		w[i] = want.v[i];
	}
	return nd_vcmp_fx_vec(m->o, path, ND_I32F32, g, n, w, n, m->eps);
}

static int cmp_sparse(struct mctx *m, const char *path, const struct dn_sparse *got)
{
	struct nd_vsparse want, g;
	if (nd_vfx_sparse(m->r, path, ND_I32F32, &want))
		return 0;
	g.rows = got->rows;
	g.nnz = dn_sparse_nnz(got);
	g.start = nd_valloc(m->r, g.rows + 1, sizeof(size_t));
	g.col = nd_valloc(m->r, g.nnz, sizeof(uint32_t));
	g.val = nd_valloc(m->r, g.nnz, sizeof(dn_i128));
	for (size_t i = 0; i <= g.rows; i++)
		g.start[i] = got->start[i];
	for (size_t k = 0; k < g.nnz; k++) {
		g.col[k] = got->col[k];
		g.val[k] = got->val[k];
	}
	return nd_vcmp_sparse(m->o, path, ND_I32F32, &g, &want, m->eps);
}

static int cmp_u64(struct mctx *m, const char *path, uint64_t got)
{
	uint64_t want;
	if (nd_vu64(m->r, path, &want))
		return 0;
	return nd_vcmp_int(m->o, path, got, want);
}

static int cmp_bools(struct mctx *m, const char *path, const bool *got, size_t n)
{
	size_t nw;
	bool *want = bools(m, path, &nw);
	if (!want)
		return 0;
	return nd_vcmp_bool_vec(m->o, path, got, n, want, nw);
}

static int cmp_u16_vec(struct mctx *m, const char *path, const uint16_t *got, size_t n)
{
	int64_t *want, *g = nd_valloc(m->r, n, sizeof(int64_t));
	size_t nw;
	if (nd_vint_vec(m->r, path, 0, UINT16_MAX, &want, &nw))
		return 0;
	for (size_t i = 0; i < n; i++)
		g[i] = got[i];
	return nd_vcmp_int_vec(m->o, path, g, n, want, nw);
}

static uint16_t *u16_vec(struct mctx *m, const char *path, size_t *n)
{
	int64_t *v;
	if (nd_vint_vec(m->r, path, 0, UINT16_MAX, &v, n))
		return NULL;
	uint16_t *out = nd_valloc(m->r, *n, sizeof(uint16_t));
	for (size_t i = 0; i < *n; i++)
		out[i] = (uint16_t)v[i];
	return out;
}

/* Reports an arena or capacity error from a helper as a failure. */
static int helper_err(struct mctx *m, int err)
{
	if (err)
		nd_vout_printf(m->o, "helper failed: %s", dn_mx_strerror(err));
	return err ? 1 : 0;
}

/* ---- scalar conversions ------------------------------------------------ */

static enum nd_vstatus fx_to_u16(struct mctx *m)
{
	dn_i32f32 x = fx32(m, "inputs.x");
	return verdict(m, cmp_u64(m, "expected.u16", dn_fx_to_u16(x)));
}

static enum nd_vstatus fx_to_u64(struct mctx *m)
{
	dn_i32f32 x = fx32(m, "inputs.x");
	return verdict(m, cmp_u64(m, "expected.u64", dn_fx_to_u64(x)));
}

static enum nd_vstatus fx_proportion_to_u16(struct mctx *m)
{
	dn_i32f32 x = fx32(m, "inputs.x");
	return verdict(m, cmp_u64(m, "expected.u16", dn_fx_to_u16_proportion(x)));
}

static enum nd_vstatus fx96_to_u64(struct mctx *m)
{
	dn_i128 x = 0;
	nd_vfx(m->r, "inputs.x", ND_I96F32, &x);
	return verdict(m, cmp_u64(m, "expected.u64", dn_mx_fixed96_to_u64(x)));
}

static enum nd_vstatus fx64_to_u64(struct mctx *m)
{
	dn_i128 x = 0;
	nd_vfx(m->r, "inputs.x", ND_I64F64, &x);
	return verdict(m, cmp_u64(m, "expected.u64", dn_mx_fixed64_to_u64(x)));
}

static enum nd_vstatus fx64_to_fx32(struct mctx *m)
{
	dn_i128 x = 0;
	nd_vfx(m->r, "inputs.x", ND_I64F64, &x);
	return verdict(m, cmp_scalar(m, "expected", dn_fx64_to_fx(x)));
}

static enum nd_vstatus vec_fx64_to_fx32(struct mctx *m)
{
	dn_i128 *x;
	size_t n;
	if (nd_vfx_vec(m->r, "inputs.x", ND_I64F64, &x, &n))
		return ND_V_FAIL;
	dn_i32f32 *out = nd_valloc(m->r, n, sizeof(*out));
	dn_mx_vec_fixed64_to_fixed32(x, n, out);
	return verdict(m, cmp_vec(m, "expected", out, n));
}

static enum nd_vstatus u16_to_fx(struct mctx *m)
{
	int64_t v;
	nd_vint(m->r, "inputs.u16", 0, UINT16_MAX, &v);
	return verdict(m, cmp_scalar(m, "expected", dn_fx_from_u16((uint16_t)v)));
}

static enum nd_vstatus u16_proportion_to_fx(struct mctx *m)
{
	int64_t v;
	nd_vint(m->r, "inputs.u16", 0, UINT16_MAX, &v);
	return verdict(m, cmp_scalar(m, "expected", dn_fx_from_u16_proportion((uint16_t)v)));
}

/* I64F64(n) / I64F64(d), then floored to I32F32 (stake normalisation). */
static enum nd_vstatus u64_normalization(struct mctx *m)
{
	uint64_t n, d;
	nd_vu64(m->r, "inputs.numerator_u64", &n);
	nd_vu64(m->r, "inputs.denominator_u64", &d);
	if (m->r->bad)
		return ND_V_FAIL;
	dn_i64f64 q = dn_fx64_safe_div(dn_fx64_from_u64(n), dn_fx64_from_u64(d));
	dn_i128 want64;
	int bad = 0;
	if (nd_vfx(m->r, "expected.quotient_I64F64", ND_I64F64, &want64) == 0)
		bad += nd_vcmp_fx(m->o, "quotient_I64F64", ND_I64F64, q, want64, 0);
	bad += cmp_scalar(m, "expected.quotient_I32F32", dn_fx64_to_fx(q));
	return verdict(m, bad);
}

/* alpha = 1 - I32F32(numerator / denominator), both I64F64. */
static enum nd_vstatus alpha_from_ratio(struct mctx *m)
{
	dn_i128 n = 0, d = 0;
	nd_vfx(m->r, "inputs.numerator", ND_I64F64, &n);
	nd_vfx(m->r, "inputs.denominator", ND_I64F64, &d);
	if (m->r->bad)
		return ND_V_FAIL;
	dn_i32f32 alpha = dn_fx_sat_sub(DN_FX_ONE, dn_fx64_to_fx(dn_fx64_safe_div(n, d)));
	return verdict(m, cmp_scalar(m, "expected.alpha", alpha));
}

static enum nd_vstatus ema_alpha(struct mctx *m)
{
	uint64_t bma;
	if (nd_vu64(m->r, "inputs.bonds_moving_average", &bma))
		return ND_V_FAIL;
	return verdict(m, cmp_scalar(m, "expected.alpha", dn_mx_ema_alpha_from_bma(bma)));
}

static enum nd_vstatus exp_safe(struct mctx *m)
{
	dn_i32f32 x = fx32(m, "inputs.x");
	int64_t want; /* raw bits, as a decimal string */
	if (nd_vint(m->r, "expected.reference_bits_from_independent_model", INT64_MIN, INT64_MAX,
		    &want))
		return ND_V_FAIL;
	return verdict(m, nd_vcmp_fx(m->o, "exp_safe", ND_I32F32, dn_fx_exp_safe(x), want, 0));
}

static enum nd_vstatus sigmoid_safe(struct mctx *m)
{
	size_t n;
	dn_i32f32 *x = vec32(m, "inputs.input", &n);
	dn_i32f32 rho = fx32(m, "inputs.rho"), kappa = fx32(m, "inputs.kappa");
	if (m->r->bad)
		return ND_V_FAIL;
	for (size_t i = 0; i < n; i++)
		x[i] = dn_fx_sigmoid_safe(x[i], rho, kappa);
	return verdict(m, cmp_vec(m, "expected.output", x, n));
}

static enum nd_vstatus checked_sum(struct mctx *m)
{
	uint64_t *items, sum;
	size_t n;
	if (nd_vu64_vec(m->r, "inputs.items", &items, &n))
		return ND_V_FAIL;
	bool fits = dn_mx_checked_sum_u64(items, n, &sum);
	json_t *want = nd_vneed(m->r, "expected.result");
	if (!want)
		return ND_V_FAIL;
	if (json_is_string(want) && strncmp(json_string_value(want), "None", 4) == 0) {
		if (fits)
			nd_vout_printf(m->o, "result: expected None (overflow), got %llu",
				       (unsigned long long)sum);
		return verdict(m, fits);
	}
	if (!fits) {
		nd_vout_printf(m->o, "result: expected a sum, got None (overflow)");
		return ND_V_FAIL;
	}
	return verdict(m, cmp_u64(m, "expected.result", sum));
}

/* ---- vectors ----------------------------------------------------------- */

static enum nd_vstatus sum(struct mctx *m)
{
	size_t n;
	dn_i32f32 *x = vec32(m, "inputs.vector", &n);
	if (!x)
		return ND_V_FAIL;
	return verdict(m, cmp_scalar(m, "expected", dn_mx_sum(x, n)));
}

static enum nd_vstatus normalize(struct mctx *m)
{
	size_t n;
	dn_i32f32 *x = vec32(m, "inputs.vector", &n);
	if (!x)
		return ND_V_FAIL;
	dn_mx_normalize(x, n, x);
	return verdict(m, cmp_vec(m, "expected.output", x, n));
}

static enum nd_vstatus inplace_normalize(struct mctx *m)
{
	size_t n;
	dn_i32f32 *x = vec32(m, "inputs.vector", &n);
	if (!x)
		return ND_V_FAIL;
	dn_mx_inplace_normalize(x, n);
	return verdict(m, cmp_vec(m, "expected.output", x, n));
}

static enum nd_vstatus inplace_normalize_64(struct mctx *m)
{
	dn_i128 *x, *want;
	size_t n, nw;
	if (nd_vfx_vec(m->r, "inputs.vector", ND_I64F64, &x, &n) ||
	    nd_vfx_vec(m->r, "expected.output", ND_I64F64, &want, &nw))
		return ND_V_FAIL;
	dn_i128 eps;
	if (nd_vtolerance(m->r, ND_I64F64, &eps))
		return ND_V_FAIL;
	dn_mx_inplace_normalize_64(x, n);
	return verdict(m, nd_vcmp_fx_vec(m->o, "output", ND_I64F64, x, n, want, nw, eps));
}

static enum nd_vstatus vecdiv(struct mctx *m)
{
	size_t nx, ny;
	dn_i32f32 *x = vec32(m, "inputs.x", &nx), *y = vec32(m, "inputs.y", &ny);
	if (m->r->bad)
		return ND_V_FAIL;
	size_t n = dn_mx_vecdiv(x, nx, y, ny, x);
	return verdict(m, cmp_vec(m, "expected.output", x, n));
}

static enum nd_vstatus vec_mul(struct mctx *m)
{
	size_t na, nb;
	dn_i32f32 *a = vec32(m, "inputs.a", &na), *b = vec32(m, "inputs.b", &nb);
	if (m->r->bad)
		return ND_V_FAIL;
	size_t n = dn_mx_vec_mul(a, na, b, nb, a);
	return verdict(m, cmp_vec(m, "expected.output", a, n));
}

static enum nd_vstatus is_topk(struct mctx *m)
{
	size_t n;
	int64_t k;
	dn_i32f32 *x = vec32(m, "inputs.vector", &n);
	nd_vint(m->r, "inputs.k", 0, INT32_MAX, &k);
	if (m->r->bad)
		return ND_V_FAIL;
	bool *out = nd_valloc(m->r, n, sizeof(bool));
	if (helper_err(m, dn_mx_is_topk(x, n, (size_t)k, out, &m->arena)))
		return ND_V_FAIL;
	return verdict(m, cmp_bools(m, "expected.bool", out, n));
}

static enum nd_vstatus vec_max_upscale_to_u16(struct mctx *m)
{
	size_t n;
	dn_i32f32 *x = vec32(m, "inputs.vector", &n);
	if (!x)
		return ND_V_FAIL;
	uint16_t *out = nd_valloc(m->r, n, sizeof(uint16_t));
	dn_mx_vec_max_upscale_to_u16(x, n, out);
	return verdict(m, cmp_u16_vec(m, "expected.u16", out, n));
}

static enum nd_vstatus vec_u16_max_upscale_to_u16(struct mctx *m)
{
	size_t n;
	uint16_t *x = u16_vec(m, "inputs.vector_u16", &n);
	if (!x)
		return ND_V_FAIL;
	dn_mx_vec_u16_max_upscale_to_u16(x, n, x);
	return verdict(m, cmp_u16_vec(m, "expected.u16", x, n));
}

static enum nd_vstatus check_vec_max_limited(struct mctx *m)
{
	size_t n;
	int64_t limit;
	uint16_t *x = u16_vec(m, "inputs.vector_u16", &n);
	nd_vint(m->r, "inputs.max_limit_u16", 0, UINT16_MAX, &limit);
	bool want;
	nd_vbool_node(m->r, nd_vneed(m->r, "expected.bool"), "expected.bool", &want);
	if (m->r->bad)
		return ND_V_FAIL;
	bool got = dn_mx_check_vec_max_limited(x, n, (uint16_t)limit);
	return verdict(m, nd_vcmp_bool_vec(m->o, "bool", &got, 1, &want, 1));
}

static enum nd_vstatus inplace_mask_vector(struct mctx *m)
{
	size_t n, nm;
	bool *mask = bools(m, "inputs.mask", &nm);
	dn_i32f32 *x = vec32(m, "inputs.vector", &n);
	if (m->r->bad)
		return ND_V_FAIL;
	dn_mx_inplace_mask_vector(mask, nm, x, n);
	return verdict(m, cmp_vec(m, "expected.output", x, n));
}

static enum nd_vstatus weighted_median(struct mctx *m)
{
	size_t ns, nx;
	dn_i32f32 *stake = vec32(m, "inputs.stake", &ns), *score = vec32(m, "inputs.score", &nx);
	dn_i32f32 minority = fx32(m, "inputs.minority");
	dn_i32f32 lo = fx32(m, "inputs.partition_lo");
	dn_i32f32 hi = fx32(m, "inputs.partition_hi");
	if (m->r->bad)
		return ND_V_FAIL;
	uint32_t *idx = nd_valloc(m->r, ns, sizeof(uint32_t));
	for (size_t i = 0; i < ns; i++)
		idx[i] = (uint32_t)i;
	dn_i32f32 med = 0;
	if (helper_err(m, dn_mx_weighted_median(stake, ns, score, nx, idx, ns, minority, lo, hi,
						&m->arena, &med)))
		return ND_V_FAIL;
	return verdict(m, cmp_scalar(m, "expected.median", med));
}

static enum nd_vstatus weighted_median_col(struct mctx *m)
{
	size_t ns;
	struct dn_mat w;
	dn_i32f32 *stake = vec32(m, "inputs.stake", &ns);
	mat(m, "inputs.weights", &w);
	dn_i32f32 majority = fx32(m, "inputs.majority");
	if (m->r->bad)
		return ND_V_FAIL;
	dn_i32f32 *out = nd_valloc(m->r, w.cols, sizeof(dn_i32f32));
	if (helper_err(m, dn_mx_weighted_median_col(stake, ns, &w, majority, out, &m->arena)))
		return ND_V_FAIL;
	return verdict(m, cmp_vec(m, "expected.median", out, w.rows ? w.cols : 0));
}

static enum nd_vstatus weighted_median_col_sparse(struct mctx *m)
{
	size_t ns;
	struct dn_sparse w;
	dn_i32f32 *stake = vec32(m, "inputs.stake", &ns);
	sparse(m, "inputs.weights", &w, 0, -1);
	dn_i32f32 majority = fx32(m, "inputs.majority");
	if (m->r->bad)
		return ND_V_FAIL;
	dn_i32f32 *out = nd_valloc(m->r, w.cols, sizeof(dn_i32f32));
	if (helper_err(m,
		       dn_mx_weighted_median_col_sparse(stake, ns, &w, majority, out, &m->arena)))
		return ND_V_FAIL;
	return verdict(m, cmp_vec(m, "expected.median", out, w.cols));
}

/* ---- dense matrices ---------------------------------------------------- */

/* In-place dense transforms: matrix in, expected.output out. */
static enum nd_vstatus dense_inplace(struct mctx *m, void (*fn)(struct dn_mat *))
{
	struct dn_mat x;
	if (mat(m, "inputs.matrix", &x))
		return ND_V_FAIL;
	fn(&x);
	return verdict(m, cmp_mat(m, "expected.output", &x));
}

static enum nd_vstatus inplace_row_normalize(struct mctx *m)
{
	return dense_inplace(m, dn_mx_inplace_row_normalize);
}

static enum nd_vstatus inplace_col_normalize(struct mctx *m)
{
	return dense_inplace(m, dn_mx_inplace_col_normalize);
}

static enum nd_vstatus inplace_col_max_upscale(struct mctx *m)
{
	return dense_inplace(m, dn_mx_inplace_col_max_upscale);
}

static enum nd_vstatus inplace_mask_diag(struct mctx *m)
{
	return dense_inplace(m, dn_mx_inplace_mask_diag);
}

static enum nd_vstatus inplace_mask_diag_except_index(struct mctx *m)
{
	struct dn_mat x;
	int64_t e;
	mat(m, "inputs.matrix", &x);
	nd_vint(m->r, "inputs.except_index", 0, UINT32_MAX, &e);
	if (m->r->bad)
		return ND_V_FAIL;
	dn_mx_inplace_mask_diag_except_index(&x, (uint32_t)e);
	return verdict(m, cmp_mat(m, "expected.output", &x));
}

static enum nd_vstatus row_sum(struct mctx *m)
{
	struct dn_mat x;
	if (mat(m, "inputs.matrix", &x))
		return ND_V_FAIL;
	dn_i32f32 *out = nd_valloc(m->r, x.rows, sizeof(dn_i32f32));
	size_t n = dn_mx_row_sum(&x, out);
	return verdict(m, cmp_vec(m, "expected.output", out, n));
}

static enum nd_vstatus inplace_col_clip(struct mctx *m)
{
	struct dn_mat x;
	size_t nt;
	mat(m, "inputs.matrix", &x);
	dn_i32f32 *thr = vec32(m, "inputs.thresholds", &nt);
	if (m->r->bad)
		return ND_V_FAIL;
	dn_mx_inplace_col_clip(&x, thr, nt);
	return verdict(m, cmp_mat(m, "expected.output", &x));
}

static enum nd_vstatus inplace_mask_matrix(struct mctx *m)
{
	struct dn_mat x;
	bool **mask;
	size_t *rowlen, rows;
	mat(m, "inputs.matrix", &x);
	nd_vbool_mat(m->r, "inputs.mask", &mask, &rowlen, &rows);
	if (m->r->bad)
		return ND_V_FAIL;
	size_t cols = rows ? rowlen[0] : 0;
	bool *flat = nd_valloc(m->r, rows * cols, sizeof(bool));
	for (size_t i = 0; i < rows; i++) {
		if (rowlen[i] != cols) {
			nd_vbad(m->r, "inputs.mask", "rows differ in length");
			return ND_V_FAIL;
		}
		memcpy(flat + i * cols, mask[i], cols * sizeof(bool));
	}
	dn_mx_inplace_mask_matrix(flat, (uint32_t)rows, (uint32_t)cols, &x);
	return verdict(m, cmp_mat(m, "expected.output", &x));
}

static enum nd_vstatus inplace_mask_rows(struct mctx *m)
{
	struct dn_mat x;
	size_t nm;
	mat(m, "inputs.matrix", &x);
	bool *mask = bools(m, "inputs.mask", &nm);
	if (m->r->bad)
		return ND_V_FAIL;
	dn_mx_inplace_mask_rows(mask, nm, &x);
	return verdict(m, cmp_mat(m, "expected.output", &x));
}

/* matrix x vector products with a dense matrix out */
static enum nd_vstatus dense_vec_to_mat(struct mctx *m,
					int (*fn)(const struct dn_mat *, const dn_i32f32 *, size_t,
						  struct dn_mat *))
{
	struct dn_mat x, out;
	size_t nv;
	mat(m, "inputs.matrix", &x);
	dn_i32f32 *v = vec32(m, "inputs.vector", &nv);
	if (m->r->bad)
		return ND_V_FAIL;
	mat_out(m, &out, (size_t)x.rows * x.cols);
	if (helper_err(m, fn(&x, v, nv, &out)))
		return ND_V_FAIL;
	return verdict(m, cmp_mat(m, "expected.output", &out));
}

static enum nd_vstatus row_hadamard(struct mctx *m)
{
	return dense_vec_to_mat(m, dn_mx_row_hadamard);
}

static enum nd_vstatus mat_vec_mul(struct mctx *m)
{
	return dense_vec_to_mat(m, dn_mx_mat_vec_mul);
}

/* matrix x vector products with a vector out */
static enum nd_vstatus dense_vec_to_vec(struct mctx *m,
					size_t (*fn)(const struct dn_mat *, const dn_i32f32 *,
						     size_t, dn_i32f32 *))
{
	struct dn_mat x;
	size_t nv;
	mat(m, "inputs.matrix", &x);
	dn_i32f32 *v = vec32(m, "inputs.vector", &nv);
	if (m->r->bad)
		return ND_V_FAIL;
	dn_i32f32 *out = nd_valloc(m->r, (size_t)x.rows + x.cols, sizeof(dn_i32f32));
	size_t n = fn(&x, v, nv, out);
	return verdict(m, cmp_vec(m, "expected.output", out, n));
}

static enum nd_vstatus matmul(struct mctx *m) { return dense_vec_to_vec(m, dn_mx_matmul); }

static enum nd_vstatus matmul_transpose(struct mctx *m)
{
	return dense_vec_to_vec(m, dn_mx_matmul_transpose);
}

static enum nd_vstatus interpolate(struct mctx *m)
{
	struct dn_mat a, b, out;
	mat(m, "inputs.A", &a);
	mat(m, "inputs.B", &b);
	dn_i32f32 ratio = fx32(m, "inputs.ratio");
	if (m->r->bad)
		return ND_V_FAIL;
	mat_out(m, &out, (size_t)a.rows * a.cols + (size_t)b.rows * b.cols);
	if (helper_err(m, dn_mx_interpolate(&a, &b, ratio, &out)))
		return ND_V_FAIL;
	return verdict(m, cmp_mat(m, "expected.output", &out));
}

static enum nd_vstatus mat_ema_alpha(struct mctx *m)
{
	struct dn_mat nw, old, alpha, out;
	mat(m, "inputs.new", &nw);
	mat(m, "inputs.old", &old);
	mat(m, "inputs.alpha", &alpha);
	if (m->r->bad)
		return ND_V_FAIL;
	mat_out(m, &out, (size_t)nw.rows * nw.cols + (size_t)old.rows * old.cols);
	if (helper_err(m, dn_mx_mat_ema_alpha(&nw, &old, &alpha, &out)))
		return ND_V_FAIL;
	/* one record checks only element [0][0] of the result */
	if (nd_vget(m->r->json, "expected.result[0][0]")) {
		struct dn_mat want;
		if (mat(m, "expected.result[0][0]", &want))
			return ND_V_FAIL;
		if (out.rows == 0 || out.cols == 0) {
			nd_vout_printf(m->o, "result is empty, expected element [0][0]");
			return ND_V_FAIL;
		}
		return verdict(m, nd_vcmp_fx(m->o, "result[0][0]", ND_I32F32, out.v[0], want.v[0],
					     m->eps));
	}
	return verdict(m, cmp_mat(m, "expected.output", &out));
}

/* ---- sparse matrices --------------------------------------------------- */

static enum nd_vstatus inplace_row_normalize_sparse(struct mctx *m)
{
	struct dn_sparse x;
	if (sparse(m, "inputs.matrix", &x, 0, -1))
		return ND_V_FAIL;
	dn_mx_inplace_row_normalize_sparse(&x);
	return verdict(m, cmp_sparse(m, "expected.output", &x));
}

static enum nd_vstatus sparse_inplace_arena(struct mctx *m,
					    int (*fn)(struct dn_sparse *, struct dn_arena *))
{
	struct dn_sparse x;
	if (sparse(m, "inputs.matrix", &x, 0, -1))
		return ND_V_FAIL;
	if (helper_err(m, fn(&x, &m->arena)))
		return ND_V_FAIL;
	return verdict(m, cmp_sparse(m, "expected.output", &x));
}

static enum nd_vstatus inplace_col_normalize_sparse(struct mctx *m)
{
	return sparse_inplace_arena(m, dn_mx_inplace_col_normalize_sparse);
}

static enum nd_vstatus inplace_col_max_upscale_sparse(struct mctx *m)
{
	return sparse_inplace_arena(m, dn_mx_inplace_col_max_upscale_sparse);
}

static enum nd_vstatus row_sum_sparse(struct mctx *m)
{
	struct dn_sparse x;
	if (sparse(m, "inputs.matrix", &x, 0, -1))
		return ND_V_FAIL;
	dn_i32f32 *out = nd_valloc(m->r, x.rows, sizeof(dn_i32f32));
	size_t n = dn_mx_row_sum_sparse(&x, out);
	return verdict(m, cmp_vec(m, "expected.output", out, n));
}

static enum nd_vstatus mask_rows_sparse(struct mctx *m)
{
	struct dn_sparse x;
	size_t nm;
	sparse(m, "inputs.matrix", &x, 0, -1);
	bool *mask = bools(m, "inputs.mask", &nm);
	if (m->r->bad)
		return ND_V_FAIL;
	if (helper_err(m, dn_mx_mask_rows_sparse(mask, nm, &x, &x)))
		return ND_V_FAIL;
	return verdict(m, cmp_sparse(m, "expected.output", &x));
}

static enum nd_vstatus mask_diag_sparse(struct mctx *m)
{
	struct dn_sparse x;
	if (sparse(m, "inputs.matrix", &x, 0, -1))
		return ND_V_FAIL;
	if (helper_err(m, dn_mx_mask_diag_sparse(&x, &x)))
		return ND_V_FAIL;
	return verdict(m, cmp_sparse(m, "expected.output", &x));
}

static enum nd_vstatus mask_diag_sparse_except_index(struct mctx *m)
{
	struct dn_sparse x;
	int64_t e;
	sparse(m, "inputs.matrix", &x, 0, -1);
	nd_vint(m->r, "inputs.except_index", 0, UINT32_MAX, &e);
	if (m->r->bad)
		return ND_V_FAIL;
	if (helper_err(m, dn_mx_mask_diag_sparse_except_index(&x, (uint32_t)e, &x)))
		return ND_V_FAIL;
	return verdict(m, cmp_sparse(m, "expected.output", &x));
}

static enum nd_vstatus vec_mask_sparse_matrix(struct mctx *m)
{
	struct dn_sparse x;
	uint64_t *first, *second;
	size_t nf, ns;
	sparse(m, "inputs.matrix", &x, 0, -1);
	nd_vu64_vec(m->r, "inputs.first_vector", &first, &nf);
	nd_vu64_vec(m->r, "inputs.second_vector", &second, &ns);
	const char *rule = json_string_value(
		json_object_get(nd_vget(m->r->json, "inputs"), "mask_fn(first[i], second[j])"));
	if (m->r->bad)
		return ND_V_FAIL;
	dn_mx_mask_fn fn;
	if (rule && strcmp(rule, "a < b") == 0)
		fn = dn_mx_mask_lt;
	else if (rule && strcmp(rule, "a <= b") == 0)
		fn = dn_mx_mask_le;
	else {
		nd_vbad(m->r, "inputs.mask_fn(first[i], second[j])",
			"expected \"a < b\" or \"a <= b\"");
		return ND_V_FAIL;
	}
	if (helper_err(m, dn_mx_vec_mask_sparse_matrix(&x, first, nf, second, ns, fn, NULL, &x)))
		return ND_V_FAIL;
	return verdict(m, cmp_sparse(m, "expected.output", &x));
}

static enum nd_vstatus sparse_vec_to_sparse(struct mctx *m, const char *vecname,
					    int (*fn)(const struct dn_sparse *, const dn_i32f32 *,
						      size_t, struct dn_sparse *))
{
	struct dn_sparse x;
	size_t nv;
	sparse(m, "inputs.matrix", &x, 0, -1);
	dn_i32f32 *v = vec32(m, vecname, &nv);
	if (m->r->bad)
		return ND_V_FAIL;
	if (helper_err(m, fn(&x, v, nv, &x)))
		return ND_V_FAIL;
	return verdict(m, cmp_sparse(m, "expected.output", &x));
}

static enum nd_vstatus row_hadamard_sparse(struct mctx *m)
{
	return sparse_vec_to_sparse(m, "inputs.vector", dn_mx_row_hadamard_sparse);
}

static enum nd_vstatus mat_vec_mul_sparse(struct mctx *m)
{
	return sparse_vec_to_sparse(m, "inputs.vector", dn_mx_mat_vec_mul_sparse);
}

static enum nd_vstatus col_clip_sparse(struct mctx *m)
{
	return sparse_vec_to_sparse(m, "inputs.thresholds", dn_mx_col_clip_sparse);
}

static enum nd_vstatus sparse_vec_to_vec(struct mctx *m,
					 size_t (*fn)(const struct dn_sparse *, const dn_i32f32 *,
						      size_t, dn_i32f32 *))
{
	struct dn_sparse x;
	size_t nv;
	sparse(m, "inputs.matrix", &x, 0, -1);
	dn_i32f32 *v = vec32(m, "inputs.vector", &nv);
	if (m->r->bad)
		return ND_V_FAIL;
	dn_i32f32 *out = nd_valloc(m->r, (size_t)x.rows + x.cols, sizeof(dn_i32f32));
	size_t n = fn(&x, v, nv, out);
	return verdict(m, cmp_vec(m, "expected.output", out, n));
}

static enum nd_vstatus matmul_sparse(struct mctx *m)
{
	return sparse_vec_to_vec(m, dn_mx_matmul_sparse);
}

static enum nd_vstatus matmul_transpose_sparse(struct mctx *m)
{
	return sparse_vec_to_vec(m, dn_mx_matmul_transpose_sparse);
}

static enum nd_vstatus interpolate_sparse(struct mctx *m)
{
	struct dn_sparse a, b, out;
	sparse(m, "inputs.A", &a, 0, -1);
	if (m->r->bad)
		return ND_V_FAIL;
	sparse(m, "inputs.B", &b, 0, a.cols);
	dn_i32f32 ratio = fx32(m, "inputs.ratio");
	if (m->r->bad)
		return ND_V_FAIL;
	uint32_t rows = a.rows > b.rows ? a.rows : b.rows;
	sparse_out(m, &out, rows, a.cols, dn_sparse_nnz(&a) + dn_sparse_nnz(&b));
	if (helper_err(m, dn_mx_interpolate_sparse(&a, &b, ratio, &out, &m->arena)))
		return ND_V_FAIL;
	return verdict(m, cmp_sparse(m, "expected.output", &out));
}

static enum nd_vstatus mat_ema_alpha_sparse(struct mctx *m)
{
	struct dn_sparse nw, old, out;
	struct dn_mat alpha;
	sparse(m, "inputs.new", &nw, 0, -1);
	sparse(m, "inputs.old", &old, 0, -1);
	mat(m, "inputs.alpha", &alpha);
	if (m->r->bad)
		return ND_V_FAIL;
	uint32_t rows = nw.rows > old.rows ? nw.rows : old.rows;
	sparse_out(m, &out, rows, nw.cols, dn_sparse_nnz(&nw) + dn_sparse_nnz(&old));
	if (helper_err(m, dn_mx_mat_ema_alpha_sparse(&nw, &old, &alpha, &out, &m->arena)))
		return ND_V_FAIL;
	return verdict(m, cmp_sparse(m, "expected.output", &out));
}

/* ---- dispatch ---------------------------------------------------------- */

typedef enum nd_vstatus (*math_check)(struct mctx *);

/* Functions named by a phrase rather than an identifier: prefix match. */
static const struct {
	const char *prefix;
	math_check check;
} phrases[] = {
	{"I32F32 -> u16", fx_to_u16},
	{"I96F32 -> u64", fx96_to_u64},
	{"I64F64 division then I64F64 -> I32F32", u64_normalization},
	{"I64F64(I32F32::MAX)/I64F64(I32F32::MAX)", alpha_from_ratio},
	{"ema alpha = 1 - I32F32(I64F64(bma)/I64F64(1e6))", ema_alpha},
};

/* Functions named by the chain's identifier (text before '(' or ' '). */
static const struct {
	const char *name;
	math_check check;
} functions[] = {
	{"check_vec_max_limited", check_vec_max_limited},
	{"checked_sum", checked_sum},
	{"col_clip_sparse", col_clip_sparse},
	{"exp_safe", exp_safe},
	{"fixed64_to_fixed32", fx64_to_fx32},
	{"fixed64_to_u64", fx64_to_u64},
	{"fixed_proportion_to_u16", fx_proportion_to_u16},
	{"fixed_to_u16", fx_to_u16},
	{"fixed_to_u64", fx_to_u64},
	{"inplace_col_clip", inplace_col_clip},
	{"inplace_col_max_upscale", inplace_col_max_upscale},
	{"inplace_col_max_upscale_sparse", inplace_col_max_upscale_sparse},
	{"inplace_col_normalize", inplace_col_normalize},
	{"inplace_col_normalize_sparse", inplace_col_normalize_sparse},
	{"inplace_mask_diag", inplace_mask_diag},
	{"inplace_mask_diag_except_index", inplace_mask_diag_except_index},
	{"inplace_mask_matrix", inplace_mask_matrix},
	{"inplace_mask_rows", inplace_mask_rows},
	{"inplace_mask_vector", inplace_mask_vector},
	{"inplace_normalize", inplace_normalize},
	{"inplace_normalize_64", inplace_normalize_64},
	{"inplace_row_normalize", inplace_row_normalize},
	{"inplace_row_normalize_sparse", inplace_row_normalize_sparse},
	{"interpolate", interpolate},
	{"interpolate_sparse", interpolate_sparse},
	{"is_topk", is_topk},
	{"mask_diag_sparse", mask_diag_sparse},
	{"mask_diag_sparse_except_index", mask_diag_sparse_except_index},
	{"mask_rows_sparse", mask_rows_sparse},
	{"mat_ema_alpha", mat_ema_alpha},
	{"mat_ema_alpha_sparse", mat_ema_alpha_sparse},
	{"mat_vec_mul", mat_vec_mul},
	{"mat_vec_mul_sparse", mat_vec_mul_sparse},
	{"matmul", matmul},
	{"matmul_sparse", matmul_sparse},
	{"matmul_transpose", matmul_transpose},
	{"matmul_transpose_sparse", matmul_transpose_sparse},
	{"normalize", normalize},
	{"row_hadamard", row_hadamard},
	{"row_hadamard_sparse", row_hadamard_sparse},
	{"row_sum", row_sum},
	{"row_sum_sparse", row_sum_sparse},
	{"sigmoid_safe", sigmoid_safe},
	{"sum", sum},
	{"u16_proportion_to_fixed", u16_proportion_to_fx},
	{"u16_to_fixed", u16_to_fx},
	{"vec_fixed64_to_fixed32", vec_fx64_to_fx32},
	{"vec_mask_sparse_matrix", vec_mask_sparse_matrix},
	{"vec_max_upscale_to_u16", vec_max_upscale_to_u16},
	{"vec_mul", vec_mul},
	{"vec_u16_max_upscale_to_u16", vec_u16_max_upscale_to_u16},
	{"vecdiv", vecdiv},
	{"weighted_median", weighted_median},
	{"weighted_median_col", weighted_median_col},
	{"weighted_median_col_sparse", weighted_median_col_sparse},
};

static math_check find_check(const char *fn)
{
	for (size_t i = 0; i < sizeof(phrases) / sizeof(phrases[0]); i++)
		if (strncmp(fn, phrases[i].prefix, strlen(phrases[i].prefix)) == 0)
			return phrases[i].check;
	size_t n = strcspn(fn, "( ");
	for (size_t i = 0; i < sizeof(functions) / sizeof(functions[0]); i++)
		if (strlen(functions[i].name) == n && strncmp(fn, functions[i].name, n) == 0)
			return functions[i].check;
	return NULL;
}

enum nd_vstatus nd_verify_math(struct nd_vrec *r, struct nd_vout *o)
{
	const char *fn = nd_vstr(r, "function");
	if (!fn) {
		nd_vbad(r, "function", "missing (a math record names its helper)");
		return ND_V_FAIL;
	}
	math_check check = find_check(fn);
	if (!check) {
		nd_vout_printf(o, "function '%s' is not one taodev knows", fn);
		return ND_V_SKIP;
	}
	struct mctx m = {.r = r, .o = o};
	void *buf = nd_valloc(r, SCRATCH_BYTES, 1);
	dn_arena_init(&m.arena, buf, SCRATCH_BYTES);
	if (nd_vtolerance(r, ND_I32F32, &m.eps))
		return ND_V_FAIL;
	return check(&m);
}
