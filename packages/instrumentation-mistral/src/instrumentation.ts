import { InstrumentationBase, InstrumentationNodeModuleDefinition, type InstrumentationConfig } from '@opentelemetry/instrumentation';
import {
  callWithPromise,
  InstrumentationSettings,
  isOursWrapped,
  markOurs,
  observeReadableStream,
  patchIfAlreadyLoaded,
  warnIfForeignWrapped,
} from '@agentops/instrumentation-utils';
import { MistralStreamAccumulator, OPERATION, requestAttributes, responseAttributes, type MistralCallKind } from './attributes.js';

declare const __PACKAGE_VERSION__: string;
export const PACKAGE_NAME = '@agentops/instrumentation-mistral';
const PACKAGE_VERSION = typeof __PACKAGE_VERSION__ === 'string' ? __PACKAGE_VERSION__ : '0.0.0-dev';

/** Options; unset ones come from the AgentOps configuration, else the environment. */
export interface MistralInstrumentationConfig extends InstrumentationConfig {
  /** Record prompts and completions. Default: `AGENTOPS_CAPTURE_CONTENT`, else true. */
  captureContent?: boolean;
}

type Obj = Record<string, unknown>;
type Method = (this: unknown, ...args: unknown[]) => unknown;

/** The SDK's resources (reached as `client.chat`...) and their methods that make one request each. */
const TARGETS: Array<{ resource: 'chat' | 'fim' | 'embeddings'; method: string; kind: MistralCallKind }> = [
  { resource: 'chat', method: 'complete', kind: 'chat' },
  { resource: 'chat', method: 'stream', kind: 'chatStream' },
  { resource: 'chat', method: 'parse', kind: 'chat' },
  { resource: 'chat', method: 'parseStream', kind: 'chatStream' },
  { resource: 'fim', method: 'complete', kind: 'fim' },
  { resource: 'fim', method: 'stream', kind: 'fimStream' },
  { resource: 'embeddings', method: 'create', kind: 'embeddings' },
];

/**
 * Instruments `@mistralai/mistralai` (1.x and 2.x): `chat.complete`, `chat.stream`, `chat.parse`,
 * `chat.parseStream`, `fim.complete`, `fim.stream` and `embeddings.create`. One CLIENT span per call (GenAI
 * conventions) with its cost. A stream stays an `EventStream` (a `ReadableStream`), read as the app reads it.
 */
export class MistralInstrumentation extends InstrumentationBase<MistralInstrumentationConfig> {
  private readonly settings = new InstrumentationSettings();

  constructor(config: MistralInstrumentationConfig = {}) {
    super(PACKAGE_NAME, PACKAGE_VERSION, config);
    this.settings.configure({ captureContent: config.captureContent });
  }

  override setConfig(config: MistralInstrumentationConfig = {}): void {
    super.setConfig(config);
    this.settings?.configure({ captureContent: config.captureContent });
  }

  protected init() {
    return [
      new InstrumentationNodeModuleDefinition(
        '@mistralai/mistralai',
        ['>=1 <3'],
        (exports: unknown) => this.patch(exports),
        (exports: unknown) => this.unpatch(exports),
      ),
    ];
  }

  override enable(): void {
    super.enable();
    patchIfAlreadyLoaded('@mistralai/mistralai', (exports) => this.patch(exports));
  }

  /** The resources' classes are not exported: their prototypes are reached through a client that sends nothing. */
  private prototypes(exports: unknown): Partial<Record<'chat' | 'fim' | 'embeddings', Obj>> {
    const Mistral = ((exports as Obj | undefined)?.Mistral ?? ((exports as Obj | undefined)?.default as Obj | undefined)?.Mistral) as (new (o: Obj) => Obj) | undefined;
    if (typeof Mistral !== 'function') return {};
    let probe: Obj;
    try {
      probe = new Mistral({ apiKey: 'agentops-probe' });
    } catch {
      // a version whose client cannot be made this way is left unpatched, never broken
      return {};
    }
    const protoOf = (r: string) => {
      try {
        const resource = probe[r];
        return resource && typeof resource === 'object' ? (Object.getPrototypeOf(resource) as Obj) : undefined;
      } catch {
        return undefined;
      }
    };
    return { chat: protoOf('chat'), fim: protoOf('fim'), embeddings: protoOf('embeddings') };
  }

  patch(exports: unknown): unknown {
    const protos = this.prototypes(exports);
    for (const { resource, method, kind } of TARGETS) {
      const proto = protos[resource];
      if (!proto || typeof proto[method] !== 'function' || isOursWrapped(proto[method])) continue;
      warnIfForeignWrapped(proto[method], `@mistralai/mistralai ${resource}.${method}`, (m) => this._diag.warn(m));
      this._wrap(proto, method, (original: unknown) => this.patched(kind, original as Method));
    }
    return exports;
  }

  unpatch(exports: unknown): void {
    const protos = this.prototypes(exports);
    for (const { resource, method } of TARGETS) {
      const proto = protos[resource];
      if (proto && isOursWrapped(proto[method])) this._unwrap(proto, method);
    }
  }

  private patched(kind: MistralCallKind, original: Method): Method {
    const self = this;
    const streamed = kind === 'chatStream' || kind === 'fimStream';
    return markOurs(function (this: unknown, ...args: unknown[]): unknown {
      const params = args[0] as Obj | undefined;
      if (!params || typeof params !== 'object') return original.apply(this, args);
      const settings = self.settings.get();
      const base = (this as { _baseURL?: { href?: string } | string } | undefined)?._baseURL;
      return callWithPromise<unknown>(
        self.tracer,
        self._diag,
        OPERATION[kind],
        () => requestAttributes(kind, params, typeof base === 'string' ? base : base?.href, settings),
        () => original.apply(this, args),
        (value, call) => {
          if (streamed && value instanceof ReadableStream) return observeReadableStream(value as ReadableStream<Obj>, call, new MistralStreamAccumulator(kind, settings));
          call.end(responseAttributes(kind, value, settings));
          return value;
        },
      );
    });
  }
}
