/*
 * tui/format: compact numbers for axes and columns, grouped integers,
 * fixed decimals, and the odd values (NaN, infinities, -0, extremes).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/tap.h"
#include "tui/format.h"

struct ccase {
	double v;
	int sig;
	const char *want;
};

static const struct ccase compact[] = {
	{0, 3, "0"},
	{-0.0, 3, "0"},
	{1, 3, "1"},
	{1.5, 3, "1.5"},
	{12.345, 3, "12.3"},
	{999, 3, "999"},
	{999.5, 3, "1k"},
	{999.96, 4, "1k"},
	{1000, 3, "1k"},
	{1234, 2, "1.2k"},
	{1234, 3, "1.23k"},
	{-1234, 3, "-1.23k"},
	{3.4e6, 2, "3.4M"},
	{7.2e6, 3, "7.2M"},
	{21e6, 3, "21M"},
	{999999, 3, "1M"},
	{1e9, 3, "1G"},
	{1.5e12, 3, "1.5T"},
	{2.5e15, 3, "2.5P"},
	{9.2e18, 3, "9.2E"},
	{2e21, 3, "2e21"},
	{0.0012, 2, "0.0012"},
	{0.5, 3, "0.5"},
	{0.123456, 3, "0.123"},
	{0.001, 3, "0.001"},
	{0.00012, 2, "1.2e-4"},
	{1.2e-5, 2, "1.2e-5"},
	{-3e-7, 3, "-3e-7"},
	{1e300, 3, "1e300"},
	{-1e-300, 2, "-1e-300"},
	{1.23456789, 9, "1.23456789"},
	{1234.5, 0, "1k"},
	{1234.5, 99, "1.2345k"},
};

static void test_compact(void)
{
	char buf[64];
	for (size_t i = 0; i < sizeof(compact) / sizeof(compact[0]); i++) {
		char name[96];
		tui_fmt_compact(buf, sizeof(buf), compact[i].v, compact[i].sig);
		snprintf(name, sizeof(name), "compact %.10g (%d digits) is %s", compact[i].v,
			 compact[i].sig, compact[i].want);
		is_str(buf, compact[i].want, name);
	}
	tui_fmt_compact(buf, sizeof(buf), NAN, 3);
	is_str(buf, "nan", "compact NaN");
	tui_fmt_compact(buf, sizeof(buf), -INFINITY, 3);
	is_str(buf, "-inf", "compact -inf");
	int n = tui_fmt_compact(buf, 4, 1234567, 6);
	is_int(n, 8, "compact returns the full length like snprintf");
	is_str(buf, "1.2", "... and truncates to the buffer");
}

static void test_int_fixed(void)
{
	char buf[64];
	tui_fmt_int(buf, sizeof(buf), 1234567, true);
	is_str(buf, "1,234,567", "integers group thousands");
	tui_fmt_int(buf, sizeof(buf), 999, true);
	is_str(buf, "999", "... not below a thousand");
	tui_fmt_int(buf, sizeof(buf), -1000, true);
	is_str(buf, "-1,000", "... with a sign");
	tui_fmt_int(buf, sizeof(buf), INT64_MIN, true);
	is_str(buf, "-9,223,372,036,854,775,808", "... down to INT64_MIN");
	tui_fmt_int(buf, sizeof(buf), 1234567, false);
	is_str(buf, "1234567", "... or not");
	tui_fmt_fixed(buf, sizeof(buf), 0.12345, 3);
	is_str(buf, "0.123", "fixed decimals");
	tui_fmt_fixed(buf, sizeof(buf), -0.0001, 2);
	is_str(buf, "0.00", "a negative that rounds to zero loses its sign");
	tui_fmt_fixed(buf, sizeof(buf), 2.5, 0);
	is_str(buf, "2", "fixed rounds half to even like printf");
	tui_fmt_fixed(buf, sizeof(buf), INFINITY, 2);
	is_str(buf, "inf", "fixed inf");
	is_int(tui_fmt_fixed(buf, sizeof(buf), 1e300, 30), 301 + 18,
	       "fixed clamps decimals to 17 (1e300 takes 319 characters)");
}

static void test_properties(void)
{
	tap_rand_seed(0xf0a7);
	bool short_enough = true, parses = true;
	char buf[64];
	for (int i = 0; i < 20000; i++) {
		uint64_t bits = tap_rand();
		double v;
		memcpy(&v, &bits, sizeof(v));
		int sig = (int)(tap_rand() % 4) + 1;
		int n = tui_fmt_compact(buf, sizeof(buf), v, sig);
		if (n > sig + 8)
			short_enough = false;
		if (isfinite(v) && strchr(buf, 'e') && !strchr("kMGTPE", buf[n - 1])) {
			double back = strtod(buf, NULL);
			/* 1.7e308 shows as 2e308, which no double holds */
			if (isfinite(back) &&
			    !(fabs(back - v) <= fabs(v) * 0.51 * pow(10, 1 - sig)))
				parses = false;
		}
	}
	ok(short_enough, "compact text stays within sig + 8 characters for any double");
	ok(parses, "compact exponent forms read back within half a unit of the last digit");
}

int main(void)
{
	tap_plan(33 + 4 + 10 + 2);
	test_compact();
	test_int_fixed();
	test_properties();
	return tap_done();
}
