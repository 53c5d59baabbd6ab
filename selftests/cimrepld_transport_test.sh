#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# cimrepld_transport_test.sh - cimrepld's remote front doors and its
# indications, with real clients:
#
#   a) HTTPS on the TLS port with a self-signed certificate made here:
#      wbemcli -noverify, curl --cacert and cimreplctl --cacert get answers;
#      plain HTTP on that port gets none (the TLS handshake fails);
#   b) wrong credentials get 401 on both TCP ports, with the credentials
#      file and, after a restart with --auth pam (a PAM service like
#      scripts/pam.d/cimrepld, a local user made here), with PAM, where the
#      user's password gets in;
#   c) CIM_IndicationFilters (the SMI-S "job completed OK" CQL query and a
#      CopyState change query), a CIM_ListenerDestinationCIMXML (a small
#      python3 listener) and CIM_IndicationSubscriptions created in interop
#      survive that restart; a query outside the supported subset is refused
#      with CIM_ERR_NOT_SUPPORTED;
#   d) a throttled clone (CreateElementReplica SyncType 8, 4096 + Job)
#      brings the listener a CIM-XML ExportIndication (valid XML, DSP0200
#      export headers) whose SourceInstance is that job with JobState 7, and
#      one for the synchronization reaching CopyState 4;
#   e) a filter in use cannot be deleted; the subscription, then it, can.
#
# Run as root inside the test VM:
#	scripts/vm-run --kernel 6.1 -- selftests/run.sh cimrepld_transport_test.sh

set -u

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lio.sh"

rnd=$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
p="ct$rnd"
. "$(dirname "$0")/cimrepld_lib.sh"
span=16					# MiB of the source
v0="${p}v0" s0="${p}s0"
tls_port=5989 listen_port=5990
lpid=
pam_user=

ktap_require_cmd wbemcli curl openssl xmllint jq losetup truncate useradd
[ -x /usr/bin/python3 ] || ktap_skip_all "no /usr/bin/python3 for the listener"
crl_require 8
crl_init
daemon_args="--listen 127.0.0.1:$port --credentials $tmp/passwd --listen-tls 127.0.0.1:$tls_port --tls-cert $tmp/cert.pem --tls-key $tmp/key.pem"
S="https://$user:$pass@127.0.0.1:$tls_port"
svc="$S/root/cimv2:CIM_ReplicationService.CreationClassName=\"CIM_ReplicationService\",Name=\"cimrepl\",SystemCreationClassName=\"CIM_ComputerSystem\",SystemName=\"$host\""

# ---------------------------------------------------------------- helpers

# daemon_ready - the TLS port, the last the daemon binds, answers.
daemon_ready()
{
	[ -S "$sock" ] &&
		curl -s -o /dev/null --cacert "$tmp/cert.pem" \
			"https://127.0.0.1:$tls_port/" 2>/dev/null
}

# post PORT SCHEME NS METHOD BODYFILE - a CIM operation with curl over TCP
# (http) or TLS (https, the test certificate as CA) as $user:$pass; the
# body in $tmp/resp, the HTTP status printed (000: no HTTP answer).
post()
{
	curl -s -o "$tmp/resp" -w '%{http_code}' --cacert "$tmp/cert.pem" \
		-u "$user:$pass" -X POST \
		-H 'Content-Type: application/xml; charset="utf-8"' \
		-H 'CIMOperation: MethodCall' -H "CIMMethod: $4" \
		-H "CIMObject: $3" --data-binary "@$5" \
		"$2://127.0.0.1:$1/cimom" 2>/dev/null
}

# imethod NS METHOD PARAMS - an IMETHODCALL document.
imethod()
{
	printf '<?xml version="1.0" encoding="utf-8"?>\n<CIM CIMVERSION="2.0" DTDVERSION="2.0"><MESSAGE ID="5" PROTOCOLVERSION="1.0"><SIMPLEREQ><IMETHODCALL NAME="%s"><LOCALNAMESPACEPATH>' "$2"
	printf '%s\n' "$1" | tr '/' '\n' | while read -r part; do
		printf '<NAMESPACE NAME="%s"/>' "$part"
	done
	printf '</LOCALNAMESPACEPATH>%s</IMETHODCALL></SIMPLEREQ></MESSAGE></CIM>\n' "$3"
}

# create NS INSTANCE_XML - CreateInstance over TLS; the HTTP status, the
# answer in $tmp/resp.
create()
{
	imethod "$1" CreateInstance \
		"<IPARAMVALUE NAME=\"NewInstance\">$2</IPARAMVALUE>" >"$tmp/req"
	post "$tls_port" https "$1" CreateInstance "$tmp/req"
}

# cim_error - the CODE of the ERROR in $tmp/resp, "" when none.
cim_error()
{
	xmllint --xpath 'string(//ERROR/@CODE)' "$tmp/resp" 2>/dev/null
}

sysprops()
{
	printf '<PROPERTY NAME="SystemCreationClassName" TYPE="string"><VALUE>CIM_ComputerSystem</VALUE></PROPERTY><PROPERTY NAME="SystemName" TYPE="string"><VALUE>%s</VALUE></PROPERTY><PROPERTY NAME="CreationClassName" TYPE="string"><VALUE>%s</VALUE></PROPERTY><PROPERTY NAME="Name" TYPE="string"><VALUE>%s</VALUE></PROPERTY>' \
		"$host" "$1" "$2"
}

filter_xml()
{
	printf '<INSTANCE CLASSNAME="CIM_IndicationFilter">%s<PROPERTY NAME="Query" TYPE="string"><VALUE>%s</VALUE></PROPERTY><PROPERTY NAME="QueryLanguage" TYPE="string"><VALUE>DMTF:CQL</VALUE></PROPERTY><PROPERTY NAME="SourceNamespace" TYPE="string"><VALUE>root/cimv2</VALUE></PROPERTY></INSTANCE>' \
		"$(sysprops CIM_IndicationFilter "$1")" "$2"
}

keyref()
{
	printf '<PROPERTY.REFERENCE NAME="%s" REFERENCECLASS="%s"><VALUE.REFERENCE><INSTANCENAME CLASSNAME="%s"><KEYBINDING NAME="CreationClassName"><KEYVALUE VALUETYPE="string">%s</KEYVALUE></KEYBINDING><KEYBINDING NAME="Name"><KEYVALUE VALUETYPE="string">%s</KEYVALUE></KEYBINDING><KEYBINDING NAME="SystemCreationClassName"><KEYVALUE VALUETYPE="string">CIM_ComputerSystem</KEYVALUE></KEYBINDING><KEYBINDING NAME="SystemName"><KEYVALUE VALUETYPE="string">%s</KEYVALUE></KEYBINDING></INSTANCENAME></VALUE.REFERENCE></PROPERTY.REFERENCE>' \
		"$1" "$2" "$2" "$2" "$3" "$host"
}

subscription_xml()
{
	printf '<INSTANCE CLASSNAME="CIM_IndicationSubscription">%s%s</INSTANCE>' \
		"$(keyref Filter CIM_IndicationFilter "$1")" \
		"$(keyref Handler CIM_ListenerDestinationCIMXML "$2")"
}

# indication_with PROP VALUE [CLASS] - the first indication received whose
# SourceInstance has PROP = VALUE (and is of CLASS); its file printed.
indication_with()
{
	for f in "$tmp"/listener/*.xml; do
		[ -f "$f" ] || continue
		xmllint --xpath 'string(//PROPERTY[@NAME="SourceInstance"]/VALUE)' \
			"$f" >"$tmp/source" 2>/dev/null || continue
		[ -z "${3:-}" ] || [ "$(xmllint --xpath 'string(/INSTANCE/@CLASSNAME)' \
			"$tmp/source" 2>/dev/null)" = "$3" ] || continue
		[ "$(xmllint --xpath "string(/INSTANCE/PROPERTY[@NAME=\"$1\"]/VALUE)" \
			"$tmp/source" 2>/dev/null)" = "$2" ] || continue
		echo "$f"
		return 0
	done
	return 1
}

# teardown - the listener, what crl_teardown removes, the PAM user and
# service.
teardown()
{
	[ -n "$lpid" ] && kill "$lpid" 2>/dev/null
	crl_teardown
}

# shellcheck disable=SC2317 # run by crl_teardown
crl_teardown_extra()
{
	[ -n "$pam_user" ] && userdel "$pam_user"
	rm -f /etc/pam.d/cimrepld-selftest
}

started_test=$(date +%s)
ktap_plan 14

# ------------------------------------------------------------------ setup

# 1. A volume and its backstore, the credentials, a self-signed
# certificate, the listener, the daemon on 5988 and 5989.
why=
{
	l0=$(new_loop "$tmp/v0.img" "$span") && loops="$l0" &&
	dd if=/dev/urandom of="$l0" bs=1M count=$span oflag=direct status=none &&
	"$ctl" volume create "$v0" --backing "$l0" &&
	"$tool" block create "$s0" "/dev/cimrepl/$v0" &&
	crl_passwd &&
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
		-nodes -days 2 -subj /CN=localhost \
		-addext subjectAltName=IP:127.0.0.1,DNS:localhost \
		-keyout "$tmp/key.pem" -out "$tmp/cert.pem" &&
	chmod 600 "$tmp/key.pem"
} >"$tmp/out" 2>&1 || why="setup: $(tail -n 3 "$tmp/out")"
mkdir -p "$tmp/listener"
cat >"$tmp/listener.py" <<'PY'
# A CIM-XML indication listener: each export request's headers and body
# into DIR/NNN.hdr and DIR/NNN.xml, answered with an EXPMETHODRESPONSE.
import http.server, os, sys

port, out = int(sys.argv[1]), sys.argv[2]
count = [0]
ANSWER = (b'<?xml version="1.0" encoding="utf-8"?><CIM CIMVERSION="2.0" '
          b'DTDVERSION="2.4"><MESSAGE ID="1" PROTOCOLVERSION="1.0">'
          b'<SIMPLEEXPRSP><EXPMETHODRESPONSE NAME="ExportIndication"/>'
          b'</SIMPLEEXPRSP></MESSAGE></CIM>')

class Listener(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get('Content-Length', 0)))
        count[0] += 1
        base = os.path.join(out, '%03d' % count[0])
        with open(base + '.hdr', 'w') as f:
            f.write('PATH: %s\n%s' % (self.path, self.headers))
        with open(base + '.tmp', 'wb') as f:
            f.write(body)
        os.rename(base + '.tmp', base + '.xml')
        self.send_response(200)
        self.send_header('Content-Type', 'application/xml; charset="utf-8"')
        self.send_header('CIMExport', 'MethodResponse')
        self.send_header('Content-Length', str(len(ANSWER)))
        self.end_headers()
        self.wfile.write(ANSWER)

    def log_message(self, *args):
        pass

http.server.HTTPServer(('127.0.0.1', port), Listener).serve_forever()
PY
if [ -z "$why" ]; then
	/usr/bin/python3 "$tmp/listener.py" "$listen_port" "$tmp/listener" \
		>"$tmp/listener.log" 2>&1 &
	lpid=$!
	daemon_start || why="cimrepld does not answer: $(tail -n 5 "$tmp/daemon.log")"
fi
if [ -z "$why" ]; then
	ktap_ok setup_volume_certificate_listener_daemon
else
	ktap_fail setup_volume_certificate_listener_daemon "$why"
	ktap_bail_out "no setup"
fi

# ------------------------------------------------------------- a) HTTPS

# 2. wbemcli over https (-noverify: wbemcli has no SAN-less CA pinning of
# its own worth testing) finds the replication service.
wbemcli -noverify ein "$S/root/cimv2:CIM_ReplicationService" >"$tmp/out" 2>&1
if grep -q 'CIM_ReplicationService.*Name="cimrepl"' "$tmp/out"; then
	ktap_ok a_wbemcli_over_https_finds_the_service
else
	ktap_fail a_wbemcli_over_https_finds_the_service "$(head -c 300 "$tmp/out")"
fi

# 3. curl with the certificate as its CA: 200 and a CIM-XML answer;
# cimreplctl --url https:// --cacert lists the volume.
imethod root/cimv2 EnumerateInstanceNames \
	'<IPARAMVALUE NAME="ClassName"><CLASSNAME NAME="CIM_StorageVolume"/></IPARAMVALUE>' \
	>"$tmp/ein"
st=$(post "$tls_port" https root/cimv2 EnumerateInstanceNames "$tmp/ein")
CIMREPL_PASSWORD=$pass "$ctl" --url "https://$user@127.0.0.1:$tls_port" \
	--cacert "$tmp/cert.pem" --json storage list >"$tmp/ctl.out" 2>&1
ctl_rc=$?
if [ "$st" = 200 ] && grep -q "$s0" "$tmp/resp" && [ "$ctl_rc" = 0 ] &&
   grep -q "$s0" "$tmp/ctl.out"; then
	ktap_ok a_curl_and_cimreplctl_verify_the_certificate
else
	ktap_fail a_curl_and_cimreplctl_verify_the_certificate \
		"curl $st, cimreplctl $ctl_rc: $(head -c 200 "$tmp/ctl.out")"
fi

# 4. Plain HTTP on the TLS port: no HTTP answer at all; and a client that
# does not trust the certificate gives up.
st=$(post "$tls_port" http root/cimv2 EnumerateInstanceNames "$tmp/ein")
curl -s -o /dev/null -u "$user:$pass" "https://127.0.0.1:$tls_port/cimom" 2>/dev/null
untrusted=$?
if [ "$st" = 000 ] && [ "$untrusted" = 60 ]; then
	ktap_ok a_plain_http_on_the_tls_port_is_refused
else
	ktap_fail a_plain_http_on_the_tls_port_is_refused \
		"HTTP status '$st', untrusted curl exit $untrusted"
fi

# ------------------------------------------------------- b) credentials

# 5. Wrong credentials: 401 on both ports.
good_pass=$pass
pass=wrong
st_tcp=$(post "$port" http root/cimv2 EnumerateInstanceNames "$tmp/ein")
st_tls=$(post "$tls_port" https root/cimv2 EnumerateInstanceNames "$tmp/ein")
pass=$good_pass
if [ "$st_tcp" = 401 ] && [ "$st_tls" = 401 ]; then
	ktap_ok b_wrong_credentials_get_401_on_both_ports
else
	ktap_fail b_wrong_credentials_get_401_on_both_ports "TCP $st_tcp, TLS $st_tls"
fi

# ------------------------------------------------- c) subscriptions

# 6. A filter for jobs that completed OK, one for CopyState changes, the
# listener and two subscriptions, in interop.
q_job="SELECT * FROM CIM_InstModification WHERE SourceInstance ISA CIM_ConcreteJob AND ANY SourceInstance.CIM_ConcreteJob::OperationalStatus[*] = 17 AND ANY SourceInstance.CIM_ConcreteJob::OperationalStatus[*] = 2"
q_sync="SELECT * FROM CIM_InstModification WHERE SourceInstance ISA CIM_StorageSynchronized AND SourceInstance.CIM_StorageSynchronized::CopyState &lt;&gt; PreviousInstance.CIM_StorageSynchronized::CopyState"
dest="<INSTANCE CLASSNAME=\"CIM_ListenerDestinationCIMXML\">$(sysprops CIM_ListenerDestinationCIMXML "${p}listener")<PROPERTY NAME=\"Destination\" TYPE=\"string\"><VALUE>http://127.0.0.1:$listen_port/cimlistener</VALUE></PROPERTY></INSTANCE>"
codes=
for inst in "$(filter_xml "${p}jobs" "$q_job")" \
	    "$(filter_xml "${p}syncs" "$q_sync")" "$dest" \
	    "$(subscription_xml "${p}jobs" "${p}listener")" \
	    "$(subscription_xml "${p}syncs" "${p}listener")"; do
	st=$(create interop "$inst")
	codes="$codes $st:$(cim_error)"
	xmllint --xpath '//IRETURNVALUE/INSTANCENAME' "$tmp/resp" >/dev/null 2>&1 ||
		codes="$codes(no INSTANCENAME)"
done
if [ "$codes" = " 200: 200: 200: 200: 200:" ]; then
	ktap_ok c_filters_listener_and_subscriptions_are_created
else
	ktap_fail c_filters_listener_and_subscriptions_are_created "$codes"
fi

# 7. A query outside the subset (CIM_ERR_NOT_SUPPORTED), one that is not
# a query (CIM_ERR_INVALID_PARAMETER) and a second subscription of the same
# filter to the same listener (CIM_ERR_ALREADY_EXISTS) are refused. (The
# host unit test tests/unit/indication_test covers the grammar itself.)
create interop "$(filter_xml "${p}bad" "SELECT * FROM CIM_InstCreation WHERE SourceInstance ISA CIM_ConcreteJob")" >/dev/null
e1=$(cim_error)
create interop "$(filter_xml "${p}bad" "SELECT * FROM CIM_InstModification WHERE (")" >/dev/null
e2=$(cim_error)
create interop "$(subscription_xml "${p}jobs" "${p}listener")" >/dev/null
e3=$(cim_error)
if [ "$e1 $e2 $e3" = "7 4 11" ]; then
	ktap_ok c_queries_outside_the_subset_are_refused
else
	ktap_fail c_queries_outside_the_subset_are_refused "codes '$e1 $e2 $e3'"
fi

# 8. They survive a restart, which switches to --auth pam with a PAM
# service like scripts/pam.d/cimrepld and a local user: wbemcli over https
# with that user's password lists both subscriptions (each names its
# filter and the listener, which were loaded first).
daemon_stop
pam_user="${p}u"
cp "$top/scripts/pam.d/cimrepld" /etc/pam.d/cimrepld-selftest
{ useradd -M -N "$pam_user" &&
  printf '%s:%s\n' "$pam_user" "$pass" | chpasswd; } >"$tmp/out" 2>&1 ||
	ktap_print_msg "useradd: $(cat "$tmp/out")"
user=$pam_user
S="https://$user:$pass@127.0.0.1:$tls_port"
svc="$S/root/cimv2:${svc#*/root/cimv2:}"
daemon_start --auth pam --pam-service cimrepld-selftest ||
	ktap_print_msg "restart: $(tail -n 3 "$tmp/daemon.log")"
wbemcli -noverify -nl ei "$S/interop:CIM_IndicationSubscription" >"$tmp/subs" 2>&1
if [ "$(grep -c '^-SubscriptionState=2' "$tmp/subs")" = 2 ] &&
   [ "$(grep -c "${p}listener" "$tmp/subs")" -ge 2 ]; then
	ktap_ok c_subscriptions_survive_a_restart_b_pam_user_gets_in
else
	ktap_fail c_subscriptions_survive_a_restart_b_pam_user_gets_in \
		"$(head -c 600 "$tmp/subs")"
fi

# --------------------------------------------------- d) indications

# 9. A clone throttled to 4 MiB/s: 4096 and a Job.
"$ctl" kernel sync set --throttle 4096 >/dev/null && module_throttle=1
started=$(date +%s)
wbemcli -noverify cm "$svc" "CreateElementReplica.SyncType=8,ElementName=\"${p}cl\",SourceElement=localhost:$tls_port/root/cimv2:CIM_StorageVolume.CreationClassName=\"CIM_StorageVolume\",DeviceID=\"$s0\",SystemCreationClassName=\"CIM_ComputerSystem\",SystemName=\"$host\"" \
	>"$tmp/cm" 2>&1
rv=$(grep -o 'Replica: [0-9]*' "$tmp/cm" | head -n 1 | cut -d' ' -f2)
job=$(grep -o 'cimrepl:job:[0-9]*' "$tmp/cm" | head -n 1)
if [ "$rv" = 4096 ] && [ -n "$job" ]; then
	ktap_ok d_clone_returns_4096_and_a_job
else
	ktap_fail d_clone_returns_4096_and_a_job "return '$rv': $(head -c 300 "$tmp/cm")"
fi

# 10. The job's completion reaches the listener as an indication whose
# SourceInstance is the job with JobState 7 (and PreviousInstance a
# running job), within 90 s (TCG on a busy host is slow; it stops waiting
# as soon as it comes).
f=
while [ "$(($(date +%s) - started))" -lt 90 ]; do
	# grep first: xmllint on every poll costs seconds of emulated CPU
	grep -qs "$job&lt;/VALUE" "$tmp"/listener/*.xml &&
		f=$(indication_with InstanceID "$job" CIM_ConcreteJob) && break
	sleep 1
done
js= prev=
if [ -n "$f" ]; then
	xmllint --xpath 'string(//PROPERTY[@NAME="SourceInstance"]/VALUE)' "$f" >"$tmp/source"
	xmllint --xpath 'string(//PROPERTY[@NAME="PreviousInstance"]/VALUE)' "$f" >"$tmp/previous"
	js=$(xmllint --xpath 'string(/INSTANCE/PROPERTY[@NAME="JobState"]/VALUE)' "$tmp/source")
	prev=$(xmllint --xpath 'string(/INSTANCE/PROPERTY[@NAME="JobState"]/VALUE)' "$tmp/previous")
	ktap_print_msg "job indication after $(($(date +%s) - started)) s: JobState $prev -> $js"
fi
if [ -n "$f" ] && [ "$js" = 7 ] && [ "$prev" = 4 ]; then
	ktap_ok d_job_completion_indication_arrives_with_jobstate_7
else
	ktap_fail d_job_completion_indication_arrives_with_jobstate_7 \
		"file '${f:-none}', JobState '$js', previous '$prev'; got $(ls "$tmp/listener" | tr '\n' ' ')"
fi

# 11. It is a CIM-XML export request: well-formed, SIMPLEEXPREQ /
# EXPMETHODCALL ExportIndication / EXPPARAMVALUE NewIndication /
# INSTANCE CIM_InstModification naming its filter, with the DSP0200 export
# headers, POSTed to the destination's path.
hdr=${f%.xml}.hdr
if [ -n "$f" ] && xmllint --noout "$f" 2>"$tmp/xmllint" &&
   xmllint --noout "$tmp/source" &&
   [ "$(xmllint --xpath 'count(/CIM/MESSAGE/SIMPLEEXPREQ/EXPMETHODCALL[@NAME="ExportIndication"]/EXPPARAMVALUE[@NAME="NewIndication"]/INSTANCE[@CLASSNAME="CIM_InstModification"])' "$f")" = 1 ] &&
   [ "$(xmllint --xpath 'string(//PROPERTY[@NAME="IndicationFilterName"]/VALUE)' "$f")" = "${p}jobs" ] &&
   grep -qi '^CIMExport: MethodRequest' "$hdr" &&
   grep -qi '^CIMExportMethod: ExportIndication' "$hdr" &&
   grep -q '^PATH: /cimlistener' "$hdr"; then
	ktap_ok d_indication_is_a_valid_cimxml_export_request
else
	ktap_fail d_indication_is_a_valid_cimxml_export_request \
		"$(cat "$tmp/xmllint" 2>/dev/null; head -c 400 "${f:-/dev/null}")"
fi

# 12. The synchronization reaching Synchronized came as CopyState 4, and
# no indication told of a job that did not complete OK (the filter).
fs=$(indication_with CopyState 4 CIM_StorageSynchronized)
others=0
for g in "$tmp"/listener/*.xml; do
	[ -f "$g" ] || continue
	xmllint --xpath 'string(//PROPERTY[@NAME="SourceInstance"]/VALUE)' "$g" >"$tmp/one"
	[ "$(xmllint --xpath 'string(/INSTANCE/@CLASSNAME)' "$tmp/one")" = CIM_ConcreteJob ] &&
		[ "$(xmllint --xpath 'string(/INSTANCE/PROPERTY[@NAME="JobState"]/VALUE)' "$tmp/one")" != 7 ] &&
		others=$((others + 1))
done
if [ -n "$fs" ] && [ "$others" = 0 ]; then
	ktap_ok d_sync_copystate_indication_arrives
else
	ktap_fail d_sync_copystate_indication_arrives \
		"CopyState 4 indication '${fs:-none}', unwanted job indications $others"
fi
"$ctl" kernel sync set --throttle 0 >/dev/null && module_throttle=

# ------------------------------------------------------- e) deletion

# 13. A filter in use cannot go; its subscription can, then it can.
fref="<INSTANCENAME CLASSNAME=\"CIM_IndicationFilter\"><KEYBINDING NAME=\"CreationClassName\"><KEYVALUE VALUETYPE=\"string\">CIM_IndicationFilter</KEYVALUE></KEYBINDING><KEYBINDING NAME=\"Name\"><KEYVALUE VALUETYPE=\"string\">${p}jobs</KEYVALUE></KEYBINDING><KEYBINDING NAME=\"SystemCreationClassName\"><KEYVALUE VALUETYPE=\"string\">CIM_ComputerSystem</KEYVALUE></KEYBINDING><KEYBINDING NAME=\"SystemName\"><KEYVALUE VALUETYPE=\"string\">$host</KEYVALUE></KEYBINDING></INSTANCENAME>"
sref=$(subscription_xml "${p}jobs" "${p}listener" |
	sed -e 's|<INSTANCE CLASSNAME="CIM_IndicationSubscription">|<INSTANCENAME CLASSNAME="CIM_IndicationSubscription">|' \
	    -e 's|</INSTANCE>$|</INSTANCENAME>|' \
	    -e 's|<PROPERTY.REFERENCE NAME="\([A-Za-z]*\)" REFERENCECLASS="[A-Za-z_]*">|<KEYBINDING NAME="\1">|g' \
	    -e 's|</PROPERTY.REFERENCE>|</KEYBINDING>|g')
delete()
{
	imethod interop DeleteInstance "<IPARAMVALUE NAME=\"InstanceName\">$1</IPARAMVALUE>" >"$tmp/req"
	post "$tls_port" https interop DeleteInstance "$tmp/req" >/dev/null
	cim_error
}
d1=$(delete "$fref")
d2=$(delete "$sref")
d3=$(delete "$fref")
d4=$(delete "$sref")
if [ "$d1" = 1 ] && [ -z "$d2" ] && [ -z "$d3" ] && [ "$d4" = 6 ]; then
	ktap_ok e_filter_in_use_stays_until_its_subscription_goes
else
	ktap_fail e_filter_in_use_stays_until_its_subscription_goes \
		"codes '$d1' '$d2' '$d3' '$d4'"
fi

# ------------------------------------------------------------- b) PAM

# 13. Under --auth pam, a wrong password gets 401 on both ports.
pass=wrong
st_tcp=$(post "$port" http root/cimv2 EnumerateInstanceNames "$tmp/ein")
st_tls=$(post "$tls_port" https root/cimv2 EnumerateInstanceNames "$tmp/ein")
pass=$good_pass
if [ "$st_tcp" = 401 ] && [ "$st_tls" = 401 ]; then
	ktap_ok b_pam_refuses_a_wrong_password_on_both_ports
else
	ktap_fail b_pam_refuses_a_wrong_password_on_both_ports "TCP $st_tcp, TLS $st_tls"
fi

ktap_print_msg "$(($(date +%s) - started_test)) s for setup and tests$(grep -i 'dropped' "$tmp/daemon.log" | head -n 3 | sed 's/^/; /')"
ktap_finished
