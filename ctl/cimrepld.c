// SPDX-License-Identifier: GPL-2.0
/*
 * cimrepld - the cimrepl management daemon: a small WBEM server.
 *
 * CIM-XML (DSP0200/DSP0201) on a UNIX socket (for cimreplctl, root only)
 * and on TCP (loopback by default, HTTP Basic authentication); requests are
 * carried out on the kernel's "cimrepl" netlink family and LIO's configfs;
 * replicas, jobs and pools are kept in SQLite under the state directory.
 * It runs in the foreground (systemd: Type=simple) and logs to stderr.
 *
 * Threads: libmicrohttpd serves each connection in its own thread; the main
 * thread reads kernel events and signals. daemon.lock serializes them.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <linux/cimrepl.h>

#include "blockpool.h"
#include "cimvalues.h"
#include "auth_pam.h"
#include "daemon.h"
#include "httpd.h"
#include "indications.h"
#include "kernel.h"
#include "pools.h"
#include "provider.h"
#include "replicate.h"

#define DEFAULT_STATE_DIR	"/var/lib/cimrepl"
#define DEFAULT_POOL_SIZE	(4ULL << 30)
#define WAIT_POLL_MS		200

int64_t daemon_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: cimrepld [OPTIONS]\n"
		"  --state-dir DIR     database and pools (default " DEFAULT_STATE_DIR ")\n"
		"  --socket PATH       the UNIX socket (default " CIM_HTTPD_UNIX_PATH ")\n"
		"  --listen ADDR:PORT  TCP listener (default 127.0.0.1:5988 when the\n"
		"                      credentials file exists)\n"
		"  --no-tcp            no TCP listener\n"
		"  --credentials FILE  users for HTTP Basic (default " CIM_HTTPD_CREDENTIALS ")\n"
		"  --listen-tls ADDR:PORT  TLS (HTTPS) listener (default 127.0.0.1:5989\n"
		"                      when the certificate file exists)\n"
		"  --no-tls            no TLS listener\n"
		"  --tls-cert FILE     PEM certificate (default " CIM_HTTPD_TLS_CERT ")\n"
		"  --tls-key FILE      its PEM key, mode 0600 (default " CIM_HTTPD_TLS_KEY ")\n"
		"  --auth file|pam     who checks HTTP Basic passwords on TCP and TLS:\n"
		"                      the credentials file (default) or PAM\n"
		"  --pam-service NAME  PAM service for --auth pam (default " AUTH_PAM_SERVICE ")\n"
		"  --listener-cacert FILE  CA certificates (PEM) that https:// indication\n"
		"                      listeners are verified with (default: the system's)\n"
		"  --pool-size BYTES   size of the default pool's store (default 4 GiB,\n"
		"                      sparse)\n"
		"  --configfs DIR      LIO's configfs root (default /sys/kernel/config/target)\n"
		"  --export-tpg TPG    export every new replica as a LUN of TPG\n"
		"                      (FABRIC/WWN/tpgt_N, e.g. iscsi/iqn.../tpgt_1)\n"
		"  --block-pool NAME=DEVICE[,store=BYTES]\n"
		"                      a pool on a whole, unused block device (its data\n"
		"                      is lost); repeatable; known pools come back\n"
		"                      without it\n"
		"  --check             verify the kernel module and exit\n");
}

struct options {
	const char *state_dir;
	const char *socket;
	const char *credentials;
	char tcp_address[64];
	int tcp_port;
	bool tcp_given, no_tcp, check;
	char tls_address[64];
	int tls_port;
	bool tls_given, no_tls;
	const char *tls_cert, *tls_key;
	enum cim_httpd_auth auth;
	const char *pam_service;
	const char *listener_cacert;
	uint64_t pool_size;
	const char *configfs;
	const char *export_tpg;
	struct blockpool_spec block_pools[8];
	unsigned int n_block_pools;
};

/* ADDRESS:PORT into @address (64 bytes) and *@port_out. */
static bool parse_listen(const char *text, char address[64], int *port_out)
{
	const char *colon = strrchr(text, ':');
	char *end;
	long port;

	if (!colon || colon == text || (size_t)(colon - text) >= 64)
		return false;
	port = strtol(colon + 1, &end, 10);
	if (*end || port < 1 || port > 65535)
		return false;
	memcpy(address, text, colon - text);
	address[colon - text] = '\0';
	/* [::1]:5988 */
	if (address[0] == '[') {
		size_t n = strlen(address);

		if (address[n - 1] != ']')
			return false;
		memmove(address, address + 1, n - 2);
		address[n - 2] = '\0';
	}
	*port_out = (int)port;
	return true;
}

static int parse_options(int argc, char **argv, struct options *o)
{
	static const struct option options[] = {
		{ "state-dir", required_argument, NULL, 'd' },
		{ "socket", required_argument, NULL, 's' },
		{ "listen", required_argument, NULL, 'l' },
		{ "no-tcp", no_argument, NULL, 'n' },
		{ "credentials", required_argument, NULL, 'u' },
		{ "listen-tls", required_argument, NULL, 'L' },
		{ "no-tls", no_argument, NULL, 'N' },
		{ "tls-cert", required_argument, NULL, 'C' },
		{ "tls-key", required_argument, NULL, 'K' },
		{ "auth", required_argument, NULL, 'a' },
		{ "pam-service", required_argument, NULL, 'P' },
		{ "listener-cacert", required_argument, NULL, 'A' },
		{ "pool-size", required_argument, NULL, 'p' },
		{ "configfs", required_argument, NULL, 'f' },
		{ "export-tpg", required_argument, NULL, 'e' },
		{ "block-pool", required_argument, NULL, 'b' },
		{ "check", no_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *end, err[512];
	int c;

	*o = (struct options) {
		.state_dir = DEFAULT_STATE_DIR,
		.socket = CIM_HTTPD_UNIX_PATH,
		.credentials = CIM_HTTPD_CREDENTIALS,
		.tcp_address = CIM_HTTPD_TCP_ADDRESS,
		.tcp_port = CIM_HTTPD_TCP_PORT,
		.tls_address = CIM_HTTPD_TCP_ADDRESS,
		.tls_port = CIM_HTTPD_TLS_PORT,
		.tls_cert = CIM_HTTPD_TLS_CERT,
		.tls_key = CIM_HTTPD_TLS_KEY,
		.auth = CIM_HTTPD_AUTH_FILE,
		.pam_service = AUTH_PAM_SERVICE,
		.pool_size = DEFAULT_POOL_SIZE,
	};
	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'd':
			o->state_dir = optarg;
			break;
		case 's':
			o->socket = optarg;
			break;
		case 'l':
			if (!parse_listen(optarg, o->tcp_address, &o->tcp_port)) {
				fprintf(stderr, "cimrepld: --listen %s: want ADDRESS:PORT\n",
					optarg);
				return 2;
			}
			o->tcp_given = true;
			break;
		case 'n':
			o->no_tcp = true;
			break;
		case 'u':
			o->credentials = optarg;
			break;
		case 'L':
			if (!parse_listen(optarg, o->tls_address, &o->tls_port)) {
				fprintf(stderr, "cimrepld: --listen-tls %s: want ADDRESS:PORT\n",
					optarg);
				return 2;
			}
			o->tls_given = true;
			break;
		case 'N':
			o->no_tls = true;
			break;
		case 'C':
			o->tls_cert = optarg;
			break;
		case 'K':
			o->tls_key = optarg;
			break;
		case 'a':
			if (!strcmp(optarg, "file")) {
				o->auth = CIM_HTTPD_AUTH_FILE;
			} else if (!strcmp(optarg, "pam")) {
				o->auth = CIM_HTTPD_AUTH_PAM;
			} else {
				fprintf(stderr, "cimrepld: --auth %s: file or pam\n",
					optarg);
				return 2;
			}
			break;
		case 'A':
			o->listener_cacert = optarg;
			break;
		case 'P':
			if (!optarg[0] || strchr(optarg, '/')) {
				fprintf(stderr, "cimrepld: --pam-service %s: a name under /etc/pam.d\n",
					optarg);
				return 2;
			}
			o->pam_service = optarg;
			break;
		case 'p':
			o->pool_size = strtoull(optarg, &end, 10);
			if (*end || o->pool_size < (64ULL << 20)) {
				fprintf(stderr, "cimrepld: --pool-size %s: bytes, at least 64 MiB\n",
					optarg);
				return 2;
			}
			break;
		case 'f':
			o->configfs = optarg;
			break;
		case 'e':
			o->export_tpg = optarg;
			break;
		case 'b':
			if (o->n_block_pools == sizeof(o->block_pools) /
			    sizeof(o->block_pools[0])) {
				fprintf(stderr, "cimrepld: --block-pool: at most %zu\n",
					sizeof(o->block_pools) /
					sizeof(o->block_pools[0]));
				return 2;
			}
			if (!blockpool_parse_spec(optarg,
					&o->block_pools[o->n_block_pools],
					err, sizeof(err))) {
				fprintf(stderr, "cimrepld: --block-pool %s\n", err);
				return 2;
			}
			o->n_block_pools++;
			break;
		case 'c':
			o->check = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "cimrepld: unexpected argument %s\n", argv[optind]);
		return 2;
	}
	return -1;
}

/* Make every directory of @path (mode 0700 for new ones). */
static int make_dirs(const char *path)
{
	char buf[PATH_MAX];
	char *p;

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, 0700) && errno != EEXIST)
		return -errno;
	return 0;
}

/*
 * The kernel is the truth for live state: replicas whose kernel device is
 * gone (or no longer a replica: detached or deleted directly through
 * netlink) are forgotten, and the target files made for them returned.
 * A replica whose source volume is not there either is kept: after a
 * reboot, the kernel objects come back only when the admin re-creates the
 * volumes and loads the pools, and its target file is its data.
 */
struct reconcile {
	struct daemon *d;
	char gone[256][STORE_NAME_MAX];
	unsigned int n;
};

static void reconcile_replica(const struct store_replica *r, void *arg)
{
	struct reconcile *rc = arg;
	struct kernel_volume source;
	struct kernel_sync s;

	if (!kernel_sync_get(rc->d->kernel, r->target, &s) ||
	    kernel_volume_get(rc->d->kernel, r->source, &source))
		return;
	if (rc->n < sizeof(rc->gone) / sizeof(rc->gone[0]))
		snprintf(rc->gone[rc->n++], STORE_NAME_MAX, "%s", r->target);
}

static void reconcile(struct daemon *d)
{
	struct reconcile *rc = calloc(1, sizeof(*rc));
	struct kernel_volume kv;
	struct store_replica r;
	unsigned int i;

	if (!rc)
		return;
	rc->d = d;
	store_replica_list(d->store, reconcile_replica, rc);
	for (i = 0; i < rc->n; i++) {
		if (store_replica_get(d->store, rc->gone[i], &r))
			continue;
		fprintf(stderr, "cimrepld: replica %s is no longer in the kernel: forgetting it\n",
			r.target);
		/*
		 * A target file is kept while its device still exists (the
		 * synchronization was detached directly through netlink):
		 * it goes back to the pool when that volume is deleted.
		 */
		if (kernel_volume_get(d->kernel, r.target, &kv))
			pools_free_target(d, &r);
		else if (r.pool[0])
			store_detached_put(d->store, &r);
		store_replica_delete(d->store, r.target);
	}
	free(rc);
}

struct job_ids {
	int64_t ids[1024];
	unsigned int n;
};

static void running_job(const struct store_job *job, void *arg)
{
	struct job_ids *j = arg;

	if (job->state == CIMREPL_JOB_RUNNING &&
	    j->n < sizeof(j->ids) / sizeof(j->ids[0]))
		j->ids[j->n++] = job->id;
}

/* Bring every running job up to date (after an event, at start). */
static void refresh_jobs(struct daemon *d)
{
	struct job_ids *j = calloc(1, sizeof(*j));
	struct store_job job;
	unsigned int i;

	if (!j)
		return;
	store_job_list(d->store, running_job, j);
	for (i = 0; i < j->n; i++)
		if (replicate_job_refresh(d, j->ids[i], &job) ==
		    CIMREPL_JOB_COMPLETED || job.state == CIMREPL_JOB_EXCEPTION)
			fprintf(stderr, "cimrepld: job %" PRId64 " (%s) %s%s%s\n",
				job.id, job.method,
				job.state == CIMREPL_JOB_COMPLETED ? "completed" :
				"failed", job.error_description[0] ? ": " : "",
				job.error_description);
	free(j);
}

/*
 * The volume @name was deleted: if it was a detached replica's target
 * from a pool, its file or extent goes back to the pool. Only on the
 * deletion seen: at start, a volume not there may just not be re-created
 * yet after a reboot, and its target is its data.
 */
static void detached_deleted(struct daemon *d, const char *name)
{
	struct kernel_volume kv;
	struct store_replica r;

	if (store_detached_get(d->store, name, &r) ||
	    kernel_volume_get(d->kernel, name, &kv) != -ENOENT)
		return;
	fprintf(stderr, "cimrepld: detached replica %s deleted: its target goes back to pool %s\n",
		name, r.pool);
	pools_free_target(d, &r);
	store_detached_delete(d->store, name);
}

static void on_event(const struct kernel_event *ev, void *arg)
{
	struct daemon *d = arg;
	const char *state = ev->copy_state >= 0 ?
		cim_value_name(&cim_copy_state_map, ev->copy_state) : NULL;

	if (ev->event != CIMREPL_EVENT_PROGRESS)
		fprintf(stderr, "cimrepld: event %u on %s%s%s%s%s\n", ev->event,
			ev->source[0] ? ev->source : "",
			ev->source[0] ? " -> " : "", ev->target,
			state ? ", CopyState " : "", state ? state : "");
	pthread_mutex_lock(&d->lock);
	/* a replica deleted directly: forget it, give back its target */
	if (ev->event == CIMREPL_EVENT_DELETED) {
		detached_deleted(d, ev->target);
		reconcile(d);
	}
	refresh_jobs(d);
	indications_kernel_event(d, ev);
	pthread_mutex_unlock(&d->lock);
}

static int check_kernel(struct kernel *k, struct kernel_info *info)
{
	if (kernel_get_info(k, info)) {
		fprintf(stderr, "cimrepld: %s\n", kernel_error(k));
		return -1;
	}
	if (info->api_version != CIMREPL_API_VERSION) {
		fprintf(stderr, "cimrepld: kernel speaks netlink API %u, this daemon %d\n",
			info->api_version, CIMREPL_API_VERSION);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static struct daemon d = { .lock = PTHREAD_MUTEX_INITIALIZER };
	static struct provider provider;
	struct cim_httpd_config cfg;
	struct cim_httpd *httpd = NULL;
	struct kernel *events = NULL;
	struct store_pool pool;
	struct options o;
	struct pollfd fds[2];
	sigset_t mask;
	char err[512];
	int ret = EXIT_FAILURE, r;

	r = parse_options(argc, argv, &o);
	if (r >= 0)
		return r;

	/*
	 * Block the signals the main loop reads before any thread starts:
	 * threads inherit the mask, and a thread that did not block them
	 * would take SIGTERM's default action (die) instead of the signalfd
	 * reporting it.
	 */
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &mask, NULL);

	d.kernel = kernel_open(err, sizeof(err));
	if (!d.kernel) {
		fprintf(stderr, "cimrepld: %s\n", err);
		return EXIT_FAILURE;
	}
	if (check_kernel(d.kernel, &d.caps))
		goto out;
	if (o.check) {
		printf("cimrepld: cimrepl %s, netlink API %u\n",
		       d.caps.module_version, d.caps.api_version);
		ret = EXIT_SUCCESS;
		goto out;
	}

	snprintf(d.state_dir, sizeof(d.state_dir), "%s", o.state_dir);
	d.default_pool_size = o.pool_size;
	if (gethostname(d.system_name, sizeof(d.system_name) - 1) ||
	    !d.system_name[0])
		snprintf(d.system_name, sizeof(d.system_name), "localhost");
	r = make_dirs(o.state_dir);
	if (r) {
		fprintf(stderr, "cimrepld: cannot create %s: %s\n", o.state_dir,
			strerror(-r));
		goto out;
	}
	d.store = store_open(o.state_dir, err, sizeof(err));
	if (!d.store) {
		fprintf(stderr, "cimrepld: %s\n", err);
		goto out;
	}
	if (lio_init(&provider.lio, o.configfs, 0)) {
		fprintf(stderr, "cimrepld: --configfs %s: path too long\n",
			o.configfs);
		goto out;
	}
	provider.d = &d;
	provider.wait_poll_ms = WAIT_POLL_MS;
	if (indications_start(&d, &provider.lio, o.listener_cacert, err,
			      sizeof(err))) {
		fprintf(stderr, "cimrepld: indications: %s\n", err);
		goto out;
	}
	if (o.export_tpg) {
		char path[PATH_MAX];
		struct stat st;

		snprintf(d.export_tpg, sizeof(d.export_tpg), "%s", o.export_tpg);
		if (snprintf(path, sizeof(path), "%s/%s/lun", provider.lio.root,
			     o.export_tpg) >= (int)sizeof(path) ||
		    stat(path, &st) || !S_ISDIR(st.st_mode)) {
			fprintf(stderr, "cimrepld: --export-tpg %s: no such target portal group\n",
				o.export_tpg);
			goto out;
		}
	}

	/* the kernel is the truth; then the pools are there */
	reconcile(&d);
	blockpool_reconcile(&d);
	for (r = 0; r < (int)o.n_block_pools; r++)
		if (blockpool_add(&d, &provider.lio, &o.block_pools[r], err,
				  sizeof(err))) {
			fprintf(stderr, "cimrepld: --block-pool %s: %s\n",
				o.block_pools[r].name, err);
			goto out;
		}
	refresh_jobs(&d);
	if (pools_default(&d, &pool, err, sizeof(err)) ||
	    pools_bring_up(&d, &pool, err, sizeof(err)))
		fprintf(stderr, "cimrepld: default pool: %s\n", err);

	events = kernel_open(err, sizeof(err));
	if (!events || kernel_subscribe_events(events)) {
		fprintf(stderr, "cimrepld: events: %s\n",
			events ? kernel_error(events) : err);
		goto out;
	}

	cim_httpd_config_init(&cfg);
	if (o.socket[0]) {
		char dir[PATH_MAX];
		char *slash;

		snprintf(dir, sizeof(dir), "%s", o.socket);
		slash = strrchr(dir, '/');
		if (slash && slash != dir) {
			*slash = '\0';
			make_dirs(dir);
		}
	}
	cfg.unix_path = o.socket[0] ? o.socket : NULL;
	cfg.credentials = o.credentials;
	cfg.tcp_address = o.tcp_address;
	cfg.tcp_port = o.tcp_port;
	cfg.auth = o.auth;
	cfg.pam_service = o.pam_service;
	if (o.no_tcp || (!o.tcp_given && o.auth == CIM_HTTPD_AUTH_FILE &&
			 access(o.credentials, F_OK))) {
		if (!o.no_tcp)
			fprintf(stderr, "cimrepld: no %s: not listening on TCP\n",
				o.credentials);
		cfg.tcp_port = 0;
	}
	cfg.tls_address = o.tls_address;
	cfg.tls_port = o.tls_port;
	cfg.tls_cert = o.tls_cert;
	cfg.tls_key = o.tls_key;
	if (o.no_tls || (!o.tls_given && access(o.tls_cert, F_OK)) ||
	    (!o.tls_given && o.auth == CIM_HTTPD_AUTH_FILE &&
	     access(o.credentials, F_OK)))
		cfg.tls_port = 0;
	httpd = cim_httpd_start(&cfg, provider_handle, &provider, err,
				sizeof(err));
	if (!httpd) {
		fprintf(stderr, "cimrepld: %s\n", err);
		goto out;
	}

	fds[0].fd = signalfd(-1, &mask, SFD_CLOEXEC);
	fds[0].events = POLLIN;
	fds[1].fd = kernel_fd(events);
	fds[1].events = POLLIN;
	if (fds[0].fd < 0) {
		fprintf(stderr, "cimrepld: signalfd: %s\n", strerror(errno));
		goto out;
	}
	fprintf(stderr, "cimrepld: serving cimrepl %s (netlink API %u) on %s%s%s%s\n",
		d.caps.module_version, d.caps.api_version,
		cfg.unix_path ? cfg.unix_path : "",
		cfg.tcp_port ? " and " : "", cfg.tcp_port ? cfg.tcp_address : "",
		cfg.tcp_port ? " (TCP)" : "");
	if (cfg.tcp_port)
		fprintf(stderr, "cimrepld: TCP port %d\n", cim_httpd_tcp_port(httpd));
	if (cfg.tls_port)
		fprintf(stderr, "cimrepld: TLS port %d (%s), %s authentication\n",
			cim_httpd_tls_port(httpd), cfg.tls_address,
			o.auth == CIM_HTTPD_AUTH_PAM ? "PAM" : "credentials file");

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
		    kernel_read_events(events, on_event, &d))
			fprintf(stderr, "cimrepld: events: %s\n",
				kernel_error(events));
	}
	close(fds[0].fd);
	fprintf(stderr, "cimrepld: stopping\n");
	d.stopping = true;
out:
	cim_httpd_stop(httpd);
	indications_stop(&d);
	kernel_close(events);
	store_close(d.store);
	kernel_close(d.kernel);
	return ret;
}
