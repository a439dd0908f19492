export { AISdkInstrumentation, PACKAGE_NAME, type AISdkInstrumentationConfig } from './instrumentation.js';
