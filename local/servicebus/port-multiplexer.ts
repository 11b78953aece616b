import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { Duplex } from 'node:stream';

const TLS_HANDSHAKE_RECORD = 0x16;

export interface ProtocolHandlers {
  /** Plain AMQP (starts with "AMQP"); the first bytes are back in the socket's read buffer. */
  amqp(socket: Socket): void;
  /** A TLS ClientHello: a stream that replays the first bytes, for `https.Server.emit('connection', ...)`. */
  tls(stream: Duplex): void;
}

export interface MultiplexedServer {
  server: Server;
  /** Destroys every socket still open. */
  destroyAll(): void;
}

/**
 * One TCP port for two protocols, as the emulator connection string implies: the SDK's AMQP client and
 * the admin client's HTTPS both go to the endpoint's port. The first byte tells them apart.
 */
export function createMultiplexedServer(handlers: ProtocolHandlers, onError: (error: Error) => void): MultiplexedServer {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', onError);
    socket.once('data', (first: Buffer) => {
      socket.pause();
      if (first[0] === TLS_HANDSHAKE_RECORD) {
        handlers.tls(replayingStream(socket, first));
      } else {
        socket.unshift(first);
        handlers.amqp(socket);
      }
      socket.resume();
    });
  });
  return {
    server,
    destroyAll() {
      for (const socket of sockets) socket.destroy();
      sockets.clear();
    },
  };
}

/**
 * TLS reads a net.Socket's handle directly, past anything unshifted in JavaScript, so the socket is
 * wrapped in a plain Duplex that starts with the bytes already read.
 */
function replayingStream(socket: Socket, first: Buffer): Duplex {
  const stream = new Duplex({
    read() {
      socket.resume();
    },
    write(chunk: Buffer, _encoding, callback) {
      socket.write(chunk, callback);
    },
    final(callback) {
      socket.end(callback);
    },
    destroy(error, callback) {
      socket.destroy();
      callback(error);
    },
  });
  stream.push(first);
  socket.on('data', (chunk: Buffer) => {
    if (!stream.push(chunk)) socket.pause();
  });
  socket.on('end', () => stream.push(null));
  socket.on('close', () => stream.destroy());
  return stream;
}
