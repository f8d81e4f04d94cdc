/**
 * A TCP proxy on 127.0.0.1 in front of a real server that can drop connections on purpose: the way
 * to test what a client does when a download is cut halfway (a flaky network) without a mock.
 */
import net from "node:net";

export interface TcpProxy {
  port: number;
  /** From now on, a connection is cut (both sockets destroyed) once the server has sent `bytes` bytes on it, `times` times in all. */
  cutConnections(bytes: number, times?: number): void;
  /** How many connections were cut so far. */
  readonly cuts: number;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  let cutAfter = Number.POSITIVE_INFINITY;
  let cutsLeft = 0;
  let cuts = 0;
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    let sent = 0;
    upstream.on("data", (chunk: Buffer) => {
      if (cutsLeft > 0 && sent + chunk.length > cutAfter) {
        cutsLeft--;
        cuts++;
        client.write(chunk.subarray(0, Math.max(0, cutAfter - sent)), () => {
          client.destroy();
          upstream.destroy();
        });
        upstream.pause();
        return;
      }
      sent += chunk.length;
      if (!client.write(chunk)) upstream.pause();
    });
    client.on("drain", () => upstream.resume());
    upstream.on("end", () => client.end());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    cutConnections(bytes, times = 1) {
      cutAfter = bytes;
      cutsLeft = times;
    },
    get cuts() {
      return cuts;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
