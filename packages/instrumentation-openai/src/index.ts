export { OpenAIInstrumentation, PACKAGE_NAME, type OpenAIInstrumentationConfig } from './instrumentation.js';
