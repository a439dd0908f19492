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
import { BedrockStreamAccumulator, COMMANDS, familyOf, requestAttributes, responseAttributes, type BedrockCallKind } from './attributes.js';

declare const __PACKAGE_VERSION__: string;
export const PACKAGE_NAME = '@agentops/instrumentation-bedrock';
const PACKAGE_VERSION = typeof __PACKAGE_VERSION__ === 'string' ? __PACKAGE_VERSION__ : '0.0.0-dev';

/** Options; unset ones come from the AgentOps configuration, else the environment. */
export interface BedrockInstrumentationConfig extends InstrumentationConfig {
  /** Record prompts and completions. Default: `AGENTOPS_CAPTURE_CONTENT`, else true. */
  captureContent?: boolean;
}

type Obj = Record<string, unknown>;
type Send = (this: unknown, command: unknown, ...rest: unknown[]) => unknown;

const OPERATION: Record<BedrockCallKind, string> = { converse: 'chat', converseStream: 'chat', invoke: 'chat', invokeStream: 'chat' };

/**
 * Instruments `@aws-sdk/client-bedrock-runtime` through `client.send`: `ConverseCommand`, `ConverseStreamCommand`,
 * `InvokeModelCommand` and `InvokeModelWithResponseStreamCommand` (Anthropic, Amazon Nova and Titan, Meta, Mistral
 * and Cohere bodies). One CLIENT span per command (GenAI conventions) with its cost; cache tokens counted once. The
 * output, its body and its event stream stay as they are. Other commands pass untouched.
 */
export class BedrockInstrumentation extends InstrumentationBase<BedrockInstrumentationConfig> {
  private readonly settings = new InstrumentationSettings();

  constructor(config: BedrockInstrumentationConfig = {}) {
    super(PACKAGE_NAME, PACKAGE_VERSION, config);
    this.settings.configure({ captureContent: config.captureContent });
  }

  override setConfig(config: BedrockInstrumentationConfig = {}): void {
    super.setConfig(config);
    this.settings?.configure({ captureContent: config.captureContent });
  }

  protected init() {
    return [
      new InstrumentationNodeModuleDefinition(
        '@aws-sdk/client-bedrock-runtime',
        ['>=3 <4'],
        (exports: unknown) => this.patch(exports),
        (exports: unknown) => this.unpatch(exports),
      ),
    ];
  }

  override enable(): void {
    super.enable();
    patchIfAlreadyLoaded('@aws-sdk/client-bedrock-runtime', (exports) => this.patch(exports));
  }

  private clientPrototype(exports: unknown): Obj | undefined {
    return ((exports as Obj | undefined)?.BedrockRuntimeClient as { prototype?: Obj } | undefined)?.prototype;
  }

  patch(exports: unknown): unknown {
    const proto = this.clientPrototype(exports);
    if (!proto || typeof proto.send !== 'function' || isOursWrapped(proto.send)) return exports;
    warnIfForeignWrapped(proto.send, '@aws-sdk/client-bedrock-runtime send', (m) => this._diag.warn(m));
    // `send` is the base class's: set on this class's prototype, shadowing it. @opentelemetry/instrumentation-aws-sdk
    // patches the base class, so its GenAI span of the same call starts inside ours: one call, one event (the
    // same-call rule keeps the outer span of one layer).
    const original = proto.send as Send;
    const patched = this.patched(original);
    Object.defineProperty(patched, '__original', { value: original });
    proto.send = patched;
    return exports;
  }

  unpatch(exports: unknown): void {
    const proto = this.clientPrototype(exports);
    const send = proto?.send as { __original?: Send } | undefined;
    if (proto && isOursWrapped(send) && send?.__original) {
      if (Object.getPrototypeOf(proto)?.send === send.__original) delete proto.send;
      else proto.send = send.__original;
    }
  }

  private patched(original: Send): Send {
    const self = this;
    return markOurs(function (this: unknown, command: unknown, ...rest: unknown[]): unknown {
      const kind = COMMANDS[(command as { constructor?: { name?: string } } | undefined)?.constructor?.name ?? ''];
      const input = (command as { input?: Obj } | undefined)?.input;
      // A callback-style call, or another command: as without us.
      if (!kind || !input || typeof rest[rest.length - 1] === 'function') return original.call(this, command, ...rest);
      const settings = self.settings.get();
      return callWithPromise<Obj | undefined>(
        self.tracer,
        self._diag,
        OPERATION[kind],
        () => requestAttributes(kind, input, settings),
        () => original.call(this, command, ...rest),
        (output, call) => {
          const stream = kind === 'converseStream' ? output?.stream : kind === 'invokeStream' ? output?.body : undefined;
          if (stream && typeof (stream as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
            observeIterableInPlace(stream as AsyncIterable<Obj>, call, new BedrockStreamAccumulator(kind, familyOf(input.modelId), settings));
            return output;
          }
          call.end(responseAttributes(kind, input, output, settings));
          return output;
        },
      );
    });
  }
}
