/** One figure a benchmark reports. Ratios are measured against a baseline run in the same process. */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  /** The goal, e.g. '<= 10 s'. */
  goal?: string;
  /** Did the figure meet the goal? Undefined when there is no goal. */
  ok?: boolean;
  note?: string;
}

export type Bench = () => Promise<BenchResult[]>;

export async function timeIt<T>(fn: () => T | Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = process.hrtime.bigint();
  const value = await fn();
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, value };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
