// SPDX-License-Identifier: GPL-2.0
/*
 * cimrepld - the cimrepl management daemon.
 *
 * Today it attaches to the kernel's "cimrepl" netlink family, checks that it
 * speaks the same API version, joins the events group and logs every event.
 * The CIM-XML front door (CreateListReplica and friends) is built on this
 * loop; see Documentation/architecture.rst for what is planned.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <linux/cimrepl.h>

#include "cimvalues.h"
#include "kernel.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: cimrepld [--check]\n"
		"  --check   verify the kernel module and exit\n");
}

static void log_event(const struct kernel_event *ev, void *arg)
{
	const char *state = ev->copy_state >= 0 ?
		cim_value_name(&cim_copy_state_map, ev->copy_state) : NULL;

	(void)arg;
	fprintf(stderr, "cimrepld: event %u on %s%s%s%s%s\n", ev->event,
		ev->source[0] ? ev->source : "", ev->source[0] ? " -> " : "",
		ev->target, state ? ", CopyState " : "", state ? state : "");
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "check", no_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct kernel_info info;
	struct pollfd fds[2];
	struct kernel *k;
	sigset_t mask;
	char err[256];
	bool check = false;
	int c, ret = EXIT_FAILURE;

	while ((c = getopt_long(argc, argv, "ch", options, NULL)) != -1) {
		switch (c) {
		case 'c':
			check = true;
			break;
		case 'h':
			usage(stdout);
			return EXIT_SUCCESS;
		default:
			usage(stderr);
			return 2;
		}
	}

	k = kernel_open(err, sizeof(err));
	if (!k) {
		fprintf(stderr, "cimrepld: %s\n", err);
		return EXIT_FAILURE;
	}
	if (kernel_get_info(k, &info)) {
		fprintf(stderr, "cimrepld: %s\n", kernel_error(k));
		goto out;
	}
	if (info.api_version != CIMREPL_API_VERSION) {
		fprintf(stderr, "cimrepld: kernel speaks netlink API %u, this daemon %d\n",
			info.api_version, CIMREPL_API_VERSION);
		goto out;
	}
	if (check) {
		printf("cimrepld: cimrepl %s, netlink API %u\n",
		       info.module_version, info.api_version);
		ret = EXIT_SUCCESS;
		goto out;
	}
	if (kernel_subscribe_events(k)) {
		fprintf(stderr, "cimrepld: %s\n", kernel_error(k));
		goto out;
	}

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	fds[0].fd = signalfd(-1, &mask, SFD_CLOEXEC);
	fds[0].events = POLLIN;
	fds[1].fd = kernel_fd(k);
	fds[1].events = POLLIN;
	if (fds[0].fd < 0) {
		fprintf(stderr, "cimrepld: signalfd: %s\n", strerror(errno));
		goto out;
	}
	fprintf(stderr, "cimrepld: attached to cimrepl %s (netlink API %u)\n",
		info.module_version, info.api_version);

	for (;;) {
		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "cimrepld: poll: %s\n", strerror(errno));
			break;
		}
		if (fds[0].revents & POLLIN) {
			ret = EXIT_SUCCESS;
			break;
		}
		if ((fds[1].revents & POLLIN) &&
		    kernel_read_events(k, log_event, NULL))
			fprintf(stderr, "cimrepld: events: %s\n", kernel_error(k));
	}
	close(fds[0].fd);
out:
	kernel_close(k);
	return ret;
}
