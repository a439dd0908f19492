// An app that uses no LLM library: which AgentOps instrumentation modules did the preload load?
const loaded = Object.keys(require.cache).filter((f) => /instrumentation-(openai|anthropic|ai-sdk|langchain|openai-agents)[\\/]/.test(f));
console.log(`RESULT ${JSON.stringify({ loaded })}`);
