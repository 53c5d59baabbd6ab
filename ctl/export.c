// SPDX-License-Identifier: GPL-2.0
/*
 * Indication delivery (export.h): a FIFO under a mutex, one libcurl
 * thread.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "cimxml_export.h"
#include "export.h"

struct item {
	struct item *next;
	char *url;
	char *doc;
	size_t len;
};

struct export_queue {
	pthread_mutex_t lock;	/* protects everything below */
	pthread_cond_t wake;	/* an item came, or stop */
	struct item *head, *tail;
	unsigned int pending;
	bool stopping;
	unsigned long delivered, dropped;
	char *cacert;
	pthread_t thread;
};

struct answer {
	char *body;
	size_t len;
};

static size_t on_body(char *data, size_t size, size_t nmemb, void *arg)
{
	struct answer *a = arg;
	size_t n = size * nmemb;
	char *grown;

	if (a->len + n > (1u << 20))
		return 0;	/* a listener's answer is small */
	grown = realloc(a->body, a->len + n + 1);
	if (!grown)
		return 0;
	a->body = grown;
	memcpy(a->body + a->len, data, n);
	a->len += n;
	a->body[a->len] = '\0';
	return n;
}

/* One POST of @it; 0 when the listener took it, else why in @why. */
static int post(struct export_queue *q, const struct item *it, char *why,
		size_t whylen)
{
	char curl_err[CURL_ERROR_SIZE] = "";
	struct curl_slist *headers = NULL, *l;
	struct answer a = { 0 };
	static const char *const lines[] = {
		"Content-Type: application/xml; charset=\"utf-8\"",
		"CIMExport: MethodRequest",
		"CIMExportMethod: ExportIndication",
		"CIMProtocolVersion: 1.0",
		"Expect:",
	};
	long status = 0;
	CURLcode rc;
	CURL *curl;
	size_t i;
	int ret = -1;

	curl = curl_easy_init();
	for (i = 0; curl && i < sizeof(lines) / sizeof(lines[0]); i++) {
		l = curl_slist_append(headers, lines[i]);
		if (!l)
			break;
		headers = l;
	}
	if (!curl || i < sizeof(lines) / sizeof(lines[0])) {
		snprintf(why, whylen, "out of memory");
		goto out;
	}
	curl_easy_setopt(curl, CURLOPT_URL, it->url);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, curl_err);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, (long)EXPORT_TIMEOUT_S);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, (long)EXPORT_TIMEOUT_S);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(curl, CURLOPT_POST, 1L);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDS, it->doc);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)it->len);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &a);
	if (q->cacert)
		curl_easy_setopt(curl, CURLOPT_CAINFO, q->cacert);
	rc = curl_easy_perform(curl);
	if (rc != CURLE_OK) {
		snprintf(why, whylen, "%s",
			 curl_err[0] ? curl_err : curl_easy_strerror(rc));
		goto out;
	}
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	if (status != 200) {
		snprintf(why, whylen, "HTTP status %ld", status);
		goto out;
	}
	/* an empty 200 is how many listeners acknowledge: accept it */
	if (a.len && !cimxml_export_response_ok(a.body, a.len, why, whylen))
		goto out;
	ret = 0;
out:
	free(a.body);
	curl_slist_free_all(headers);
	curl_easy_cleanup(curl);
	return ret;
}

static void item_free(struct item *it)
{
	free(it->url);
	free(it->doc);
	free(it);
}

/* Sleep @s seconds unless the queue stops meanwhile; false if it does. */
static bool pause_unless_stopping(struct export_queue *q, unsigned int s)
{
	struct timespec until;
	bool stopping;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += s;
	pthread_mutex_lock(&q->lock);
	while (!q->stopping &&
	       pthread_cond_timedwait(&q->wake, &q->lock, &until) != ETIMEDOUT)
		;
	stopping = q->stopping;
	pthread_mutex_unlock(&q->lock);
	return !stopping;
}

static void *deliver(void *arg)
{
	struct export_queue *q = arg;
	char why[256];
	struct item *it;
	unsigned int attempt;
	bool done;

	for (;;) {
		pthread_mutex_lock(&q->lock);
		while (!q->head && !q->stopping)
			pthread_cond_wait(&q->wake, &q->lock);
		if (q->stopping) {
			pthread_mutex_unlock(&q->lock);
			break;
		}
		it = q->head;
		q->head = it->next;
		if (!q->head)
			q->tail = NULL;
		q->pending--;
		pthread_mutex_unlock(&q->lock);

		done = false;
		for (attempt = 1; attempt <= EXPORT_ATTEMPTS; attempt++) {
			why[0] = '\0';
			if (!post(q, it, why, sizeof(why))) {
				done = true;
				break;
			}
			if (attempt < EXPORT_ATTEMPTS &&
			    !pause_unless_stopping(q, attempt))
				break;
		}
		if (attempt > EXPORT_ATTEMPTS)
			attempt = EXPORT_ATTEMPTS;
		if (!done)
			fprintf(stderr, "cimrepld: indication to %s dropped after %u attempt%s: %s\n",
				it->url, attempt, attempt == 1 ? "" : "s", why);
		pthread_mutex_lock(&q->lock);
		if (done)
			q->delivered++;
		else
			q->dropped++;
		pthread_mutex_unlock(&q->lock);
		item_free(it);
	}
	return NULL;
}

struct export_queue *export_start(const char *cacert, char *err,
				  size_t errlen)
{
	struct export_queue *q = calloc(1, sizeof(*q));
	pthread_condattr_t attr;
	sigset_t all, old;
	int rc;

	if (!q || (cacert && !(q->cacert = strdup(cacert)))) {
		snprintf(err, errlen, "out of memory");
		free(q);
		return NULL;
	}
	pthread_mutex_init(&q->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_cond_init(&q->wake, &attr);
	pthread_condattr_destroy(&attr);
	/* the thread takes no signals: the daemon's main loop reads them */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&q->thread, NULL, deliver, q);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc) {
		snprintf(err, errlen, "indication delivery thread: %s",
			 strerror(rc));
		pthread_cond_destroy(&q->wake);
		pthread_mutex_destroy(&q->lock);
		free(q->cacert);
		free(q);
		return NULL;
	}
	return q;
}

int export_send(struct export_queue *q, const char *url, char *doc,
		size_t len)
{
	struct item *it = calloc(1, sizeof(*it));

	if (!it || !(it->url = strdup(url))) {
		free(it);
		free(doc);
		return -ENOMEM;
	}
	it->doc = doc;
	it->len = len;
	pthread_mutex_lock(&q->lock);
	if (q->pending >= EXPORT_MAX_PENDING || q->stopping) {
		q->dropped++;
		pthread_mutex_unlock(&q->lock);
		fprintf(stderr, "cimrepld: indication to %s dropped: %u waiting\n",
			url, EXPORT_MAX_PENDING);
		item_free(it);
		return -ENOSPC;
	}
	if (q->tail)
		q->tail->next = it;
	else
		q->head = it;
	q->tail = it;
	q->pending++;
	pthread_cond_signal(&q->wake);
	pthread_mutex_unlock(&q->lock);
	return 0;
}

void export_counts(struct export_queue *q, unsigned long *delivered,
		   unsigned long *dropped)
{
	pthread_mutex_lock(&q->lock);
	*delivered = q->delivered;
	*dropped = q->dropped;
	pthread_mutex_unlock(&q->lock);
}

void export_stop(struct export_queue *q)
{
	struct item *it;

	if (!q)
		return;
	pthread_mutex_lock(&q->lock);
	q->stopping = true;
	pthread_cond_broadcast(&q->wake);
	pthread_mutex_unlock(&q->lock);
	pthread_join(q->thread, NULL);
	while ((it = q->head)) {
		q->head = it->next;
		item_free(it);
	}
	pthread_cond_destroy(&q->wake);
	pthread_mutex_destroy(&q->lock);
	free(q->cacert);
	free(q);
}
