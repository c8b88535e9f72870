-- Codes, refresh tokens and the other bearer artefacts of oidc-provider are stored
-- under a keyed hash of their value from now on. Rows written before held the value
-- itself, in the clear, in this table and in every backup taken since: they cannot be
-- rekeyed into something trustworthy, so they end here (clients sign their users in
-- again; access tokens already issued run until they expire).
DELETE FROM "OidcPayload"
WHERE "model" IN ('AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest',
                  'PushedAuthorizationRequest', 'RegistrationAccessToken', 'InitialAccessToken');
