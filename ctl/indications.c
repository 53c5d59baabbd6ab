// SPDX-License-Identifier: GPL-2.0
/*
 * CIM indications: what the daemon sends (indications.h). A change of a job
 * (from replicate.c's bookkeeping) or of a synchronization (kernel events,
 * compared with the last view) becomes one CIM_InstModification per
 * matching subscription, encoded here and queued for export.c's thread.
 * The subscription objects are subscriptions.c's, their operations
 * subscription_ops.c's.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <linux/cimrepl.h>

#include "classes.h"
#include "cimxml.h"
#include "cimxml_export.h"
#include "cql.h"
#include "export.h"
#include "indications.h"
#include "model.h"
#include "subscriptions.h"

#define SEVERITY_INFORMATION	2	/* CIM_Indication.PerceivedSeverity */

struct indications {
	struct subscriptions subs;
	struct lio *lio;
	struct export_queue *export;
	/* the synchronizations as last seen, to tell what changed */
	struct model_list syncs;
	bool syncs_known;
	uint64_t sequence;	/* IndicationIdentifier, MESSAGE ID */
};

static bool isa(const char *name, const char *ancestor)
{
	const struct cim_class *cls = classes_find(name);

	if (!strcasecmp(name, ancestor))
		return true;
	return cls && classes_is_a(cls, ancestor);
}

static bool same_text(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* Remember the synchronizations as they are now, to see changes later. */
static void snapshot_syncs(struct indications *ind, struct daemon *d)
{
	model_list_free(&ind->syncs);
	ind->syncs_known = !model_enumerate(d, ind->lio,
					    classes_find(CLASS_SYNC),
					    &ind->syncs);
}

struct subscriptions *indications_subscriptions(struct daemon *d)
{
	return &d->indications->subs;
}

void indications_subscribed(struct daemon *d)
{
	struct indications *ind = d->indications;

	if (!ind->syncs_known)
		snapshot_syncs(ind, d);
}

/* ---- what is sent ---- */

/* A path as a WBEM URI ("//host/ns:Class.Key=\"v\",..."), malloc'ed. */
static void write_path(FILE *f, const struct cim_path *p)
{
	size_t i;
	const char *c;

	if (p->host)
		fprintf(f, "//%s/", p->host);
	if (p->namespace)
		fprintf(f, "%s:", p->namespace);
	fputs(p->classname ? p->classname : "", f);
	for (i = 0; i < p->n_keys; i++) {
		const struct cim_key *k = &p->keys[i];

		fprintf(f, "%c%s=", i ? ',' : '.', k->name);
		if (k->ref) {
			char *inner = NULL;
			size_t n = 0;
			FILE *g = open_memstream(&inner, &n);

			if (g) {
				write_path(g, k->ref);
				fclose(g);
			}
			fputc('"', f);
			for (c = inner ? inner : ""; *c; c++) {
				if (*c == '"' || *c == '\\')
					fputc('\\', f);
				fputc(*c, f);
			}
			fputc('"', f);
			free(inner);
		} else if (k->type == CIM_TYPE_STRING || k->type == CIM_TYPE_NONE ||
			   k->type == CIM_TYPE_DATETIME ||
			   k->type == CIM_TYPE_CHAR16) {
			fputc('"', f);
			for (c = k->value ? k->value : ""; *c; c++) {
				if (*c == '"' || *c == '\\')
					fputc('\\', f);
				fputc(*c, f);
			}
			fputc('"', f);
		} else {
			fputs(k->value ? k->value : "", f);
		}
	}
}

static char *path_text(const struct cim_path *p)
{
	char *text = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&text, &n);

	if (!f)
		return NULL;
	write_path(f, p);
	if (fclose(f)) {
		free(text);
		return NULL;
	}
	return text;
}

static bool set_embedded(struct cim_instance *ind_inst, const char *name,
			 const struct cim_instance *inst)
{
	char *text;
	struct cim_value *v;
	bool ok;

	if (!inst)
		return true;
	text = cimxml_instance_string(inst);
	if (!text)
		return false;
	v = cim_instance_add_prop(ind_inst, name);
	ok = v && cim_value_set(v, CIM_TYPE_STRING, text);
	if (ok)
		v->embedded_instance = true;
	free(text);
	return ok;
}

/* The CIM_InstModification for @f: @source was @previous. */
static struct cim_instance *modification(struct indications *ind,
					 struct daemon *d,
					 const struct filter *f,
					 const struct cim_instance *source,
					 const struct cim_instance *previous)
{
	struct cim_instance *inst = cim_instance_new(IND_CLASS_MODIFICATION);
	char id[64], when[CIM_DATETIME_LEN + 1], severity[8];
	char *model_path = source->path ? path_text(source->path) : NULL;
	bool ok;

	snprintf(id, sizeof(id), "cimrepl:%" PRIu64, ++ind->sequence);
	cim_datetime_format(daemon_now_ns(), when);
	snprintf(severity, sizeof(severity), "%d", SEVERITY_INFORMATION);
	ok = inst &&
	     cim_instance_set_prop(inst, "IndicationIdentifier",
				   CIM_TYPE_STRING, id) &&
	     cim_instance_set_prop(inst, "IndicationTime", CIM_TYPE_DATETIME,
				   when) &&
	     cim_instance_set_prop(inst, "IndicationFilterName",
				   CIM_TYPE_STRING, f->name) &&
	     cim_instance_set_prop(inst, "PerceivedSeverity", CIM_TYPE_UINT16,
				   severity) &&
	     cim_instance_set_prop(inst, "SourceInstanceHost", CIM_TYPE_STRING,
				   d->system_name) &&
	     (!model_path ||
	      cim_instance_set_prop(inst, "SourceInstanceModelPath",
				    CIM_TYPE_STRING, model_path)) &&
	     set_embedded(inst, "SourceInstance", source) &&
	     set_embedded(inst, "PreviousInstance", previous);
	free(model_path);
	if (!ok) {
		cim_instance_free(inst);
		return NULL;
	}
	return inst;
}

/* @source changed from @previous: tell every subscription that wants it. */
static void emit(struct indications *ind, struct daemon *d,
		 const struct cim_instance *source,
		 const struct cim_instance *previous)
{
	struct cim_instance *inst;
	size_t i, len;
	char *doc;
	char id[32];

	for (i = 0; i < ind->subs.n_subscriptions; i++) {
		struct subscription *s = ind->subs.subscriptions[i];

		if (!s->enabled ||
		    !cql_match(s->filter->query, IND_CLASS_MODIFICATION, source,
			       previous, isa))
			continue;
		inst = modification(ind, d, s->filter, source, previous);
		snprintf(id, sizeof(id), "%" PRIu64, ind->sequence);
		doc = inst ? cimxml_export_indication(id, inst, &len) : NULL;
		cim_instance_free(inst);
		if (!doc) {
			fprintf(stderr, "cimrepld: indication for %s: cannot encode it: %s\n",
				s->destination->url, strerror(errno));
			continue;
		}
		export_send(ind->export, s->destination->url, doc, len);
	}
}

void indications_job_changed(struct daemon *d, const struct store_job *before,
			     const struct store_job *after)
{
	struct indications *ind = d->indications;
	struct cim_instance *now, *then;

	if (!ind || !ind->subs.n_subscriptions)
		return;
	now = model_job_instance(d, after);
	then = model_job_instance(d, before);
	if (now && then)
		emit(ind, d, now, then);
	cim_instance_free(now);
	cim_instance_free(then);
}

static bool sync_changed(const struct cim_instance *a,
			 const struct cim_instance *b)
{
	static const char *const watched[] = {
		"CopyState", "SyncState", "ProgressStatus",
	};
	size_t i;

	for (i = 0; i < sizeof(watched) / sizeof(watched[0]); i++)
		if (!same_text(ind_prop_text(a, watched[i]),
			       ind_prop_text(b, watched[i])))
			return true;
	return false;
}

void indications_kernel_event(struct daemon *d, const struct kernel_event *ev)
{
	struct indications *ind = d->indications;
	struct model_list before;
	size_t i, j;

	if (!ind || !ind->subs.n_subscriptions || ev->event == CIMREPL_EVENT_PROGRESS)
		return;
	if (!ind->syncs_known) {
		snapshot_syncs(ind, d);
		return;
	}
	before = ind->syncs;
	ind->syncs = (struct model_list){ 0 };
	snapshot_syncs(ind, d);
	for (i = 0; i < ind->syncs.n; i++)
		for (j = 0; j < before.n; j++)
			if (model_path_equal(ind->syncs.items[i]->path,
					     before.items[j]->path)) {
				if (sync_changed(ind->syncs.items[i],
						 before.items[j]))
					emit(ind, d, ind->syncs.items[i],
					     before.items[j]);
				break;
			}
	model_list_free(&before);
}


/* ---- start and stop ---- */

static void free_all(struct indications *ind)
{
	ind_free_all(&ind->subs);
	model_list_free(&ind->syncs);
	free(ind);
}

int indications_start(struct daemon *d, struct lio *lio, const char *cacert,
		      char *err, size_t errlen)
{
	struct indications *ind = calloc(1, sizeof(*ind));

	if (!ind) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	ind->lio = lio;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(err, errlen, "cannot initialize libcurl");
		free(ind);
		return -EIO;
	}
	ind_load(&ind->subs, d);
	ind->export = export_start(cacert, err, errlen);
	if (!ind->export) {
		free_all(ind);
		curl_global_cleanup();
		return -EIO;
	}
	d->indications = ind;
	if (ind->subs.n_subscriptions) {
		fprintf(stderr, "cimrepld: %zu indication subscription%s\n",
			ind->subs.n_subscriptions, ind->subs.n_subscriptions == 1 ? "" : "s");
		snapshot_syncs(ind, d);
	}
	return 0;
}

void indications_stop(struct daemon *d)
{
	struct indications *ind = d->indications;

	if (!ind)
		return;
	export_stop(ind->export);
	d->indications = NULL;
	free_all(ind);
	curl_global_cleanup();
}
