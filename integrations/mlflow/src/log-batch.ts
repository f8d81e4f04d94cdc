/**
 * What a step logged and has not been sent yet, cut into `runs/log-batch` requests within MLflow's
 * limits: at most 100 params, 1,000 metrics and 100 tags, 1,000 items in all, per request.
 */
export interface LoggedMetric {
  key: string;
  value: number;
  timestamp: number;
  step: number;
}

export interface BatchRequest {
  params: { key: string; value: string }[];
  metrics: LoggedMetric[];
  tags: { key: string; value: string }[];
}

export const LIMITS = { params: 100, metrics: 1000, tags: 100, total: 1000 } as const;

export class PendingLog {
  params: { key: string; value: string }[] = [];
  metrics: LoggedMetric[] = [];
  tags: { key: string; value: string }[] = [];

  get size(): number {
    return this.params.length + this.metrics.length + this.tags.length;
  }

  /** True when at least one full request is waiting (flush early to bound memory). */
  get full(): boolean {
    return this.metrics.length >= LIMITS.metrics || this.params.length >= LIMITS.params || this.tags.length >= LIMITS.tags;
  }

  /** Empties this log into requests, in logging order per kind. */
  drain(): BatchRequest[] {
    const requests: BatchRequest[] = [];
    while (this.size > 0) {
      const params = this.params.splice(0, LIMITS.params);
      const tags = this.tags.splice(0, Math.min(LIMITS.tags, LIMITS.total - params.length));
      const metrics = this.metrics.splice(0, Math.min(LIMITS.metrics, LIMITS.total - params.length - tags.length));
      requests.push({ params, metrics, tags });
    }
    return requests;
  }
}
