// A counting proxy on the MongoDB wire protocol: forwards every byte between the product and the
// store, and counts the commands (OP_MSG: the first key of the body is the command, its value the
// collection). It lets the profile say how many round trips one customer message costs, and on
// which collections, without touching the product's code.
import net from 'node:net';

const OP_MSG = 2013;

export interface CommandCounter {
  host: string;
  counts: Map<string, number>;
  reset(): void;
  close(): Promise<void>;
}

/** "find messages", "update conversations", "hello", … from one OP_MSG. */
function commandOf(message: Buffer): string | undefined {
  if (message.readInt32LE(12) !== OP_MSG) return undefined;
  let offset = 20; // header (16) + flagBits (4)
  while (offset < message.length && message[offset] !== 0) {
    // kind 1 (document sequence) sections precede or follow the body; skip them
    const size = message.readInt32LE(offset + 1);
    offset += 1 + size;
  }
  if (offset >= message.length) return undefined;
  const body = offset + 1;
  const type = message[body + 4]!;
  const keyEnd = message.indexOf(0, body + 5);
  const command = message.toString('utf8', body + 5, keyEnd);
  if (type !== 0x02) return command;
  const length = message.readInt32LE(keyEnd + 1);
  return `${command} ${message.toString('utf8', keyEnd + 5, keyEnd + 5 + length - 1)}`;
}

export async function startCommandCounter(upstreamHost: string, upstreamPort: number): Promise<CommandCounter> {
  const counts = new Map<string, number>();
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(upstreamPort, upstreamHost);
    sockets.add(client).add(upstream);
    let pending = Buffer.alloc(0);
    client.on('data', (chunk) => {
      upstream.write(chunk);
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 16 && pending.length >= pending.readInt32LE(0)) {
        const length = pending.readInt32LE(0);
        const command = commandOf(pending.subarray(0, length));
        if (command) counts.set(command, (counts.get(command) ?? 0) + 1);
        pending = pending.subarray(length);
      }
    });
    upstream.on('data', (chunk) => client.write(chunk));
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    counts,
    reset: () => counts.clear(),
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
