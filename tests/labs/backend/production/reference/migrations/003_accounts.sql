-- Accounts live on members: a member who registered has a password hash; members
-- created by an admin (POST /v1/members) have none and cannot log in.
ALTER TABLE members
  ADD COLUMN password_hash text,
  ADD COLUMN role text NOT NULL DEFAULT 'member' CHECK (role IN ('member', 'admin'));

-- Refresh tokens are stored as sha256(token): a leaked table gives no usable token.
-- Tokens of one login form a family; when a spent token comes back, the family dies.
CREATE TABLE refresh_tokens (
  id          bigserial PRIMARY KEY,
  member_id   bigint NOT NULL REFERENCES members (id) ON DELETE CASCADE,
  family_id   uuid NOT NULL,
  token_hash  text NOT NULL UNIQUE,
  expires_at  timestamptz NOT NULL,
  used_at     timestamptz,
  revoked_at  timestamptz,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX refresh_tokens_family_id_idx ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_member_id_idx ON refresh_tokens (member_id);
