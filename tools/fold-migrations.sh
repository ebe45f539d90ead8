#!/usr/bin/env bash
# Regenerates the single Initial migration of both providers from the current model.
# Only while nothing is deployed: a deployed database needs a new migration instead (docs/decisions/002).
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet tool restore >/dev/null
rm -rf src/Grassroots.Migrations.Sqlite/Migrations src/Grassroots.Migrations.Postgres/Migrations
dotnet ef migrations add Initial --project src/Grassroots.Migrations.Sqlite --startup-project src/Grassroots.Web \
  --context AppDbContext --output-dir Migrations >/dev/null
dotnet ef migrations add Initial --project src/Grassroots.Migrations.Postgres --startup-project src/Grassroots.Web \
  --context AppDbContext --output-dir Migrations -- --Database:Provider=Postgres "--ConnectionStrings:Grassroots=Host=localhost;Database=grassroots" >/dev/null
dotnet format whitespace src/Grassroots.Migrations.Sqlite >/dev/null 2>&1 || true
dotnet format whitespace src/Grassroots.Migrations.Postgres >/dev/null 2>&1 || true
echo "Initial migrations regenerated for SQLite and PostgreSQL."
