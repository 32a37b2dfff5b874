-- The platform's PostgreSQL role: it logs in with a password (scram-sha-256), owns one schema and
-- nothing else — no superuser, no databases, no roles, no objects in other schemas.
-- Run as a database superuser: psql -v role=… -v password=… -v db=… -f postgres-role.sql
\set ON_ERROR_STOP on
SET password_encryption = 'scram-sha-256';
CREATE ROLE :"role" LOGIN PASSWORD :'password' NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
GRANT CONNECT ON DATABASE :"db" TO :"role";
CREATE SCHEMA :"role" AUTHORIZATION :"role";
ALTER ROLE :"role" SET search_path = :"role";
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
