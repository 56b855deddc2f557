import { stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppError, ErrorCode, httpStatusOf, isAppError } from '@af/errors';
import { errorBody } from '@af/runtime';
import { CONSOLE_SETTINGS, type ConsoleSettings } from './console.module.js';

export const CONSOLE_PREFIX = '/console';

/**
 * The console's Content-Security-Policy: everything from the gateway itself; inline styles
 * (Monaco sets them), workers from blob: URLs (Monaco's language workers), images as data: URLs;
 * never framed.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "worker-src 'self' blob:",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/** Vite's content-hashed output: a file there never changes under its name. */
const ASSETS_DIR = 'assets';
export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** index.html (and any other unhashed file) is revalidated on every load, so a new build is picked up at once. */
export const REVALIDATE = 'no-cache';

const isAssetRequest = (url: string): boolean => url.startsWith(`${CONSOLE_PREFIX}/${ASSETS_DIR}/`);

function refuse(reply: FastifyReply, error: AppError): FastifyReply {
  return reply.code(httpStatusOf(error.code)).header('content-type', 'application/json; charset=utf-8').header('cache-control', REVALIDATE).send(errorBody(error));
}

const notBuilt = (dir: string) =>
  new AppError(ErrorCode.NotFound, `the web console is not built (no index.html in ${dir}): run \`npm run build\` or \`nx run console:build\`, or set GATEWAY_CONSOLE_DIR`, { path: '' });

/**
 * The console's routes, in a context of their own under /console: every route there is public
 * (the static files carry no data; the API calls the console makes carry their credentials, and
 * the authentication and rate-limit hooks pass routes marked public), and every response carries
 * the console's security headers.
 */
async function consoleRoutes(scope: FastifyInstance, dir: string): Promise<void> {
  const index = join(dir, 'index.html');
  const built = async (): Promise<boolean> => (await stat(index).catch(() => undefined))?.isFile() === true;
  const sendIndex = async (reply: FastifyReply) => {
    if (!(await built())) return refuse(reply, notBuilt(dir));
    return reply.sendFile('index.html');
  };

  scope.addHook('onRoute', (route) => {
    route.config = { ...(route.config as object | undefined), public: true };
  });
  scope.addHook('onRequest', (_req, reply, done) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) reply.header(name, value);
    done();
  });
  // The request hooks' errors (a POST here without a credential: 401) as everywhere; the static
  // files' own (a path leaving the directory or not canonical: 403 from @fastify/static) as 404.
  scope.setErrorHandler((error: unknown, _req, reply) => {
    if (isAppError(error)) return refuse(reply, error);
    const status = (error as { statusCode?: unknown } | null)?.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) return refuse(reply, new AppError(ErrorCode.NotFound, 'no such file in the web console', { path: '' }));
    return refuse(reply, new AppError(ErrorCode.Internal, 'the web console file could not be read', { cause: error }));
  });

  await scope.register(fastifyStatic, {
    root: dir,
    prefix: '/',
    wildcard: true,
    // Found or not, an index is the SPA's: served by the not-found handler below.
    index: false,
    redirect: false,
    dotfiles: 'ignore',
    preCompressed: true,
    cacheControl: false,
    suppressWarning: true,
    setHeaders(reply, path) {
      const file = relative(dir, path).replace(/\.(br|gz)$/, '');
      reply.header('cache-control', file.startsWith(`${ASSETS_DIR}${sep}`) ? IMMUTABLE : REVALIDATE);
    },
  });
  // `/console` and `/console/` (the context's prefix with and without the slash).
  scope.get('/', (_req, reply) => sendIndex(reply));
  // A path that is no file: the SPA's own route (index.html) — but a missing hashed asset is a
  // 404, not a page the browser would try to run as a script.
  scope.setNotFoundHandler(async (req: FastifyRequest, reply: FastifyReply) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(reply, AppError.notFound(`${req.method} ${CONSOLE_PREFIX}`));
    if (isAssetRequest(req.url)) return refuse(reply, (await built()) ? AppError.notFound('the console asset') : notBuilt(dir));
    return sendIndex(reply);
  });
}

/**
 * Serves the built web console (clients/console/dist) under /console: files by path with
 * precompressed `.br`/`.gz` variants when the client accepts them, hashed assets cached for a
 * year, index.html revalidated, every other path index.html (client-side routes); 404 NOT_FOUND
 * naming the build command while it is not built.
 */
export async function installConsole(app: NestFastifyApplication): Promise<void> {
  const { dir } = app.get<typeof CONSOLE_SETTINGS, ConsoleSettings>(CONSOLE_SETTINGS);
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  await fastify.register((scope) => consoleRoutes(scope, dir), { prefix: CONSOLE_PREFIX });
}
