import { createServer, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { postCallback } from '../../../../app/callbacks/callback-post.js';
import type { ResolvedAddress } from '../../../../app/callback-targets/callback-address.js';
import { startCallbackReceiver, type CallbackReceiver } from '../../../support/fakes/callback-receiver.js';

// The POST goes to a receiver on 127.0.0.1 inside this process: the only way to see what reaches the wire.

const LOOPBACK: ResolvedAddress = { address: '127.0.0.1', family: 4 };
const body = Buffer.from('{"id":"run-1","state":"Succeeded","note":"ünïcode"}', 'utf8');

let receiver: CallbackReceiver;

beforeEach(async () => {
  receiver = await startCallbackReceiver();
});
afterEach(() => receiver.close());

describe('postCallback', () => {
  it('POSTs the exact body bytes as JSON with the given headers, and answers the status', async () => {
    receiver.answer = { status: 202 };
    const status = await postCallback(new URL(receiver.url('/hook?sig=abc')), LOOPBACK, body, { 'x-run-id': 'run-1', 'x-signature': 'sha256=00' });
    expect(status).toBe(202);
    const [request] = receiver.received;
    expect(request).toMatchObject({ method: 'POST', url: '/hook?sig=abc' });
    expect(request?.body.equals(body)).toBe(true);
    expect(request?.headers).toMatchObject({
      'content-type': 'application/json',
      'content-length': String(body.length),
      'x-run-id': 'run-1',
      'x-signature': 'sha256=00',
    });
  });

  it('connects to the checked address only: the host name is never resolved again', async () => {
    // .invalid never resolves (RFC 6761): the request can only arrive through the pinned address
    const url = new URL(`http://hooks.invalid:${receiver.port}/hook`);
    expect(await postCallback(url, LOOPBACK, body, {})).toBe(200);
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]?.headers.host).toBe(`hooks.invalid:${receiver.port}`);
  });

  it('does not follow a redirect: the 3xx is the answer', async () => {
    receiver.answer = { status: 302, location: receiver.url('/elsewhere') };
    expect(await postCallback(new URL(receiver.url()), LOOPBACK, body, {})).toBe(302);
    expect(receiver.received.map((r) => r.url)).toEqual(['/hook']);
  });

  it('answers 4xx and 5xx statuses as they are', async () => {
    for (const status of [410, 500]) {
      receiver.answer = { status };
      expect(await postCallback(new URL(receiver.url()), LOOPBACK, body, {})).toBe(status);
    }
  });

  it('answers 0 when the connection is reset before any answer', async () => {
    receiver.answer = 'reset';
    expect(await postCallback(new URL(receiver.url()), LOOPBACK, body, {})).toBe(0);
    expect(receiver.received).toHaveLength(1);
  });

  it('answers 0 when the receiver accepts the connection and never answers, once the attempt’s timeout passes', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    try {
      // the receiver holds the connection and never writes: only the attempt's timeout can end it
      expect(await postCallback(new URL(`http://hooks.invalid:${port}/hook`), LOOPBACK, body, {}, 300)).toBe(0);
      expect(sockets).toHaveLength(1);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('answers 0 when the connection is refused', async () => {
    const closed = receiver.url();
    await receiver.close();
    const status = await postCallback(new URL(closed), LOOPBACK, body, {});
    receiver = await startCallbackReceiver();
    expect(status).toBe(0);
  });

  it('speaks TLS to an https URL: a plain-HTTP listener gets no request, and the attempt answers 0', async () => {
    expect(await postCallback(new URL(`https://hooks.invalid:${receiver.port}/hook`), LOOPBACK, body, {})).toBe(0);
    expect(receiver.received).toHaveLength(0);
  });
});
