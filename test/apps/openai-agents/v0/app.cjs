// The CommonJS build of the same app; EXISTING_OTEL=1 runs it inside the app's own tracer provider.
if (process.env.EXISTING_OTEL) require('../../existing-otel.cjs');
const agents = require('@openai/agents');
const OpenAI = require('openai');
const { z } = require('zod');

void import('../scenario.mjs').then(({ run }) => run({ agents, OpenAI: OpenAI.default ?? OpenAI, z }));
