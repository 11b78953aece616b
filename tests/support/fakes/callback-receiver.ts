import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a receiver got: what a test asserts a delivery sent. */
export interface ReceivedCallback {
  method: string;
  /** path and query */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** How the receiver answers: a status (with a Location for a redirect), or a connection reset before any answer. */
export type ReceiverAnswer = { status: number; location?: string } | 'reset';

/**
 * A run callback's receiver inside the test process: an HTTP server on 127.0.0.1, on a port the system picks. It
 * records every request and answers each with `answer` (200 until a test sets another).
 */
export interface CallbackReceiver {
  readonly port: number;
  readonly received: ReceivedCallback[];
  answer: ReceiverAnswer;
  /** `http://127.0.0.1:<port><path>` */
  url(path?: string): string;
  close(): Promise<void>;
}

export async function startCallbackReceiver(): Promise<CallbackReceiver> {
  const received: ReceivedCallback[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      const { answer } = receiver;
      if (answer === 'reset') {
        req.socket.destroy();
        return;
      }
      res.writeHead(answer.status, answer.location === undefined ? {} : { location: answer.location });
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const receiver: CallbackReceiver = {
    port,
    received,
    answer: { status: 200 },
    url: (path = '/hook') => `http://127.0.0.1:${port}${path}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
  return receiver;
}
