/*
 * TAP producer: see tap.h.
 */
#include "tests/tap.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int planned = -1;
static int run;
static int failed;

void tap_plan(int n)
{
	planned = n;
	printf("1..%d\n", n);
	fflush(stdout);
}

static void vdiag(const char *fmt, va_list ap)
{
	fputs("# ", stdout);
	vprintf(fmt, ap);
	fputc('\n', stdout);
}

void diag(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vdiag(fmt, ap);
	va_end(ap);
	fflush(stdout);
}

void skip(int n, const char *reason)
{
	for (int i = 0; i < n; i++)
		printf("ok %d # SKIP %s\n", ++run, reason);
	fflush(stdout);
}

static bool report(bool cond, const char *file, int line, const char *name)
{
	run++;
	printf("%sok %d - %s\n", cond ? "" : "not ", run, name);
	if (!cond) {
		failed++;
		printf("#   failed at %s:%d\n", file, line);
	}
	fflush(stdout);
	return cond;
}

bool tap_ok(bool cond, const char *file, int line, const char *fmt, ...)
{
	char name[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	return report(cond, file, line, name);
}

bool tap_is_int(intmax_t got, intmax_t want, const char *file, int line, const char *name)
{
	if (!report(got == want, file, line, name)) {
		diag("       got: %jd", got);
		diag("  expected: %jd", want);
		return false;
	}
	return true;
}

bool tap_is_str(const char *got, const char *want, const char *file, int line, const char *name)
{
	bool same = (got == NULL && want == NULL) ||
		    (got != NULL && want != NULL && strcmp(got, want) == 0);
	if (!report(same, file, line, name)) {
		diag("       got: '%s'", got ? got : "(null)");
		diag("  expected: '%s'", want ? want : "(null)");
		return false;
	}
	return true;
}

bool tap_is_bits(dn_i32f32 got, dn_i32f32 want, const char *file, int line, const char *name)
{
	if (!report(got == want, file, line, name)) {
		diag("       got: %lld bits (%.12g)", (long long)got, dn_fx_to_double(got));
		diag("  expected: %lld bits (%.12g)", (long long)want, dn_fx_to_double(want));
		return false;
	}
	return true;
}

bool tap_is_i128(dn_i128 got, dn_i128 want, const char *file, int line, const char *name)
{
	char g[42], w[42];
	if (!report(got == want, file, line, name)) {
		diag("       got: %s", dn_i128_format(got, g));
		diag("  expected: %s", dn_i128_format(want, w));
		return false;
	}
	return true;
}

static uint64_t rand_state = 0x9e3779b97f4a7c15ULL;

void tap_rand_seed(uint64_t seed) { rand_state = seed ? seed : 0x9e3779b97f4a7c15ULL; }

uint64_t tap_rand_next(uint64_t *state)
{
	*state ^= *state >> 12;
	*state ^= *state << 25;
	*state ^= *state >> 27;
	return *state * 0x2545f4914f6cdd1dULL;
}

uint64_t tap_rand(void) { return tap_rand_next(&rand_state); }

int tap_done(void)
{
	if (planned >= 0 && run != planned) {
		diag("planned %d checks but ran %d", planned, run);
		return 1;
	}
	if (planned < 0)
		printf("1..%d\n", run);
	if (failed)
		diag("%d of %d checks failed", failed, run);
	return failed ? 1 : 0;
}
