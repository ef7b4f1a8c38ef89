/*
 * Checkers for the dTAO records of subnet and neuron registration: lock cost, burn, pruning.
 */
#include "nodes/verify.h"

const struct nd_vkind nd_vkinds_registry[] = {
	{NULL, NULL, NULL},
};
