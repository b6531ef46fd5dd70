#!/usr/bin/env bash
# make k8s-e2e: run the shipped Kustomize base (deploy/k8s/base) on a real single-node
# Kubernetes cluster built from upstream components on this machine, and check what it
# produced. See docs/sharded-load.md, "Tested on".
#
# Stages: Debian packages (containerd, runc, CNI plugins); the cluster binaries (built from
# e2e/k8s/cluster and cached outside the repository); the harness and pause images (static
# binaries in OCI tarballs, no registry); etcd, kube-apiserver, kube-controller-manager,
# kube-scheduler, containerd and kubelet, all on 127.0.0.1; `harness emulate --platform-only`
# on 127.0.0.1 as the shared platform; then each scenario applies the e2e overlay
# (e2e/k8s/overlay) plus a per-run layer and checks the results with e2echeck.
#
# A trap always tears everything down: every process it started is stopped by its PID (pods'
# processes are found through their cgroups), mounts under its state directory are removed,
# the cgroups it created are removed and the kernel settings the kubelet changes are restored
# to the values recorded before; the packet filter must be as it was (the kubelet is kept away
# from iptables). It needs root (containerd, kubelet).
#
# Environment:
#   PNS_K8S_CACHE      where the cluster binaries are built and cached (default ~/.cache/pns-harness-k8s)
#   PNS_K8S_SCENARIOS  scenarios to run, space separated (default: "sharded shard-killed unreachable")
#   PNS_K8S_KEEP_LOGS  directory to copy the components' logs to (default $PNS_K8S_CACHE/last-run)
#   PNS_K8S_PORT_BASE  first of the loopback ports used (default 31000; 31000-31010)
set -Eeuo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
K8S_VERSION=v1.34.4
CACHE=${PNS_K8S_CACHE:-$HOME/.cache/pns-harness-k8s}
SCENARIOS=${PNS_K8S_SCENARIOS:-sharded shard-killed unreachable}
KEEP_LOGS=${PNS_K8S_KEEP_LOGS:-$CACHE/last-run}
PB=${PNS_K8S_PORT_BASE:-31000}
ETCD_PORT=$PB ETCD_PEER=$((PB + 1)) API_PORT=$((PB + 2)) KUBELET_PORT=$((PB + 3))
KUBELET_HEALTHZ=$((PB + 4)) CM_PORT=$((PB + 5)) SCHED_PORT=$((PB + 6))
PLATFORM_PORT=$((PB + 7)) PLATFORM_ADMIN=$((PB + 8)) DEAD_PORT=$((PB + 9))
NS=pns-e2e
BIN=$CACHE/bin
# The kernel settings the kubelet sets at start (pkg/kubelet/cm, setupKernelTunables), restored
# afterwards.
SYSCTLS=(vm/overcommit_memory vm/panic_on_oom kernel/panic kernel/panic_on_oops kernel/keys/root_maxkeys kernel/keys/root_maxbytes)

[[ $(id -u) == 0 ]] || { echo "k8s-e2e: needs root (containerd and the kubelet)" >&2; exit 2; }

STATE=$(mktemp -d /tmp/pns-k8s-e2e.XXXXXX)
LOGS=$STATE/logs PKI=$STATE/pki
mkdir -p "$LOGS" "$PKI"
SOCK=$STATE/containerd/containerd.sock
KUBECONFIG=$STATE/admin.kubeconfig
export KUBECONFIG
CG_NAME=pns-k8s-e2e-$$
declare -A PIDS=()
declare -A SYSCTL_BEFORE=()
declare -a CREATED_CGROUPS=()
# Host paths the components write to whatever they are told (containerd's shim sockets and runc
# state under /run/containerd, the kubelet's device-plugin socket under /var/lib/kubelet and its
# log links in /var/log/containers) or might: each one absent before the run is removed after it.
HOST_PATHS=(/run/containerd /var/lib/kubelet /var/log/containers /var/log/pods /var/lib/containerd
	/etc/cni /opt/cni /var/lib/cni /etc/kubernetes "$HOME/.kube")
declare -a HOST_PATHS_NEW=()
KUBEPODS_CREATED=()
STAGE=setup
T_START=$(date +%s%N)

ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }
fmt_ms() { printf '%d.%01ds' $(($1 / 1000)) $((($1 % 1000) / 100)); }

# stage NAME CMD...: run one stage, print its duration; a failing stage ends the run (the trap
# tears down).
stage() {
	local name=$1
	shift
	STAGE=$name
	local t0
	t0=$(date +%s%N)
	echo "== $name ..."
	"$@"
	echo "== $name: ok ($(fmt_ms "$(ms_since "$t0")"))"
}

kubectl() { "$BIN/kubectl" --cache-dir "$STATE/kube-cache" "$@"; } # not ~/.kube/cache
ctr_() { ctr -a "$SOCK" -n k8s.io "$@"; }

# start NAME CMD...: start a daemon in this run's cgroup (so that what it forks, e.g.
# containerd's shims, is found at teardown), its output in $LOGS/NAME.log.
start() {
	local name=$1
	shift
	(
		for d in "${CREATED_CGROUPS[@]}"; do echo "$BASHPID" >"$d/cgroup.procs"; done
		exec "$@"
	) >"$LOGS/$name.log" 2>&1 &
	PIDS[$name]=$!
}

# wait_for WHAT SECONDS CMD...: poll CMD until it succeeds; fail with WHAT after SECONDS.
wait_for() {
	local what=$1 secs=$2
	shift 2
	local deadline=$((SECONDS + secs))
	until "$@" >/dev/null 2>&1; do
		if ((SECONDS >= deadline)); then
			echo "k8s-e2e: timed out after ${secs}s waiting for $what" >&2
			return 1
		fi
		sleep 1
	done
}

# ---------------------------------------------------------------------------------------------
# Teardown

stop_pid() { # NAME PID: SIGTERM, then SIGKILL after 15 s
	local name=$1 pid=$2 i
	kill -0 "$pid" 2>/dev/null || return 0
	kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < 150; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		echo "   $name ($pid) did not stop on SIGTERM: SIGKILL"
		kill -KILL "$pid" 2>/dev/null || true
	fi
	wait "$pid" 2>/dev/null || true
}

cgroup_pids() { # every PID in the cgroup trees given
	local d
	for d in "$@"; do
		[[ -d $d ]] && find "$d" -name cgroup.procs -exec cat {} + 2>/dev/null
	done | sort -u
}

kill_cgroup_pids() {
	local pid i
	for pid in $(cgroup_pids "$@"); do kill -KILL "$pid" 2>/dev/null || true; done
	for ((i = 0; i < 50; i++)); do
		[[ -z $(cgroup_pids "$@") ]] && return 0
		sleep 0.1
	done
}

our_mounts() { # mount points under the state directory and the host paths the run created, deepest first
	local p
	for p in "$STATE" "${HOST_PATHS_NEW[@]}"; do
		awk -v p="$p" '$5 == p || index($5, p "/") == 1 { print $5 }' /proc/self/mountinfo
	done | sort -r
}

teardown() {
	local rc=$? problems=() m name d
	trap - EXIT INT TERM
	set +e
	local t0
	t0=$(date +%s%N)
	if ((rc != 0)); then
		echo "k8s-e2e: FAILED in stage \"$STAGE\" (exit $rc); components' logs: $KEEP_LOGS" >&2
		for name in "${!PIDS[@]}"; do
			echo "--- last lines of $name.log" >&2
			tail -n 15 "$LOGS/$name.log" >&2 2>/dev/null
		done
	fi
	echo "== teardown ..."
	# The platform and the kubelet first, so that nothing restarts a container we stop.
	for name in platform kubelet; do
		[[ -n ${PIDS[$name]:-} ]] && stop_pid "$name" "${PIDS[$name]}"
	done
	# Pods' containers: stop them through containerd so that their shims exit and unmount.
	if [[ -n ${PIDS[containerd]:-} ]] && kill -0 "${PIDS[containerd]}" 2>/dev/null; then
		for c in $(ctr_ tasks ls -q 2>/dev/null); do ctr_ tasks kill -s SIGKILL "$c" >/dev/null 2>&1; done
		sleep 1
		for c in $(ctr_ tasks ls -q 2>/dev/null); do ctr_ tasks rm -f "$c" >/dev/null 2>&1; done
		for c in $(ctr_ containers ls -q 2>/dev/null); do ctr_ containers rm "$c" >/dev/null 2>&1; done
	fi
	for name in kube-scheduler kube-controller-manager kube-apiserver etcd containerd; do
		[[ -n ${PIDS[$name]:-} ]] && stop_pid "$name" "${PIDS[$name]}"
	done
	# Whatever is left (shims, pod processes) by PID, found in our cgroups.
	kill_cgroup_pids "${CREATED_CGROUPS[@]}" "${KUBEPODS_CREATED[@]}"
	for name in "${!PIDS[@]}"; do
		kill -0 "${PIDS[$name]}" 2>/dev/null && problems+=("process $name (${PIDS[$name]}) still running")
	done
	# Mounts (containers' root filesystems, shm, pods' secret volumes), deepest first.
	for m in $(our_mounts); do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null; done
	for m in $(our_mounts); do problems+=("still mounted: $m"); done
	# Cgroups: the kubelet's kubepods trees (if it created them) and ours, leaves first.
	for d in "${KUBEPODS_CREATED[@]}" "${CREATED_CGROUPS[@]}"; do
		[[ -d $d ]] && find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null
		[[ -d $d ]] && problems+=("cgroup left: $d")
	done
	# Kernel settings, back to the values recorded before.
	for s in "${!SYSCTL_BEFORE[@]}"; do
		if [[ $(cat "/proc/sys/$s") != "${SYSCTL_BEFORE[$s]}" ]]; then
			echo "${SYSCTL_BEFORE[$s]}" >"/proc/sys/$s" 2>/dev/null
			[[ $(cat "/proc/sys/$s") == "${SYSCTL_BEFORE[$s]}" ]] || problems+=("sysctl ${s//\//.} is $(cat "/proc/sys/$s"), was ${SYSCTL_BEFORE[$s]}")
		fi
	done
	[[ -z ${FIREWALL_BEFORE+set} || $(firewall) == "$FIREWALL_BEFORE" ]] || problems+=("the packet filter changed (iptables-save, ip6tables-save)")
	for m in "${HOST_PATHS_NEW[@]}"; do
		rm -rf "$m"
		[[ -e $m ]] && problems+=("left: $m")
	done
	rm -rf "$KEEP_LOGS"
	mkdir -p "$KEEP_LOGS" && cp -r "$LOGS/." "$KEEP_LOGS/" 2>/dev/null
	rm -rf "$STATE" 2>/dev/null
	[[ -e $STATE ]] && problems+=("state directory left: $STATE")
	if ((${#problems[@]})); then
		printf 'k8s-e2e: teardown left: %s\n' "${problems[@]}" >&2
		((rc == 0)) && rc=1
	fi
	echo "== teardown: $([[ ${#problems[@]} == 0 ]] && echo "ok, nothing left running, mounted or changed" || echo "INCOMPLETE") ($(fmt_ms "$(ms_since "$t0")"))"
	echo "== k8s-e2e: $([[ $rc == 0 ]] && echo PASSED || echo FAILED) in $(fmt_ms "$(ms_since "$T_START")")"
	exit "$rc"
}
trap teardown EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------------------------------------
# Stages

packages() {
	local need=()
	for p in containerd runc containernetworking-plugins openssl curl iproute2; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
	done
	((${#need[@]} == 0)) && { echo "   installed: containerd runc containernetworking-plugins"; return 0; }
	echo "   installing: ${need[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${need[@]}" >"$LOGS/apt.log" 2>&1 ||
		{ apt-get update >>"$LOGS/apt.log" 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${need[@]}" >>"$LOGS/apt.log" 2>&1; }
}

# The cluster binaries, rebuilt only when the wrapper module changes (a cold build is about 17
# minutes on 2 cores, so it runs at low priority).
cluster_binaries() {
	local key
	key=$(cat "$REPO"/e2e/k8s/cluster/go.mod "$REPO"/e2e/k8s/cluster/go.sum "$REPO"/e2e/k8s/cluster/etcd/main.go | sha256sum | cut -c1-16)-$(go env GOVERSION)
	if [[ -f $BIN/.stamp && $(cat "$BIN/.stamp") == "$key" ]]; then
		echo "   cached in $BIN ($K8S_VERSION)"
		return 0
	fi
	mkdir -p "$BIN"
	echo "   go build of $K8S_VERSION into $BIN (cold, without Go's build cache: about 17 minutes on 2 idle cores)"
	(cd "$REPO/e2e/k8s/cluster" && nice -n 10 go build -trimpath \
		-ldflags "-s -w -X k8s.io/component-base/version.gitVersion=$K8S_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=34 -X k8s.io/client-go/pkg/version.gitVersion=$K8S_VERSION" \
		-o "$BIN/" k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
		k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubelet k8s.io/kubernetes/cmd/kubectl \
		./etcd)
	echo "$key" >"$BIN/.stamp"
}

# oci_image NAME BINARY ENTRY USER OUT: a one-layer OCI image tarball holding BINARY as /ENTRY.
oci_image() {
	local name=$1 binary=$2 entry=$3 user=$4 out=$5 d
	d=$(mktemp -d "$STATE/oci.XXXXXX")
	mkdir -p "$d/rootfs" "$d/blobs/sha256"
	cp "$binary" "$d/rootfs/$entry"
	tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$d/rootfs" -cf "$d/layer.tar" .
	local diffid layer lsize config csize manifest msize
	diffid=$(sha256sum "$d/layer.tar" | cut -d' ' -f1)
	gzip -n "$d/layer.tar"
	layer=$(sha256sum "$d/layer.tar.gz" | cut -d' ' -f1)
	lsize=$(stat -c %s "$d/layer.tar.gz")
	mv "$d/layer.tar.gz" "$d/blobs/sha256/$layer"
	printf '{"architecture":"amd64","os":"linux","config":{"Entrypoint":["/%s"],"User":"%s","WorkingDir":"/"},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
		"$entry" "$user" "$diffid" >"$d/config.json"
	config=$(sha256sum "$d/config.json" | cut -d' ' -f1)
	csize=$(stat -c %s "$d/config.json")
	mv "$d/config.json" "$d/blobs/sha256/$config"
	printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%d},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%d}]}' \
		"$config" "$csize" "$layer" "$lsize" >"$d/manifest.json"
	manifest=$(sha256sum "$d/manifest.json" | cut -d' ' -f1)
	msize=$(stat -c %s "$d/manifest.json")
	mv "$d/manifest.json" "$d/blobs/sha256/$manifest"
	printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%d,"platform":{"architecture":"amd64","os":"linux"},"annotations":{"io.containerd.image.name":"%s","org.opencontainers.image.ref.name":"%s"}}]}' \
		"$manifest" "$msize" "$name" "${name##*:}" >"$d/index.json"
	echo '{"imageLayoutVersion":"1.0.0"}' >"$d/oci-layout"
	tar -C "$d" -cf "$out" oci-layout index.json blobs
	rm -rf "$d"
}

images() {
	(cd "$REPO" && CGO_ENABLED=0 go build -trimpath -o "$STATE/harness" ./cmd/harness)
	oci_image docker.io/library/pns-harness:e2e "$STATE/harness" harness 65532:65532 "$STATE/harness.oci.tar"
	oci_image docker.io/library/pns-e2e-pause:1 "$STATE/pause" pause 65535:65535 "$STATE/pause.oci.tar"
	ls -l "$STATE"/*.oci.tar | awk '{print "   " $NF ": " $5 " bytes"}'
}

pki() {
	cd "$PKI"
	openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 -subj /CN=pns-k8s-e2e-ca 2>/dev/null
	cert() { # NAME SUBJECT EXTENSIONS
		openssl req -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.csr" -subj "$2" 2>/dev/null
		openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -out "$1.crt" -extfile <(printf '%s\n' "$3") 2>/dev/null
	}
	cert apiserver /CN=kube-apiserver "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc
extendedKeyUsage=serverAuth"
	cert admin "/O=system:masters/CN=pns-k8s-e2e-admin" "extendedKeyUsage=clientAuth"
	openssl genrsa -out sa.key 2048 2>/dev/null
	openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
	cat >"$KUBECONFIG" <<EOF
apiVersion: v1
kind: Config
clusters:
  - name: e2e
    cluster: {server: "https://127.0.0.1:$API_PORT", certificate-authority: "$PKI/ca.crt"}
users:
  - name: admin
    user: {client-certificate: "$PKI/admin.crt", client-key: "$PKI/admin.key"}
contexts:
  - name: e2e
    context: {cluster: e2e, user: admin}
current-context: e2e
EOF
	cd - >/dev/null
}

# The host's packet filter as iptables and ip6tables print it, without their timestamped
# comments: compared before and after.
firewall() { { iptables-save; ip6tables-save; } 2>/dev/null | grep -v '^#' || true; }

record_host_state() {
	FIREWALL_BEFORE=$(firewall)
	for s in "${SYSCTLS[@]}"; do SYSCTL_BEFORE[$s]=$(cat "/proc/sys/$s"); done
	echo "   sysctls before: $(for s in "${SYSCTLS[@]}"; do printf '%s=%s ' "${s//\//.}" "${SYSCTL_BEFORE[$s]}"; done)"
	for p in "${HOST_PATHS[@]}"; do [[ -e $p ]] || HOST_PATHS_NEW+=("$p"); done
	local h
	for h in /sys/fs/cgroup/*/; do
		h=${h%/}
		[[ -e $h/cgroup.procs ]] || continue
		[[ -e $h/kubepods ]] || KUBEPODS_CREATED+=("$h/kubepods")
		mkdir "$h/$CG_NAME"
		CREATED_CGROUPS+=("$h/$CG_NAME")
		if [[ -e $h/cpuset.cpus ]]; then
			cat "$h/cpuset.cpus" >"$h/$CG_NAME/cpuset.cpus"
			cat "$h/cpuset.mems" >"$h/$CG_NAME/cpuset.mems"
		fi
	done
}

control_plane() {
	start etcd "$BIN/etcd" --name e2e --data-dir "$STATE/etcd" --unsafe-no-fsync \
		--listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
		--listen-peer-urls "http://127.0.0.1:$ETCD_PEER" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER" \
		--initial-cluster "e2e=http://127.0.0.1:$ETCD_PEER"
	wait_for etcd 60 curl -sf "http://127.0.0.1:$ETCD_PORT/health"
	start kube-apiserver "$BIN/kube-apiserver" --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
		--bind-address 127.0.0.1 --secure-port "$API_PORT" --endpoint-reconciler-type none \
		--tls-cert-file "$PKI/apiserver.crt" --tls-private-key-file "$PKI/apiserver.key" --client-ca-file "$PKI/ca.crt" \
		--service-account-key-file "$PKI/sa.pub" --service-account-signing-key-file "$PKI/sa.key" \
		--service-account-issuer https://kubernetes.default.svc --service-cluster-ip-range 127.0.0.0/24 \
		--authorization-mode Node,RBAC --kubelet-client-certificate "$PKI/admin.crt" --kubelet-client-key "$PKI/admin.key" \
		--kubelet-preferred-address-types Hostname --profiling=false
	wait_for kube-apiserver 180 kubectl get --raw /readyz
	local common=(--kubeconfig "$KUBECONFIG" --authentication-kubeconfig "$KUBECONFIG" --authorization-kubeconfig "$KUBECONFIG" --bind-address 127.0.0.1 --leader-elect=false --profiling=false)
	start kube-controller-manager "$BIN/kube-controller-manager" "${common[@]}" --secure-port "$CM_PORT" \
		--service-account-private-key-file "$PKI/sa.key" --root-ca-file "$PKI/ca.crt" --use-service-account-credentials=false
	start kube-scheduler "$BIN/kube-scheduler" "${common[@]}" --secure-port "$SCHED_PORT"
	wait_for kube-controller-manager 120 curl -skf "https://127.0.0.1:$CM_PORT/healthz"
	wait_for kube-scheduler 120 curl -skf "https://127.0.0.1:$SCHED_PORT/healthz"
}

node_up() {
	mkdir -p "$STATE/cni" "$STATE/containerd"
	# A loopback-only network: every pod here uses the host's network, but the node becomes Ready
	# only with a CNI configuration (written before containerd starts).
	cat >"$STATE/cni/10-loopback.conflist" <<EOF
{"cniVersion": "1.0.0", "name": "pns-e2e-loopback", "plugins": [{"type": "loopback"}]}
EOF
	cat >"$STATE/containerd/config.toml" <<EOF
version = 2
root = "$STATE/containerd/root"
state = "$STATE/containerd/state"
[grpc]
  address = "$SOCK"
[plugins."io.containerd.internal.v1.opt"]
  path = "$STATE/containerd/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "docker.io/library/pns-e2e-pause:1"
  # This VM refuses a negative oom_score_adj even to root: without this, sandboxes fail with
  # "can't get final child's PID from pipe: EOF".
  restrict_oom_score_adj = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$STATE/cni"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
EOF
	start containerd containerd --config "$STATE/containerd/config.toml"
	wait_for containerd 60 ctr -a "$SOCK" version
	ctr_ images import "$STATE/pause.oci.tar" >/dev/null
	ctr_ images import "$STATE/harness.oci.tar" >/dev/null
	ctr_ images ls -q | sed 's/^/   image: /'
	cat >"$STATE/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: 127.0.0.1
port: $KUBELET_PORT
healthzBindAddress: 127.0.0.1
healthzPort: $KUBELET_HEALTHZ
readOnlyPort: 0
cgroupDriver: cgroupfs
failCgroupV1: false
failSwapOn: false
containerRuntimeEndpoint: unix://$SOCK
podLogsDir: $STATE/pod-logs
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: false}
  x509: {clientCAFile: $PKI/ca.crt}
authorization: {mode: AlwaysAllow}
evictionHard: {memory.available: 1Mi, nodefs.available: 1%, imagefs.available: 1%}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
EOF
	# Without /usr/sbin in its PATH the kubelet finds no iptables and leaves the host's firewall
	# alone ("No iptables support on this system"): otherwise it adds KUBE-FIREWALL, a rule that
	# drops packets to 127.0.0.0/8 from other addresses, and chains in three tables, and never
	# removes them. No pod here needs them (hostNetwork, no Services).
	start kubelet env PATH=/usr/local/bin:/usr/bin:/bin "$BIN/kubelet" --config "$STATE/kubelet.yaml" --kubeconfig "$KUBECONFIG" --root-dir "$STATE/kubelet" --cert-dir "$STATE/kubelet/pki"
	wait_for "node $(hostname) registered" 120 kubectl get node "$(hostname)"
	kubectl wait --for=condition=Ready "node/$(hostname)" --timeout=120s >/dev/null
	kubectl create namespace "$NS" >/dev/null
	wait_for "the default service account" 60 kubectl -n "$NS" get serviceaccount default
	kubectl get node -o wide | sed 's/^/   /'
}

platform() {
	start platform "$STATE/harness" emulate --platform-only --listen "127.0.0.1:$PLATFORM_PORT" \
		--admin-listen "127.0.0.1:$PLATFORM_ADMIN" --cert-out "$STATE/platform-ca.pem"
	wait_for "the platform" 60 curl -sf "http://127.0.0.1:$PLATFORM_ADMIN/emulator/v1/health"
	echo "   harness emulate --platform-only on https://127.0.0.1:$PLATFORM_PORT (admin on 127.0.0.1:$PLATFORM_ADMIN, for the e2e's checks only)"
}

# run_layer DIR TARGET MERGE_WAIT EXTRA_LOAD_ARG: the per-run layer on top of e2e/k8s/overlay:
# the run's values, the results volume (a hostPath on this node) and the platform's CA.
SHARDS=3 RATE=30 MAX_RATE=60 DURATION=10s HOLD=1s
run_layer() {
	local dir=$1 target=$2 wait=$3 extra=${4:-}
	mkdir -p "$dir" "$STATE/results"
	chown 65532:65532 "$STATE/results"
	cp "$STATE/platform-ca.pem" "$dir/ca.pem"
	RUN_ID=e2e-$(basename "$dir")-$(date -u +%H%M%S)
	cat >"$dir/pv.yaml" <<EOF
apiVersion: v1
kind: PersistentVolume
metadata: {name: pns-e2e-results-$(basename "$dir")}
spec:
  capacity: {storage: 5Gi}
  accessModes: [ReadWriteMany]
  persistentVolumeReclaimPolicy: Retain
  claimRef: {namespace: $NS, name: pns-load-results}
  hostPath: {path: "$STATE/results", type: Directory}
EOF
	cat >"$dir/kustomization.yaml" <<EOF
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: $NS
resources:
  - $(realpath --relative-to="$dir" "$REPO/e2e/k8s/overlay") # kustomize takes no absolute path
  - pv.yaml
configMapGenerator:
  - name: pns-run
    behavior: merge
    literals:
      - TARGET=$target
      - SHARDS=$SHARDS
      - RATE=$RATE
      - MAX_RATE=$MAX_RATE
      - DURATION=$DURATION
      - HOLD=$HOLD
      - MERGE_WAIT=$wait
      - RUN_ID=$RUN_ID
      - START_AT=$(date -u -d '+40 seconds' +%Y-%m-%dT%H:%M:%SZ)
  - name: pns-ca
    files: [ca.pem]
secretGenerator:
  - name: pns-secrets
    literals: [PNS_AXB_SECRET=demo-axb-secret, PNS_AX_SECRET=demo-ax-secret, PNS_AXE_SECRET=demo-axe-secret]
replacements:
  - source: {kind: ConfigMap, name: pns-run, fieldPath: data.SHARDS}
    targets:
      - select: {kind: Job, name: pns-load}
        fieldPaths: [spec.completions, spec.parallelism]
patches:
  - target: {kind: Job, name: pns-load}
    patch: |-
      - op: add
        path: /spec/template/spec/volumes/-
        value: {name: pns-ca, configMap: {name: pns-ca}}
      - op: add
        path: /spec/template/spec/containers/0/volumeMounts/-
        value: {name: pns-ca, mountPath: /etc/pns-ca, readOnly: true}
      - op: add
        path: /spec/template/spec/containers/0/args/-
        value: --ca-file=/etc/pns-ca/ca.pem
EOF
	if [[ -n $extra ]]; then
		cat >>"$dir/kustomization.yaml" <<EOF
      - op: add
        path: /spec/template/spec/containers/0/args/-
        value: $extra
EOF
	fi
}

# wait_job NAME SECONDS: until the Job is Complete or Failed.
job_done() { kubectl -n "$NS" get job "$1" -o jsonpath='{.status.conditions[*].type}' | grep -qE 'Complete|Failed'; }

clean_run() { # remove the run's objects so that the next scenario starts from nothing
	kubectl delete -k "$1" --cascade=foreground --wait=true --timeout=120s >/dev/null 2>&1 || true
	rm -rf "$STATE/results"
}

check() { "$STATE/e2echeck" "$@"; }

# The checker turns the run into a verdict: its tests show first that each check can fail.
# The pause binary goes into an image without a libc, so it is static.
checker_selftest() {
	(cd "$REPO/e2e/k8s/cluster" && go test -count=1 ./e2echeck | sed 's/^/   /' &&
		go build -o "$STATE/e2echeck" ./e2echeck && CGO_ENABLED=0 go build -trimpath -o "$STATE/pause" ./pause)
}

pod_json() { kubectl -n "$NS" get pods -l "job-name=$1" -o json; }

apply_run() {
	kubectl apply --dry-run=server -k "$1" >/dev/null
	kubectl apply -k "$1" | sed 's/^/   /'
}

collect() { # DIR: pods and merge logs for the checker
	pod_json pns-load >"$1/load-pods.json"
	pod_json pns-merge >"$1/merge-pods.json"
	kubectl -n "$NS" logs job/pns-merge >"$1/merge.log" 2>&1 || true
	sed 's/^/   merge: /' "$1/merge.log" | tail -n 5
}

scenario_sharded() {
	local dir=$STATE/run/sharded
	run_layer "$dir" "https://127.0.0.1:$PLATFORM_PORT" 3m
	apply_run "$dir"
	wait_for "Job pns-load to finish" 300 job_done pns-load
	wait_for "Job pns-merge to finish" 300 job_done pns-merge
	collect "$dir"
	check sharded --results "$STATE/results/$RUN_ID" --shards "$SHARDS" --profile "$REPO/deploy/k8s/base/profile.yaml" \
		--load-pods "$dir/load-pods.json" --merge-pods "$dir/merge-pods.json" \
		--platform-admin "http://127.0.0.1:$PLATFORM_ADMIN"
	clean_run "$dir"
}

# One shard killed with SIGKILL in the middle of its load (no chance to clean up): the merge
# step names it missing and fails (exit 1, --allow-partial); `harness cleanup` on the killed
# shard's journal then removes what it left on the platform.
scenario_shard_killed() {
	local dir=$STATE/run/shard-killed k=1 DURATION=20s
	run_layer "$dir" "https://127.0.0.1:$PLATFORM_PORT" 100s
	apply_run "$dir"
	local journal=$STATE/results/$RUN_ID/shard-$k/bindings.jsonl
	wait_for "shard $k to bind" 180 journal_bound "$journal" 5
	local cid
	cid=$(kubectl -n "$NS" get pods -l "job-name=pns-load,batch.kubernetes.io/job-completion-index=$k" \
		-o jsonpath='{.items[0].status.containerStatuses[0].containerID}')
	cid=${cid#containerd://}
	ctr_ tasks kill --signal SIGKILL "$cid"
	echo "   shard $k killed (SIGKILL to container ${cid:0:12}) after $(grep -c '"op":"bound"' "$journal") binds"
	wait_for "Job pns-load to finish" 300 job_done pns-load
	wait_for "Job pns-merge to finish" 300 job_done pns-merge
	collect "$dir"
	check partial --results "$STATE/results/$RUN_ID" --shards "$SHARDS" --killed "$k" --profile "$REPO/deploy/k8s/base/profile.yaml" \
		--load-pods "$dir/load-pods.json" --merge-pods "$dir/merge-pods.json"
	check leaked --platform-admin "http://127.0.0.1:$PLATFORM_ADMIN" --journal "$journal"
	PNS_AXB_SECRET=demo-axb-secret PNS_AX_SECRET=demo-ax-secret PNS_AXE_SECRET=demo-axe-secret \
		"$STATE/harness" cleanup --profile "$REPO/deploy/k8s/base/profile.yaml" --ca-file "$STATE/platform-ca.pem" \
		--target "https://127.0.0.1:$PLATFORM_PORT" "$STATE/results/$RUN_ID/shard-$k" 2>&1 | sed 's/^/   cleanup: /'
	check bindings --platform-admin "http://127.0.0.1:$PLATFORM_ADMIN"
	clean_run "$dir"
}

journal_bound() { [[ -f $1 ]] && (($(grep -c '"op":"bound"' "$1") >= $2)); }

# The platform unreachable (nothing listens on the target port): every shard fails after its
# --wait-target (shortened to 10 s here by a later flag: the base waits 2 minutes for a platform
# that may still be starting) with exit 3, and the merge step, finding no result, exits 3 too.
scenario_unreachable() {
	local dir=$STATE/run/unreachable
	if ss -Hltn "sport = :$DEAD_PORT" | grep -q .; then
		echo "k8s-e2e: port $DEAD_PORT is in use: set PNS_K8S_PORT_BASE" >&2
		return 1
	fi
	run_layer "$dir" "https://127.0.0.1:$DEAD_PORT" 40s --wait-target=10s
	apply_run "$dir"
	wait_for "Job pns-load to finish" 300 job_done pns-load
	wait_for "Job pns-merge to finish" 300 job_done pns-merge
	collect "$dir"
	kubectl -n "$NS" logs -l "job-name=pns-load,batch.kubernetes.io/job-completion-index=0" --tail=-1 >"$dir/shard-0.log" 2>&1 || true
	echo "   shard 0: $(tail -n 1 "$dir/shard-0.log")"
	echo "   Job pns-load: $(kubectl -n "$NS" get job pns-load -o jsonpath='{range .status.conditions[*]}{.type}={.reason} {end}')"
	check unreachable --results "$STATE/results/$RUN_ID" --shards "$SHARDS" \
		--load-pods "$dir/load-pods.json" --merge-pods "$dir/merge-pods.json" --shard-log "$dir/shard-0.log"
	clean_run "$dir"
}

scenarios() {
	local s
	for s in $SCENARIOS; do
		stage "scenario $s" "scenario_${s//-/_}"
	done
}

stage "packages" packages
stage "cluster binaries ($K8S_VERSION)" cluster_binaries
stage "checker (go test ./e2echeck) and pause" checker_selftest
stage "record host state" record_host_state
stage "images (harness, pause)" images
stage "certificates" pki
stage "control plane (etcd, apiserver, controller-manager, scheduler)" control_plane
stage "node (containerd, kubelet)" node_up
stage "platform" platform
scenarios
