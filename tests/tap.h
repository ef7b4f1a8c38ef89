/*
 * A small TAP (Test Anything Protocol) producer for the unit tests.
 *
 * Each check prints one "ok N - name" or "not ok N - name" line; a failure
 * adds a diagnostic with the file, line, what was expected and what was
 * got. automake's TAP driver reads the output. tap_done() returns the exit
 * status: 0 when every planned check ran and passed.
 */
#ifndef TAODEV_TAP_H
#define TAODEV_TAP_H

#include <stdbool.h>
#include <stdint.h>

#include "devnet/fixed.h"

void tap_plan(int n);
int tap_done(void);
void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void skip(int n, const char *reason);

bool tap_ok(bool cond, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
bool tap_is_int(intmax_t got, intmax_t want, const char *file, int line, const char *name);
bool tap_is_str(const char *got, const char *want, const char *file, int line, const char *name);
bool tap_is_bits(dn_i32f32 got, dn_i32f32 want, const char *file, int line, const char *name);
bool tap_is_i128(dn_i128 got, dn_i128 want, const char *file, int line, const char *name);

/* A deterministic xorshift64* generator for test inputs (never seeded from
 * the clock: a failing case must reproduce). */
uint64_t tap_rand(void);
/* The same generator over a caller-held state (one stream per test case). */
uint64_t tap_rand_next(uint64_t *state);
void tap_rand_seed(uint64_t seed);

#define ok(cond, ...) tap_ok((cond), __FILE__, __LINE__, __VA_ARGS__)
#define is_int(got, want, name) tap_is_int((got), (want), __FILE__, __LINE__, (name))
#define is_str(got, want, name) tap_is_str((got), (want), __FILE__, __LINE__, (name))
/* Raw I32F32 bits, reported with their value. */
#define is_bits(got, want, name) tap_is_bits((got), (want), __FILE__, __LINE__, (name))
#define is_i128(got, want, name) tap_is_i128((got), (want), __FILE__, __LINE__, (name))

#endif
