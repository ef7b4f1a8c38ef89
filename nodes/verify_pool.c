/*
 * Checkers for the dTAO records of the subnet pool (balancer AMM) and share pools.
 */
#include "nodes/verify.h"

const struct nd_vkind nd_vkinds_pool[] = {
	{NULL, NULL, NULL},
};
