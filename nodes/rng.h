/*
 * A small deterministic random number generator (xoshiro256**, seeded
 * through splitmix64): the same seed gives the same sequence on every
 * machine. For benchmarks and fake participants; never for keys.
 */
#ifndef ND_RNG_H
#define ND_RNG_H

#include <stdint.h>

struct nd_rng {
	uint64_t s[4];
};

void nd_rng_seed(struct nd_rng *r, uint64_t seed);
uint64_t nd_rng_next(struct nd_rng *r);
/* Uniform in [0, bound) without modulo bias; bound > 0. */
uint64_t nd_rng_below(struct nd_rng *r, uint64_t bound);

#endif
