/*
 * The small chains of the operations' tests (see opschain.h).
 */
#include "tests/devnet/opschain.h"

#include <string.h>

#include "devnet/codec.h"

static struct dn_enc before, after;

void opschain_accounts(struct dn_genesis_account *acc, int n, uint8_t key0)
{
	for (int i = 0; i < n; i++) {
		memset(acc[i].key, 0, 32);
		acc[i].key[0] = (uint8_t)(key0 + i);
		acc[i].free = 0;
	}
}

struct dn_chain *opschain_new(const struct dn_genesis *g)
{
	dn_enc_init(&before);
	dn_enc_init(&after);
	struct dn_chain_err ce;
	struct dn_chain *ch = dn_chain_new(g, &ce);
	if (!ch)
		diag("genesis: %s", ce.msg);
	return ch;
}

void opschain_free(struct dn_chain *c)
{
	dn_chain_free(c);
	dn_enc_release(&before);
	dn_enc_release(&after);
}

void opschain_snap(const struct dn_chain *c)
{
	dn_enc_reset(&before);
	dn_chain_encode(c, &before);
}

bool opschain_unchanged(const struct dn_chain *c)
{
	dn_enc_reset(&after);
	dn_chain_encode(c, &after);
	return before.len == after.len && memcmp(before.buf, after.buf, before.len) == 0;
}

void opschain_check(const struct dn_chain *c, const char *what)
{
	struct dn_chain_err ce;
	int rc = dn_chain_check(c, &ce);
	ok(rc == 0, "invariants hold after %s%s%s", what, rc ? ": " : "", rc ? ce.msg : "");
}

void opschain_step(struct dn_chain *c, int n)
{
	struct dn_chain_err ce;
	for (int i = 0; i < n; i++)
		if (dn_chain_step(c, NULL, &ce)) {
			diag("step: %s", ce.msg);
			break;
		}
}
