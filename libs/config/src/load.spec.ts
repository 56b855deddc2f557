import { describe, expect, it } from '@jest/globals';
import { ConfigError, describeConfig, env, loadConfig } from './index.js';

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
