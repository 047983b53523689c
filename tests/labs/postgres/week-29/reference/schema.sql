-- The application's schema, owned by app_owner, with its grants and row-level security.

-- Nobody but the owner creates objects here, nor connects without being granted it.
REVOKE ALL ON DATABASE saas FROM PUBLIC;
GRANT CONNECT ON DATABASE saas TO app_user, analyst;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO app_user, analyst;

CREATE TABLE public.tenants (
  id   text PRIMARY KEY,
  name text NOT NULL
);

CREATE TABLE public.invoices (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id    text NOT NULL REFERENCES public.tenants (id),
  customer     text NOT NULL,
  amount_cents bigint NOT NULL CHECK (amount_cents >= 0),
  paid_at      timestamptz
);

-- Each tenant sees and writes its own invoices: the tenant is the session's app.tenant_id,
-- which the app sets when it takes a connection. Unset, the setting reads as NULL: no row.
ALTER TABLE public.invoices ENABLE ROW LEVEL SECURITY;
-- FORCE: the policies bind the owner too, so the view and the function below, which run
-- with the owner's rights, cannot reach another tenant's rows either.
ALTER TABLE public.invoices FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON public.invoices
  USING (tenant_id = current_setting('app.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('app.tenant_id', true));
-- The analyst reads every tenant (policies are OR'ed: this one adds reads, never writes).
CREATE POLICY analyst_reads_all ON public.invoices FOR SELECT TO analyst USING (true);

-- security_invoker: the view reads with the rights (and the policies) of whoever queries it.
CREATE VIEW public.invoice_summary WITH (security_invoker = true) AS
  SELECT tenant_id, count(*) AS invoices, sum(amount_cents) AS total_cents
  FROM public.invoices
  GROUP BY tenant_id;

-- Marks an unpaid invoice paid; returns its amount (NULL: no such unpaid invoice). The app may
-- not set paid_at itself: this function is the only way, so it runs with its owner's rights.
CREATE FUNCTION public.mark_paid(invoice bigint) RETURNS bigint
  LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
  UPDATE public.invoices SET paid_at = now()
  WHERE id = invoice AND paid_at IS NULL
  RETURNING amount_cents
$$;
-- Functions are executable by PUBLIC by default: only the app may mark invoices paid.
REVOKE EXECUTE ON FUNCTION public.mark_paid(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.mark_paid(bigint) TO app_user;

-- The app: its rows, and never paid_at (mark_paid sets it).
GRANT SELECT ON public.tenants, public.invoice_summary TO app_user;
GRANT SELECT, INSERT (tenant_id, customer, amount_cents), UPDATE (customer, amount_cents), DELETE
  ON public.invoices TO app_user;

-- The analyst: reads, nothing else.
GRANT SELECT ON public.tenants, public.invoices, public.invoice_summary TO analyst;
