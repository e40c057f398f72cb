import { SMTPServer } from 'smtp-server';
import { startSendWorker } from '../../jobs/worker.js';
import { enterOrder } from '../../src/services/orders.js';
import { scratch, sleep, type BenchEnv, type Figure } from '../harness.js';

const FREE = ['a.example', 'b.example', 'c.example', 'd.example'];
const THROTTLED = 'throttled.example';

/** An SMTP server that accepts everything but makes throttled.example answer 451 two times in three. */
async function startThrottlingSink() {
  const delivered = new Map<string, number>();
  let seen = 0;
  const server = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS'], disableReverseLookup: true, logger: false, closeTimeout: 200,
    onRcptTo(address, _session, cb) {
      if (address.address.endsWith(`@${THROTTLED}`) && seen++ % 3 !== 0) {
        return cb(Object.assign(new Error('4.7.1 Rate limited, try again later'), { responseCode: 451 }));
      }
      cb();
    },
    onData(stream, session, cb) {
      stream.on('data', () => {});
      stream.on('end', () => {
        const domain = session.envelope.rcptTo[0]?.address.split('@')[1] ?? '';
        delivered.set(domain, (delivered.get(domain) ?? 0) + 1);
        cb();
      });
    },
  });
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  return {
    url: `smtp://127.0.0.1:${port}/?pool=true&maxConnections=5&maxMessages=1000000`,
    count: (domains: string[]) => domains.reduce((n, d) => n + (delivered.get(d) ?? 0), 0),
    reset: () => delivered.clear(),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Sends `perDomain` shipped notices to each domain; resolves with the seconds until the free domains' messages were all accepted. */
async function run(env: BenchEnv, sink: Awaited<ReturnType<typeof startThrottlingSink>>, domains: string[], perDomain: number, tag: string) {
  const s = scratch(env);
  const runtime = s.runtime(s.config({ SMTP_URL: sink.url, POSTSHIP_CONCURRENCY: '50' }));
  const worker = startSendWorker(await runtime.jobDeps(), { connection: await runtime.redis(), concurrency: 50 });
  await worker.waitUntilReady();
  try {
    let i = 0;
    for (let n = 0; n < perDomain; n++) {
      for (const domain of domains) {
        await enterOrder(runtime.orderDeps(), { orderId: `${tag}${i}`, buyer: { name: `Buyer ${i}`, email: `b${i}@${domain}` }, country: 'US', carrier: 'cainiao', trackingNumber: `TN${tag}${i}` });
        i += 1;
      }
    }
    sink.reset();
    const started = performance.now();
    await runtime.promote();
    const free = FREE.length * perDomain;
    while (sink.count(FREE) < free) await sleep(10);
    const seconds = (performance.now() - started) / 1000;
    return { seconds, perSecond: free / seconds, throttledDelivered: sink.count([THROTTLED]) };
  } finally {
    await worker.close();
    await (await runtime.sendQueue()).obliterate({ force: true });
    await runtime.close();
    s.remove();
  }
}

/**
 * Issue 22: 10,000 messages to 5 domains, one answering 451 (rate limited): the other four
 * keep the speed they have when nothing is throttled. The limit is the same
 * four domains' messages sent alone; the figure their rate beside the throttled one.
 */
export async function pacingFigure(env: BenchEnv): Promise<Figure> {
  const perDomain = env.quick ? 200 : 2000;
  const sink = await startThrottlingSink();
  try {
    await run(env, sink, FREE, env.quick ? 50 : 200, 'w'); // warm-up, not measured
    const alone = await run(env, sink, FREE, perDomain, 'f');
    const beside = await run(env, sink, [...FREE, THROTTLED], perDomain, 't');
    return {
      id: 8, name: `pacing: 4 domains beside a throttled 5th (${5 * perDomain} messages)`, unit: 'msg/s', value: beside.perSecond,
      limitName: 'the same 4 domains without the 5th', limit: alone.perSecond, target: '>= 0.8 x limit', pass: beside.perSecond >= 0.8 * alone.perSecond,
      notes: `${FREE.length * perDomain} messages to the 4 free domains in ${beside.seconds.toFixed(1)} s beside ${THROTTLED} (451 4.7.1 two times in three; ${beside.throttledDelivered} of its ${perDomain} delivered by then, the rest deferred, none dropped), ${alone.seconds.toFixed(1)} s alone`,
    };
  } finally {
    await sink.stop();
  }
}
