/**
 * Prometheus metrics (text format at GET /metrics on the metrics listener): every gateway's state,
 * window use, TPS limit and counters, the queue by status, the dispatcher and the writer. Values are
 * read when scraped, so nothing is counted twice and the hot paths pay nothing.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { Gateway, GatewayStatus } from '../protocols/gateway.js';
import type { DatabaseHandle } from '../store/connect.js';
import { pendingCounts } from '../store/outbox.js';
import { partCopies } from '../store/part-writes.js';
import type { Dispatcher } from './dispatcher.js';
import type { EventWriter } from './writer.js';

export interface MetricsSources {
  handle: DatabaseHandle;
  /** The gateways in service now (the set changes at run time). */
  router: { readonly gateways: readonly Gateway[] };
  dispatcher: Dispatcher;
  writer: EventWriter;
}

type CounterName = keyof GatewayStatus['counters'];

const GATEWAY_COUNTERS: readonly { key: CounterName; name: string; help: string }[] = [
  { key: 'submitted', name: 'submitted_parts_total', help: '提交的短信段 parts written to the carrier' },
  { key: 'accepted', name: 'accepted_parts_total', help: '运营商接受的段 parts the carrier accepted' },
  { key: 'rejected', name: 'rejected_parts_total', help: '运营商拒绝的段 parts the carrier refused' },
  {
    key: 'retried',
    name: 'retried_parts_total',
    help: '需重试的段 parts answered "not now" (flow control, no link)',
  },
  {
    key: 'unanswered',
    name: 'unanswered_parts_total',
    help: '未获应答的段 parts written but never answered',
  },
  { key: 'reports', name: 'reports_total', help: '收到的状态报告 delivery reports received' },
  { key: 'uplinks', name: 'uplinks_total', help: '收到的上行短信 uplink messages received' },
  { key: 'reconnects', name: 'reconnects_total', help: '重连次数 reconnections' },
  { key: 'errors', name: 'errors_total', help: '错误次数 errors' },
];

export function createMetrics(sources: MetricsSources): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'sms12333_' });
  const labels = ['gateway', 'protocol'] as const;
  const statuses = (): GatewayStatus[] => sources.router.gateways.map((g) => g.status());
  const gauge = (name: string, help: string, value: (s: GatewayStatus) => number): void => {
    new Gauge({
      name: `sms12333_gateway_${name}`,
      help,
      labelNames: labels,
      registers: [registry],
      collect() {
        this.reset();
        for (const s of statuses()) this.set({ gateway: s.id, protocol: s.protocol }, value(s));
      },
    });
  };
  gauge('up', '网关已连通 1 when at least one connection is bound', (s) => (s.bound > 0 ? 1 : 0));
  gauge('bound_connections', '已绑定连接数 bound connections', (s) => s.bound);
  gauge('in_flight', '等待应答的请求 requests awaiting an answer', (s) => s.inFlight);
  gauge('queued', '排队待写的段 parts queued for a window slot', (s) => s.queued);
  gauge('window', '每连接窗口 requests in flight allowed per connection', (s) => s.window);
  gauge('tps_limit', '每秒提交上限 submits per second allowed', (s) => s.tps);
  for (const c of GATEWAY_COUNTERS) {
    new Counter({
      name: `sms12333_gateway_${c.name}`,
      help: c.help,
      labelNames: labels,
      registers: [registry],
      collect() {
        this.reset();
        for (const s of statuses()) this.inc({ gateway: s.id, protocol: s.protocol }, s.counters[c.key]);
      },
    });
  }
  new Gauge({
    name: 'sms12333_messages_pending',
    help: '未结束的短信 messages not yet final, by status',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      const counts = await pendingCounts(sources.handle.db);
      for (const [status, n] of Object.entries(counts)) this.set({ status }, n);
    },
  });
  new Gauge({
    name: 'sms12333_part_copies',
    help: '再次写给运营商的分段 parts written to a carrier again after a write that may have reached the handset, by reason',
    labelNames: ['reason'] as const,
    registers: [registry],
    async collect() {
      const copies = await partCopies(sources.handle.db);
      for (const [reason, n] of Object.entries(copies)) this.set({ reason }, n);
    },
  });
  new Gauge({
    name: 'sms12333_dispatcher_buffered',
    help: '已领取待提交的短信 claimed messages waiting for a gateway',
    registers: [registry],
    collect() {
      this.set(sources.dispatcher.buffered());
    },
  });
  new Counter({
    name: 'sms12333_dispatcher_claimed_total',
    help: '领取的短信 messages claimed',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(sources.dispatcher.counters.claimed);
    },
  });
  new Gauge({
    name: 'sms12333_writer_pending',
    help: '等待写入的事件 events waiting for the next group commit',
    registers: [registry],
    collect() {
      this.set(sources.writer.pending());
    },
  });
  new Counter({
    name: 'sms12333_messages_finished_total',
    help: '结束的短信 messages that reached a final state in this process',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(sources.writer.counters.finished);
    },
  });
  new Counter({
    name: 'sms12333_writer_put_off_total',
    help: '因行被其他会话锁定而推迟的事件 events put off because another session held their rows',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(sources.writer.counters.putOff);
    },
  });
  return registry;
}
