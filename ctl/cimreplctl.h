/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What cimreplctl's two halves share: the `kernel` commands (netlink, in
 * cimreplctl.c) and the commands of the replication service (CIM-XML to
 * cimrepld, in cimcmds.c).
 */
#ifndef CIMREPL_CIMREPLCTL_H
#define CIMREPL_CIMREPLCTL_H

#include <stdbool.h>

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
 * Send @req to cimrepld and parse its answer; NULL after one line on
 * stderr naming @what when there is none, or it is a CIM error.
 */
struct cim_request;
struct cimxml_reply;
struct cimxml_reply *cim_call(const struct cim_request *req, const char *what);

/* The CIM commands: argc/argv are the arguments after OBJECT VERB. */
int replica_create_cim_cmd(int argc, char **argv);
int storage_list_cmd(int argc, char **argv);
int storage_show_cmd(int argc, char **argv);
int sync_list_cim_cmd(int argc, char **argv);
int sync_show_cim_cmd(int argc, char **argv);
int job_list_cmd(int argc, char **argv);
int job_show_cmd(int argc, char **argv);
int job_wait_cmd(int argc, char **argv);
int pool_list_cim_cmd(int argc, char **argv);
int capabilities_show_cmd(int argc, char **argv);	/* capscmd.c */

#endif /* CIMREPL_CIMREPLCTL_H */
