-- RFC 9207: when the provider's metadata promises `iss` on the authorization response
-- (`authorization_response_iss_parameter_supported`), a callback without it is refused.
-- Remembered per started sign-in, as the issuer is.
ALTER TABLE auth_requests ADD COLUMN iss_required INTEGER NOT NULL DEFAULT 0;
