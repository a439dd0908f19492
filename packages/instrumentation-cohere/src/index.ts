export { CohereInstrumentation, PACKAGE_NAME, type CohereInstrumentationConfig } from './instrumentation.js';
