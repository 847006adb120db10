// SPDX-License-Identifier: GPL-2.0-only
/*
 * Starts libgit2 on first use instead of in every test process.
 *
 * Criterion calls git_libgit2_init() at every start, only so that a failed
 * assertion of its new API can print a diff (git_diff_buffers(), the one
 * other libgit2 call it makes). Debian's libgit2 parses the system's whole
 * CA bundle in that init: about 20 ms per process, and Criterion runs each
 * of our ~1,000 unit test cases in a process of its own. Linked into every
 * unit test program, these definitions come before libgit2's in the
 * dynamic linker's lookup, so the init happens only when a diff is needed.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

int git_libgit2_init(void);
int git_libgit2_shutdown(void);
int git_diff_buffers(const void *old_buffer, size_t old_len,
		     const char *old_as_path, const void *new_buffer,
		     size_t new_len, const char *new_as_path,
		     const void *options, void *file_cb, void *binary_cb,
		     void *hunk_cb, void *line_cb, void *payload);

typedef int libgit2_call_fn(void);
typedef int diff_buffers_fn(const void *, size_t, const char *, const void *,
			    size_t, const char *, const void *, void *, void *,
			    void *, void *, void *);

/* Real inits made through the shim, so that shutdown balances them. */
static int real_inits;

/* Criterion's inits that the shim put off. */
static int skipped_inits;

/* For the shim's own test: inits put off, and real starts made. */
void lazy_libgit2_counts(int *skipped, int *started);
void lazy_libgit2_counts(int *skipped, int *started)
{
	*skipped = skipped_inits;
	*started = real_inits;
}

/* libgit2's own definition of `name`, the one ours hides. */
static void *libgit2_symbol(const char *name)
{
	void *sym = dlsym(RTLD_NEXT, name);

	if (!sym) {
		fprintf(stderr, "lazy-libgit2: %s not found: %s\n", name,
			dlerror());
		abort();
	}
	return sym;
}

/* Criterion's start: counted as one init, done later if ever needed. */
int git_libgit2_init(void)
{
	skipped_inits++;
	return 1;
}

int git_libgit2_shutdown(void)
{
	libgit2_call_fn *real_shutdown;

	if (!real_inits)
		return 0;
	real_inits--;
	real_shutdown =
		(libgit2_call_fn *)libgit2_symbol("git_libgit2_shutdown");
	return real_shutdown();
}

int git_diff_buffers(const void *old_buffer, size_t old_len,
		     const char *old_as_path, const void *new_buffer,
		     size_t new_len, const char *new_as_path,
		     const void *options, void *file_cb, void *binary_cb,
		     void *hunk_cb, void *line_cb, void *payload)
{
	diff_buffers_fn *real_diff;

	if (!real_inits) {
		libgit2_call_fn *real_init =
			(libgit2_call_fn *)libgit2_symbol("git_libgit2_init");

		if (real_init() < 0)
			return -1;
		real_inits++;
	}
	real_diff = (diff_buffers_fn *)libgit2_symbol("git_diff_buffers");
	return real_diff(old_buffer, old_len, old_as_path, new_buffer, new_len,
			 new_as_path, options, file_cb, binary_cb, hunk_cb,
			 line_cb, payload);
}
