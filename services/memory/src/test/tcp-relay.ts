import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

/**
 * A TCP relay in front of a shared server (Neo4j) that a test can cut and restore on the same
 * port: the dependency looks down to the service while the real server is never touched.
 */
export async function tcpRelay(target: { host: string; port: number }): Promise<{ port: number; cut(): Promise<void>; restore(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let port = 0;
  const open = () => {
    const server = createServer((client) => {
      const upstream = connect(target.port, target.host);
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    return new Promise<typeof server>((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
  };
  let server = await open();
  let listening = true;
  port = (server.address() as AddressInfo).port;
  return {
    port,
    cut: () =>
      new Promise<void>((resolve) => {
        listening = false;
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
    restore: async () => {
      if (listening) return;
      server = await open();
      listening = true;
    },
  };
}
