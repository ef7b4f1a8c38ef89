/*
 * `taodev keys`: the dev accounts, and named ed25519 keys kept in files
 * (mode 0600) under $XDG_DATA_HOME/taodev/keys/ (~/.local/share when unset).
 */
#include "devnet/keys.h"
#include "devnet/xalloc.h"
#include "nodes/cli.h"

#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char usage[] =
	"usage: taodev keys [list]\n"
	"       taodev keys new NAME\n"
	"       taodev keys show NAME\n"
	"\n"
	"list   the dev accounts (alice, bob, charlie, dave, eve, ferdie and their\n"
	"       //stash keys) and the keys created with 'new', with their SS58\n"
	"       addresses (prefix 42)\n"
	"new    creates an ed25519 key NAME from fresh randomness and stores it in\n"
	"       $XDG_DATA_HOME/taodev/keys/NAME.json, readable by you only (0600);\n"
	"       an existing key is never overwritten\n"
	"show   the address and public key of a dev account or a stored key\n"
	"\n"
	"taodev signs with ed25519: the dev accounts are Substrate's ed25519 keys\n"
	"(subkey inspect --scheme ed25519 //Alice), so their addresses differ from\n"
	"the sr25519 ones the chain's localnet shows for the same names.\n"
	"NAME: 1 to 64 of a-z, 0-9, '-' and '_'.\n";

/* $XDG_DATA_HOME/taodev/keys, created (0700) when `create`. */
static int keys_dir(char *out, size_t n, bool create)
{
	const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
	char base[512];
	if (xdg && *xdg)
		snprintf(base, sizeof(base), "%s", xdg);
	else if (home && *home)
		snprintf(base, sizeof(base), "%s/.local/share", home);
	else {
		nd_error("neither XDG_DATA_HOME nor HOME is set: nowhere to keep keys");
		return -1;
	}
	snprintf(out, n, "%s/taodev/keys", base);
	if (!create)
		return 0;
	char part[600];
	snprintf(part, sizeof(part), "%s", base);
	mkdir(part, 0700);
	snprintf(part, sizeof(part), "%s/taodev", base);
	mkdir(part, 0700);
	if (mkdir(out, 0700) != 0 && errno != EEXIST) {
		nd_error("%s: cannot create: %s", out, strerror(errno));
		return -1;
	}
	return 0;
}

static bool valid_name(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
		      s[i] == '_'))
			return false;
	return true;
}

static void print_key(const char *name, const uint8_t pk[32])
{
	char addr[DN_SS58_MAX], hex[65];
	dn_ss58_encode(pk, DN_SS58_PREFIX, addr, sizeof(addr));
	sodium_bin2hex(hex, sizeof(hex), pk, 32);
	printf("%-16s %-50s 0x%s\n", name, addr, hex);
}

/* Reads a stored key's public key; 0, or -1 after printing why. */
static int load_key(const char *name, uint8_t pk[32])
{
	char dir[600], path[700];
	if (keys_dir(dir, sizeof(dir), false))
		return -1;
	snprintf(path, sizeof(path), "%s/%s.json", dir, name);
	json_error_t je;
	json_t *j = json_load_file(path, 0, &je);
	if (!j) {
		nd_error("%s: %s", path, je.text);
		return -1;
	}
	const char *seed_hex = json_string_value(json_object_get(j, "seed"));
	uint8_t seed[32];
	size_t len = 0;
	int rc = -1;
	if (!seed_hex ||
	    sodium_hex2bin(seed, sizeof(seed), seed_hex, strlen(seed_hex), NULL, &len, NULL) != 0 ||
	    len != 32) {
		nd_error("%s: field 'seed': expected 64 hex digits", path);
	} else {
		struct dn_keypair kp;
		dn_keys_from_seed(seed, &kp);
		memcpy(pk, kp.public_key, 32);
		sodium_memzero(&kp, sizeof(kp));
		rc = 0;
	}
	sodium_memzero(seed, sizeof(seed));
	json_decref(j);
	return rc;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmd_list(void)
{
	struct dn_keypair kp;
	char dir[600], stash[32];
	printf("%-16s %-50s %s\n", "NAME", "ADDRESS (ss58, ed25519)", "PUBLIC KEY");
	for (int i = 0; dn_keys_dev_names[i]; i++) {
		dn_keys_dev(dn_keys_dev_names[i], &kp);
		print_key(dn_keys_dev_names[i], kp.public_key);
	}
	for (int i = 0; dn_keys_dev_names[i]; i++) {
		snprintf(stash, sizeof(stash), "%s//stash", dn_keys_dev_names[i]);
		dn_keys_dev(stash, &kp);
		print_key(stash, kp.public_key);
	}
	if (keys_dir(dir, sizeof(dir), false) != 0)
		return ND_EXIT_OK;
	/* stored keys, by name */
	DIR *d = opendir(dir);
	if (!d)
		return ND_EXIT_OK;
	char **names = NULL;
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		if (len < 6 || strcmp(e->d_name + len - 5, ".json") != 0)
			continue;
		names = xreallocarray(names, n + 1, sizeof(char *));
		names[n] = xstrdup(e->d_name);
		names[n++][len - 5] = '\0';
	}
	closedir(d);
	qsort(names, n, sizeof(char *), cmp_names);
	for (size_t i = 0; i < n; i++) {
		uint8_t pk[32];
		if (valid_name(names[i]) && load_key(names[i], pk) == 0)
			print_key(names[i], pk);
		free(names[i]);
	}
	free(names);
	return ND_EXIT_OK;
}

static int cmd_new(const char *name)
{
	char dir[600], path[700];
	uint8_t seed[32];
	struct dn_keypair kp;
	if (!valid_name(name))
		return nd_usage_error(&nd_cmd_keys, "'%s' is not a key name (a-z, 0-9, '-', '_')",
				      name);
	if (dn_keys_dev(name, &kp) == 0)
		return nd_usage_error(&nd_cmd_keys, "'%s' is a dev account name", name);
	if (keys_dir(dir, sizeof(dir), true))
		return ND_EXIT_FAIL;
	snprintf(path, sizeof(path), "%s/%s.json", dir, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0) {
		nd_error("%s: %s", path,
			 errno == EEXIST ? "a key by that name exists (never overwritten)"
					 : strerror(errno));
		return errno == EEXIST ? ND_EXIT_USAGE : ND_EXIT_FAIL;
	}
	randombytes_buf(seed, sizeof(seed));
	dn_keys_from_seed(seed, &kp);
	char seed_hex[65], pk_hex[65], addr[DN_SS58_MAX];
	sodium_bin2hex(seed_hex, sizeof(seed_hex), seed, 32);
	sodium_bin2hex(pk_hex, sizeof(pk_hex), kp.public_key, 32);
	dn_ss58_encode(kp.public_key, DN_SS58_PREFIX, addr, sizeof(addr));
	json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s}", "name", name, "scheme", "ed25519",
			      "seed", seed_hex, "public_key", pk_hex, "ss58", addr);
	char *text = json_dumps(j, JSON_INDENT(2));
	size_t len = text ? strlen(text) : 0;
	bool ok = text && write(fd, text, len) == (ssize_t)len && write(fd, "\n", 1) == 1 &&
		  fsync(fd) == 0;
	if (close(fd) != 0)
		ok = false;
	if (text)
		sodium_memzero(text, len);
	free(text);
	json_decref(j);
	sodium_memzero(seed, sizeof(seed));
	sodium_memzero(seed_hex, sizeof(seed_hex));
	sodium_memzero(&kp, sizeof(kp));
	if (!ok) {
		unlink(path);
		nd_error("%s: could not write the key", path);
		return ND_EXIT_FAIL;
	}
	printf("%s %s\n", name, addr);
	return ND_EXIT_OK;
}

static int cmd_show(const char *name)
{
	struct dn_keypair kp;
	uint8_t pk[32];
	if (dn_keys_dev(name, &kp) == 0) {
		print_key(name, kp.public_key);
		return ND_EXIT_OK;
	}
	if (!valid_name(name))
		return nd_usage_error(&nd_cmd_keys, "'%s' is not a key name (a-z, 0-9, '-', '_')",
				      name);
	if (load_key(name, pk))
		return ND_EXIT_USAGE;
	print_key(name, pk);
	return ND_EXIT_OK;
}

static int run(int argc, char **argv)
{
	int c;
	while ((c = nd_getopt(&nd_cmd_keys, argc, argv, "", NULL)) != -1)
		return c == 'h' ? ND_EXIT_OK : ND_EXIT_USAGE;
	int nargs = argc - optind;
	const char *sub = nargs > 0 ? argv[optind] : "list";
	if (strcmp(sub, "list") == 0 && nargs <= 1)
		return cmd_list();
	if ((strcmp(sub, "new") == 0 || strcmp(sub, "show") == 0) && nargs == 2)
		return sub[0] == 'n' ? cmd_new(argv[optind + 1]) : cmd_show(argv[optind + 1]);
	if (strcmp(sub, "new") == 0 || strcmp(sub, "show") == 0)
		return nd_usage_error(&nd_cmd_keys, "'%s' takes one NAME", sub);
	return nd_usage_error(&nd_cmd_keys, "unknown keys command '%s' (list, new, show)", sub);
}

const struct nd_command nd_cmd_keys = {
	.name = "keys",
	.summary = "dev accounts and named ed25519 keys, with their SS58 addresses",
	.usage = usage,
	.run = run,
};
