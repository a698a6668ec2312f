// Independent client for NerfEngine's eve-streamer gRPC ingress. Uses npm's @grpc/grpc-js with the wire contract
// loaded by @grpc/proto-loader from proto/eve_streamer.proto, plus Node's own http2 module for a deliberately broken
// frame (grpc-js only sends well-formed messages). Prints progress, then one JSON report as the last line; exits 1
// when any check fails.
//
// Environment: GRPC_TARGET (host:port), GRPC_TOKEN (a valid shipper token), EVENT_COUNT (default 100),
// RUN_ID (prefix of event ids, default "interop").
import http2 from 'node:http2';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';

const here = path.dirname(fileURLToPath(import.meta.url));
const protoFile = path.resolve(here, '..', '..', '..', 'proto', 'eve_streamer.proto');
const target = process.env.GRPC_TARGET;
const token = process.env.GRPC_TOKEN;
const count = Number.parseInt(process.env.EVENT_COUNT ?? '100', 10);
const runId = process.env.RUN_ID ?? 'interop';
const baseMillis = Date.UTC(2026, 0, 1);
// gRPC's compression algorithm numbers in grpc-js channel options: 2 = gzip.
const GZIP = 2;
// How long any one call may take before the script gives up on it.
const CALL_DEADLINE_MS = 20_000;
// The deadline check: a stream left open must end with DEADLINE_EXCEEDED after this long.
const SHORT_DEADLINE_MS = 300;

if (!target || !token) {
  console.error('GRPC_TARGET and GRPC_TOKEN are required');
  process.exit(2);
}

const definition = protoLoader.loadSync(protoFile, { keepCase: true, longs: String, enums: String, defaults: true });
const { EventStreamer } = grpc.loadPackageDefinition(definition).eve_streamer;

function flowEvent(prefix, n) {
  return {
    event_id: `${prefix}-${n}`,
    type: n % 3 === 0 ? 'dns' : 'flow',
    timestamp: String(baseMillis + n),
    entities: [
      { key: 'src_ip', value: `10.1.${Math.floor(n / 250)}.${n % 250}` },
      { key: 'dest_ip', value: '10.2.0.1' },
      { key: 'dest_port', value: String(1000 + n) },
      { key: 'proto', value: 'TCP' },
    ],
  };
}

function metadataWith(bearer) {
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${bearer}`);
  return metadata;
}

// One client-streaming call: writes the events, ends the stream, resolves with { error, summary }.
function streamEvents(client, bearer, events, { deadlineMs = CALL_DEADLINE_MS, keepOpen = false } = {}) {
  return new Promise((resolve) => {
    const call = client.StreamEvents(metadataWith(bearer), { deadline: Date.now() + deadlineMs }, (error, summary) =>
      resolve({ error, summary }));
    for (const event of events) call.write(event);
    if (!keepOpen) call.end();
  });
}

// A raw HTTP/2 call whose body is the given bytes; resolves with the grpc-status and grpc-message the server sent.
function rawCall(bearer, body) {
  return new Promise((resolve, reject) => {
    const session = http2.connect(`http://${target}`);
    session.on('error', reject);
    const request = session.request({
      ':method': 'POST',
      ':path': '/eve_streamer.EventStreamer/StreamEvents',
      'content-type': 'application/grpc',
      te: 'trailers',
      authorization: `Bearer ${bearer}`,
    });
    let status = null;
    let message = null;
    const take = (headers) => {
      if (headers['grpc-status'] !== undefined) {
        status = Number(headers['grpc-status']);
        message = decodeURIComponent(headers['grpc-message'] ?? '');
      }
    };
    request.on('response', take);
    request.on('trailers', take);
    request.on('data', () => {});
    request.on('close', () => {
      session.close();
      resolve({ status, message });
    });
    request.on('error', reject);
    request.end(body);
  });
}

/** "Q queued, D dropped by the queue's filters (…)" from a StreamSummary's message, which carries the queue's answers. */
function queueOutcome(summary) {
  const message = summary?.message ?? '';
  const queued = /queued (\d+)/.exec(message);
  const filters = /(\d+) above the type's baseline, (\d+) low novelty, (\d+) queue full/.exec(message);
  if (!queued) return 'queue outcome not reported';
  if (!filters) return `${queued[1]} queued, 0 dropped by the queue's filters`;
  const [baseline, novelty, full] = filters.slice(1).map(Number);
  return `${queued[1]} queued, ${baseline + novelty + full} dropped by the queue's filters `
    + `(${baseline} above baseline, ${novelty} low novelty, ${full} queue full)`;
}

const checks = [];
function check(name, ok, detail) {
  checks.push({ name, ok: Boolean(ok), detail });
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? `: ${detail}` : ''}`);
}

const plain = new EventStreamer(target, grpc.credentials.createInsecure());
const gzip = new EventStreamer(target, grpc.credentials.createInsecure(), { 'grpc.default_compression_algorithm': GZIP });
try {
  // 1. N events with the right token: every one accepted.
  const events = Array.from({ length: count }, (_, i) => flowEvent(`${runId}-good`, i + 1));
  const good = await streamEvents(plain, token, events);
  check('a good stream is answered OK', !good.error, good.error?.message);
  // Accepted means taken by the live-ingest queue; its filters may still drop events (a re-run's repeats are low
  // novelty), which is not a failure, so the line says how many were queued and how many the filters dropped.
  check(`all ${count} events accepted, ${queueOutcome(good.summary)}`,
    good.summary && Number(good.summary.accepted) === count && Number(good.summary.rejected) === 0, JSON.stringify(good.summary));

  // 2. A wrong token: UNAUTHENTICATED.
  const denied = await streamEvents(plain, `${token}-wrong`, [flowEvent(`${runId}-denied`, 1)]);
  check('a wrong token gets UNAUTHENTICATED', denied.error?.code === grpc.status.UNAUTHENTICATED,
    denied.error ? `${denied.error.code} ${denied.error.details}` : 'no error');

  // 3. An invalid event among valid ones: counted as rejected, with its reason.
  const mixed = [flowEvent(`${runId}-mixed`, 1), { ...flowEvent(`${runId}-mixed`, 2), type: '' }, flowEvent(`${runId}-mixed`, 3)];
  const partial = await streamEvents(plain, token, mixed);
  check('an event without a type is rejected and named', !partial.error && Number(partial.summary?.accepted) === 2
    && Number(partial.summary?.rejected) === 1 && partial.summary.message.includes('type is empty'), JSON.stringify(partial.summary ?? partial.error?.message));

  // 4. gzip-compressed messages (grpc-encoding: gzip, compressed flag 1).
  const compressed = await streamEvents(gzip, token, [flowEvent(`${runId}-gzip`, 1), flowEvent(`${runId}-gzip`, 2)]);
  check('gzip-compressed events are accepted', !compressed.error && Number(compressed.summary?.accepted) === 2,
    JSON.stringify(compressed.summary ?? compressed.error?.message));

  // 5. A stream left open past its deadline: DEADLINE_EXCEEDED.
  const late = await streamEvents(plain, token, [flowEvent(`${runId}-late`, 1)], { deadlineMs: SHORT_DEADLINE_MS, keepOpen: true });
  check('an open stream past its deadline gets DEADLINE_EXCEEDED', late.error?.code === grpc.status.DEADLINE_EXCEEDED,
    late.error ? `${late.error.code} ${late.error.details}` : 'no error');

  // 6. A malformed frame (field 2 declares 100 bytes, one follows), sent raw: INVALID_ARGUMENT.
  const malformed = await rawCall(token, Buffer.from([0, 0, 0, 0, 3, 0x12, 0x64, 0x61]));
  check('a malformed message gets INVALID_ARGUMENT', malformed.status === grpc.status.INVALID_ARGUMENT, JSON.stringify(malformed));

  // 7. A frame cut short by the end of the stream: INTERNAL.
  const truncated = await rawCall(token, Buffer.from([0, 0, 0, 0, 50, 0x0a, 0x01]));
  check('a truncated frame gets INTERNAL', truncated.status === grpc.status.INTERNAL, JSON.stringify(truncated));

  // 8. The server keeps serving after all of that.
  const after = await streamEvents(plain, token, [flowEvent(`${runId}-after`, 1)]);
  check('the server still serves a good stream afterwards', !after.error && Number(after.summary?.accepted) === 1,
    JSON.stringify(after.summary ?? after.error?.message));
} catch (error) {
  check('no unexpected client error', false, error?.stack ?? String(error));
} finally {
  plain.close();
  gzip.close();
}

const ok = checks.every((c) => c.ok);
console.log(JSON.stringify({ ok, events_sent: count, run_id: runId, checks }));
process.exit(ok ? 0 : 1);
