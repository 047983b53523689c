-- The application's schema (LAB.md: "The schema"). Runs as app_owner in database saas,
-- which app_owner owns. Keep the names and columns: the checks use them.

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

-- Each tenant's totals, for the app's dashboard.
CREATE VIEW public.invoice_summary AS
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

-- TODO: grants for app_user and analyst (LAB.md: "Roles").
-- TODO: row-level security on invoices (LAB.md: "Tenants").
