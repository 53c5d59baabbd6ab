/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What cimreplctl's two halves share: the `kernel` commands (netlink, in
 * cimreplctl.c) and the commands of the replication service (CIM-XML to
 * cimrepld, in cimcmds.c).
 */
#ifndef CIMREPL_CIMREPLCTL_H
#define CIMREPL_CIMREPLCTL_H

#include <stdbool.h>
#include <stdint.h>

#include <json-c/json.h>

#include "cimclient.h"

#define EXIT_USAGE 2

extern bool json_output;
/* Where the CIM commands connect: the UNIX socket, or --url. */
extern struct cim_client_config client_config;

/* Print @o as pretty JSON on stdout and release it. */
void print_json(json_object *o);

/*
 * What `kernel sync wait` and `job wait` share: a --timeout value (seconds;
 * false, with one line naming @what, when it is not one), the monotonic
 * clock, a pause between two polls, and the bar of WAIT_BAR_WIDTH '#' and
 * '.' for @percent (0..100) into @bar (WAIT_BAR_WIDTH + 1 bytes).
 */
#define WAIT_BAR_WIDTH 30
bool parse_timeout(const char *what, const char *text, double *seconds);
double monotonic_seconds(void);
void sleep_seconds(double seconds);
void wait_bar(char *bar, unsigned int percent);

/*
 * What the CIM commands' files share (cimcmds.c): a CIM operation sent to
 * cimrepld (NULL, said why on stderr, when it failed or answered with a
 * CIM error), the path of the replication service, the names of the return
 * codes, and "7" for "cimrepl:job:7".
 */
struct cim_path;
struct cim_request;
struct cimxml_reply;
struct relationship_filter;
struct cimxml_reply *cim_call(const struct cim_request *req, const char *what);
bool find_service(struct cim_path *out, const char *what);
const char *return_code_name(uint64_t rc);
const char *short_job_id(const char *instance_id);

/*
 * `sync list`'s filters (synccmds.c): parse them (EXIT_SUCCESS, or
 * EXIT_USAGE said why), then keep in @list the instances
 * GetReplicationRelationships returns for them (false, said why, on error).
 */
int sync_list_filter_parse(int argc, char **argv, struct relationship_filter *f);
bool sync_list_filter(const struct relationship_filter *f,
		      struct cimxml_reply *list);

/* The CIM commands: argc/argv are the arguments after OBJECT VERB. */
int replica_create_cim_cmd(int argc, char **argv);
int storage_list_cmd(int argc, char **argv);
int storage_show_cmd(int argc, char **argv);
int sync_list_cim_cmd(int argc, char **argv);
int sync_show_cim_cmd(int argc, char **argv);
int sync_modify_cim_cmd(int argc, char **argv);
int job_list_cmd(int argc, char **argv);
int job_show_cmd(int argc, char **argv);
int job_wait_cmd(int argc, char **argv);
int pool_list_cim_cmd(int argc, char **argv);
int capabilities_show_cmd(int argc, char **argv);	/* capscmd.c */

#endif /* CIMREPL_CIMREPLCTL_H */
