import type { Attributes } from '@opentelemetry/api';

interface Server {
  address: string;
  port: number;
  /** The provider really behind the host (an OpenAI-compatible endpoint of Groq, DeepSeek...), when known. */
  provider: string | undefined;
}

/**
 * Hosts of providers reached through another provider's client (most often `openai` with another `baseURL`):
 * `gen_ai.provider.name` is the provider really called, so the call is attributed and priced as what it is.
 * Suffixes match the host and its subdomains. Names follow the GenAI conventions where they define one.
 */
const PROVIDER_HOSTS: ReadonlyArray<readonly [string, string]> = [
  ['api.openai.com', 'openai'],
  ['openai.azure.com', 'azure.ai.openai'],
  ['cognitiveservices.azure.com', 'azure.ai.openai'],
  ['services.ai.azure.com', 'azure.ai.inference'],
  ['api.groq.com', 'groq'],
  ['api.deepseek.com', 'deepseek'],
  ['openrouter.ai', 'openrouter'],
  ['api.x.ai', 'x_ai'],
  ['api.together.xyz', 'together'],
  ['api.together.ai', 'together'],
  ['api.fireworks.ai', 'fireworks'],
  ['api.mistral.ai', 'mistral_ai'],
  ['generativelanguage.googleapis.com', 'gcp.gemini'],
  ['api.perplexity.ai', 'perplexity'],
  ['api.cerebras.ai', 'cerebras'],
  ['api.anthropic.com', 'anthropic'],
];

/** The provider behind a base URL: by host suffix; `localhost:11434` is Ollama's default. */
export function providerOfHost(hostname: string, port: number): string | undefined {
  const host = hostname.toLowerCase();
  for (const [suffix, provider] of PROVIDER_HOSTS) {
    if (host === suffix || host.endsWith(`.${suffix}`)) return provider;
  }
  if (port === 11434 && (host === 'localhost' || host === '127.0.0.1' || host === '::1' || host === '[::1]')) return 'ollama';
  return undefined;
}

// Clients keep their base URL for their lifetime: parse each one once.
const servers = new Map<string, Server | null>();

/**
 * Adds `server.address` / `server.port` of a client's base URL to `attrs`; returns the provider really behind
 * that host, when the host is a known one.
 */
export function addServerAttributes(attrs: Attributes, baseURL: unknown): string | undefined {
  if (typeof baseURL !== 'string') return undefined;
  let server = servers.get(baseURL);
  if (server === undefined) {
    try {
      const u = new URL(baseURL);
      const port = Number(u.port) || (u.protocol === 'https:' ? 443 : 80);
      server = { address: u.hostname, port, provider: providerOfHost(u.hostname, port) };
    } catch {
      server = null;
    }
    if (servers.size < 100) servers.set(baseURL, server);
  }
  if (!server) return undefined;
  attrs['server.address'] = server.address;
  attrs['server.port'] = server.port;
  return server.provider;
}
