/**
 * The one error catalogue: every error a client can see, its HTTP status and a message a person can
 * act on. Shared so the console can show the same words for a code it receives in a redirect
 * (`/signin?error=LOGIN_THROTTLED`). `docs/errors.md` is kept in step with this table by a test.
 */
export const ERRORS = {
  VALIDATION_FAILED: { status: 400, message: 'Some fields need attention.' },
  MALFORMED_REQUEST: { status: 400, message: 'The request could not be read. Send valid JSON or form data.' },
  BODY_TOO_LARGE: { status: 413, message: 'The request is too large.' },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    message: 'Send the request as application/json (or a form where a form is expected).',
  },
  NOT_FOUND: { status: 404, message: 'There is nothing at this address.' },
  METHOD_NOT_ALLOWED: { status: 405, message: 'This address does not accept that method.' },
  AUTH_REQUIRED: { status: 401, message: 'Sign in to continue.' },
  SESSION_EXPIRED: { status: 401, message: 'Your session has ended. Sign in again.' },
  FORBIDDEN: { status: 403, message: 'Your account is not allowed to do this. Ask an administrator.' },
  CSRF_REJECTED: { status: 403, message: 'This request could not be verified. Reload the page and try again.' },
  REAUTH_REQUIRED: { status: 403, message: 'For your protection, confirm your password before changing this.' },
  INVALID_CREDENTIALS: { status: 401, message: 'Incorrect username or password.' },
  LOGIN_THROTTLED: { status: 429, message: 'Too many failed sign-in attempts. Wait a few minutes, then try again.' },
  SERVER_BUSY: { status: 503, message: 'The portal is busy. Try again in a moment.' },
  SETUP_LINK_INVALID: {
    status: 403,
    message: 'This setup link is invalid, expired or already used. Restart the portal to print a new one.',
  },
  SETUP_COMPLETE: { status: 409, message: 'Portcullis is already set up. Sign in instead.' },
  USERNAME_TAKEN: { status: 409, message: 'That username is already taken. Choose another.' },
  USER_NOT_FOUND: { status: 404, message: 'That user does not exist.' },
  CANNOT_CHANGE_OWN_ACCOUNT: {
    status: 409,
    message: 'You cannot disable or demote your own account. Ask another administrator.',
  },
  LAST_ADMINISTRATOR: {
    status: 409,
    message: 'This is the last active administrator. Make someone else an administrator first.',
  },
  CURRENT_PASSWORD_WRONG: { status: 400, message: 'Your current password is not correct.' },
  PASSWORD_CHECK_THROTTLED: {
    status: 429,
    message: 'Too many wrong passwords for this account. Wait a few minutes, then try again.',
  },
  PROVIDER_NOT_FOUND: { status: 404, message: 'That MFA provider does not exist (it may have been deleted).' },
  PROVIDER_NAME_TAKEN: { status: 409, message: 'Another provider already has this name. Choose another name.' },
  PROVIDER_CHECK_FAILED: {
    status: 422,
    message:
      'The provider did not accept these settings. Correct them, or save the provider disabled until they are right.',
  },
  PROVIDER_UNREACHABLE: {
    status: 422,
    message:
      'The provider could not be reached, so the settings could not be checked. Fix the connection, or save anyway.',
  },
  PROVIDER_IN_USE: {
    status: 409,
    message:
      'Users sign in with this provider. Confirm with the number of affected users to go ahead; they will have to set up MFA again.',
  },
  LAST_ENABLED_PROVIDER: {
    status: 409,
    message:
      'MFA is required for everyone and this is the last enabled provider. Enable another provider or turn off the requirement first.',
  },
  PROVIDER_SECRET_UNREADABLE: {
    status: 409,
    message:
      'The stored secret of this provider cannot be opened (wrong master key or altered data). Enter the secret again.',
  },
  MFA_UNAVAILABLE: {
    status: 503,
    message:
      'Multi-factor authentication is unavailable right now, so you cannot sign in. Try again in a few minutes; if it persists, tell your administrator.',
  },
  MFA_DENIED: {
    status: 401,
    message: 'The sign-in was denied at your MFA provider. If you did not deny it yourself, tell your administrator.',
  },
  MFA_FAILED: { status: 401, message: 'The second step of your sign-in could not be completed. Sign in again.' },
  MFA_EXPIRED: { status: 401, message: 'This sign-in link has expired or was already used. Sign in again.' },
  MFA_THROTTLED: {
    status: 429,
    message: 'Too many MFA requests for this account. Wait a few minutes, then sign in again.',
  },
  MFA_ALREADY_CONFIGURED: {
    status: 409,
    message:
      'You already have MFA set up. Confirm that you want to replace it: from then on you sign in with the new one only.',
  },
  MFA_NOT_CONFIGURED: { status: 409, message: 'You have no MFA set up yet.' },
  APPLICATION_URL_INVALID: {
    status: 409,
    message:
      'The Application URL is missing or invalid, so MFA cannot be used yet. An administrator sets it under Settings > System.',
  },
  MFA_POLICY_LOCKOUT: {
    status: 409,
    message:
      'Requiring MFA now would lock every administrator out. First set up MFA for yourself (My account > Configure MFA) or mark an administrator "skip MFA".',
  },
  MFA_CODE_INVALID: {
    status: 400,
    message: 'Enter the code exactly as your authenticator app or your recovery codes show it.',
  },
  MFA_CODE_WRONG: {
    status: 401,
    message: 'That code is not right. Check the code in your app (it changes every 30 seconds) and try again.',
  },
  MFA_CODE_REUSED: {
    status: 401,
    message: 'This code was already used. Wait for the next code in your app, then enter it.',
  },
  MFA_CODE_LOCKED: { status: 429, message: 'Too many wrong codes. Sign in again to get new attempts.' },
  MFA_CODE_THROTTLED: {
    status: 429,
    message: 'Too many wrong codes for this account. Wait a few minutes, then try again.',
  },
  FACTOR_NOT_FOUND: { status: 404, message: 'That method does not exist (it may have been removed).' },
  FACTOR_NOT_DEFAULTABLE: {
    status: 409,
    message: 'Recovery codes cannot be the method offered first: choose one of your other methods.',
  },
  LAST_FACTOR_REQUIRED: {
    status: 409,
    message:
      'MFA is required for your account and this is your last method. Add another method first, then remove this one.',
  },
  RECOVERY_CODES_NOT_ALLOWED: {
    status: 409,
    message: 'Recovery codes are turned off by the MFA policy. Ask an administrator.',
  },
  RECOVERY_CODES_NEED_FACTOR: {
    status: 409,
    message: 'Set up a method first (Configure MFA): recovery codes are a backup for it.',
  },
  MFA_KEY_REFUSED: {
    status: 401,
    message: 'Your security key or passkey could not be accepted here. Try again, or use another method.',
  },
  MFA_KEY_MODEL_REFUSED: {
    status: 403,
    message: 'This kind of security key is not allowed here. Use one of the models your administrator allows.',
  },
  ADMIN_KEY_LOCKOUT: {
    status: 409,
    message:
      'Requiring security keys for administrators now would lock every administrator out. First register a security key or passkey yourself (My account).',
  },
  PASSKEYS_UNAVAILABLE: {
    status: 409,
    message: 'Passwordless sign-in is not available here. Sign in with your username and password.',
  },
  STORAGE_UNAVAILABLE: { status: 503, message: 'The portal cannot reach its database. Try again shortly.' },
  INTERNAL: { status: 500, message: 'Something went wrong on our side. Give your administrator the reference shown.' },
  DESTINATION_NOT_FOUND: {
    status: 404,
    message: 'That forwarding destination does not exist (it may have been removed).',
  },
  DESTINATION_NAME_TAKEN: { status: 409, message: 'Another destination already has this name. Choose another name.' },
  DESTINATION_SECRET_UNREADABLE: {
    status: 409,
    message:
      'The stored secret of this destination cannot be opened (wrong master key or altered data). Enter it again.',
  },
  ARCHIVE_NOT_FOUND: { status: 404, message: 'That archive does not exist.' },
  ARCHIVE_ALREADY_PRUNED: { status: 409, message: 'The records of this archive were already pruned.' },
  ARCHIVE_OUTDATED: {
    status: 409,
    message:
      "The records older than this archive's cutoff are no longer the ones it holds. Archive again, then prune with the new archive.",
  },
  PRUNE_UNFORWARDED: {
    status: 409,
    message:
      'Some of these records are not yet delivered to a forwarding destination. Wait for it to catch up (Settings > System > Audit forwarding), or disable it.',
  },
  MFA_ACCOUNT_LOCKED: {
    status: 403,
    message:
      'Your MFA provider has locked your account (after too many failed attempts, or a sign-in reported as fraud), so it cannot approve this sign-in. Ask your administrator to unlock it.',
  },
  MFA_ACCOUNT_DISABLED: {
    status: 403,
    message:
      'Your account is disabled at your MFA provider, so it cannot approve this sign-in. Ask your administrator.',
  },
  MFA_ACCOUNT_UNKNOWN: {
    status: 409,
    message:
      'Your MFA provider no longer knows your account (it may have been removed there). Ask your administrator to reset your MFA, then sign in and set it up again.',
  },
  PROVIDER_DEVICES_NOT_REMOVED: {
    status: 502,
    message:
      "The provider could not remove the user's devices, so nothing was reset. Try again, or reset without removing them and remove them in the provider's admin panel.",
  },
  EMAIL_TAKEN: {
    status: 409,
    message: 'Another account already uses this email address. Each account needs its own address.',
  },
  APPLICATION_URL_CONFIRM: {
    status: 409,
    message:
      'Changing the Application URL changes where Duo sends users back to. Review what the check found and confirm with the number of affected users.',
  },
  APPLICATION_URL_UNUSABLE: {
    status: 409,
    message:
      'MFA is required, and the diagnostics say this Application URL would not work: every sign-in would fail. Fix what they report, or turn off the MFA requirement first.',
  },
  GROUP_NOT_FOUND: { status: 404, message: 'That group does not exist (it may have been deleted).' },
  GROUP_NAME_TAKEN: { status: 409, message: 'Another group already has this name. Choose another name.' },
  GROUP_IN_USE: {
    status: 409,
    message: 'Application rules name this group. Remove it from those rules first, then delete it.',
  },
  GROUP_MEMBER_NOT_FOUND: { status: 404, message: 'That user is not a member of this group.' },
  APPLICATION_NOT_FOUND: { status: 404, message: 'That application does not exist (it may have been deleted).' },
  APPLICATION_NAME_TAKEN: { status: 409, message: 'Another application already has this name. Choose another name.' },
  FORWARD_AUTH_UNTRUSTED: {
    status: 403,
    message:
      'Forward-auth questions are answered only for the reverse proxies listed in PORTCULLIS_TRUSTED_PROXIES. Add this proxy there.',
  },
  FORWARD_AUTH_NO_URL: {
    status: 400,
    message:
      'The proxy did not say which request it asks about: send X-Original-URL, or X-Forwarded-Proto, X-Forwarded-Host and X-Forwarded-Uri (see docs/protect-an-app.md).',
  },
  ACCESS_DENIED: {
    status: 403,
    message: 'You are signed in, but this application is not open to your account. Ask an administrator.',
  },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;
