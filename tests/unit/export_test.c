// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of indication delivery (ctl/export.c) under ASan/UBSan,
 * against a listener on a loopback socket that answers as the test says:
 * the DSP0200 export headers arrive, a listener that fails is tried again
 * and then succeeds, one that never answers well is given up on after
 * EXPORT_ATTEMPTS, and queueing never waits for any of it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sanitizer/lsan_interface.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "export.h"
#include "kselftest_harness.h"

static const char ok_body[] =
	"<?xml version=\"1.0\" encoding=\"utf-8\"?><CIM CIMVERSION=\"2.0\" "
	"DTDVERSION=\"2.4\"><MESSAGE ID=\"1\" PROTOCOLVERSION=\"1.0\">"
	"<SIMPLEEXPRSP><EXPMETHODRESPONSE NAME=\"ExportIndication\"/>"
	"</SIMPLEEXPRSP></MESSAGE></CIM>";

/* A listener: answers 500 to the first @failures requests, then 200. */
struct listener {
	int fd, port;
	int failures;
	int requests;
	char last[8192];
	pthread_t thread;
};

static void *serve(void *arg)
{
	struct listener *l = arg;
	char buf[8192], resp[1024];
	int c;

	while ((c = accept(l->fd, NULL, NULL)) >= 0) {
		size_t len = 0;
		ssize_t n;
		char *body;

		/* read the headers, then Content-Length bytes */
		while (len < sizeof(buf) - 1 &&
		       (n = read(c, buf + len, sizeof(buf) - 1 - len)) > 0) {
			buf[len += (size_t)n] = '\0';
			body = strstr(buf, "\r\n\r\n");
			if (body) {
				const char *cl = strcasestr(buf, "Content-Length:");
				size_t want = cl ? strtoul(cl + 15, NULL, 10) : 0;

				if (len - (size_t)(body + 4 - buf) >= want)
					break;
			}
		}
		memcpy(l->last, buf, len + 1);
		if (l->requests++ < l->failures)
			snprintf(resp, sizeof(resp),
				 "HTTP/1.1 500 Oops\r\nContent-Length: 0\r\n"
				 "Connection: close\r\n\r\n");
		else
			snprintf(resp, sizeof(resp),
				 "HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\n"
				 "CIMExport: MethodResponse\r\nContent-Length: %zu\r\n"
				 "Connection: close\r\n\r\n%s",
				 strlen(ok_body), ok_body);
		if (write(c, resp, strlen(resp)) < 0)
			perror("write");
		close(c);
	}
	return NULL;
}

static int listener_start(struct listener *l, int failures)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);

	memset(l, 0, sizeof(*l));
	l->failures = failures;
	l->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (l->fd < 0 || bind(l->fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(l->fd, 8) || getsockname(l->fd, (struct sockaddr *)&sa, &len))
		return -1;
	l->port = ntohs(sa.sin_port);
	return pthread_create(&l->thread, NULL, serve, l);
}

static void listener_stop(struct listener *l)
{
	shutdown(l->fd, SHUT_RDWR);
	close(l->fd);
	pthread_join(l->thread, NULL);
}

/* Wait up to @s seconds for @want delivered + dropped. */
static void wait_counts(struct export_queue *q, unsigned long want, int s,
			unsigned long *delivered, unsigned long *dropped)
{
	int i;

	for (i = 0; i < s * 20; i++) {
		export_counts(q, delivered, dropped);
		if (*delivered + *dropped >= want)
			return;
		usleep(50000);
	}
}

static char *doc(const char *text)
{
	return strdup(text);
}

TEST(export_headers_and_body_reach_the_listener)
{
	unsigned long delivered = 0, dropped = 0;
	struct export_queue *q;
	struct listener l;
	char url[64], err[128];

	ASSERT_EQ(0, listener_start(&l, 0));
	q = export_start(NULL, err, sizeof(err));
	ASSERT_NE(NULL, q) TH_LOG("%s", err);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/listen/here", l.port);
	EXPECT_EQ(0, export_send(q, url, doc("<CIM>indication</CIM>"), 21));
	wait_counts(q, 1, 10, &delivered, &dropped);
	EXPECT_EQ(1, delivered);
	EXPECT_EQ(0, dropped);
	EXPECT_EQ(0, strncmp(l.last, "POST /listen/here HTTP/1.1\r\n", 28));
	EXPECT_NE(NULL, strcasestr(l.last, "\r\nCIMExport: MethodRequest\r\n"));
	EXPECT_NE(NULL, strcasestr(l.last, "\r\nCIMExportMethod: ExportIndication\r\n"));
	EXPECT_NE(NULL, strcasestr(l.last, "\r\nCIMProtocolVersion: 1.0\r\n"));
	EXPECT_NE(NULL, strcasestr(l.last, "\r\nContent-Type: application/xml"));
	EXPECT_NE(NULL, strstr(l.last, "\r\n\r\n<CIM>indication</CIM>"));
	export_stop(q);
	listener_stop(&l);
	EXPECT_EQ(0, __lsan_do_recoverable_leak_check());
}

TEST(a_failing_listener_is_tried_again_then_given_up_on)
{
	unsigned long delivered = 0, dropped = 0;
	struct export_queue *q;
	struct listener l;
	char url[64], err[128];
	struct timespec t0, t1;

	/* fails twice, then takes it: delivered on the third attempt */
	ASSERT_EQ(0, listener_start(&l, 2));
	q = export_start(NULL, err, sizeof(err));
	ASSERT_NE(NULL, q);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/", l.port);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	EXPECT_EQ(0, export_send(q, url, doc("a"), 1));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	/* queueing does not wait for the listener */
	EXPECT_LT((t1.tv_sec - t0.tv_sec) * 1000 +
		  (t1.tv_nsec - t0.tv_nsec) / 1000000, 100);
	wait_counts(q, 1, 15, &delivered, &dropped);
	EXPECT_EQ(1, delivered);
	EXPECT_EQ(EXPORT_ATTEMPTS, l.requests);

	/* always fails: dropped after EXPORT_ATTEMPTS more */
	l.failures = 1000;
	EXPECT_EQ(0, export_send(q, url, doc("b"), 1));
	wait_counts(q, 2, 15, &delivered, &dropped);
	EXPECT_EQ(1, delivered);
	EXPECT_EQ(1, dropped);
	EXPECT_EQ(2 * EXPORT_ATTEMPTS, l.requests);
	export_stop(q);
	listener_stop(&l);
	EXPECT_EQ(0, __lsan_do_recoverable_leak_check());
}

TEST(stop_drops_what_waits_and_returns_promptly)
{
	unsigned long delivered, dropped;
	struct export_queue *q;
	char err[128];
	int i;

	q = export_start(NULL, err, sizeof(err));
	ASSERT_NE(NULL, q);
	/* nothing listens on port 9 of loopback: refused at once, retried */
	for (i = 0; i < 5; i++)
		EXPECT_EQ(0, export_send(q, "http://127.0.0.1:9/", doc("x"), 1));
	usleep(200000);
	export_counts(q, &delivered, &dropped);
	EXPECT_EQ(0, delivered);
	export_stop(q);	/* must not take 5 x 3 attempts */
	EXPECT_EQ(0, __lsan_do_recoverable_leak_check());
}

TEST_HARNESS_MAIN
