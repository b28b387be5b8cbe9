#!/usr/bin/env bash
# Starts a local 3-node Tableraft cluster on 127.0.0.1 for `make run`,
# behind haproxy (127.0.0.1:8080 HTTP/WebSocket, 127.0.0.1:9090 TCP), which
# routes players to the leader only. Data under ./data (kept between runs:
# running again resumes the same cluster), logs in data/*.log, the operator
# token in data/admin-token, the players' secret in data/player-secret, the
# nodes' certificates (mutual TLS for Raft, made by tablectl certs on the
# first run) in data/certs. Finished deals go to the nodes' disk spools, or
# to PostgreSQL when PG=postgres://... is set (passed in the environment,
# never on a command line). Ctrl-C stops every process this script started.
set -euo pipefail
cd "$(dirname "$0")/../.."

BIN=${BIN:-bin}
DATA=${DATA:-data}
PEERS="n1=127.0.0.1:7001,n2=127.0.0.1:7002,n3=127.0.0.1:7003"

if ! command -v haproxy >/dev/null 2>&1; then
  echo "haproxy is missing: installing it with apt-get..."
  apt-get update -qq && apt-get install -y -qq haproxy >/dev/null
fi

mkdir -p "$DATA"
if [ ! -s "$DATA/admin-token" ]; then
  (umask 077; head -c 32 /dev/urandom | base64 | tr -d '\n=+/' > "$DATA/admin-token")
fi
if [ ! -s "$DATA/player-secret" ]; then
  (umask 077; head -c 48 /dev/urandom | base64 | tr -d '\n=+/' > "$DATA/player-secret")
fi
# The cluster CA and one certificate per node; kept when they exist.
"$BIN/tablectl" certs --dir "$DATA/certs" --nodes n1,n2,n3 >/dev/null

pids=()
stop() {
  trap - INT TERM EXIT
  echo
  echo "stopping the nodes (${pids[*]})..."
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  echo "stopped."
}
trap stop INT TERM EXIT

for i in 1 2 3; do
  # haproxy runs on this host: its X-Forwarded-For and PROXY headers are
  # believed (--trusted-proxies).
  TABLERAFT_PG="${PG:-}" "$BIN/tableraftd" --id "n$i" --data "$DATA/n$i" \
    --raft-addr "127.0.0.1:700$i" --http-addr "127.0.0.1:800$i" \
    --bootstrap "$PEERS" --admin-token-file "$DATA/admin-token" --dev \
    --tcp-addr "127.0.0.1:900$i" --player-secret-file "$DATA/player-secret" \
    --tls-ca-file "$DATA/certs/ca.pem" --tls-cert-file "$DATA/certs/n$i.pem" \
    --tls-key-file "$DATA/certs/n$i-key.pem" --trusted-proxies 127.0.0.1 \
    >>"$DATA/n$i.log" 2>&1 &
  pids+=("$!")
done

# Its runtime API socket is where `tablectl transfer` looks by default.
TABLERAFT_HAPROXY_API="$DATA/haproxy.sock" haproxy -f deploy/local/haproxy.cfg -db >>"$DATA/haproxy.log" 2>&1 &
haproxy_pid=$!
pids+=("$haproxy_pid")

echo "waiting for a leader..."
for _ in $(seq 1 100); do
  if "$BIN/tablectl" status >/dev/null 2>&1; then break; fi
  sleep 0.1
done
"$BIN/tablectl" status || true
if ! kill -0 "$haproxy_pid" 2>/dev/null; then
  echo "haproxy did not start; the end of $DATA/haproxy.log:" >&2
  tail -n 5 "$DATA/haproxy.log" >&2
  exit 1
fi
cat <<TXT

Tableraft is running: 3 nodes behind haproxy, which sends players to the
leader only: http://127.0.0.1:8080/ (WebSocket ws://127.0.0.1:8080/ws, TCP
127.0.0.1:9090). The nodes: HTTP 127.0.0.1:8001-8003, TCP 9001-9003.
Raft between the nodes is mutual TLS (certificates in $DATA/certs).
Data in $DATA/. Try, in another terminal:
  $BIN/tablectl status             # every node's role, term, indexes
  $BIN/tablectl transfer           # move leadership, wait for the new leader
  $BIN/tablectl token --player p42 # a player's token (secret in $DATA/player-secret)
  curl -s 127.0.0.1:8080/status    # through haproxy: always the leader
  curl -s -XPOST 127.0.0.1:8080/dev/tables \\
    -d '{"player":"demo","game":"schafkopf","bots":3,"count":5,"options":{"turnTimeoutMs":500}}'
                                   # bot tables that play by themselves
Logs: $DATA/n1.log $DATA/n2.log $DATA/n3.log $DATA/haproxy.log
Ctrl-C stops the cluster; make run again resumes it.
TXT
wait
