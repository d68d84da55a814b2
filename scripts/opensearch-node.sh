#!/usr/bin/env bash
# Run a real OpenSearch 2.19 node (or an N-node cluster on loopback ports) in the foreground
# until SIGTERM/Ctrl-C; prints "ready http://127.0.0.1:PORT" for each node once it answers.
#
#   scripts/opensearch-node.sh [--port P] [--nodes N] [--data DIR] [--member I] [--heap SIZE]
#
# --port P     HTTP port of the first node (default 9200); node i listens on P+i for HTTP and on
#              P+100+i for the transport between nodes.
# --nodes N    cluster size (default 1). Node 0 is the cluster manager; the others hold data only,
#              so any of them can be stopped without the cluster losing its manager.
# --data DIR   keep node data under DIR/node-i (default: a temporary directory removed at exit).
# --member I   run only node I of the N-node cluster (to stop and restart one node by itself).
# --heap SIZE  JVM heap per node (default 512m).
#
# First use resolves the server jars with Maven (cached under ~/.m2) from
# scripts/opensearch-node/pom.xml and compiles the small launcher beside it; Debian's JDK and
# Maven are installed when missing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

port=9200 nodes=1 data="" member="" heap="${OPENSEARCH_HEAP:-512m}"
while [ $# -gt 0 ]; do
    case "$1" in
        --port) port="$2"; shift 2 ;;
        --nodes) nodes="$2"; shift 2 ;;
        --data) data="$2"; shift 2 ;;
        --member) member="$2"; shift 2 ;;
        --heap) heap="$2"; shift 2 ;;
        -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
        *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done

ensure_tools() {
    if ! command -v javac >/dev/null || ! command -v mvn >/dev/null; then
        echo "installing Debian's JDK 17 and Maven" >&2
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jdk-headless maven >/dev/null
    fi
}

# Prints the launcher's classpath, resolving and compiling on first use.
classpath() {
    local key cache
    key="$(cat "$here/opensearch-node/pom.xml" "$here/opensearch-node/OpenSearchNode.java" | sha1sum | cut -c1-12)"
    cache="${XDG_CACHE_HOME:-$HOME/.cache}/connectra-opensearch/$key"
    if [ ! -f "$cache/classpath.txt" ]; then
        echo "resolving OpenSearch jars with Maven (first use only)" >&2
        mkdir -p "$cache/classes"
        mvn -q -B -Dstyle.color=never -f "$here/opensearch-node/pom.xml" dependency:build-classpath \
            -Dmdep.outputFile="$cache/classpath.tmp" >&2
        javac -d "$cache/classes" -cp "$(cat "$cache/classpath.tmp")" \
            "$here/opensearch-node/OpenSearchNode.java"
        mv "$cache/classpath.tmp" "$cache/classpath.txt"
    fi
    echo "$cache/classes:$(cat "$cache/classpath.txt")"
}

answers() {
    curl -sf -o /dev/null "http://127.0.0.1:$1/_cluster/health" 2>/dev/null
}

ensure_tools
cp="$(classpath)"
if [ -z "$data" ]; then
    data="$(mktemp -d -t opensearch-node.XXXXXX)"
    trap 'rm -rf "$data"' EXIT
fi

seeds="" managers="node-0"
for i in $(seq 0 $((nodes - 1))); do seeds="${seeds:+$seeds,}127.0.0.1:$((port + 100 + i))"; done

pids=()
stop() {
    trap - TERM INT
    [ ${#pids[@]} -gt 0 ] && kill -TERM "${pids[@]}" 2>/dev/null
    wait
}
trap 'stop; exit 0' TERM INT

start_node() {
    local i="$1" dir="$data/node-$i" discovery roles
    mkdir -p "$dir/home" "$dir/data"
    if [ "$nodes" = 1 ]; then
        discovery=(discovery.type=single-node)
    else
        discovery=(discovery.seed_hosts="$seeds" cluster.initial_cluster_manager_nodes="$managers")
    fi
    roles="data,ingest"
    [ "$i" = 0 ] && roles="cluster_manager,data,ingest"
    # The serial collector (a small footprint) lets the heap fill before it collects, so the
    # real-memory parent breaker would refuse the bulk requests of a large load (seen at 1M
    # contacts with a 2 GB heap): the breaker counts the bytes requests reserve instead.
    java -Xms"$heap" -Xmx"$heap" -XX:+UseSerialGC -Xss1m -Djava.awt.headless=true \
        -Dlog4j2.formatMsgNoLookups=true -cp "$cp" OpenSearchNode \
        cluster.name="connectra-dev-$port" node.name="node-$i" node.roles="$roles" \
        path.home="$dir/home" path.data="$dir/data" network.host=127.0.0.1 \
        http.port="$((port + i))" transport.port="$((port + 100 + i))" \
        cluster.routing.allocation.disk.threshold_enabled=false "${discovery[@]}" \
        indices.breaker.total.use_real_memory=false \
        >>"$dir/node.log" 2>&1 &
    pids+=($!)
}

members="$(seq 0 $((nodes - 1)))"
[ -n "$member" ] && members="$member"
for i in $members; do start_node "$i"; done

for i in $members; do
    until answers "$((port + i))"; do
        if ! kill -0 "${pids[@]}" 2>/dev/null; then
            echo "an OpenSearch node exited; its log:" >&2
            tail -n 40 "$data"/node-*/node.log >&2
            stop
            exit 1
        fi
        sleep 0.5
    done
    echo "ready http://127.0.0.1:$((port + i))"
done
wait
