/*
 * Allocation that cannot fail: out of memory aborts the process (as tmux
 * and htop do). Nothing in taodev can continue sensibly without memory, and
 * checking every allocation would hide the real error paths.
 */
#ifndef DN_XALLOC_H
#define DN_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);

#endif
