/** `scheme://userinfo@` anywhere in a text (a URL alone, or inside an error message). */
const USERINFO = /([a-z][a-z0-9+.-]*:\/\/)([^@/\s?#]+)@/gi;

/**
 * Hides the credentials of every URL in `text`: `postgres://app:s3cret@db/x` becomes
 * `postgres://app:***@db/x`, and a bare userinfo (a NATS token, `redis://secret@host`) becomes
 * `***`. The one helper for anything that logs or reports a connection URL.
 */
export function redactUrl(text: string): string {
  return text.replace(USERINFO, (_match, scheme: string, userinfo: string) => {
    const colon = userinfo.indexOf(':');
    return colon === -1 ? `${scheme}***@` : `${scheme}${userinfo.slice(0, colon)}:***@`;
  });
}
