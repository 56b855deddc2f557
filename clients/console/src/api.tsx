import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react';
import { ApiError, createAfClient, type AfClient, type AfClientOptions } from '@af/api-client';

/** Who the credential speaks for, as far as the console can tell without a private endpoint. */
export interface Principal {
  kind: 'token' | 'api-key';
  /** The tenant (a token's `tenant` claim); undefined for an API key (the gateway knows it, the key does not say). */
  tenant: string | undefined;
  /** A token's subject, or the API key's visible prefix. */
  name: string;
}

export interface Auth {
  token: string | undefined;
  principal: Principal | undefined;
  /** Checks the credential against the gateway (one cheap authenticated read) and keeps it in memory. Rejects with an ApiError. */
  signIn(token: string): Promise<void>;
  signOut(): void;
}

interface AuthContextValue extends Auth {
  options: AfClientOptions;
  client: AfClient;
}

const AuthContext = createContext<AuthContextValue | undefined>(undefined);

/** A JWT's claims, read (not verified: the gateway verifies) to show the tenant and subject. */
export function describeCredential(credential: string): Principal {
  if (credential.startsWith('afk_')) return { kind: 'api-key', tenant: undefined, name: `API key ${credential.slice(0, 12)}…` };
  const payload = credential.split('.')[1];
  if (payload) {
    try {
      const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(payload.length / 4) * 4, '='));
      const claims = JSON.parse(json) as { tenant?: unknown; sub?: unknown };
      return {
        kind: 'token',
        tenant: typeof claims.tenant === 'string' ? claims.tenant : undefined,
        name: typeof claims.sub === 'string' ? claims.sub : 'token',
      };
    } catch {
      // not a JWT we can read: the gateway decides
    }
  }
  return { kind: 'token', tenant: undefined, name: 'token' };
}

/**
 * Holds the credential in memory only (React state and a ref read by the client on every request):
 * never localStorage or sessionStorage, so a reload signs out by design.
 */
export function AuthProvider({ children }: { children: ReactNode }) {
  const [token, setToken] = useState<string | undefined>(undefined);
  const tokenRef = useRef<string | undefined>(undefined);
  const options = useMemo<AfClientOptions>(() => ({ baseUrl: '', credential: () => tokenRef.current }), []);
  const client = useMemo(() => createAfClient(options), [options]);

  const signIn = useCallback(async (candidate: string) => {
    const credential = candidate.trim();
    if (!credential) throw new ApiError(400, { code: 'INVALID_ARGUMENT', message: 'enter an API key or a token', path: '/credential' });
    const probe = createAfClient({ baseUrl: '', credential: () => credential });
    try {
      await probe.GET('/v1/blueprints', { params: { query: { limit: 1 } } });
    } catch (error) {
      // 403: the credential is genuine but may not list blueprints; the pages it may use still work.
      if (!(error instanceof ApiError && error.status === 403)) throw error;
    }
    tokenRef.current = credential;
    setToken(credential);
  }, []);

  const signOut = useCallback(() => {
    tokenRef.current = undefined;
    setToken(undefined);
  }, []);

  const value = useMemo<AuthContextValue>(
    () => ({ token, principal: token ? describeCredential(token) : undefined, signIn, signOut, options, client }),
    [token, signIn, signOut, options, client],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

function useAuthContext(): AuthContextValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth/useClient must be used inside <AuthProvider>');
  return value;
}

export function useAuth(): Auth {
  const { token, principal, signIn, signOut } = useAuthContext();
  return { token, principal, signIn, signOut };
}

/** The typed API client; its credential is the signed-in token. */
export function useClient(): AfClient {
  return useAuthContext().client;
}

/** The client's options, for followRun(options, runId). */
export function useClientOptions(): AfClientOptions {
  return useAuthContext().options;
}

/** An error as the API gave it: code, message and the path of the offending field. */
export function ErrorNotice({ error, title }: { error: unknown; title?: string }) {
  if (error === null || error === undefined) return null;
  const apiError = error instanceof ApiError ? error : undefined;
  const message = apiError ? apiError.message : error instanceof Error ? error.message : String(error);
  return (
    <div role="alert" className="notice notice-error">
      {title ? <p className="notice-title">{title}</p> : null}
      <p>
        {apiError ? <code className="error-code">{apiError.code}</code> : null} {message}
      </p>
      {apiError?.path ? (
        <p>
          at <code>{apiError.path}</code>
        </p>
      ) : null}
      {apiError?.correlationId ? <p className="muted">correlation id {apiError.correlationId}</p> : null}
    </div>
  );
}
