export { settingsFromEnv, InstrumentationSettings, type GenAiSettings } from './config.js';
export { LlmCall, contentJson, recordFailure } from './llm-call.js';
export { observeApiPromise } from './api-promise.js';
export { observeStream, type StreamAccumulator } from './stream.js';
export { isOursWrapped, markOurs, warnIfForeignWrapped, patchIfAlreadyLoaded, setScopeDuplicated } from './wrap.js';
export { parseArguments, textParts, type GenAiMessage, type MessagePart } from './messages.js';
export { addServerAttributes, providerOfHost } from './server.js';
export { callObserved, type CallReader } from './observe-call.js';
export { addNumber, baseRequestAttributes } from './request-attributes.js';
