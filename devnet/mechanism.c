/*
 * Mechanism indices and the emission split between mechanisms.
 */
#include "devnet/mechanism.h"

uint16_t dn_mechanism_storage_index(uint16_t netuid, uint8_t mecid)
{
	uint32_t idx = (uint32_t)mecid * DN_MAX_SUBNETS;
	if (idx > UINT16_MAX)
		idx = UINT16_MAX;
	idx += netuid;
	return idx > UINT16_MAX ? UINT16_MAX : (uint16_t)idx;
}

void dn_mechanism_from_index(uint16_t index, uint16_t *netuid, uint8_t *mecid)
{
	*netuid = (uint16_t)(index % DN_MAX_SUBNETS);
	*mecid = (uint8_t)(index / DN_MAX_SUBNETS);
}

/* subtensor subnets/mechanism.rs split_emissions */
void dn_mechanism_split_emissions(uint64_t alpha, unsigned count, const uint16_t *split,
				  size_t nsplit, uint64_t *out)
{
	uint64_t sum = 0;
	for (unsigned m = 0; m < count; m++) {
		if (split)
			out[m] = m < nsplit ? (uint64_t)(((unsigned __int128)alpha * split[m]) /
							 UINT16_MAX)
					    : 0;
		else
			out[m] = alpha / count;
		/* the chain sums with wrapping-free u64 addition of the parts */
		sum += out[m];
	}
	if (count > 0)
		out[0] += alpha > sum ? alpha - sum : 0;
}
