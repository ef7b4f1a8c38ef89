/*
 * A subnet's epoch schedule (see schedule.h): the chain's dynamic-tempo
 * scheduler, one function per chain function.
 */
#include "devnet/schedule.h"

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	uint64_t r;
	return __builtin_add_overflow(a, b, &r) ? UINT64_MAX : r;
}

static uint64_t sat_sub(uint64_t a, uint64_t b) { return a > b ? a - b : 0; }

const char *dn_schedule_strerror(int err)
{
	switch (err) {
	case 0: return "ok";
	case DN_SCHEDULE_EINVAL: return "invalid argument";
	case DN_SCHEDULE_ETEMPO: return "TempoOutOfBounds";
	case DN_SCHEDULE_EFROZEN: return "AdminActionProhibitedDuringWeightsWindow";
	case DN_SCHEDULE_ECOMMITREVEAL: return "DynamicTempoBlockedByCommitReveal";
	case DN_SCHEDULE_EPENDING: return "EpochTriggerAlreadyPending";
	case DN_SCHEDULE_EIMMINENT: return "AutoEpochAlreadyImminent";
	default: return "unknown error";
	}
}

/* subtensor runtime/src/lib.rs (MaxEpochsPerBlock 2, InitialTempo 360),
 * pallets/subtensor/src/lib.rs (DefaultAdminFreezeWindow 10, MIN_TEMPO,
 * MAX_TEMPO). */
void dn_schedule_params_default(struct dn_schedule_params *p)
{
	p->max_epochs_per_block = 2;
	p->admin_freeze_window = 10;
	p->min_tempo = 360;
	p->max_tempo = 50400;
	p->initial_tempo = 360;
}

/* subtensor tests/mock.rs: MaxEpochsPerBlock 32. */
void dn_schedule_params_mock(struct dn_schedule_params *p)
{
	dn_schedule_params_default(p);
	p->max_epochs_per_block = 32;
}

/* subtensor init_new_network, step 3.1: the per-netuid stagger. */
void dn_schedule_init(struct dn_schedule *s, uint16_t netuid, uint16_t tempo, uint64_t now)
{
	uint64_t period = tempo > 0 ? tempo : 1;
	s->tempo = tempo;
	s->last_epoch_block = sat_sub(now, netuid % period);
	s->pending_epoch_at = 0;
	s->blocks_since_last_step = 0;
	s->epoch_index = 0;
	s->last_mechanism_step_block = 0;
}

/* subtensor should_run_epoch. */
bool dn_schedule_should_run(const struct dn_schedule_params *p, const struct dn_schedule *s,
			    uint64_t block)
{
	if (s->tempo == 0)
		return false;
	if (s->pending_epoch_at > 0 && block >= s->pending_epoch_at)
		return true;
	if (s->blocks_since_last_step > p->max_tempo)
		return true;
	return sat_sub(block, s->last_epoch_block) >= s->tempo;
}

/* subtensor blocks_until_next_auto_epoch. */
uint64_t dn_schedule_blocks_until_next_auto_epoch(const struct dn_schedule *s, uint16_t tempo,
						  uint64_t block)
{
	if (tempo == 0)
		return UINT64_MAX;
	return sat_sub(sat_add(s->last_epoch_block, tempo), block);
}

/* subtensor get_next_epoch_start_block. */
bool dn_schedule_next_epoch_start(const struct dn_schedule *s, uint64_t *out)
{
	if (s->tempo == 0)
		return false;
	uint64_t next = sat_add(s->last_epoch_block, s->tempo);
	if (s->pending_epoch_at > 0 && s->pending_epoch_at < next)
		next = s->pending_epoch_at;
	*out = next;
	return true;
}

/* subtensor is_in_admin_freeze_window. */
bool dn_schedule_in_freeze_window(const struct dn_schedule_params *p, const struct dn_schedule *s,
				  uint64_t block)
{
	if (s->tempo == 0)
		return false;
	if (s->pending_epoch_at > 0 && s->pending_epoch_at > block)
		return true;
	return dn_schedule_blocks_until_next_auto_epoch(s, s->tempo, block) <
	       p->admin_freeze_window;
}

/* subtensor apply_tempo_with_cycle_reset. */
void dn_schedule_apply_tempo(struct dn_schedule *s, uint16_t tempo, uint64_t now)
{
	s->tempo = tempo;
	s->last_epoch_block = now;
}

/* subtensor do_set_tempo (tempo_control.rs): bounds, freeze window, reset. */
int dn_schedule_set_tempo(const struct dn_schedule_params *p, struct dn_schedule *s, uint16_t tempo,
			  uint64_t now)
{
	if (!p || !s)
		return DN_SCHEDULE_EINVAL;
	if (tempo < p->min_tempo || tempo > p->max_tempo)
		return DN_SCHEDULE_ETEMPO;
	if (dn_schedule_in_freeze_window(p, s, now))
		return DN_SCHEDULE_EFROZEN;
	dn_schedule_apply_tempo(s, tempo, now);
	return 0;
}

/* subtensor do_trigger_epoch (tempo_control.rs). */
int dn_schedule_trigger_epoch(const struct dn_schedule_params *p, struct dn_schedule *s,
			      bool commit_reveal, uint64_t now, uint64_t *fires_at)
{
	if (!p || !s)
		return DN_SCHEDULE_EINVAL;
	if (commit_reveal)
		return DN_SCHEDULE_ECOMMITREVEAL;
	if (s->pending_epoch_at != 0)
		return DN_SCHEDULE_EPENDING;
	uint64_t window = p->admin_freeze_window;
	if (dn_schedule_blocks_until_next_auto_epoch(s, s->tempo, now) < window)
		return DN_SCHEDULE_EIMMINENT;
	s->pending_epoch_at = sat_add(now, window);
	if (fires_at)
		*fires_at = s->pending_epoch_at;
	return 0;
}

/* subtensor drain_pending, the body of its loop for one subnet. */
enum dn_schedule_outcome dn_schedule_tick(const struct dn_schedule_params *p, struct dn_schedule *s,
					  uint64_t block, bool consistent, uint32_t *epochs_run)
{
	/* incremented before the due test, so a run resets it to 0 */
	s->blocks_since_last_step = sat_add(s->blocks_since_last_step, 1);
	if (!dn_schedule_should_run(p, s, block))
		return DN_SCHEDULE_IDLE;
	if (*epochs_run >= p->max_epochs_per_block) {
		/* per-block cap: try again next block, pending emission kept */
		s->pending_epoch_at = sat_add(block, 1);
		return DN_SCHEDULE_DEFERRED;
	}
	enum dn_schedule_outcome out = DN_SCHEDULE_SKIPPED;
	if (consistent) {
		s->blocks_since_last_step = 0;
		(*epochs_run)++;
		out = DN_SCHEDULE_RUN;
	}
	/* the slot is consumed either way */
	s->last_epoch_block = block;
	s->pending_epoch_at = 0;
	s->epoch_index = sat_add(s->epoch_index, 1);
	return out;
}

/* subtensor epochs_deferred_this_block. */
size_t dn_schedule_deferred(const struct dn_schedule_params *p, const struct dn_schedule *const *s,
			    size_t n, uint64_t block, const bool *consistent, bool *deferred)
{
	uint32_t run = 0;
	size_t count = 0;
	for (size_t i = 0; i < n; i++) {
		bool d = false;
		if (dn_schedule_should_run(p, s[i], block)) {
			if (run >= p->max_epochs_per_block)
				d = true;
			else if (!consistent || consistent[i])
				run++;
		}
		if (deferred)
			deferred[i] = d;
		count += d;
	}
	return count;
}
