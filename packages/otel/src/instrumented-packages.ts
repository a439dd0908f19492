/**
 * The packages AgentOps instruments, by the name an app requires or imports them by. Kept apart from their
 * instrumentations so the preload can watch for them before it loads anything (see deferred-start.ts).
 */
export const INSTRUMENTED_PACKAGES = [
  'openai',
  '@anthropic-ai/sdk',
  '@google/genai',
  '@mistralai/mistralai',
  'cohere-ai',
  '@aws-sdk/client-bedrock-runtime',
  'ai',
  '@openai/agents-core',
  '@langchain/core',
] as const;

export type InstrumentedPackage = (typeof INSTRUMENTED_PACKAGES)[number];

export function isInstrumentedPackage(name: string): name is InstrumentedPackage {
  return (INSTRUMENTED_PACKAGES as readonly string[]).includes(name);
}
