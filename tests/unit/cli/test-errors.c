// SPDX-License-Identifier: GPL-2.0-only
/* Error sentences and exit codes when /dev/partita cannot be used. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <partita/status.h>

#include "cli.h"
#include "root-client.h"

Test(errors, missing_device_says_load_the_module)
{
	struct root_dev dev;
	int err;

	err = root_open(&dev, "/nonexistent/partita");
	cr_assert_eq(err, -ENOENT);
	cr_assert_str_eq(root_error(&dev),
			 "the partita module is not loaded: run 'modprobe "
			 "partita' (or insmod partita.ko)");
	cr_assert_eq(dev.fd, -1);
	cr_assert_eq(cli_exit_code(err), CLI_EXIT_UNAVAILABLE);
}

Test(errors, environment_names_the_device)
{
	struct root_dev dev;

	setenv("PARTITA_DEVICE", "/dev/null", 1);
	cr_assert_eq(root_open(&dev, NULL), -ENOTTY);
	unsetenv("PARTITA_DEVICE");
	cr_assert_str_eq(root_error(&dev),
			 "/dev/null is not the partita device: it does not "
			 "answer the version request");
	cr_assert(root_error_is_unavailable(-ENOTTY));
}

Test(errors, hypercall_on_a_closed_handle)
{
	struct root_dev dev;
	struct pt_ioc_hypercall hc = { .code = PT_CALL_NULL };

	root_open(&dev, "/nonexistent/partita");
	cr_assert_eq(root_hypercall(&dev, &hc), -EBADF);
	cr_assert_eq(hc.abi_version, PT_ROOT_IOCTL_VERSION);
	cr_assert_str_eq(root_error(&dev), "the partita device is not open");
	cr_assert_eq(cli_exit_code(-EBADF), CLI_EXIT_FAILED);
}

Test(errors, exit_codes)
{
	cr_assert_eq(cli_exit_code(0), CLI_EXIT_OK);
	cr_assert_eq(cli_exit_code(-EREMOTEIO), CLI_EXIT_FAILED);
	cr_assert_eq(cli_exit_code(-EPROTO), CLI_EXIT_UNAVAILABLE);
	cr_assert_eq(cli_exit_code(-EPERM), CLI_EXIT_UNAVAILABLE);
	cr_assert_eq(cli_exit_code(-EACCES), CLI_EXIT_UNAVAILABLE);
	cr_assert_eq(cli_exit_code(-EIO), CLI_EXIT_FAILED);
}

Test(errors, names)
{
	cr_assert_str_eq(root_status_name(PT_STATUS_ACCESS_DENIED),
			 "ACCESS_DENIED");
	cr_assert_str_eq(root_status_name(PT_STATUS_WOULD_BLOCK),
			 "WOULD_BLOCK");
	cr_assert_null(root_status_name(0x7777));
	cr_assert_str_eq(root_event_name(PT_ROOT_EVENT_LOG), "log");
	cr_assert_str_eq(root_event_name(PT_ROOT_EVENT_PING), "ping");
	cr_assert_null(root_event_name(0));
	cr_assert_str_eq(root_feature_name(0), "hypercall-page");
	cr_assert_null(root_feature_name(31));
}

Test(errors, fresh_handle_has_no_error)
{
	struct root_dev dev;

	memset(&dev, 0, sizeof(dev));
	cr_assert_str_eq(root_error(&dev), "no error");
}
