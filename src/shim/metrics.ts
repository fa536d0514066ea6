// Prometheus text metrics: requests by route and status, bytes each way, upstream latency.
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export class ShimMetrics {
  private readonly requests = new Map<string, number>();
  private readonly bytesIn = new Map<string, number>();
  private readonly bytesOut = new Map<string, number>();
  private readonly latency = new Map<string, { buckets: number[]; sum: number; count: number }>();
  inFlight = 0;

  record(route: string, status: number, bytesIn: number, bytesOut: number, seconds: number | null): void {
    const key = `${route}\0${status}`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    this.bytesIn.set(route, (this.bytesIn.get(route) ?? 0) + bytesIn);
    this.bytesOut.set(route, (this.bytesOut.get(route) ?? 0) + bytesOut);
    if (seconds === null) return;
    let h = this.latency.get(route);
    if (!h) this.latency.set(route, (h = { buckets: BUCKETS.map(() => 0), sum: 0, count: 0 }));
    BUCKETS.forEach((b, i) => {
      if (seconds <= b) h!.buckets[i]!++;
    });
    h.sum += seconds;
    h.count++;
  }

  render(): string {
    const esc = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
    const lines = [
      '# HELP gatehouse_shim_requests_total Requests by route and status.',
      '# TYPE gatehouse_shim_requests_total counter',
    ];
    for (const [key, n] of this.requests) {
      const [route, status] = key.split('\0');
      lines.push(`gatehouse_shim_requests_total{route="${esc(route!)}",status="${status}"} ${n}`);
    }
    lines.push('# HELP gatehouse_shim_bytes_total Body bytes by route and direction.', '# TYPE gatehouse_shim_bytes_total counter');
    for (const [route, n] of this.bytesIn) lines.push(`gatehouse_shim_bytes_total{route="${esc(route)}",direction="in"} ${n}`);
    for (const [route, n] of this.bytesOut) lines.push(`gatehouse_shim_bytes_total{route="${esc(route)}",direction="out"} ${n}`);
    lines.push('# HELP gatehouse_shim_upstream_latency_seconds Time to the upstream response headers.', '# TYPE gatehouse_shim_upstream_latency_seconds histogram');
    for (const [route, h] of this.latency) {
      BUCKETS.forEach((b, i) => lines.push(`gatehouse_shim_upstream_latency_seconds_bucket{route="${esc(route)}",le="${b}"} ${h.buckets[i]}`));
      lines.push(`gatehouse_shim_upstream_latency_seconds_bucket{route="${esc(route)}",le="+Inf"} ${h.count}`);
      lines.push(`gatehouse_shim_upstream_latency_seconds_sum{route="${esc(route)}"} ${h.sum}`);
      lines.push(`gatehouse_shim_upstream_latency_seconds_count{route="${esc(route)}"} ${h.count}`);
    }
    lines.push('# HELP gatehouse_shim_in_flight Requests being served.', '# TYPE gatehouse_shim_in_flight gauge', `gatehouse_shim_in_flight ${this.inFlight}`);
    return `${lines.join('\n')}\n`;
  }
}
