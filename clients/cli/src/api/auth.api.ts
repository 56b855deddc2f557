import type { AfClient } from '@af/api-client';
import { removeConfig, writeConfig } from '../config/config.store.js';

/**
 * Checks the credential with one authenticated read (the first page of blueprints: any role may
 * read them) and stores it; a refused credential is never stored.
 */
export async function login(client: AfClient, env: NodeJS.ProcessEnv, gateway: string, credential: string): Promise<{ file: string }> {
  await client.GET('/v1/blueprints', { params: { query: { limit: 1 } } });
  const file = await writeConfig(env, { gateway, credential });
  return { file };
}

export function logout(env: NodeJS.ProcessEnv): Promise<boolean> {
  return removeConfig(env);
}
