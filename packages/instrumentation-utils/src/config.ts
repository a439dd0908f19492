/** Settings every AgentOps LLM instrumentation shares, read from the environment once per instance. */
export interface GenAiSettings {
  /** Record prompts and completions (SPEC §2). */
  captureContent: boolean;
  /** Add `stream_options.include_usage` to OpenAI streams (changes the user's request; off by default). */
  streamUsage: boolean;
  /** Characters a single content attribute may hold before it is cut. */
  maxFieldSize: number;
}

function bool(v: string | undefined): boolean | undefined {
  const s = v?.trim().toLowerCase();
  if (s === undefined || s === '') return undefined;
  if (['1', 'true', 'yes', 'on'].includes(s)) return true;
  if (['0', 'false', 'no', 'off'].includes(s)) return false;
  return undefined;
}

/**
 * `AGENTOPS_CAPTURE_CONTENT` (default true) and the GenAI convention's
 * `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=false`, either of which turns capture off;
 * `AGENTOPS_STREAM_USAGE=true`; `AGENTOPS_MAX_FIELD_SIZE`.
 */
export function settingsFromEnv(env: Record<string, string | undefined> = process.env): GenAiSettings {
  const size = Number(env.AGENTOPS_MAX_FIELD_SIZE);
  return {
    captureContent: bool(env.AGENTOPS_CAPTURE_CONTENT) !== false && bool(env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT) !== false,
    streamUsage: bool(env.AGENTOPS_STREAM_USAGE) === true,
    maxFieldSize: Number.isInteger(size) && size > 0 ? size : 64 * 1024,
  };
}

const SDK_SETTINGS = Symbol.for('agentops.genAiSettings');

/**
 * The settings an instrumentation follows, from one source: options given to the instrumentation itself win;
 * then the AgentOps SDK's resolved configuration once `init()` ran (so `init({ maxFieldSize })` reaches every
 * captured call); else the environment. Cheap per call: the merged object is rebuilt only when the SDK's
 * configuration object changes.
 */
export class InstrumentationSettings {
  private env: GenAiSettings = settingsFromEnv();
  private overrides: Partial<GenAiSettings> = {};
  private base: GenAiSettings | undefined;
  private merged: GenAiSettings = this.env;

  /** Options of the instrumentation (undefined ones do not override). */
  configure(overrides: Partial<GenAiSettings>): void {
    this.env = settingsFromEnv();
    this.overrides = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
    this.base = undefined;
  }

  get(): GenAiSettings {
    const base = (globalThis as { [SDK_SETTINGS]?: GenAiSettings })[SDK_SETTINGS] ?? this.env;
    if (base !== this.base) {
      this.base = base;
      this.merged = { ...base, ...this.overrides };
    }
    return this.merged;
  }
}
