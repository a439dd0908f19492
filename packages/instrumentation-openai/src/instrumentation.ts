import { InstrumentationBase, InstrumentationNodeModuleDefinition, type InstrumentationConfig } from '@opentelemetry/instrumentation';
import type { Attributes } from '@opentelemetry/api';
import {
  callObserved,
  isOursWrapped,
  markOurs,
  patchIfAlreadyLoaded,
  InstrumentationSettings,
  type GenAiSettings,
  warnIfForeignWrapped,
  type CallReader,
  type RequestAttributes,
} from '@agentops/instrumentation-utils';
import { OPERATION, requestAttributes, type OpenAiCallKind } from './request.js';
import { ChatStreamAccumulator, responseAttributes, ResponsesStreamAccumulator } from './response.js';

declare const __PACKAGE_VERSION__: string;
export const PACKAGE_NAME = '@agentops/instrumentation-openai';
const PACKAGE_VERSION = typeof __PACKAGE_VERSION__ === 'string' ? __PACKAGE_VERSION__ : '0.0.0-dev';

/** Options; unset ones come from the environment (see `settingsFromEnv`). */
export interface OpenAIInstrumentationConfig extends InstrumentationConfig {
  /** Record prompts and completions. Default: `AGENTOPS_CAPTURE_CONTENT`, else true. */
  captureContent?: boolean;
  /** Add `stream_options.include_usage` to streamed chat calls. Default: `AGENTOPS_STREAM_USAGE`, else false. */
  streamUsage?: boolean;
}

type Obj = Record<string, unknown>;
type Method = (this: unknown, ...args: unknown[]) => unknown;

/** The methods patched, by where they live on the `OpenAI` class. */
const TARGETS: Array<{ kind: OpenAiCallKind; path: string[] }> = [
  { kind: 'chat', path: ['Chat', 'Completions'] },
  { kind: 'responses', path: ['Responses'] },
  { kind: 'embeddings', path: ['Embeddings'] },
  { kind: 'completions', path: ['Completions'] },
];

function prototypeAt(root: unknown, path: string[]): Obj | undefined {
  let cur = root as Obj | undefined;
  for (const p of path) cur = cur?.[p] as Obj | undefined;
  return (cur as { prototype?: Obj } | undefined)?.prototype;
}

/**
 * Instruments the `openai` client (4.x to 7.x; CommonJS and ESM builds alike): chat completions (plain,
 * streamed, tools, `parse`), the Responses API (plain and streamed), embeddings and legacy completions. Each
 * call is one CLIENT span following the GenAI semantic conventions, with its cost. The client behaves as it
 * would without us.
 */
export class OpenAIInstrumentation extends InstrumentationBase<OpenAIInstrumentationConfig> {
  private readonly settings = new InstrumentationSettings();

  constructor(config: OpenAIInstrumentationConfig = {}) {
    super(PACKAGE_NAME, PACKAGE_VERSION, config);
    this.settings.configure({ captureContent: config.captureContent, streamUsage: config.streamUsage });
  }

  override setConfig(config: OpenAIInstrumentationConfig = {}): void {
    super.setConfig(config);
    // Called by the base constructor too, before our fields exist.
    this.settings?.configure({ captureContent: config.captureContent, streamUsage: config.streamUsage });
  }

  protected init() {
    return [
      new InstrumentationNodeModuleDefinition(
        'openai',
        ['>=4 <8'],
        (exports: unknown) => this.patch(exports),
        (exports: unknown) => this.unpatch(exports),
      ),
    ];
  }

  override enable(): void {
    super.enable();
    patchIfAlreadyLoaded('openai', (exports) => this.patch(exports));
  }

  private openAiClass(exports: unknown): unknown {
    const e = exports as Obj | undefined;
    return e?.OpenAI ?? (e?.default as Obj | undefined)?.OpenAI ?? e?.default;
  }

  /** Patches one build of the module; a prototype already patched by us is left alone. */
  patch(exports: unknown): unknown {
    const OpenAI = this.openAiClass(exports);
    for (const { kind, path } of TARGETS) {
      const proto = prototypeAt(OpenAI, path);
      if (!proto || typeof proto.create !== 'function' || isOursWrapped(proto.create)) continue;
      warnIfForeignWrapped(proto.create, `openai ${path.join('.')}.create`, (m) => this._diag.warn(m));
      this._wrap(proto, 'create', (original: unknown) => this.patchedCreate(kind, original as Method));
    }
    return exports;
  }

  /** Undoes {@link patch} on one build of the module. */
  unpatch(exports: unknown): void {
    const OpenAI = this.openAiClass(exports);
    for (const { path } of TARGETS) {
      const proto = prototypeAt(OpenAI, path);
      if (proto && isOursWrapped(proto.create)) this._unwrap(proto, 'create');
    }
  }

  private patchedCreate(kind: OpenAiCallKind, original: Method): Method {
    const self = this;
    const reader = new OpenAiCallReader(kind, () => this.settings.get());
    return markOurs(function create(this: unknown, ...args: unknown[]): unknown {
      const params = args[0] as Obj | undefined;
      if (!params || typeof params !== 'object') return original.apply(this, args);
      let callArgs = args;
      if (self.settings.get().streamUsage && kind === 'chat' && params.stream === true && !(params.stream_options as Obj | undefined)?.include_usage) {
        // Documented opt-in (AGENTOPS_STREAM_USAGE): a copy of the request asks for the usage chunk.
        callArgs = [{ ...params, stream_options: { ...(params.stream_options as Obj | undefined), include_usage: true } }, ...args.slice(1)];
      }
      return callObserved(self.tracer, reader, self._diag, original, this, callArgs, params);
    });
  }
}

/** Reads one kind of OpenAI call; one per patched method, with the instrumentation's current settings. */
class OpenAiCallReader implements CallReader {
  readonly operation: string;

  constructor(
    private readonly kind: OpenAiCallKind,
    private readonly settings: () => GenAiSettings,
  ) {
    this.operation = OPERATION[kind];
  }

  requestAttributes(params: Obj, baseURL: unknown): RequestAttributes {
    return requestAttributes(this.kind, params, baseURL, this.settings());
  }

  responseAttributes(result: unknown): Attributes {
    return responseAttributes(this.kind, result, this.settings());
  }

  streamAccumulator(): ChatStreamAccumulator | ResponsesStreamAccumulator {
    return this.kind === 'responses' ? new ResponsesStreamAccumulator(this.settings()) : new ChatStreamAccumulator(this.settings());
  }
}
