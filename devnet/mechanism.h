/*
 * Mechanisms: several incentive mechanisms per subnet (sub-subnets).
 *
 * Each mechanism has its own weights, bonds, last-update and incentive,
 * stored under index mecid * 4096 + netuid; the subnet's emission is split
 * between them (subtensor subnets/mechanism.rs).
 */
#ifndef DN_MECHANISM_H
#define DN_MECHANISM_H

#include <stddef.h>
#include <stdint.h>

/* subtensor GLOBAL_MAX_SUBNET_COUNT and MAX_MECHANISM_COUNT_PER_SUBNET:
 * their product is 0x10000, so an index always fits in a u16. */
#define DN_MAX_SUBNETS 4096u
#define DN_MAX_MECHANISMS 16u

/* subtensor get_mechanism_storage_index: mecid * 4096 + netuid (u16,
 * saturating). */
uint16_t dn_mechanism_storage_index(uint16_t netuid, uint8_t mecid);

/* subtensor get_netuid_and_subid without the existence check:
 * netuid = index mod 4096, mecid = index div 4096. */
void dn_mechanism_from_index(uint16_t index, uint16_t *netuid, uint8_t *mecid);

/* subtensor split_emissions: `alpha` split over `count` mechanisms. With
 * no split (split == NULL) each gets alpha / count; with a split (u16
 * weights out of 65535, nsplit entries) each gets floor(alpha * s / 65535)
 * in 128-bit arithmetic, missing entries 0, extra entries ignored. The
 * rounding remainder goes to mechanism 0. out has `count` entries. */
void dn_mechanism_split_emissions(uint64_t alpha, unsigned count, const uint16_t *split,
				  size_t nsplit, uint64_t *out);

#endif
