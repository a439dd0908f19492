export { AgentOpsCallbackHandler, HANDLER_NAME, PACKAGE_NAME, type AgentOpsCallbackHandlerOptions } from './handler.js';
export { LangChainInstrumentation, CALLBACK_MANAGER_FILES, type LangChainInstrumentationConfig } from './instrumentation.js';
