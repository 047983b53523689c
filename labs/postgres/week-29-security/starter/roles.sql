-- The lab's roles (LAB.md: "Roles"). Runs as lab_admin (CREATEROLE and CREATEDB, not a
-- superuser) in database postgres, before the database saas exists.
-- Set no password here: the harness gives each LOGIN role one, as a deployment would from
-- its secret store.

-- The migration owner: owns every table, view and function of the schema.
CREATE ROLE app_owner LOGIN;

-- The application: reads and writes its tenant's rows, nothing else.
CREATE ROLE app_user LOGIN;

-- The analyst: reads every tenant's rows, writes nothing.
CREATE ROLE analyst LOGIN;

-- TODO: check each role's attributes against LAB.md.
