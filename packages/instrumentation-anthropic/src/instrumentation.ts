import { InstrumentationBase, InstrumentationNodeModuleDefinition, type InstrumentationConfig } from '@opentelemetry/instrumentation';
import type { Attributes } from '@opentelemetry/api';
import {
  callObserved,
  isOursWrapped,
  markOurs,
  patchIfAlreadyLoaded,
  setScopeDuplicated,
  InstrumentationSettings,
  type GenAiSettings,
  warnIfForeignWrapped,
  type CallReader,
  type RequestAttributes,
  type StreamAccumulator,
} from '@agentops/instrumentation-utils';
import { messageAttributes, messageStreamAccumulator, requestAttributes } from './attributes.js';

declare const __PACKAGE_VERSION__: string;
export const PACKAGE_NAME = '@agentops/instrumentation-anthropic';
/** The scope of the spans the SDK makes itself (0.13x, with @opentelemetry/api loaded). */
export const ANTHROPIC_SELF_TRACING_SCOPE = 'com.anthropic.sdk.typescript';
const PACKAGE_VERSION = typeof __PACKAGE_VERSION__ === 'string' ? __PACKAGE_VERSION__ : '0.0.0-dev';

/** Options; unset ones come from the environment. */
export interface AnthropicInstrumentationConfig extends InstrumentationConfig {
  /** Record prompts and completions. Default: `AGENTOPS_CAPTURE_CONTENT`, else true. */
  captureContent?: boolean;
}

type Obj = Record<string, unknown>;
type Method = (this: unknown, ...args: unknown[]) => unknown;

/**
 * Instruments `@anthropic-ai/sdk` (0.20 to 1.x): `messages.create` plain and with `stream: true`, and
 * `messages.stream()`, which goes through `create`. One CLIENT span per call (GenAI conventions) with its cost.
 */
export class AnthropicInstrumentation extends InstrumentationBase<AnthropicInstrumentationConfig> {
  private readonly settings = new InstrumentationSettings();

  constructor(config: AnthropicInstrumentationConfig = {}) {
    super(PACKAGE_NAME, PACKAGE_VERSION, config);
    this.settings.configure({ captureContent: config.captureContent });
  }

  override setConfig(config: AnthropicInstrumentationConfig = {}): void {
    super.setConfig(config);
    // Called by the base constructor too, before our fields exist.
    this.settings?.configure({ captureContent: config.captureContent });
  }

  protected init() {
    return [
      new InstrumentationNodeModuleDefinition(
        '@anthropic-ai/sdk',
        ['>=0.20 <2'],
        (exports: unknown) => this.patch(exports),
        (exports: unknown) => this.unpatch(exports),
      ),
    ];
  }

  override enable(): void {
    super.enable();
    patchIfAlreadyLoaded('@anthropic-ai/sdk', (exports) => this.patch(exports));
    setScopeDuplicated(ANTHROPIC_SELF_TRACING_SCOPE, true);
  }

  override disable(): void {
    super.disable();
    setScopeDuplicated(ANTHROPIC_SELF_TRACING_SCOPE, false);
  }

  private messagesPrototype(exports: unknown): Obj | undefined {
    const e = exports as Obj | undefined;
    const Anthropic = (e?.Anthropic ?? (e?.default as Obj | undefined)?.Anthropic ?? e?.default) as Obj | undefined;
    return ((Anthropic?.Messages as { prototype?: Obj } | undefined) ?? (e?.Messages as { prototype?: Obj } | undefined))?.prototype;
  }

  patch(exports: unknown): unknown {
    setScopeDuplicated(ANTHROPIC_SELF_TRACING_SCOPE, true);
    const proto = this.messagesPrototype(exports);
    if (proto && typeof proto.create === 'function' && !isOursWrapped(proto.create)) {
      warnIfForeignWrapped(proto.create, '@anthropic-ai/sdk Messages.create', (m) => this._diag.warn(m));
      this._wrap(proto, 'create', (original: unknown) => this.patchedCreate(original as Method));
    }
    return exports;
  }

  /** Undoes {@link patch} on one build of the module. */
  unpatch(exports: unknown): void {
    const proto = this.messagesPrototype(exports);
    if (proto && isOursWrapped(proto.create)) this._unwrap(proto, 'create');
  }

  private patchedCreate(original: Method): Method {
    const self = this;
    const reader = new MessagesCallReader(() => this.settings.get());
    return markOurs(function create(this: unknown, ...args: unknown[]): unknown {
      const params = args[0] as Obj | undefined;
      if (!params || typeof params !== 'object') return original.apply(this, args);
      return callObserved(self.tracer, reader, self._diag, original, this, args, params);
    });
  }
}

/** Reads `messages.create` calls with the instrumentation's current settings. */
class MessagesCallReader implements CallReader {
  readonly operation = 'chat';

  constructor(private readonly settings: () => GenAiSettings) {}

  requestAttributes(params: Obj, baseURL: unknown): RequestAttributes {
    return requestAttributes(params, baseURL, this.settings());
  }

  responseAttributes(result: unknown): Attributes {
    return messageAttributes(result, this.settings());
  }

  streamAccumulator(): StreamAccumulator<Obj> {
    return messageStreamAccumulator(this.settings());
  }
}
