export { MistralInstrumentation, PACKAGE_NAME, type MistralInstrumentationConfig } from './instrumentation.js';
