export { BedrockInstrumentation, PACKAGE_NAME, type BedrockInstrumentationConfig } from './instrumentation.js';
