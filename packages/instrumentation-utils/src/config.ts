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
