import { InstrumentationBase, InstrumentationNodeModuleDefinition, type InstrumentationConfig } from '@opentelemetry/instrumentation';
import {
  callWithPromise,
  InstrumentationSettings,
  isOursWrapped,
  markOurs,
  observeAsyncIterable,
  patchIfAlreadyLoaded,
  warnIfForeignWrapped,
} from '@agentops/instrumentation-utils';
import { GeminiStreamAccumulator, OPERATION, requestAttributes, responseAttributes, type GoogleCallKind } from './attributes.js';

declare const __PACKAGE_VERSION__: string;
export const PACKAGE_NAME = '@agentops/instrumentation-google-genai';
const PACKAGE_VERSION = typeof __PACKAGE_VERSION__ === 'string' ? __PACKAGE_VERSION__ : '0.0.0-dev';

/** Options; unset ones come from the AgentOps configuration, else the environment. */
export interface GoogleGenAIInstrumentationConfig extends InstrumentationConfig {
  /** Record prompts and completions. Default: `AGENTOPS_CAPTURE_CONTENT`, else true. */
  captureContent?: boolean;
}

type Obj = Record<string, unknown>;
type Method = (this: unknown, ...args: unknown[]) => unknown;
interface ApiClient {
  isVertexAI?: () => boolean;
  getBaseUrl?: () => string;
}

/**
 * The `Models` methods that make the requests. `models.generateContent` / `generateContentStream` /
 * `embedContent`, and the chats' `sendMessage` / `sendMessageStream` (which call the models), all go through them;
 * a call that loops (automatic function calling) makes one request, and one span, per turn.
 */
const TARGETS: Array<{ kind: GoogleCallKind; method: string }> = [
  { kind: 'generate', method: 'generateContentInternal' },
  { kind: 'stream', method: 'generateContentStreamInternal' },
  { kind: 'embed', method: 'embedContentInternal' },
];

/**
 * Instruments `@google/genai` (1.x to 3.x; Gemini API and Vertex AI; CommonJS and ESM builds): content generation
 * plain and streamed, chats, embeddings. One CLIENT span per request (GenAI conventions) with its cost; input
 * tokens include the cached part, output tokens the thoughts. The client behaves as it would without us.
 */
export class GoogleGenAIInstrumentation extends InstrumentationBase<GoogleGenAIInstrumentationConfig> {
  private readonly settings = new InstrumentationSettings();

  constructor(config: GoogleGenAIInstrumentationConfig = {}) {
    super(PACKAGE_NAME, PACKAGE_VERSION, config);
    this.settings.configure({ captureContent: config.captureContent });
  }

  override setConfig(config: GoogleGenAIInstrumentationConfig = {}): void {
    super.setConfig(config);
    this.settings?.configure({ captureContent: config.captureContent });
  }

  protected init() {
    return [
      new InstrumentationNodeModuleDefinition(
        '@google/genai',
        ['>=1 <4'],
        (exports: unknown) => this.patch(exports),
        (exports: unknown) => this.unpatch(exports),
      ),
    ];
  }

  override enable(): void {
    super.enable();
    patchIfAlreadyLoaded('@google/genai', (exports) => this.patch(exports));
  }

  private modelsPrototype(exports: unknown): Obj | undefined {
    return ((exports as Obj | undefined)?.Models as { prototype?: Obj } | undefined)?.prototype;
  }

  patch(exports: unknown): unknown {
    const proto = this.modelsPrototype(exports);
    if (!proto) return exports;
    for (const { kind, method } of TARGETS) {
      if (typeof proto[method] !== 'function' || isOursWrapped(proto[method])) continue;
      warnIfForeignWrapped(proto[method], `@google/genai Models.${method}`, (m) => this._diag.warn(m));
      this._wrap(proto, method, (original: unknown) => this.patched(kind, original as Method));
    }
    return exports;
  }

  unpatch(exports: unknown): void {
    const proto = this.modelsPrototype(exports);
    if (!proto) return;
    for (const { method } of TARGETS) if (isOursWrapped(proto[method])) this._unwrap(proto, method);
  }

  private patched(kind: GoogleCallKind, original: Method): Method {
    const self = this;
    return markOurs(function (this: unknown, ...args: unknown[]): unknown {
      const params = args[0] as Obj | undefined;
      if (!params || typeof params !== 'object') return original.apply(this, args);
      const settings = self.settings.get();
      const api = (this as { apiClient?: ApiClient } | undefined)?.apiClient;
      return callWithPromise<unknown>(
        self.tracer,
        self._diag,
        OPERATION[kind],
        () => requestAttributes(kind, params, api?.isVertexAI?.() === true, api?.getBaseUrl?.(), settings),
        () => original.apply(this, args),
        (value, call) => {
          if (kind === 'stream' && value && typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
            return observeAsyncIterable(value as AsyncIterable<Obj>, call, new GeminiStreamAccumulator(settings));
          }
          call.end(responseAttributes(kind, value, settings));
          return value;
        },
      );
    });
  }
}
