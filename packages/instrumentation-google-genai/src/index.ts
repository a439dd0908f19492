export { GoogleGenAIInstrumentation, PACKAGE_NAME, type GoogleGenAIInstrumentationConfig } from './instrumentation.js';
