/**
 * Authentication levels (`acr`, OIDC Core §2) and methods (`amr`, RFC 8176 §2).
 * A resource server that wants the higher level answers
 * `insufficient_user_authentication` (RFC 9470 §3); the client then asks /authorize
 * again with `acr_values=urn:portcullis:acr:mfa` and the user is asked for a
 * second factor.
 */
export const ACR_PASSWORD = 'urn:portcullis:acr:pwd';
export const ACR_MFA = 'urn:portcullis:acr:mfa';
export const ACR_VALUES = [ACR_PASSWORD, ACR_MFA];

/** What a sign-in proved. */
export interface Authentication { acr: string; amr: string[] }

/** The level reached with a password alone, or with a password and a TOTP code. */
export function levelOf(withTotp: boolean): Authentication {
  return withTotp ? { acr: ACR_MFA, amr: ['pwd', 'otp'] } : { acr: ACR_PASSWORD, amr: ['pwd'] };
}

/** True when a request's `acr_values` (space-separated, OIDC Core §3.1.2.1) asks for the second-factor level. */
export function wantsMfa(acrValues: unknown): boolean {
  return typeof acrValues === 'string' && acrValues.split(' ').includes(ACR_MFA);
}
