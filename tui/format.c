/*
 * Number formatting for display: see format.h.
 */
#include "tui/format.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int special(char *buf, size_t n, double v)
{
	if (isnan(v))
		return snprintf(buf, n, "nan");
	return snprintf(buf, n, "%s", v < 0 ? "-inf" : "inf");
}

/* "1.2300" -> "1.23", "2.000" -> "2", "1.50e-05" -> "1.5e-5", "2e+21" -> "2e21" */
static void tidy(char *s, size_t n)
{
	char exp[16] = "";
	char *e = strchr(s, 'e');
	if (e) {
		int x = (int)strtol(e + 1, NULL, 10);
		snprintf(exp, sizeof(exp), "e%d", x);
		*e = '\0';
	}
	if (strchr(s, '.')) {
		size_t len = strlen(s);
		while (len > 0 && s[len - 1] == '0')
			s[--len] = '\0';
		if (len > 0 && s[len - 1] == '.')
			s[--len] = '\0';
	}
	if (strcmp(s, "-0") == 0)
		s[0] = '0', s[1] = '\0';
	size_t len = strlen(s);
	snprintf(s + len, n - len, "%s", exp);
}

/* s with sig significant digits in fixed notation (|s| >= 1e-3). */
static void fixed_sig(char *tmp, size_t n, double s, int sig)
{
	double a = fabs(s);
	int e = a > 0 ? (int)floor(log10(a)) : 0;
	int d = sig - 1 - e;
	d = d < 0 ? 0 : d > 17 ? 17 : d;
	snprintf(tmp, n, "%.*f", d, s);
}

int tui_fmt_compact(char *buf, size_t n, double v, int sig)
{
	static const char suffix[] = "kMGTPE";
	char tmp[96];
	if (!isfinite(v))
		return special(buf, n, v);
	sig = sig < 1 ? 1 : sig > 15 ? 15 : sig;
	double a = fabs(v);
	if (a == 0)
		return snprintf(buf, n, "0");
	int k = 0;
	double s = v;
	if (a >= 1e-3) {
		while (k < 6 && fabs(s) >= 1000) {
			s /= 1000;
			k++;
		}
		if (fabs(s) < 1000) {
			fixed_sig(tmp, sizeof(tmp), s, sig);
			if (fabs(strtod(tmp, NULL)) >= 1000 && k < 6) {
				/* 999.96 rounds up to the next suffix */
				s /= 1000;
				k++;
				fixed_sig(tmp, sizeof(tmp), s, sig);
			}
			if (fabs(strtod(tmp, NULL)) < 1000) {
				tidy(tmp, sizeof(tmp));
				if (k > 0)
					return snprintf(buf, n, "%s%c", tmp, suffix[k - 1]);
				return snprintf(buf, n, "%s", tmp);
			}
		}
	}
	snprintf(tmp, sizeof(tmp), "%.*e", sig - 1, v);
	tidy(tmp, sizeof(tmp));
	return snprintf(buf, n, "%s", tmp);
}

int tui_fmt_int(char *buf, size_t n, int64_t v, bool group)
{
	char digits[32], out[40];
	uint64_t m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	int len = snprintf(digits, sizeof(digits), "%llu", (unsigned long long)m);
	size_t o = 0;
	if (v < 0)
		out[o++] = '-';
	for (int i = 0; i < len; i++) {
		if (group && i > 0 && (len - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	out[o] = '\0';
	return snprintf(buf, n, "%s", out);
}

int tui_fmt_fixed(char *buf, size_t n, double v, int decimals)
{
	char tmp[352];
	if (!isfinite(v))
		return special(buf, n, v);
	decimals = decimals < 0 ? 0 : decimals > 17 ? 17 : decimals;
	snprintf(tmp, sizeof(tmp), "%.*f", decimals, v);
	/* "-0.000" reads as a sign that is not there */
	if (tmp[0] == '-' && strspn(tmp + 1, "0.") == strlen(tmp + 1))
		memmove(tmp, tmp + 1, strlen(tmp));
	return snprintf(buf, n, "%s", tmp);
}
