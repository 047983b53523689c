-- Export jobs: the queue and the status in one table, so that a restart loses neither.
CREATE TABLE exports (
  id          bigserial PRIMARY KEY,
  status      text NOT NULL DEFAULT 'pending'
              CHECK (status IN ('pending', 'running', 'done', 'failed')),
  created_at  timestamptz NOT NULL DEFAULT now(),
  started_at  timestamptz,
  finished_at timestamptz,
  error       text,
  result      jsonb
);

-- The worker looks for the oldest pending job.
CREATE INDEX exports_pending ON exports (id) WHERE status = 'pending';
