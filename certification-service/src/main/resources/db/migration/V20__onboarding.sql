-- Integrator onboarding (issue #9): integrators, their apps (Keycloak clients; secrets live only in Keycloak),
-- redirect URIs awaiting approval, and the audit log of every administrative act.
create table integrator (
    id         varchar(100) primary key,      -- the integrator id, the apps' integrator_id claim
    name       varchar(200) not null unique,
    created_at timestamptz  not null,
    created_by varchar(255) not null
);

create table integrator_app (
    id            uuid primary key,
    integrator_id varchar(100) not null references integrator (id),
    name          varchar(100) not null,
    environment   varchar(20)  not null,      -- sandbox, production (the client's environment attribute and claim)
    client_id     varchar(255) not null unique,
    keycloak_id   varchar(100) not null,      -- Keycloak's internal id of the client
    subscriptions text         not null default '', -- comma-separated APIs, each the client's optional scope
    created_at    timestamptz  not null,
    unique (integrator_id, name)
);

create table redirect_uri (
    id          uuid primary key,
    app_id      uuid          not null references integrator_app (id) on delete cascade,
    uri         varchar(2000) not null,
    status      varchar(20)   not null,       -- PENDING, APPROVED, REJECTED
    requested_at timestamptz  not null,
    requested_by varchar(255) not null,
    decided_at  timestamptz,
    decided_by  varchar(255),
    reason      varchar(500),
    unique (app_id, uri)
);
create index redirect_uri_status_idx on redirect_uri (status);

-- who did what, when; never a secret
create table onboarding_audit (
    id            uuid primary key,
    occurred_at   timestamptz  not null,
    actor         varchar(255) not null,
    action        varchar(50)  not null,
    integrator_id varchar(100),
    app_id        uuid,
    client_id     varchar(255),
    detail        varchar(2000)
);
create index onboarding_audit_time_idx on onboarding_audit (occurred_at);
