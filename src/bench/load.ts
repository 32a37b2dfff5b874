/** HTTP load from this process (autocannon), while the platform runs in its own process. */
import autocannon from 'autocannon';

export interface LoadResult {
  requests: number;
  perSecond: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  seconds: number;
}

export function postLoad(o: {
  url: string;
  body: unknown;
  connections: number;
  seconds: number;
}): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: o.url,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(o.body),
        connections: o.connections,
        duration: o.seconds,
      },
      (err, r) => {
        if (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
          return;
        }
        resolve({
          requests: r.requests.total,
          perSecond: r.requests.total / o.seconds,
          p50: r.latency.p50,
          p99: r.latency.p99,
          errors: r.errors,
          non2xx: r.non2xx,
          seconds: o.seconds,
        });
      },
    );
  });
}
