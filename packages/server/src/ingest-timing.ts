import { performance } from 'node:perf_hooks';

/**
 * The parts of an ingest request's time, summed over every ingest request (`create_events`, OTLP `/v1/traces`) and
 * reported at `/v2/server/metrics`: where the server's share of the export pipeline goes.
 */
export interface IngestPhases {
  /** Credentials checked from the headers (a key lookup, or a JWT and its key's hash). */
  auth_ms: number;
  /** The body read from the socket and, for REST, parsed as JSON. */
  receive_ms: number;
  /** OTLP only: protobuf or JSON decoded (gunzipped first) and converted to the event model, in the decoder process. */
  decode_ms: number;
  /** The body's schema and the documented bounds (`checkBatch`), and the session's ownership. */
  validate_ms: number;
  /** The store's one transaction: events, session totals, day rows, search words. */
  store_ms: number;
  /** The rest: routing, the answer's serialisation and sending. */
  other_ms: number;
}

const PHASES = ['auth_ms', 'receive_ms', 'decode_ms', 'validate_ms', 'store_ms'] as const;
type Phase = (typeof PHASES)[number];

/** Per-request marks, kept on the request object (a fixed shape, no allocation per phase). */
export interface IngestMarks {
  start: number;
  last: number;
  phases: Record<Phase, number>;
}

/** Sums of the phases of all ingest requests; cheap enough to stay on (a few `performance.now()` per request). */
export class IngestTimings {
  private readonly sums: Record<Phase | 'total', number> = { auth_ms: 0, receive_ms: 0, decode_ms: 0, validate_ms: 0, store_ms: 0, total: 0 };
  private requests = 0;

  /** Starts a request's marks. */
  begin(): IngestMarks {
    const now = performance.now();
    return { start: now, last: now, phases: { auth_ms: 0, receive_ms: 0, decode_ms: 0, validate_ms: 0, store_ms: 0 } };
  }

  /** The time since the previous mark goes to `phase`. */
  mark(marks: IngestMarks | undefined, phase: Phase): void {
    if (!marks) return;
    const now = performance.now();
    marks.phases[phase] += now - marks.last;
    marks.last = now;
  }

  /** Times `work` (awaited) into `phase`, whatever happened since the last mark is left out of it. */
  async time<T>(marks: IngestMarks | undefined, phase: Phase, work: () => T | Promise<T>): Promise<T> {
    if (marks) marks.last = performance.now();
    try {
      return await work();
    } finally {
      this.mark(marks, phase);
    }
  }

  /** Adds a finished request. */
  end(marks: IngestMarks | undefined): void {
    if (!marks) return;
    this.requests++;
    for (const p of PHASES) this.sums[p] += marks.phases[p];
    this.sums.total += performance.now() - marks.start;
  }

  /** Totals in ms since start (rounded to 0.01 ms). */
  report(): { requests: number; total_ms: number; phases: IngestPhases } {
    const r = (n: number) => Math.round(n * 100) / 100;
    const phases = Object.fromEntries(PHASES.map((p) => [p, r(this.sums[p])])) as Omit<IngestPhases, 'other_ms'>;
    const known = PHASES.reduce((n, p) => n + this.sums[p], 0);
    return { requests: this.requests, total_ms: r(this.sums.total), phases: { ...phases, other_ms: r(Math.max(0, this.sums.total - known)) } };
  }
}
