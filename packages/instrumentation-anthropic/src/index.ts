export { AnthropicInstrumentation, PACKAGE_NAME, type AnthropicInstrumentationConfig } from './instrumentation.js';
