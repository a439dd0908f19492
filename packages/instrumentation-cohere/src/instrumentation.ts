import { InstrumentationBase, InstrumentationNodeModuleDefinition, type InstrumentationConfig } from '@opentelemetry/instrumentation';
import {
  callWithPromise,
  InstrumentationSettings,
  isOursWrapped,
  markOurs,
  observeIterableInPlace,
  patchIfAlreadyLoaded,
  warnIfForeignWrapped,
} from '@agentops/instrumentation-utils';
import { CohereStreamAccumulator, OPERATION, requestAttributes, responseAttributes, type CohereCallKind } from './attributes.js';

declare const __PACKAGE_VERSION__: string;
export const PACKAGE_NAME = '@agentops/instrumentation-cohere';
const PACKAGE_VERSION = typeof __PACKAGE_VERSION__ === 'string' ? __PACKAGE_VERSION__ : '0.0.0-dev';

/** Options; unset ones come from the AgentOps configuration, else the environment. */
export interface CohereInstrumentationConfig extends InstrumentationConfig {
  /** Record prompts and completions. Default: `AGENTOPS_CAPTURE_CONTENT`, else true. */
  captureContent?: boolean;
}

type Obj = Record<string, unknown>;
type Method = (this: unknown, ...args: unknown[]) => unknown;

/**
 * The V2 client's methods that make the request; the public ones (`chat`, `chatStream`, `embed`, `rerank`) wrap
 * them in the SDK's `HttpResponsePromise`, which stays as it is (`withRawResponse()`...).
 */
const TARGETS: Array<{ method: string; kind: CohereCallKind }> = [
  { method: '__chat', kind: 'chat' },
  { method: '__chatStream', kind: 'chatStream' },
  { method: '__embed', kind: 'embed' },
  { method: '__rerank', kind: 'rerank' },
];

/**
 * Instruments `cohere-ai` (7.x and 8.x), API v2 (`CohereClientV2`): `chat`, `chatStream`, `embed` and `rerank`.
 * One CLIENT span per call (GenAI conventions) with the billed tokens and their cost. A stream stays the SDK's
 * `Stream`, read as the app reads it; its span ends exactly once.
 */
export class CohereInstrumentation extends InstrumentationBase<CohereInstrumentationConfig> {
  private readonly settings = new InstrumentationSettings();

  constructor(config: CohereInstrumentationConfig = {}) {
    super(PACKAGE_NAME, PACKAGE_VERSION, config);
    this.settings.configure({ captureContent: config.captureContent });
  }

  override setConfig(config: CohereInstrumentationConfig = {}): void {
    super.setConfig(config);
    this.settings?.configure({ captureContent: config.captureContent });
  }

  protected init() {
    return [
      new InstrumentationNodeModuleDefinition(
        'cohere-ai',
        ['>=7 <9'],
        (exports: unknown) => this.patch(exports),
        (exports: unknown) => this.unpatch(exports),
      ),
    ];
  }

  override enable(): void {
    super.enable();
    patchIfAlreadyLoaded('cohere-ai', (exports) => this.patch(exports));
  }

  /** The V2 client's class is not exported: its prototype is reached through a client that sends nothing. */
  private v2Prototype(exports: unknown): Obj | undefined {
    const V2 = ((exports as Obj | undefined)?.CohereClientV2 ?? ((exports as Obj | undefined)?.default as Obj | undefined)?.CohereClientV2) as (new (o: Obj) => Obj) | undefined;
    if (typeof V2 !== 'function') return undefined;
    try {
      const inner = new V2({ token: 'agentops-probe' }).clientV2;
      return inner && typeof inner === 'object' ? (Object.getPrototypeOf(inner) as Obj) : undefined;
    } catch {
      return undefined;
    }
  }

  patch(exports: unknown): unknown {
    const proto = this.v2Prototype(exports);
    if (!proto) return exports;
    for (const { method, kind } of TARGETS) {
      if (typeof proto[method] !== 'function' || isOursWrapped(proto[method])) continue;
      warnIfForeignWrapped(proto[method], `cohere-ai V2Client.${method}`, (m) => this._diag.warn(m));
      this._wrap(proto, method, (original: unknown) => this.patched(kind, original as Method));
    }
    return exports;
  }

  unpatch(exports: unknown): void {
    const proto = this.v2Prototype(exports);
    if (!proto) return;
    for (const { method } of TARGETS) if (isOursWrapped(proto[method])) this._unwrap(proto, method);
  }

  private patched(kind: CohereCallKind, original: Method): Method {
    const self = this;
    return markOurs(function (this: unknown, ...args: unknown[]): unknown {
      const params = args[0] as Obj | undefined;
      if (!params || typeof params !== 'object') return original.apply(this, args);
      const settings = self.settings.get();
      const o = ((this as { _options?: Obj } | undefined)?._options ?? {}) as Obj;
      const base = typeof o.baseUrl === 'string' ? o.baseUrl : typeof o.environment === 'string' ? o.environment : undefined;
      return callWithPromise<{ data?: unknown } | undefined>(
        self.tracer,
        self._diag,
        OPERATION[kind],
        () => requestAttributes(kind, params, base, settings),
        () => original.apply(this, args),
        (value, call) => {
          const data = value?.data;
          if (kind === 'chatStream' && data && typeof (data as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
            observeIterableInPlace(data as AsyncIterable<Obj>, call, new CohereStreamAccumulator(settings));
            return value;
          }
          call.end(responseAttributes(kind, data, settings));
          return value;
        },
      );
    });
  }
}
