#!/bin/sh
# Runs once when the PostgreSQL volume is created: the role the app connects as. It owns nothing and
# cannot bypass row-level security; `minsheng db upgrade --app-role minsheng_app` grants it data access.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<SQL
CREATE ROLE minsheng_app LOGIN PASSWORD '${MINSHENG_APP_PASSWORD}' NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
SQL
