#!/bin/sh
# Tells the Citus coordinator about its workers; idempotent (a deployment runs it on every start).
#   add-workers.sh COORDINATOR WORKER...     (hosts, port 5432; PGUSER, PGPASSWORD, PGDATABASE set)
# The coordinator logs in to the workers as the owner and as the app's role, with their passwords
# (pg_dist_authinfo); each node has the citus extension in the database before it joins.
set -eu
coordinator="$1"; shift
for node in "$coordinator" "$@"; do
  psql -v ON_ERROR_STOP=1 -h "$node" -c "CREATE EXTENSION IF NOT EXISTS citus"
done
psql -v ON_ERROR_STOP=1 -h "$coordinator" \
  -v owner="$PGUSER" -v owner_auth="password=$PGPASSWORD" -v app_auth="password=$MINSHENG_APP_PASSWORD" <<'SQL'
INSERT INTO pg_dist_authinfo (nodeid, rolename, authinfo)
VALUES (0, :'owner', :'owner_auth'), (0, 'minsheng_app', :'app_auth')
ON CONFLICT (nodeid, rolename) DO UPDATE SET authinfo = EXCLUDED.authinfo;
SQL
psql -v ON_ERROR_STOP=1 -h "$coordinator" -c "SELECT citus_set_coordinator_host('$coordinator', 5432)"
for worker in "$@"; do
  psql -v ON_ERROR_STOP=1 -h "$coordinator" -c "SELECT citus_add_node('$worker', 5432)"
done
psql -h "$coordinator" -Atc "SELECT 'workers: ' || count(*) FROM citus_get_active_worker_nodes()"
