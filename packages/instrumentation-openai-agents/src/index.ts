export { AgentOpsTracingProcessor, PACKAGE_NAME, type AgentOpsTracingProcessorOptions } from './processor.js';
export { OpenAIAgentsInstrumentation, type OpenAIAgentsInstrumentationConfig } from './instrumentation.js';
