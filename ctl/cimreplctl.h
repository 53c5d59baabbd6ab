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

#endif /* CIMREPL_CIMREPLCTL_H */
