export { BedrockInstrumentation, PACKAGE_NAME, AWS_SDK_INSTRUMENTATION_SCOPE, type BedrockInstrumentationConfig } from './instrumentation.js';
