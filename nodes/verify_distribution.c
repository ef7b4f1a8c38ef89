/*
 * Checkers for the dTAO records of the distribution of a subnet's emission at its epoch, and root dividends.
 */
#include "nodes/verify.h"

const struct nd_vkind nd_vkinds_distribution[] = {
	{NULL, NULL, NULL},
};
