-- One PostgreSQL login role per service, each owning its own schema and nothing else: what a service's
-- credentials can reach if they leak. Run it as the database's owner (a superuser, or your managed
-- service's admin role) against Agentyard's database, with each role's password in the environment;
-- running it again sets the passwords again (rotation) and changes nothing else:
--   AGENTYARD_DB_PASSWORD_IDENTITY=... AGENTYARD_DB_PASSWORD_AGENT=... AGENTYARD_DB_PASSWORD_TASK=... \
--   AGENTYARD_DB_PASSWORD_EXECUTION=... AGENTYARD_DB_PASSWORD_CHAT=... \
--     psql "postgresql://admin@db.example.internal/agentyard" -f deploy/k8s/base/db-roles.sql
-- The roles are agentyard_identity, agentyard_agent, agentyard_task, agentyard_execution and agentyard_chat
-- (`-v role_prefix=...` changes "agentyard"). The dev overlay's PostgreSQL runs this file at its first start.
\set ON_ERROR_STOP on
set client_min_messages = warning;
\if :{?role_prefix}
\else
\set role_prefix agentyard
\endif

-- Passwords come from the environment, never from a command line other users can read.
\getenv identity_password AGENTYARD_DB_PASSWORD_IDENTITY
\getenv agent_password AGENTYARD_DB_PASSWORD_AGENT
\getenv task_password AGENTYARD_DB_PASSWORD_TASK
\getenv execution_password AGENTYARD_DB_PASSWORD_EXECUTION
\getenv chat_password AGENTYARD_DB_PASSWORD_CHAT
\if :{?identity_password}
\else
\set identity_password ''
\endif
\if :{?agent_password}
\else
\set agent_password ''
\endif
\if :{?task_password}
\else
\set task_password ''
\endif
\if :{?execution_password}
\else
\set execution_password ''
\endif
\if :{?chat_password}
\else
\set chat_password ''
\endif

create temporary table agentyard_roles as
select schema_name, :'role_prefix' || '_' || schema_name as role_name, password
  from (values ('identity', :'identity_password'), ('agent', :'agent_password'), ('task', :'task_password'),
               ('execution', :'execution_password'), ('chat', :'chat_password')) as r(schema_name, password);

do $$
declare
    missing text;
begin
    select string_agg('AGENTYARD_DB_PASSWORD_' || upper(schema_name), ', ') into missing
      from agentyard_roles where password = '';
    if missing is not null then
        raise exception 'set % in the environment (each service role''s password)', missing;
    end if;
end $$;

-- Login roles with no other power: no superuser, no role or database creation, no inherited grants.
select format('create role %I', role_name) from agentyard_roles
 where not exists (select 1 from pg_roles where rolname = role_name) \gexec
select format('alter role %I with login nosuperuser nocreatedb nocreaterole noinherit noreplication password %L',
              role_name, password) from agentyard_roles \gexec

-- Each schema belongs to its service's role: its Flyway migrations create and alter what is in it.
select format('create schema if not exists %I authorization %I', schema_name, role_name) from agentyard_roles \gexec
select format('alter schema %I owner to %I', schema_name, role_name) from agentyard_roles \gexec

-- The database: only these roles (and its owner) connect; nobody creates schemas or objects in public.
select format('revoke all on database %I from public', current_database()) \gexec
select format('grant connect, temporary on database %I to %I', current_database(), role_name) from agentyard_roles \gexec
revoke create on schema public from public;

drop table agentyard_roles;
