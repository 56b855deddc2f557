import { describe, expect, it } from '@jest/globals';
import { ConfigError, describeConfig, env, loadConfig, redactUrl } from './index.js';

const spec = {
  http: { port: env.port('HTTP_PORT', { default: 8080 }) },
  nats: { url: env.url('NATS_URL', { protocols: ['nats', 'tls'], default: 'nats://127.0.0.1:4222' }) },
  auth: { jwtSecret: env.secret('AF_JWT_SECRET', { minLength: 32 }) },
  logLevel: env.oneOf('LOG_LEVEL', ['debug', 'info', 'warn'] as const, { default: 'info' }),
  drain: env.bool('DRAIN', { default: true }),
};

describe(loadConfig.name, () => {
  it('returns a typed nested object with defaults applied', () => {
    const config = loadConfig(spec, { AF_JWT_SECRET: 'x'.repeat(32), LOG_LEVEL: 'debug' });
    expect(config).toEqual({
      http: { port: 8080 },
      nats: { url: 'nats://127.0.0.1:4222' },
      auth: { jwtSecret: 'x'.repeat(32) },
      logLevel: 'debug',
      drain: true,
    });
  });

  it('lists every bad variable at once', () => {
    const load = () => loadConfig(spec, { HTTP_PORT: '99999', NATS_URL: 'http://x', LOG_LEVEL: 'loud', DRAIN: 'maybe' });
    expect(load).toThrow(ConfigError);
    try {
      load();
    } catch (error) {
      const problems = (error as ConfigError).problems.map((p) => p.env);
      expect(problems).toEqual(['HTTP_PORT', 'NATS_URL', 'AF_JWT_SECRET', 'LOG_LEVEL', 'DRAIN']);
      expect((error as Error).message).toContain('AF_JWT_SECRET is required');
    }
  });

  it('never describes a secret', () => {
    const config = loadConfig(spec, { AF_JWT_SECRET: 's'.repeat(40) });
    expect(JSON.stringify(describeConfig(spec, config))).not.toContain('ssss');
  });
});

describe('secrets and credentials', () => {
  const problemsOf = (load: () => unknown): string => {
    try {
      load();
    } catch (error) {
      return (error as ConfigError).message;
    }
    throw new Error('expected a ConfigError');
  };

  it('never echoes a bad value of a secret variable', () => {
    const message = problemsOf(() => loadConfig(spec, { AF_JWT_SECRET: 'hunter2-short' }));
    expect(message).toContain('AF_JWT_SECRET must be at least 32 characters');
    expect(message).not.toContain('hunter2');
  });

  it('never echoes the credentials of a bad URL', () => {
    const wrongScheme = problemsOf(() => loadConfig(spec, { AF_JWT_SECRET: 'x'.repeat(32), NATS_URL: 'http://admin:hunter2@nats:4222' }));
    expect(wrongScheme).toContain('NATS_URL must use nats or tls');
    expect(wrongScheme).not.toContain('hunter2');
    const unparsable = problemsOf(() => loadConfig(spec, { AF_JWT_SECRET: 'x'.repeat(32), NATS_URL: 'nats://admin:hunter2@[bad' }));
    expect(unparsable).toContain('NATS_URL must be a URL');
    expect(unparsable).not.toContain('hunter2');
  });

  it('describes a URL with a password redacted', () => {
    const config = loadConfig(spec, { AF_JWT_SECRET: 'x'.repeat(32), NATS_URL: 'nats://admin:hunter2@nats:4222' });
    expect(describeConfig(spec, config)).toMatchObject({ nats: { url: 'nats://admin:***@nats:4222' }, auth: { jwtSecret: '[secret]' } });
  });

  it('redacts every credential in a text, passwords and bare tokens alike', () => {
    expect(redactUrl('cannot connect to PostgreSQL at postgres://app:s3cr:et@db:5432/x (refused)')).toBe('cannot connect to PostgreSQL at postgres://app:***@db:5432/x (refused)');
    expect(redactUrl('redis://:pw@127.0.0.1:6379 and nats://tok3n@nats:4222')).toBe('redis://:***@127.0.0.1:6379 and nats://***@nats:4222');
    expect(redactUrl('bolt://127.0.0.1:7687')).toBe('bolt://127.0.0.1:7687');
  });
});
