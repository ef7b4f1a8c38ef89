/*
 * devnet/schedule: the chain's dynamic-tempo epoch scheduler. The block in
 * which each subnet's epoch runs for several netuids and tempos, the
 * creation stagger, the per-block cap and its deferral, owner triggers and
 * tempo changes, and the chain test test_blocks_since_last_step replayed.
 */
#include "devnet/schedule.h"
#include "tests/tap.h"

#include <stdio.h>

/* Ticks one subnet alone from block `from` to `to` (inclusive); returns
 * the first block whose epoch ran, or 0. */
static uint64_t first_run(const struct dn_schedule_params *p, struct dn_schedule *s, uint64_t from,
			  uint64_t to)
{
	for (uint64_t b = from; b <= to; b++) {
		uint32_t run = 0;
		if (dn_schedule_tick(p, s, b, true, &run) == DN_SCHEDULE_RUN)
			return b;
	}
	return 0;
}

static void test_stagger(void)
{
	struct dn_schedule s;
	dn_schedule_init(&s, 5, 360, 1000);
	is_int(s.last_epoch_block, 995, "stagger: netuid 5, tempo 360 -> now - 5");
	dn_schedule_init(&s, 400, 360, 1000);
	is_int(s.last_epoch_block, 960, "stagger: netuid 400 mod 360 = 40");
	dn_schedule_init(&s, 7, 0, 1000);
	is_int(s.last_epoch_block, 1000, "stagger: tempo 0 uses period 1, no stagger");
	dn_schedule_init(&s, 9, 360, 3);
	is_int(s.last_epoch_block, 0, "stagger saturates at block 0");
	ok(s.pending_epoch_at == 0 && s.blocks_since_last_step == 0 && s.epoch_index == 0,
	   "a new schedule has nothing pending");
}

/* The epoch of a subnet created at block `now` first runs at now -
 * (netuid mod tempo) + tempo, then every tempo blocks. */
static void test_epoch_blocks(const struct dn_schedule_params *p)
{
	static const struct {
		uint16_t netuid, tempo;
		uint64_t created;
	} cases[] = {
		{1, 10, 0}, {2, 10, 0}, {3, 360, 100}, {7, 99, 5000}, {361, 360, 1}, {12, 1, 50},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct dn_schedule s;
		uint16_t n = cases[i].netuid, t = cases[i].tempo;
		uint64_t c = cases[i].created;
		dn_schedule_init(&s, n, t, c);
		uint64_t anchor = c > (uint64_t)(n % t) ? c - n % t : 0;
		uint64_t want1 = anchor + t;
		if (want1 <= c) /* tempo 1: due on the creation block already */
			want1 = c + 1;
		uint64_t got1 = first_run(p, &s, c + 1, c + 3 * (uint64_t)t + 2);
		char name[128];
		snprintf(name, sizeof(name), "netuid %u tempo %u created %llu: first epoch", n, t,
			 (unsigned long long)c);
		is_int(got1, want1, name);
		uint64_t got2 = first_run(p, &s, got1 + 1, got1 + 3 * (uint64_t)t + 2);
		snprintf(name, sizeof(name), "netuid %u tempo %u: next epoch one tempo later", n,
			 t);
		is_int(got2, got1 + t, name);
		is_int(s.epoch_index, 2, "two slots consumed");
	}
}

static void test_queries(const struct dn_schedule_params *p)
{
	struct dn_schedule s = {.tempo = 10, .last_epoch_block = 0};
	is_int(dn_schedule_blocks_until_next_auto_epoch(&s, 10, 5), 5, "blocks until: 0 + 10 - 5");
	is_int(dn_schedule_blocks_until_next_auto_epoch(&s, 0, 5), -1, "blocks until: tempo 0");
	is_int(dn_schedule_blocks_until_next_auto_epoch(&s, 65535, UINT64_MAX), 0,
	       "blocks until saturates at 0");
	uint64_t next = 0;
	s.last_epoch_block = 100;
	s.tempo = 50;
	ok(dn_schedule_next_epoch_start(&s, &next) && next == 150, "next start: last + tempo");
	s.pending_epoch_at = 120;
	ok(dn_schedule_next_epoch_start(&s, &next) && next == 120, "next start: earlier pending");
	s.pending_epoch_at = 200;
	ok(dn_schedule_next_epoch_start(&s, &next) && next == 150, "next start: later pending");
	s.tempo = 0;
	ok(!dn_schedule_next_epoch_start(&s, &next), "next start: none for tempo 0");
	ok(!dn_schedule_should_run(p, &s, 1000000), "tempo 0 never runs");

	struct dn_schedule q = {.tempo = 50400, .last_epoch_block = 1000};
	q.blocks_since_last_step = 50400;
	ok(!dn_schedule_should_run(p, &q, 1001), "not due with BlocksSinceLastStep = MAX_TEMPO");
	q.blocks_since_last_step = 50401;
	ok(dn_schedule_should_run(p, &q, 1001), "safety net: BlocksSinceLastStep > MAX_TEMPO");
}

static void test_cap(const struct dn_schedule_params *p2)
{
	/* five subnets due at block 100, cap 2 */
	struct dn_schedule s[5];
	const struct dn_schedule *ptr[5];
	for (int i = 0; i < 5; i++) {
		s[i] = (struct dn_schedule){.tempo = 10, .last_epoch_block = 90};
		ptr[i] = &s[i];
	}
	bool deferred[5];
	is_int(dn_schedule_deferred(p2, ptr, 5, 100, NULL, deferred), 3,
	       "deferred this block = due - cap");
	ok(!deferred[0] && !deferred[1] && deferred[2] && deferred[3] && deferred[4],
	   "the subnets beyond the cap, in netuid order, are the deferred ones");
	bool cons[5] = {false, true, true, true, true};
	is_int(dn_schedule_deferred(p2, ptr, 5, 100, cons, NULL), 2,
	       "an inconsistent subnet does not use a slot of the cap");
	is_int(s[0].pending_epoch_at, 0, "dn_schedule_deferred changes nothing");

	int runs[3] = {0};
	for (uint64_t b = 100; b <= 102; b++) {
		uint32_t run = 0;
		for (int i = 0; i < 5; i++)
			if (dn_schedule_tick(p2, &s[i], b, true, &run) == DN_SCHEDULE_RUN)
				runs[b - 100]++;
		if (b == 100)
			ok(s[2].pending_epoch_at == 101 && s[4].pending_epoch_at == 101 &&
				   s[2].last_epoch_block == 90,
			   "deferred subnets: PendingEpochAt = block + 1, slot not consumed");
	}
	ok(runs[0] == 2 && runs[1] == 2 && runs[2] == 1, "2, 2, then 1 epochs over three blocks");
	ok(s[4].last_epoch_block == 102 && s[4].pending_epoch_at == 0 &&
		   s[4].blocks_since_last_step == 0,
	   "the last deferred subnet ran two blocks late and its schedule restarted");
	is_int(s[0].last_epoch_block, 100, "a subnet within the cap ran on time");
}

static void test_skipped(const struct dn_schedule_params *p)
{
	struct dn_schedule s = {.tempo = 10, .last_epoch_block = 0, .blocks_since_last_step = 9};
	uint32_t run = 0;
	is_int(dn_schedule_tick(p, &s, 10, false, &run), DN_SCHEDULE_SKIPPED,
	       "inconsistent input: skipped");
	ok(run == 0 && s.blocks_since_last_step == 10 && s.last_epoch_block == 10 &&
		   s.epoch_index == 1,
	   "skipped: slot consumed, BlocksSinceLastStep kept, not counted against the cap");
}

static void test_owner(const struct dn_schedule_params *p)
{
	struct dn_schedule s;
	dn_schedule_init(&s, 1, 360, 1);
	is_int(dn_schedule_set_tempo(p, &s, 359, 10), DN_SCHEDULE_ETEMPO, "set_tempo below 360");
	is_int(dn_schedule_set_tempo(p, &s, 50401, 10), DN_SCHEDULE_ETEMPO,
	       "set_tempo above 50400");
	is_int(dn_schedule_set_tempo(p, &s, 720, 10), 0, "set_tempo 720 at block 10");
	uint64_t next = 0;
	ok(dn_schedule_next_epoch_start(&s, &next) && next == 730, "cycle reset: next = 10 + 720");
	is_int(dn_schedule_set_tempo(p, &s, 400, 725), DN_SCHEDULE_EFROZEN,
	       "set_tempo inside the freeze window");
	is_int(s.tempo, 720, "a refused set_tempo changes nothing");

	uint64_t fires = 0;
	struct dn_schedule t;
	dn_schedule_init(&t, 1, 360, 1);
	is_int(dn_schedule_trigger_epoch(p, &t, true, 1, &fires), DN_SCHEDULE_ECOMMITREVEAL,
	       "trigger refused under commit-reveal");
	struct dn_schedule_params p5 = *p;
	p5.admin_freeze_window = 5;
	is_int(dn_schedule_trigger_epoch(&p5, &t, false, 1, &fires), 0, "trigger at block 1");
	ok(fires == 6 && t.pending_epoch_at == 6, "pending epoch at now + window");
	is_int(dn_schedule_trigger_epoch(&p5, &t, false, 2, &fires), DN_SCHEDULE_EPENDING,
	       "a second trigger is refused");
	uint64_t first = first_run(p, &t, 2, 10);
	is_int(first, 6, "the triggered epoch runs at its block");
	is_int(t.pending_epoch_at, 0, "and clears PendingEpochAt");

	struct dn_schedule u = {.tempo = 10, .last_epoch_block = 1};
	struct dn_schedule_params p8 = *p;
	p8.admin_freeze_window = 8;
	is_int(dn_schedule_trigger_epoch(&p8, &u, false, 5, &fires), DN_SCHEDULE_EIMMINENT,
	       "trigger refused when the automatic epoch is 6 < 8 blocks away");
	is_int(u.pending_epoch_at, 0, "a refused trigger changes nothing");
}

/* subtensor tests/epoch.rs test_blocks_since_last_step. */
static void test_blocks_since_last_step(const struct dn_schedule_params *p)
{
	struct dn_schedule s;
	dn_schedule_init(&s, 1, 7200, 0);
	uint64_t b = 0;
	uint64_t steps[4];
	uint64_t want[4] = {5, 10, 20, 27};
	for (int k = 0; k < 4; k++) {
		uint64_t n = k == 0   ? 5
			     : k == 3 ? 7
				      : dn_schedule_blocks_until_next_auto_epoch(&s, 7200, b) +
						(k == 1 ? 10 : 20);
		for (uint64_t i = 0; i < n; i++) {
			uint32_t run = 0;
			dn_schedule_tick(p, &s, ++b, true, &run);
		}
		steps[k] = s.blocks_since_last_step;
	}
	ok(steps[0] == want[0] && steps[1] == want[1] && steps[2] == want[2] && steps[3] == want[3],
	   "BlocksSinceLastStep after each step: 5, 10, 20, 27");
}

int main(void)
{
	struct dn_schedule_params p, p2;
	dn_schedule_params_mock(&p);
	dn_schedule_params_mock(&p2);
	p2.max_epochs_per_block = 2;
	tap_plan(5 + 18 + 10 + 8 + 2 + 14 + 1);
	test_stagger();
	test_epoch_blocks(&p);
	test_queries(&p);
	test_cap(&p2);
	test_skipped(&p);
	test_owner(&p);
	test_blocks_since_last_step(&p);
	return tap_done();
}
