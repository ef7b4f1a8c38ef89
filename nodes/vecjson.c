/*
 * Reference-vector files: loading and typed reading with precise errors.
 * See vecjson.h for the formats.
 */
#include "nodes/vecjson.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devnet/xalloc.h"

/* ---- loading ----------------------------------------------------------- */

/* Wraps integer literals of 19 digits or more in quotes so that jansson,
 * whose integers are 64-bit, keeps them exactly as decimal strings. Only
 * number tokens outside strings are touched. */
static char *quote_big_integers(const char *in, size_t len, size_t *outlen)
{
	char *out = xmalloc(len + len / 8 + 16);
	size_t o = 0, cap = len + len / 8 + 16;
	bool in_str = false;
	for (size_t i = 0; i < len;) {
		char c = in[i];
		if (in_str) {
			out[o++] = c;
			if (c == '\\' && i + 1 < len) {
				out[o++] = in[i + 1];
				i += 2;
				continue;
			}
			if (c == '"')
				in_str = false;
			i++;
			continue;
		}
		if (c == '"') {
			in_str = true;
			out[o++] = c;
			i++;
			continue;
		}
		if (c == '-' || isdigit((unsigned char)c)) {
			size_t j = i + (c == '-');
			while (j < len && isdigit((unsigned char)in[j]))
				j++;
			bool integer = j >= len || (in[j] != '.' && in[j] != 'e' && in[j] != 'E');
			size_t digits = j - i - (c == '-');
			if (o + (j - i) + 3 > cap) {
				cap = cap * 2 + (j - i) + 3;
				out = xrealloc(out, cap);
			}
			if (integer && digits >= 19)
				out[o++] = '"';
			memcpy(out + o, in + i, j - i);
			o += j - i;
			if (integer && digits >= 19)
				out[o++] = '"';
			i = j;
			continue;
		}
		if (o + 1 > cap) {
			cap *= 2;
			out = xrealloc(out, cap);
		}
		out[o++] = c;
		i++;
	}
	*outlen = o;
	return out;
}

json_t *nd_vjson_load(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "cannot open: %s", strerror(errno));
		return NULL;
	}
	size_t cap = 1 << 16, len = 0, n;
	char *buf = xmalloc(cap);
	while ((n = fread(buf + len, 1, cap - len, f)) > 0) {
		len += n;
		if (len == cap) {
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
	}
	bool failed = ferror(f);
	fclose(f);
	if (failed) {
		free(buf);
		snprintf(err, errlen, "read error");
		return NULL;
	}
	size_t qlen;
	char *q = quote_big_integers(buf, len, &qlen);
	free(buf);
	json_error_t je;
	json_t *root = json_loadb(q, qlen, JSON_REJECT_DUPLICATES, &je);
	free(q);
	if (!root)
		snprintf(err, errlen, "line %d, column %d: %s", je.line, je.column, je.text);
	return root;
}

/* ---- record context ---------------------------------------------------- */

void nd_vrec_init(struct nd_vrec *r, const char *file, json_t *json, size_t index)
{
	memset(r, 0, sizeof(*r));
	r->file = file;
	r->json = json;
	const char *id = json_string_value(json_object_get(json, "id"));
	const char *name = json_string_value(json_object_get(json, "name"));
	if (id && name)
		snprintf(r->label, sizeof(r->label), "%s %s", id, name);
	else if (id || name)
		snprintf(r->label, sizeof(r->label), "%s", id ? id : name);
	else
		snprintf(r->label, sizeof(r->label), "#%zu", index);
}

void nd_vrec_release(struct nd_vrec *r)
{
	for (size_t i = 0; i < r->nallocs; i++)
		free(r->allocs[i]);
	free(r->allocs);
	r->allocs = NULL;
	r->nallocs = r->capallocs = 0;
}

void *nd_valloc(struct nd_vrec *r, size_t n, size_t size)
{
	if (r->nallocs == r->capallocs) {
		r->capallocs = r->capallocs ? r->capallocs * 2 : 16;
		r->allocs = xreallocarray(r->allocs, r->capallocs, sizeof(void *));
	}
	void *p = xcalloc(n ? n : 1, size);
	r->allocs[r->nallocs++] = p;
	return p;
}

int nd_vbad(struct nd_vrec *r, const char *path, const char *fmt, ...)
{
	if (r->bad)
		return -1;
	r->bad = true;
	int k = snprintf(r->err, sizeof(r->err), "field '%s': ", path);
	if (k < 0 || (size_t)k >= sizeof(r->err))
		return -1;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->err + k, sizeof(r->err) - (size_t)k, fmt, ap);
	va_end(ap);
	return -1;
}

/* One path segment: a key, optionally followed by [index] parts. A key
 * that itself contains '[' (e.g. "result[0][0]") is tried literally first. */
static json_t *get_segment(json_t *node, const char *seg, size_t n)
{
	char key[128];
	if (n >= sizeof(key))
		return NULL;
	memcpy(key, seg, n);
	key[n] = '\0';
	if (json_is_object(node)) {
		json_t *v = json_object_get(node, key);
		if (v || !strchr(key, '['))
			return v;
	}
	char *br = strchr(key, '[');
	if (br != key) {
		*br = '\0';
		node = json_is_object(node) ? json_object_get(node, key) : NULL;
		*br = '[';
	}
	while (node && br && *br == '[') {
		char *end;
		unsigned long i = strtoul(br + 1, &end, 10);
		if (*end != ']' || !json_is_array(node))
			return NULL;
		node = json_array_get(node, i);
		br = end + 1;
	}
	return node;
}

json_t *nd_vget(json_t *root, const char *path)
{
	json_t *node = root;
	while (node && *path) {
		const char *dot = strchr(path, '.');
		size_t n = dot ? (size_t)(dot - path) : strlen(path);
		node = get_segment(node, path, n);
		path += n + (dot != NULL);
	}
	return node;
}

json_t *nd_vneed(struct nd_vrec *r, const char *path)
{
	json_t *node = nd_vget(r->json, path);
	if (!node && !r->bad)
		nd_vbad(r, path, "missing");
	return node;
}

const char *nd_vstr(struct nd_vrec *r, const char *path)
{
	return json_string_value(nd_vget(r->json, path));
}

static const char *json_kind(json_t *n)
{
	switch (json_typeof(n)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a real number";
	case JSON_TRUE:
	case JSON_FALSE: return "a boolean";
	case JSON_NULL: return "null";
	}
	return "?";
}

/* ---- integers ---------------------------------------------------------- */

static int read_i128(struct nd_vrec *r, json_t *node, const char *path, dn_i128 *out)
{
	if (r->bad)
		return -1;
	if (!node)
		return nd_vbad(r, path, "missing");
	if (json_is_integer(node)) {
		*out = json_integer_value(node);
		return 0;
	}
	if (json_is_real(node)) {
		double v = json_real_value(node);
		if (v != floor(v) || fabs(v) > 0x1p62)
			return nd_vbad(r, path, "expected an integer, got %g", v);
		*out = (dn_i128)v;
		return 0;
	}
	if (json_is_string(node)) {
		if (dn_i128_parse(json_string_value(node), out) != 0)
			return nd_vbad(r, path, "expected an integer, got \"%s\"",
				       json_string_value(node));
		return 0;
	}
	return nd_vbad(r, path, "expected an integer, got %s", json_kind(node));
}

int nd_vint_node(struct nd_vrec *r, json_t *node, const char *path, int64_t min, int64_t max,
		 int64_t *out)
{
	dn_i128 v;
	if (read_i128(r, node, path, &v))
		return -1;
	if (v < min || v > max)
		return nd_vbad(r, path, "%lld is out of range [%lld, %lld]", (long long)v,
			       (long long)min, (long long)max);
	*out = (int64_t)v;
	return 0;
}

int nd_vu128_node(struct nd_vrec *r, json_t *node, const char *path, dn_u128 *out)
{
	if (r->bad)
		return -1;
	if (json_is_string(node)) {
		if (dn_u128_parse(json_string_value(node), out) != 0)
			return nd_vbad(r, path, "expected an unsigned integer, got \"%s\"",
				       json_string_value(node));
		return 0;
	}
	dn_i128 v;
	if (read_i128(r, node, path, &v))
		return -1;
	if (v < 0)
		return nd_vbad(r, path, "expected an unsigned integer, got a negative one");
	*out = (dn_u128)v;
	return 0;
}

int nd_vu64_node(struct nd_vrec *r, json_t *node, const char *path, uint64_t *out)
{
	dn_u128 v;
	if (nd_vu128_node(r, node, path, &v))
		return -1;
	if (v > UINT64_MAX)
		return nd_vbad(r, path, "does not fit in 64 bits");
	*out = (uint64_t)v;
	return 0;
}

int nd_vbool_node(struct nd_vrec *r, json_t *node, const char *path, bool *out)
{
	if (r->bad)
		return -1;
	if (!json_is_boolean(node))
		return nd_vbad(r, path, "expected true or false, got %s",
			       node ? json_kind(node) : "nothing");
	*out = json_is_true(node);
	return 0;
}

int nd_vint(struct nd_vrec *r, const char *path, int64_t min, int64_t max, int64_t *out)
{
	return nd_vint_node(r, nd_vneed(r, path), path, min, max, out);
}

int nd_vu64(struct nd_vrec *r, const char *path, uint64_t *out)
{
	return nd_vu64_node(r, nd_vneed(r, path), path, out);
}

static json_t *need_array(struct nd_vrec *r, const char *path)
{
	json_t *a = nd_vneed(r, path);
	if (a && !json_is_array(a)) {
		nd_vbad(r, path, "expected an array, got %s", json_kind(a));
		return NULL;
	}
	return a;
}

/* Reads the array at path element by element with `elem`, which gets the
 * element's own path ("path[3]") for its error messages. */
typedef int (*elem_reader)(struct nd_vrec *r, json_t *node, const char *path, void *out,
			   const void *ctx);

static int read_array(struct nd_vrec *r, const char *path, size_t size, elem_reader elem,
		      const void *ctx, void **out, size_t *n)
{
	json_t *a = need_array(r, path);
	if (!a)
		return -1;
	*n = json_array_size(a);
	*out = nd_valloc(r, *n, size);
	for (size_t i = 0; i < *n; i++) {
		char p[160];
		snprintf(p, sizeof(p), "%s[%zu]", path, i);
		if (elem(r, json_array_get(a, i), p, (char *)*out + i * size, ctx))
			return -1;
	}
	return 0;
}

static int int_elem(struct nd_vrec *r, json_t *node, const char *path, void *out, const void *ctx)
{
	const int64_t *range = ctx;
	return nd_vint_node(r, node, path, range[0], range[1], out);
}

static int u64_elem(struct nd_vrec *r, json_t *node, const char *path, void *out, const void *ctx)
{
	(void)ctx;
	return nd_vu64_node(r, node, path, out);
}

static int bool_elem(struct nd_vrec *r, json_t *node, const char *path, void *out, const void *ctx)
{
	(void)ctx;
	return nd_vbool_node(r, node, path, out);
}

int nd_vint_vec(struct nd_vrec *r, const char *path, int64_t min, int64_t max, int64_t **out,
		size_t *n)
{
	const int64_t range[2] = {min, max};
	return read_array(r, path, sizeof(**out), int_elem, range, (void **)out, n);
}

int nd_vu64_vec(struct nd_vrec *r, const char *path, uint64_t **out, size_t *n)
{
	return read_array(r, path, sizeof(**out), u64_elem, NULL, (void **)out, n);
}

int nd_vbool_vec(struct nd_vrec *r, const char *path, bool **out, size_t *n)
{
	return read_array(r, path, sizeof(**out), bool_elem, NULL, (void **)out, n);
}

int nd_vbool_mat(struct nd_vrec *r, const char *path, bool ***out, size_t **rowlen, size_t *rows)
{
	json_t *a = need_array(r, path);
	if (!a)
		return -1;
	*rows = json_array_size(a);
	*out = nd_valloc(r, *rows, sizeof(**out));
	*rowlen = nd_valloc(r, *rows, sizeof(**rowlen));
	for (size_t i = 0; i < *rows; i++) {
		json_t *row = json_array_get(a, i);
		char p[160];
		snprintf(p, sizeof(p), "%s[%zu]", path, i);
		if (!json_is_array(row))
			return nd_vbad(r, p, "expected an array, got %s", json_kind(row));
		(*rowlen)[i] = json_array_size(row);
		(*out)[i] = nd_valloc(r, (*rowlen)[i], sizeof(bool));
		for (size_t j = 0; j < (*rowlen)[i]; j++) {
			char q[192];
			snprintf(q, sizeof(q), "%s[%zu]", p, j);
			if (nd_vbool_node(r, json_array_get(row, j), q, &(*out)[i][j]))
				return -1;
		}
	}
	return 0;
}

/* ---- fixed point ------------------------------------------------------- */

unsigned nd_fxtype_frac(enum nd_fxtype type)
{
	return type == ND_I64F64 || type == ND_U64F64 ? 64 : 32;
}

static bool fx_in_range(enum nd_fxtype type, dn_i128 v)
{
	switch (type) {
	case ND_I32F32: return v >= INT64_MIN && v <= INT64_MAX;
	case ND_U64F64:
	case ND_U96F32: return v >= 0;
	default: return true;
	}
}

static const char *fxtype_name(enum nd_fxtype type)
{
	static const char *const names[] = {"I32F32", "I64F64", "I96F32", "U64F64", "U96F32"};
	return names[type];
}

/* "I32F32::MAX", "I32F32::MIN", optionally "... as I64F64". */
static bool special_value(const char *s, enum nd_fxtype type, dn_i128 *out)
{
	dn_i128 v;
	if (strncmp(s, "I32F32::MAX", 11) == 0)
		v = INT64_MAX;
	else if (strncmp(s, "I32F32::MIN", 11) == 0)
		v = INT64_MIN;
	else
		return false;
	/* the raw I32F32 bits rescaled to the target's fractional bits */
	unsigned frac = nd_fxtype_frac(type);
	*out = frac == 64 ? v * ((dn_i128)1 << 32) : v;
	return true;
}

static int fxtype_parse(const char *s, enum nd_fxtype *out)
{
	static const char *const names[] = {"I32F32", "I64F64", "I96F32", "U64F64", "U96F32"};
	for (int i = 0; s && i < 5; i++)
		if (strcmp(s, names[i]) == 0) {
			*out = (enum nd_fxtype)i;
			return 0;
		}
	return -1;
}

/* Raw bits with `from` fractional bits as raw bits with `to` (floor). */
static dn_i128 rescale(dn_i128 v, unsigned from, unsigned to)
{
	if (from == to)
		return v;
	return from > to ? v >> (from - to) : v * ((dn_i128)1 << (to - from));
}

/* The parts of a number object: bits or values (array or scalar), and
 * encodings. A bare number or array stands for `values`. */
struct numobj {
	json_t *bits, *values, *encodings;
	const char *encoding;
	const char *type; /* the object's own "type", if any */
};

/* One number: raw bits when `bits` is given, else the literal `value` with
 * its encoding. */
static int read_fx_elem(struct nd_vrec *r, json_t *bits, json_t *value, const char *encoding,
			enum nd_fxtype type, const char *path, dn_i128 *out);

/* An element of number object `o`: read in the object's own type when it
 * declares one, then expressed in `type`. */
static int read_obj_elem(struct nd_vrec *r, const struct numobj *o, json_t *bits, json_t *value,
			 const char *encoding, enum nd_fxtype type, const char *path, dn_i128 *out)
{
	enum nd_fxtype et = type;
	if (o->type && fxtype_parse(o->type, &et) != 0)
		return nd_vbad(r, path, "unknown type '%s'", o->type);
	if (read_fx_elem(r, bits, value, encoding, et, path, out))
		return -1;
	*out = rescale(*out, nd_fxtype_frac(et), nd_fxtype_frac(type));
	if (!fx_in_range(type, *out))
		return nd_vbad(r, path, "out of range for %s", fxtype_name(type));
	return 0;
}

static int read_fx_elem(struct nd_vrec *r, json_t *bits, json_t *value, const char *encoding,
			enum nd_fxtype type, const char *path, dn_i128 *out)
{
	unsigned frac = nd_fxtype_frac(type);
	if (r->bad)
		return -1;
	if (bits) {
		if (read_i128(r, bits, path, out))
			return -1;
	} else if (!value) {
		return nd_vbad(r, path, "no bits and no value");
	} else if (json_is_object(value)) {
		/* an element that is itself a number object */
		json_t *t = json_object_get(value, "type");
		enum nd_fxtype et = type;
		if (t && fxtype_parse(json_string_value(t), &et) != 0)
			return nd_vbad(r, path, "unknown type '%s'",
				       json_string_value(t) ? json_string_value(t) : "?");
		dn_i128 raw;
		const char *enc = json_string_value(json_object_get(value, "encoding"));
		json_t *v = json_object_get(value, "value");
		if (read_fx_elem(r, json_object_get(value, "bits"),
				 v ? v : json_object_get(value, "values"), enc, et, path, &raw))
			return -1;
		*out = rescale(raw, nd_fxtype_frac(et), frac);
	} else if (json_is_string(value)) {
		const char *s = json_string_value(value);
		dn_i128 iv;
		if (special_value(s, type, out))
			;
		else if (dn_i128_parse(s, &iv) == 0)
			*out = iv * ((dn_i128)1 << frac);
		else
			return nd_vbad(r, path, "unknown literal \"%s\"", s);
	} else if (json_is_integer(value)) {
		*out = (dn_i128)json_integer_value(value) * ((dn_i128)1 << frac);
	} else if (json_is_real(value)) {
		double d = json_real_value(value);
		/* the chain tests' fixed() helper goes through f32 */
		if (!encoding || strcmp(encoding, "f32") == 0)
			d = (double)(float)d;
		else if (strcmp(encoding, "int") == 0 && d != floor(d))
			return nd_vbad(r, path, "encoding \"int\" but the value is %g", d);
		*out = dn_fx128_from_f64(d, frac);
	} else {
		return nd_vbad(r, path, "expected a number, got %s", json_kind(value));
	}
	if (!fx_in_range(type, *out))
		return nd_vbad(r, path, "out of range for %s", fxtype_name(type));
	return 0;
}

static int numobj_get(struct nd_vrec *r, const char *path, const char *key, struct numobj *o)
{
	json_t *n = nd_vneed(r, path);
	memset(o, 0, sizeof(*o));
	if (!n)
		return -1;
	if (!json_is_object(n)) {
		o->values = n;
		return 0;
	}
	o->bits = json_object_get(n, "bits");
	o->values = json_object_get(n, key);
	if (!o->values && strcmp(key, "values") == 0)
		o->values = json_object_get(n, "value");
	if (!o->values && strcmp(key, "value") == 0)
		o->values = json_object_get(n, "values");
	o->encodings = json_object_get(n, "encodings");
	o->encoding = json_string_value(json_object_get(n, "encoding"));
	o->type = json_string_value(json_object_get(n, "type"));
	if (!o->bits && !o->values)
		return nd_vbad(r, path, "a number object needs 'bits' or 'value(s)'");
	return 0;
}

int nd_vfx(struct nd_vrec *r, const char *path, enum nd_fxtype type, dn_i128 *out)
{
	struct numobj o;
	if (numobj_get(r, path, "value", &o))
		return -1;
	return read_obj_elem(r, &o, o.bits, o.values, o.encoding, type, path, out);
}

/* Element i of `bits` and `values` (either may be absent). */
static int vec_elems(struct nd_vrec *r, const struct numobj *o, const char *path,
		     enum nd_fxtype type, json_t *bits, json_t *values, json_t *encs, dn_i128 **out,
		     size_t *n)
{
	json_t *lead = bits ? bits : values;
	if (!json_is_array(lead))
		return nd_vbad(r, path, "expected an array, got %s", json_kind(lead));
	*n = json_array_size(lead);
	if (bits && values && json_is_array(values) && json_array_size(values) != *n)
		return nd_vbad(r, path, "'bits' has %zu entries but 'values' has %zu", *n,
			       json_array_size(values));
	*out = nd_valloc(r, *n, sizeof(**out));
	for (size_t i = 0; i < *n; i++) {
		char p[192];
		snprintf(p, sizeof(p), "%s[%zu]", path, i);
		const char *enc = o->encoding;
		if (encs && json_is_array(encs) && json_string_value(json_array_get(encs, i)))
			enc = json_string_value(json_array_get(encs, i));
		if (read_obj_elem(r, o, bits ? json_array_get(bits, i) : NULL,
				  values ? json_array_get(values, i) : NULL, enc, type, p,
				  &(*out)[i]))
			return -1;
	}
	return 0;
}

int nd_vfx_vec(struct nd_vrec *r, const char *path, enum nd_fxtype type, dn_i128 **out, size_t *n)
{
	struct numobj o;
	if (numobj_get(r, path, "values", &o))
		return -1;
	return vec_elems(r, &o, path, type, o.bits, o.values, o.encodings, out, n);
}

int nd_vfx_dense(struct nd_vrec *r, const char *path, enum nd_fxtype type, dn_i128 **out,
		 size_t *rows, size_t *cols)
{
	struct numobj o;
	if (numobj_get(r, path, "values", &o))
		return -1;
	json_t *lead = o.bits ? o.bits : o.values;
	if (!json_is_array(lead))
		return nd_vbad(r, path, "expected an array of rows, got %s", json_kind(lead));
	*rows = json_array_size(lead);
	*cols = 0;
	*out = NULL;
	for (size_t i = 0; i < *rows; i++) {
		char p[192];
		dn_i128 *row;
		size_t n;
		snprintf(p, sizeof(p), "%s[%zu]", path, i);
		json_t *b = o.bits ? json_array_get(o.bits, i) : NULL;
		json_t *v =
			o.values && json_is_array(o.values) ? json_array_get(o.values, i) : NULL;
		if (vec_elems(r, &o, p, type, b, v, NULL, &row, &n))
			return -1;
		if (i == 0) {
			*cols = n;
			*out = nd_valloc(r, *rows * (n ? n : 1), sizeof(dn_i128));
		} else if (n != *cols) {
			return nd_vbad(r, p, "row has %zu entries, row 0 has %zu", n, *cols);
		}
		memcpy(*out + i * *cols, row, n * sizeof(dn_i128));
	}
	if (!*out)
		*out = nd_valloc(r, 1, sizeof(dn_i128));
	return 0;
}

int nd_vfx_sparse(struct nd_vrec *r, const char *path, enum nd_fxtype type, struct nd_vsparse *out)
{
	struct numobj o;
	if (numobj_get(r, path, "values", &o))
		return -1;
	json_t *lead = o.bits ? o.bits : o.values;
	if (!json_is_array(lead))
		return nd_vbad(r, path, "expected an array of rows, got %s", json_kind(lead));
	out->rows = json_array_size(lead);
	out->nnz = 0;
	for (size_t i = 0; i < out->rows; i++) {
		json_t *row = json_array_get(lead, i);
		char p[192];
		snprintf(p, sizeof(p), "%s[%zu]", path, i);
		if (!json_is_array(row))
			return nd_vbad(r, p, "expected a row of [column, value] pairs, got %s",
				       json_kind(row));
		out->nnz += json_array_size(row);
	}
	out->start = nd_valloc(r, out->rows + 1, sizeof(size_t));
	out->col = nd_valloc(r, out->nnz, sizeof(uint32_t));
	out->val = nd_valloc(r, out->nnz, sizeof(dn_i128));
	size_t k = 0;
	for (size_t i = 0; i < out->rows; i++) {
		json_t *row = json_array_get(lead, i);
		json_t *vrow = o.bits && o.values && json_is_array(o.values)
				       ? json_array_get(o.values, i)
				       : NULL;
		out->start[i] = k;
		for (size_t j = 0; j < json_array_size(row); j++, k++) {
			json_t *pair = json_array_get(row, j);
			char p[192];
			int64_t c = 0;
			snprintf(p, sizeof(p), "%s[%zu][%zu]", path, i, j);
			if (!json_is_array(pair) || json_array_size(pair) != 2)
				return nd_vbad(r, p, "expected a [column, value] pair");
			if (nd_vint_node(r, json_array_get(pair, 0), p, 0, UINT32_MAX - 1, &c))
				return -1;
			out->col[k] = (uint32_t)c;
			json_t *vpair = vrow ? json_array_get(vrow, j) : NULL;
			json_t *value = o.bits ? (vpair ? json_array_get(vpair, 1) : NULL)
					       : json_array_get(pair, 1);
			if (read_obj_elem(r, &o, o.bits ? json_array_get(pair, 1) : NULL, value,
					  o.encoding, type, p, &out->val[k]))
				return -1;
		}
	}
	out->start[out->rows] = k;
	return 0;
}

int nd_vtolerance(struct nd_vrec *r, enum nd_fxtype type, dn_i128 *eps)
{
	json_t *t = nd_vget(r->json, "tolerance");
	*eps = 0;
	if (!t || json_is_null(t))
		return 0;
	if (json_is_number(t) && json_number_value(t) == 0)
		return 0;
	if (json_is_object(t) && json_is_object(json_object_get(t, "epsilon")))
		return nd_vfx(r, "tolerance.epsilon", type, eps);
	if (json_is_object(t)) {
		/* {"epsilon": 0.001} or {"epsilon_f32": 1e-06}: a plain value */
		const char *key;
		json_t *v;
		json_object_foreach(t, key, v)
		{
			if (strncmp(key, "epsilon", 7) == 0 && json_is_number(v)) {
				*eps = dn_fx128_from_f64(json_number_value(v),
							 nd_fxtype_frac(type));
				return 0;
			}
		}
	}
	if (json_is_number(t)) {
		*eps = dn_fx128_from_f64(json_number_value(t), nd_fxtype_frac(type));
		return 0;
	}
	return nd_vbad(r, "tolerance", "unsupported tolerance form");
}

/* ---- reporting --------------------------------------------------------- */

enum { MAX_LISTED = 8 };

void nd_vout_reset(struct nd_vout *o)
{
	o->len = 0;
	o->mismatches = 0;
	if (o->text)
		o->text[0] = '\0';
}

void nd_vout_free(struct nd_vout *o)
{
	free(o->text);
	memset(o, 0, sizeof(*o));
}

void nd_vout_printf(struct nd_vout *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (o->len + (size_t)n + 2 > o->cap) {
		o->cap = (o->len + (size_t)n + 2) * 2;
		o->text = xrealloc(o->text, o->cap);
	}
	va_start(ap, fmt);
	vsnprintf(o->text + o->len, o->cap - o->len, fmt, ap);
	va_end(ap);
	o->len += (size_t)n;
	o->text[o->len++] = '\n';
	o->text[o->len] = '\0';
}

static void fx_describe(enum nd_fxtype type, dn_i128 v, char *buf, size_t len)
{
	char b[42];
	snprintf(buf, len, "%s bits (%.12g)", dn_i128_format(v, b),
		 dn_fx128_to_double(v, nd_fxtype_frac(type)));
}

static bool within(dn_i128 got, dn_i128 want, dn_i128 eps)
{
	dn_i128 d = got > want ? got - want : want - got;
	return d >= 0 && d <= eps;
}

static void note_mismatch(struct nd_vout *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void note_mismatch(struct nd_vout *o, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	o->mismatches++;
	if (o->mismatches > MAX_LISTED)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	nd_vout_printf(o, "%s", line);
}

static int mismatch_tail(struct nd_vout *o, int before)
{
	int n = o->mismatches - before;
	if (o->mismatches > MAX_LISTED && before < MAX_LISTED)
		nd_vout_printf(o, "... %d mismatches in all", n);
	return n;
}

int nd_vcmp_fx(struct nd_vout *o, const char *what, enum nd_fxtype type, dn_i128 got, dn_i128 want,
	       dn_i128 eps)
{
	if (within(got, want, eps))
		return 0;
	char g[96], w[96];
	fx_describe(type, got, g, sizeof(g));
	fx_describe(type, want, w, sizeof(w));
	note_mismatch(o, "%s: expected %s, got %s", what, w, g);
	return 1;
}

int nd_vcmp_fx_vec(struct nd_vout *o, const char *what, enum nd_fxtype type, const dn_i128 *got,
		   size_t ngot, const dn_i128 *want, size_t nwant, dn_i128 eps)
{
	int before = o->mismatches;
	if (ngot != nwant) {
		note_mismatch(o, "%s: expected %zu entries, got %zu", what, nwant, ngot);
		return 1;
	}
	for (size_t i = 0; i < ngot; i++) {
		char w[96];
		snprintf(w, sizeof(w), "%s[%zu]", what, i);
		nd_vcmp_fx(o, w, type, got[i], want[i], eps);
	}
	return mismatch_tail(o, before);
}

int nd_vcmp_int(struct nd_vout *o, const char *what, dn_i128 got, dn_i128 want)
{
	if (got == want)
		return 0;
	char g[42], w[42];
	note_mismatch(o, "%s: expected %s, got %s", what, dn_i128_format(want, w),
		      dn_i128_format(got, g));
	return 1;
}

int nd_vcmp_int_vec(struct nd_vout *o, const char *what, const int64_t *got, size_t ngot,
		    const int64_t *want, size_t nwant)
{
	int before = o->mismatches;
	if (ngot != nwant) {
		note_mismatch(o, "%s: expected %zu entries, got %zu", what, nwant, ngot);
		return 1;
	}
	for (size_t i = 0; i < ngot; i++) {
		char w[96];
		snprintf(w, sizeof(w), "%s[%zu]", what, i);
		nd_vcmp_int(o, w, got[i], want[i]);
	}
	return mismatch_tail(o, before);
}

int nd_vcmp_bool_vec(struct nd_vout *o, const char *what, const bool *got, size_t ngot,
		     const bool *want, size_t nwant)
{
	int before = o->mismatches;
	if (ngot != nwant) {
		note_mismatch(o, "%s: expected %zu entries, got %zu", what, nwant, ngot);
		return 1;
	}
	for (size_t i = 0; i < ngot; i++)
		if (got[i] != want[i])
			note_mismatch(o, "%s[%zu]: expected %s, got %s", what, i,
				      want[i] ? "true" : "false", got[i] ? "true" : "false");
	return mismatch_tail(o, before);
}

int nd_vcmp_sparse(struct nd_vout *o, const char *what, enum nd_fxtype type,
		   const struct nd_vsparse *got, const struct nd_vsparse *want, dn_i128 eps)
{
	int before = o->mismatches;
	if (got->rows != want->rows) {
		note_mismatch(o, "%s: expected %zu rows, got %zu", what, want->rows, got->rows);
		return 1;
	}
	for (size_t i = 0; i < got->rows; i++) {
		size_t gl = got->start[i + 1] - got->start[i];
		size_t wl = want->start[i + 1] - want->start[i];
		if (gl != wl) {
			note_mismatch(o, "%s row %zu: expected %zu entries, got %zu", what, i, wl,
				      gl);
			continue;
		}
		for (size_t k = 0; k < gl; k++) {
			size_t a = got->start[i] + k, b = want->start[i] + k;
			char w[96];
			if (got->col[a] != want->col[b]) {
				note_mismatch(o, "%s row %zu entry %zu: expected column %u, got %u",
					      what, i, k, want->col[b], got->col[a]);
				continue;
			}
			snprintf(w, sizeof(w), "%s[%zu][col %u]", what, i, got->col[a]);
			nd_vcmp_fx(o, w, type, got->val[a], want->val[b], eps);
		}
	}
	return mismatch_tail(o, before);
}
