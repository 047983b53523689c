-- Sign-in with an OpenID provider: an account is linked to (issuer, subject), never to
-- an e-mail, which changes and which a provider may not have verified.
CREATE TABLE oauth_identities (
  issuer     text NOT NULL,
  subject    text NOT NULL,
  member_id  bigint NOT NULL REFERENCES members (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (issuer, subject)
);
CREATE INDEX oauth_identities_member_id_idx ON oauth_identities (member_id);

-- API keys are stored as sha256(key). A rotated key gets an expires_at (the end of its
-- grace period); a revoked one a revoked_at.
CREATE TABLE api_keys (
  id          bigserial PRIMARY KEY,
  member_id   bigint NOT NULL REFERENCES members (id) ON DELETE CASCADE,
  name        text NOT NULL,
  key_hash    text NOT NULL UNIQUE,
  expires_at  timestamptz,
  revoked_at  timestamptz,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX api_keys_member_id_idx ON api_keys (member_id);
