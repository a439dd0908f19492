// The CommonJS build of the same app; EXISTING_OTEL=1 runs it inside the app's own tracer provider.
if (process.env.EXISTING_OTEL) require('../../existing-otel.cjs');
const ai = require('ai');
const { createOpenAI } = require('@ai-sdk/openai');
const { createAnthropic } = require('@ai-sdk/anthropic');
const { z } = require('zod');

void import('../scenario.mjs').then(({ run }) => run({ ai, createOpenAI, createAnthropic, z, major: 5 }));
