import { afterEach, describe, expect, it } from '@jest/globals';
import { locateServices } from './locate.js';

describe(locateServices.name, () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('finds the four real services this machine runs', async () => {
    const located = await locateServices(['postgres', 'redis', 'nats', 'neo4j']);
    expect(located.map((l) => l.kind)).toEqual(['postgres', 'redis', 'nats', 'neo4j']);
  });

  it('fails naming the service, its variable and its start command when nothing answers', async () => {
    process.env['REDIS_URL'] = 'redis://127.0.0.1:1';
    process.env['NEO4J_URL'] = 'bolt://127.0.0.1:2';
    const attempt = locateServices(['redis', 'neo4j']);
    await expect(attempt).rejects.toThrow(/Redis is not reachable at redis:\/\/127\.0\.0\.1:1[\s\S]*REDIS_URL[\s\S]*redis-server --daemonize yes/);
    await expect(locateServices(['neo4j'])).rejects.toThrow(/Neo4j is not reachable[\s\S]*npm run neo4j:start/);
  });
});
