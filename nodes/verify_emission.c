/*
 * Checkers for the dTAO records of block emission, the split across subnets, pool injection, pending emission and the epoch schedule.
 */
#include "nodes/verify.h"

const struct nd_vkind nd_vkinds_emission[] = {
	{NULL, NULL, NULL},
};
