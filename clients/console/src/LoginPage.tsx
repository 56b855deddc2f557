import { useId, useState, type FormEvent } from 'react';
import { useAuth, ErrorNotice } from './api.js';

/** An API key (afk_…) or a token, kept in this tab's memory only. */
export function LoginPage() {
  const { signIn } = useAuth();
  const [credential, setCredential] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const hintId = useId();

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await signIn(credential);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="login" aria-labelledby="login-title">
      <h1 id="login-title">Sign in</h1>
      <form onSubmit={submit}>
        <label htmlFor="credential">API key or token</label>
        <input
          id="credential"
          name="credential"
          type="password"
          autoComplete="off"
          spellCheck={false}
          required
          aria-describedby={hintId}
          value={credential}
          onChange={(event) => setCredential(event.target.value)}
        />
        <p id={hintId} className="hint">
          An API key (<code>afk_…</code>) or a token. It is kept in this tab&apos;s memory only — never stored — so reloading the page signs
          you out.
        </p>
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <ErrorNotice error={error} title="Could not sign in" />
    </section>
  );
}
