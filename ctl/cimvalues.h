/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Names of the CIM values in <linux/cimrepl.h>, for people (tables, command
 * line arguments). The numbers themselves live only in the uapi header.
 */
#ifndef CIMREPL_CIMVALUES_H
#define CIMREPL_CIMVALUES_H

#include <stdbool.h>
#include <stddef.h>

struct cim_value_name {
	int value;
	const char *name;	/* the standard's words, e.g. "Synchronized" */
	const char *keyword;	/* the command-line spelling, e.g. "synchronized" */
};

struct cim_value_map {
	const char *property;	/* e.g. "CopyState" */
	const struct cim_value_name *names;
	size_t count;
};

extern const struct cim_value_map cim_sync_type_map;
extern const struct cim_value_map cim_mode_map;
extern const struct cim_value_map cim_copy_type_map;
extern const struct cim_value_map cim_copy_state_map;
extern const struct cim_value_map cim_progress_status_map;
extern const struct cim_value_map cim_operation_map;
/* CIM_ReplicationServiceCapabilities and its methods */
extern const struct cim_value_map cim_replication_type_map;
extern const struct cim_value_map cim_action_map;
extern const struct cim_value_map cim_storage_object_map;
extern const struct cim_value_map cim_feature_map;
extern const struct cim_value_map cim_list_feature_map;

/* The standard's name of @value, or NULL when @value is not in the map. */
const char *cim_value_name(const struct cim_value_map *map, int value);

/* The command-line keyword of @value, or NULL. */
const char *cim_value_keyword(const struct cim_value_map *map, int value);

/*
 * Parse a command-line argument: a keyword ("snapshot"), the standard's
 * name, case-insensitively, or the decimal CIM value. Returns false when
 * @text names nothing in @map.
 */
bool cim_value_parse(const struct cim_value_map *map, const char *text,
		     int *value);

#endif /* CIMREPL_CIMVALUES_H */
